"""Outcome measures for tests: the built-ins seeded, the KOOS-12 loaded with placeholder
wording (the licensed text is not shipped), and answers given through the real service."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path

from tracker.models import PatientProfile, Program, ProgramMeasure, Questionnaire
from tracker.outcomes.files import read_file
from tracker.services.outcomes import (
    current_questionnaire,
    measure_schedule,
    questionnaire_load,
    questionnaires_seed,
    response_record,
)

KOOS_WORDING = (
    Path(__file__).resolve().parent / "fixtures/questionnaires/koos-12-placeholder-wording.yaml"
)


def seed() -> dict[str, Questionnaire]:
    questionnaires_seed()
    return {slug: current_questionnaire(slug) for slug in ("psfs", "groc", "koos-12")}  # type: ignore[misc]


def load_koos() -> Questionnaire:
    questionnaires_seed()
    return questionnaire_load(read_file(KOOS_WORDING), KOOS_WORDING.name).questionnaire


def schedule(program: Program, slug: str = "psfs", **options: object) -> ProgramMeasure:
    questionnaire = current_questionnaire(slug) or seed()[slug]
    settings = {"at_start": True, "every_days": 14, "at_discharge": True, "activities": 3}
    settings.update(options)
    return measure_schedule(program=program, questionnaire=questionnaire, **settings)  # type: ignore[arg-type]


def answer_psfs(
    patient: PatientProfile,
    measure: ProgramMeasure,
    on: date,
    ratings: list[int],
    *,
    names: list[str] | None = None,
    due_on: date | None = None,
    occasion: str = "repeat",
):
    names = names or ["Climb stairs", "Kneel in the garden", "Walk to the shops"][: len(ratings)]
    keys = [f"a{i}" for i in range(1, len(ratings) + 1)]
    response, _created = response_record(
        patient=patient,
        questionnaire=measure.questionnaire,
        measure=measure,
        client_id=uuid.uuid4(),
        local_date=on,
        due_on=due_on or on,
        occasion=occasion,
        answers=dict(zip(keys, ratings, strict=True)),
        activities=dict(zip(keys, names, strict=True)),
    )
    return response
