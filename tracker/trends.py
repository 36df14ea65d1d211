"""Clinical trend rules: pure functions, numbers in, findings out.

Nothing here touches the ORM or the clock. A selector builds a ``PatientWindow`` for one
patient and one *local* day (``as_of``, the last complete day, inclusive), ``evaluate``
turns it into findings, and ``reconcile`` turns the findings plus the patient's existing
flags into actions for the flag service. The rules are the "Clinical rules" of
PRODUCT.md; every number lives in ``Thresholds`` so a clinic can tune it.
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
import math
import operator
import statistics
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import chain, repeat
from typing import Any, NamedTuple, Self, overload

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class FlagKind(StrEnum):
    PAIN_RISING = "pain_rising"
    PAIN_SPIKE = "pain_spike"
    NOT_SETTLING = "not_settling"
    SLEEP_WORSENING = "sleep_worsening"
    STRESS_RISING = "stress_rising"
    ADHERENCE_DROP = "adherence_drop"
    GONE_QUIET = "gone_quiet"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """1 for low, 2 for medium, 3 for high: compare severities with this."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


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


# --- input ----------------------------------------------------------------------------


# The three inputs are named tuples: a nightly batch builds a quarter of a million of them,
# and a frozen dataclass took four times as long to build for the same immutable record.


class DailyCheckin(NamedTuple):
    date: date
    pain: int
    worst_pain: int
    sleep_hours: float
    sleep_quality: int
    stress: int


class SessionPain(NamedTuple):
    date: date
    pain_before: int | None
    pain_after: int | None


class AdherenceDay(NamedTuple):
    """Prescribed exercise occurrences due and done on one local date ("N days a week"
    exercises make fractions of a day's dose)."""

    date: date
    due: float
    done: float


class DatedColumns[T: tuple[Any, ...]](Sequence[T]):
    """Dated records in date order, held as one list per field (``dates`` for ``date``).

    How the nightly batch hands a patient's history over: a tuple per record for 2,000
    patients cost as much as the rules that read them, and the rules want columns (means
    and medians of a span are a slice). It reads as a sequence of its records like any
    list of them. A subclass names its ``record`` type and its ``fields``, in order.
    """

    __slots__ = ()
    record: Callable[..., T]
    fields: tuple[str, ...]
    # The fields' columns in order, from an instance: columns_of(self) (a getter in C).
    columns_of: Callable[[Any], tuple[Sequence[Any], ...]]
    dates: Sequence[date]

    def __init_subclass__(cls) -> None:
        cls.columns_of = operator.attrgetter(*cls.fields)

    @classmethod
    def empty(cls) -> Self:
        return cls(*([] for _ in cls.fields))

    @classmethod
    def of_records(cls, records: Iterable[T]) -> Self:
        """Records already in date order, as columns."""
        transposed = list(zip(*records, strict=True))
        return cls(*transposed) if transposed else cls.empty()

    def __len__(self) -> int:
        return len(self.dates)

    @overload
    def __getitem__(self, index: int) -> T: ...
    @overload
    def __getitem__(self, index: slice) -> Self: ...
    def __getitem__(self, index: int | slice) -> T | Self:
        values = [column[index] for column in self.columns_of(self)]
        return type(self)(*values) if isinstance(index, slice) else self.record(*values)

    def __eq__(self, other: object) -> bool:
        """Equal to any sequence of the same records, as a list of them would be."""
        if not isinstance(other, Sequence):
            return NotImplemented
        return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # mutable columns, like a list

    def bounds(self, start: date, end: date) -> slice:
        """Where the records from ``start`` to ``end`` inclusive are: two bisections."""
        low = bisect.bisect_left(self.dates, start)
        return slice(low, bisect.bisect_right(self.dates, end, low))

    def between(self, start: date, end: date) -> Self:
        """The records from ``start`` to ``end`` inclusive."""
        return self[self.bounds(start, end)]

    def position(self, day: date) -> int | None:
        """Where the first record of ``day`` is, if there is one."""
        at = bisect.bisect_left(self.dates, day)
        return at if at < len(self.dates) and self.dates[at] == day else None


class CheckinColumns(DatedColumns[DailyCheckin]):
    """Check-ins in date order, one per date."""

    __slots__ = ("dates", "pain", "sleep_hours", "sleep_quality", "stress", "worst_pain")
    record = DailyCheckin
    fields = ("dates", "pain", "worst_pain", "sleep_hours", "sleep_quality", "stress")

    def __init__(
        self,
        dates: Sequence[date],
        pain: Sequence[int],
        worst_pain: Sequence[int],
        sleep_hours: Sequence[float],
        sleep_quality: Sequence[int],
        stress: Sequence[int],
    ) -> None:
        self.dates, self.pain, self.worst_pain = dates, pain, worst_pain
        self.sleep_hours, self.sleep_quality, self.stress = sleep_hours, sleep_quality, stress

    @classmethod
    def of(cls, checkins: Sequence[DailyCheckin]) -> CheckinColumns:
        """Any sequence of check-ins as columns: in date order, and of two on one date the
        one given last."""
        if isinstance(checkins, CheckinColumns):
            return checkins
        by_date = {c.date: c for c in sorted(checkins, key=_date_of)}  # sorted is stable
        return cls.of_records(by_date.values())


class SessionColumns(DatedColumns[SessionPain]):
    """Sessions in date order (a day's sessions in the order given)."""

    __slots__ = ("dates", "pain_after", "pain_before")
    record = SessionPain
    fields = ("dates", "pain_before", "pain_after")

    def __init__(
        self,
        dates: Sequence[date],
        pain_before: Sequence[int | None],
        pain_after: Sequence[int | None],
    ) -> None:
        self.dates, self.pain_before, self.pain_after = dates, pain_before, pain_after

    @classmethod
    def of(cls, sessions: Sequence[SessionPain]) -> SessionColumns:
        """Any sequence of sessions as columns, in date order."""
        if isinstance(sessions, SessionColumns):
            return sessions
        return cls.of_records(sorted(sessions, key=_date_of))  # stable within a day


class AdherenceColumns(DatedColumns[AdherenceDay]):
    """Days on which something was due, in date order."""

    __slots__ = ("dates", "dones", "dues")
    record = AdherenceDay
    fields = ("dates", "dues", "dones")

    def __init__(
        self, dates: Sequence[date], dues: Sequence[float], dones: Sequence[float]
    ) -> None:
        self.dates, self.dues, self.dones = dates, dues, dones

    @classmethod
    def of(cls, days: Sequence[AdherenceDay]) -> AdherenceColumns:
        """Any sequence of days as columns: in date order, only days with something due."""
        if isinstance(days, AdherenceColumns):
            return days
        return cls.of_records(d for d in sorted(days, key=_date_of) if d.due > 0)


def _dates_of(records: Sequence[Any]) -> Iterable[date]:
    return records.dates if isinstance(records, DatedColumns) else map(_date_of, records)


@dataclass(frozen=True)
class PatientWindow:
    """One patient's recent history as of the local date ``as_of`` (inclusive).

    ``last_activity`` is the last local date with a check-in or a session, however old.
    ``adherence`` holds one entry per day of the lookback on which the program ran.
    Entries after ``as_of`` may be present (see ``until``); no rule's result depends on them.
    """

    as_of: date
    checkins: Sequence[DailyCheckin]
    sessions: Sequence[SessionPain]
    adherence: Sequence[AdherenceDay]
    last_activity: date | None
    program_start: date | None
    # What the rules derive from the window and share (the check-ins by date): each rule
    # used to build it again, seven times per patient a night.
    derived: dict[object, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def until(self, day: date) -> PatientWindow:
        """The same history as the daily job saw it on an earlier ``day``.

        The history itself is shared, not cut at ``day``: no rule's result depends on what
        comes after the window's ``as_of`` (a test holds every rule to that), and copying it
        for each patient judged on yesterday cost the nightly batch as much as a rule.
        """
        if day == self.as_of and (self.last_activity is None or self.last_activity <= day):
            return self
        last = self.last_activity
        if last is not None and last > day:
            dates = chain(_dates_of(self.checkins), _dates_of(self.sessions))
            last = max((d for d in dates if d <= day), default=None)
        return PatientWindow(
            as_of=day,
            checkins=self.checkins,
            sessions=self.sessions,
            adherence=self.adherence,
            last_activity=last,
            program_start=self.program_start,
        )


# --- output ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One rule's verdict for one day.

    ``evidence`` is JSON-serialisable: ISO dates, floats rounded to one decimal, the
    windows compared, the values and the thresholds used. ``pending`` marks a finding
    that still waits for confirmation: it keeps an open flag open but opens none.
    """

    kind: FlagKind
    severity: Severity
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)
    pending: bool = False


# --- small helpers --------------------------------------------------------------------


def _r(value: float) -> float:
    return round(value, 1)


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]}"


def _span(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}


_ONE_DAY = timedelta(days=1)


def _days_before(d: date, days: int) -> date:
    return d - _ONE_DAY * days  # the rules count back some forty times per patient a night


def _earliest(window: PatientWindow, t: Thresholds) -> date:
    """The oldest day any rule reads when judging ``window.as_of``."""
    return _days_before(window.as_of, t.rule_days - 1)


_date_of = operator.attrgetter("date")


def _checkins(window: PatientWindow, t: Thresholds) -> CheckinColumns:
    """Check-ins inside the lookback, one per local date (the last one given wins), in date
    order. Read-only: the rules of one evaluation share it."""
    key = ("checkins", t.rule_days)
    columns = window.derived.get(key)
    if columns is None:
        columns = _all_checkins(window).between(_earliest(window, t), window.as_of)
        window.derived[key] = columns
    return columns


def _all_checkins(window: PatientWindow) -> CheckinColumns:
    """The window's check-ins as columns, shared by the rules of one evaluation."""
    columns = window.derived.get("all checkins")
    if columns is None:
        columns = window.derived["all checkins"] = CheckinColumns.of(window.checkins)
    return columns


def _sessions(window: PatientWindow) -> SessionColumns:
    """The window's sessions as columns, shared by the rules of one evaluation."""
    columns = window.derived.get("sessions")
    if columns is None:
        columns = window.derived["sessions"] = SessionColumns.of(window.sessions)
    return columns


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


# --- rules ----------------------------------------------------------------------------


def pain_rising(window: PatientWindow, t: Thresholds) -> Finding | None:
    """Mean pain of the last week clinically above the fortnight before it.

    2 points or 30 % is the minimal clinically important change of the 0-10 pain scale.
    Pain that creeps up for weeks lifts the adjacent fortnight with it, so a slow rise
    never clears 2 points against it; with ``pain_creep_baseline`` the week is also
    compared with the fortnight before that one, i.e. with where the creep began.
    """

    def risen(shift: _Shift | None) -> tuple[_Shift, float] | None:
        if shift is None:
            return None
        needed = max(t.pain_rise_points, shift.baseline * t.pain_rise_pct / 100)
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
        f"up from {_fmt(pain.baseline)}{since} ({_signed(pain.change)})"
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
    return _Spike(checkins[at], median, start, above) if above or severe else None


def pain_spike(window: PatientWindow, t: Thresholds) -> Finding | None:
    """A recent check-in far above the patient's own median of the fortnight before it.

    A check-in ``spike_above_median`` (4) above the usual is a spike on its own. "8 or
    more when the usual is 5 or less" can be just 3 points, one bad day on a scale where
    a point or two is noise, so it takes ``spike_absolute_checkins`` such check-ins within
    ``spike_hold_days``. The condition holds for ``spike_hold_days`` after the spike, so
    the flag stays open long enough for the therapist to see it, then clears.
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
            f"(median of the previous {t.spike_median_days} days)."
        ),
        evidence={
            "window": _span(latest.checkin.date, latest.checkin.date),
            "baseline": _span(latest.median_start, _days_before(latest.checkin.date, 1)),
            "values": {
                "pain": pain,
                "worst_pain": latest.checkin.worst_pain,
                "baseline_median": _r(latest.median),
                "above_median": _r(pain - latest.median),
                "spike_dates": [s.checkin.date.isoformat() for s in spikes],
            },
            "thresholds": {
                "spike_above_median": t.spike_above_median,
                "spike_absolute": t.spike_absolute,
                "spike_absolute_max_median": t.spike_absolute_max_median,
                "spike_min_checkins": t.spike_min_checkins,
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
            part += f" ({hit['next_morning_pain']} next morning)"
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


def adherence_pct(days: Iterable[AdherenceDay], start: date, end: date) -> float | None:
    """Percent of due occurrences done from ``start`` to ``end`` inclusive.

    Each day's done is capped at what was due, so extra sets one day never make up for a
    missed day. ``None`` when nothing was due, so "no program yet" never reads as 0 %.
    """
    due = done = 0
    for day in days:
        if start <= day.date <= end and day.due > 0:
            due += day.due
            done += min(max(day.done, 0), day.due)
    return 100.0 * done / due if due else None


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
        # A day's done counts from none up to what was due that day.
        done = sum(map(min, map(max, dones[low:high], repeat(0)), dues[low:high]))
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


RULES: tuple[Callable[[PatientWindow, Thresholds], Finding | None], ...] = (
    pain_rising,
    pain_spike,
    not_settling,
    sleep_worsening,
    stress_rising,
    adherence_drop,
    gone_quiet,
)

_KIND_ORDER = {kind: i for i, kind in enumerate(FlagKind)}


def evaluate(window: PatientWindow, thresholds: Thresholds | None = None) -> list[Finding]:
    """Every rule's finding for ``window.as_of``, most severe first.

    An adherence finding that did not also hold on each of the ``adherence_confirm_days``
    days before comes back ``pending`` (unless its fall is beyond
    ``adherence_confirm_below_z``): it keeps an open flag open but opens none.
    """
    t = thresholds or Thresholds()
    findings = [f for f in (rule(window, t) for rule in RULES) if f is not None]
    for i, finding in enumerate(findings):
        fall_z = finding.evidence.get("values", {}).get("fall_z")
        if finding.kind is FlagKind.ADHERENCE_DROP and (
            fall_z is None or fall_z < t.adherence_confirm_below_z
        ):
            earlier_days = (
                window.until(_days_before(window.as_of, back))
                for back in range(1, t.adherence_confirm_days + 1)
            )
            if any(adherence_drop(earlier, t) is None for earlier in earlier_days):
                findings[i] = dataclasses.replace(finding, pending=True)
    return sorted(findings, key=lambda f: (-f.severity.rank, _KIND_ORDER[f.kind]))


# --- flag lifecycle -------------------------------------------------------------------


class FlagActionKind(StrEnum):
    OPEN = "open"
    UPDATE = "update"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class OpenFlag:
    """A patient's flag of one kind that is open or acknowledged, i.e. not resolved."""

    severity: Severity
    opened_on: date


@dataclass(frozen=True)
class ResolvedFlag:
    """The most recently resolved flag of one kind (cleared, or resolved by a therapist)."""

    severity: Severity
    resolved_on: date


@dataclass(frozen=True)
class FlagAction:
    """What the flag service should do about one kind of flag today.

    ``severity`` is the flag's severity after the action; ``finding`` is today's finding
    (``None`` for a resolve); ``reason`` is "cleared" for a resolve and says why a finding
    was suppressed.
    """

    action: FlagActionKind
    kind: FlagKind
    severity: Severity
    finding: Finding | None = None
    reason: str = ""


def reconcile(
    open_flags: Mapping[FlagKind, OpenFlag],
    recently_resolved: Mapping[FlagKind, ResolvedFlag],
    findings: Sequence[Finding],
    as_of: date,
    thresholds: Thresholds | None = None,
) -> list[FlagAction]:
    """Turn today's findings into flag actions, at most one per kind.

    - no open flag and a finding: open it, unless the kind was resolved less than
      ``reopen_cooldown_days`` ago at the same or a higher severity (suppress), or the
      finding is still pending confirmation (suppress);
    - an open flag and a finding: escalate if the finding is more severe, else update
      the evidence. A flag never de-escalates while open: a little improvement does not
      make a flag the therapist has not looked at yet less worth looking at;
    - an open flag and no finding: resolve it as "cleared".
    """
    t = thresholds or Thresholds()
    today: dict[FlagKind, Finding] = {}
    for finding in findings:
        held = today.get(finding.kind)
        if held is None or (finding.severity.rank, not finding.pending) > (
            held.severity.rank,
            not held.pending,
        ):
            today[finding.kind] = finding

    actions: list[FlagAction] = []
    for kind in FlagKind:
        finding = today.get(kind)
        flag = open_flags.get(kind)
        if flag is not None:
            if finding is None:
                actions.append(
                    FlagAction(FlagActionKind.RESOLVE, kind, flag.severity, reason="cleared")
                )
            elif finding.severity.rank > flag.severity.rank:
                actions.append(FlagAction(FlagActionKind.ESCALATE, kind, finding.severity, finding))
            else:
                actions.append(FlagAction(FlagActionKind.UPDATE, kind, flag.severity, finding))
            continue
        if finding is None:
            continue
        resolved = recently_resolved.get(kind)
        if finding.pending:
            reason = "not confirmed yet: waits for the condition to hold on consecutive days"
            actions.append(
                FlagAction(FlagActionKind.SUPPRESS, kind, finding.severity, finding, reason)
            )
        elif (
            resolved is not None
            and (as_of - resolved.resolved_on).days < t.reopen_cooldown_days
            and finding.severity.rank <= resolved.severity.rank
        ):
            reason = (
                f"resolved on {resolved.resolved_on.isoformat()}; does not reopen within "
                f"{t.reopen_cooldown_days} days unless more severe"
            )
            actions.append(
                FlagAction(FlagActionKind.SUPPRESS, kind, finding.severity, finding, reason)
            )
        else:
            actions.append(FlagAction(FlagActionKind.OPEN, kind, finding.severity, finding))
    return actions
