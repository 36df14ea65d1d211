"""The app's code uses Django's public API only: no query internals, no hand-made SQL reads.

Every module of the apps is read (migrations aside): an import from ``django.db.models.sql``
or a mention of the internals the ORM's own compiler uses fails the test, naming the file.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = ("tracker", "patient", "workspace", "accounts")
FORBIDDEN_MODULE = "django.db.models.sql"
FORBIDDEN_NAMES = ("get_db_converters", "set_cached_value", "sql_with_params")


def app_modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        if (ROOT / app).is_dir()
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


def forbidden_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # "from django.db.models import sql" imports the module too.
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found += [
            m for m in modules if m == FORBIDDEN_MODULE or m.startswith(FORBIDDEN_MODULE + ".")
        ]
    return found


def test_it_reads_the_apps_modules_and_not_their_migrations():
    checked = {str(path.relative_to(ROOT)) for path in app_modules()}
    assert "tracker/selectors/plan.py" in checked
    assert not any("/migrations/" in path for path in checked)


@pytest.mark.parametrize("path", app_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_it_uses_only_django_s_public_api(path: Path):
    source = path.read_text(encoding="utf-8")
    problems = forbidden_imports(source) + [name for name in FORBIDDEN_NAMES if name in source]
    assert not problems, f"{path.relative_to(ROOT)}: {', '.join(problems)}"


def test_it_spots_each_kind_of_forbidden_use():
    assert forbidden_imports("from django.db.models.sql.compiler import SQLCompiler")
    assert forbidden_imports("import django.db.models.sql")
    assert forbidden_imports("from django.db.models import sql")
    assert not forbidden_imports("from django.db.models import Q, F")
