"""What clinic admins see of the notification log: sends that failed or are still retrying."""

from __future__ import annotations

from django.db.models import QuerySet

from tracker.models import Clinic, Notification


def notification_problems(clinic: Clinic, limit: int = 200) -> QuerySet[Notification]:
    return (
        Notification.objects.filter(
            clinic=clinic,
            status__in=[Notification.Status.FAILED, Notification.Status.RETRYING],
        )
        .select_related("recipient")
        .order_by("-created_at")[:limit]
    )
