"""Helpers for the patient's phone tests: history of any length, posts as the phone sends them."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.cache import cache
from django.test import Client

from tracker.models import PatientProfile, Program
from tracker.selectors.plan import kept_plan_key, plan_for_day
from tracker.services.logbook import (
    CheckinValues,
    LogDetails,
    checkin_record,
    exercise_log_record,
    session_finish,
    session_start,
)
from tracker.services.prescribing import plan_revision_bump

HTMX = {"HTTP_HX_REQUEST": "true"}


def fill_history(patient: PatientProfile, days: int, *, end: date | None = None) -> None:
    """A check-in and a finished session with every due exercise, for each of ``days`` days
    before ``end`` (default: the patient's today)."""
    end = end or patient.local_today()
    for offset in range(days, 0, -1):
        day = end - timedelta(days=offset)
        checkin_record(
            patient=patient,
            local_date=day,
            values=CheckinValues(
                pain=3, worst_pain=4, sleep_hours=Decimal("7"), sleep_quality=6, stress=4
            ),
            allow_past=True,
        )
        session = session_start(
            patient=patient,
            client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{patient.pk}:{day}"),
            pain_before=3,
            local_date=day,
        )
        for item in plan_for_day(patient, day):
            exercise_log_record(
                session=session,
                prescribed=item.prescribed,
                occurrence=item.occurrence,
                status="done",
                details=LogDetails(pain_during=2),
            )
        session_finish(session=session, pain_after=2)


def backdate(program: Program, days: int) -> None:
    """Move a program's start (and its prescriptions') back so history can be that long."""
    start = program.start_date - timedelta(days=days)
    Program.objects.filter(pk=program.pk).update(start_date=start)
    program.prescriptions.update(valid_from=start)
    plan_revision_bump(patients=[program.patient_id])  # as the services do for their writes


def forget_kept_plan(patient: PatientProfile) -> None:
    """Drop the patient's kept plan for today, so the next page reads it afresh (the most
    a page costs). The session and everything else in the cache stay."""
    patient.refresh_from_db(fields=["plan_revision"])
    cache.delete(kept_plan_key(patient, patient.local_today()))


def post(client: Client, url: str, data: dict[str, Any], *, htmx: bool = True) -> Any:
    return client.post(url, data, **(HTMX if htmx else {}))


def checkin_data(day: date, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "local_date": day.isoformat(),
        "pain": 3,
        "worst_pain": 5,
        "sleep_hours": "7.5",
        "sleep_quality": 6,
        "stress": 4,
        "note": "",
    }
    data.update(overrides)
    return data
