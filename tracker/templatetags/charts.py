"""{% line_chart %} and {% adherence_calendar %}: the SVG charts of tracker.charts in templates."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django import template
from django.utils.safestring import SafeString

from tracker import charts
from tracker.selectors.adherence import AdherenceDay

register = template.Library()


@register.simple_tag
def line_chart(
    points: Sequence[tuple[date, float | None]],
    *,
    y_min: float,
    y_max: float,
    label: str,
    unit: str = "",
) -> SafeString:
    return charts.line_chart(points, y_min=y_min, y_max=y_max, label=label, unit=unit)


@register.simple_tag
def adherence_calendar(days: Sequence[AdherenceDay]) -> SafeString:
    return charts.adherence_calendar(days)
