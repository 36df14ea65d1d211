"""The check-in form's rating fields share their fixed 0-10 choices between forms, and
nothing else."""

from __future__ import annotations

from datetime import date

from patient.forms import RATING_CHOICES, CheckinForm

TODAY = date(2026, 11, 2)
ANSWERS = {
    "local_date": "2026-11-02",
    "pain": "3",
    "worst_pain": "5",
    "sleep_hours": "7.5",
    "sleep_quality": "6",
    "stress": "2",
}


def test_each_form_has_its_own_rating_fields_with_the_same_choices():
    first, second = CheckinForm(today=TODAY), CheckinForm(today=TODAY)
    for name in ("pain", "worst_pain", "sleep_quality", "stress"):
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not theirs and mine.widget is not theirs.widget
        assert list(mine.choices) == list(theirs.choices) == RATING_CHOICES
        assert list(mine.widget.choices) == RATING_CHOICES
    first.fields["pain"].widget.attrs["aria-describedby"] = "hint"
    assert "aria-describedby" not in second.fields["pain"].widget.attrs


def test_a_rating_outside_0_to_10_is_refused_beside_its_field():
    refused = CheckinForm(ANSWERS | {"pain": "11"}, today=TODAY)
    accepted = CheckinForm(ANSWERS, today=TODAY)

    assert not refused.is_valid()
    assert refused.errors["pain"] == ["Choose a number from 0 to 10."]
    assert accepted.is_valid(), accepted.errors
    assert accepted.cleaned_data["pain"] == 3
