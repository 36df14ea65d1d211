"""A patient's plan revision moves with every change to their plan, however it is written.

Today keeps the prescriptions it read per (patient, revision, day); these tests hold the
database triggers that make that safe to the promise: any insert, update or delete of the
patient's programs or prescriptions, or a change to an exercise in them, bumps the revision
of that patient and of nobody else, and Today shows the change on its next load.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.conftest import make_exercise
from tracker.models import Exercise, PatientProfile, PrescribedExercise, Program
from tracker.services.prescribing import (
    DosageSpec,
    prescription_add,
    prescription_change_dosage,
    program_create,
)

pytestmark = pytest.mark.django_db


def revision(patient: PatientProfile) -> int:
    return PatientProfile.objects.values_list("plan_revision", flat=True).get(pk=patient.pk)


@pytest.fixture
def pia_program(pia, alice, bridge):
    start = pia.local_today() - timedelta(days=14)
    program = program_create(patient=pia, therapist=alice, title="Pia's plan", start_date=start)
    prescription_add(
        program=program, exercise=bridge, dosage=DosageSpec.from_exercise(bridge), valid_from=start
    )
    return program


def first_prescription(program: Program) -> PrescribedExercise:
    return program.prescriptions.order_by("pk").first()  # type: ignore[attr-defined]


CHANGES: dict[str, Callable[[Program, Exercise], object]] = {
    "a dosage change (a new version, the old one closed)": lambda program, _: (
        prescription_change_dosage(
            prescription=first_prescription(program),
            dosage=DosageSpec.from_exercise(first_prescription(program).exercise, sets=5),
            notes="",
            effective_on=program.patient.local_today(),
        )
    ),
    "an exercise added": lambda program, new: prescription_add(
        program=program,
        exercise=new,
        dosage=DosageSpec.from_exercise(new),
        valid_from=program.start_date,
    ),
    "a prescription saved": lambda program, _: first_prescription(program).save(),
    "prescriptions reordered by a queryset update": lambda program, _: (
        PrescribedExercise.objects.filter(program=program).update(order=7)
    ),
    "a prescription deleted": lambda program, _: first_prescription(program).delete(),
    "the program paused by a queryset update": lambda program, _: Program.objects.filter(
        pk=program.pk
    ).update(status=Program.Status.PAUSED),
    "the program's dates saved": lambda program, _: Program.objects.get(pk=program.pk).save(),
    "the program deleted": lambda program, _: Program.objects.filter(pk=program.pk).delete(),
    "an exercise in the plan renamed": lambda program, _: Exercise.objects.filter(
        pk=first_prescription(program).exercise_id
    ).update(name="Bridge, renamed"),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_a_plan_moves_that_patient_s_revision_only(
    change, pat, pat_program, pia, pia_program
):
    newcomer = make_exercise("straight-leg-raise")
    pat_before, pia_before = revision(pat), revision(pia)
    CHANGES[change](pat_program, newcomer)
    assert revision(pat) > pat_before, change
    # Pia shares the glute bridge: only renaming it is a change to her plan too.
    if change == "an exercise in the plan renamed":
        assert revision(pia) > pia_before
    else:
        assert revision(pia) == pia_before, change


def test_a_new_program_moves_the_revision(pat, alice):
    before = revision(pat)
    program_create(patient=pat, therapist=alice, title="Plan", start_date=pat.local_today())
    assert revision(pat) > before


def test_an_exercise_nobody_is_prescribed_moves_no_revision(pat, pat_program):
    spare = make_exercise("wall-sit")
    before = revision(pat)
    spare.name = "Wall sit, renamed"
    spare.save()
    assert revision(pat) == before


def test_today_shows_a_change_made_after_it_was_opened(as_pat, pat, pat_program):
    first = as_pat.get("/today/").content.decode()
    assert "Glute Bridge" in first and "2 × 12 reps" in first
    # The therapist renames the exercise and changes the dosage, each written in a way no
    # Django signal would see.
    bridge = first_prescription(pat_program)
    Exercise.objects.filter(pk=bridge.exercise_id).update(name="Bridge hold")
    PrescribedExercise.objects.filter(pk=bridge.pk).update(sets=4)
    again = as_pat.get("/today/").content.decode()
    assert "Bridge hold" in again and "4 × 12 reps" in again
    Program.objects.filter(pk=pat_program.pk).update(status=Program.Status.PAUSED)
    assert "Nothing is scheduled for today" in as_pat.get("/today/").content.decode()
