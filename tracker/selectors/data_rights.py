"""Requests to delete a patient's data: what the patient sees of theirs, what admins decide."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from tracker.models import DeletionRequest, PatientProfile

RECENT_DECISIONS = 20


@dataclass(frozen=True)
class DeletionStatus:
    """The patient's side: a request waiting, or the clinic's last "no" with its note."""

    pending: DeletionRequest | None = None
    declined: DeletionRequest | None = None


def deletion_status(patient: PatientProfile) -> DeletionStatus:
    latest = (
        DeletionRequest.objects.filter(patient=patient).order_by("-requested_at", "-id").first()
    )
    if latest is None:
        return DeletionStatus()
    if latest.status == DeletionRequest.Status.PENDING:
        return DeletionStatus(pending=latest)
    if latest.status == DeletionRequest.Status.DECLINED:
        return DeletionStatus(declined=latest)
    return DeletionStatus()


def deletion_requests_pending(clinic_id: int) -> QuerySet[DeletionRequest]:
    return (
        DeletionRequest.objects.filter(
            clinic_id=clinic_id, status=DeletionRequest.Status.PENDING, patient__isnull=False
        )
        .select_related("patient__user", "patient__therapist")
        .order_by("requested_at", "id")
    )


def deletion_requests_decided(clinic_id: int) -> list[DeletionRequest]:
    """The latest decisions, for the record: a deleted patient shows only as their number."""
    return list(
        DeletionRequest.objects.filter(clinic_id=clinic_id)
        .exclude(status=DeletionRequest.Status.PENDING)
        .select_related("patient__user", "decided_by")
        .order_by("-decided_at", "-id")[:RECENT_DECISIONS]
    )


def deletion_requests_pending_count(clinic_id: int) -> int:
    return deletion_requests_pending(clinic_id).count()
