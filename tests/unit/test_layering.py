"""Imports run one way: surfaces → services / selectors / access → models.

The surfaces (patient/, workspace/, accounts/) may import the core (tracker/); the core
never imports a surface. The phone and the workspace know nothing of each other or of
accounts; accounts' invite and two-factor pages are workspace pages, so accounts may use
the workspace's forms and view helpers. Inside the core a selector never imports a service
or a task, a service never imports a task (tasks call services, not the other way round),
and the access helpers import neither selectors nor services. Every import counts,
including ones inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SURFACES = ("patient", "workspace", "accounts")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> set[str]:
    """Every module the file imports; `from a import b` counts as both `a` and `a.b`."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = module_name(path).split(".")
    if path.name != "__init__.py":
        package.pop()
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def is_within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def modules_of(app: str) -> list[Path]:
    return sorted(path for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts)


def core_modules() -> list[Path]:
    return modules_of("tracker")


def forbidden_for(module: str) -> tuple[str, ...]:
    """What this module must not import."""
    if module.split(".")[0] in ("patient", "workspace"):
        return tuple(surface for surface in SURFACES if not is_within(module, surface))
    if is_within(module, "accounts"):
        return ("patient",)
    forbidden: tuple[str, ...] = SURFACES
    if is_within(module, "tracker.selectors"):
        forbidden += ("tracker.services", "tracker.tasks")
    if is_within(module, "tracker.services"):
        forbidden += ("tracker.tasks",)
    if module == "tracker.access":
        forbidden += ("tracker.selectors", "tracker.services")
    return forbidden


def back_edges(path: Path) -> list[str]:
    module = module_name(path)
    return sorted(
        f"{module} imports {imported}"
        for imported in imported_modules(path)
        for target in forbidden_for(module)
        if is_within(imported, target)
    )


@pytest.mark.parametrize("path", core_modules(), ids=lambda path: module_name(path))
def test_it_imports_only_downwards(path):
    assert back_edges(path) == []


@pytest.mark.parametrize(
    "path",
    [path for surface in SURFACES for path in modules_of(surface)],
    ids=lambda path: module_name(path),
)
def test_a_surface_imports_no_other_surface_it_should_not(path):
    assert back_edges(path) == []


def test_it_sees_every_kind_of_import(tmp_path, monkeypatch):
    """The checker itself: plain, from-, relative and in-function imports are all found."""
    package = tmp_path / "tracker" / "selectors"
    package.mkdir(parents=True)
    probe = package / "probe.py"
    probe.write_text(
        "import workspace.views\n"
        "from tracker import tasks\n"
        "from ..services import audit\n"
        "def later():\n"
        "    from accounts.sign_in import pending_start\n"
    )
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    assert back_edges(probe) == [
        "tracker.selectors.probe imports accounts.sign_in",
        "tracker.selectors.probe imports accounts.sign_in.pending_start",
        "tracker.selectors.probe imports tracker.services",
        "tracker.selectors.probe imports tracker.services.audit",
        "tracker.selectors.probe imports tracker.tasks",
        "tracker.selectors.probe imports workspace.views",
    ]


def test_the_core_covers_access_selectors_and_services():
    names = {module_name(path) for path in core_modules()}
    assert {"tracker.access", "tracker.tasks", "tracker.services.logbook"} <= names
    assert any(is_within(name, "tracker.selectors") for name in names)
