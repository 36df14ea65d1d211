"""Celery tasks: thin wrappers that take ids, call a service, and are enqueued on commit.

Every task is idempotent, because late acknowledgement means a task may run again after a
worker dies; the services behind them make a second run a no-op.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from tracker.notify import TransientError
from tracker.services import flags, reminders, therapist_alerts
from tracker.services.evaluation import EVALUATE_PATIENT_TASK
from tracker.services.notifications import notification_give_up
from tracker.services.operations import heartbeat_record

log = logging.getLogger(__name__)

SEND_RETRIES = 5


@shared_task(ignore_result=True)
def heartbeat() -> None:
    """Beat sends this every minute; the worker running it proves both are alive."""
    heartbeat_record(name="scheduler")


@shared_task(ignore_result=True)
def dispatch_due_reminders() -> int:
    """Claim the patients whose reminder time has come and send each one short task."""
    reminders.reminders_schedule_missing()
    due = reminders.reminders_claim_due()
    for item in due:
        send_reminder.delay(item.patient_id, item.local_date.isoformat())
    return len(due)


@shared_task(bind=True, ignore_result=True, max_retries=SEND_RETRIES)
def send_reminder(self, patient_id: int, local_date: str) -> None:  # type: ignore[no-untyped-def]
    try:
        reminders.reminder_send(patient_id=patient_id, local_date=date.fromisoformat(local_date))
    except TransientError as exc:
        if self.request.retries >= SEND_RETRIES:
            reminders.reminder_give_up(
                patient_id=patient_id, local_date=date.fromisoformat(local_date), error=str(exc)
            )
            return
        # Short, growing pauses: 30 s, 1, 2, 4, 8 minutes — well inside the broker's
        # visibility timeout, so a waiting retry is never redelivered as a duplicate.
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(ignore_result=True)
def dispatch_due_evaluations() -> int:
    """Claim the patients due for evaluation and spread them over workers in batches."""
    due = flags.evaluations_claim_due()
    for start in range(0, len(due), flags.EVALUATION_BATCH):
        evaluate_patients.delay(due[start : start + flags.EVALUATION_BATCH])
    return len(due)


@shared_task(ignore_result=True)
def evaluate_patients(patient_ids: list[int]) -> None:
    changes = flags.trends_evaluate_patients(patient_ids=patient_ids)
    for event_id in therapist_alerts.alerts_due(changes):
        send_flag_alert.delay(event_id)


@shared_task(name=EVALUATE_PATIENT_TASK, ignore_result=True)
def evaluate_patient_now(patient_id: int) -> None:
    """After a patient logs: evaluate unless a dispatcher already took the evaluation."""
    if flags.evaluation_claim_one(patient_id=patient_id):
        evaluate_patients(patient_ids=[patient_id])


@shared_task(bind=True, ignore_result=True, max_retries=SEND_RETRIES)
def send_flag_alert(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        therapist_alerts.flag_alert_send(event_id=event_id)
    except TransientError as exc:
        if self.request.retries >= SEND_RETRIES:
            notification_give_up(key=f"flag-alert:{event_id}", error=str(exc))
            return
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(ignore_result=True)
def dispatch_due_digests() -> int:
    due = therapist_alerts.digests_claim_due()
    for item in due:
        send_digest.delay(item.therapist_id, item.local_date.isoformat())
    return len(due)


@shared_task(bind=True, ignore_result=True, max_retries=SEND_RETRIES)
def send_digest(self, therapist_id: int, local_date: str) -> None:  # type: ignore[no-untyped-def]
    day = date.fromisoformat(local_date)
    try:
        therapist_alerts.digest_send(therapist_id=therapist_id, local_date=day)
    except TransientError as exc:
        if self.request.retries >= SEND_RETRIES:
            notification_give_up(key=f"digest:{therapist_id}:{local_date}", error=str(exc))
            return
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
