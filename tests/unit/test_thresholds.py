"""A clinic's threshold overrides: checked one key at a time, so a bad one is refused when
saved and ignored when read, while the others still apply."""

from __future__ import annotations

import dataclasses

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory

from tracker.models import Clinic
from tracker.trends import (
    ALLOWED,
    FROM_CLINIC_SETTINGS,
    MAX_WINDOW_DAYS,
    BadOverride,
    OverrideProblem,
    Thresholds,
    decode_overrides,
    override_problems,
)


def test_every_number_a_clinic_may_set_has_a_range():
    on_off = {f.name for f in dataclasses.fields(Thresholds) if isinstance(f.default, bool)}
    numbers = {f.name for f in dataclasses.fields(Thresholds)} - on_off - FROM_CLINIC_SETTINGS
    assert set(ALLOWED) == numbers
    assert all(
        ALLOWED[name].low <= getattr(Thresholds, name) <= ALLOWED[name].high for name in numbers
    )


def test_it_finds_nothing_wrong_with_good_overrides():
    overrides = {
        "pain_rise_points": 1.5,
        "min_checkins": 3.0,  # a whole number written as a float
        "pain_creep_baseline": False,
        "settle_morning_min_session_rise": -10,  # the literal rule
        "adherence_prior_days": MAX_WINDOW_DAYS,
        "pain_rise_pct": 400,  # a rise relative to the baseline may pass 100 %
        "change_standard_errors": 0,  # the clinic's points alone, as before scatter counted
        "spike_above_scatter": 2.5,
        "sleep_stress_standard_errors": 5,
        "scatter_days": 14,
    }
    assert override_problems(overrides) == []
    assert override_problems({}) == [] and override_problems(None) == []


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("pain_rise_point", 1, OverrideProblem.UNKNOWN),
        # the red cut-off is the clinic's traffic light, set with the light
        ("red_light_from", 5, OverrideProblem.UNKNOWN),
        ("red_light_flag", "off", OverrideProblem.NOT_ON_OFF),
        ("pain_rise_points", "abc", OverrideProblem.NOT_A_NUMBER),
        ("stress_rise", "2", OverrideProblem.NOT_A_NUMBER),
        ("min_checkins", True, OverrideProblem.NOT_A_NUMBER),
        ("stress_rise", float("nan"), OverrideProblem.NOT_A_NUMBER),
        ("stress_rise", None, OverrideProblem.NOT_A_NUMBER),
        ("window_days", 2.5, OverrideProblem.NOT_WHOLE),
        ("pain_creep_baseline", 2, OverrideProblem.NOT_ON_OFF),
        ("pain_creep_baseline", "yes", OverrideProblem.NOT_ON_OFF),
        ("quiet_low_days", -1, OverrideProblem.TOO_LOW),
        ("window_days", 0, OverrideProblem.TOO_LOW),  # an empty window judges nothing
        ("adherence_prior_days", MAX_WINDOW_DAYS + 1, OverrideProblem.TOO_HIGH),
        ("adherence_week_below", 101, OverrideProblem.TOO_HIGH),  # a percentage
        ("pain_high_mean", 11, OverrideProblem.TOO_HIGH),  # the 0-10 scale
        ("quiet_usual_chance", 1.5, OverrideProblem.TOO_HIGH),  # a probability
        ("pain_rise_pct", 10**400, OverrideProblem.TOO_HIGH),  # too big for a float
        # a scatter needs two check-ins, so at least two days
        ("scatter_days", 1, OverrideProblem.TOO_LOW),
        ("scatter_days", 7.5, OverrideProblem.NOT_WHOLE),
        ("change_standard_errors", -1, OverrideProblem.TOO_LOW),
        ("change_standard_errors", "3", OverrideProblem.NOT_A_NUMBER),
        ("spike_above_scatter", 101, OverrideProblem.TOO_HIGH),
    ],
)
def test_it_names_each_bad_key_with_its_value_and_what_is_wrong(key, value, problem):
    [bad] = override_problems({"pain_rise_points": 2.5, key: value})

    assert (bad.key, bad.problem) == (key, problem)
    assert bad.value is value
    assert key in str(bad)


def test_it_refuses_overrides_that_are_not_names_with_values():
    [bad] = override_problems([["pain_rise_points", 1]])

    assert bad.problem is OverrideProblem.NOT_AN_OBJECT


def test_decoding_keeps_every_valid_override_and_ignores_only_the_bad_ones():
    thresholds, ignored = decode_overrides(
        {"pain_rise_points": "abc", "quiet_low_days": 5, "window_dayz": 7, "min_checkins": 3.0}
    )

    assert thresholds.quiet_low_days == 5
    assert thresholds.min_checkins == 3 and isinstance(thresholds.min_checkins, int)
    assert thresholds.pain_rise_points == Thresholds().pain_rise_points
    assert [(bad.key, bad.problem) for bad in ignored] == [
        ("pain_rise_points", OverrideProblem.NOT_A_NUMBER),
        ("window_dayz", OverrideProblem.UNKNOWN),
    ]
    assert ignored[0].default == 2.0 and ignored[1].default is None


def test_decoding_falls_back_to_the_defaults_only_when_nothing_can_be_read():
    thresholds, [bad] = decode_overrides("pain_rise_points=1")

    assert thresholds == Thresholds() and bad.problem is OverrideProblem.NOT_AN_OBJECT


def test_from_overrides_still_refuses_any_bad_key():
    with pytest.raises(ValueError, match="quiet_low_days"):
        Thresholds.from_overrides({"pain_rise_points": 1, "quiet_low_days": -1})


def test_a_clinic_refuses_bad_overrides_naming_the_key_and_the_value():
    clinic = Clinic(name="North", flag_thresholds={"pain_rise_points": "abc", "stress_rise": 1})

    with pytest.raises(ValidationError) as error:
        clinic.clean()

    [message] = error.value.message_dict["flag_thresholds"]
    assert "pain_rise_points" in message and '"abc"' in message and "not a number" in message


@pytest.mark.django_db
def test_a_form_for_the_clinic_refuses_a_bad_override():
    ClinicForm = modelform_factory(Clinic, fields=["name", "flag_thresholds"])
    form = ClinicForm(data={"name": "North", "flag_thresholds": '{"window_days": 0}'})

    assert not form.is_valid()
    assert "“window_days” = 0 is below 1" in form.errors["flag_thresholds"][0]


@pytest.mark.django_db
def test_a_clinic_with_good_overrides_is_valid():
    Clinic(name="North", flag_thresholds={"pain_rise_points": 3, "stress_rise": 1}).full_clean()


def test_a_clinic_tells_its_admins_which_override_is_ignored_and_what_is_used_instead():
    clinic = Clinic(name="North", flag_thresholds={"pain_rise_points": "abc", "stress_rise": 1})

    assert clinic.flag_threshold_notices() == [
        'Flag threshold “pain_rise_points” = "abc" is not a number. '
        "It is ignored; the default 2 is used."
    ]
    assert Clinic(name="South", flag_thresholds={"stress_rise": 1}).flag_threshold_notices() == []


def test_bad_override_reads_as_an_error_message():
    bad = BadOverride("window_days", 0, OverrideProblem.TOO_LOW, ALLOWED["window_days"])
    assert str(bad) == "threshold 'window_days' must be at least 1, got 0"
