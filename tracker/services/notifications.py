"""Sending a notification at most once, whatever retries, restarts or duplicates do.

The row is written before anything is sent, under a unique idempotency key; a send is claimed
with a conditional update that only one worker can win, and a claim left by a worker that died
is taken over only after its lease runs out.

The row is also the outbox: whatever decides a notification is owed (the reminder
dispatcher, an evaluation that opens a high flag, the digest dispatcher) writes it in its own
transaction, and the task that sends it is only a wake-up. If that task is lost (a worker
killed outright, a broker restarted without persistence), the sweeper finds the owed row and
wakes a sender again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import (
    IntegrityError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    transaction,
)
from django.db.models import F, Q
from django.utils import timezone

from tracker.models import Clinic, Notification, PatientProfile, User
from tracker.notify import Message, PermanentError, TransientError, transport_for

# How long one worker holds a send. Longer than any send takes (the email and push transports
# time out after 20 s), shorter than the broker's visibility timeout (15 min, see settings), so
# the sweeper takes over a dead worker's send well before the broker would redeliver it.
CLAIM_LEASE = timedelta(minutes=5)
# A send that fails for a passing reason is tried this many times in all, then recorded failed.
MAX_ATTEMPTS = 6
# Pause before the next try after the n-th failed one: 30 s, 1, 2, 4, 8 minutes.
RETRY_BASE_SECONDS = 30
# An owed row nobody has started within this long after it was due lost its wake-up.
SWEEP_GRACE = timedelta(minutes=2)
OPEN = [Notification.Status.PENDING, Notification.Status.RETRYING]
# The kinds sent by a worker from an owed row; invitations are sent inside the request.
OWED_KINDS = [
    Notification.Kind.REMINDER,
    Notification.Kind.FLAG_ALERT,
    Notification.Kind.DIGEST,
]


def retry_delay(attempts: int) -> timedelta:
    """The pause after ``attempts`` failed tries (1 → 30 s, 2 → 1 min, …)."""
    return timedelta(seconds=RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0))


@dataclass(frozen=True)
class Delivery:
    notification: Notification
    sent: bool
    reason: str = ""


def notification_open(
    *,
    key: str,
    clinic: Clinic,
    recipient: User,
    kind: str,
    channel: str,
    subject: str,
    patient: PatientProfile | None = None,
    local_date: date | None = None,
    status: str = Notification.Status.PENDING,
) -> tuple[Notification, bool]:
    """The row for ``key``, created if new. Returns (row, created)."""
    defaults = {
        "clinic": clinic,
        "recipient": recipient,
        "patient": patient,
        "kind": kind,
        "channel": channel,
        "subject": subject,
        "local_date": local_date,
        "status": status,
    }
    try:
        with transaction.atomic():
            return Notification.objects.get_or_create(idempotency_key=key, defaults=defaults)
    except IntegrityError:
        return Notification.objects.get(idempotency_key=key), False


def notifications_owe(rows: Iterable[Notification]) -> None:
    """Record unsaved rows as owed (pending) in the caller's transaction.

    A row whose key already exists is left as it is: owing the same thing twice is a no-op.
    """
    Notification.objects.bulk_create(list(rows), ignore_conflicts=True, batch_size=500)


def notifications_overdue(*, now: datetime | None = None, limit: int = 5000) -> list[Notification]:
    """Owed rows whose sender is gone: never started, waiting past their retry, or claimed
    by a worker whose lease ran out. Sending them again is safe: the claim decides."""
    now = now or timezone.now()
    # A row waiting for its n-th retry is overdue once all the pauses before it and a grace
    # have passed since it was owed; a never-tried row (n = 0) after the grace alone.
    waited = Q()
    for attempts in range(MAX_ATTEMPTS):
        pauses = sum((retry_delay(n) for n in range(1, attempts + 1)), timedelta())
        waited |= Q(attempts=attempts, created_at__lt=now - pauses - SWEEP_GRACE)
    return list(
        Notification.objects.filter(status__in=OPEN, kind__in=OWED_KINDS)
        .filter((Q(claimed_at__isnull=True) & waited) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .select_related("patient__user")
        .order_by("created_at")[:limit]
    )


def notifications_skip(*, ids: Iterable[int], reason: str) -> int:
    """Owed rows that must not be sent any more (too late, the patient already logged)."""
    return Notification.objects.filter(pk__in=list(ids), status__in=OPEN).update(
        status=Notification.Status.SKIPPED, last_error=reason, claimed_at=None
    )


def notification_deliver(*, notification: Notification, message: Message) -> Delivery:
    """Send once. Raises TransientError (after recording it) when a retry may help."""
    now = timezone.now()
    claimed = (
        Notification.objects.filter(pk=notification.pk, status__in=OPEN)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - CLAIM_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )
    notification.refresh_from_db()
    if not claimed:
        return Delivery(notification, sent=False, reason=f"already {notification.status}")
    transport = transport_for(notification.channel)
    try:
        transport.send(recipient=notification.recipient, message=message)
    except PermanentError as exc:
        _finish(notification, Notification.Status.FAILED, str(exc))
        return Delivery(notification, sent=False, reason=str(exc))
    except TransientError as exc:
        if notification.attempts >= MAX_ATTEMPTS:
            _finish(notification, Notification.Status.FAILED, str(exc))
            return Delivery(notification, sent=False, reason=str(exc))
        _finish(notification, Notification.Status.RETRYING, str(exc))
        raise
    _record_sent(notification)
    return Delivery(notification, sent=True)


def notification_give_up(
    *, error: str, notification_id: int | None = None, key: str | None = None
) -> None:
    """Retries are exhausted: record a permanent failure the clinic admin can see."""
    rows = Notification.objects.filter(status__in=OPEN)
    rows = rows.filter(pk=notification_id) if notification_id else rows.filter(idempotency_key=key)
    rows.update(status=Notification.Status.FAILED, last_error=error[:2000], claimed_at=None)


def _record_sent(notification: Notification) -> None:
    """The message has left: record it, once more on a fresh connection when the database
    dropped this one (a restart, a failover). Left claimed, the row would be sent again once
    its lease ran out. Inside the caller's transaction its rollback decides instead."""
    try:
        _finish(notification, Notification.Status.SENT, "")
    except (OperationalError, InterfaceError):
        if not transaction.get_autocommit():
            raise
        close_old_connections()
        _finish(notification, Notification.Status.SENT, "")


def _finish(notification: Notification, status: str, error: str) -> None:
    notification.status = status
    notification.last_error = error[:2000]
    notification.claimed_at = None
    if status == Notification.Status.SENT:
        notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "last_error", "claimed_at", "sent_at"])
