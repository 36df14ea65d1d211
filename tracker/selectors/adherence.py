"""Adherence: prescribed occurrences done ÷ occurrences due (PRODUCT.md, "Adherence").

This module is the one place adherence is worked out. The caseload, the record's tiles, the
patient's Progress page, the printable report, the exports and the trend job all call it,
so one patient on one day has one figure everywhere:

- ``adherence_series`` / ``adherence_days``: what was due and done on each day of a span;
- ``adherence_windows``: the two figures a person reads, the last 7 and 28 days ending
  yesterday in the patient's own calendar (today counts once it is over).

Two queries for any number of patients and any span: the prescription versions that overlap
it, and the done logs in it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from django.db.models import Q

from tracker.models import ExerciseLog, PatientProfile, PrescribedExercise, Program

# The windows every screen shows, in days, each ending yesterday.
WINDOW_DAYS = (7, 28)


@dataclass(frozen=True)
class AdherenceDay:
    day: date
    due: float  # occurrences due; "N days a week" exercises count N/7 of a day's dose
    done: float  # occurrences done, capped at what was due

    @property
    def percent(self) -> float | None:
        return None if self.due <= 0 else min(100.0, 100.0 * self.done / self.due)

    @property
    def everything_done(self) -> bool:
        """A day on which all that was due was done ("days with everything done", which is
        not adherence: a day with half done counts half in adherence, nothing here)."""
        return self.due > 0 and self.done >= self.due - 1e-9


class Version(NamedTuple):
    """One prescription version, as the day-by-day arithmetic needs it."""

    id: int
    patient_id: int
    line: object
    program_start: date
    phase_end: date | None
    program_status: str
    program_closed_on: date  # the day a completed program stopped counting
    valid_from: date
    valid_to: date | None  # exclusive
    times_per_day: int
    days_per_week: int
    weekdays: int  # bit 0 = Monday; 0 means "any N days a week"


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def adherence_days(
    patient_ids: Iterable[int], start: date, end: date
) -> dict[int, list[AdherenceDay]]:
    """Per patient, one AdherenceDay for each date from ``start`` to ``end`` inclusive."""
    days, due, done = adherence_series(patient_ids, start, end)
    return {
        pid: [
            AdherenceDay(day=day, due=due_today, done=done_today)
            for day, due_today, done_today in zip(days, due[pid], done[pid], strict=True)
        ]
        for pid in due
    }


def adherence_series(
    patient_ids: Iterable[int], start: date, end: date
) -> tuple[list[date], dict[int, list[float]], dict[int, list[float]]]:
    """The dates from ``start`` to ``end``, and per patient what was due and done on each."""
    ids = list(patient_ids)
    if end < start or not ids:
        return [], {pid: [] for pid in ids}, {pid: [] for pid in ids}
    # An "N days a week" line shares one dose among the days of a calendar week, so the
    # arithmetic covers whole weeks, Monday to Sunday, around the span asked for.
    first, last = _whole_weeks(start, end)
    versions = _versions_in_force(ids, first, last)
    logs = _done_logs(ids, first, end) if versions else []
    return due_and_done(ids, versions, logs, start, end)


def _whole_weeks(start: date, end: date) -> tuple[date, date]:
    return start - timedelta(days=start.weekday()), end + timedelta(days=6 - end.weekday())


def due_and_done(
    patient_ids: Sequence[int],
    versions: Iterable[Version],
    logs: Iterable[tuple[int, date]],
    start: date,
    end: date,
) -> tuple[list[date], dict[int, list[float]], dict[int, list[float]]]:
    """The arithmetic of adherence, on rows already read (pure: no database).

    Each version of a prescription counts on the days it was in force (so a dosage change
    never rewrites past adherence), within its program's dates while the program is not
    paused. A day's done count is capped at that day's due count for each exercise.

    An "N days a week" exercise is due N/7 of its dose each day, and any day can be credited
    with up to a full day's dose, the earliest days of the calendar week first, until the
    week's whole dose is used up. A day's credit depends only on that day and the days
    before it in its week, so it never changes with where a window starts or ends: the
    caseload (to yesterday), the record and a replay of the nightly job agree on every day.
    """
    first, last = _whole_weeks(start, end)
    span = (last - first).days + 1
    shares: dict[tuple[int, object], list[float]] = {}  # per (patient, line), each day's due
    caps: dict[tuple[int, object], list[int]] = {}  # the most each day can be credited with
    flexible: set[tuple[int, object]] = set()  # lines with an "N days a week" version
    line_of_version: dict[int, tuple[int, object]] = {}
    for v in versions:
        key = (v.patient_id, v.line)
        line_of_version[v.id] = key
        share = shares.setdefault(key, [0.0] * span)
        cap = caps.setdefault(key, [0] * span)
        low = max(0, (v.valid_from - first).days, (v.program_start - first).days)
        high = span  # the day after the last one in force
        if v.valid_to is not None:
            high = min(high, (v.valid_to - first).days)
        if v.phase_end is not None:
            high = min(high, (v.phase_end - first).days + 1)
        if v.program_status == Program.Status.COMPLETED:
            high = min(high, (v.program_closed_on - first).days)
        if v.weekdays:
            for i in range(max(low, 0), high):
                if v.weekdays & (1 << i % 7):  # ``first`` is a Monday
                    share[i] = float(v.times_per_day)
                    cap[i] = v.times_per_day
            continue
        daily = v.times_per_day * v.days_per_week / 7
        if v.days_per_week < 7:
            flexible.add(key)
        for i in range(max(low, 0), high):
            share[i] = daily
            cap[i] = v.times_per_day

    # Per line, the logs done on each day, up to the day's dose: versions of one line logged
    # on one day add up before the day's cap applies.
    tallies: dict[tuple[int, object], list[int]] = {}
    for version_id, day in logs:
        key = line_of_version.get(version_id)
        if key is None:
            continue
        i = (day - first).days
        if not 0 <= i < span:
            continue
        tally = tallies.setdefault(key, [0] * span)
        if tally[i] < caps[key][i]:
            tally[i] += 1

    due = {pid: [0.0] * span for pid in patient_ids}
    done = {pid: [0.0] * span for pid in patient_ids}
    for key, share in shares.items():
        pid = key[0]
        if pid not in due:
            continue
        due_of_patient, done_of_patient = due[pid], done[pid]
        tally = tallies.get(key, [0] * span)
        for i in range(span):
            due_of_patient[i] += share[i]
        if key not in flexible:
            for i in range(span):
                done_of_patient[i] += tally[i]
            continue
        for monday in range(0, span, 7):
            room = sum(share[monday : monday + 7])
            for i in range(monday, monday + 7):
                credit = min(float(tally[i]), room)
                done_of_patient[i] += credit
                room -= credit

    offset, length = (start - first).days, (end - start).days + 1
    return (
        _days(start, end),
        {pid: series[offset : offset + length] for pid, series in due.items()},
        {pid: series[offset : offset + length] for pid, series in done.items()},
    )


def _versions_in_force(ids: list[int], start: date, end: date) -> list[Version]:
    """The prescription versions of the patients ``ids`` in force at some time from ``start``
    to ``end``, in the model's order (so each patient's lines add up in the same order)."""
    rows = (
        PrescribedExercise.objects.filter(
            program__patient_id__in=ids,
            program__status__in=[Program.Status.ACTIVE, Program.Status.COMPLETED],
            program__start_date__lte=end,
            valid_from__lte=end,
        )
        # Also a version that ended on ``start``: a log made that day before a dosage change
        # names it (it was in force until then), and the log still counts for its line.
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .filter(Q(program__phase_end_date__isnull=True) | Q(program__phase_end_date__gte=start))
        .values_list(
            "pk",
            "program__patient_id",
            "line",
            "program__start_date",
            "program__phase_end_date",
            "program__status",
            "program__updated_at",
            "valid_from",
            "valid_to",
            "times_per_day",
            "days_per_week",
            "weekdays",
        )
    )
    return [
        Version(pk, pid, line, began, phase_end, status, _utc_day(updated), *rest)  # fmt: skip
        for pk, pid, line, began, phase_end, status, updated, *rest in rows
    ]


def _utc_day(moment: datetime) -> date:
    # A completed program's last change is the day it was closed, taken in UTC as stored.
    return moment.date()


def _done_logs(ids: list[int], start: date, end: date) -> list[tuple[int, date]]:
    """(prescription version, day) of every done log of the patients from ``start`` to
    ``end``, read from the (patient, day, status, version) index alone."""
    return list(
        ExerciseLog.objects.filter(
            patient_id__in=ids,
            local_date__gte=start,
            local_date__lte=end,
            status=ExerciseLog.Status.DONE,
        )
        .order_by()
        .values_list("prescribed_id", "local_date")
    )


def adherence_percent(days: Iterable[AdherenceDay]) -> float | None:
    """Done ÷ due over the days given, or None when nothing was due."""
    total_due = total_done = 0.0
    for d in days:
        total_due += d.due
        total_done += d.done
    if total_due <= 0:
        return None
    return round(100.0 * min(total_done, total_due) / total_due, 1)


@dataclass(frozen=True)
class AdherenceWindow:
    """One adherence figure as a person reads it: the days it covers and its percentage."""

    length: int  # 7 or 28
    start: date
    end: date  # yesterday in the patient's calendar
    percent: float | None  # None when nothing was due: shown as "—", never 0 %
    days_due: int  # days of the window on which anything was due

    @property
    def is_partial(self) -> bool:
        """Fewer days were due than the window holds (a new program, a pause, set days)."""
        return self.percent is not None and self.days_due < self.length


@dataclass(frozen=True)
class AdherenceFigures:
    today: date  # the patient's local today, which is not counted yet
    last_7: AdherenceWindow
    last_28: AdherenceWindow
    days: list[AdherenceDay]  # the 28 days, oldest first, ending yesterday

    @property
    def adherence_7d(self) -> float | None:
        return self.last_7.percent

    @property
    def adherence_28d(self) -> float | None:
        return self.last_28.percent


def _window(days: Sequence[AdherenceDay], length: int) -> AdherenceWindow:
    span = days[-length:]
    return AdherenceWindow(
        length=length,
        start=span[0].day,
        end=span[-1].day,
        percent=adherence_percent(span),
        days_due=sum(1 for d in span if d.due > 0),
    )


def figures_from_days(today: date, days: Sequence[AdherenceDay]) -> AdherenceFigures:
    """The 7- and 28-day figures from days that end yesterday (at least 28 of them)."""
    return AdherenceFigures(
        today=today,
        last_7=_window(days, 7),
        last_28=_window(days, 28),
        days=list(days[-28:]),
    )


def adherence_windows(patients: Iterable[PatientProfile]) -> dict[int, AdherenceFigures]:
    """Per patient, adherence over the last 7 and 28 days, ending yesterday in the patient's
    own calendar: the figures every screen, report and export shows.

    Two queries per local date among the patients (at most three on Earth at any moment),
    whatever the number of patients or the length of their history.
    """
    groups: dict[date, list[int]] = defaultdict(list)
    for patient in patients:
        groups[patient.local_today()].append(patient.pk)
    figures: dict[int, AdherenceFigures] = {}
    for today, ids in groups.items():
        figures.update(adherence_figures_on(ids, today))
    return figures


def adherence_figures_on(patient_ids: Iterable[int], today: date) -> dict[int, AdherenceFigures]:
    """``adherence_windows`` for patients whose local date is ``today``."""
    yesterday = today - timedelta(days=1)
    first = yesterday - timedelta(days=max(WINDOW_DAYS) - 1)
    return {
        pid: figures_from_days(today, days)
        for pid, days in adherence_days(patient_ids, first, yesterday).items()
    }


# An export covers at most this much history: the figures a therapist reads go back 28
# days, and a year shows the whole course of a typical home program.
HISTORY_DAYS = 365


def adherence_history(patient: PatientProfile) -> tuple[AdherenceFigures, list[AdherenceDay]]:
    """The 7- and 28-day figures and every day behind them, from the first program's start
    (a year back at most) to yesterday: what the exports write, from the same arithmetic as
    every screen."""
    today = patient.local_today()
    yesterday = today - timedelta(days=1)
    first_start = (
        Program.objects.filter(patient=patient)
        .order_by("start_date")
        .values_list("start_date", flat=True)[:1]
    )
    since = yesterday - timedelta(days=HISTORY_DAYS - 1)
    if not first_start:
        since = today  # no program yet: no day has anything due
    elif first_start[0] > since:
        since = first_start[0]
    first = min(since, yesterday - timedelta(days=max(WINDOW_DAYS) - 1))
    days = adherence_days([patient.pk], first, yesterday)[patient.pk]
    return figures_from_days(today, days), [d for d in days if d.day >= since]
