"""Celery tasks: thin wrappers that take ids, call a service, and are enqueued on commit.

Every task is idempotent, because late acknowledgement means a task may run again after a
worker dies; the services behind them make a second run a no-op.
"""

from __future__ import annotations

import logging
from datetime import date

from celery import shared_task

from tracker.notify import TransientError
from tracker.services import reminders
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
