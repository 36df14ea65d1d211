"""The sweeper: owed notifications whose sender was lost are sent again, or skipped if late.

Each owed row was written in the transaction that decided it was owed (see
tracker/services/notifications.py). A worker killed mid-send, a task lost with a broker
restarted without persistence, or a dispatcher that died between its commit and its
wake-ups leaves the row pending; this finds it and says which sends to wake again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from tracker.models import Notification
from tracker.services.flags import flag_alert_event_id
from tracker.services.notifications import notifications_overdue, notifications_skip
from tracker.services.reminders import TOO_LATE, reminder_too_late


@dataclass(frozen=True)
class Wake:
    """One send to wake: ``kind`` names the notification kind, ``args`` its task's arguments."""

    kind: str
    args: tuple[int, str] | tuple[int]


def outbox_sweep(*, now: datetime | None = None) -> list[Wake]:
    """Skip the overdue reminders whose time has passed; return the sends to wake again."""
    now = now or timezone.now()
    wakes: dict[Wake, None] = {}  # ordered, without duplicates (a reminder has two channels)
    late: list[int] = []
    gone: list[int] = []
    for row in notifications_overdue(now=now):
        if row.kind == Notification.Kind.REMINDER:
            if row.patient is None or row.local_date is None or not row.patient.user.is_active:
                gone.append(row.pk)
            elif reminder_too_late(
                patient=row.patient, local_date=row.local_date, owed_at=row.created_at, now=now
            ):
                late.append(row.pk)
            else:
                wakes[Wake(row.kind, (row.patient.pk, _day(row.local_date)))] = None
        elif row.kind == Notification.Kind.FLAG_ALERT:
            wakes[Wake(row.kind, (flag_alert_event_id(row.idempotency_key),))] = None
        elif row.kind == Notification.Kind.DIGEST:
            wakes[Wake(row.kind, (row.recipient_id, _day(row.local_date)))] = None
    notifications_skip(ids=late, reason=TOO_LATE)
    notifications_skip(ids=gone, reason="inactive")
    return list(wakes)


def _day(value: date | None) -> str:
    assert value is not None
    return value.isoformat()
