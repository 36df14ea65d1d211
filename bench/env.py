"""Where the bench keeps its data, and the environment every bench process runs with.

The bench never touches the development database: on SQLite it uses its own file under
var/bench, on PostgreSQL its own `rehabit_bench` database on the server DATABASE_URL names,
created fresh at the start and dropped at the end.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var" / "bench"
STATIC_ROOT = VAR_DIR / "static"
SQLITE_FILE = VAR_DIR / "bench.sqlite3"
MANIFEST = VAR_DIR / "data.json"  # what the data set holds, for the measurements
PG_DATABASE = "rehabit_bench"
PYTHON = sys.executable
# Everyone the bench logs in as has this password (set as a hash, so no user ever has a
# weaker one than the validators allow in real use).
PASSWORD = "bench-password-not-for-real-use"


def database_url() -> tuple[str, str]:
    """(URL of the bench database, engine name): PostgreSQL if DATABASE_URL points there."""
    configured = os.environ.get("DATABASE_URL", "")
    if configured.startswith(("postgres://", "postgresql://")):
        parts = urlsplit(configured)
        return urlunsplit(parts._replace(path=f"/{PG_DATABASE}", query="")), "postgresql"
    return f"sqlite:///{SQLITE_FILE}", "sqlite"


def server_url(url: str) -> str:
    """The maintenance database of the same PostgreSQL server, to create and drop ours."""
    return urlunsplit(urlsplit(url)._replace(path="/postgres"))


def bench_environment(db_url: str) -> dict[str, str]:
    """Production settings (DEBUG off, WhiteNoise, hashed static files) on plain loopback HTTP."""
    env = dict(os.environ)
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DEBUG": "0",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789abcdef",
            "ALLOWED_HOSTS": "127.0.0.1",
            # Plain HTTP on loopback: no TLS proxy in front, so no redirect or secure cookies.
            "SECURE_SSL_REDIRECT": "0",
            "SESSION_COOKIE_SECURE": "0",
            "CSRF_COOKIE_SECURE": "0",
            "SECURE_HSTS_SECONDS": "0",
            "REHABIT_VAR_DIR": str(VAR_DIR),
            "STATIC_ROOT": str(STATIC_ROOT),
            "DATABASE_URL": db_url,
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "LOG_LEVEL": "WARNING",
            "PYTHONHASHSEED": "0",
        }
    )
    # CELERY_BROKER_URL is kept as configured: unset, it is the filesystem broker under
    # var/bench; bench tasks go to a queue of their own either way (bench/settings.py).
    return env
