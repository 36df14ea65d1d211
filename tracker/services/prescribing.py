"""Writing programs: from a template, prescribing, dosage changes that keep history."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from tracker.models import (
    Exercise,
    PatientProfile,
    PrescribedExercise,
    Program,
    ProgramTemplate,
    User,
)

DOSAGE_FIELDS = (
    "sets",
    "reps",
    "hold_seconds",
    "times_per_day",
    "days_per_week",
    "weekdays",
    "side",
)


def plan_revision_bump(*, patients: Iterable[int] | QuerySet[Any]) -> None:
    """The plans of these patients (ids, or a query of them) changed: move their revision.

    Today keeps a patient's prescriptions in the cache by plan revision
    (``kept_prescriptions_in_force``), so every service that writes a program, a
    prescription or an exercise in one calls this in the same transaction as the write.
    One UPDATE, counted by the database, so concurrent changes never lose a bump.
    """
    ids = patients if isinstance(patients, QuerySet) else list(patients)
    PatientProfile.objects.filter(pk__in=ids).update(plan_revision=F("plan_revision") + 1)


def plan_revision_bump_for_exercises(*, exercise_ids: Iterable[int]) -> None:
    """An exercise's wording or defaults changed: every patient prescribed it sees it."""
    plan_revision_bump(
        patients=Program.objects.filter(prescriptions__exercise_id__in=list(exercise_ids))
        .order_by()
        .values("patient_id")
    )


class PrescriptionChanged(ValueError):
    """The version an edit was based on is no longer the one in force.

    Another edit came first: a dosage change made a new version (or changed this one in
    place), or the exercise was removed. ``current`` is the line's version in force now, or
    None when the exercise is no longer in the program.
    """

    def __init__(self, current: PrescribedExercise | None) -> None:
        super().__init__("Only the version in force can be changed or removed.")
        self.current = current


def prescription_version(prescription: PrescribedExercise) -> str:
    """What a form opened on this version carries back, like an HTTP ETag.

    The id alone is not enough: a change on the day a version started rewrites that version
    in place, so the dosage and notes it was opened with are part of it. Order is not: moving
    an exercise does not make a dosage form stale.
    """
    # JSON, so a value as saved (Side.BOTH) and as read back ("both") read the same.
    seen = json.dumps(
        [getattr(prescription, name) for name in DOSAGE_FIELDS] + [prescription.notes]
    )
    return f"{prescription.pk}-{hashlib.sha256(seen.encode()).hexdigest()[:16]}"


def prescription_lock_in_force(
    *, prescription: PrescribedExercise, based_on: str | None = None
) -> PrescribedExercise:
    """Lock the version an edit is about, as it is now; refuse it if it is no longer current.

    Call inside ``transaction.atomic``. A second edit of the same version waits here for the
    first to commit, then sees what the first did. ``based_on`` is the version the editor
    saw (``prescription_version``); without it only a version already closed is refused.
    """
    locked = PrescribedExercise.objects.select_for_update().filter(pk=prescription.pk).first()
    if (
        locked is not None
        and locked.valid_to is None
        and (based_on is None or based_on == prescription_version(locked))
    ):
        return locked
    # A new statement, so PostgreSQL sees a version the other edit inserted while we waited.
    current = (
        PrescribedExercise.objects.select_for_update()
        .filter(line=prescription.line, valid_to__isnull=True)
        .select_related("exercise", "program")
        .first()
    )
    raise PrescriptionChanged(current)


def prescription_has_dosage(
    prescription: PrescribedExercise, dosage: DosageSpec, notes: str
) -> bool:
    return prescription.notes == notes and all(
        getattr(prescription, name) == value for name, value in dosage.as_fields().items()
    )


def _patient_of_program(program_id: int) -> QuerySet[Any]:
    return Program.objects.filter(pk=program_id).order_by().values("patient_id")


@dataclass(frozen=True)
class DosageSpec:
    sets: int
    reps: int | None
    hold_seconds: int | None
    times_per_day: int = 1
    days_per_week: int = 7
    weekdays: int = 0
    side: str = "both"

    @classmethod
    def from_exercise(cls, exercise: Exercise, **overrides: object) -> DosageSpec:
        values: dict[str, object] = dict(exercise.default_dosage())
        values.update({k: v for k, v in overrides.items() if k in DOSAGE_FIELDS})
        # An override of reps on a timed exercise (or the reverse) replaces the other field.
        if "reps" in overrides and overrides["reps"] is not None:
            values["hold_seconds"] = None
        if "hold_seconds" in overrides and overrides["hold_seconds"] is not None:
            values["reps"] = None
        return cls(**values)  # type: ignore[arg-type]

    def as_fields(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in DOSAGE_FIELDS}


@transaction.atomic
def program_create(
    *,
    patient: PatientProfile,
    therapist: User,
    title: str,
    start_date: date,
    goal: str = "",
    phase_end_date: date | None = None,
    template: ProgramTemplate | None = None,
) -> Program:
    """Start a program; a patient's previous active program is completed, not deleted."""
    Program.objects.filter(patient=patient, status=Program.Status.ACTIVE).update(
        status=Program.Status.COMPLETED
    )
    program = Program.objects.create(
        clinic=patient.clinic,
        patient=patient,
        therapist=therapist,
        title=title,
        goal=goal,
        start_date=start_date,
        phase_end_date=phase_end_date,
        template=template,
    )
    if template is not None:
        for item in template.items.select_related("exercise").order_by("order"):
            PrescribedExercise.objects.create(
                program=program,
                exercise=item.exercise,
                order=item.order,
                notes=item.notes,
                valid_from=start_date,
                **{name: getattr(item, name) for name in DOSAGE_FIELDS},
            )
    plan_revision_bump(patients=[patient.pk])
    return program


def prescription_add(
    *,
    program: Program,
    exercise: Exercise,
    dosage: DosageSpec,
    valid_from: date,
    order: int | None = None,
    notes: str = "",
) -> PrescribedExercise:
    if order is None:
        order = program.prescriptions.filter(valid_to__isnull=True).count()
    prescription = PrescribedExercise.objects.create(
        program=program,
        exercise=exercise,
        order=order,
        notes=notes,
        valid_from=max(valid_from, program.start_date),
        **dosage.as_fields(),
    )
    plan_revision_bump(patients=[program.patient_id])
    return prescription


@transaction.atomic
def prescription_change_dosage(
    *,
    prescription: PrescribedExercise,
    dosage: DosageSpec,
    notes: str,
    effective_on: date,
    based_on: str | None = None,
) -> PrescribedExercise:
    """Change a dosage from ``effective_on``; days before keep the version then in force.

    A change on the day the version started replaces it in place: that day has no history
    under the old dosage worth keeping apart, and logs keep their own snapshot anyway.
    Raises ``PrescriptionChanged`` when the version is no longer current (or no longer the
    ``based_on`` one).
    """
    current = prescription_lock_in_force(prescription=prescription, based_on=based_on)
    if prescription_has_dosage(current, dosage, notes):
        return current
    plan_revision_bump(patients=_patient_of_program(current.program_id))
    if effective_on <= current.valid_from:
        for name, value in dosage.as_fields().items():
            setattr(current, name, value)
        current.notes = notes
        current.save()
        return current
    current.valid_to = effective_on
    current.save(update_fields=["valid_to"])
    return PrescribedExercise.objects.create(
        program=current.program,
        exercise=current.exercise,
        line=current.line,
        order=current.order,
        notes=notes,
        valid_from=effective_on,
        **dosage.as_fields(),
    )


@transaction.atomic
def prescription_remove(
    *, prescription: PrescribedExercise, effective_on: date, based_on: str | None = None
) -> None:
    """Stop an exercise from ``effective_on``; it stays in the history of earlier days.

    Raises ``PrescriptionChanged`` when the version is no longer current (or no longer the
    ``based_on`` one): closing an old version again would leave the newer one in force.
    """
    prescription = prescription_lock_in_force(prescription=prescription, based_on=based_on)
    plan_revision_bump(patients=_patient_of_program(prescription.program_id))
    if effective_on <= prescription.valid_from and not prescription.logs.exists():
        prescription.delete()
        return
    prescription.valid_to = max(effective_on, prescription.valid_from + _ONE_DAY)
    prescription.save(update_fields=["valid_to"])


_ONE_DAY = date.resolution
