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


def _sleep(window: PatientWindow, t: Thresholds) -> _Sleep | None:
    quality = _shift(window, t, _sleep_quality)
    hours = _shift(window, t, _sleep_hours)
    if quality is None or hours is None:
        return None
    return _Sleep(
        quality=quality,
        hours=hours,
        quality_worse=quality.change <= -t.sleep_quality_drop,
        hours_worse=hours.change <= -t.sleep_hours_drop,
    )


def _stress_shift(window: PatientWindow, t: Thresholds) -> _Shift | None:
    stress = _shift(window, t, _stress)
    return stress if stress is not None and stress.change >= t.stress_rise else None


def sleep_worsening(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Sleep quality or sleep hours of the last week well below the fortnight before."""
    sleep = _sleep(window, t)
    if sleep is None or not sleep.worse:
        return None
    q, h = sleep.quality, sleep.hours
    parts = []
    if sleep.quality_worse:
        parts.append(
            f"Sleep quality averaged {_fmt(q.recent)} over the last {t.window_days} days, "
            f"down from {_fmt(q.baseline)} ({_signed(q.change)})"
        )
    if sleep.hours_worse:
        lead = "sleep" if parts else f"Over the last {t.window_days} days sleep"
        parts.append(
            f"{lead} averaged {_fmt(h.recent)} hours a night, "
            f"down from {_fmt(h.baseline)} ({_signed(h.change)})"
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
            },
            {
                "sleep_quality_drop": t.sleep_quality_drop,
                "sleep_hours_drop": t.sleep_hours_drop,
                "min_checkins": t.min_checkins,
            },
        ),
    )


def stress_rising(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Mean stress of the last week well above the fortnight before it."""
    stress = _stress_shift(window, t)
    if stress is None:
        return None
    return Finding(
        kind=FlagKind.STRESS_RISING,
        severity=Severity.LOW,
        summary=(
            f"Stress averaged {_fmt(stress.recent)} over the last {t.window_days} days, "
            f"up from {_fmt(stress.baseline)} ({_signed(stress.change)})."
        ),
        evidence=stress.evidence(
            {
                "stress_mean": _r(stress.recent),
                "baseline_stress_mean": _r(stress.baseline),
                "rise": _r(stress.change),
            },
            {"stress_rise": t.stress_rise, "min_checkins": t.min_checkins},
        ),
    )
