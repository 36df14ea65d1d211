"""Questionnaire scoring against hand-worked examples, missing items included."""

from __future__ import annotations

import pytest

from tracker.outcomes.definition import DefinitionError, parse_definition, with_wording
from tracker.outcomes.files import BUILT_IN_DIR, built_in, read_file
from tracker.outcomes.schedule import Occasion, due_occasion, occasions
from tracker.outcomes.scoring import change, score

KOOS = built_in("koos-12")
PSFS = built_in("psfs")
GROC = built_in("groc")


def koos(pain, function, qol):
    keys = [f"{scale}_{n}" for scale in ("pain", "function", "qol") for n in range(1, 5)]
    return dict(zip(keys, [*pain, *function, *qol], strict=True))


def test_koos_subscales_are_summated_and_transformed_so_100_is_best():
    # pain 1+1+2+0 = 4 of 16 → 100 − 25 = 75; function 8 of 16 → 50; qol 16 of 16 → 0.
    result = score(KOOS, koos([1, 1, 2, 0], [2, 2, 2, 2], [4, 4, 4, 4]))
    assert result.values["pain"] == 75.0
    assert result.values["function"] == 50.0
    assert result.values["qol"] == 0.0
    assert result.values["impact"] == pytest.approx(125 / 3, abs=1e-4)  # (75 + 50 + 0) / 3
    assert result.imputed == ()


def test_a_missing_koos_item_takes_the_mean_of_the_answered_items_of_its_subscale():
    # pain answered 1, 2, 3 → mean 2 imputed for pain_3: sum 8 of 16 → 50.
    result = score(KOOS, koos([1, 2, None, 3], [0, 0, 0, 0], [0, 0, 0, 0]))
    assert result.values["pain"] == 50.0
    assert result.imputed == ("pain_3",)
    assert result.values["impact"] == pytest.approx((50 + 100 + 100) / 3, abs=1e-4)


def test_two_missing_items_are_still_scored_but_three_are_not():
    two = score(KOOS, koos([4, None, None, 2], [0] * 4, [0] * 4))  # mean 3: 12 of 16 → 25
    three = score(KOOS, koos([4, None, None, None], [0] * 4, [0] * 4))
    assert two.values["pain"] == 25.0 and two.imputed == ("pain_2", "pain_3")
    assert three.values["pain"] is None
    assert three.values["impact"] is None  # a summary needs every subscale
    assert three.values["function"] == 100.0


def test_psfs_is_the_mean_of_the_activities_rated():
    assert score(PSFS, {"a1": 3, "a2": 5, "a3": 4}).values["mean"] == 4.0
    assert score(PSFS, {"a1": 3, "a2": None, "a3": 4}).values["mean"] == 3.5
    assert score(PSFS, {"a1": None}).values["mean"] is None


def test_groc_scores_the_answer_itself():
    assert score(GROC, {"change": 5}).values["change"] == 5.0
    assert score(GROC, {"change": -7}).values["change"] == -7.0


def test_a_change_is_judged_against_the_measures_thresholds():
    mdc, mic, higher = PSFS.thresholds("mean")
    assert (mdc, mic, higher) == (2.0, None, True)
    up = change(4.0, 6.0, mdc=mdc, mic=mic, higher_is_better=higher)
    small = change(4.0, 5.5, mdc=mdc, mic=mic, higher_is_better=higher)
    down = change(6.0, 3.0, mdc=mdc, mic=mic, higher_is_better=higher)
    assert (up.direction, up.beyond_mdc, up.verdict) == ("better", True, "better, beyond the MDC")
    assert (small.beyond_mdc, small.verdict) == (False, "better, within measurement error")
    assert (down.direction, down.improvement, down.beyond_mdc) == ("worse", -3.0, True)
    # Lower is better on a raw pain scale: a fall is an improvement.
    relief = change(7, 4, mdc=1, mic=2, higher_is_better=False)
    assert relief.direction == "better" and relief.beyond_mic
    assert relief.verdict == "better, beyond the minimal important change and the MDC"


def test_the_built_in_koos_has_no_wording_until_the_clinic_loads_its_copy():
    assert KOOS.needs_wording
    wording = read_file(
        BUILT_IN_DIR.parents[2] / "tests/fixtures/questionnaires/koos-12-placeholder-wording.yaml"
    )
    merged = parse_definition(with_wording(KOOS.raw, wording, "wording.yaml"), "wording.yaml")
    assert not merged.needs_wording
    assert merged.item("pain_1").text == "Placeholder pain question one"
    assert merged.item("pain_1").options[4].label == "Placeholder extreme"
    assert merged.thresholds("impact") == (12.0, 10.0, True)
    # Scoring is unchanged by the wording.
    answers = koos([1, 2, None, 3], [0] * 4, [0] * 4)
    assert score(merged, answers) == score(KOOS, answers)


@pytest.mark.parametrize(
    ("change_to", "message"),
    [
        ({"slug": "Not A Slug"}, "koos.yaml: slug: 'Not A Slug' is not a kebab-case slug"),
        ({"primary": "nope"}, "koos.yaml: primary: 'nope' is not the key of a subscale"),
        ({"kind": "grid"}, "koos.yaml: kind: 'grid' is not one of items, activities"),
        ({"colour": "red"}, "koos.yaml: unknown field colour"),
    ],
)
def test_a_bad_definition_is_refused_naming_the_field(change_to, message):
    with pytest.raises(DefinitionError, match=message.replace("(", r"\(")):
        parse_definition({**KOOS.raw, **change_to}, "koos.yaml")


def test_a_bad_item_or_scale_is_refused_naming_it():
    items = [dict(i) for i in KOOS.raw["items"]]
    items[2]["options"] = "stars"
    with pytest.raises(DefinitionError) as error:
        parse_definition({**KOOS.raw, "items": items}, "koos.yaml")
    assert str(error.value) == (
        "koos.yaml, item 3 (pain_3): options: no response scale named 'stars' under options"
    )
    scales = [dict(s) for s in KOOS.raw["subscales"]]
    scales[1]["min_answered"] = 9
    with pytest.raises(DefinitionError) as error:
        parse_definition({**KOOS.raw, "subscales": scales}, "koos.yaml")
    assert str(error.value) == (
        "koos.yaml, subscale 2 (function): min_answered: expected a whole number from 1 to 4, got 9"
    )
    scales[1] = {**scales[1], "min_answered": 2, "mic": -1}
    with pytest.raises(DefinitionError, match=r"subscale 2 \(function\): mic: expected a number"):
        parse_definition({**KOOS.raw, "subscales": scales}, "koos.yaml")


def test_a_definition_with_wording_needs_the_words_of_each_item():
    raw = {k: v for k, v in KOOS.raw.items() if k != "wording_from"}
    with pytest.raises(DefinitionError, match="koos.yaml, options problem, option 1: label: exp"):
        parse_definition(raw, "koos.yaml")
    labelled = [{"value": v, "label": f"level {v}"} for v in range(5)]
    raw["options"] = {"problem": labelled}
    with pytest.raises(DefinitionError, match=r"koos.yaml, item 1 \(pain_1\): text: expected"):
        parse_definition(raw, "koos.yaml")


def test_a_wording_file_must_cover_every_item_and_nothing_else():
    with pytest.raises(DefinitionError, match="w.yaml, items: missing function_1, function_2"):
        with_wording(KOOS.raw, {"wording_for": "koos-12", "items": {"pain_1": "x"}}, "w.yaml")
    texts = {item["key"]: "x" for item in KOOS.raw["items"]} | {"pain_9": "x"}
    with pytest.raises(DefinitionError, match="w.yaml, items: pain_9: no such item in koos-12"):
        with_wording(KOOS.raw, {"wording_for": "koos-12", "items": texts}, "w.yaml")


def test_occasions_fall_at_the_start_every_n_days_and_at_discharge():
    from datetime import date

    start = date(2026, 1, 1)
    found = occasions(
        start, at_start=True, every_days=14, discharge_on=date(2026, 1, 29), until=date(2026, 3, 1)
    )
    assert [(d.due_on.day, d.occasion) for d in found] == [
        (1, Occasion.START),
        (15, Occasion.REPEAT),
        (29, Occasion.DISCHARGE),
    ]
    # The latest occasion is due until answered; an older one missed is passed over.
    due = due_occasion(
        start, at_start=True, every_days=14, discharge_on=None, today=date(2026, 1, 20),
        answered=[],
    )  # fmt: skip
    assert due is not None and due.due_on == date(2026, 1, 15)
    assert (
        due_occasion(
            start,
            at_start=True,
            every_days=14,
            discharge_on=None,
            today=date(2026, 1, 20),
            answered=[date(2026, 1, 15)],
        )  # fmt: skip
        is None
    )
