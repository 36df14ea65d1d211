"""A check-in asks for an evaluation; a broker outage delays it but loses nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from celery import current_app
from kombu import pools

from tests.conftest import CHECKIN
from tracker.models import DailyCheckin, PatientProfile
from tracker.services.evaluation import EVALUATE_PATIENT_TASK, patient_logged
from tracker.services.flags import evaluations_claim_due, trends_evaluate_patients
from tracker.services.logbook import CheckinValues, checkin_record
from tracker.services.reminders import reminders_schedule_missing

pytestmark = pytest.mark.django_db


def drop_broker_connections() -> None:
    """Forget pooled connections so the next publish connects to the configured broker."""
    pools.reset()  # kombu's process-wide producer pools, keyed by broker
    current_app._pool = None
    current_app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Point the app at a port where no broker listens, as when Redis is down."""
    conf = current_app.conf
    saved = conf.broker_url, conf.broker_transport_options
    drop_broker_connections()
    conf.broker_url = "redis://127.0.0.1:9/0"
    conf.broker_transport_options = {"max_retries": 0}
    try:
        yield
    finally:
        drop_broker_connections()
        conf.broker_url, conf.broker_transport_options = saved


def test_a_check_in_marks_the_patient_due_for_evaluation(pat, django_capture_on_commit_callbacks):
    pat.next_evaluation_at = datetime.now(UTC) + timedelta(hours=10)
    pat.save()
    with django_capture_on_commit_callbacks() as callbacks:
        checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    assert len(callbacks) == 1
    pat.refresh_from_db()
    assert pat.next_evaluation_at <= datetime.now(UTC)


def test_with_the_broker_down_the_check_in_is_saved_and_evaluated_once_it_is_back(
    pat, broker_down, django_capture_on_commit_callbacks
):
    pat.next_evaluation_at = datetime.now(UTC) + timedelta(hours=10)
    pat.save()
    with django_capture_on_commit_callbacks(execute=True):
        checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    assert DailyCheckin.objects.filter(patient=pat).count() == 1

    # The broker is back: the dispatcher finds the patient due from the database.
    due = evaluations_claim_due()
    assert due == [pat.pk]
    trends_evaluate_patients(patient_ids=due)
    pat.refresh_from_db()
    assert pat.next_evaluation_at > datetime.now(UTC)
    assert evaluations_claim_due() == []


def test_patient_logged_survives_an_enqueue_failure(
    pat, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        patient_logged(patient=pat)
    assert PatientProfile.objects.get(pk=pat.pk).next_evaluation_at <= datetime.now(UTC)


def test_a_check_in_asks_the_worker_to_evaluate_once_committed(
    pat, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(
        current_app, "send_task", lambda name, args, **options: sent.append((name, args, options))
    )
    with django_capture_on_commit_callbacks(execute=True):
        checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
        assert sent == []
    # One publish without kombu's retries: a request never waits on a down broker.
    assert sent == [(EVALUATE_PATIENT_TASK, (pat.pk,), {"retry": False})]


def test_the_task_asked_for_is_the_one_the_worker_runs():
    from tracker.tasks import evaluate_patient_now

    assert current_app.tasks[EVALUATE_PATIENT_TASK] == evaluate_patient_now


def test_a_new_patient_given_a_reminder_time_is_evaluated_at_the_next_dispatch(pat):
    """The reminder dispatcher schedules new and imported patients; a demo or an imported
    caseload with weeks of history must not wait for the nightly pass to show its flags,
    whichever of the two dispatchers beat runs first."""
    assert reminders_schedule_missing() == 1
    pat.refresh_from_db()
    assert pat.next_reminder_at is not None
    assert evaluations_claim_due() == [pat.pk]
