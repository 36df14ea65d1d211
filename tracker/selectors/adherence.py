"""Adherence: prescribed occurrences done ÷ occurrences due, per day, for many patients at once.

Two queries for any number of patients and any window: the prescription versions that
overlap the window, and the done logs aggregated by patient, day and prescription line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Q

from tracker.models import ExerciseLog, PrescribedExercise


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


def _week_days(day: date, start: date, end: date) -> Iterable[date]:
    monday = day - timedelta(days=day.weekday())
    return (d for d in _days(monday, monday + timedelta(days=6)) if start <= d <= end)


def adherence_days(
    patient_ids: Iterable[int], start: date, end: date
) -> dict[int, list[AdherenceDay]]:
    """Per patient, one AdherenceDay for each date from ``start`` to ``end`` inclusive.

    Each version of a prescription counts on the days it was in force (so a dosage change
    never rewrites past adherence), within its program's dates while the program is not
    paused. A day's done count is capped at that day's due count for each exercise.
    """
    ids = list(patient_ids)
    versions = (
        PrescribedExercise.objects.filter(
            program__patient_id__in=ids,
            program__status__in=["active", "completed"],
            program__start_date__lte=end,
            valid_from__lte=end,
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=start))
        .filter(Q(program__phase_end_date__isnull=True) | Q(program__phase_end_date__gte=start))
        .values(
            "program__patient_id",
            "program__start_date",
            "program__phase_end_date",
            "program__status",
            "program__updated_at",
            "line",
            "valid_from",
            "valid_to",
            "times_per_day",
            "days_per_week",
            "weekdays",
        )
    )
    # due[patient][day][line] = (occurrences due that day, most that day can count for)
    due: dict[int, dict[date, dict[object, tuple[float, int]]]] = defaultdict(
        lambda: defaultdict(dict)
    )
    for v in versions:
        first = max(start, v["valid_from"], v["program__start_date"])
        last = end
        if v["valid_to"] is not None:
            last = min(last, v["valid_to"] - timedelta(days=1))
        if v["program__phase_end_date"] is not None:
            last = min(last, v["program__phase_end_date"])
        if v["program__status"] == "completed":
            # A completed program stops counting the day it was closed.
            last = min(last, v["program__updated_at"].date() - timedelta(days=1))
        per_day = v["times_per_day"]
        for day in _days(first, last):
            if v["weekdays"]:
                if v["weekdays"] & (1 << day.weekday()):
                    due[v["program__patient_id"]][day][v["line"]] = (float(per_day), per_day)
            else:
                # "N days a week": each day carries N/7 of the week's dose, and any day the
                # patient chooses can count for up to a full day's dose (capped per week below).
                share = per_day * v["days_per_week"] / 7
                due[v["program__patient_id"]][day][v["line"]] = (share, per_day)

    done_rows = (
        ExerciseLog.objects.filter(
            patient_id__in=ids,
            local_date__gte=start,
            local_date__lte=end,
            status=ExerciseLog.Status.DONE,
        )
        .values("patient_id", "local_date", "line")
        .annotate(n=Count("id"))
        .order_by("patient_id", "local_date")
    )
    done: dict[int, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    # What is still creditable per (patient, line, ISO week): a week never counts for more
    # than was due in it, however many extra days the patient did.
    week_room: dict[tuple[int, object, tuple[int, int]], float] = {}
    for row in done_rows:
        pid, day, line = row["patient_id"], row["local_date"], row["line"]
        share, day_cap = due[pid][day].get(line, (0.0, 0))
        if not day_cap:
            continue
        credit = min(float(row["n"]), float(day_cap))
        week = day.isocalendar()[:2]
        key = (pid, line, week)
        if key not in week_room:
            week_room[key] = sum(
                due[pid][d].get(line, (0.0, 0))[0] for d in _week_days(day, start, end)
            )
        credit = min(credit, week_room[key])
        week_room[key] -= credit
        done[pid][day] += credit

    return {
        pid: [
            AdherenceDay(
                day=day,
                due=sum(share for share, _ in due[pid][day].values()),
                done=done[pid][day],
            )
            for day in _days(start, end)
        ]
        for pid in ids
    }


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
