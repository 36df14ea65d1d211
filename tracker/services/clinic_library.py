"""A clinic's own exercises, next to the global library that ships with the app."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tracker.models import Clinic, Exercise, Side, User
from tracker.services.audit import audit_record
from tracker.services.prescribing import plan_revision_bump_for_exercises


@dataclass(frozen=True)
class ExerciseValues:
    name: str
    category: str
    body_region: str
    summary: str
    steps: list[str]
    cues: list[str]
    cautions: list[str]
    default_sets: int
    default_reps: int | None
    default_hold_seconds: int | None
    default_times_per_day: int
    default_days_per_week: int
    default_side: str
    video_url: str = ""


def _slug_for(clinic: Clinic, name: str) -> str:
    # Slugs are permanent identities (imports refer to them), so they come from the first name
    # and never change when the exercise is renamed later.
    base = slugify(name)[:70] or "exercise"
    slug, n = base, 2
    while Exercise.objects.filter(clinic=clinic, slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def clinic_exercise_create(
    *, clinic: Clinic, actor: User, values: ExerciseValues, request: HttpRequest | None = None
) -> Exercise:
    if Exercise.objects.filter(clinic=clinic, name__iexact=values.name.strip()).exists():
        raise ValidationError({"name": _("Your clinic already has an exercise with this name.")})
    try:
        with transaction.atomic():
            exercise = Exercise.objects.create(
                clinic=clinic, slug=_slug_for(clinic, values.name), **_fields(values)
            )
            audit_record(
                action="exercise.created",
                actor=actor,
                request=request,
                target=exercise,
                detail={"name": exercise.name},
            )
    except IntegrityError as exc:  # a colleague saved the same name a moment ago
        raise ValidationError(
            {"name": _("Your clinic already has an exercise with this name.")}
        ) from exc
    return exercise


@transaction.atomic
def clinic_exercise_update(
    *, exercise: Exercise, actor: User, values: ExerciseValues, request: HttpRequest | None = None
) -> Exercise:
    """Edit wording or defaults. Programs keep their own dosage; logs keep their snapshot."""
    if exercise.clinic_id is None:
        raise ValidationError(_("Exercises of the shared library can't be edited here."))
    clash = Exercise.objects.filter(
        clinic_id=exercise.clinic_id, name__iexact=values.name.strip()
    ).exclude(pk=exercise.pk)
    if clash.exists():
        raise ValidationError({"name": _("Your clinic already has an exercise with this name.")})
    changed = sorted(
        name for name, value in _fields(values).items() if getattr(exercise, name) != value
    )
    for name, value in _fields(values).items():
        setattr(exercise, name, value)
    exercise.save()
    if changed:
        plan_revision_bump_for_exercises(exercise_ids=[exercise.pk])
    audit_record(
        action="exercise.updated",
        actor=actor,
        request=request,
        target=exercise,
        detail={"name": exercise.name, "fields": changed},
    )
    return exercise


def _fields(values: ExerciseValues) -> dict[str, object]:
    fields = dict(values.__dict__)
    fields["name"] = values.name.strip()
    # A clinic's exercise is one-sided unless its therapist says it has no side.
    fields["sided"] = values.default_side != Side.NONE
    return fields
