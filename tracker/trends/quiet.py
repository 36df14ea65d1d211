"""Gone quiet: no check-in and no session for several days."""

from __future__ import annotations

import math
from datetime import date, timedelta

from tracker.trends.findings import Finding, FlagKind, Severity, _day, _r, _span
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow, _all_checkins, _days_before, _earliest, _sessions


def _silent_share(window: PatientWindow, t: Thresholds, until: date) -> float | None:
    """Share of days without check-in or session, from the lookback's start to ``until``.

    ``None`` with under two weeks of history: too little to know the patient's habit.
    """
    first = _earliest(window, t)
    if window.program_start is not None:
        first = max(first, window.program_start)
    days = (until - first).days + 1
    if days < 14:
        return None
    checkins, sessions = _all_checkins(window), _sessions(window)
    active = set(checkins.dates[checkins.bounds(first, until)])
    active.update(sessions.dates[sessions.bounds(first, until)])
    return (days - len(active)) / days


def gone_quiet(window: PatientWindow, t: Thresholds) -> Finding | None:
    """No check-in and no session for several days.

    A patient who skips days as a habit is not gone quiet after 3 of them. With q their
    share of silent days over the lookback, a run of d silent days has chance about q**d,
    so the low flag waits for the shortest silence whose chance is under
    ``quiet_usual_chance`` (1 in 1000: about one false flag in three years of daily
    checks). 3 days stays the floor, and 7 and 14 days are medium and high for everyone.
    """
    since = window.last_activity
    if since is None or (window.program_start is not None and since < window.program_start):
        # Nothing logged since the program started: count from the day before its start.
        if window.program_start is None:
            return None
        since = _days_before(window.program_start, 1)
        tail = f"nothing logged since the program started on {_day(window.program_start)}"
    else:
        tail = f"last activity {_day(since)}"
    silent = (window.as_of - since).days
    if silent < min(t.quiet_low_days, t.quiet_medium_days, t.quiet_high_days):
        return None  # too short for any severity, whatever the patient's habit
    low_days = t.quiet_low_days
    share = _silent_share(window, t, since)
    if share is not None and 0 < share < 1 and 0 < t.quiet_usual_chance < 1:
        # the shortest silence the patient's own habit makes rarer than the chance
        low_days = max(low_days, math.ceil(math.log(t.quiet_usual_chance) / math.log(share)))
    if silent >= t.quiet_high_days:
        severity = Severity.HIGH
    elif silent >= t.quiet_medium_days:
        severity = Severity.MEDIUM
    elif silent >= low_days:
        severity = Severity.LOW
    else:
        return None
    return Finding(
        kind=FlagKind.GONE_QUIET,
        severity=severity,
        summary=f"No check-in or session for {silent} days ({tail}).",
        evidence={
            "window": _span(since + timedelta(days=1), window.as_of),
            "baseline": None,
            "values": {
                "days_silent": silent,
                "last_activity": (
                    window.last_activity.isoformat() if window.last_activity is not None else None
                ),
                "usual_silent_share": _r(share) if share is not None else None,
            },
            "thresholds": {
                "quiet_low_days": low_days,
                "quiet_medium_days": t.quiet_medium_days,
                "quiet_high_days": t.quiet_high_days,
            },
        },
    )
