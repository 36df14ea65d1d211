"""Owed notifications: what is decided is recorded first, and nothing is lost when a task is."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from celery import current_app
from django.core import mail
from django.db import OperationalError
from django.urls import reverse

from tests.conftest import CHECKIN, make_patient
from tests.jobs.test_evaluation_triggers import broker_down  # noqa: F401  (a fixture)
from tests.jobs.test_reminders import due_patients
from tests.jobs.test_therapist_alerts import T, finding
from tests.phone import checkin_data, post
from tests.workspace import bulk_history, exercise, give_program
from tracker import tasks
from tracker.models import DailyCheckin, Flag, FlagEvent, Notification, PatientProfile
from tracker.services import flags, reminders
from tracker.services.flags import evaluations_claim_due, flags_apply
from tracker.services.logbook import CheckinValues, checkin_record
from tracker.services.reminders import reminder_send, reminders_claim_due
from tracker.services.therapist_alerts import digests_claim_due

pytestmark = pytest.mark.django_db

# 18:00 in London in November (UTC+0): a patient's reminder time on an ordinary evening.
EVENING = datetime(2026, 11, 18, 18, 0, 30, tzinfo=UTC)


@pytest.fixture
def worker(monkeypatch):
    """Wake-ups are run at once, as a worker takes them from the broker; records each."""
    woken: list[tuple[str, tuple]] = []

    def run(task, *args):
        woken.append((task.name.rsplit(".", 1)[-1], args))
        task.apply(args=args)
        return True

    monkeypatch.setattr(tasks, "wake", run)
    return woken


def sweep(at: datetime) -> None:
    with time_machine.travel(at, tick=False):
        tasks.sweep_owed_notifications.apply()


def reminded() -> Counter:
    return Counter(m.to[0] for m in mail.outbox)


def test_the_claim_records_each_due_reminder_as_owed(clinic, alice):
    with time_machine.travel(EVENING, tick=False):
        patients = due_patients(clinic, alice, 3)
        due = reminders_claim_due()
    assert sorted(d.patient_id for d in due) == sorted(p.pk for p in patients)
    rows = Notification.objects.filter(kind="reminder")
    assert sorted((r.patient_id, r.status, r.claimed_at, r.attempts) for r in rows) == sorted(
        (p.pk, "pending", None, 0) for p in patients
    )


def test_a_claim_that_cannot_record_what_it_owes_reminds_nobody(clinic, alice, monkeypatch):
    def fails(rows):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(reminders, "notifications_owe", fails)
    with time_machine.travel(EVENING, tick=False):
        patients = due_patients(clinic, alice, 2)
        with pytest.raises(OperationalError):
            reminders_claim_due()
        still_due = PatientProfile.objects.filter(
            pk__in=[p.pk for p in patients], next_reminder_at__lte=datetime.now(UTC)
        )
        assert still_due.count() == 2
    assert not Notification.objects.exists()


def test_the_dispatcher_wakes_each_sender_only_after_its_claim_commits(
    clinic, alice, worker, django_capture_on_commit_callbacks
):
    with time_machine.travel(EVENING, tick=False):
        patients = due_patients(clinic, alice, 2)
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            assert tasks.dispatch_due_reminders.apply().get() == 2
    assert len(callbacks) == 2
    assert reminded() == {p.user.email: 1 for p in patients}
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}


def test_a_dispatcher_that_dies_before_waking_the_senders_loses_nothing(clinic, alice, worker):
    with time_machine.travel(EVENING, tick=False):
        patients = due_patients(clinic, alice, 3)
        reminders_claim_due()  # committed; the process dies before any wake-up is sent
    sweep(EVENING + timedelta(minutes=1))
    assert worker == []  # not yet: its own wake-up may still be on the way
    sweep(EVENING + timedelta(minutes=3))
    assert reminded() == {p.user.email: 1 for p in patients}
    sweep(EVENING + timedelta(minutes=5))
    assert reminded() == {p.user.email: 1 for p in patients}
    assert len(worker) == 3


def test_a_send_whose_worker_was_killed_is_taken_over_once_its_lease_runs_out(pat, worker):
    with time_machine.travel(EVENING, tick=False):
        reminder_send(patient_id=pat.pk, local_date=pat.local_today())
    mail.outbox.clear()
    # The worker claimed the row again and was killed before it could send.
    Notification.objects.update(status="pending", claimed_at=EVENING, sent_at=None)
    with time_machine.travel(EVENING + timedelta(minutes=1), tick=False):
        reminder_send(patient_id=pat.pk, local_date=pat.local_today())  # a late duplicate
    assert mail.outbox == []
    sweep(EVENING + timedelta(minutes=4))
    assert worker == [] and mail.outbox == []
    sweep(EVENING + timedelta(minutes=5, seconds=30))
    assert reminded() == {pat.user.email: 1}
    row = Notification.objects.get()
    assert row.status == "sent" and row.attempts == 2


def test_a_task_redelivered_after_the_send_does_nothing(pat):
    day = pat.local_today()
    tasks.send_reminder.apply(args=(pat.pk, day.isoformat()))
    tasks.send_reminder.apply(args=(pat.pk, day.isoformat()))  # the broker's late redelivery
    assert reminded() == {pat.user.email: 1}
    assert Notification.objects.get().attempts == 1


def test_a_reminder_held_up_into_the_night_is_skipped_not_sent(clinic, alice, worker):
    with time_machine.travel(datetime(2026, 11, 18, 21, 29, tzinfo=UTC), tick=False):
        [patient] = due_patients(clinic, alice, 1)
        PatientProfile.objects.filter(pk=patient.pk).update(reminder_time=time(21, 29))
        reminders_claim_due()
    # The task comes back with the broker's redelivery an hour later, at 22:29.
    with time_machine.travel(datetime(2026, 11, 18, 22, 29, tzinfo=UTC), tick=False):
        tasks.send_reminder.apply(args=(patient.pk, "2026-11-18"))
    row = Notification.objects.get()
    assert (row.status, row.last_error) == ("skipped", "too late")
    assert mail.outbox == []


def test_the_sweeper_skips_what_is_too_late_and_sends_what_is_not(clinic, alice, worker):
    with time_machine.travel(datetime(2026, 11, 18, 20, 50, tzinfo=UTC), tick=False):
        late, early = due_patients(clinic, alice, 2)
        reminders_claim_due()
    # 21:25: past 21:00 and owed more than half an hour ago, so it is no longer sent.
    Notification.objects.filter(patient=early).update(
        created_at=datetime(2026, 11, 18, 21, 0, tzinfo=UTC)
    )
    sweep(datetime(2026, 11, 18, 21, 25, tzinfo=UTC))
    rows = {r.patient_id: r for r in Notification.objects.all()}
    assert (rows[late.pk].status, rows[late.pk].last_error) == ("skipped", "too late")
    assert rows[early.pk].status == "sent"
    assert reminded() == {early.user.email: 1}


def test_an_owed_reminder_of_a_patient_who_logged_is_skipped(pat, worker):
    with time_machine.travel(EVENING, tick=False):
        PatientProfile.objects.filter(pk=pat.pk).update(next_reminder_at=EVENING)
        reminders_claim_due()
        checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    sweep(EVENING + timedelta(minutes=3))
    row = Notification.objects.get()
    assert (row.status, row.last_error) == ("skipped", "logged")
    assert mail.outbox == []


def test_a_database_error_while_sending_is_retried_and_sends_once(pat, monkeypatch):
    calls = []
    send = reminders.reminder_send

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("terminating connection due to administrator command")
        return send(**kwargs)

    monkeypatch.setattr(reminders, "reminder_send", flaky)
    tasks.send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    assert len(calls) == 2
    assert reminded() == {pat.user.email: 1}
    assert Notification.objects.get().status == "sent"


def test_a_failed_evaluation_is_due_again_at_once_not_tonight(pat, monkeypatch):
    def fails(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(flags, "trends_evaluate_patients", fails)
    PatientProfile.objects.filter(pk=pat.pk).update(
        next_evaluation_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    tasks.evaluate_patient_now.apply(args=(pat.pk,))  # every retry fails too
    pat.refresh_from_db()
    assert pat.next_evaluation_at <= datetime.now(UTC)
    assert evaluations_claim_due() == [pat.pk]


def test_an_evaluation_that_hits_a_database_error_is_retried(pat, monkeypatch):
    calls = []
    evaluate = flags.trends_evaluate_patients

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return evaluate(**kwargs)

    monkeypatch.setattr(flags, "trends_evaluate_patients", flaky)
    PatientProfile.objects.filter(pk=pat.pk).update(
        next_evaluation_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    tasks.evaluate_patient_now.apply(args=(pat.pk,))
    assert len(calls) == 2
    pat.refresh_from_db()
    assert pat.next_evaluation_at > datetime.now(UTC)


def test_a_high_flag_s_alert_is_owed_with_the_flag_and_swept_if_its_task_is_lost(
    clinic, alice, worker, monkeypatch
):
    exercise("glute-bridge")
    patient = make_patient("worse@patient.test", clinic, alice)
    give_program(patient, alice, patient.local_today() - timedelta(days=60))
    bulk_history(patient, 7, pain=7)
    bulk_history(patient, 45, pain=2)
    # The week's sessions end at pain 8: a red light, which has a flag (and an alert) of its
    # own. This test follows the pain-rising alert.
    Flag.objects.filter(patient=patient).delete()
    patient.clinic.flag_thresholds = {"red_light_flag": False}
    patient.clinic.save(update_fields=["flag_thresholds"])
    lost = []
    monkeypatch.setattr(tasks, "wake", lambda task, *args: lost.append(args) or False)
    tasks.evaluate_patients.apply(args=([patient.pk],))
    [row] = Notification.objects.filter(kind="flag_alert")
    assert (row.status, row.recipient_id, row.patient_id) == ("pending", alice.pk, patient.pk)
    assert len(lost) == 1 and mail.outbox == []
    monkeypatch.undo()
    monkeypatch.setattr(tasks, "wake", lambda task, *args: bool(task.apply(args=args)))
    sweep(datetime.now(UTC) + timedelta(minutes=3))
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(kind="flag_alert").status == "sent"


@pytest.mark.usefixtures("broker_down")
def test_a_check_in_with_the_broker_down_is_saved_and_publishes_once_without_retrying(
    as_pat, pat, monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []
    send_task = current_app.send_task

    def spy(name, args=None, **options):
        attempts.append(options)
        return send_task(name, args=args, **options)

    monkeypatch.setattr(current_app, "send_task", spy)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(as_pat, reverse("patient-checkin"), checkin_data(pat.local_today()))
    assert response.status_code == 200
    assert DailyCheckin.objects.filter(patient=pat).count() == 1
    assert attempts == [{"retry": False}]
    pat.refresh_from_db()
    assert pat.next_evaluation_at <= datetime.now(UTC)  # the dispatcher's to pick up


def test_a_due_digest_is_owed_with_its_claim_and_swept_if_its_task_is_lost(pat, alice, worker):
    alice.timezone = "America/Denver"
    alice.save()
    digests_claim_due(now=datetime(2026, 10, 5, 12, 0, tzinfo=UTC))  # schedules 07:00 local
    flags_apply(patient=pat, as_of=date(2026, 10, 4), findings=[finding()], thresholds=T)
    FlagEvent.objects.update(at=datetime(2026, 10, 5, 2, 0, tzinfo=UTC))
    with time_machine.travel(datetime(2026, 10, 5, 13, 1, tzinfo=UTC), tick=False):
        digests_claim_due()  # committed; the wake-up is lost
    row = Notification.objects.get(kind="digest")
    assert (row.status, row.recipient_id, row.local_date) == (
        "pending",
        alice.pk,
        date(2026, 10, 5),
    )
    sweep(datetime(2026, 10, 5, 13, 4, tzinfo=UTC))
    assert [m.to for m in mail.outbox] == [[alice.email]]
    assert Notification.objects.get(kind="digest").status == "sent"
