"""Every number the rules use, and a clinic's overrides of them."""

from __future__ import annotations

import dataclasses
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

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

    # The patient's own variability, beside the clinic's fixed points. Patients differ in
    # how much a rating strays from one day to the next; on a patient whose pain swings
    # 3 points day to day, a 2-point week is chance, and the fixed points alone flag it.
    # Deviation: each patient's usual day-to-day scatter of a measure is read from the
    # successive check-ins of this many days before the window judged (four weeks: enough
    # check-ins to measure a spread, recent enough to still be the patient's own).
    scatter_days: int = 28
    # Deviation: a change in weekly mean pain must also reach this many standard errors of
    # chance (the patient's scatter × √(1/recent check-ins + 1/baseline check-ins)). At 3,
    # for a patient of ordinary scatter (about 1 point a day, 7 and 14 check-ins) that is
    # 1.3 points, under the fixed 2, so nothing changes for them; for one whose pain swings
    # widely, a week of ordinary ups and downs passes it about once in 700 tries.
    change_standard_errors: float = 3.0
    # Deviation: the same for sleep and stress, a little higher (once in 4,000 tries): sleep
    # is judged on two measures, quality and hours, and each chance to pass by luck adds up.
    sleep_stress_standard_errors: float = 3.5

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
    # Deviation: a spike must also stand this many of the patient's day-to-day scatters
    # (see ``scatter_days``) above the median. At 4, one day that far up comes by chance
    # about once in 30,000 days; for a patient of ordinary scatter the 4 points ask more.
    spike_above_scatter: float = 4.0

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
    # Deviation: a new adherence finding must have held on this many days before as well
    # (two: a patient who skips days now and then has fortnights that dip under the bar for
    # a day or two, and a real drop stays under it)...
    adherence_confirm_days: int = 2
    # ...unless its fall is this many standard errors or more (did everything, then nothing).
    adherence_confirm_below_z: float = 3.0

    # Gone quiet: days since the last check-in or session.
    quiet_low_days: int = 3
    quiet_medium_days: int = 7
    quiet_high_days: int = 14
    # Deviation: low waits until (the patient's share of silent days) ** days silent < this.
    quiet_usual_chance: float = 0.001

    # Red light: a session ending with pain at or above `red_light_from` (the clinic's red
    # cut-off of the traffic light, Clinic.traffic_red_from, never an override) opens a high
    # flag, which clears after `red_light_days` without one. Off: the patient is told to
    # mention it at their next visit instead.
    red_light_flag: bool = True
    red_light_from: int = 6
    red_light_days: int = 7

    # Function worsening: the patient-specific scale's mean (0–10) this far below the
    # patient's baseline or best, its minimal detectable change (Stratford 1995). Any other
    # scored measure uses the minimal important change its definition gives.
    function_drop_points: float = 2.0

    # Flag lifecycle: a resolved kind does not reopen for this many days unless worse.
    reopen_cooldown_days: int = 7

    @classmethod
    def from_overrides(cls, overrides: Mapping[str, object]) -> Thresholds:
        """PRODUCT.md defaults with ``overrides``; a bad key or value raises ValueError naming
        it. A clinic's stored overrides go through ``decode_overrides``, which keeps the good
        ones."""
        thresholds, ignored = decode_overrides(overrides)
        if ignored:
            raise ValueError(str(ignored[0]))
        return thresholds

    @functools.cached_property  # read by every rule for every patient
    def rule_days(self) -> int:
        """Days of history, ending on the day judged, that the rules read."""
        pain_baselines = 2 if self.pain_creep_baseline else 1
        return max(
            self.window_days + pain_baselines * self.baseline_days,
            self.window_days + self.scatter_days,
            self.spike_median_days + self.spike_hold_days,
            self.scatter_days + self.spike_hold_days,
            self.settle_max_age_days + self.settle_median_days,
            self.adherence_recent_days + self.adherence_prior_days,
            self.adherence_week_days,
            self.red_light_days,
        )

    @property
    def lookback_days(self) -> int:
        """Days of history, ending on ``as_of``, that the selector passes to ``evaluate``."""
        return self.rule_days + self.adherence_confirm_days


# Days of history, ending on ``as_of``, that the selector passes at the default thresholds:
# adherence compares the last 14 days with the 28 before them (42), judged today and, to
# confirm a new finding, the two days before (44). Use ``Thresholds.lookback_days`` when a clinic
# widens a window. The rules ignore anything older than they need.
LOOKBACK_DAYS = Thresholds().lookback_days


# --- a clinic's overrides -------------------------------------------------------------


class Allowed(NamedTuple):
    """The range a threshold may be set to, both ends included."""

    low: float
    high: float


# A level or a change on the 0-10 rating scales (pain, sleep quality, stress).
_POINTS = Allowed(0, 10)
_PERCENT = Allowed(0, 100)
# Days a rule reads: an empty window would judge nothing.
_WINDOW = Allowed(1, MAX_WINDOW_DAYS)
# Days to wait, hold or confirm: zero turns the wait off.
_WAIT = Allowed(0, MAX_WINDOW_DAYS)
# Check-ins or sessions: there are never more than the days of the longest window.
_COUNT = Allowed(0, MAX_WINDOW_DAYS)
# Standard errors of a fall in adherence or of a change in a mean, or day-to-day scatters
# of a single day: a hundred is beyond any patient's data; zero leaves the fixed points.
_STANDARD_ERRORS = Allowed(0, 100)

# Every number a clinic may set, and its range (``pain_creep_baseline`` is on or off).
ALLOWED: Mapping[str, Allowed] = {
    "window_days": _WINDOW,
    "baseline_days": _WINDOW,
    "min_checkins": _COUNT,
    "pain_rise_points": _POINTS,
    # a rise relative to the baseline: 400 asks for pain five times the usual
    "pain_rise_pct": Allowed(0, 1000),
    "pain_high_rise": _POINTS,
    "pain_high_mean": _POINTS,
    "sleep_quality_drop": _POINTS,
    "sleep_hours_drop": Allowed(0, 16),  # sleep is logged as 0-16 hours
    "stress_rise": _POINTS,
    # two check-ins make the shortest span with a difference between days
    "scatter_days": Allowed(2, MAX_WINDOW_DAYS),
    "change_standard_errors": _STANDARD_ERRORS,
    "sleep_stress_standard_errors": _STANDARD_ERRORS,
    "spike_median_days": _WINDOW,
    "spike_min_checkins": _COUNT,
    "spike_above_median": _POINTS,
    "spike_absolute": _POINTS,
    "spike_absolute_max_median": _POINTS,
    "spike_hold_days": _WAIT,
    "spike_absolute_checkins": _COUNT,
    "spike_above_scatter": _STANDARD_ERRORS,
    "settle_sessions": _COUNT,
    "settle_hits": _COUNT,
    "settle_after_min": _POINTS,
    "settle_after_rise": _POINTS,
    "settle_morning_rise": _POINTS,
    "settle_morning_above_median": _POINTS,
    "settle_median_days": _WINDOW,
    "settle_max_age_days": _WINDOW,
    # negative lets a session that lowered pain be judged the next morning too (the literal rule)
    "settle_morning_min_session_rise": Allowed(-10, 10),
    "adherence_recent_days": _WINDOW,
    "adherence_prior_days": _WINDOW,
    "adherence_recent_below": _PERCENT,
    "adherence_drop_points": _PERCENT,
    "adherence_week_days": _WINDOW,
    "adherence_week_below": _PERCENT,
    "adherence_min_days": _WAIT,
    "adherence_min_z": _STANDARD_ERRORS,
    "adherence_confirm_days": _WAIT,
    "adherence_confirm_below_z": _STANDARD_ERRORS,
    "quiet_low_days": _WINDOW,
    "quiet_medium_days": _WINDOW,
    "quiet_high_days": _WINDOW,
    "quiet_usual_chance": Allowed(0, 1),  # a probability
    "red_light_days": _WINDOW,
    "function_drop_points": _POINTS,
    "reopen_cooldown_days": _WAIT,
}

# Numbers the rules use that a clinic sets elsewhere, not as a flag threshold override.
FROM_CLINIC_SETTINGS = frozenset({"red_light_from"})

_DEFAULTS: Mapping[str, float | int | bool] = {
    f.name: getattr(Thresholds, f.name) for f in dataclasses.fields(Thresholds)
}


class OverrideProblem(StrEnum):
    NOT_AN_OBJECT = "not_an_object"  # the overrides are not names with values at all
    UNKNOWN = "unknown"
    NOT_A_NUMBER = "not_a_number"
    NOT_WHOLE = "not_whole"
    NOT_ON_OFF = "not_on_off"
    TOO_LOW = "too_low"
    TOO_HIGH = "too_high"


class BadOverride(NamedTuple):
    """One override the rules cannot use, and why. ``key`` is empty for NOT_AN_OBJECT."""

    key: str
    value: object
    problem: OverrideProblem
    allowed: Allowed | None = None

    @property
    def default(self) -> float | int | bool | None:
        """What the rules use instead (``None`` for a name that is no threshold)."""
        return _DEFAULTS.get(self.key)

    def __str__(self) -> str:
        value = repr(self.value)
        match self.problem:
            case OverrideProblem.NOT_AN_OBJECT:
                return f"threshold overrides must be a mapping of names to values, got {value}"
            case OverrideProblem.UNKNOWN:
                return f"unknown threshold {self.key!r}"
            case OverrideProblem.NOT_A_NUMBER:
                return f"threshold {self.key!r} must be a number, got {value}"
            case OverrideProblem.NOT_WHOLE:
                return f"threshold {self.key!r} must be a whole number, got {value}"
            case OverrideProblem.NOT_ON_OFF:
                return f"threshold {self.key!r} must be true or false (or 1 or 0), got {value}"
            case OverrideProblem.TOO_LOW if self.allowed is not None:
                return f"threshold {self.key!r} must be at least {self.allowed.low}, got {value}"
            case OverrideProblem.TOO_HIGH if self.allowed is not None:
                return f"threshold {self.key!r} must be at most {self.allowed.high}, got {value}"
        return f"threshold {self.key!r} cannot be {value}"


def _checked(key: str, raw: object) -> float | int | bool | BadOverride:
    """``raw`` as the value of threshold ``key``, or what is wrong with it."""
    if key not in _DEFAULTS or key in FROM_CLINIC_SETTINGS:
        return BadOverride(key, raw, OverrideProblem.UNKNOWN)
    if isinstance(_DEFAULTS[key], bool):
        if isinstance(raw, int | float) and raw in (0, 1):
            return bool(raw)
        return BadOverride(key, raw, OverrideProblem.NOT_ON_OFF)
    # JSON true and false are no numbers, nor are NaN and Infinity (Python's JSON reads them).
    if (
        not isinstance(raw, int | float)
        or isinstance(raw, bool)
        or (isinstance(raw, float) and not math.isfinite(raw))
    ):
        return BadOverride(key, raw, OverrideProblem.NOT_A_NUMBER)
    allowed = ALLOWED[key]
    if isinstance(_DEFAULTS[key], int) and raw != int(raw):
        return BadOverride(key, raw, OverrideProblem.NOT_WHOLE, allowed)
    # Compared before converting: a float cannot hold every whole number JSON can.
    if raw < allowed.low:
        return BadOverride(key, raw, OverrideProblem.TOO_LOW, allowed)
    if raw > allowed.high:
        return BadOverride(key, raw, OverrideProblem.TOO_HIGH, allowed)
    return int(raw) if isinstance(_DEFAULTS[key], int) else float(raw)


class DecodedOverrides(NamedTuple):
    thresholds: Thresholds
    ignored: list[BadOverride]


def decode_overrides(overrides: object) -> DecodedOverrides:
    """A clinic's thresholds: every valid override applied, every bad one left at its
    default and listed, so one mistyped value never costs the clinic its other settings."""
    if overrides is None:
        return DecodedOverrides(Thresholds(), [])
    if not isinstance(overrides, Mapping):
        return DecodedOverrides(
            Thresholds(), [BadOverride("", overrides, OverrideProblem.NOT_AN_OBJECT)]
        )
    values: dict[str, float | int | bool] = {}
    ignored: list[BadOverride] = []
    for key, raw in overrides.items():
        checked = _checked(str(key), raw)
        if isinstance(checked, BadOverride):
            ignored.append(checked)
        else:
            values[str(key)] = checked
    return DecodedOverrides(Thresholds(**values), ignored)


def override_problems(overrides: object) -> list[BadOverride]:
    """What is wrong with a clinic's overrides, one entry per bad key: empty when they are
    fine to save."""
    return decode_overrides(overrides).ignored
