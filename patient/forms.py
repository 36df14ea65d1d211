"""Forms behind the patient's phone screens: they validate; services write.

Every form that writes carries the day the phone showed (``local_date``), so a submit kept on
the phone overnight lands on the day it was made, and a day that has not come yet is refused
beside the field.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from tracker.models import RATING_MAX, RATING_MIN, SLEEP_HOURS_CHOICES, Symptom
from tracker.models.library import MAX_TIMES_PER_DAY
from tracker.outcomes.definition import ACTIVITY_NAME_MAX, Definition, Kind
from tracker.outcomes.scoring import score
from tracker.services.logbook import CheckinValues, LogDetails
from tracker.timezones import timezone_choices

RATING_CHOICES = [(n, str(n)) for n in range(RATING_MIN, RATING_MAX + 1)]
RATING_ERRORS = {
    "required": _("Choose a number from 0 to 10."),
    "invalid_choice": _("Choose a number from 0 to 10."),
}
# A session or an exercise may still arrive the day after it was done (kept on the phone
# over midnight); anything older is not something a phone should be resending.
LATE_ARRIVAL_DAYS = 1


def rating_field(label: str, *, required: bool = True) -> forms.TypedChoiceField:
    """A 0-10 rating (drawn by the ``rating`` tag of patient_widgets)."""
    return forms.TypedChoiceField(
        label=label,
        choices=RATING_CHOICES,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages=RATING_ERRORS,
    )


class DayForm(forms.Form):
    """A write for a day of the patient's calendar, checked against their own today."""

    local_date = forms.DateField(
        label=_("Day"),
        error_messages={"required": _("The day is missing. Please reload the page.")},
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_local_date(self) -> date:
        day: date = self.cleaned_data["local_date"]
        if day > self.today:
            raise forms.ValidationError(
                _("That day hasn't come yet. Check the date and time zone on your phone.")
            )
        return day


class RecentDayForm(DayForm):
    """A day that may be yesterday at most: a submit kept on the phone over midnight."""

    def clean_local_date(self) -> date:
        day = super().clean_local_date()
        if day < self.today - timedelta(days=LATE_ARRIVAL_DAYS):
            raise forms.ValidationError(
                _("That day is over, so it can't be changed any more. Please reload the page.")
            )
        return day


class SessionForm(RecentDayForm):
    session_client_id = forms.UUIDField(
        error_messages={"required": _("Please reload the page and try again.")}
    )


class SessionStartForm(SessionForm):
    pain_before = rating_field(_("Pain right now, before you start"))


class SessionFinishForm(SessionForm):
    pain_after = rating_field(_("Pain right now, after your exercises"))
    notes = forms.CharField(
        label=_("Anything to tell your therapist? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


# "Save details" under an exercise sends this instead of a status: what was filled in says
# which it is (see ExerciseLogForm.clean).
SAVE_DETAILS = "details"


class ExerciseLogForm(SessionForm):
    prescribed = forms.IntegerField(min_value=1)
    occurrence = forms.IntegerField(min_value=1, max_value=MAX_TIMES_PER_DAY)
    status = forms.ChoiceField(
        choices=[("done", _("Done")), ("skipped", _("Skipped")), (SAVE_DETAILS, _("Save details"))],
        error_messages={"required": _("Choose Done or Skip.")},
    )
    sets_done = forms.IntegerField(label=_("Sets done"), min_value=0, max_value=50, required=False)
    reps_done = forms.IntegerField(
        label=_("Reps in each set"), min_value=0, max_value=500, required=False
    )
    hold_seconds_done = forms.IntegerField(
        label=_("Seconds held"), min_value=0, max_value=3600, required=False
    )
    pain_during = rating_field(_("Pain during (optional)"), required=False)
    symptoms = forms.MultipleChoiceField(
        label=_("What did it feel like? (optional)"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skip_reason = forms.CharField(
        label=_("Reason for skipping (optional)"), max_length=200, required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == SAVE_DETAILS:
            # A reason for skipping is a skip; any other details describe an exercise done.
            # (Done and Skip themselves always mean what they say.)
            reason = (cleaned.get("skip_reason") or "").strip()
            cleaned["status"] = "skipped" if reason else "done"
        return cleaned

    def details(self) -> LogDetails:
        data = self.cleaned_data
        return LogDetails(
            sets_done=data["sets_done"],
            reps_done=data["reps_done"],
            hold_seconds_done=data["hold_seconds_done"],
            pain_during=data["pain_during"],
            symptoms=tuple(data["symptoms"]),
            skip_reason=data["skip_reason"].strip(),
        )


def sleep_choices() -> list[tuple[str, str]]:
    """0 to 16 hours in half hours; built when shown, so the words follow the language."""
    return _sleep_choices_in(get_language())


@cache
def _sleep_choices_in(language: str | None) -> list[tuple[str, str]]:
    # Once per language: the check-in form is drawn on every save.
    return [("", gettext("Choose…"))] + [
        (f"{value:.1f}", gettext("%(hours)s h") % {"hours": f"{value:g}"})
        for value in SLEEP_HOURS_CHOICES
    ]


class CheckinForm(DayForm):
    pain = rating_field(_("Pain right now"))
    worst_pain = rating_field(_("Worst pain in the last 24 hours"))
    sleep_hours = forms.TypedChoiceField(
        label=_("Hours of sleep last night"),
        choices=sleep_choices,
        coerce=Decimal,
        empty_value=None,
        error_messages={
            "required": _("Choose how many hours you slept, from 0 to 16."),
            "invalid_choice": _("Choose how many hours you slept, from 0 to 16."),
        },
    )
    sleep_quality = rating_field(_("How well did you sleep?"))
    stress = rating_field(_("Stress today"))
    note = forms.CharField(
        label=_("Anything else? (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def values(self) -> CheckinValues:
        data = self.cleaned_data
        return CheckinValues(
            pain=data["pain"],
            worst_pain=data["worst_pain"],
            sleep_hours=data["sleep_hours"],
            sleep_quality=data["sleep_quality"],
            stress=data["stress"],
            note=data["note"].strip(),
        )


class PreferencesForm(forms.Form):
    reminder_time = forms.TimeField(
        label=_("Remind me at"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": _("Choose a time, for example 18:00."),
            "invalid": _("Enter a time such as 18:00."),
        },
    )
    remind_by_email = forms.BooleanField(
        label=_("Email me a reminder if I haven't logged anything by then"), required=False
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"),
        choices=timezone_choices,
        error_messages={"invalid_choice": _("Choose a time zone from the list.")},
    )

    def __init__(self, *args: Any, current_timezone: str = "UTC", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The patient's own zone first: the one their phone detected, or the one they chose.
        # A zone set elsewhere (an alias, say) stays selectable under its own name, so saving
        # other settings never fails on it.
        self.fields["timezone"].choices = timezone_choices(  # type: ignore[attr-defined]
            first=current_timezone, first_label=_("Your time zone")
        )


class TimezoneDetectForm(forms.Form):
    timezone = forms.CharField(max_length=64)

    def clean_timezone(self) -> str:
        name: str = self.cleaned_data["timezone"]
        if name not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("That is not a known time zone."))
        return name


class DeletionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Anything you'd like your clinic to know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": _("Please keep this under 2,000 characters.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand my health data will be deleted and can't be brought back"),
        error_messages={"required": _("Tick this box to send your request.")},
    )


class QuestionnaireForm(RecentDayForm):
    """The answers to one questionnaire, built from its definition.

    Fixed items are ``q_<key>``; on a patient-specific scale each activity is ``name_<key>``
    (only the first time: afterwards the names stay as first given) and ``rating_<key>``.
    A scale that cannot be scored (too few items answered) is refused beside its first
    unanswered item, saying how many it needs.
    """

    client_id = forms.UUIDField(
        error_messages={"required": _("Something went wrong. Please reload the page.")}
    )
    due_on = forms.DateField(
        error_messages={"required": _("Something went wrong. Please reload the page.")}
    )

    def __init__(
        self,
        *args: Any,
        spec: Definition,
        activity_count: int = 3,
        named: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.spec = spec
        self.named = named or {}
        self.rows: list[str] = []
        if spec.kind is Kind.ACTIVITIES:
            keys = list(self.named) or spec.activity_keys(activity_count)
            self.rows = keys
            for key in keys:
                if not self.named:
                    self.fields[f"name_{key}"] = forms.CharField(
                        max_length=ACTIVITY_NAME_MAX,
                        required=False,
                        strip=True,
                        error_messages={
                            "max_length": _("Please keep it under %(limit_value)s characters.")
                        },
                    )
                self.fields[f"rating_{key}"] = rating_field(gettext("How well"), required=False)
        else:
            for item in spec.items:
                self.fields[f"q_{item.key}"] = forms.TypedChoiceField(
                    label=item.text,
                    choices=[(o.value, o.label or str(o.value)) for o in item.options],
                    coerce=int,
                    empty_value=None,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Choose one of the answers.")},
                )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.spec.kind is Kind.ACTIVITIES:
            self._clean_activities(cleaned)
        elif not self.errors:
            self._clean_items(cleaned)
        return cleaned

    def _clean_activities(self, cleaned: dict[str, Any]) -> None:
        rated = 0
        for key in self.rows:
            name = self.named.get(key) or cleaned.get(f"name_{key}") or ""
            value = cleaned.get(f"rating_{key}")
            if f"rating_{key}" in self.errors or f"name_{key}" in self.errors:
                continue
            if self.named and value is None:
                self.add_error(f"rating_{key}", gettext("Choose a number from 0 to 10."))
            elif name and value is None:
                self.add_error(
                    f"rating_{key}", gettext("Choose how well you can do this, from 0 to 10.")
                )
            elif value is not None and not name:
                self.add_error(f"name_{key}", gettext("Name the activity you are rating."))
            elif value is not None:
                rated += 1
        if not rated and not self.errors:
            first = self.rows[0]
            field = f"rating_{first}" if self.named else f"name_{first}"
            self.add_error(
                field, gettext("Name at least one activity and rate how well you can do it.")
            )

    def _clean_items(self, cleaned: dict[str, Any]) -> None:
        answers = self.answers()
        result = score(self.spec, answers)
        for scale in self.spec.subscales:
            if result.values.get(scale.key) is None:
                missing = [k for k in scale.items if answers.get(k) is None]
                if not missing:
                    continue
                need = scale.min_answered if scale.impute.value != "none" else len(scale.items)
                self.add_error(
                    f"q_{missing[0]}",
                    gettext("Please answer at least %(count)s of these %(total)s questions.")
                    % {"count": need, "total": len(scale.items)}
                    if len(scale.items) > 1
                    else gettext("Please choose an answer."),
                )

    def answers(self) -> dict[str, int | None]:
        data = self.cleaned_data
        if self.spec.kind is Kind.ACTIVITIES:
            return {
                key: data.get(f"rating_{key}")
                for key in self.rows
                if data.get(f"rating_{key}") is not None
            }
        return {item.key: data.get(f"q_{item.key}") for item in self.spec.items}

    def activities(self) -> dict[str, str]:
        if self.spec.kind is not Kind.ACTIVITIES:
            return {}
        answers = self.answers()
        if self.named:
            return {k: v for k, v in self.named.items() if k in answers}
        return {key: self.cleaned_data[f"name_{key}"] for key in answers}
