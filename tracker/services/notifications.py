"""Sending a notification at most once, whatever retries, restarts or duplicates do.

The row is written before anything is sent, under a unique idempotency key; a send is claimed
with a conditional update that only one worker can win, and a claim left by a worker that died
is taken over only after its lease runs out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker.models import Clinic, Notification, PatientProfile, User
from tracker.notify import Message, PermanentError, TransientError, transport_for

CLAIM_LEASE = timedelta(minutes=10)
OPEN = [Notification.Status.PENDING, Notification.Status.RETRYING]


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
        _finish(notification, Notification.Status.RETRYING, str(exc))
        raise
    _finish(notification, Notification.Status.SENT, "")
    return Delivery(notification, sent=True)


def notification_give_up(
    *, error: str, notification_id: int | None = None, key: str | None = None
) -> None:
    """Retries are exhausted: record a permanent failure the clinic admin can see."""
    rows = Notification.objects.filter(status__in=OPEN)
    rows = rows.filter(pk=notification_id) if notification_id else rows.filter(idempotency_key=key)
    rows.update(status=Notification.Status.FAILED, last_error=error[:2000], claimed_at=None)


def _finish(notification: Notification, status: str, error: str) -> None:
    notification.status = status
    notification.last_error = error[:2000]
    notification.claimed_at = None
    if status == Notification.Status.SENT:
        notification.sent_at = timezone.now()
    notification.save(update_fields=["status", "last_error", "claimed_at", "sent_at"])
