"""Server-rendered SVG charts: pure functions from numbers to accessible markup.

Shared by the patient's Progress page and the therapist's patient record, so the two
signatures below are stable. No chart framework and no script: each chart is a <figure>
whose caption says in words what the picture shows (a screen reader, a printout and a
colour-blind reader get the same facts), and the SVG has a role, a label and a <title>.
Colours are presentation attributes, not inline styles, so a strict CSP can forbid
'unsafe-inline' styles without breaking the charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from math import ceil
from statistics import fmean

from django.utils.formats import date_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tracker.selectors.adherence import AdherenceDay

INK = "#1d2430"
MUTED = "#5b6473"
GRID = "#d9dee6"
LINE = "#1f6f5c"
DONE = "#1e7b3a"
SOME = "#9a5b00"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"

# A 28-day line fits a 320-unit-wide plot at about 10 units a day: wide enough to read on a
# 360 px phone, and the viewBox scales down, never sideways.
WIDTH, HEIGHT = 320, 168
LEFT, RIGHT, TOP, BOTTOM = 30, 12, 12, 26


def _number(value: float) -> str:
    """3 rather than 3.0, and 3.4 with the locale's decimal mark."""
    if float(value).is_integer():
        return str(int(value))
    return number_format(round(value, 1), 1)


def _day(value: date) -> str:
    return date_format(value, "j M")


def _with_unit(value: float, unit: str) -> str:
    return f"{_number(value)}{unit}"


def line_summary(points: Sequence[tuple[date, float | None]], *, label: str, unit: str = "") -> str:
    """The chart said in words: latest value, average, range and how the weeks compare."""
    recorded = [(day, value) for day, value in points if value is not None]
    if not recorded:
        return _("No entries for %(label)s in this period yet.") % {"label": label.lower()}
    values = [value for _day_, value in recorded]
    last_day, last_value = recorded[-1]
    parts = [
        _("Latest %(value)s on %(day)s.")
        % {"value": _with_unit(last_value, unit), "day": _day(last_day)},
        _("Average %(mean)s over %(count)s of %(total)s days, lowest %(low)s, highest %(high)s.")
        % {
            "mean": _with_unit(fmean(values), unit),
            "count": len(values),
            "total": len(points),
            "low": _with_unit(min(values), unit),
            "high": _with_unit(max(values), unit),
        },
    ]
    first_week = [value for _day_, value in points[:7] if value is not None]
    last_week = [value for _day_, value in points[-7:] if value is not None]
    if len(points) >= 14 and len(first_week) >= 3 and len(last_week) >= 3:
        parts.append(
            _("First week %(first)s on average, last week %(last)s.")
            % {
                "first": _with_unit(fmean(first_week), unit),
                "last": _with_unit(fmean(last_week), unit),
            }
        )
    return " ".join(parts)


def line_chart(
    points: Sequence[tuple[date, float | None]],
    *,
    y_min: float,
    y_max: float,
    label: str,
    unit: str = "",
) -> SafeString:
    """One daily series (None = no entry that day) as an SVG line chart in a <figure>."""
    summary = line_summary(points, label=label, unit=unit)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1
    count = len(points)

    def x_at(index: int) -> float:
        return LEFT + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    def y_at(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return TOP + (y_max - clamped) / span * plot_h

    parts: list[str] = []
    for tick in (y_min, (y_min + y_max) / 2, y_max):
        y = y_at(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{MUTED}">{escape(_number(tick))}</text>'
        )
    if count:
        label_indexes = sorted({0, count // 2, count - 1}) if count > 2 else list(range(count))
        for index in label_indexes:
            anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
            parts.append(
                f'<text x="{x_at(index):.1f}" y="{HEIGHT - 6}" text-anchor="{anchor}" '
                f'font-size="12" fill="{MUTED}">{escape(_day(points[index][0]))}</text>'
            )
    # Consecutive days are joined by a line; a day without an entry breaks it, so a gap is
    # never drawn as if the value had been known.
    run: list[str] = []
    runs: list[list[str]] = []
    dots: list[str] = []
    for index, value in enumerate([v for _point_day, v in points]):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        xy = f"{x_at(index):.1f},{y_at(value):.1f}"
        run.append(xy)
        dots.append(f'<circle cx="{x_at(index):.1f}" cy="{y_at(value):.1f}" r="3" fill="{LINE}"/>')
    if run:
        runs.append(run)
    for segment in runs:
        if len(segment) > 1:
            parts.append(
                f'<polyline points="{" ".join(segment)}" fill="none" stroke="{LINE}" '
                'stroke-width="2" stroke-linejoin="round" stroke-linecap="round"/>'
            )
    parts.extend(dots)
    svg = (
        f'<svg class="chart-svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="{escape(label)}" focusable="false" font-family="{FONT}">'
        f"<title>{escape(label)}</title><desc>{escape(summary)}</desc>{''.join(parts)}</svg>"
    )
    return format_html(
        '<figure class="chart"><figcaption><strong class="chart-label">{}</strong> '
        '<span class="chart-summary">{}</span></figcaption>{}</figure>',
        label,
        summary,
        mark_safe(svg),  # noqa: S308 - every value inside was escaped above
    )


# --- Adherence calendar -----------------------------------------------------------------------

CELL, GAP, HEADER = 40, 4, 20
CHECK = "M -4.5 0.5 L -1.5 3.5 L 4.5 -3"


def _day_state(day: AdherenceDay) -> str:
    percent = day.percent
    if percent is None:
        return "rest"
    if percent >= 99.5:
        return "all"
    if percent > 0:
        return "some"
    return "none"


def _mark(state: str, cx: float, cy: float) -> str:
    """The symbol in a calendar cell: shape as well as colour tells the states apart."""
    if state == "all":
        return (
            f'<circle cx="{cx}" cy="{cy}" r="9" fill="{DONE}"/>'
            f'<path d="{CHECK}" transform="translate({cx} {cy})" fill="none" stroke="#fff" '
            'stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round"/>'
        )
    if state == "some":
        return (
            f'<circle cx="{cx}" cy="{cy}" r="8" fill="#fff" stroke="{SOME}" stroke-width="2"/>'
            f'<path d="M {cx} {cy - 8} A 8 8 0 0 1 {cx} {cy + 8} Z" fill="{SOME}"/>'
        )
    if state == "none":
        return f'<circle cx="{cx}" cy="{cy}" r="8" fill="#fff" stroke="{MUTED}" stroke-width="2"/>'
    return (
        f'<line x1="{cx - 6}" y1="{cy}" x2="{cx + 6}" y2="{cy}" stroke="{MUTED}" '
        'stroke-width="2" stroke-linecap="round"/>'
    )


def _state_words(state: str, day: AdherenceDay) -> str:
    if state == "all":
        return _("all exercises done")
    if state == "some":
        return _("%(percent)s%% of exercises done") % {"percent": round(day.percent or 0)}
    if state == "none":
        return _("no exercises done")
    return _("nothing due")


def adherence_summary_text(days: Sequence[AdherenceDay]) -> str:
    due_days = [d for d in days if d.due > 0]
    if not due_days:
        return _("No exercises were due in this period.")
    all_done = sum(1 for d in due_days if _day_state(d) == "all")
    some_done = sum(1 for d in due_days if _day_state(d) == "some")
    # Counts of days only: adherence (done ÷ due) is the 7- and 28-day figure shown beside
    # the calendar, never worked out again here.
    parts = [
        ngettext(
            "Exercises were due on %(due)s of %(days)s days, from %(first)s to %(last)s.",
            "Exercises were due on %(due)s of %(days)s days, from %(first)s to %(last)s.",
            len(days),
        )
        % {
            "due": len(due_days),
            "days": len(days),
            "first": _day(days[0].day),
            "last": _day(days[-1].day),
        },
        ngettext(
            "Everything was done on %(count)s day.",
            "Everything was done on %(count)s days.",
            all_done,
        )
        % {"count": all_done},
    ]
    if some_done:
        parts.append(
            ngettext(
                "Some were done on %(count)s day.",
                "Some were done on %(count)s days.",
                some_done,
            )
            % {"count": some_done}
        )
    return " ".join(parts)


def _legend_icon(state: str) -> str:
    return (
        f'<svg class="legend-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" '
        f'focusable="false">{_mark(state, 12, 12)}</svg>'
    )


def adherence_calendar(days: Sequence[AdherenceDay]) -> SafeString:
    """A month-style grid (Monday first) of what was done each day, in a <figure>."""
    summary = adherence_summary_text(days)
    title = _("Days with everything done")
    if not days:
        return format_html(
            '<figure class="chart calendar"><figcaption><strong class="chart-label">{}</strong> '
            '<span class="chart-summary">{}</span></figcaption></figure>',
            title,
            summary,
        )
    lead = days[0].day.weekday()
    rows = ceil((lead + len(days)) / 7)
    width = 7 * CELL + 6 * GAP
    height = HEADER + rows * (CELL + GAP) - GAP
    parts: list[str] = []
    monday = days[0].day - timedelta(days=lead)
    for column in range(7):
        name = date_format(monday + timedelta(days=column), "D")
        parts.append(
            f'<text x="{column * (CELL + GAP) + CELL / 2}" y="13" text-anchor="middle" '
            f'font-size="11" fill="{MUTED}">{escape(name)}</text>'
        )
    for index, day in enumerate(days):
        slot = lead + index
        x = (slot % 7) * (CELL + GAP)
        y = HEADER + (slot // 7) * (CELL + GAP)
        state = _day_state(day)
        words = f"{date_format(day.day, 'D j M')}: {_state_words(state, day)}"
        fill = {"all": "#e3f3e8", "some": "#fdf1dc"}.get(state, "#fff")
        dash = ' stroke-dasharray="3 3"' if state == "rest" else ""
        parts.append(
            f'<g class="day day-{state}"><title>{escape(words)}</title>'
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" rx="6" fill="{fill}" '
            f'stroke="{GRID}"{dash}/>'
            f'<text x="{x + 4}" y="{y + 11}" font-size="10" fill="{INK}">{day.day.day}</text>'
            f"{_mark(state, x + CELL / 2, y + CELL / 2 + 4)}</g>"
        )
    svg = (
        f'<svg class="chart-svg calendar-svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-label="{escape(title)}" focusable="false" font-family="{FONT}">'
        f"<title>{escape(title)}</title><desc>{escape(summary)}</desc>{''.join(parts)}</svg>"
    )
    legend = "".join(
        format_html(
            "<li>{} {}</li>",
            mark_safe(_legend_icon(state)),  # noqa: S308 - fixed markup, no user data
            words,
        )
        for state, words in (
            ("all", _("everything done")),
            ("some", _("some done")),
            ("none", _("none done")),
            ("rest", _("nothing due")),
        )
    )
    return format_html(
        '<figure class="chart calendar"><figcaption><strong class="chart-label">{}</strong> '
        '<span class="chart-summary">{}</span></figcaption>{}<ul class="legend">{}</ul></figure>',
        title,
        summary,
        mark_safe(svg),  # noqa: S308 - every value inside was escaped above
        mark_safe(legend),  # noqa: S308 - built with format_html
    )
