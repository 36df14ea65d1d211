"""Form widgets of the patient's phone, drawn in Python.

The 0–10 rating appears up to four times on a page and on every htmx answer that carries a
form; as template markup (eleven radio buttons each, with their labels) it was the largest
share of the time those answers took. Each exercise on Today (``plan_item``) is the same
story: some forty template variables and tags per exercise were half of Today's time and
most of a tick's answer. The markup is the same as a template would give; the texts are the
same messages, so translations apply unchanged.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from tracker.models import RATING_MAX, RATING_MIN

if TYPE_CHECKING:
    from patient.views.phone import PlanRow

register = template.Library()

RATING_VALUES = tuple(range(RATING_MIN, RATING_MAX + 1))


def escape(value: Any) -> str:
    """What Django's ``escape`` gives, without its check for lazy arguments on every call:
    Today escapes a hundred values and the check was most of the cost."""
    return html.escape(str(value))


# The widgets' fixed messages per language, translated once per process: Today looked up
# some eighty of them per page.
_MESSAGES: dict[str | None, dict[str, str]] = {}


def _messages() -> dict[str, str]:
    language = get_language()
    messages = _MESSAGES.get(language)
    if messages is None:
        escaped = {
            "done": gettext("Done"),
            "skipped": gettext("Skipped"),
            "to_do": gettext("To do"),
            "skip": gettext("Skip"),
            "add_details": gettext("Add details"),
            "queued": gettext("Saved on this phone — will send when you are back online."),
            "each_side": gettext("each side"),
            "timer_format": gettext("%(seconds)s s"),
            "pause": gettext("Pause timer"),
            "resume": gettext("Resume timer"),
            "reset": gettext("Reset"),
            "time_up": gettext("Time is up. Rest, then start the next hold."),
            "holds_done": gettext("Holds done: %(count)s"),
        }
        messages = {key: escape(text) for key, text in escaped.items()}
        # Formats filled in per exercise, escaped once filled.
        messages |= {
            "start_timer": gettext("Start %(seconds)s s timer"),
            "seconds": gettext("%(seconds)s s"),
            "hold_dose": gettext("%(sets)s × %(seconds)s s hold"),
            "reps_dose": gettext("%(sets)s × %(reps)s reps"),
            "occurrence": gettext("%(n)s of %(total)s today"),
        }
        _MESSAGES[language] = messages
    return messages


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


@register.simple_tag
def hold_timer(seconds: int, prefix: str) -> SafeString:
    """A countdown for a timed hold; timer.js brings it to life (hidden without script)."""
    t = _messages()
    start = escape(t["start_timer"] % {"seconds": seconds})
    display = escape(t["seconds"] % {"seconds": seconds})
    return mark_safe(  # every text is escaped, the numbers are numbers
        f'<div class="timer" data-timer data-seconds="{seconds}" '
        f'data-fill="#{escape(prefix)}-hold" hidden data-format="{t["timer_format"]}">'
        f'<span class="timer-display" aria-hidden="true">{display}</span>'
        f'<button type="button" class="button timer-toggle" data-timer-toggle '
        f'data-start="{start}" data-pause="{t["pause"]}" data-resume="{t["resume"]}">'
        f"{start}</button>"
        f'<button type="button" class="button timer-reset" data-timer-reset hidden>'
        f"{t['reset']}</button>"
        f'<p class="timer-status" role="status" aria-live="polite" '
        f'data-done="{t["time_up"]}" data-count="{t["holds_done"]}"></p></div>'
    )


def _blank(value: Any) -> str:
    return "" if value is None else escape(value)


@register.simple_tag(takes_context=True)
def plan_item(context: template.Context, row: PlanRow) -> SafeString:
    """One exercise occurrence on Today: its dose and state, Done and Skip, and its details.

    Details already entered (or refused) are printed with the page's ``log_fields`` partial;
    otherwise an empty slot that patient.js fills from the page's one blank copy.
    """
    item, p, log = row.item, row.item.prescribed, row.item.log
    dom = item.dom_id
    name = escape(p.exercise.name)
    log_url = escape(context["log_url"])
    show = "hold" if p.is_timed else "reps"
    status = (log.status if log is not None else "") or "done"

    t = _messages()
    if p.is_timed:
        dose = t["hold_dose"] % {"sets": p.sets, "seconds": p.hold_seconds}
    else:
        dose = t["reps_dose"] % {"sets": p.sets, "reps": p.reps}
    side = escape(p.get_side_display()) if p.side != "both" else t["each_side"]
    dose_line = f"{escape(dose)} · {side}"
    which = ""  # "1 of 2 today", for an exercise due more than once a day
    if p.times_per_day > 1:
        n = {"n": item.occurrence, "total": p.times_per_day}
        times = escape(t["occurrence"] % n)
        dose_line += f" · <strong>{times}</strong>"
        which = f", {times}"

    if item.is_done:
        state_class = " is-done"
        state = (
            f'<span class="state state-done"><span aria-hidden="true">✓</span> {t["done"]}</span>'
        )
    elif item.is_skipped:
        state_class = " is-skipped"
        reason = f": {escape(log.skip_reason)}" if log is not None and log.skip_reason else ""
        state = (
            f'<span class="state state-skipped"><span aria-hidden="true">–</span> '
            f"{t['skipped']}{reason}</span>"
        )
    else:
        state_class = ""
        state = f'<span class="state state-todo">{t["to_do"]}</span>'

    if row.has_details:
        partial = context.template.engine.get_template("patient/today.html#log_fields")
        with context.push(
            fid=dom,
            show=show,
            sets_ph=p.sets,
            reps_ph=p.reps,
            hold_ph=p.hold_seconds,
            dvalues=row.values,
            derrors=row.errors,
            save_status=status,
        ):
            details = partial.render(context)
    else:
        details = (
            f'<div class="details-slot" data-fid="{dom}" data-show="{show}" '
            f'data-sets="{_blank(p.sets)}" data-reps="{_blank(p.reps)}" '
            f'data-hold="{_blank(p.hold_seconds)}" data-status="{escape(status)}"></div>'
        )

    token = context.get("csrf_token")  # as {% csrf_token %} prints it
    hidden = {
        "csrfmiddlewaretoken": token if token and token != "NOTPROVIDED" else None,
        "prescribed": p.pk,
        "occurrence": item.occurrence,
        "session_client_id": context["session_client_id"],
        "local_date": context["day"].isoformat(),
    }
    inputs = "".join(
        f'<input type="hidden" name="{field}" value="{escape(value)}">'
        for field, value in hidden.items()
        if value is not None
    )
    general = row.general_errors
    errors = (
        f'<p class="field-error" role="alert">{escape(" ".join(map(str, general)))}</p>'
        if general
        else ""
    )
    done_pressed = "true" if item.is_done else "false"
    skip_pressed = "true" if item.is_skipped else "false"
    label = f'<span class="visually-hidden">: {name}{which}</span>'
    return mark_safe(  # every text is escaped, the numbers are numbers
        f'<li id="{dom}" class="plan-item{state_class}"><div class="item-head">'
        f'<h3 class="item-name"><a href="{reverse("patient-exercise", args=[p.pk])}">'
        f"{name}</a></h3>"
        f'<p class="item-dose">{dose_line}</p><p class="item-state">{state}</p></div>'
        f"{hold_timer(p.hold_seconds, dom) if p.is_timed else ''}"
        f'<form class="log-form" method="post" action="{log_url}" hx-post="{log_url}" '
        f'hx-target="#{dom}" hx-swap="outerHTML" hx-include="#session-ctx" hx-sync="this:drop" '
        f'data-offline novalidate data-offline-label="{name}">{inputs}{errors}'
        f'<div class="log-actions">'
        f'<button type="submit" name="status" value="done" id="{dom}-done" '
        f'class="button log-done" aria-pressed="{done_pressed}">'
        f'<span aria-hidden="true">✓</span> {t["done"]}{label}</button>'
        f'<button type="submit" name="status" value="skipped" id="{dom}-skip" '
        f'class="button log-skip" aria-pressed="{skip_pressed}">'
        f"{t['skip']}{label}</button></div>"
        f'<details class="log-details"{" open" if row.form else ""}>'
        f'<summary>{t["add_details"]}<span class="visually-hidden">: {name}</span>'
        f"</summary>{details}</details>"
        f'<p class="queued-note" hidden>'
        f"{t['queued']}</p>"
        f"</form></li>"
    )
