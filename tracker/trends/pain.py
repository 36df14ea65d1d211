"""Pain rising, pain spikes, and pain that does not settle after sessions."""

from __future__ import annotations

import statistics
from datetime import date, timedelta
from typing import Any, NamedTuple

from tracker.trends.findings import Finding, FlagKind, Severity, _day, _fmt, _r, _signed, _span
from tracker.trends.shifts import _pain, _Shift, _shift, day_to_day_scatter
from tracker.trends.sleep_stress import _sleep, _stress_shift
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import (
    CheckinColumns,
    DailyCheckin,
    PatientWindow,
    SessionPain,
    _checkins,
    _days_before,
    _earliest,
    _sessions,
)


def pain_rising(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Mean pain of the last week clinically above the fortnight before it.

    2 points or 30 % is the minimal clinically important change of the 0-10 pain scale.
    Pain that creeps up for weeks lifts the adjacent fortnight with it, so a slow rise
    never clears 2 points against it; with ``pain_creep_baseline`` the week is also
    compared with the fortnight before that one, i.e. with where the creep began.

    The rise must also stand out from the patient's own day-to-day scatter
    (``change_standard_errors``): for a patient whose pain swings widely, a week's mean
    2 points up can be chance, and the summary shows the usual level and its range.
    """

    def risen(shift: _Shift | None) -> tuple[_Shift, float] | None:
        if shift is None:
            return None
        points = max(t.pain_rise_points, shift.baseline * t.pain_rise_pct / 100)
        if shift.change < points:
            return None  # short of the fixed bar: no need to weigh the scatter
        needed = shift.needed(points, t.change_standard_errors)
        return (shift, needed) if shift.change >= needed else None

    found = risen(_shift(window, t, _pain))
    crept = False
    if found is None and t.pain_creep_baseline:
        found = risen(_shift(window, t, _pain, baselines_back=2))
        crept = found is not None
    if found is None:
        return None
    pain, needed = found

    # Pain rising together with worse sleep or more stress is the pattern the clinical
    # sources single out, so it is escalated even when the rise itself is modest.
    along: list[str] = []
    also: dict[str, float] = {}
    sleep = _sleep(window, t)
    if sleep is not None and sleep.quality_worse:
        q = sleep.quality
        along.append(f"sleep quality fell from {_fmt(q.baseline)} to {_fmt(q.recent)}")
        also |= {"sleep_quality_mean": _r(q.recent), "baseline_sleep_quality_mean": _r(q.baseline)}
    if sleep is not None and sleep.hours_worse:
        h = sleep.hours
        along.append(f"sleep fell from {_fmt(h.baseline)} to {_fmt(h.recent)} hours")
        also |= {"sleep_hours_mean": _r(h.recent), "baseline_sleep_hours_mean": _r(h.baseline)}
    stress = _stress_shift(window, t)
    if stress is not None:
        along.append(f"stress rose from {_fmt(stress.baseline)} to {_fmt(stress.recent)}")
        also |= {"stress_mean": _r(stress.recent), "baseline_stress_mean": _r(stress.baseline)}

    high = pain.change >= t.pain_high_rise or pain.recent >= t.pain_high_mean or bool(along)
    since = f" in {_day(pain.baseline_start)}-{_day(pain.baseline_end)}" if crept else ""
    summary = (
        f"Pain averaged {_fmt(pain.recent)} over the last {t.window_days} days, "
        f"up from a usual {pain.usual_text()}{since} ({_signed(pain.change)})"
    )
    if along:
        summary += "; " + " and ".join(along) + " in the same week"
    return Finding(
        kind=FlagKind.PAIN_RISING,
        severity=Severity.HIGH if high else Severity.MEDIUM,
        summary=summary + ".",
        evidence=pain.evidence(
            {
                "pain_mean": _r(pain.recent),
                "baseline_pain_mean": _r(pain.baseline),
                "rise": _r(pain.change),
                "rise_needed": _r(needed),
                "earlier_baseline": crept,
                **also,
            },
            {
                "pain_rise_points": t.pain_rise_points,
                "pain_rise_pct": t.pain_rise_pct,
                "change_standard_errors": t.change_standard_errors,
                "pain_high_rise": t.pain_high_rise,
                "pain_high_mean": t.pain_high_mean,
                "min_checkins": t.min_checkins,
            },
        ),
    )


class _Spike(NamedTuple):
    checkin: DailyCheckin
    median: float
    median_start: date
    far_above: bool
    scatter: float


def _spike_on(checkins: CheckinColumns, day: date, t: Thresholds) -> _Spike | None:
    """The check-in of ``day`` if it spikes above the median of the days before it."""
    at = checkins.position(day)
    if at is None:
        return None
    start = _days_before(day, t.spike_median_days)
    prior = checkins.pain[checkins.bounds(start, _days_before(day, 1))]
    if len(prior) < max(t.spike_min_checkins, 1):
        return None
    pain = checkins.pain[at]
    if pain - min(prior) < t.spike_above_median and pain < t.spike_absolute:
        return None  # not far above even the lowest day, so not above the median either
    median = float(statistics.median(prior))
    above = pain - median >= t.spike_above_median
    severe = pain >= t.spike_absolute and median <= t.spike_absolute_max_median
    if not (above or severe):
        return None
    # Far above the usual for this patient too: a day this high is not their ordinary swing.
    scatter = day_to_day_scatter(
        checkins.pain[checkins.bounds(_days_before(day, t.scatter_days), _days_before(day, 1))]
    )
    if pain - median < t.spike_above_scatter * scatter:
        return None
    return _Spike(checkins[at], median, start, above, scatter)


def pain_spike(window: PatientWindow, t: Thresholds) -> Finding | None:
    """A recent check-in far above the patient's own median of the fortnight before it.

    A check-in ``spike_above_median`` (4) above the usual is a spike on its own. "8 or
    more when the usual is 5 or less" can be just 3 points, one bad day on a scale where
    a point or two is noise, so it takes ``spike_absolute_checkins`` such check-ins within
    ``spike_hold_days``. The condition holds for ``spike_hold_days`` after the spike, so
    the flag stays open long enough for the therapist to see it, then clears. Either way
    the day must also stand ``spike_above_scatter`` of the patient's own day-to-day
    scatters above the median: for a patient whose pain swings 3 points from one day to
    the next, a day 4 above the usual is part of that swing.
    """
    checkins = _checkins(window, t)
    hold = max(t.spike_hold_days, 1)
    held_from = _days_before(window.as_of, hold - 1)
    # No day of the hold far above the lowest day before any of them: no spike, without
    # working out each day's median.
    held = checkins.pain[checkins.bounds(held_from, window.as_of)]
    before = checkins.pain[
        checkins.bounds(_days_before(held_from, t.spike_median_days), _days_before(window.as_of, 1))
    ]
    if not held or not before:
        return None
    if max(held) < t.spike_absolute and max(held) - min(before) < t.spike_above_median:
        return None
    spikes = [
        s
        for back in range(hold)
        if (s := _spike_on(checkins, _days_before(window.as_of, back), t)) is not None
    ]
    if not spikes or (
        not any(s.far_above for s in spikes) and len(spikes) < t.spike_absolute_checkins
    ):
        return None
    latest = spikes[0]
    pain = latest.checkin.pain
    return Finding(
        kind=FlagKind.PAIN_SPIKE,
        severity=Severity.MEDIUM,
        summary=(
            f"Pain jumped to {pain} on {_day(latest.checkin.date)}, "
            f"{_fmt(pain - latest.median)} above the usual {_fmt(latest.median)} "
            f"± {_fmt(latest.scatter)} (median of the previous {t.spike_median_days} days)."
        ),
        evidence={
            "window": _span(latest.checkin.date, latest.checkin.date),
            "baseline": _span(latest.median_start, _days_before(latest.checkin.date, 1)),
            "values": {
                "pain": pain,
                "worst_pain": latest.checkin.worst_pain,
                "baseline_median": _r(latest.median),
                "above_median": _r(pain - latest.median),
                "usual_scatter": _r(latest.scatter),
                "spike_dates": [s.checkin.date.isoformat() for s in spikes],
            },
            "thresholds": {
                "spike_above_median": t.spike_above_median,
                "spike_absolute": t.spike_absolute,
                "spike_absolute_max_median": t.spike_absolute_max_median,
                "spike_min_checkins": t.spike_min_checkins,
                "spike_above_scatter": t.spike_above_scatter,
            },
        },
    )


def _flared(before: int, after: int, t: Thresholds) -> bool:
    """Pain after a session high, and well above pain before it."""
    return after >= t.settle_after_min and after - before >= t.settle_after_rise


def _may_not_settle(session: SessionPain, t: Thresholds) -> bool:
    """Whether a session flared, or raised pain enough to be judged the next morning: only
    those can fail to settle, so with too few of them there is nothing more to look at."""
    before, after = session.pain_before or 0, session.pain_after or 0
    return after - before >= t.settle_morning_min_session_rise or _flared(before, after, t)


def not_settling(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Pain flares after sessions, or has not settled by the next morning.

    "Next-morning pain" is the pain of the check-in the day after the session. That test
    asks whether pain the session provoked settled, so it only applies to sessions that
    raised pain by ``settle_morning_min_session_rise``: a morning simply worse than the
    day before is day-to-day noise. Sessions older than ``settle_max_age_days`` no
    longer count among "the last sessions".
    """
    checkins = _checkins(window, t)
    oldest = max(_earliest(window, t), _days_before(window.as_of, t.settle_max_age_days - 1))
    sessions = _sessions(window)
    span = sessions.bounds(oldest, window.as_of)
    # The last sessions rated before and after, latest first.
    rated: list[int] = []
    for at in range(span.stop - 1, span.start - 1, -1):
        if sessions.pain_before[at] is not None and sessions.pain_after[at] is not None:
            rated.append(at)
            if len(rated) == max(t.settle_sessions, 1):
                break
    last = [sessions[at] for at in reversed(rated)]
    if sum(_may_not_settle(s, t) for s in last) < max(t.settle_hits, 1):
        return None

    hits: list[dict[str, Any]] = []
    for s in last:
        before, after = s.pain_before or 0, s.pain_after or 0
        flared = _flared(before, after, t)
        next_day = checkins.position(s.date + timedelta(days=1))
        morning = None if next_day is None else checkins.pain[next_day]
        median: float | None = None
        unsettled = False
        if morning is not None and after - before >= t.settle_morning_min_session_rise:
            start = _days_before(s.date, t.settle_median_days - 1)
            usual = checkins.pain[checkins.bounds(start, s.date)]
            if usual:
                median = float(statistics.median(usual))
                unsettled = (
                    morning - before >= t.settle_morning_rise
                    and morning - median >= t.settle_morning_above_median
                )
        if flared or unsettled:
            hits.append(
                {
                    "date": s.date.isoformat(),
                    "pain_before": before,
                    "pain_after": after,
                    "next_morning_pain": morning,
                    "median_before": _r(median) if median is not None else None,
                }
            )
    if len(hits) < max(t.settle_hits, 1):
        return None

    parts = []
    for hit in hits:
        when = _day(date.fromisoformat(hit["date"]))
        part = f"{hit['pain_before']} to {hit['pain_after']} on {when}"
        if hit["next_morning_pain"] is not None:
            usual = hit["median_before"]
            part += f" ({hit['next_morning_pain']} next morning"
            part += f", usual {_fmt(usual)})" if usual is not None else ")"
        parts.append(part)
    return Finding(
        kind=FlagKind.NOT_SETTLING,
        severity=Severity.MEDIUM,
        summary=(
            f"Pain did not settle after {len(hits)} of the last {len(last)} sessions: "
            + "; ".join(parts)
            + "."
        ),
        evidence={
            "window": _span(last[0].date, last[-1].date),
            "baseline": _span(_days_before(last[0].date, t.settle_median_days - 1), last[-1].date),
            "values": {"sessions": len(last), "not_settled": hits},
            "thresholds": {
                "settle_after_min": t.settle_after_min,
                "settle_after_rise": t.settle_after_rise,
                "settle_morning_rise": t.settle_morning_rise,
                "settle_morning_above_median": t.settle_morning_above_median,
                "settle_morning_min_session_rise": t.settle_morning_min_session_rise,
                "settle_hits": t.settle_hits,
                "settle_sessions": t.settle_sessions,
            },
        },
    )
