"""Feeding the pure trend rules: each patient's recent history as a ``PatientWindow``.

A batch of patients costs a fixed number of queries (check-ins, sessions, adherence, last
activity of those quiet in the lookback, programs), whatever the batch size or the length
of their histories, and only the lookback the rules need is read. Check-ins and sessions
are read as plain values in (patient, day) order and reach the rules as columns.
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable
from datetime import date
from itertools import compress
from typing import Any

from django.db.models import FloatField, Max, Min
from django.db.models.functions import Cast

from tracker import trends
from tracker.models import (
    Clinic,
    DailyCheckin,
    Program,
    Questionnaire,
    QuestionnaireResponse,
    Session,
)
from tracker.selectors.adherence import adherence_series


def clinic_thresholds(clinic: Clinic) -> trends.Thresholds:
    """The clinic's tuned thresholds; a bad override keeps its default, the others apply
    (``Clinic.flag_threshold_notices`` names the bad ones for the clinic's admins)."""
    return thresholds_from_overrides(clinic.flag_thresholds, red_from=clinic.traffic_red_from)


def thresholds_from_overrides(
    overrides: dict[str, Any] | None, *, red_from: int | None = None
) -> trends.Thresholds:
    """Thresholds from a clinic's stored overrides, read without the clinic itself: every
    valid override applies, a bad one keeps its default. ``red_from`` is the clinic's red
    cut-off of the traffic light: the red-light flag uses the patient's own red."""
    thresholds = trends.decode_overrides(overrides).thresholds
    if red_from is None:
        return thresholds
    return dataclasses.replace(thresholds, red_light_from=red_from)


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
    checkins = _checkin_columns(ids, start, end)
    sessions = _session_columns(ids, start, end)
    last_activity: dict[int, date] = {}
    for pid in ids:
        last = [c.dates[-1] for c in (checkins[pid], sessions[pid]) if c.dates]
        if last:
            last_activity[pid] = max(last)

    adherence: dict[int, trends.AdherenceColumns] = {}
    for pid in ids:
        # The days up to the patient's stop on which something was due.
        n = max(0, ((adherence_until or {}).get(pid, end) - start).days + 1)
        dues = due[pid][:n]
        adherence[pid] = trends.AdherenceColumns(
            list(compress(days, dues)), list(compress(dues, dues)), list(compress(done[pid], dues))
        )

    # Anyone active in the window was last active there; only the others need their
    # whole history asked for its last date.
    quiet = [pid for pid in ids if pid not in last_activity]
    for model in (DailyCheckin, Session) if quiet else ():
        for pid, last in (
            model.objects.filter(patient_id__in=quiet, local_date__lte=end)
            .order_by()
            .values("patient_id")
            .annotate(last=Max("local_date"))
            .values_list("patient_id", "last")
        ):
            last_activity[pid] = max(last, last_activity.get(pid, last))

    program_start = dict(
        Program.objects.filter(patient_id__in=ids)
        .exclude(status=Program.Status.PAUSED)
        .order_by()
        .values("patient_id")
        .annotate(first=Min("start_date"))
        .values_list("patient_id", "first")
    )
    scores = function_scores(ids, end)
    return {
        pid: trends.PatientWindow(
            as_of=end,
            checkins=checkins[pid],
            sessions=sessions[pid],
            adherence=adherence[pid],
            last_activity=last_activity.get(pid),
            program_start=program_start.get(pid),
            function_scores=scores.get(pid, ()),
        )
        for pid in ids
    }


def function_scores(ids: list[int], end: date) -> dict[int, list[trends.FunctionScore]]:
    """Each patient's outcome scores up to ``end``, their whole history (the baseline may be
    months old, and there are a few a month): one query, and one for the definitions they
    were answered on."""
    rows = list(
        QuestionnaireResponse.objects.filter(
            patient_id__in=ids, local_date__lte=end, primary_score__isnull=False
        )
        .order_by("patient_id", "local_date", "id")
        .values_list("patient_id", "local_date", "questionnaire_id", "primary_score")
    )
    if not rows:
        return {}
    versions = Questionnaire.objects.in_bulk({qid for _p, _d, qid, _s in rows})
    judged: dict[int, tuple[str, str, float | None, bool] | None] = {}
    for qid, questionnaire in versions.items():
        spec = questionnaire.spec
        _mdc, mic, higher = spec.thresholds(spec.primary)
        if questionnaire.slug == "psfs":
            judged[qid] = (questionnaire.slug, questionnaire.title, None, higher)
        elif mic is not None:
            judged[qid] = (questionnaire.slug, questionnaire.title, mic, higher)
        else:
            judged[qid] = None  # no minimal important change: nothing to judge it by
    found: dict[int, list[trends.FunctionScore]] = {}
    for pid, day, qid, value in rows:
        about = judged[qid]
        if about is not None:
            slug, title, worse_by, higher = about
            found.setdefault(pid, []).append(
                trends.FunctionScore(day, slug, title, value, worse_by, higher)
            )
    return found


def _checkin_columns(ids: list[int], start: date, end: date) -> dict[int, trends.CheckinColumns]:
    """Each patient's check-ins from ``start`` to ``end`` as columns, in date order (one
    check-in per patient and day: the database holds them to it)."""
    rows = (
        DailyCheckin.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("patient_id", "local_date")
        .values_list(
            "patient_id",
            "local_date",
            "pain",
            "worst_pain",
            # The rules take hours as numbers: half hours are exact as floats, and the
            # database converts them faster than a Decimal is built for each row.
            Cast("sleep_hours", FloatField()),
            "sleep_quality",
            "stress",
        )
    )
    return _per_patient(ids, trends.CheckinColumns, rows)


def _session_columns(ids: list[int], start: date, end: date) -> dict[int, trends.SessionColumns]:
    """Each patient's sessions from ``start`` to ``end`` as columns, in date order and, on
    a day with two, in the order they were started."""
    rows = (
        Session.objects.filter(patient_id__in=ids, local_date__gte=start, local_date__lte=end)
        .order_by("patient_id", "local_date", "started_at")
        .values_list("patient_id", "local_date", "pain_before", "pain_after")
    )
    return _per_patient(ids, trends.SessionColumns, rows)


def _per_patient[C: trends.DatedColumns[Any]](
    ids: list[int], kind: type[C], rows: Iterable[tuple[Any, ...]]
) -> dict[int, C]:
    """Rows of (patient, date, *fields), ordered by patient and date, as columns per patient.

    Slices of the batch's columns, so no per-row work runs in Python: tens of thousands of
    rows a batch, built one by one, were a fifth of the evaluation.
    """
    table = list(rows)
    if not table:
        return {pid: kind.empty() for pid in ids}
    patients, *columns = zip(*table, strict=True)
    by_patient: dict[int, C] = {}
    for pid in ids:
        low = bisect.bisect_left(patients, pid)
        span = slice(low, bisect.bisect_right(patients, pid, low))
        by_patient[pid] = kind(*(list(column[span]) for column in columns))
    return by_patient
