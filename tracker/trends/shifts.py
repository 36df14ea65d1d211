"""A check-in measure's mean over the recent window against a baseline before it, and
the patient's own day-to-day scatter of it, which says how large a change is unusual."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any, NamedTuple

from tracker.trends.findings import _span
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow, _checkins, _days_before


def day_to_day_scatter(values: Sequence[float]) -> float:
    """How far one day's rating usually strays from the patient's level: the standard
    deviation of a day, from the differences between successive check-ins
    (√(mean of (xᵢ₊₁ − xᵢ)² ÷ 2)).

    Successive differences, not the plain standard deviation: a slow drift or a single
    step in level (a flare that came and went) barely moves them, so a patient whose pain
    crept up last month is not read as one who scatters. 0 with under 2 values.
    """
    if len(values) < 2:
        return 0.0
    squares = math.fsum((b - a) ** 2 for a, b in zip(values, values[1:], strict=False))
    return math.sqrt(squares / (2 * (len(values) - 1)))


class _Shift(NamedTuple):
    """A measure's mean over the recent window and over a baseline before it, and the
    measure over the ``scatter_days`` before the window (the patient's usual scatter)."""

    window_start: date
    window_end: date
    baseline_start: date
    baseline_end: date
    recent: float
    baseline: float
    recent_n: int
    baseline_n: int
    # The measure's column and where the ``scatter_days`` before the window are in it:
    # sliced only when a change clears the fixed points and the scatter is weighed.
    values: Sequence[float]
    usual: slice

    @property
    def change(self) -> float:
        return self.recent - self.baseline

    @property
    def scatter(self) -> float:
        """The patient's day-to-day scatter of the measure before the window."""
        return day_to_day_scatter(self.values[self.usual])

    @property
    def standard_error(self) -> float:
        """How much the difference of the two means moves by chance alone, given the
        patient's scatter and the check-ins on each side."""
        return self.scatter * math.sqrt(1 / self.recent_n + 1 / self.baseline_n)

    def needed(self, points: float, standard_errors: float) -> float:
        """The change that counts: at least ``points`` (the clinic's fixed bar) and at
        least ``standard_errors`` standard errors, so that for a patient whose ratings
        scatter widely a week of ordinary ups and downs does not count."""
        return max(points, standard_errors * self.standard_error)

    def usual_text(self) -> str:
        """The patient's usual level and its day-to-day range, e.g. "3.2 ± 0.8"."""
        return f"{self.baseline:.1f} ± {self.scatter:.1f}"

    def evidence(self, values: dict[str, Any], thresholds: dict[str, Any]) -> dict[str, Any]:
        return {
            "window": _span(self.window_start, self.window_end),
            "baseline": _span(self.baseline_start, self.baseline_end),
            "values": {
                "checkins_in_window": self.recent_n,
                "checkins_in_baseline": self.baseline_n,
                "usual_scatter": round(self.scatter, 1),
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
    ``None`` when either side has fewer than ``min_checkins`` check-ins. The patient's
    usual scatter is read from the ``scatter_days`` before the window, whichever baseline.
    """
    # Every measure compares the same two spans: found once per window.
    key = ("shift", t.rule_days, t.window_days, t.baseline_days, t.scatter_days, baselines_back)
    spans = window.derived.get(key)
    if spans is None:
        columns = _checkins(window, t)
        end = window.as_of
        start = _days_before(end, t.window_days - 1)
        base_end = _days_before(start, 1 + (baselines_back - 1) * t.baseline_days)
        base_start = _days_before(base_end, t.baseline_days - 1)
        before = _days_before(start, 1)
        spans = window.derived[key] = (
            columns,
            start,
            end,
            base_start,
            base_end,
            columns.bounds(start, end),
            columns.bounds(base_start, base_end),
            columns.bounds(_days_before(before, t.scatter_days - 1), before),
        )
    columns, start, end, base_start, base_end, in_window, in_baseline, usual = spans
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
        values,
        usual,
    )


# The measures the shifts compare: check-in fields.
_pain = "pain"
_sleep_quality = "sleep_quality"
_sleep_hours = "sleep_hours"
_stress = "stress"
