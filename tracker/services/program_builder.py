"""The therapist's program builder: each edit goes through `prescribing`, so history is kept,
and each is recorded in the audit trail.

Edits take effect on the patient's local today: the days before keep the dosage that was in
force then (old logs keep their own snapshot, and adherence of a past day uses its version).
"""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import (
    AuditEvent,
    Exercise,
    PatientProfile,
    PrescribedExercise,
    Program,
    ProgramTemplate,
    User,
)
from tracker.services.audit import audit_record
from tracker.services.prescribing import (
    DosageSpec,
    PrescriptionChanged,
    plan_revision_bump,
    prescription_add,
    prescription_change_dosage,
    prescription_has_dosage,
    prescription_lock_in_force,
    prescription_remove,
    program_create,
)

# The same start sent again this soon is a double click or a resent form, not a new program.
RESTART_AFTER = timedelta(minutes=1)
# Likewise the same exercise at the same dosage added again this soon.
READD_AFTER = timedelta(seconds=10)


def _today(program: Program) -> date:
    return program.patient.local_today()


@transaction.atomic
def program_start(
    *,
    patient: PatientProfile,
    therapist: User,
    title: str,
    start_date: date,
    goal: str = "",
    phase_end_date: date | None = None,
    template: ProgramTemplate | None = None,
    request: HttpRequest | None = None,
) -> Program:
    """A new program (empty or from a template); the current one is completed, not lost.

    Sending the same start twice within a minute answers with the program the first one made.
    """
    # One start at a time for a patient: a second submit waits here, then sees the first.
    PatientProfile.objects.select_for_update().filter(pk=patient.pk).first()
    current = Program.objects.filter(patient=patient, status=Program.Status.ACTIVE).first()
    if (
        current is not None
        and timezone.now() - current.created_at < RESTART_AFTER
        and (current.therapist_id, current.template_id, current.title, current.goal)
        == (therapist.pk, template.pk if template else None, title, goal)
        and (current.start_date, current.phase_end_date) == (start_date, phase_end_date)
    ):
        return current
    program = program_create(
        patient=patient,
        therapist=therapist,
        title=title,
        goal=goal,
        start_date=start_date,
        phase_end_date=phase_end_date,
        template=template,
    )
    audit_record(
        action="program.created",
        actor=therapist,
        request=request,
        patient=patient,
        target=program,
        detail={"template": template.slug if template else None},
    )
    return program


@transaction.atomic
def program_details_update(
    *,
    program: Program,
    actor: User,
    title: str,
    goal: str,
    phase_end_date: date | None,
    status: str,
    request: HttpRequest | None = None,
) -> Program:
    if phase_end_date is not None and phase_end_date < program.start_date:
        raise ValidationError(
            {"phase_end_date": _("The phase can't end before the program starts.")}
        )
    if (
        status == Program.Status.ACTIVE
        and program.status != Program.Status.ACTIVE
        and Program.objects.filter(patient_id=program.patient_id, status=Program.Status.ACTIVE)
        .exclude(pk=program.pk)
        .exists()
    ):
        raise ValidationError({"status": _("This patient already has another active program.")})
    changed = {
        name: value
        for name, value in {
            "title": title,
            "goal": goal,
            "phase_end_date": phase_end_date,
            "status": status,
        }.items()
        if getattr(program, name) != value
    }
    if not changed:
        return program
    for name, value in changed.items():
        setattr(program, name, value)
    program.save(update_fields=[*changed, "updated_at"])
    plan_revision_bump(patients=[program.patient_id])
    audit_record(
        action="program.updated",
        actor=actor,
        request=request,
        patient=program.patient,
        target=program,
        detail={"fields": sorted(changed)},
    )
    return program


@transaction.atomic
def program_exercise_add(
    *,
    program: Program,
    exercise: Exercise,
    actor: User,
    dosage: DosageSpec | None = None,
    notes: str = "",
    request: HttpRequest | None = None,
) -> PrescribedExercise:
    """Add an exercise at its library dosage (or the one given), from today on.

    The same exercise at the same dosage added again within ``READD_AFTER`` is the
    same tap arriving twice (a double click, or a resend on a bad connection): the first
    one stands and is returned. Adding an exercise twice on purpose still works after that.
    """
    dosage = dosage or DosageSpec.from_exercise(exercise)
    # Adds to one program one at a time (SQLite already writes one at a time), so two
    # copies of a tap cannot both miss each other.
    Program.objects.select_for_update().filter(pk=program.pk).first()
    # When each line was added is in the audit trail (written with it, in one transaction).
    just_added = AuditEvent.objects.filter(
        action="prescription.added",
        patient_id=program.patient_id,
        target_type=PrescribedExercise._meta.label_lower,
        at__gte=timezone.now() - READD_AFTER,
    ).values_list("target_id", flat=True)
    for recent in program.prescriptions.filter(
        exercise=exercise, valid_to__isnull=True, pk__in=[int(pk) for pk in just_added]
    ):
        if recent.notes == notes and all(
            getattr(recent, name) == value for name, value in dosage.as_fields().items()
        ):
            return recent
    prescription = prescription_add(
        program=program,
        exercise=exercise,
        dosage=dosage,
        valid_from=_today(program),
        order=_next_order(program),
        notes=notes,
    )
    audit_record(
        action="prescription.added",
        actor=actor,
        request=request,
        patient=program.patient,
        target=prescription,
        detail={"exercise": exercise.slug, "dosage": prescription.dosage_text()},
    )
    return prescription


def _next_order(program: Program) -> int:
    last = (
        program.prescriptions.filter(valid_to__isnull=True)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    return 0 if last is None else last + 1


@transaction.atomic
def program_dosage_change(
    *,
    prescription: PrescribedExercise,
    dosage: DosageSpec,
    notes: str,
    actor: User,
    based_on: str | None = None,
    request: HttpRequest | None = None,
) -> PrescribedExercise:
    """A new version from today on; earlier days keep the version that was in force.

    ``based_on`` is the version the therapist's form was opened on. If another change or a
    removal came first, ``PrescriptionChanged`` says so and carries what is current now;
    the same change arriving twice (a double click, a resend) is answered with the version
    the first one made. Only a change that happened is audited.
    """
    try:
        current = prescription_lock_in_force(prescription=prescription, based_on=based_on)
    except PrescriptionChanged as changed:
        if changed.current is not None and prescription_has_dosage(changed.current, dosage, notes):
            return changed.current
        raise
    if prescription_has_dosage(current, dosage, notes):
        return current
    before = current.dosage_text()
    changed_version = prescription_change_dosage(
        prescription=current,
        dosage=dosage,
        notes=notes,
        effective_on=_today(prescription.program),
    )
    audit_record(
        action="prescription.changed",
        actor=actor,
        request=request,
        patient=prescription.program.patient,
        target=changed_version,
        detail={
            "exercise": prescription.exercise.slug,
            "from": before,
            "to": changed_version.dosage_text(),
        },
    )
    return changed_version


@transaction.atomic
def program_exercise_remove(
    *,
    prescription: PrescribedExercise,
    actor: User,
    based_on: str | None = None,
    request: HttpRequest | None = None,
) -> None:
    """Stop an exercise from today; it stays in the history (and adherence) of earlier days.

    Raises ``PrescriptionChanged`` when the version the therapist saw is no longer current:
    changed meanwhile (nothing is removed; they see the new dosage first), or already
    removed. Only a removal that happened is audited.
    """
    program = prescription.program
    prescription_remove(prescription=prescription, effective_on=_today(program), based_on=based_on)
    audit_record(
        action="prescription.removed",
        actor=actor,
        request=request,
        patient=program.patient,
        target=program,
        detail={"exercise": prescription.exercise.slug},
    )


@transaction.atomic
def program_exercise_move(
    *,
    prescription: PrescribedExercise,
    offset: int,
    actor: User,
    request: HttpRequest | None = None,
) -> None:
    """Move an exercise up (-1) or down (+1) among the program's current exercises.

    Order is presentation, not dosage: it changes on the current versions in place.
    """
    program = prescription.program
    rows = list(
        PrescribedExercise.objects.select_for_update()
        .filter(program=program, valid_to__isnull=True)
        .order_by("order", "id")
    )
    index = next((i for i, r in enumerate(rows) if r.line == prescription.line), None)
    if index is None:
        raise ValidationError(_("This exercise is no longer in the program."))
    target = index + offset
    if not 0 <= target < len(rows):
        return
    rows[index], rows[target] = rows[target], rows[index]
    for position, row in enumerate(rows):
        if row.order != position:
            row.order = position
            row.save(update_fields=["order"])
    plan_revision_bump(patients=[program.patient_id])
    audit_record(
        action="prescription.reordered",
        actor=actor,
        request=request,
        patient=program.patient,
        target=program,
        detail={"exercise": prescription.exercise.slug, "position": target + 1},
    )
