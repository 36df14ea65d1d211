"""The production install is `pip install -r requirements.txt` and nothing else.

The development requirements bring packages of their own (pytest brings `packaging`, which
kombu's Redis transport imports), so the suite's own virtualenv cannot tell whether the web
server, the worker and beat start from requirements.txt alone. These tests build a virtualenv
from requirements.txt only and run the app from it: a runtime dependency that only the
development requirements provide fails here.

The virtualenv is kept under the var folder, named by the Python version and a hash of
requirements.txt, so it is built once per change of requirements (half a minute here) and
reused by later runs.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.conftest import ROOT, test_database_url, wait_for
from tracker.models import WorkerHeartbeat

pytestmark = pytest.mark.production_install

REQUIREMENTS = ROOT / "requirements.txt"
RUNTIME_PACKAGES = ("config", "tracker", "patient", "workspace", "accounts")
COMPLETE = ".rehabit-complete"

PRODUCTION_SETTINGS = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Jx9!vQ2#pLm8@Zr5^Tw0&Yb7*Nc4$Hd6%Fg1(Js2)Ua9-Ee3_Ri8+Oo5=Kq7",
    "ALLOWED_HOSTS": "rehabit.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://rehabit.example.org",
    "EMAIL_HOST": "smtp.example.org",
    # Production's backends, named but never reached: importing them is what is checked.
    "DATABASE_URL": "postgres://rehabit@127.0.0.1:5432/rehabit",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}

# Run inside the production virtualenv with the production settings: the imports the web
# server, a task sent from a request and the Redis cache make, without connecting anywhere.
IMPORTS_OF_PRODUCTION = """
import importlib.util
import django
django.setup()
from django.core.cache import caches
from django.db import connections
from config.celery import app
connections["default"].vendor  # the PostgreSQL backend, psycopg with it
caches["default"]  # Django's Redis cache backend
print(app.connection_for_write().transport.driver_name)  # kombu's Redis transport
assert importlib.util.find_spec("pytest") is None, "development packages leaked in"
"""

# A task sent as a request sends one: from a Django process of the production install.
SEND_HEARTBEAT = """
import django
django.setup()
from tracker.tasks import heartbeat
heartbeat.delay()
"""


FIND_MISSING = """
import importlib.util, sys
print(" ".join(name for name in sys.argv[1:] if importlib.util.find_spec(name) is None))
"""


def modules_the_app_imports() -> set[str]:
    """Every top-level module named by an import in the app's code, those inside functions
    included (they run only when that code path does)."""
    names: set[str] = set()
    for package in RUNTIME_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_bytes(), filename=str(path))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.partition(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.partition(".")[0])
    return names


def requirements_key() -> str:
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()[:16]
    return f"py{sys.version_info.major}.{sys.version_info.minor}-{digest}"


def build_venv(venv: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    result = subprocess.run(
        [venv / "bin" / "python", "-m", "pip", "install", "--no-input", "-q", "-r", REQUIREMENTS],
        env=isolated_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, "pip install -r requirements.txt failed:\n" + result.stderr
    (venv / COMPLETE).touch()


def isolated_env(**overrides: str) -> dict[str, str]:
    """This process's environment without what would let the suite's own packages in."""
    leaks = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in leaks}
    return {**env, "PYTHONNOUSERSITE": "1", "PYTHONUNBUFFERED": "1", **overrides}


@pytest.fixture(scope="module")
def production_python() -> Path:
    """The python of a virtualenv built from requirements.txt alone (built once per hash)."""
    home = Path(settings.VAR_DIR) / "production-venv"
    home.mkdir(parents=True, exist_ok=True)
    venv = home / requirements_key()
    # Two test runs sharing a var folder build it once, one after the other.
    with (home / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (venv / COMPLETE).exists():
            for stale in home.iterdir():
                if stale.is_dir():
                    shutil.rmtree(stale)
            build_venv(venv)
    return venv / "bin" / "python"


def start(python: Path, *args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [python, "-m", "celery", "-A", "config", *args],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def stop(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def heartbeat_ran_or_one_died(*processes: subprocess.Popen[bytes]) -> bool:
    """Waiting ends early when a process has died: one that cannot start dies at once."""
    ran = WorkerHeartbeat.objects.filter(name="scheduler").exists()
    return ran or any(process.poll() is not None for process in processes)


def worker_args() -> list[str]:
    name = f"prod-{uuid.uuid4().hex[:8]}@%h"
    return ["worker", "--pool=solo", "--without-gossip", "--without-mingle", f"--hostname={name}"]


@pytest.fixture
def app_env(transactional_db: None) -> dict[str, str]:
    """The test database and the suite's broker: Redis in CI, the filesystem otherwise."""
    return isolated_env(
        DATABASE_URL=test_database_url(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        DEBUG="1",
    )


@pytest.fixture
def logs(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    for log in sorted(tmp_path.glob("*.log")):
        print(f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}")


def test_it_serves_the_web_app_with_the_production_settings(production_python):
    env = isolated_env(**PRODUCTION_SETTINGS)
    check = subprocess.run(
        [production_python, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    gunicorn = subprocess.run(
        [production_python, "-m", "gunicorn", "--check-config", "config.wsgi:application"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert gunicorn.returncode == 0, gunicorn.stdout + gunicorn.stderr
    imports = subprocess.run(
        [production_python, "-c", IMPORTS_OF_PRODUCTION],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert imports.returncode == 0, imports.stdout + imports.stderr
    assert imports.stdout.strip() == "redis"


def test_it_has_every_module_the_app_imports(production_python):
    names = sorted(modules_the_app_imports())
    assert {"django", "celery", "django_otp", "segno", "yaml"} <= set(names)
    found = subprocess.run(
        [production_python, "-c", FIND_MISSING, *names],
        cwd=ROOT,
        env=isolated_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, found.stderr
    assert found.stdout.split() == [], "imported by the app, missing from requirements.txt"


@pytest.mark.worker
def test_its_worker_runs_a_task_sent_from_the_web_app(production_python, app_env, logs):
    assert not WorkerHeartbeat.objects.exists()
    worker = start(production_python, *worker_args(), env=app_env, log=logs / "worker.log")
    try:
        send = subprocess.run(
            [production_python, "-c", SEND_HEARTBEAT],
            cwd=ROOT,
            env={**app_env, "DJANGO_SETTINGS_MODULE": "config.settings"},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert send.returncode == 0, send.stdout + send.stderr
        wait_for(lambda: heartbeat_ran_or_one_died(worker))
        assert worker.poll() is None, "the worker of the production install died"
        assert WorkerHeartbeat.objects.filter(name="scheduler").exists(), (
            "the worker of the production install did not run the task within 60 s"
        )
    finally:
        stop(worker)


@pytest.mark.worker
def test_its_beat_sends_the_schedule_to_its_worker(production_python, app_env, logs, tmp_path):
    env = {**app_env, "REHABIT_DISPATCH_SECONDS": "1"}
    worker = start(production_python, *worker_args(), env=env, log=logs / "worker.log")
    beat = start(
        production_python,
        "beat",
        "--loglevel=INFO",
        f"--schedule={tmp_path / 'beat-schedule'}",
        env=env,
        log=logs / "beat.log",
    )
    try:
        wait_for(lambda: heartbeat_ran_or_one_died(beat, worker))
        assert beat.poll() is None, "beat of the production install died"
        assert worker.poll() is None, "the worker of the production install died"
        assert WorkerHeartbeat.objects.filter(name="scheduler").exists(), (
            "beat and the worker of the production install did not run the heartbeat in 60 s"
        )
    finally:
        # Beat first, so the worker is still there for what beat sent last.
        stop(beat)
        wait_for(lambda: False, timeout=2)
        stop(worker)
