"""Loading the exercise library and program templates that ship with the app, by slug."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from tracker import library_data
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


def _exercise_values(seed: library_data.ExerciseSeed) -> dict[str, object]:
    return {
        "name": seed["name"],
        "category": seed["category"],
        "body_region": seed["body_region"],
        "summary": seed["summary"],
        "steps": list(seed["steps"]),
        "cues": list(seed["cues"]),
        "cautions": list(seed["cautions"]),
        "default_sets": seed["default_sets"],
        "default_reps": seed["default_reps"],
        "default_hold_seconds": seed["default_hold_seconds"],
        "default_times_per_day": seed["default_times_per_day"],
        "default_days_per_week": seed["default_days_per_week"],
        "default_side": seed["default_side"],
        "dosage_note": seed["dosage_note"],
        "is_active": True,
    }


def _sync(obj: object, values: dict[str, object]) -> bool:
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    return bool(changed)


@transaction.atomic
def library_seed() -> SeedReport:
    """Create or update the global library by slug. Run twice, nothing changes."""
    report = SeedReport()
    existing = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    for seed in library_data.EXERCISES:
        values = _exercise_values(seed)
        exercise = existing.get(seed["slug"])
        if exercise is None:
            existing[seed["slug"]] = Exercise.objects.create(slug=seed["slug"], **values)
            report.created.append(seed["slug"])
        elif _sync(exercise, values):
            exercise.save()
            plan_revision_bump_for_exercises(exercise_ids=[exercise.pk])
            report.updated.append(seed["slug"])
        else:
            report.unchanged += 1

    for tseed in library_data.PROGRAM_TEMPLATES:
        template = ProgramTemplate.objects.filter(clinic__isnull=True, slug=tseed["slug"]).first()
        values = {"name": tseed["name"], "goal": tseed["goal"], "description": tseed["description"]}
        wanted = []
        for order, item in enumerate(tseed["items"]):
            exercise = existing[item["exercise"]]
            dosage = {
                "sets": exercise.default_sets,
                "reps": exercise.default_reps,
                "hold_seconds": exercise.default_hold_seconds,
                "times_per_day": exercise.default_times_per_day,
                "days_per_week": exercise.default_days_per_week,
                "side": exercise.default_side,
            }
            for name in ITEM_FIELDS:
                if name in item:
                    dosage[name] = item[name]  # type: ignore[literal-required]
            if item.get("reps") is not None:
                dosage["hold_seconds"] = None
            if item.get("hold_seconds") is not None:
                dosage["reps"] = None
            wanted.append((order, exercise.pk, item.get("notes", ""), dosage))

        if template is None:
            template = ProgramTemplate.objects.create(slug=tseed["slug"], **values)
            report.created.append(f"template:{tseed['slug']}")
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
        if changed and f"template:{tseed['slug']}" not in report.created:
            report.updated.append(f"template:{tseed['slug']}")
        elif not changed:
            report.unchanged += 1
    return report
