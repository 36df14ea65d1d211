"""A therapist acting on a flag: acknowledge it ("seen, watching") or resolve it with a note.

The trend evaluation may update, escalate or clear the same flag at the same moment, so
each action locks the row first and works on what is in the database, not on the copy the
therapist's page was rendered from.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import Flag, FlagEvent, User
from tracker.services.audit import audit_record


def _locked(flag: Flag) -> Flag:
    return Flag.objects.select_for_update().select_related("patient__user").get(pk=flag.pk)


def _event(flag: Flag, *, action: str, actor: User, note: str) -> FlagEvent:
    return FlagEvent.objects.create(
        flag=flag,
        action=action,
        severity=flag.severity,
        actor=actor,
        note=note,
        summary=flag.summary,
        on_date=flag.patient.local_today(),
    )


@transaction.atomic
def flag_acknowledge(
    *, flag: Flag, therapist: User, note: str = "", request: HttpRequest | None = None
) -> Flag:
    """Mark an open flag as seen. Acknowledging twice changes nothing the second time.

    A double click, or two therapists at once, send the same acknowledgement twice: the
    row lock makes the second wait, and it then finds the flag acknowledged and writes
    neither a second history row nor a second audit event.
    """
    flag = _locked(flag)
    if flag.status == Flag.Status.RESOLVED:
        raise ValidationError(_("This flag has already been resolved."))
    if flag.status == Flag.Status.ACKNOWLEDGED:
        return flag
    flag.status = Flag.Status.ACKNOWLEDGED
    flag.acknowledged_by = therapist
    flag.acknowledged_at = timezone.now()
    if note:
        flag.note = note
    flag.save(update_fields=["status", "acknowledged_by", "acknowledged_at", "note"])
    _event(flag, action=FlagEvent.Action.ACKNOWLEDGED, actor=therapist, note=note)
    audit_record(
        action="flag.acknowledged",
        actor=therapist,
        request=request,
        patient=flag.patient,
        target=flag,
        detail={"kind": flag.kind, "severity": flag.severity},
    )
    return flag


@transaction.atomic
def flag_resolve(
    *, flag: Flag, therapist: User, note: str = "", request: HttpRequest | None = None
) -> Flag:
    """Close a flag as dealt with. It stays in the patient's flag history."""
    flag = _locked(flag)
    if flag.status == Flag.Status.RESOLVED:
        raise ValidationError(_("This flag has already been resolved."))
    now = timezone.now()
    flag.status = Flag.Status.RESOLVED
    flag.resolution = Flag.Resolution.BY_THERAPIST
    flag.resolved_by = therapist
    flag.resolved_at = now
    # The patient's local date: the "does not reopen for 7 days" rule counts in their days.
    flag.resolved_on = flag.patient.local_today()
    if note:
        flag.note = note
    flag.save(
        update_fields=["status", "resolution", "resolved_by", "resolved_at", "resolved_on", "note"]
    )
    _event(flag, action=FlagEvent.Action.RESOLVED, actor=therapist, note=note)
    audit_record(
        action="flag.resolved",
        actor=therapist,
        request=request,
        patient=flag.patient,
        target=flag,
        detail={"kind": flag.kind, "severity": flag.severity},
    )
    return flag
