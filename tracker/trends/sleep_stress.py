"""Sleep worsening and stress rising: the last week against the fortnight before it."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.trends.findings import Finding, FlagKind, Severity, _fmt, _r, _signed
from tracker.trends.shifts import _Shift, _shift, _sleep_hours, _sleep_quality, _stress
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow


@dataclass(frozen=True)
class _Sleep:
    quality: _Shift
    hours: _Shift
    quality_worse: bool
    hours_worse: bool

    @property
    def worse(self) -> bool:
        return self.quality_worse or self.hours_worse


def _fell(shift: _Shift, points: float, t: Thresholds) -> bool:
    """The measure fell by ``points`` and by more than the patient's scatter explains."""
    return -shift.change >= points and -shift.change >= shift.needed(
        points, t.sleep_stress_standard_errors
    )


def _sleep(window: PatientWindow, t: Thresholds) -> _Sleep | None:
    quality = _shift(window, t, _sleep_quality)
    hours = _shift(window, t, _sleep_hours)
    if quality is None or hours is None:
        return None
    return _Sleep(
        quality=quality,
        hours=hours,
        quality_worse=_fell(quality, t.sleep_quality_drop, t),
        hours_worse=_fell(hours, t.sleep_hours_drop, t),
    )


def _stress_shift(window: PatientWindow, t: Thresholds) -> _Shift | None:
    """Stress up by ``stress_rise`` and by more than the patient's scatter explains."""
    stress = _shift(window, t, _stress)
    if stress is None or stress.change < t.stress_rise:
        return None
    return (
        stress
        if stress.change >= stress.needed(t.stress_rise, t.sleep_stress_standard_errors)
        else None
    )


def sleep_worsening(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Sleep quality or sleep hours of the last week well below the fortnight before: by
    the clinic's points and by more than the patient's own day-to-day scatter explains
    (``sleep_stress_standard_errors``)."""
    sleep = _sleep(window, t)
    if sleep is None or not sleep.worse:
        return None
    q, h = sleep.quality, sleep.hours
    parts = []
    if sleep.quality_worse:
        parts.append(
            f"Sleep quality averaged {_fmt(q.recent)} over the last {t.window_days} days, "
            f"down from a usual {q.usual_text()} ({_signed(q.change)})"
        )
    if sleep.hours_worse:
        lead = "sleep" if parts else f"Over the last {t.window_days} days sleep"
        parts.append(
            f"{lead} averaged {_fmt(h.recent)} hours a night, "
            f"down from a usual {h.usual_text()} ({_signed(h.change)})"
        )
    return Finding(
        kind=FlagKind.SLEEP_WORSENING,
        severity=Severity.LOW,
        summary="; ".join(parts) + ".",
        evidence=q.evidence(
            {
                "sleep_quality_mean": _r(q.recent),
                "baseline_sleep_quality_mean": _r(q.baseline),
                "sleep_hours_mean": _r(h.recent),
                "baseline_sleep_hours_mean": _r(h.baseline),
                "usual_sleep_hours_scatter": _r(h.scatter),
                "sleep_quality_drop_needed": _r(
                    q.needed(t.sleep_quality_drop, t.sleep_stress_standard_errors)
                ),
                "sleep_hours_drop_needed": _r(
                    h.needed(t.sleep_hours_drop, t.sleep_stress_standard_errors)
                ),
            },
            {
                "sleep_quality_drop": t.sleep_quality_drop,
                "sleep_hours_drop": t.sleep_hours_drop,
                "sleep_stress_standard_errors": t.sleep_stress_standard_errors,
                "min_checkins": t.min_checkins,
            },
        ),
    )


def stress_rising(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Mean stress of the last week well above the fortnight before it: by the clinic's
    points and by more than the patient's own day-to-day scatter explains."""
    stress = _stress_shift(window, t)
    if stress is None:
        return None
    return Finding(
        kind=FlagKind.STRESS_RISING,
        severity=Severity.LOW,
        summary=(
            f"Stress averaged {_fmt(stress.recent)} over the last {t.window_days} days, "
            f"up from a usual {stress.usual_text()} ({_signed(stress.change)})."
        ),
        evidence=stress.evidence(
            {
                "stress_mean": _r(stress.recent),
                "baseline_stress_mean": _r(stress.baseline),
                "rise": _r(stress.change),
                "rise_needed": _r(stress.needed(t.stress_rise, t.sleep_stress_standard_errors)),
            },
            {
                "stress_rise": t.stress_rise,
                "sleep_stress_standard_errors": t.sleep_stress_standard_errors,
                "min_checkins": t.min_checkins,
            },
        ),
    )
