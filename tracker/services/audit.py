"""The audit trail: who viewed or changed which patient's record, and when."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tracker.models import AuditEvent, PatientProfile, User
from tracker.throttling import client_ip

# Every kind of audited event, with the words the clinic admin reads in the audit log.
# ``audit_record`` refuses an action that is not listed, so a new kind cannot slip in unnamed.
AUDIT_ACTIONS: dict[str, str] = {
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "caseload.imported": _("Imported logs"),
    "exercise.created": _("Added a clinic exercise"),
    "exercise.updated": _("Changed a clinic exercise"),
    "flag.acknowledged": _("Acknowledged a flag"),
    "flag.resolved": _("Resolved a flag"),
    "note.added": _("Added a note"),
    "patient.exported": _("Exported a patient's data"),
    "patient.invite_accepted": _("Accepted an invitation"),
    "patient.invite_resent": _("Resent an invitation"),
    "patient.invite_revoked": _("Revoked an invitation"),
    "patient.invited": _("Invited a patient"),
    "patient.viewed": _("Viewed a patient record"),
    "prescription.added": _("Added an exercise to a program"),
    "prescription.changed": _("Changed a dosage"),
    "prescription.removed": _("Removed an exercise from a program"),
    "prescription.reordered": _("Reordered a program"),
    "program.created": _("Started a program"),
    "program.updated": _("Changed a program"),
}


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
) -> AuditEvent:
    """Append one event. ``action`` is a dotted name listed in ``AUDIT_ACTIONS``."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"Unknown audit action {action!r}: add it to AUDIT_ACTIONS.")
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user  # type: ignore[assignment]
    clinic_id = None
    if patient is not None:
        clinic_id = patient.clinic_id
    elif actor is not None:
        clinic_id = actor.clinic_id
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
