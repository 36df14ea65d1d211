"""The audit trail: who viewed or changed which patient's record, and when."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.throttling import client_ip
from tracker.models import AuditEvent, Clinic, PatientProfile, User

# Every kind of audited event, with the words the clinic admin reads in the audit log.
# ``audit_record`` refuses an action that is not listed, so a new kind cannot slip in unnamed.
AUDIT_ACTIONS: dict[str, str] = {
    "audit.exported": _("Downloaded the audit log"),
    "auth.login": _("Signed in"),
    "auth.login_failed": _("Failed sign-in"),
    "auth.logout": _("Signed out"),
    "auth.recovery_code_used": _("Signed in with a recovery code"),
    "auth.recovery_codes_regenerated": _("Made new two-factor recovery codes"),
    "auth.two_factor_disabled": _("Turned off two-factor sign-in"),
    "auth.two_factor_enabled": _("Turned on two-factor sign-in"),
    "auth.two_factor_failed": _("Entered a wrong sign-in code"),
    "auth.two_factor_reset": _("Reset a therapist's two-factor sign-in"),
    "caseload.imported": _("Imported logs"),
    "clinic.two_factor_not_required": _("Stopped requiring two-factor sign-in"),
    "clinic.two_factor_required": _("Required two-factor sign-in for the clinic"),
    "exercise.created": _("Added a clinic exercise"),
    "exercise.updated": _("Changed a clinic exercise"),
    "flag.acknowledged": _("Acknowledged a flag"),
    "flag.auto_resolved": _("Cleared a flag: the condition no longer holds"),
    "flag.escalated": _("Raised a flag's severity"),
    "flag.opened": _("Opened a flag"),
    "flag.resolved": _("Resolved a flag"),
    "note.added": _("Added a note"),
    "patient.data_deleted": _("Deleted a patient's health data on their request"),
    "patient.data_downloaded": _("Downloaded their own data"),
    "patient.deletion_cancelled": _("Cancelled their request to delete their data"),
    "patient.deletion_declined": _("Declined a request to delete a patient's data"),
    "patient.deletion_requested": _("Asked for their data to be deleted"),
    "patient.exported": _("Exported a patient's data"),
    "patient.invite_accepted": _("Accepted an invitation"),
    "patient.invite_resent": _("Resent an invitation"),
    "patient.invite_revoked": _("Revoked an invitation"),
    "patient.invited": _("Invited a patient"),
    "patient.push_subscribed": _("Turned on push reminders"),
    "patient.push_unsubscribed": _("Turned off push reminders"),
    "patient.settings_changed": _("Changed patient settings"),
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
