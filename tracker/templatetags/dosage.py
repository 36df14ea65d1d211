"""How a prescribed dosage reads, the same on the workspace, the phone and the handout."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


def schedule_text(dosage: Any) -> str:
    """How often: "every day", "3 days a week" or the chosen weekdays, and times a day."""
    if dosage.weekdays:
        # Any Monday gives the locale's short weekday names; 4 March 2024 was one.
        days = ", ".join(
            date_format(date(2024, 3, 4 + d), "D") for d in range(7) if dosage.weekdays & (1 << d)
        )
    elif dosage.days_per_week >= 7:
        days = _("every day")
    else:
        days = ngettext("%(n)s day a week", "%(n)s days a week", dosage.days_per_week) % {
            "n": dosage.days_per_week
        }
    if dosage.times_per_day > 1:
        times = ngettext("%(n)s time a day", "%(n)s times a day", dosage.times_per_day) % {
            "n": dosage.times_per_day
        }
        return f"{days}, {times}"
    return days


@register.filter
def schedule(dosage: Any) -> str:
    return schedule_text(dosage)
