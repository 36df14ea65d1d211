"""Reading definition files (YAML or JSON) and the built-in ones shipped in
``tracker/content/questionnaires/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from tracker.outcomes.definition import Definition, DefinitionError, parse_definition

BUILT_IN_DIR = Path(__file__).resolve().parent.parent / "content" / "questionnaires"


def read_file(path: Path) -> Any:
    """The mapping in a YAML or JSON file; a file that cannot be read is refused by name."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DefinitionError(f"{path.name}: cannot be read ({error.strerror})") from error
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (yaml.YAMLError, ValueError) as error:
        raise DefinitionError(f"{path.name}: not valid YAML or JSON: {error}") from error


def built_in_files() -> list[Path]:
    return sorted(BUILT_IN_DIR.glob("*.yaml"))


def built_in(slug: str) -> Definition:
    path = BUILT_IN_DIR / f"{slug}.yaml"
    return parse_definition(read_file(path), path.name)
