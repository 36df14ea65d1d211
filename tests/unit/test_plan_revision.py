"""A patient's plan revision moves with every change to their plan made by a service.

Today keeps the prescriptions it read in the cache per (patient, revision, day); these tests
hold every service that writes programs, prescriptions or exercises to the promise that
makes that safe: the change bumps the revision of the patients whose plan it changes and of
nobody else, and Today shows the change on its next load.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

import pytest

from tests.conftest import make_exercise
from tracker.models import Exercise, PatientProfile, PrescribedExercise, Program, User
from tracker.selectors.plan import kept_prescriptions_in_force, prescriptions_in_force
from tracker.services import clinic_library, program_builder
from tracker.services.library import library_seed
from tracker.services.prescribing import (
    DosageSpec,
    prescription_add,
    prescription_change_dosage,
    prescription_remove,
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
    return program.prescriptions.select_related("program__patient", "exercise").order_by("pk")[0]


def clinic_exercise_values(exercise: Exercise, **changes: object) -> clinic_library.ExerciseValues:
    values = clinic_library.ExerciseValues(
        name=exercise.name,
        category=exercise.category,
        body_region=exercise.body_region,
        summary=exercise.summary,
        steps=list(exercise.steps),
        cues=list(exercise.cues),
        cautions=list(exercise.cautions),
        default_sets=exercise.default_sets,
        default_reps=exercise.default_reps,
        default_hold_seconds=exercise.default_hold_seconds,
        default_times_per_day=exercise.default_times_per_day,
        default_days_per_week=exercise.default_days_per_week,
        default_side=exercise.default_side,
    )
    return replace(values, **changes)  # type: ignore[arg-type]


def rename_clinic_exercise(program: Program, actor: User) -> None:
    """A clinic's own exercise, prescribed to the patient, then renamed by the clinic."""
    own = make_exercise("clinic-squat")
    Exercise.objects.filter(pk=own.pk).update(clinic_id=program.clinic_id)
    own.refresh_from_db()
    prescription_add(
        program=program,
        exercise=own,
        dosage=DosageSpec.from_exercise(own),
        valid_from=program.start_date,
    )
    clinic_library.clinic_exercise_update(
        exercise=own, actor=actor, values=clinic_exercise_values(own, name="Clinic squat, deep")
    )


def reseed_library_exercise(program: Program, actor: User) -> None:
    """The shared library's seed puts back an exercise that drifted from its data file."""
    seeded = Exercise.objects.filter(clinic__isnull=True).exclude(slug="glute-bridge").first()
    assert seeded is not None
    prescription_add(
        program=program,
        exercise=seeded,
        dosage=DosageSpec.from_exercise(seeded),
        valid_from=program.start_date,
    )
    Exercise.objects.filter(pk=seeded.pk).update(name="Drifted")
    library_seed()


# Each change to Pat's plan, as a service makes it. (program, Alice)
CHANGES: dict[str, Callable[[Program, User], object]] = {
    "a dosage change (a new version, the old one closed)": lambda program, alice: (
        prescription_change_dosage(
            prescription=first_prescription(program),
            dosage=DosageSpec.from_exercise(first_prescription(program).exercise, sets=5),
            notes="",
            effective_on=program.patient.local_today(),
        )
    ),
    "a dosage change from the program builder": lambda program, alice: (
        program_builder.program_dosage_change(
            prescription=first_prescription(program),
            dosage=DosageSpec.from_exercise(first_prescription(program).exercise, sets=4),
            notes="Slowly",
            actor=alice,
        )
    ),
    "an exercise added": lambda program, alice: prescription_add(
        program=program,
        exercise=make_exercise("added-by-the-therapist"),
        dosage=DosageSpec(sets=1, reps=5, hold_seconds=None),
        valid_from=program.start_date,
    ),
    "an exercise added in the program builder": lambda program, alice: (
        program_builder.program_exercise_add(
            program=program, exercise=make_exercise("added-in-the-builder"), actor=alice
        )
    ),
    "an exercise removed": lambda program, alice: prescription_remove(
        prescription=first_prescription(program), effective_on=program.patient.local_today()
    ),
    "an exercise removed in the program builder": lambda program, alice: (
        program_builder.program_exercise_remove(
            prescription=first_prescription(program), actor=alice
        )
    ),
    "exercises reordered": lambda program, alice: program_builder.program_exercise_move(
        prescription=first_prescription(program), offset=1, actor=alice
    ),
    "the program paused": lambda program, alice: program_builder.program_details_update(
        program=Program.objects.select_related("patient").get(pk=program.pk),
        actor=alice,
        title=program.title,
        goal=program.goal,
        phase_end_date=program.phase_end_date,
        status=Program.Status.PAUSED,
    ),
    "a new program": lambda program, alice: program_create(
        patient=program.patient, therapist=alice, title="Plan", start_date=program.start_date
    ),
    "a new program from the program builder": lambda program, alice: program_builder.program_start(
        patient=program.patient,
        therapist=alice,
        title="Next phase",
        start_date=program.patient.local_today(),
    ),
    "a clinic exercise in the plan renamed": rename_clinic_exercise,
    "a library exercise in the plan put back by the seed": reseed_library_exercise,
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_every_change_to_a_plan_moves_that_patient_s_revision_only(
    change, pat, pat_program, pia, pia_program, alice
):
    library_seed()  # the shared library as production has it (it rewrites the glute bridge)
    pat_before, pia_before = revision(pat), revision(pia)
    CHANGES[change](pat_program, alice)
    assert revision(pat) > pat_before, change
    assert revision(pia) == pia_before, change


@pytest.mark.parametrize("change", list(CHANGES))
def test_the_kept_plan_is_read_again_after_every_change(change, pat, pat_program, alice):
    """What Today keeps is, after each change, what the database holds."""

    def seen(prescriptions: list[PrescribedExercise]) -> list[tuple[object, ...]]:
        return [
            (p.pk, p.sets, p.reps, p.order, p.notes, p.exercise.name, p.program.status)
            for p in prescriptions
        ]

    library_seed()
    day = pat.local_today()
    kept_prescriptions_in_force(PatientProfile.objects.get(pk=pat.pk), day)
    CHANGES[change](pat_program, alice)
    fresh = PatientProfile.objects.get(pk=pat.pk)
    assert seen(kept_prescriptions_in_force(fresh, day)) == seen(
        prescriptions_in_force(fresh, day)
    ), change


def test_a_shared_exercise_renamed_moves_every_patient_prescribed_it(
    pat, pat_program, pia, pia_program, alice
):
    Exercise.objects.filter(slug="glute-bridge").update(name="Drifted")
    pat_before, pia_before = revision(pat), revision(pia)
    library_seed()
    assert revision(pat) > pat_before and revision(pia) > pia_before


def test_an_exercise_nobody_is_prescribed_moves_no_revision(pat, pat_program, alice):
    spare = make_exercise("spare-stretch")
    Exercise.objects.filter(pk=spare.pk).update(clinic_id=pat.clinic_id)
    spare.refresh_from_db()
    before = revision(pat)
    clinic_library.clinic_exercise_update(
        exercise=spare, actor=alice, values=clinic_exercise_values(spare, name="Spare, renamed")
    )
    assert revision(pat) == before


def test_today_shows_a_change_made_after_it_was_opened(as_pat, pat, pat_program, alice):
    first = as_pat.get("/today/").content.decode()
    assert "Glute Bridge" in first and "2 × 12 reps" in first
    bridge = first_prescription(pat_program)
    program_builder.program_dosage_change(
        prescription=bridge,
        dosage=DosageSpec.from_exercise(bridge.exercise, sets=4),
        notes="",
        actor=alice,
    )
    again = as_pat.get("/today/").content.decode()
    assert "4 × 12 reps" in again
    program_builder.program_details_update(
        program=Program.objects.select_related("patient").get(pk=pat_program.pk),
        actor=alice,
        title=pat_program.title,
        goal=pat_program.goal,
        phase_end_date=None,
        status=Program.Status.PAUSED,
    )
    assert "Nothing is scheduled for today" in as_pat.get("/today/").content.decode()
