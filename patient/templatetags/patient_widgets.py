"""Form widgets of the patient's phone, drawn by the templates in patient/widgets/.

The 0–10 rating appears up to four times on a page and on every htmx answer that carries a
form, and each exercise on Today (``plan_item``) is also the whole answer to a tick: each is
one inclusion tag, so every page and answer prints the same markup with the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import template
from django.urls import reverse
from django.utils.translation import gettext

from tracker.models import RATING_MAX, RATING_MIN, ExerciseMedia, PrescribedExercise
from tracker.selectors.pictures import exercise_picture

if TYPE_CHECKING:
    from tracker.views.patient import PlanRow

register = template.Library()

RATING_VALUES = tuple(range(RATING_MIN, RATING_MAX + 1))


@register.inclusion_tag("patient/widgets/rating.html")
def rating(
    *,
    name: str,
    legend: str,
    prefix: str,
    low: str,
    high: str,
    value: Any = None,
    errors: Sequence[str] | None = None,
    required: bool = False,
) -> dict[str, Any]:
    """A 0–10 rating as eleven large radio buttons, with both ends explained in words."""
    chosen = None if value is None else str(value)  # as the browser sends it: text
    options = [(n, str(n) == chosen) for n in RATING_VALUES]
    return {
        "name": name,
        "base": f"{prefix}-{name}",
        "legend": legend,
        "low": low,
        "high": high,
        # The number checked, if any: what was sent is printed nowhere else, so the drawn
        # rating is kept by this (not by whatever a phone sent).
        "checked": next((n for n, checked in options if checked), None),
        "options": options,
        "errors": errors,
        "required": required,
    }


@register.inclusion_tag("patient/widgets/select_options.html")
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = None) -> dict[str, Any]:
    """<option>s with the chosen one marked, compared as text as the browser sends it."""
    chosen = None if selected is None else str(selected)
    # Values as text, not localized: the form reads back what it printed ("7.5").
    return {"options": [(str(value), label, str(value) == chosen) for value, label in choices]}


@register.inclusion_tag("patient/widgets/hold_timer.html")
def hold_timer(seconds: int, prefix: str, sets: int = 0, side: str = "") -> dict[str, Any]:
    """A countdown for a timed hold; timer.js brings it to life (hidden without script).

    Given the sets (and the side), it counts the holds toward what is prescribed: every set
    on each side when both sides are done, right then left in turn.
    """
    return {
        "seconds": seconds,
        "prefix": prefix,
        "target": sets * 2 if side == "both" else sets,
        "both_sides": side == "both",
        "start": gettext("Start %(seconds)s s timer") % {"seconds": seconds},
        "display": gettext("%(seconds)s s") % {"seconds": seconds},
    }


@register.inclusion_tag("patient/widgets/plan_item.html", takes_context=True)
def plan_item(context: template.Context, row: PlanRow) -> dict[str, Any]:
    """One exercise occurrence on Today: its dose and state, Done and Skip, and its details.

    Its texts are worked out here, once per exercise, as plain text the template escapes:
    Today prints a dozen of these, and a tick answers with one.
    """
    item, p, log = row.item, row.item.prescribed, row.item.log
    if p.is_timed:
        dose = gettext("%(sets)s × %(seconds)s s hold") % {
            "sets": p.sets,
            "seconds": p.hold_seconds,
        }
    else:
        dose = gettext("%(sets)s × %(reps)s reps") % {"sets": p.sets, "reps": p.reps}
    times = ""  # "1 of 2 today", for an exercise due more than once a day
    if p.times_per_day > 1:
        times = gettext("%(n)s of %(total)s today") % {
            "n": item.occurrence,
            "total": p.times_per_day,
        }
    return {
        "row": row,
        "item": item,
        "p": p,
        "log": log,
        "dom": item.dom_id,
        "url": reverse("patient-exercise", args=[p.pk]),
        # The clinic's picture of the exercise, if it has one (read with the exercise).
        "thumbnail": (
            reverse("patient-exercise-media", args=[p.exercise.cover_id, "thumbnail"])
            if p.exercise.cover_id
            else ""
        ),
        "picture": exercise_picture(p.exercise),
        "dose": dose,
        "side": _side_text(p.side, p.get_side_display()),
        "times": times,
        "show": "hold" if p.is_timed else "reps",
        "log_url": context["log_url"],
        "session_client_id": context["session_client_id"],
        "day": context["day"],
        # For the details form (Today's log_fields), when it is printed in place.
        "symptom_choices": context.get("symptom_choices"),
    }


@register.inclusion_tag("patient/widgets/exercise_media.html")
def exercise_media(
    media: Sequence[ExerciseMedia], prescribed: PrescribedExercise
) -> dict[str, Any]:
    """The clinic's pictures and videos of an exercise, on its page.

    Videos play inline, muted and looping, so the patient can move along with them; for a
    timed hold the countdown sits beside the first video (and then not in the dosage card).
    """
    videos = [m for m in media if m.is_video]
    return {
        "videos": videos,
        "pictures": [m for m in media if not m.is_video],
        "prescribed": prescribed,
        "timer_with_video": prescribed.is_timed and bool(videos),
    }


def _side_text(side: str, label: str) -> str:
    """Which side to do, in the patient's words; nothing for a two-legged exercise."""
    if side == "none":
        return ""
    return gettext("each side") if side == "both" else label
