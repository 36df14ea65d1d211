"""Reminders: at most one per patient per local day, whatever happens."""

from __future__ import annotations

import smtplib
from collections import Counter
from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.core import mail

from tests.concurrency import at_once
from tests.conftest import CHECKIN, make_patient
from tests.support import FlakySMTPBackend
from tracker.models import Notification, PatientProfile
from tracker.services.logbook import CheckinValues, checkin_record
from tracker.services.reminders import reminder_send, reminders_claim_due
from tracker.services.scheduling import local_moment, patient_schedule_refresh
from tracker.tasks import send_reminder

FLAKY = {"default": {"BACKEND": "tests.support.FlakySMTPBackend"}}


def due_patients(clinic, therapist, n, tz="Europe/London"):
    patients = [make_patient(f"p{i}@patient.test", clinic, therapist, tz) for i in range(n)]
    now = datetime.now(UTC)
    PatientProfile.objects.filter(pk__in=[p.pk for p in patients]).update(
        next_reminder_at=now - timedelta(minutes=1)
    )
    return patients


@pytest.mark.django_db
def test_it_sends_a_reminder_without_health_data(pat):
    checkin_record(
        patient=pat,
        local_date=pat.local_today() - timedelta(days=1),
        values=CheckinValues(**CHECKIN),
        allow_past=True,
    )
    reminder_send(patient_id=pat.pk, local_date=pat.local_today())
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [pat.user.email]
    words = (message.subject + message.body + message.alternatives[0][0]).lower()
    for health_word in ("pain", "sleep", "stress", "knee", "flag", "worse"):
        assert health_word not in words, health_word
    text = (message.subject + message.body).replace("127.0.0.1:8000", "")
    assert not any(ch.isdigit() for ch in text)
    row = Notification.objects.get()
    assert row.status == "sent" and row.local_date == pat.local_today()


@pytest.mark.django_db
def test_it_does_not_remind_a_patient_who_already_logged_today(pat):
    checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    reminder_send(patient_id=pat.pk, local_date=pat.local_today())
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_sends_once_when_the_send_task_runs_twice(pat):
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_it_does_not_email_a_patient_who_turned_email_reminders_off(pat):
    pat.remind_by_email = False
    pat.save()
    reminder_send(patient_id=pat.pk, local_date=pat.local_today())
    assert mail.outbox == [] and not Notification.objects.exists()


@pytest.mark.django_db
def test_it_retries_a_transient_smtp_failure_and_sends_once(pat, settings):
    settings.MAILERS = FLAKY
    mail.outbox = []
    FlakySMTPBackend.failures = 2
    FlakySMTPBackend.error = smtplib.SMTPServerDisconnected("gone away")
    # Eager apply runs each retry at once, as a worker would after the backoff.
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    assert len(mail.outbox) == 1
    row = Notification.objects.get()
    assert row.status == "sent" and row.attempts == 3


@pytest.mark.django_db
def test_it_records_a_permanent_failure_without_retrying(pat, settings):
    settings.MAILERS = FLAKY
    mail.outbox = []
    FlakySMTPBackend.failures = 1
    FlakySMTPBackend.error = smtplib.SMTPRecipientsRefused({pat.user.email: (550, b"no such user")})
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    row = Notification.objects.get()
    assert row.status == "failed" and row.attempts == 1 and "refused" in row.last_error
    assert mail.outbox == []
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    assert Notification.objects.get().attempts == 1  # a failed row is final


@pytest.mark.django_db
def test_it_gives_up_after_the_last_retry_and_says_so(pat, settings):
    settings.MAILERS = FLAKY
    FlakySMTPBackend.failures = 100
    FlakySMTPBackend.error = smtplib.SMTPServerDisconnected("down")
    send_reminder.apply(args=(pat.pk, pat.local_today().isoformat()))
    FlakySMTPBackend.failures = 0
    row = Notification.objects.get()
    assert row.status == "failed" and "down" in row.last_error


@pytest.mark.django_db(transaction=True)
@time_machine.travel(datetime(2026, 11, 18, 12, 0, tzinfo=UTC), tick=True)
def test_two_dispatchers_at_once_claim_each_patient_once(alice, clinic):
    # At midday: a reminder due a minute before midnight belongs to a day that is over.
    patients = due_patients(clinic, alice, 30)
    results, errors = at_once(reminders_claim_due, reminders_claim_due)
    assert errors == []
    claimed = [item.patient_id for batch in results for item in batch]
    assert sorted(claimed) == sorted(p.pk for p in patients)
    for item in (i for batch in results for i in batch):
        reminder_send(patient_id=item.patient_id, local_date=item.local_date)
    assert Counter(m.to[0] for m in mail.outbox) == {p.user.email: 1 for p in patients}


@pytest.mark.django_db
def test_a_dispatcher_that_was_down_does_not_send_yesterday_s_reminder_late(pat):
    pat.next_reminder_at = datetime.now(UTC) - timedelta(days=2)
    pat.save()
    assert reminders_claim_due() == []
    pat.refresh_from_db()
    assert pat.next_reminder_at > datetime.now(UTC)


def walk(patient, start: datetime, days: int, step=timedelta(minutes=10)):
    """Run the dispatcher every ``step`` from ``start`` for ``days``, as beat would."""
    patient_schedule_refresh(patient=patient, now=start)
    sent: Counter = Counter()
    now = start
    while now < start + timedelta(days=days):
        for item in reminders_claim_due(now=now):
            sent[item.local_date] += 1
        now += step
    return sent


@pytest.mark.django_db
@pytest.mark.parametrize("at", [time(18, 0), time(2, 30), time(1, 30), time(0, 0)])
def test_it_reminds_exactly_once_every_local_day_across_both_clock_changes(clinic, alice, at):
    denver = make_patient("denver@patient.test", clinic, alice, tz="America/Denver")
    denver.reminder_time = at
    denver.save()
    for start in (datetime(2026, 3, 5, tzinfo=UTC), datetime(2026, 10, 29, tzinfo=UTC)):
        sent = walk(denver, start, days=7)
        first = min(sent)
        expected = {first + timedelta(days=i): 1 for i in range(len(sent))}
        assert dict(sent) == expected
        assert len(sent) >= 6  # no local day skipped


def test_a_local_time_in_the_spring_forward_gap_moves_to_just_after_it():
    from zoneinfo import ZoneInfo

    denver = ZoneInfo("America/Denver")
    moment = local_moment(datetime(2026, 3, 8).date(), time(2, 30), denver)
    assert moment.astimezone(denver).strftime("%H:%M") == "03:30"
    fall = local_moment(datetime(2026, 11, 1).date(), time(1, 30), denver)
    assert fall == datetime(2026, 11, 1, 7, 30, tzinfo=UTC)  # the first 01:30 (MDT)


@pytest.mark.django_db
def test_a_questionnaire_due_is_named_in_the_one_reminder_even_after_logging(pat, pat_program):
    from tests.outcomes import answer_psfs, schedule

    measure = schedule(pat_program, "psfs", every_days=None, at_discharge=False)
    checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    reminder_send(patient_id=pat.pk, local_date=pat.local_today())
    reminder_send(patient_id=pat.pk, local_date=pat.local_today())  # a retried task
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "a few short questions" in message.body
    words = (message.subject + message.body).lower()
    for health_word in ("pain", "knee", "activities", "function", "psfs"):
        assert health_word not in words, health_word

    # Answered: the next day's reminder is the ordinary one, and a logged day gets none.
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [3], due_on=start, occasion="start")
    mail.outbox.clear()
    tomorrow = pat.local_today() + timedelta(days=1)
    with time_machine.travel(datetime.now(UTC) + timedelta(days=1)):
        reminder_send(patient_id=pat.pk, local_date=tomorrow)
    assert len(mail.outbox) == 1 and "questions" not in mail.outbox[0].body
