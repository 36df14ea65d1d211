"""A patient's recent history as the rules read it: check-ins, sessions and adherence
days, held as date-ordered columns, and what the rules derive from them and share.
"""

from __future__ import annotations

import bisect
import operator
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import chain
from typing import Any, NamedTuple, Self, overload

from tracker.trends.thresholds import Thresholds

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


class FunctionScore(NamedTuple):
    """One answered outcome measure's primary score, with what the rule compares it by."""

    date: date
    measure: str  # the questionnaire's slug
    title: str
    score: float
    # How far below the patient's baseline or best counts as worse: None uses the clinic's
    # ``function_drop_points`` (the patient-specific scale), a measure's own MIC otherwise.
    worse_by: float | None
    higher_is_better: bool


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
    # Outcome measure scores in date order, the whole history (a baseline may be months old).
    function_scores: Sequence[FunctionScore] = ()
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
            function_scores=self.function_scores,
        )


# --- what the rules derive from a window -----------------------------------------------


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
