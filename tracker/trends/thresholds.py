"""Every number the rules use, and a clinic's overrides of them."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass

# The longest window a clinic may set, in days: ten years, far beyond any clinical use.
MAX_WINDOW_DAYS = 3650


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules use, with PRODUCT.md's defaults.

    A field marked "Deviation" goes beyond the literal PRODUCT.md rule; its one-line comment
    says why, and the rule's docstring says more. Each can be set back to the literal rule.
    """

    # Pain rising, sleep worsening, stress rising: mean of the last `window_days` against
    # the mean of the `baseline_days` before them, each with at least `min_checkins`.
    window_days: int = 7
    baseline_days: int = 14
    min_checkins: int = 4
    pain_rise_points: float = 2.0
    pain_rise_pct: float = 30.0
    pain_high_rise: float = 3.0
    pain_high_mean: float = 7.0
    # Deviation: also compare with the fortnight before the baseline; creeping pain hides there.
    pain_creep_baseline: bool = True
    sleep_quality_drop: float = 2.0
    sleep_hours_drop: float = 1.0
    stress_rise: float = 2.0

    # Pain spike: a check-in far above the patient's median of the days before it.
    spike_median_days: int = 14
    spike_min_checkins: int = 4
    spike_above_median: float = 4.0
    spike_absolute: float = 8.0
    spike_absolute_max_median: float = 5.0
    # Deviation: a spike holds this many days, so its flag stays open long enough to be seen.
    spike_hold_days: int = 3
    # Deviation: "8+ on a usual of 5" is 3 points, one bad day: it needs 2 such days in the hold.
    spike_absolute_checkins: int = 2

    # Not settling: on `settle_hits` of the last `settle_sessions` sessions, pain after
    # >= `settle_after_min` and >= `settle_after_rise` above before, or next-morning pain
    # >= `settle_morning_rise` above before and `settle_morning_above_median` above usual.
    settle_sessions: int = 3
    settle_hits: int = 2
    settle_after_min: float = 6.0
    settle_after_rise: float = 2.0
    settle_morning_rise: float = 2.0
    settle_morning_above_median: float = 2.0
    settle_median_days: int = 14
    # Deviation: sessions older than this many days are no longer "the last sessions".
    settle_max_age_days: int = 14
    # Deviation: only a session that raised pain (after - before >= this) can fail to settle.
    settle_morning_min_session_rise: float = 1.0

    # Adherence drop, in percent: the last `adherence_recent_days` under
    # `adherence_recent_below` and `adherence_drop_points` under the `adherence_prior_days`
    # before them (low), or the last `adherence_week_days` under `adherence_week_below`.
    adherence_recent_days: int = 14
    adherence_prior_days: int = 28
    adherence_recent_below: float = 50.0
    adherence_drop_points: float = 30.0
    adherence_week_days: int = 7
    adherence_week_below: float = 20.0
    # Deviation: judge a window once the program has run this many of its days, not on day 1.
    adherence_min_days: int = 7
    # Deviation: a fall must be this many standard errors below the patient's own earlier rate.
    adherence_min_z: float = 2.0
    # Deviation: a new adherence finding must have held on this many days before as well...
    adherence_confirm_days: int = 1
    # ...unless its fall is this many standard errors or more (did everything, then nothing).
    adherence_confirm_below_z: float = 3.0

    # Gone quiet: days since the last check-in or session.
    quiet_low_days: int = 3
    quiet_medium_days: int = 7
    quiet_high_days: int = 14
    # Deviation: low waits until (the patient's share of silent days) ** days silent < this.
    quiet_usual_chance: float = 0.001

    # Flag lifecycle: a resolved kind does not reopen for this many days unless worse.
    reopen_cooldown_days: int = 7

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, float | int | bool]) -> Thresholds:
        """PRODUCT.md defaults with a clinic's overrides; a bad key or value raises ValueError."""
        fields = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, float | int | bool] = {}
        for key, raw in overrides.items():
            if key not in fields:
                raise ValueError(f"unknown threshold {key!r}")
            default = getattr(cls, key)
            if not isinstance(raw, int | float):
                raise ValueError(f"threshold {key!r} must be a number, got {raw!r}")
            if isinstance(default, bool):
                if raw not in (0, 1):
                    raise ValueError(f"threshold {key!r} must be 0 or 1, got {raw!r}")
                values[key] = bool(raw)
                continue
            if isinstance(raw, bool):
                raise ValueError(f"threshold {key!r} must be a number, got {raw!r}")
            if isinstance(default, int):
                if raw != int(raw):
                    raise ValueError(f"threshold {key!r} must be a whole number, got {raw!r}")
                values[key] = int(raw)
            else:
                values[key] = float(raw)
            if values[key] < 0 and key != "settle_morning_min_session_rise":
                raise ValueError(f"threshold {key!r} must not be negative, got {raw!r}")
            if key.endswith("_days") and values[key] > MAX_WINDOW_DAYS:
                raise ValueError(
                    f"threshold {key!r} must be at most {MAX_WINDOW_DAYS} days, got {raw!r}"
                )
        return cls(**values)

    @functools.cached_property  # read by every rule for every patient
    def rule_days(self) -> int:
        """Days of history, ending on the day judged, that the rules read."""
        pain_baselines = 2 if self.pain_creep_baseline else 1
        return max(
            self.window_days + pain_baselines * self.baseline_days,
            self.spike_median_days + self.spike_hold_days,
            self.settle_max_age_days + self.settle_median_days,
            self.adherence_recent_days + self.adherence_prior_days,
            self.adherence_week_days,
        )

    @property
    def lookback_days(self) -> int:
        """Days of history, ending on ``as_of``, that the selector passes to ``evaluate``."""
        return self.rule_days + self.adherence_confirm_days


# Days of history, ending on ``as_of``, that the selector passes at the default thresholds:
# adherence compares the last 14 days with the 28 before them (42), judged today and, to
# confirm a new finding, yesterday (43). Use ``Thresholds.lookback_days`` when a clinic
# widens a window. The rules ignore anything older than they need.
LOOKBACK_DAYS = Thresholds().lookback_days
