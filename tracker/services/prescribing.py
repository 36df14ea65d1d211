"""Writing programs: from a template, prescribing, dosage changes that keep history."""

from __future__ import annotations

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
    *, prescription: PrescribedExercise, dosage: DosageSpec, notes: str, effective_on: date
) -> PrescribedExercise:
    """Change a dosage from ``effective_on``; days before keep the version then in force.

    A change on the day the version started replaces it in place: that day has no history
    under the old dosage worth keeping apart, and logs keep their own snapshot anyway.
    """
    current = PrescribedExercise.objects.select_for_update().get(pk=prescription.pk)
    if current.valid_to is not None:
        raise ValueError("Only the version in force can be changed.")
    unchanged = all(getattr(current, k) == v for k, v in dosage.as_fields().items())
    if unchanged and current.notes == notes:
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


def prescription_remove(*, prescription: PrescribedExercise, effective_on: date) -> None:
    """Stop an exercise from ``effective_on``; it stays in the history of earlier days."""
    plan_revision_bump(patients=_patient_of_program(prescription.program_id))
    if effective_on <= prescription.valid_from and not prescription.logs.exists():
        prescription.delete()
        return
    prescription.valid_to = max(effective_on, prescription.valid_from + _ONE_DAY)
    prescription.save(update_fields=["valid_to"])


_ONE_DAY = date.resolution
