"""Server-rendered SVG charts: numbers to geometry here, markup in templates/tracker/charts/.

Shared by the patient's Progress page and the therapist's patient record, so the two
signatures below are stable. No chart framework and no script: each chart is a <figure>
whose caption says in words what the picture shows (a screen reader, a printout and a
colour-blind reader get the same facts), and the SVG has a role, a label and a <title>.
Colours are presentation attributes, not inline styles, so a strict CSP can forbid
'unsafe-inline' styles without breaking the charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil
from statistics import fmean

from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString
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
COLOURS = {
    "ink": INK,
    "muted": MUTED,
    "grid": GRID,
    "line": LINE,
    "done": DONE,
    "some": SOME,
    "font": FONT,
}

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


# Every coordinate reaches a template as text, so the locale's decimal mark can never get
# into the SVG's numbers.


@dataclass(frozen=True)
class Tick:
    y: str
    text_y: str
    text: str


@dataclass(frozen=True)
class DayLabel:
    x: str
    anchor: str
    text: str


@dataclass(frozen=True)
class Dot:
    x: str
    y: str


@dataclass(frozen=True)
class LineChart:
    label: str
    summary: str
    ticks: list[Tick]
    day_labels: list[DayLabel]
    lines: list[str]  # polyline "points", one per run of consecutive days
    dots: list[Dot]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    tick_x: int = LEFT - 6
    label_y: int = HEIGHT - 6
    baseline_y: str = ""  # a dashed line at the patient's baseline, when there is one


def line_chart_data(
    points: Sequence[tuple[date, float | None]],
    *,
    y_min: float,
    y_max: float,
    label: str,
    unit: str = "",
    baseline: float | None = None,
) -> LineChart:
    """The geometry of one daily series (None = no entry that day), in plot units.

    ``baseline`` draws a dashed line at that value (an outcome score's first answer) and
    says it in the caption."""
    # A three-digit axis (a 0–100 score) needs more room for its numbers than 0–10 does.
    left = LEFT + 10 if max(len(_number(y_min)), len(_number(y_max))) > 2 else LEFT
    plot_w = WIDTH - left - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM
    span = (y_max - y_min) or 1
    count = len(points)

    def x_at(index: int) -> float:
        return left + (plot_w / 2 if count == 1 else index * plot_w / (count - 1))

    def y_at(value: float) -> float:
        clamped = min(max(value, y_min), y_max)
        return TOP + (y_max - clamped) / span * plot_h

    ticks = [
        Tick(y=f"{y_at(tick):.1f}", text_y=f"{y_at(tick) + 4:.1f}", text=_number(tick))
        for tick in (y_min, (y_min + y_max) / 2, y_max)
    ]
    day_labels = []
    if count:
        label_indexes = sorted({0, count // 2, count - 1}) if count > 2 else list(range(count))
        for index in label_indexes:
            anchor = "start" if index == 0 else "end" if index == count - 1 else "middle"
            day_labels.append(
                DayLabel(x=f"{x_at(index):.1f}", anchor=anchor, text=_day(points[index][0]))
            )
    # Consecutive days are joined by a line; a day without an entry breaks it, so a gap is
    # never drawn as if the value had been known.
    run: list[str] = []
    runs: list[list[str]] = []
    dots: list[Dot] = []
    for index, value in enumerate([v for _point_day, v in points]):
        if value is None:
            if run:
                runs.append(run)
            run = []
            continue
        x, y = f"{x_at(index):.1f}", f"{y_at(value):.1f}"
        run.append(f"{x},{y}")
        dots.append(Dot(x=x, y=y))
    if run:
        runs.append(run)
    summary = line_summary(points, label=label, unit=unit)
    if baseline is not None:
        summary += " " + _("Baseline %(value)s (dashed line).") % {
            "value": _with_unit(baseline, unit)
        }
    return LineChart(
        label=label,
        summary=summary,
        ticks=ticks,
        day_labels=day_labels,
        lines=[" ".join(segment) for segment in runs if len(segment) > 1],
        dots=dots,
        left=left,
        tick_x=left - 6,
        baseline_y=f"{y_at(baseline):.1f}" if baseline is not None else "",
    )


def line_chart(
    points: Sequence[tuple[date, float | None]],
    *,
    y_min: float,
    y_max: float,
    label: str,
    unit: str = "",
    baseline: float | None = None,
) -> SafeString:
    """One daily series as an SVG line chart in a <figure> (tracker/charts/line.html)."""
    chart = line_chart_data(
        points, y_min=y_min, y_max=y_max, label=label, unit=unit, baseline=baseline
    )
    return render_to_string("tracker/charts/line.html", {"chart": chart, **COLOURS})


# --- Adherence calendar -----------------------------------------------------------------------

CELL, GAP, HEADER = 40, 4, 20
CHECK = "M -4.5 0.5 L -1.5 3.5 L 4.5 -3"


def _day_state(day: AdherenceDay) -> str:
    if day.due <= 0:
        return "rest"
    if day.everything_done:
        return "all"
    if day.done > 0:
        return "some"
    return "none"


def _state_words(state: str) -> str:
    # Words, not a day's percentage: the calendar counts days, and the only percentages on
    # a screen are the 7- and 28-day adherence figures.
    if state == "all":
        return _("everything done")
    if state == "some":
        return _("some exercises done")
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


@dataclass(frozen=True)
class Mark:
    """The symbol in a calendar cell: shape as well as colour tells the states apart."""

    state: str  # all, some, none or rest
    x: float  # its centre
    y: float

    @property
    def cx(self) -> str:
        return f"{self.x}"

    @property
    def cy(self) -> str:
        return f"{self.y}"

    @property
    def top(self) -> str:
        return f"{self.y - 8}"

    @property
    def bottom(self) -> str:
        return f"{self.y + 8}"

    @property
    def left(self) -> str:
        return f"{self.x - 6}"

    @property
    def right(self) -> str:
        return f"{self.x + 6}"


@dataclass(frozen=True)
class CalendarCell:
    x: int
    y: int
    number: int  # the day of the month
    state: str  # all, some, none or rest
    words: str  # what the cell says to a screen reader and in its tooltip

    @property
    def fill(self) -> str:
        return {"all": "#e3f3e8", "some": "#fdf1dc"}.get(self.state, "#fff")

    @property
    def number_x(self) -> str:
        return f"{self.x + 4}"

    @property
    def number_y(self) -> str:
        return f"{self.y + 11}"

    @property
    def mark(self) -> Mark:
        return Mark(self.state, self.x + CELL / 2, self.y + CELL / 2 + 4)


@dataclass(frozen=True)
class Calendar:
    title: str
    summary: str
    width: int
    height: int
    weekdays: list[tuple[str, str]]  # (x, short name), Monday first
    cells: list[CalendarCell]
    legend: list[tuple[Mark, str]]  # (its mark, words)
    cell: int = CELL


def adherence_calendar_data(days: Sequence[AdherenceDay]) -> Calendar:
    """A month-style grid (Monday first) of the days with everything done."""
    lead = days[0].day.weekday() if days else 0
    rows = ceil((lead + len(days)) / 7)
    monday = days[0].day - timedelta(days=lead) if days else date.min
    cells = []
    for index, day in enumerate(days):
        slot = lead + index
        state = _day_state(day)
        cells.append(
            CalendarCell(
                x=(slot % 7) * (CELL + GAP),
                y=HEADER + (slot // 7) * (CELL + GAP),
                number=day.day.day,
                state=state,
                words=f"{date_format(day.day, 'D j M')}: {_state_words(state)}",
            )
        )
    return Calendar(
        title=_("Days with everything done"),
        summary=adherence_summary_text(days),
        width=7 * CELL + 6 * GAP,
        height=HEADER + rows * (CELL + GAP) - GAP,
        weekdays=[
            (
                f"{column * (CELL + GAP) + CELL / 2}",
                date_format(monday + timedelta(days=column), "D"),
            )
            for column in range(7)
        ]
        if days
        else [],
        cells=cells,
        legend=[
            (Mark("all", 12, 12), _("everything done")),
            (Mark("some", 12, 12), _("some done")),
            (Mark("none", 12, 12), _("none done")),
            (Mark("rest", 12, 12), _("nothing due")),
        ],
    )


def adherence_calendar(days: Sequence[AdherenceDay]) -> SafeString:
    """The calendar in a <figure> (tracker/charts/calendar.html)."""
    return render_to_string(
        "tracker/charts/calendar.html",
        {"calendar": adherence_calendar_data(days), "check": CHECK, **COLOURS},
    )
