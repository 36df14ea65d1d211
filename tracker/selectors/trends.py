"""Feeding the pure trend rules: each patient's recent history as a ``PatientWindow``.

A batch of patients costs a fixed number of queries (check-ins, sessions, adherence, last
activity, programs), whatever the batch size or the length of their histories, and only
the lookback the rules need is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Max, Min

from tracker import trends
from tracker.models import Clinic, DailyCheckin, Program, Session
from tracker.selectors.adherence import adherence_days


def clinic_thresholds(clinic: Clinic) -> trends.Thresholds:
    """The clinic's tuned thresholds; a bad override falls back to the defaults for all."""
    try:
        return trends.Thresholds.from_overrides(clinic.flag_thresholds or {})
    except ValueError:
        return trends.Thresholds()


def patient_windows(
    patient_ids: Iterable[int],
    *,
    start: date,
    end: date,
    adherence_until: dict[int, date] | None = None,
) -> dict[int, trends.PatientWindow]:
    """Each patient's history from ``start`` to ``end`` (local dates) as one window.

    ``window.until(day)`` then gives the history as the daily job saw it on any day of the
    range, which is how a replay evaluates many days from one read. ``adherence_until``
    stops a patient's adherence early: today's is not over yet.
    """
    ids = list(patient_ids)
    checkins: dict[int, list[trends.DailyCheckin]] = defaultdict(list)
    for row in (
        DailyCheckin.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("local_date")
        .values_list(
            "patient_id",
            "local_date",
            "pain",
            "worst_pain",
            "sleep_hours",
            "sleep_quality",
            "stress",
        )  # fmt: skip
    ):
        pid, day, pain, worst, hours, quality, stress = row
        checkins[pid].append(trends.DailyCheckin(day, pain, worst, float(hours), quality, stress))

    sessions: dict[int, list[trends.SessionPain]] = defaultdict(list)
    for pid, day, before, after in (
        Session.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("local_date", "started_at")
        .values_list("patient_id", "local_date", "pain_before", "pain_after")
    ):
        sessions[pid].append(trends.SessionPain(day, before, after))

    adherence: dict[int, list[trends.AdherenceDay]] = defaultdict(list)
    for pid, days in adherence_days(ids, start, end).items():
        stop = (adherence_until or {}).get(pid, end)
        adherence[pid] = [
            trends.AdherenceDay(d.day, d.due, d.done)  # type: ignore[arg-type]
            for d in days
            if d.due > 0 and d.day <= stop
        ]

    last_activity: dict[int, date] = {}
    for model in (DailyCheckin, Session):
        for row in (
            model.objects.filter(patient_id__in=ids, local_date__lte=end)
            .values("patient_id")
            .annotate(last=Max("local_date"))
        ):
            pid = row["patient_id"]
            last_activity[pid] = max(row["last"], last_activity.get(pid, row["last"]))

    program_start = {
        row["patient_id"]: row["first"]
        for row in Program.objects.filter(patient_id__in=ids)
        .exclude(status=Program.Status.PAUSED)
        .values("patient_id")
        .annotate(first=Min("start_date"))
    }
    return {
        pid: trends.PatientWindow(
            as_of=end,
            checkins=checkins[pid],
            sessions=sessions[pid],
            adherence=adherence[pid],
            last_activity=last_activity.get(pid),
            program_start=program_start.get(pid),
        )
        for pid in ids
    }
