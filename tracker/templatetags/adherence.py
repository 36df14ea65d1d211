"""How adherence reads on every screen: one rounding, one "—", one way to state its window."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import number_format

from tracker.selectors.adherence import AdherenceWindow

register = template.Library()


@register.filter
def adherence_percent(value: float | None) -> str:
    """76.5 → "77 %"; None (nothing was due) → "—", never 0 %."""
    if value is None:
        return "—"
    whole = Decimal(str(value)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return f"{number_format(whole, 0)} %"


@register.inclusion_tag("tracker/adherence_window.html")
def adherence_window(window: AdherenceWindow, *, compact: bool = False) -> dict[str, object]:
    """The figure with the days it covers: "76 %", "29 Nov – 5 Dec", "4 of 7 days due"."""
    return {"window": window, "compact": compact}
