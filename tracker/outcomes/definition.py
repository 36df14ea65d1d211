"""Questionnaire definitions: what a scored questionnaire asks and how it is scored, as data.

A definition is a mapping (a YAML or JSON file, or the JSON stored with each questionnaire
version). ``parse_definition`` checks every field and refuses a bad one with a message that
names the file, the item or scale and the field (``koos-12.yaml, item 3 (p3): options: …``),
so a typo stops the load instead of scoring patients wrongly. The format is documented in
README.md, "Outcome measures". Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
KEY = re.compile(r"[a-z][a-z0-9_]{0,19}")
# A patient-specific scale's activities are a1 … a5, in the order the patient named them.
ACTIVITY_KEY = re.compile(r"a[1-5]")
# A patient names at most this many activities on a patient-specific scale.
MOST_ACTIVITIES = 5
ACTIVITY_NAME_MAX = 120


class DefinitionError(ValueError):
    """A definition that cannot be used; the message names the file, the part and the field."""


class Kind(StrEnum):
    ITEMS = "items"  # fixed items, the same for every patient
    ACTIVITIES = "activities"  # the patient names activities and rates each


class Method(StrEnum):
    SUM = "sum"  # summated ratings
    MEAN = "mean"


class Impute(StrEnum):
    NONE = "none"
    # A missing item takes the mean of the items the patient answered in the same scale.
    PERSON_MEAN = "person_mean"


class Better(StrEnum):
    HIGH = "high"
    LOW = "low"


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    key: str
    text: str  # empty when the wording is loaded from the clinic's own copy
    options: tuple[Option, ...]

    @property
    def lowest(self) -> int:
        return min(o.value for o in self.options)

    @property
    def highest(self) -> int:
        return max(o.value for o in self.options)

    def allows(self, value: int) -> bool:
        return any(o.value == value for o in self.options)


@dataclass(frozen=True)
class Subscale:
    """One score: its items, how they combine, and the change worth noticing."""

    key: str
    label: str
    items: tuple[str, ...]  # () on an activities scale: every activity the patient named
    method: Method
    min_answered: int
    impute: Impute
    # Which end of the items' values is the good one.
    better: Better
    # Transformed to 0–100 with 100 the best state, whatever the items' direction.
    transform: bool
    mdc: float | None = None  # minimal detectable change, in the score's own units
    mic: float | None = None  # minimal important change

    @property
    def higher_is_better(self) -> bool:
        return self.transform or self.better is Better.HIGH


@dataclass(frozen=True)
class Summary:
    """A score made of the subscales' scores (their mean), e.g. a summary impact score."""

    key: str
    label: str
    subscales: tuple[str, ...]
    mdc: float | None = None
    mic: float | None = None
    higher_is_better: bool = True


@dataclass(frozen=True)
class Activities:
    """A patient-specific scale: the patient names activities and rates each one."""

    default: int  # how many the patient is asked for
    most: int  # how many a therapist may allow
    item_mdc: float | None  # the change in one activity's rating worth noticing


@dataclass(frozen=True)
class Definition:
    slug: str
    title: str
    kind: Kind
    intro: str
    items: tuple[Item, ...]
    subscales: tuple[Subscale, ...]
    summary: Summary | None
    primary: str  # the score shown on the caseload and watched for worsening
    activities: Activities | None = None
    rating: Item | None = None  # the scale each activity is rated on
    wording_from: str = ""  # where a clinic loads licensed wording from
    reference: str = ""
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def needs_wording(self) -> bool:
        """Items without their text: the clinic has not loaded its own copy yet."""
        return any(not item.text for item in self.items)

    def item(self, key: str) -> Item:
        for item in self.items:
            if item.key == key:
                return item
        if self.rating is not None and ACTIVITY_KEY.fullmatch(key):
            return self.rating
        raise KeyError(key)

    def score_keys(self) -> list[str]:
        keys = [s.key for s in self.subscales]
        return keys + ([self.summary.key] if self.summary else [])

    def score_label(self, key: str) -> str:
        if self.summary is not None and key == self.summary.key:
            return self.summary.label
        return next(s.label for s in self.subscales if s.key == key)

    def thresholds(self, key: str) -> tuple[float | None, float | None, bool]:
        """(MDC, MIC, whether higher is better) of one score."""
        if self.summary is not None and key == self.summary.key:
            return self.summary.mdc, self.summary.mic, self.summary.higher_is_better
        scale = next(s for s in self.subscales if s.key == key)
        return scale.mdc, scale.mic, scale.higher_is_better

    def activity_keys(self, count: int) -> list[str]:
        return [f"a{i}" for i in range(1, count + 1)]


class _Part:
    """Reads one mapping of a definition; every complaint names where it is."""

    def __init__(self, where: str, raw: object) -> None:
        self.where = where
        if not isinstance(raw, dict):
            raise DefinitionError(f"{where}: expected a mapping of fields")
        self.raw: dict[str, Any] = raw

    def fail(self, name: str, problem: str) -> DefinitionError:
        return DefinitionError(f"{self.where}: {name}: {problem}")

    def only(self, required: set[str], optional: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        missing = sorted(required - self.raw.keys())
        if missing:
            raise DefinitionError(f"{self.where}: missing {', '.join(missing)}")
        unknown = sorted(map(str, self.raw.keys() - required - optional))
        if unknown:
            raise DefinitionError(f"{self.where}: unknown field {', '.join(unknown)}")

    def text(self, name: str, *, default: str | None = None, max_length: int = 500) -> str:
        value = self.raw.get(name, default)
        if value is None or not isinstance(value, str) or (default is None and not value.strip()):
            raise self.fail(name, "expected some text")
        if len(value) > max_length:
            raise self.fail(name, f"longer than {max_length} characters")
        return value.strip()

    def whole(self, name: str, low: int, high: int, *, default: int | None = None) -> int:
        value = self.raw.get(name, default)
        # bool is an int in Python; "yes" in YAML must not pass as 1.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise self.fail(name, f"expected a whole number from {low} to {high}, got {value!r}")
        return value

    def threshold(self, name: str) -> float | None:
        value = self.raw.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
            raise self.fail(name, f"expected a number above 0 and at most 100, got {value!r}")
        return float(value)

    def choice[E: StrEnum](self, name: str, kind: type[E], default: E | None = None) -> E:
        value = self.raw.get(name, default)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise self.fail(name, f"{value!r} is not one of {allowed}") from None

    def key(self, name: str = "key") -> str:
        value = self.raw.get(name)
        if not isinstance(value, str) or not KEY.fullmatch(value):
            raise self.fail(name, f"{value!r} is not a key (lower case letters, digits, _)")
        return value


def _options(where: str, raw: object, *, need_labels: bool) -> tuple[Option, ...]:
    if not isinstance(raw, list) or len(raw) < 2:
        raise DefinitionError(f"{where}: options: expected a list of two or more options")
    options: list[Option] = []
    for index, entry in enumerate(raw):
        part = _Part(f"{where}, option {index + 1}", entry)
        part.only({"value"}, {"label"})
        value = part.whole("value", -100, 100)
        # The ends of a scale need their words; the points between may go without (0 … 10).
        end = index in (0, len(raw) - 1)
        label = part.text(
            "label", default="" if not (need_labels and end) else None, max_length=120
        )
        if any(o.value == value for o in options):
            raise part.fail("value", f"{value} is used by an earlier option")
        options.append(Option(value, label))
    return tuple(options)


def _item(
    source: str,
    index: int,
    raw: object,
    scales: Mapping[str, tuple[Option, ...]],
    *,
    need_text: bool,
) -> Item:
    where = f"{source}, item {index + 1}"
    part = _Part(where, raw)
    if isinstance(raw.get("key"), str):  # type: ignore[union-attr]
        part.where = where = f"{where} ({raw['key']})"  # type: ignore[index]
    part.only({"key", "options"}, {"text"})
    key = part.key()
    text = part.text("text", default="" if not need_text else None, max_length=500)
    named = raw["options"]  # type: ignore[index]
    if isinstance(named, str):
        if named not in scales:
            raise part.fail("options", f"no response scale named {named!r} under options")
        options = scales[named]
    else:
        options = _options(where, named, need_labels=need_text)
    return Item(key, text, options)


def _subscale(
    source: str, index: int, raw: object, items: Mapping[str, Item], kind: Kind
) -> Subscale:
    where = f"{source}, subscale {index + 1}"
    part = _Part(where, raw)
    if isinstance(raw.get("key"), str):  # type: ignore[union-attr]
        part.where = where = f"{where} ({raw['key']})"  # type: ignore[index]
    part.only(
        {"key", "label", "method"},
        {"items", "min_answered", "impute", "better", "transform", "mdc", "mic"},
    )
    key = part.key()
    label = part.text("label", max_length=120)
    method = part.choice("method", Method)
    if kind is Kind.ACTIVITIES:
        if "items" in part.raw:
            raise part.fail("items", "an activities scale scores every activity the patient named")
        keys: tuple[str, ...] = ()
        most = MOST_ACTIVITIES
    else:
        listed = part.raw.get("items")
        if not isinstance(listed, list) or not listed:
            raise part.fail("items", "expected a list of item keys")
        for name in listed:
            if name not in items:
                raise part.fail("items", f"no item with the key {name!r}")
        if len(set(listed)) != len(listed):
            raise part.fail("items", "an item is listed twice")
        keys = tuple(listed)
        most = len(keys)
    min_answered = part.whole("min_answered", 1, most, default=1)
    impute = part.choice("impute", Impute, Impute.NONE)
    if impute is Impute.PERSON_MEAN and method is Method.MEAN:
        # A mean of the answered items is the same with or without their mean filled in.
        raise part.fail("impute", "person_mean changes nothing for a mean; use none")
    transform = part.raw.get("transform", False)
    if not isinstance(transform, bool):
        raise part.fail("transform", f"expected true or false, got {transform!r}")
    if transform and kind is Kind.ACTIVITIES and method is Method.SUM:
        raise part.fail("transform", "a sum over a varying number of activities has no range")
    return Subscale(
        key=key,
        label=label,
        items=keys,
        method=method,
        min_answered=min_answered,
        impute=impute,
        better=part.choice("better", Better, Better.HIGH),
        transform=transform,
        mdc=part.threshold("mdc"),
        mic=part.threshold("mic"),
    )


TOP_FIELDS = {"slug", "title", "kind", "subscales", "primary"}
OPTIONAL_TOP_FIELDS = {
    "intro",
    "options",
    "items",
    "summary",
    "activities",
    "rating",
    "wording_from",
    "reference",
    "version",
}


def parse_definition(data: object, source: str) -> Definition:
    """The definition in ``data``, checked; ``source`` names it in every message."""
    top = _Part(source, data)
    top.only(TOP_FIELDS, OPTIONAL_TOP_FIELDS)
    slug = top.raw["slug"]
    if not isinstance(slug, str) or not SLUG.fullmatch(slug) or len(slug) > 50:
        raise top.fail("slug", f"{slug!r} is not a kebab-case slug of at most 50 characters")
    kind = top.choice("kind", Kind)
    wording_from = top.text("wording_from", default="", max_length=300)
    # Licensed wording is not shipped: a definition that says where it comes from may leave
    # its item texts (and option labels) out until the clinic loads its copy.
    need_text = not wording_from

    scales: dict[str, tuple[Option, ...]] = {}
    named_scales = top.raw.get("options", {})
    if not isinstance(named_scales, dict):
        raise top.fail("options", "expected named response scales")
    for name, raw in named_scales.items():
        scales[str(name)] = _options(f"{source}, options {name}", raw, need_labels=need_text)

    items: dict[str, Item] = {}
    activities: Activities | None = None
    rating: Item | None = None
    if kind is Kind.ITEMS:
        raw_items = top.raw.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            raise top.fail("items", "expected a list of items")
        for index, raw in enumerate(raw_items):
            item = _item(source, index, raw, scales, need_text=need_text)
            if item.key in items:
                raise DefinitionError(f"{source}, item {index + 1} ({item.key}): key: used twice")
            items[item.key] = item
        if "activities" in top.raw or "rating" in top.raw:
            raise top.fail("activities", "only an activities questionnaire names activities")
    else:
        if "items" in top.raw:
            raise top.fail("items", "an activities questionnaire has no fixed items")
        part = _Part(f"{source}, activities", top.raw.get("activities"))
        part.only({"default", "most"}, {"item_mdc"})
        most = part.whole("most", 1, MOST_ACTIVITIES)
        activities = Activities(
            default=part.whole("default", 1, most),
            most=most,
            item_mdc=part.threshold("item_mdc"),
        )
        # Each activity's "text" is the patient's own name for it.
        rating_part = _Part(f"{source}, rating", _mapping(top, "rating"))
        rating_part.only({"options"})
        rating = Item(
            "rating", "", _options(rating_part.where, rating_part.raw["options"], need_labels=True)
        )

    subscales_raw = top.raw["subscales"]
    if not isinstance(subscales_raw, list) or not subscales_raw:
        raise top.fail("subscales", "expected a list of one or more scales")
    subscales = tuple(
        _subscale(source, index, raw, items, kind) for index, raw in enumerate(subscales_raw)
    )
    keys = [s.key for s in subscales]
    if len(set(keys)) != len(keys):
        raise top.fail("subscales", "two scales share a key")

    summary: Summary | None = None
    if "summary" in top.raw:
        part = _Part(f"{source}, summary", top.raw["summary"])
        part.only({"key", "label", "subscales"}, {"mdc", "mic"})
        listed = part.raw["subscales"]
        if not isinstance(listed, list) or len(listed) < 2 or not set(listed) <= set(keys):
            raise part.fail("subscales", "expected two or more keys of the subscales")
        directions = {next(s for s in subscales if s.key == k).higher_is_better for k in listed}
        if len(directions) != 1:
            raise part.fail("subscales", "a mean of scales that point different ways means nothing")
        summary_key = part.key()
        if summary_key in keys:
            raise part.fail("key", "used by a subscale")
        summary = Summary(
            key=summary_key,
            label=part.text("label", max_length=120),
            subscales=tuple(listed),
            mdc=part.threshold("mdc"),
            mic=part.threshold("mic"),
            higher_is_better=directions.pop(),
        )
    primary = top.raw["primary"]
    if primary not in keys and (summary is None or primary != summary.key):
        raise top.fail("primary", f"{primary!r} is not the key of a subscale or the summary")

    return Definition(
        slug=slug,
        title=top.text("title", max_length=120),
        kind=kind,
        intro=top.text("intro", default="", max_length=1000),
        items=tuple(items.values()),
        subscales=subscales,
        summary=summary,
        primary=primary,
        activities=activities,
        rating=rating,
        wording_from=wording_from,
        reference=top.text("reference", default="", max_length=300),
        raw=_without(top.raw, "version"),
    )


def _mapping(top: _Part, name: str) -> dict[str, Any]:
    value = top.raw.get(name)
    if not isinstance(value, dict):
        raise top.fail(name, "expected a mapping with options")
    return value


def _without(raw: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in raw.items() if k not in names}


def with_wording(base: Mapping[str, Any], wording: object, source: str) -> dict[str, Any]:
    """A definition with the clinic's own item texts and option labels put in.

    ``wording`` is the mapping of a wording file: ``wording_for`` (the slug), ``items`` (key
    → text) and optionally ``options`` (scale name → value → label). Scoring stays as it is;
    a key the definition does not have is refused by name.
    """
    part = _Part(source, wording)
    part.only({"wording_for", "items"}, {"options", "intro", "title", "thresholds"})
    if part.raw["wording_for"] != base.get("slug"):
        raise part.fail("wording_for", f"expected {base.get('slug')!r}")
    texts = part.raw["items"]
    if not isinstance(texts, dict):
        raise part.fail("items", "expected item keys with their text")
    merged = dict(base)
    merged.pop("wording_from", None)
    known = {item["key"] for item in base.get("items", [])}
    for key, text in texts.items():
        if key not in known:
            raise DefinitionError(f"{source}, items: {key}: no such item in {base['slug']}")
        if not isinstance(text, str) or not text.strip():
            raise DefinitionError(f"{source}, items: {key}: expected some text")
    missing = sorted(known - texts.keys())
    if missing:
        raise DefinitionError(f"{source}, items: missing {', '.join(missing)}")
    merged["items"] = [{**item, "text": texts[item["key"]]} for item in base["items"]]
    labels = part.raw.get("options", {})
    if not isinstance(labels, dict):
        raise part.fail("options", "expected scale names with value → label")
    scales = dict(base.get("options", {}))
    for name, by_value in labels.items():
        if name not in scales or not isinstance(by_value, dict):
            raise DefinitionError(f"{source}, options: {name}: no such response scale")
        values = {o["value"] for o in scales[name]}
        if set(by_value) != values:
            raise DefinitionError(
                f"{source}, options: {name}: expected a label for each of "
                f"{', '.join(map(str, sorted(values)))}"
            )
        scales[name] = [{"value": o["value"], "label": by_value[o["value"]]} for o in scales[name]]
    merged["options"] = scales
    for name in ("intro", "title"):
        if name in part.raw:
            merged[name] = part.text(name, max_length=1000)
    # The clinic's reference may give change thresholds the shipped scoring leaves open.
    thresholds = part.raw.get("thresholds", {})
    if not isinstance(thresholds, dict):
        raise part.fail("thresholds", "expected score keys with their mdc and mic")
    scales = [dict(s) for s in merged.get("subscales", [])]
    summary = dict(merged["summary"]) if isinstance(merged.get("summary"), dict) else None
    for key, values in thresholds.items():
        target = next((s for s in scales if s.get("key") == key), None)
        if target is None and summary is not None and summary.get("key") == key:
            target = summary
        if target is None or not isinstance(values, dict) or not set(values) <= {"mdc", "mic"}:
            raise DefinitionError(
                f"{source}, thresholds: {key}: expected a score key with mdc, mic"
            )
        target.update(values)
    merged["subscales"] = scales
    if summary is not None:
        merged["summary"] = summary
    return merged
