"""Loading the exercise library and program templates that ship with the app, by slug.

The data files are the English source; each text goes through gettext in the site's language
(LANGUAGE_CODE) on its way into the database, so a translation catalogue for that language
seeds a translated library, and without one the files' text is stored unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext

from tracker.content import ExerciseEntry, Library, load_library
from tracker.models import Exercise, ProgramTemplate, ProgramTemplateItem
from tracker.services.prescribing import plan_revision_bump_for_exercises

ITEM_FIELDS = ("sets", "reps", "hold_seconds", "times_per_day", "days_per_week")


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, {self.unchanged} unchanged"
        )


def _translated(text: str) -> str:
    # gettext("") would return the catalogue's header, not an empty text.
    return gettext(text) if text else text


def _exercise_values(entry: ExerciseEntry) -> dict[str, object]:
    return {
        "name": _translated(entry.name),
        "category": entry.category,
        "body_region": entry.body_region,
        "summary": _translated(entry.summary),
        "steps": [_translated(step) for step in entry.steps],
        "cues": [_translated(cue) for cue in entry.cues],
        "cautions": [_translated(caution) for caution in entry.cautions],
        "default_sets": entry.default_sets,
        "default_reps": entry.default_reps,
        "default_hold_seconds": entry.default_hold_seconds,
        "default_times_per_day": entry.default_times_per_day,
        "default_days_per_week": entry.default_days_per_week,
        "sided": entry.sided,
        "default_side": entry.default_side,
        "dosage_note": _translated(entry.dosage_note),
        "is_active": True,
    }


def _sync(obj: object, values: dict[str, object]) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return bool(changed)


def library_seed(library: Library | None = None) -> SeedReport:
    """Create or update the global library by slug. Run twice, nothing changes.

    Reads tracker/content/ unless given a library; a bad file raises ContentError before
    anything is written.
    """
    if library is None:
        library = load_library()
    # The stored text is in the site's language, whatever language a caller has active.
    with translation.override(settings.LANGUAGE_CODE):
        return _seed(library)


@transaction.atomic
def _seed(library: Library) -> SeedReport:
    report = SeedReport()
    existing = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    for entry in library.exercises:
        values = _exercise_values(entry)
        exercise = existing.get(entry.slug)
        if exercise is None:
            existing[entry.slug] = Exercise.objects.create(slug=entry.slug, **values)
            report.created.append(entry.slug)
        elif _sync(exercise, values):
            exercise.save()
            plan_revision_bump_for_exercises(exercise_ids=[exercise.pk])
            report.updated.append(entry.slug)
        else:
            report.unchanged += 1

    for tseed in library.templates:
        template = ProgramTemplate.objects.filter(clinic__isnull=True, slug=tseed.slug).first()
        values = {
            "name": _translated(tseed.name),
            "goal": _translated(tseed.goal),
            "description": _translated(tseed.description),
        }
        wanted = []
        for order, item in enumerate(tseed.items):
            exercise = existing[item.exercise]
            dosage = {
                "sets": exercise.default_sets,
                "reps": exercise.default_reps,
                "hold_seconds": exercise.default_hold_seconds,
                "times_per_day": exercise.default_times_per_day,
                "days_per_week": exercise.default_days_per_week,
                "side": exercise.default_side,
            }
            dosage.update(item.overrides)
            # A template may turn a timed exercise into a counted one, or the other way round.
            if "reps" in item.overrides:
                dosage["hold_seconds"] = None
            if "hold_seconds" in item.overrides:
                dosage["reps"] = None
            wanted.append((order, exercise.pk, _translated(item.notes), dosage))

        if template is None:
            template = ProgramTemplate.objects.create(slug=tseed.slug, **values)
            report.created.append(f"template:{tseed.slug}")
            changed = True
        else:
            changed = _sync(template, values)
            if changed:
                template.save()
        current = [
            (i.order, i.exercise_id, i.notes, {n: getattr(i, n) for n in (*ITEM_FIELDS, "side")})
            for i in template.items.order_by("order")
        ]
        if current != wanted:
            template.items.all().delete()
            ProgramTemplateItem.objects.bulk_create(
                ProgramTemplateItem(
                    template=template, order=order, exercise_id=ex_id, notes=notes, **dosage
                )
                for order, ex_id, notes, dosage in wanted
            )
            changed = True
        if changed and f"template:{tseed.slug}" not in report.created:
            report.updated.append(f"template:{tseed.slug}")
        elif not changed:
            report.unchanged += 1
    return report
