"""Feeding the pure trend rules: each patient's recent history as a ``PatientWindow``.

A batch of patients costs a fixed number of queries (check-ins, sessions, adherence, last
activity of those quiet in the lookback, programs), whatever the batch size or the length
of their histories, and only the lookback the rules need is read.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Max, Min

from tracker import trends
from tracker.models import Clinic, DailyCheckin, Program, Session
from tracker.selectors.adherence import adherence_series
from tracker.selectors.rows import DayNumber, raw_rows


def clinic_thresholds(clinic: Clinic) -> trends.Thresholds:
    """The clinic's tuned thresholds; a bad override falls back to the defaults for all."""
    return thresholds_from_overrides(clinic.flag_thresholds)


def thresholds_from_overrides(overrides: dict[str, Any] | None) -> trends.Thresholds:
    """Thresholds from a clinic's stored overrides, read without the clinic itself."""
    try:
        return trends.Thresholds.from_overrides(overrides or {})
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
    days, due, done = adherence_series(ids, start, end)
    last_activity: dict[int, date] = {}

    checkins: dict[int, list[trends.DailyCheckin]] = defaultdict(list)
    for pid, i, pain, worst, hours, quality, stress in raw_rows(
        DailyCheckin.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("local_date")
        .values_list(
            "patient_id",
            DayNumber("local_date", start),
            "pain",
            "worst_pain",
            "sleep_hours",
            "sleep_quality",
            "stress",
        )  # fmt: skip
    ):
        on = days[i]
        checkins[pid].append(trends.DailyCheckin(on, pain, worst, float(hours), quality, stress))
        last_activity[pid] = on  # rows come in date order

    sessions: dict[int, list[trends.SessionPain]] = defaultdict(list)
    for pid, i, before, after in raw_rows(
        Session.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("local_date", "started_at")
        .values_list("patient_id", DayNumber("local_date", start), "pain_before", "pain_after")
    ):
        on = days[i]
        sessions[pid].append(trends.SessionPain(on, before, after))
        last_activity[pid] = max(on, last_activity.get(pid, on))

    adherence: dict[int, list[trends.AdherenceDay]] = {}
    for pid in ids:
        stop = (adherence_until or {}).get(pid, end)
        adherence[pid] = [
            trends.AdherenceDay(d, due_today, done_today)
            for d, due_today, done_today in zip(days, due[pid], done[pid], strict=True)
            if due_today > 0 and d <= stop
        ]

    # Anyone active in the window was last active there; only the others need their
    # whole history asked for its last date.
    quiet = [pid for pid in ids if pid not in last_activity]
    for model in (DailyCheckin, Session) if quiet else ():
        for row in (
            model.objects.filter(patient_id__in=quiet, local_date__lte=end)
            .values("patient_id")
            .annotate(last=Max("local_date"))
        ):
            pid, last = row["patient_id"], row["last"]
            last_activity[pid] = max(last, last_activity.get(pid, last))

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
