"""Celery tasks: thin wrappers that take ids, call a service, and are enqueued on commit.

Every task is idempotent, because late acknowledgement means a task may run again after a
worker dies; the services behind them make a second run a no-op. What must happen is
recorded in the database before any task is queued (a due time, an owed notification row),
so a task is only a wake-up: when one is lost, the dispatchers and the sweeper find the
record and queue it again.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial
from typing import Any

import kombu.exceptions
from celery import Task, shared_task
from django.db import InterfaceError, OperationalError, transaction

from tracker.notify import TransientError
from tracker.services import flags, reminders, therapist_alerts
from tracker.services.evaluation import EVALUATE_PATIENT_TASK
from tracker.services.import_staging import import_stagings_expired_delete
from tracker.services.notifications import notification_give_up
from tracker.services.operations import heartbeat_record
from tracker.services.outbox import outbox_sweep

log = logging.getLogger(__name__)

SEND_RETRIES = 5

# Passing infrastructure failures: the database restarted or dropped the connection, the
# broker was briefly out of reach. The task runs again after a growing pause (15 s, 30 s, 1,
# 2, 4 minutes: under the broker's 15-minute visibility timeout); it is idempotent, so a run
# that got halfway does no harm.
INFRASTRUCTURE_ERRORS = (
    OperationalError,
    InterfaceError,
    kombu.exceptions.OperationalError,
    ConnectionError,
    TimeoutError,
)
RETRY_ON_INFRASTRUCTURE: dict[str, Any] = {
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "retry_backoff": 15,
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": SEND_RETRIES,
}


def wake(task: Task, *args: Any) -> bool:
    """Queue ``task`` once, without kombu's publish retries; False if the broker refused.

    The owed row or due time is already committed, so a failed publish loses nothing: the
    sweeper or the next dispatcher queues it again once the broker is back.
    """
    try:
        task.apply_async(args=args, retry=False)
    except Exception:  # any broker error: kombu's OperationalError, a refused connection, …
        log.warning("broker unavailable; %s%r is left to the sweeper", task.name, args)
        return False
    return True


def wake_on_commit(task: Task, *args: Any) -> None:
    transaction.on_commit(partial(wake, task, *args))


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def heartbeat() -> None:
    """Beat sends this every minute; the worker running it proves both are alive."""
    heartbeat_record(name="scheduler")


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def dispatch_due_reminders() -> int:
    """Claim the patients whose reminder time has come and wake one short task for each.

    The claim writes the owed reminder rows; the wake-ups go out only once it has committed.
    """
    reminders.reminders_schedule_missing()
    with transaction.atomic():
        due = reminders.reminders_claim_due()
        for item in due:
            wake_on_commit(send_reminder, item.patient_id, item.local_date.isoformat())
    return len(due)


@shared_task(bind=True, ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
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


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def sweep_owed_notifications() -> int:
    """Every minute: wake the sends of owed notifications whose task was lost."""
    tasks: dict[str, Task] = {
        "reminder": send_reminder,
        "flag_alert": send_flag_alert,
        "digest": send_digest,
    }
    woken = outbox_sweep()
    for item in woken:
        wake(tasks[item.kind], *item.args)
    if woken:
        log.info("sweeper woke %d owed send(s)", len(woken))
    return len(woken)


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def delete_expired_import_stagings() -> int:
    """Every ten minutes: drop checked import files that waited too long for "Import now"."""
    return import_stagings_expired_delete()


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def dispatch_due_evaluations() -> int:
    """Claim the patients due for evaluation and spread them over workers in batches."""
    due = flags.evaluations_claim_due()
    for start in range(0, len(due), flags.EVALUATION_BATCH):
        if not wake(evaluate_patients, due[start : start + flags.EVALUATION_BATCH]):
            flags.evaluations_release(patient_ids=due[start:])
            break
    return len(due)


def _evaluate(patient_ids: list[int]) -> None:
    """Evaluate, and when the database or broker fails make the patients due again before
    the error goes on to the retry: a failed evaluation must not wait for the nightly pass its
    claim moved it to. (A bug is not released: it would fail again every minute.)"""
    try:
        changes = flags.trends_evaluate_patients(patient_ids=patient_ids, owe_alerts=True)
    except INFRASTRUCTURE_ERRORS:
        try:
            flags.evaluations_release(patient_ids=patient_ids)
        except INFRASTRUCTURE_ERRORS:
            log.warning("could not release evaluations of %s; the retry runs them", patient_ids)
        raise
    # The alerts are owed rows already, committed with the flags; this only wakes a sender.
    for event_id in therapist_alerts.alerts_due(changes):
        wake(send_flag_alert, event_id)


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def evaluate_patients(patient_ids: list[int]) -> None:
    _evaluate(patient_ids)


@shared_task(bind=True, name=EVALUATE_PATIENT_TASK, ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def evaluate_patient_now(self, patient_id: int) -> None:  # type: ignore[no-untyped-def]
    """After a patient logs: evaluate unless a dispatcher already took the evaluation.

    A retry evaluates whatever the claim says: the first try took the claim (or released
    it), and evaluating a patient twice changes nothing.
    """
    if flags.evaluation_claim_one(patient_id=patient_id) or self.request.retries:
        _evaluate([patient_id])


@shared_task(bind=True, ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def send_flag_alert(self, event_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        therapist_alerts.flag_alert_send(event_id=event_id)
    except TransientError as exc:
        if self.request.retries >= SEND_RETRIES:
            notification_give_up(key=flags.flag_alert_key(event_id), error=str(exc))
            return
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def dispatch_due_digests() -> int:
    """Claim the therapists whose digest is due (writing it as owed) and wake its sender."""
    with transaction.atomic():
        due = therapist_alerts.digests_claim_due()
        for item in due:
            wake_on_commit(send_digest, item.therapist_id, item.local_date.isoformat())
    return len(due)


@shared_task(bind=True, ignore_result=True, **RETRY_ON_INFRASTRUCTURE)
def send_digest(self, therapist_id: int, local_date: str) -> None:  # type: ignore[no-untyped-def]
    day = date.fromisoformat(local_date)
    try:
        therapist_alerts.digest_send(therapist_id=therapist_id, local_date=day)
    except TransientError as exc:
        if self.request.retries >= SEND_RETRIES:
            notification_give_up(key=therapist_alerts.digest_key(therapist_id, day), error=str(exc))
            return
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc
