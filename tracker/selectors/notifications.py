"""What clinic admins and operators see of the notification log: sends that failed, are
still retrying, or are owed and have waited longer than any healthy worker would take."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from tracker.models import Clinic, Notification

# The sweeper wakes an owed send within a few minutes of it falling due, a killed worker's
# within its 5-minute lease and a minute; older than this, the workers or beat are down.
OWED_STALE_AFTER = timedelta(minutes=10)
FAILED_WITHIN = timedelta(days=1)
# Sent by the workers from owed rows (invitations are sent inside the request).
WORKER_SENT = [
    Notification.Kind.REMINDER,
    Notification.Kind.FLAG_ALERT,
    Notification.Kind.DIGEST,
]


def _stale_owed(now: datetime) -> Q:
    return Q(
        status__in=[Notification.Status.PENDING, Notification.Status.RETRYING],
        kind__in=WORKER_SENT,
        created_at__lt=now - OWED_STALE_AFTER,
    )


def notification_problems(clinic: Clinic, limit: int = 200) -> QuerySet[Notification]:
    failing = Q(status__in=[Notification.Status.FAILED, Notification.Status.RETRYING])
    return (
        Notification.objects.filter(clinic=clinic)
        .filter(failing | _stale_owed(timezone.now()))
        .select_related("recipient")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class JobProblems:
    stale_owed: list[Notification]
    failed: list[Notification]

    def __bool__(self) -> bool:
        return bool(self.stale_owed or self.failed)


def job_problems(*, now: datetime | None = None, limit: int = 50) -> JobProblems:
    """For operators: owed sends older than OWED_STALE_AFTER, and sends that failed lately."""
    now = now or timezone.now()
    rows = Notification.objects.select_related("clinic").order_by("created_at")
    failed = rows.filter(status=Notification.Status.FAILED, created_at__gte=now - FAILED_WITHIN)
    return JobProblems(
        stale_owed=list(rows.filter(_stale_owed(now))[:limit]), failed=list(failed[:limit])
    )
