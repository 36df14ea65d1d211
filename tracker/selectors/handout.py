"""The printable handout of a patient's current program: what the patient takes home."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tracker.models import Clinic, PatientProfile, PrescribedExercise, Program
from tracker.selectors.record import current_prescriptions, current_program


@dataclass(frozen=True)
class Handout:
    patient: PatientProfile
    clinic: Clinic
    program: Program | None
    prescriptions: list[PrescribedExercise]
    printed_on: date  # the patient's own date, as on their phone


def program_handout(patient: PatientProfile) -> Handout:
    """The program the patient follows now, each exercise as prescribed today (2 queries)."""
    program = current_program(patient)
    return Handout(
        patient=patient,
        clinic=patient.clinic,
        program=program,
        prescriptions=current_prescriptions(program) if program else [],
        printed_on=patient.local_today(),
    )
