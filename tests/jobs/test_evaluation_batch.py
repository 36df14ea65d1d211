"""The nightly evaluation writes a batch together, and nothing when nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_patient
from tests.workspace import bulk_history, exercise, give_program
from tracker.models import DailyCheckin, Flag
from tracker.services.flags import trends_evaluate_patients

pytestmark = pytest.mark.django_db


@pytest.fixture
def worsening(clinic, alice):
    """Four patients whose pain went from 2 to 7 over the last week."""
    exercise("glute-bridge")
    patients = []
    for n in range(4):
        patient = make_patient(f"worse{n}@patient.test", clinic, alice)
        give_program(patient, alice, patient.local_today() - timedelta(days=60))
        bulk_history(patient, 7, pain=7)
        bulk_history(patient, 45, pain=2)
        patients.append(patient)
    return patients


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_second_evaluation_the_same_day_writes_nothing(worsening):
    ids = [p.pk for p in worsening]
    opened = trends_evaluate_patients(patient_ids=ids)
    assert {c.kind for c in opened} >= {"pain_rising"}
    assert Flag.objects.filter(patient_id__in=ids, kind="pain_rising").count() == 4
    with CaptureQueriesContext(connection) as again:
        assert trends_evaluate_patients(patient_ids=ids) == []
    assert writes(again) == []


def test_new_numbers_on_open_flags_are_written_in_one_statement(worsening):
    for size in (2, 4):
        ids = [p.pk for p in worsening[:size]]
        trends_evaluate_patients(patient_ids=ids)
        # Yesterday hurt a little more for everyone: each open flag's numbers change.
        DailyCheckin.objects.filter(patient_id__in=ids, pain=7).update(pain=8)
        with CaptureQueriesContext(connection) as refresh:
            trends_evaluate_patients(patient_ids=ids)
        flag_updates = [sql for sql in writes(refresh) if sql.startswith('UPDATE "tracker_flag"')]
        assert len(flag_updates) == 1, size
        summaries = Flag.objects.filter(patient_id__in=ids, kind="pain_rising")
        assert all("8" in flag.summary for flag in summaries)
        DailyCheckin.objects.filter(patient_id__in=ids, pain=8).update(pain=7)
