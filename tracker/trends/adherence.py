"""Adherence: the share of prescribed exercises done, and when a fall in it is a drop."""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from datetime import date
from itertools import repeat
from typing import NamedTuple

from tracker.trends.findings import Finding, FlagKind, Severity, _r, _span
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import (
    AdherenceColumns,
    AdherenceDay,
    PatientWindow,
    _days_before,
    _earliest,
)


def adherence_pct(days: Iterable[AdherenceDay], start: date, end: date) -> float | None:
    """Percent of due occurrences done from ``start`` to ``end`` inclusive.

    The days come from the adherence selector, which has already capped each exercise's
    day at its dose; only an "N days a week" exercise's day can hold more than its share of
    the week, and that credit is real. So the sum is capped once, as on every screen, never
    day by day. ``None`` when nothing was due, so "no program yet" never reads as 0 %.
    """
    due = done = 0.0
    for day in days:
        if start <= day.date <= end and day.due > 0:
            due += day.due
            done += max(day.done, 0)
    return 100.0 * min(done, due) / due if due else None


class _Adherence(NamedTuple):
    start: date
    end: date
    pct: float
    due_days: int


def _fall_z(current: _Adherence, earlier: _Adherence) -> float:
    """How many standard errors ``current`` lies below ``earlier`` (days as the unit)."""
    n_cur, n_old = current.due_days, earlier.due_days
    pooled = (current.pct * n_cur + earlier.pct * n_old) / (100 * (n_cur + n_old))
    spread = (pooled * (1 - pooled) * (1 / n_cur + 1 / n_old)) ** 0.5
    fall = (earlier.pct - current.pct) / 100
    if spread == 0:
        return float("inf") if fall > 0 else 0.0
    return fall / spread


def adherence_drop(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Far fewer exercises done in the last fortnight than before, or hardly any this week.

    Only days on or after the program start count, and a window is judged once the
    program has run for ``adherence_min_days`` of its days (all of it if shorter), so the
    first day of a program never reads as 0 %. A fall must also be beyond chance given
    the patient's own earlier rate: a two-proportion z-test, days as the unit, of the
    judged window against the ``adherence_prior_days`` before it must reach
    ``adherence_min_z``. A patient who usually exercises on half the days has weeks with
    a single session without having dropped anything; one who did everything and now
    does nothing clears the bar at once.
    """
    end = window.as_of
    started = window.program_start or min((d.date for d in window.adherence), default=None)
    if started is None:
        return None
    first = max(_earliest(window, t), started)
    # The days as columns. Each span judged below (from ``first`` to ``end`` at most) is
    # then two bisections and two sums of a slice.
    columns = AdherenceColumns.of(window.adherence)
    dates, dues, dones = columns.dates, columns.dues, columns.dones

    def judged(start: date, stop: date, length: int) -> _Adherence | None:
        start = max(start, first)
        covered = (stop - start).days + 1
        if covered < min(max(t.adherence_min_days, 1), length):
            return None
        low, high = bisect.bisect_left(dates, start), bisect.bisect_right(dates, stop)
        due = sum(dues[low:high])
        if not due:
            return None
        # Capped once over the span, as adherence_pct and every screen do.
        done = min(sum(map(max, dones[low:high], repeat(0))), due)
        return _Adherence(start, stop, 100.0 * done / due, high - low)

    def beyond_chance(current: _Adherence, earlier: _Adherence | None) -> bool:
        return earlier is None or _fall_z(current, earlier) >= t.adherence_min_z

    week_start = _days_before(end, t.adherence_week_days - 1)
    before_week = _days_before(week_start, 1)
    recent_start = _days_before(end, t.adherence_recent_days - 1)
    prior_end = _days_before(recent_start, 1)
    week = judged(week_start, end, t.adherence_week_days)
    recent = judged(recent_start, end, t.adherence_recent_days)
    if (week is None or week.pct >= t.adherence_week_below) and (
        recent is None or recent.pct >= t.adherence_recent_below
    ):
        return None  # neither window is low: the earlier ones cannot make a finding
    prior = judged(
        _days_before(prior_end, t.adherence_prior_days - 1), prior_end, t.adherence_prior_days
    )
    week_reference = judged(
        _days_before(before_week, t.adherence_prior_days - 1), before_week, t.adherence_prior_days
    )

    week_low = (
        week is not None
        and week.pct < t.adherence_week_below
        and beyond_chance(week, week_reference)
    )
    dropped = (
        recent is not None
        and prior is not None
        and recent.pct < t.adherence_recent_below
        and prior.pct - recent.pct >= t.adherence_drop_points
        and beyond_chance(recent, prior)
    )
    if not (week_low or dropped):
        return None
    # how far beyond chance the fall is, for deciding whether it needs confirming
    strengths = []
    if week_low and week is not None and week_reference is not None:
        strengths.append(_fall_z(week, week_reference))
    if dropped and recent is not None and prior is not None:
        strengths.append(_fall_z(recent, prior))
    fall_z = min(max(strengths), 99.0) if strengths else None

    if dropped and recent is not None and prior is not None:
        summary = (
            f"Adherence was {recent.pct:.0f}% over the last {t.adherence_recent_days} days, "
            f"down from {prior.pct:.0f}% in the {t.adherence_prior_days} days before "
            f"({recent.pct - prior.pct:+.0f} points)"
        )
        if week_low and week is not None:
            summary += f"; {week.pct:.0f}% in the last {t.adherence_week_days} days"
    else:
        pct = week.pct if week is not None else 0.0
        summary = f"Adherence was {pct:.0f}% over the last {t.adherence_week_days} days"
        if week_reference is not None:
            summary += (
                f", down from {week_reference.pct:.0f}% in the {t.adherence_prior_days} days before"
            )
    return Finding(
        kind=FlagKind.ADHERENCE_DROP,
        severity=Severity.MEDIUM if week_low else Severity.LOW,
        summary=summary + ".",
        evidence={
            "window": _span(recent.start, end) if recent else _span(first, end),
            "baseline": _span(prior.start, prior.end) if prior is not None else None,
            "values": {
                "adherence_week_pct": _r(week.pct) if week is not None else None,
                "adherence_recent_pct": _r(recent.pct) if recent is not None else None,
                "adherence_prior_pct": _r(prior.pct) if prior is not None else None,
                "adherence_before_week_pct": (
                    _r(week_reference.pct) if week_reference is not None else None
                ),
                "week": _span(week.start, end) if week is not None else None,
                "fall_z": _r(fall_z) if fall_z is not None else None,
            },
            "thresholds": {
                "adherence_recent_below": t.adherence_recent_below,
                "adherence_drop_points": t.adherence_drop_points,
                "adherence_week_below": t.adherence_week_below,
                "adherence_min_days": t.adherence_min_days,
                "adherence_min_z": t.adherence_min_z,
            },
        },
    )
