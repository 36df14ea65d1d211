"""Form widgets of the patient's phone, drawn in Python.

The 0–10 rating appears up to four times on a page and on every htmx answer that carries a
form; as template markup (eleven radio buttons each, with their labels) it was the largest
share of the time those answers took. The markup is the same as a template would give.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from tracker.models import RATING_MAX, RATING_MIN

register = template.Library()

RATING_VALUES = tuple(range(RATING_MIN, RATING_MAX + 1))


@register.simple_tag
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
) -> SafeString:
    """A 0–10 rating as eleven large radio buttons, with both ends explained in words."""
    base = escape(f"{prefix}-{name}")
    name = escape(name)
    chosen = None if value is None else str(value)
    flags = (" required" if required else "") + (' aria-invalid="true"' if errors else "")
    options = "".join(
        f'<input type="radio" class="rating-input" name="{name}" id="{base}-{n}" value="{n}"'
        f"{' checked' if str(n) == chosen else ''}{flags}>"
        f'<label class="rating-option" for="{base}-{n}">{n}</label>'
        for n in RATING_VALUES
    )
    described = f"{base}-ends" + (f" {base}-error" if errors else "")
    error = (
        f'<p class="field-error" id="{base}-error">{escape(" ".join(map(str, errors)))}</p>'
        if errors
        else ""
    )
    return mark_safe(  # every value above is escaped or a number
        f'<fieldset class="rating{" has-error" if errors else ""}" aria-describedby="{described}">'
        f"<legend>{escape(legend)}</legend>{error}"
        f'<div class="rating-scale">{options}</div>'
        f'<p class="rating-ends" id="{base}-ends"><span>0 = {escape(low)}</span> '
        f"<span>10 = {escape(high)}</span></p></fieldset>"
    )


@register.simple_tag
def select_options(choices: Iterable[tuple[Any, Any]], selected: Any = None) -> SafeString:
    """<option>s with the chosen one marked, compared as text as the browser sends it."""
    chosen = None if selected is None else str(selected)
    return mark_safe(  # values and labels are escaped
        "".join(
            f'<option value="{escape(value)}"{" selected" if str(value) == chosen else ""}>'
            f"{escape(label)}</option>"
            for value, label in choices
        )
    )
