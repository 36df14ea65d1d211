"""Form widgets of the patient's phone, drawn by the templates in tracker/patient/widgets/.

The 0–10 rating appears up to four times on a page and on every htmx answer that carries a
form, and each exercise on Today (``plan_item``) is also the whole answer to a tick: each is
one inclusion tag, so every page and answer prints the same markup with the same messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import template

from tracker.models import RATING_MAX, RATING_MIN

if TYPE_CHECKING:
    from tracker.views.patient import PlanRow

register = template.Library()

RATING_VALUES = tuple(range(RATING_MIN, RATING_MAX + 1))


@register.inclusion_tag("tracker/patient/widgets/rating.html")
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
    return {
        "name": name,
        "base": f"{prefix}-{name}",
        "legend": legend,
        "low": low,
        "high": high,
        "options": [(n, str(n) == chosen) for n in RATING_VALUES],
        "errors": errors,
        "required": required,
    }


@register.inclusion_tag("tracker/patient/widgets/select_options.html")
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = None) -> dict[str, Any]:
    """<option>s with the chosen one marked, compared as text as the browser sends it."""
    chosen = None if selected is None else str(selected)
    # Values as text, not localized: the form reads back what it printed ("7.5").
    return {"options": [(str(value), label, str(value) == chosen) for value, label in choices]}


@register.inclusion_tag("tracker/patient/widgets/hold_timer.html")
def hold_timer(seconds: int, prefix: str) -> dict[str, Any]:
    """A countdown for a timed hold; timer.js brings it to life (hidden without script)."""
    return {"seconds": seconds, "prefix": prefix}


@register.inclusion_tag("tracker/patient/widgets/plan_item.html", takes_context=True)
def plan_item(context: template.Context, row: PlanRow) -> dict[str, Any]:
    """One exercise occurrence on Today: its dose and state, Done and Skip, and its details."""
    log = row.item.log
    return {
        "row": row,
        "item": row.item,
        "show": "hold" if row.item.prescribed.is_timed else "reps",
        "status": (log.status if log is not None else "") or "done",
        "log_url": context["log_url"],
        "session_client_id": context["session_client_id"],
        "day": context["day"],
        # For the details form (Today's log_fields), when it is printed in place.
        "symptom_choices": context.get("symptom_choices"),
    }
