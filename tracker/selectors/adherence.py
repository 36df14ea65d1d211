"""Adherence: prescribed occurrences done ÷ occurrences due, per day, for many patients at once.

Two queries for any number of patients and any window: the prescription versions that
overlap the window, and those versions' done days (read from one index).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from operator import add
from typing import Any

from django.db.models import Q, QuerySet, StringAgg, Value

from tracker.models import ExerciseLog, PrescribedExercise
from tracker.selectors.rows import AmongIds, DayNumber, Ids, IsoDate, batch_rows


@dataclass(frozen=True)
class AdherenceDay:
    day: date
    due: float  # occurrences due; "N days a week" exercises count N/7 of a day's dose
    done: float  # occurrences done, capped at what was due

    @property
    def percent(self) -> float | None:
        return None if self.due <= 0 else min(100.0, 100.0 * self.done / self.due)


def _days(start: date, end: date) -> Iterable[date]:
    for offset in range((end - start).days + 1):
        yield start + timedelta(days=offset)


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
    """The dates from ``start`` to ``end``, and per patient what was due and done on each.

    Each version of a prescription counts on the days it was in force (so a dosage change
    never rewrites past adherence), within its program's dates while the program is not
    paused. A day's done count is capped at that day's due count for each exercise, and an
    "N days a week" exercise's week at what was due in that week. That week is always the
    whole calendar week, so where the window begins never changes what a day is credited
    with.

    Runs on every caseload page and for every patient each night, so days are positions in
    lists, and the done logs come as each prescription version's days straight from an index
    ordered by version (integers, not the prescription line's UUID, on every row).
    """
    ids = list(patient_ids)
    if end < start:
        return [], {pid: [] for pid in ids}, {pid: [] for pid in ids}
    # An "N days a week" line's week shares one dose among its days, earliest first, so the
    # work starts on the Monday of ``start``'s week; the days before ``start`` are dropped
    # at the end.
    lead = start.weekday()
    shown_from, start = start, start - timedelta(days=lead)
    span = (end - start).days + 1
    first_weekday = start.weekday()  # Monday
    versions = batch_rows(_versions_in_force, ids, start, end)
    # Per (patient, line), numbered 0, 1, …: each day's share of the dose that counts as
    # due, and the most that day can be credited with (a full day's dose).
    numbers: dict[tuple[int, object], int] = {}
    owner: list[int] = []  # the patient of each numbered line
    shares: list[list[float]] = []
    caps: list[list[int]] = []
    flexible: set[int] = set()  # lines with an "N days a week" version
    number_of_version: dict[int, int] = {}
    for version in versions:
        version_id, pid, line, began, phase_end, status, updated = version[:7]
        valid_from, valid_to, per_day, dpw, wd = version[7:]
        number = numbers.get((pid, line))
        if number is None:
            number = numbers[pid, line] = len(owner)
            owner.append(pid)
            shares.append([0.0] * span)
            caps.append([0] * span)
        number_of_version[version_id] = number
        low = max(0, valid_from, began)
        high = span  # the day after the last one in force
        if valid_to is not None:
            high = min(high, valid_to)
        if phase_end is not None:
            high = min(high, phase_end + 1)
        if status == "completed":
            # A completed program stops counting the day it was closed.
            high = min(high, updated)
        share, cap = shares[number], caps[number]
        # "N days a week": each day carries N/7 of the week's dose, and any day the patient
        # chooses can count for up to a full day's dose (capped per week below).
        daily = float(per_day) if wd else per_day * dpw / 7
        if not wd and dpw < 7:
            flexible.add(number)
        if not wd:
            if high > low:
                share[low:high] = [daily] * (high - low)
                cap[low:high] = [per_day] * (high - low)
            continue
        for i in range(low, high):
            if wd & (1 << ((first_weekday + i) % 7)):
                share[i] = daily
                cap[i] = per_day

    lines_of: dict[int, list[int]] = {}
    for number, pid in enumerate(owner):
        lines_of.setdefault(pid, []).append(number)
    due: dict[int, list[float]] = {}
    for pid in ids:
        numbers_of_patient = lines_of.get(pid)
        if numbers_of_patient is None:
            due[pid] = [0.0] * span
        elif flexible.isdisjoint(numbers_of_patient):
            # Whole doses only: the same sums in whatever order they are added.
            lines = map(shares.__getitem__, numbers_of_patient)
            due[pid] = list(map(sum, zip(*lines, strict=True)))
        else:
            series = [0.0] * span
            for number in numbers_of_patient:
                series = list(map(add, series, shares[number]))
            due[pid] = series

    done: dict[int, list[float]] = {pid: [0.0] * span for pid in ids}
    if owner:
        # The days before the window only matter to an "N days a week" line's week.
        logs = batch_rows(_done_days, number_of_version, start if flexible else shown_from, end)
        # Per line, the logs done on each day, up to the day's dose: versions of one line
        # logged on one day add up before the day's cap applies.
        position = {day.isoformat(): i for i, day in enumerate(_days(start, end))}
        tallies: dict[int, list[int]] = {}
        for prescribed_id, days in logs:
            number = number_of_version.get(prescribed_id)
            if number is None:
                continue
            tally = tallies.get(number)
            if tally is None:
                tally = tallies[number] = [0] * span
            cap = caps[number]
            for i in map(position.__getitem__, days.split(",")):
                if tally[i] < cap[i]:
                    tally[i] += 1
        # A line on set days or every day is due in full on each of its days, so a day's
        # cap is all that limits it: a patient's such lines add up as whole numbers. An "N
        # days a week" line's week never counts for more than was due in it, however many
        # extra days the patient did: days in order, so the earliest days of a week take
        # its credit.
        week_room: dict[tuple[int, int], float] = {}
        weekly = []
        capped: dict[int, list[list[int]]] = {}
        for number, tally in tallies.items():
            if number in flexible:
                weekly.extend((i, number, n) for i, n in enumerate(tally) if n)
            else:
                capped.setdefault(owner[number], []).append(tally)
        for pid, lines in capped.items():
            done[pid] = list(map(float, map(sum, zip(*lines, strict=True))))
        for i, number, n in sorted(weekly):
            cap = caps[number][i]
            week = (first_weekday + i) // 7
            room = week_room.get((number, week))
            if room is None:
                monday = week * 7 - first_weekday
                room = sum(shares[number][max(0, monday) : min(span, monday + 7)])
            credit = min(float(n), float(cap), room)
            week_room[number, week] = room - credit
            done[owner[number]][i] += credit

    if lead:
        due = {pid: series[lead:] for pid, series in due.items()}
        done = {pid: series[lead:] for pid, series in done.items()}
    return list(_days(shown_from, end)), due, done


def _versions_in_force(ids: Ids, start: date, end: date) -> QuerySet[Any]:
    """The prescription versions of the patients ``ids`` in force at some time from ``start``
    to ``end``, with every date as a day number from ``start`` (see adherence_series)."""
    # Every date comes as a day number of the window (0 is ``start``), straight from the
    # database: parsing a dozen thousand rows' dates and times was a third of this read.
    return (
        PrescribedExercise.objects.filter(
            AmongIds("program__patient_id", ids),
            program__status__in=["active", "completed"],
            program__start_date__lte=end,
            valid_from__lte=end,
        )
        # Also a version that ended on ``start``: a log made that day before a dosage change
        # names it (it was in force until then), and the log still counts for its line.
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .filter(Q(program__phase_end_date__isnull=True) | Q(program__phase_end_date__gte=start))
        # In the model's order, so each patient's lines add up in the same order every time.
        .values_list(
            "pk",
            "program__patient_id",
            "line",
            DayNumber("program__start_date", start),
            DayNumber("program__phase_end_date", start),
            "program__status",
            DayNumber("program__updated_at", start, of_datetime=True),
            DayNumber("valid_from", start),
            DayNumber("valid_to", start),
            "times_per_day",
            "days_per_week",
            "weekdays",
        )
    )


def _done_days(versions: Ids, start: date, end: date) -> QuerySet[Any]:
    """Each prescription version's done days from ``start`` to ``end`` as one ISO text
    ("2026-11-02,2026-11-03"): a row per version rather than per log, which was most of
    the evaluation's reading. Asked for by version (a version is one patient's), they come
    grouped from the index."""
    return (
        ExerciseLog.objects.filter(
            AmongIds("prescribed_id", versions),
            local_date__gte=start,
            local_date__lte=end,
            status=ExerciseLog.Status.DONE,
        )
        .order_by()
        .values("prescribed_id")
        .annotate(days=StringAgg(IsoDate("local_date"), Value(",")))
        .values_list("prescribed_id", "days")
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


def adherence_summary(
    patient_ids: Iterable[int], today: date
) -> dict[int, dict[str, float | None]]:
    """7- and 28-day adherence ending yesterday (today is not over yet) for each patient."""
    end = today - timedelta(days=1)
    by_patient = adherence_days(patient_ids, end - timedelta(days=27), end)
    return {
        pid: {
            "adherence_7d": adherence_percent(days[-7:]),
            "adherence_28d": adherence_percent(days),
        }
        for pid, days in by_patient.items()
    }
