"""The library that ships with Rehabit: exercises, program templates and explanations.

The YAML files in this folder hold the English source text; every text in them is a gettext
msgid (see README, "The built-in library"). This module reads them, checks every entry against
the rules the database and the pages rely on, and refuses a bad file with a message that names
the file, the entry and the field, so a typo fails ``seed_library`` instead of half-seeding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import gettext

from tracker.models import Exercise, ProgramTemplate, ProgramTemplateItem, Side
from tracker.models.library import MAX_TIMES_PER_DAY, BodyRegion, ExerciseCategory

CONTENT_DIR = Path(__file__).resolve().parent
EXERCISES_FILE = "exercises.yaml"
TEMPLATES_FILE = "templates.yaml"
EXPLANATIONS_FILE = "explanations.yaml"
# Explanation texts are templates so that translators get whole paragraphs.
EXPLANATION_TEMPLATE_DIR = "tracker/content/explanations"
EXPLANATION_TEMPLATES = CONTENT_DIR.parent / "templates" / EXPLANATION_TEMPLATE_DIR
# One drawing per exercise, <slug>.svg, drawn from poses.yaml by tools/draw_illustrations.py and
# served as static files under this prefix (settings.STATICFILES_DIRS).
ILLUSTRATIONS_DIR = CONTENT_DIR / "illustrations"
ILLUSTRATIONS_STATIC_PREFIX = "tracker/illustrations"
# A text alternative says what the drawing shows in a few sentences, not a whole page.
ILLUSTRATION_ALT_MAX_LENGTH = 400

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
# The same limits as the database's dosage rules, so a bad number fails here, by name.
DOSAGE_RANGES = {
    "sets": (1, 20),
    "reps": (1, 1000),
    "hold_seconds": (1, 3600),
    "times_per_day": (1, MAX_TIMES_PER_DAY),
    "days_per_week": (1, 7),
}


class ContentError(ValueError):
    """A library file that cannot be loaded; the message names the file, entry and field."""


@dataclass(frozen=True)
class ExerciseEntry:
    slug: str
    name: str
    category: str
    body_region: str
    summary: str
    illustration_alt: str  # what the exercise's drawing shows, for anyone who cannot see it
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    cautions: tuple[str, ...]
    default_sets: int
    default_reps: int | None
    default_hold_seconds: int | None
    default_times_per_day: int
    default_days_per_week: int
    sided: bool
    dosage_note: str

    @property
    def default_side(self) -> str:
        """Each side for a one-sided exercise; no side when both legs work together."""
        return Side.BOTH if self.sided else Side.NONE


@dataclass(frozen=True)
class TemplateItemEntry:
    exercise: str  # an exercise slug
    notes: str = ""
    # Only the dosage fields the file sets; the rest come from the exercise's defaults.
    overrides: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class ProgramTemplateEntry:
    slug: str
    name: str
    goal: str
    description: str
    items: tuple[TemplateItemEntry, ...]


@dataclass(frozen=True)
class Library:
    exercises: tuple[ExerciseEntry, ...]
    templates: tuple[ProgramTemplateEntry, ...]


@dataclass(frozen=True)
class Explanation:
    slug: str
    source_title: str  # English; `title` is what a patient reads

    @property
    def title(self) -> str:
        return gettext(self.source_title)

    @property
    def template_name(self) -> str:
        return f"{EXPLANATION_TEMPLATE_DIR}/{self.slug}.html"


class _Entry:
    """Reads one mapping from a file; every complaint names the file and the entry."""

    def __init__(self, within: str, index: int, raw: object, *, noun: str = "entry") -> None:
        self.where = f"{within}, {noun} {index + 1}"
        if not isinstance(raw, dict):
            raise ContentError(f"{self.where}: expected a mapping of fields")
        self.raw: dict[str, Any] = raw
        slug = raw.get("slug")
        if isinstance(slug, str):
            self.where += f" ({slug})"

    def fail(self, name: str, problem: str) -> ContentError:
        return ContentError(f"{self.where}: {name}: {problem}")

    def only(self, required: AbstractSet[str], optional: AbstractSet[str] = frozenset()) -> None:
        missing = sorted(required - self.raw.keys())
        if missing:
            raise ContentError(f"{self.where}: missing {', '.join(missing)}")
        unknown = sorted(self.raw.keys() - required - optional)
        if unknown:
            raise ContentError(f"{self.where}: unknown field {', '.join(map(str, unknown))}")

    def text(self, name: str, *, max_length: int | None = None) -> str:
        value = self.raw.get(name)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(name, "expected some text")
        if max_length is not None and len(value) > max_length:
            raise self.fail(name, f"longer than {max_length} characters")
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.raw[name]
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise self.fail(name, "expected a list of one or more texts")
        return tuple(value)

    def choice(self, name: str, choices: list[str]) -> str:
        value = self.raw[name]
        if value not in choices:
            raise self.fail(name, f"{value!r} is not one of {', '.join(choices)}")
        return value

    def yes_no(self, name: str) -> bool:
        value = self.raw.get(name)
        if not isinstance(value, bool):
            raise self.fail(name, f"expected true or false, got {value!r}")
        return value

    def number(self, name: str, dosage: str) -> int:
        value = self.raw.get(name)
        low, high = DOSAGE_RANGES[dosage]
        # bool is an int in Python; "yes" in YAML must not pass as 1.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(name, f"expected a whole number from {low} to {high}, got {value!r}")
        return value

    def optional_number(self, name: str, dosage: str) -> int | None:
        return None if self.raw.get(name) is None else self.number(name, dosage)

    def slug(self, seen: set[str]) -> str:
        value = self.raw["slug"]
        if not isinstance(value, str) or not SLUG.fullmatch(value):
            raise self.fail("slug", f"{value!r} is not a kebab-case slug")
        if value in seen:
            raise self.fail("slug", "used by an earlier entry")
        seen.add(value)
        return value


def _max_length(model: type[Any], name: str) -> int:
    # The database's column limits, read through Django's documented Model._meta API.
    return model._meta.get_field(name).max_length


def _entries(path: Path) -> Iterator[_Entry]:
    try:
        with path.open(encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
    except OSError as error:
        raise ContentError(f"{path.name}: cannot be read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise ContentError(f"{path.name}: not valid YAML: {error}") from error
    if not isinstance(data, list) or not data:
        raise ContentError(f"{path.name}: expected a list of entries")
    for index, raw in enumerate(data):
        yield _Entry(path.name, index, raw)


EXERCISE_FIELDS = {
    "slug",
    "name",
    "category",
    "body_region",
    "summary",
    "illustration_alt",
    "steps",
    "cues",
    "cautions",
    "default_sets",
    "default_times_per_day",
    "default_days_per_week",
    "sided",
    "dosage_note",
}


def _exercise(entry: _Entry, seen: set[str]) -> ExerciseEntry:
    entry.only(EXERCISE_FIELDS, {"default_reps", "default_hold_seconds"})
    reps = entry.optional_number("default_reps", "reps")
    hold = entry.optional_number("default_hold_seconds", "hold_seconds")
    if (reps is None) == (hold is None):
        raise entry.fail("default_reps", "set exactly one of default_reps and default_hold_seconds")
    return ExerciseEntry(
        slug=entry.slug(seen),
        name=entry.text("name", max_length=_max_length(Exercise, "name")),
        category=entry.choice("category", ExerciseCategory.values),
        body_region=entry.choice("body_region", BodyRegion.values),
        summary=entry.text("summary", max_length=_max_length(Exercise, "summary")),
        illustration_alt=entry.text("illustration_alt", max_length=ILLUSTRATION_ALT_MAX_LENGTH),
        steps=entry.texts("steps"),
        cues=entry.texts("cues"),
        cautions=entry.texts("cautions"),
        default_sets=entry.number("default_sets", "sets"),
        default_reps=reps,
        default_hold_seconds=hold,
        default_times_per_day=entry.number("default_times_per_day", "times_per_day"),
        default_days_per_week=entry.number("default_days_per_week", "days_per_week"),
        sided=entry.yes_no("sided"),
        dosage_note=entry.text("dosage_note", max_length=_max_length(Exercise, "dosage_note")),
    )


def _template_item(entry: _Entry, exercises: set[str]) -> TemplateItemEntry:
    entry.only({"exercise"}, {*DOSAGE_RANGES, "notes"})
    exercise = entry.raw["exercise"]
    if exercise not in exercises:
        raise entry.fail("exercise", f"{exercise!r} is not an exercise in {EXERCISES_FILE}")
    overrides = {name: entry.number(name, name) for name in DOSAGE_RANGES if name in entry.raw}
    if "reps" in overrides and "hold_seconds" in overrides:
        raise entry.fail("reps", "set reps or hold_seconds, not both")
    notes = ""
    if "notes" in entry.raw:
        notes = entry.text("notes", max_length=_max_length(ProgramTemplateItem, "notes"))
    return TemplateItemEntry(exercise=exercise, notes=notes, overrides=overrides)


def _program_template(entry: _Entry, seen: set[str], exercises: set[str]) -> ProgramTemplateEntry:
    entry.only({"slug", "name", "goal", "description", "items"})
    slug = entry.slug(seen)
    items = entry.raw["items"]
    if not isinstance(items, list) or not items:
        raise entry.fail("items", "expected a list of one or more exercises")
    return ProgramTemplateEntry(
        slug=slug,
        name=entry.text("name", max_length=_max_length(ProgramTemplate, "name")),
        goal=entry.text("goal", max_length=_max_length(ProgramTemplate, "goal")),
        description=entry.text("description"),
        items=tuple(
            _template_item(_Entry(entry.where, index, raw, noun="item"), exercises)
            for index, raw in enumerate(items)
        ),
    )


def load_library(directory: Path = CONTENT_DIR) -> Library:
    """Read and check the exercises and program templates; raise ContentError if a file is bad."""
    seen: set[str] = set()
    exercises = tuple(_exercise(entry, seen) for entry in _entries(directory / EXERCISES_FILE))
    slugs = {exercise.slug for exercise in exercises}
    seen = set()
    templates = tuple(
        _program_template(entry, seen, slugs) for entry in _entries(directory / TEMPLATES_FILE)
    )
    return Library(exercises=exercises, templates=templates)


def load_explanations(
    directory: Path = CONTENT_DIR, templates: Path = EXPLANATION_TEMPLATES
) -> tuple[Explanation, ...]:
    """Read and check the explanations; each needs its text template next to the others."""
    seen: set[str] = set()
    found = []
    for entry in _entries(directory / EXPLANATIONS_FILE):
        entry.only({"slug", "title"})
        explanation = Explanation(slug=entry.slug(seen), source_title=entry.text("title"))
        if not (templates / f"{explanation.slug}.html").is_file():
            raise entry.fail("slug", f"no text in {explanation.template_name}")
        found.append(explanation)
    return tuple(found)


@cache
def explanations_by_slug() -> dict[str, Explanation]:
    """The shipped explanations, read once per process, in file order."""
    return {explanation.slug: explanation for explanation in load_explanations()}


@dataclass(frozen=True)
class Illustration:
    """A built-in exercise's drawing: its static file and what it shows, in words."""

    slug: str
    source_alt: str  # English; `alt` is what a screen reader says

    @property
    def alt(self) -> str:
        return gettext(self.source_alt)

    @property
    def static_path(self) -> str:
        return f"{ILLUSTRATIONS_STATIC_PREFIX}/{self.slug}.svg"


@cache
def illustrations_by_slug() -> dict[str, Illustration]:
    """The shipped exercises that have a drawing, read once per process."""
    return {
        exercise.slug: Illustration(slug=exercise.slug, source_alt=exercise.illustration_alt)
        for exercise in load_library().exercises
        if (ILLUSTRATIONS_DIR / f"{exercise.slug}.svg").is_file()
    }


def library_messages(
    library: Library, explanations: tuple[Explanation, ...]
) -> Iterator[tuple[str, str]]:
    """Every text a translator needs, as (where it comes from, English text)."""
    for exercise in library.exercises:
        where = f"{EXERCISES_FILE}, {exercise.slug}"
        for name in ("name", "summary", "illustration_alt", "dosage_note"):
            yield f"{where}, {name}", getattr(exercise, name)
        for name in ("steps", "cues", "cautions"):
            for text in getattr(exercise, name):
                yield f"{where}, {name}", text
    for template in library.templates:
        where = f"{TEMPLATES_FILE}, {template.slug}"
        for name in ("name", "goal", "description"):
            yield f"{where}, {name}", getattr(template, name)
        for item in template.items:
            if item.notes:
                yield f"{where}, notes for {item.exercise}", item.notes
    for explanation in explanations:
        yield f"{EXPLANATIONS_FILE}, {explanation.slug}, title", explanation.source_title
