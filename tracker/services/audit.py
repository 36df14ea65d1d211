"""The audit trail: who viewed or changed which patient's record, and when."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest

from tracker.models import AuditEvent, Clinic, PatientProfile, User
from tracker.models.operations import AUDIT_ACTIONS
from tracker.network import client_ip


def _client_ip(request: HttpRequest | None) -> str | None:
    # The same address the login throttle counts, so the two records agree.
    return client_ip(request) if request is not None else None


def audit_record(
    *,
    action: str,
    actor: User | None = None,
    request: HttpRequest | None = None,
    patient: PatientProfile | None = None,
    target: models.Model | None = None,
    detail: dict[str, Any] | None = None,
    clinic: Clinic | None = None,
) -> AuditEvent:
    """Append one event. ``action`` is a dotted name listed in ``AUDIT_ACTIONS``.

    The clinic is the patient's, else the actor's, else ``clinic``: events with neither
    (a failed sign-in for a known account, an import from the command line) name it here.
    """
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to AUDIT_ACTIONS.")
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    clinic_id = None
    if patient is not None:
        clinic_id = patient.clinic_id
    elif actor is not None:
        clinic_id = actor.clinic_id
    elif clinic is not None:
        clinic_id = clinic.pk
    return AuditEvent.objects.create(
        actor=actor,
        actor_email=actor.email if actor else "",
        clinic_id=clinic_id,
        patient=patient,
        patient_ref=str(patient.pk) if patient else "",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        detail=detail or {},
        ip_address=_client_ip(request),
    )
