"""A check-in measure's mean over the recent window against a baseline before it."""

from __future__ import annotations

import math
from datetime import date
from typing import Any, NamedTuple

from tracker.trends.findings import _span
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow, _checkins, _days_before


class _Shift(NamedTuple):
    """A measure's mean over the recent window and over a baseline before it."""

    window_start: date
    window_end: date
    baseline_start: date
    baseline_end: date
    recent: float
    baseline: float
    recent_n: int
    baseline_n: int

    @property
    def change(self) -> float:
        return self.recent - self.baseline

    def evidence(self, values: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, Any]:
        return {
            "window": _span(self.window_start, self.window_end),
            "baseline": _span(self.baseline_start, self.baseline_end),
            "values": {
                "checkins_in_window": self.recent_n,
                "checkins_in_baseline": self.baseline_n,
                **values,
            },
            "thresholds": thresholds,
        }


def _shift(
    window: PatientWindow,
    t: Thresholds,
    measure: str,
    baselines_back: int = 1,
) -> _Shift | None:
    """Mean of ``measure`` (a check-in field) in the last ``window_days`` against a
    ``baseline_days`` baseline.

    ``baselines_back=1`` is the baseline right before the window, 2 the one before that.
    ``None`` when either side has fewer than ``min_checkins`` check-ins.
    """
    # Every measure compares the same two spans: found once per window.
    key = ("shift", t.rule_days, t.window_days, t.baseline_days, baselines_back)
    spans = window.derived.get(key)
    if spans is None:
        columns = _checkins(window, t)
        end = window.as_of
        start = _days_before(end, t.window_days - 1)
        base_end = _days_before(start, 1 + (baselines_back - 1) * t.baseline_days)
        base_start = _days_before(base_end, t.baseline_days - 1)
        spans = window.derived[key] = (
            columns,
            start,
            end,
            base_start,
            base_end,
            columns.bounds(start, end),
            columns.bounds(base_start, base_end),
        )
    columns, start, end, base_start, base_end, in_window, in_baseline = spans
    needed = max(t.min_checkins, 1)
    recent_n, baseline_n = in_window.stop - in_window.start, in_baseline.stop - in_baseline.start
    if recent_n < needed or baseline_n < needed:
        return None
    values = getattr(columns, measure)
    # fsum ÷ n is what statistics.fmean computes, without its generic iteration.
    return _Shift(
        start,
        end,
        base_start,
        base_end,
        math.fsum(values[in_window]) / recent_n,
        math.fsum(values[in_baseline]) / baseline_n,
        recent_n,
        baseline_n,
    )


# The measures the shifts compare: check-in fields.
_pain = "pain"
_sleep_quality = "sleep_quality"
_sleep_hours = "sleep_hours"
_stress = "stress"
