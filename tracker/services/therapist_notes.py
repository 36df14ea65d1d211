"""Care-team notes on a patient's record (in the patient's data download too)."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from tracker.models import PatientProfile, TherapistNote, User
from tracker.services.audit import audit_record


@transaction.atomic
def note_add(
    *, patient: PatientProfile, author: User, text: str, request: HttpRequest | None = None
) -> TherapistNote:
    note = TherapistNote.objects.create(
        clinic_id=patient.clinic_id, patient=patient, author=author, text=text.strip()
    )
    audit_record(action="note.added", actor=author, request=request, patient=patient, target=note)
    return note
