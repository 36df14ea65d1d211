"""Template helpers of the therapist's workspace."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from tracker.models import Symptom
from tracker.selectors.flags import open_flag_count
from tracker.templatetags.dosage import schedule_text
from workspace.flag_trend import flag_trend

register = template.Library()


@register.simple_tag(takes_context=True)
def nav_open_flags(context: template.Context) -> int:
    """Unacknowledged flags on the user's patients, for the navigation badge (one query)."""
    request = context.get("request")
    if request is None:
        return 0
    return open_flag_count(request.user)


@register.filter
def rating(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, 1)


@register.filter
def schedule(dosage: Any) -> str:
    """How often: "every day", "3 days a week" or the chosen weekdays, and times a day."""
    return schedule_text(dosage)


@register.filter
def symptom_names(values: list[str]) -> str:
    """Stored symptom codes as the words the patient chose."""
    labels = dict(Symptom.choices)
    return ", ".join(str(labels.get(v, v)) for v in values or [])


@register.filter
def dosage_of_log(log: Any) -> str:
    """What the patient actually did, in the same shape as the target."""
    if log.status != "done":
        return ""
    sets = log.sets_done
    amount = (
        _("%(n)s s") % {"n": log.hold_seconds_done}
        if log.hold_seconds_done is not None
        else (_("%(n)s reps") % {"n": log.reps_done} if log.reps_done is not None else None)
    )
    if sets and amount:
        return f"{sets} × {amount}"
    return amount or (_("%(n)s sets") % {"n": sets} if sets else "")


# The pages under the navigation's Clinic menu: the menu reads as current on any of them.
CLINIC_PAGES = frozenset(
    {
        "therapist-clinic",
        "therapist-import",
        "therapist-notification-problems",
        "therapist-deletion-requests",
        "therapist-security",
        "therapist-audit",
        "therapist-two-factor",
    }
)


@register.filter
def is_clinic_page(url_name: str | None) -> bool:
    return url_name in CLINIC_PAGES


@register.inclusion_tag("workspace/_flag_trend.html")
def flag_trend_of(flag: Any) -> dict[str, Any]:
    """The flag's key number then and now, with an arrow, beside its heading."""
    return {"trend": flag_trend(flag.kind, flag.evidence), "escalated": bool(flag.escalated_at)}


@register.simple_tag(takes_context=True)
def patient_zone(context: template.Context, patient: Any) -> str:
    """The patient's time zone as a place ("Denver"), when it is not the therapist's.

    The record's and the flags' dates are the patient's own calendar days (a session on
    6 Dec in Denver may still be 5 Dec in London), so they say whose days they are when
    the two zones differ; otherwise nothing is added.
    """
    request = context.get("request")
    therapist_zone = getattr(getattr(request, "user", None), "timezone", None)
    zone = patient.timezone
    if not zone or zone == therapist_zone:
        return ""
    return zone.rsplit("/", 1)[-1].replace("_", " ")
