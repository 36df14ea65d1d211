"""Outcome measures: loading questionnaire definitions, scheduling them in a program,
recording a patient's answers with their scores, and goals.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tracker.models import (
    Goal,
    PatientProfile,
    Program,
    ProgramMeasure,
    Questionnaire,
    QuestionnaireResponse,
    User,
)
from tracker.outcomes.definition import (
    Definition,
    DefinitionError,
    Kind,
    parse_definition,
    with_wording,
)
from tracker.outcomes.files import built_in_files, read_file
from tracker.outcomes.scoring import score
from tracker.services.audit import audit_record
from tracker.services.evaluation import patient_logged


def _fingerprint(definition: dict[str, Any]) -> str:
    canonical = json.dumps(definition, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def current_questionnaire(slug: str) -> Questionnaire | None:
    """The version patients answer: the newest with its wording, else the newest."""
    versions = Questionnaire.objects.filter(slug=slug).order_by("needs_wording", "-version")
    return versions.first()


@dataclass(frozen=True)
class Loaded:
    questionnaire: Questionnaire
    created: bool


@transaction.atomic
def questionnaire_load(data: object, source: str, *, built_in: bool = False) -> Loaded:
    """Store a definition as a new version of its questionnaire, unless one already holds it.

    ``data`` is either a definition or a wording file (``wording_for: SLUG``), whose item
    texts go into the newest stored version of that questionnaire's scoring. Refuses a bad
    definition with ``DefinitionError`` naming the file, the part and the field.
    """
    if isinstance(data, dict) and "wording_for" in data:
        slug = data["wording_for"]
        base = (
            Questionnaire.objects.filter(slug=str(slug)).order_by("-version").first()
            if isinstance(slug, str)
            else None
        )
        if base is None:
            raise DefinitionError(f"{source}: wording_for: no questionnaire {slug!r} is loaded")
        data = with_wording(base.definition, data, source)
    spec = parse_definition(data, source)
    definition = dict(spec.raw)
    fingerprint = _fingerprint(definition)
    versions = Questionnaire.objects.select_for_update().filter(slug=spec.slug)
    # The same definition again, as any version, is nothing new: loading is idempotent, and
    # the built-in scoring seeded again does not bury a version with the clinic's wording.
    same = versions.filter(fingerprint=fingerprint).order_by("-version").first()
    if same is not None:
        return Loaded(same, False)
    latest = versions.aggregate(latest=Max("version"))["latest"] or 0
    created = Questionnaire.objects.create(
        slug=spec.slug,
        version=latest + 1,
        title=spec.title,
        definition=definition,
        fingerprint=fingerprint,
        needs_wording=spec.needs_wording,
        built_in=built_in,
    )
    return Loaded(created, True)


def questionnaires_seed() -> list[Loaded]:
    """The built-in definitions (PSFS, the KOOS-12 scoring, the global rating of change)."""
    return [
        questionnaire_load(read_file(path), path.name, built_in=True) for path in built_in_files()
    ]


# --- Scheduling -----------------------------------------------------------------------------


@transaction.atomic
def measure_schedule(
    *,
    program: Program,
    questionnaire: Questionnaire,
    at_start: bool,
    every_days: int | None,
    at_discharge: bool,
    activities: int,
    request: HttpRequest | None = None,
) -> ProgramMeasure:
    """Ask for a questionnaire in a program; scheduling it again changes its occasions."""
    if questionnaire.needs_wording:
        raise ValidationError(
            _("%(title)s cannot be scheduled until your clinic loads its wording.")
            % {"title": questionnaire.title},
            code="needs_wording",
        )
    if not (at_start or every_days or at_discharge):
        raise ValidationError(_("Choose at least one time to ask."), code="no_occasion")
    spec = questionnaire.spec
    if spec.activities is not None and not 1 <= activities <= spec.activities.most:
        raise ValidationError(
            _("Choose from 1 to %(most)s activities.") % {"most": spec.activities.most},
            code="activities",
        )
    measure, _created = ProgramMeasure.objects.update_or_create(
        program=program,
        questionnaire=questionnaire,
        defaults={
            "at_start": at_start,
            "every_days": every_days,
            "at_discharge": at_discharge,
            "activities": activities if spec.activities is not None else 1,
        },
    )
    audit_record(
        action="measure.scheduled",
        request=request,
        patient=program.patient,
        target=measure,
        detail={
            "questionnaire": questionnaire.slug,
            "at_start": at_start,
            "every_days": every_days,
            "at_discharge": at_discharge,
        },
    )
    return measure


@transaction.atomic
def measure_remove(*, measure: ProgramMeasure, request: HttpRequest | None = None) -> None:
    """Stop asking; the answers already given stay in the record."""
    audit_record(
        action="measure.removed",
        request=request,
        patient=measure.program.patient,
        target=measure,
        detail={"questionnaire": measure.questionnaire.slug},
    )
    measure.delete()


# --- Answers --------------------------------------------------------------------------------


class AlreadyAnswered(ValidationError):
    pass


def _check_answers(
    spec: Definition, answers: dict[str, int | None], activities: dict[str, str]
) -> None:
    """The answers fit the definition (the form checks first; this guards the service)."""
    for key, value in answers.items():
        try:
            item = spec.item(key)
        except KeyError:
            raise ValidationError(f"Unknown item {key!r}.") from None
        if value is not None and not item.allows(value):
            raise ValidationError(f"{value!r} is not an answer to {key!r}.")
    if spec.kind is Kind.ACTIVITIES and set(activities) != set(answers):
        raise ValidationError("Every activity needs a name and a rating.")


def response_record(
    *,
    patient: PatientProfile,
    questionnaire: Questionnaire,
    measure: ProgramMeasure | None,
    client_id: uuid.UUID,
    local_date: date,
    due_on: date,
    occasion: str,
    answers: dict[str, int | None],
    activities: dict[str, str] | None = None,
) -> tuple[QuestionnaireResponse, bool]:
    """Store one answered questionnaire with its scores, exactly once.

    The phone's id makes a resent submit find the first one (``created`` False); another
    answer to an occasion already answered is refused with ``AlreadyAnswered``.
    """
    spec = questionnaire.spec
    activities = activities or {}
    _check_answers(spec, answers, activities)
    existing = QuestionnaireResponse.objects.filter(client_id=client_id).first()
    if existing is not None:
        if existing.patient_id != patient.pk:
            raise ValidationError("This id belongs to another answer.")
        return existing, False
    result = score(spec, answers)
    try:
        with transaction.atomic():
            response = QuestionnaireResponse.objects.create(
                clinic_id=patient.clinic_id,
                patient=patient,
                questionnaire=questionnaire,
                questionnaire_slug=questionnaire.slug,
                measure=measure,
                client_id=client_id,
                local_date=local_date,
                due_on=due_on,
                occasion=occasion,
                answers=answers,
                activities=activities,
                scores=result.values,
                imputed=list(result.imputed),
                primary_score=result.values.get(spec.primary),
            )
            patient_logged(patient=patient)
    except IntegrityError:
        again = QuestionnaireResponse.objects.filter(client_id=client_id).first()
        if again is not None and again.patient_id == patient.pk:
            return again, False  # the same submit, raced by its own retry
        raise AlreadyAnswered(
            _("You have already answered this questionnaire. Thank you!"), code="answered"
        ) from None
    return response, True


# --- Goals ------------------------------------------------------------------------------------


@transaction.atomic
def goal_set(
    *,
    patient: PatientProfile,
    therapist: User,
    activity_key: str,
    activity: str,
    baseline: int,
    target: int,
    target_date: date,
    request: HttpRequest | None = None,
) -> Goal:
    """A target for one of the patient's named activities; setting it again replaces it."""
    if target <= baseline:
        raise ValidationError({"target": _("The target must be above the starting rating.")})
    goal, _created = Goal.objects.update_or_create(
        patient=patient,
        questionnaire_slug="psfs",
        activity_key=activity_key,
        defaults={
            "clinic_id": patient.clinic_id,
            "set_by": therapist,
            "activity": activity,
            "baseline": baseline,
            "target": target,
            "target_date": target_date,
        },
    )
    audit_record(
        action="goal.set",
        request=request,
        patient=patient,
        target=goal,
        detail={"activity": activity, "baseline": baseline, "target": target,
                "by": target_date.isoformat()},
    )  # fmt: skip
    return goal


@transaction.atomic
def goal_remove(*, goal: Goal, request: HttpRequest | None = None) -> None:
    audit_record(
        action="goal.removed", request=request, patient=goal.patient, target=goal,
        detail={"activity": goal.activity},
    )  # fmt: skip
    goal.delete()
