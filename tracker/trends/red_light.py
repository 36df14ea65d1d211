"""Red light: a session the patient finished with pain in the red band of the traffic light.

The patient is told on the phone that their therapist hears about a red light, so this is
not a trend to confirm but a report to pass on: it holds from the first red session while
any session of the last ``red_light_days`` ended in the red, and clears after that many
days without one.
"""

from __future__ import annotations

from tracker.trends.findings import Finding, FlagKind, Severity, _day, _span
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow, _days_before, _sessions


def red_light(window: PatientWindow, t: Thresholds) -> Finding | None:
    """The latest red session of the last ``red_light_days``, and how many there were."""
    if not t.red_light_flag:
        return None
    sessions = _sessions(window)
    start = _days_before(window.as_of, max(t.red_light_days, 1) - 1)
    span = sessions.bounds(start, window.as_of)
    red = [
        (day, before, after)
        for day, before, after in zip(
            sessions.dates[span], sessions.pain_before[span], sessions.pain_after[span], strict=True
        )
        if after is not None and after >= t.red_light_from
    ]
    if not red:
        return None
    day, before, after = red[-1]
    count = len(red)
    pain = f"pain {before} before, {after} after" if before is not None else f"pain {after} after"
    summary = f"Red light on {_day(day)}: {pain}"
    if count > 1:
        summary += f"; {count} red sessions in the last {t.red_light_days} days"
    return Finding(
        kind=FlagKind.RED_LIGHT,
        severity=Severity.HIGH,
        summary=summary + ".",
        evidence={
            "window": _span(start, window.as_of),
            "values": {
                "date": day.isoformat(),
                "pain_before": before,
                "pain_after": after,
                "red_sessions": count,
            },
            "thresholds": {"red_light_from": t.red_light_from, "red_light_days": t.red_light_days},
        },
    )
