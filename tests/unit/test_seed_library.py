import re

import pytest

from tracker import library_data
from tracker.models import Exercise, ProgramTemplate, ProgramTemplateItem
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db

CATEGORIES = {"neural_glide", "mobility", "strength", "motor_control", "gait"}


def snapshot():
    return (
        list(Exercise.objects.order_by("slug").values()),
        list(ProgramTemplate.objects.order_by("slug").values()),
        list(
            ProgramTemplateItem.objects.order_by("template__slug", "order").values(
                "template__slug", "order", "exercise__slug", "sets", "reps", "hold_seconds"
            )
        ),
    )


def test_it_ships_a_library_of_at_least_25_exercises_in_every_category():
    slugs = [e["slug"] for e in library_data.EXERCISES]
    assert len(slugs) >= 25
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    assert {"sciatic-nerve-glide", "glute-bridge", "clamshell", "calf-raise"} <= set(slugs)
    assert {e["category"] for e in library_data.EXERCISES} == CATEGORIES
    for e in library_data.EXERCISES:
        assert e["steps"] and e["cues"] and e["cautions"], e["slug"]
        assert (e["default_reps"] is None) != (e["default_hold_seconds"] is None), e["slug"]


def test_it_ships_at_least_three_program_templates_built_from_the_library():
    slugs = {e["slug"] for e in library_data.EXERCISES}
    assert len(library_data.PROGRAM_TEMPLATES) >= 3
    for template in library_data.PROGRAM_TEMPLATES:
        assert {item["exercise"] for item in template["items"]} <= slugs


def test_it_loads_the_library_and_a_second_run_changes_nothing():
    first = library_seed()
    assert len(first.created) == len(library_data.EXERCISES) + len(library_data.PROGRAM_TEMPLATES)
    before = snapshot()
    second = library_seed()
    assert second.created == [] and second.updated == []
    assert snapshot() == before


def test_it_updates_a_changed_text_in_place_by_slug(monkeypatch):
    library_seed()
    bridge = Exercise.objects.get(slug="glute-bridge", clinic__isnull=True)
    changed = [
        {**e, "summary": "A new summary."} if e["slug"] == "glute-bridge" else e
        for e in library_data.EXERCISES
    ]
    monkeypatch.setattr(library_data, "EXERCISES", changed)
    report = library_seed()
    assert report.updated == ["glute-bridge"]
    bridge_after = Exercise.objects.get(slug="glute-bridge", clinic__isnull=True)
    assert bridge_after.pk == bridge.pk
    assert bridge_after.summary == "A new summary."
    assert Exercise.objects.filter(slug="glute-bridge").count() == 1


def test_it_uses_the_seeded_default_dosages():
    library_seed()
    glide = Exercise.objects.get(slug="sciatic-nerve-glide")
    assert glide.category == "neural_glide"
    assert 10 <= glide.default_reps <= 15 and 1 <= glide.default_sets <= 2
    assert 1 <= glide.default_times_per_day <= 2
    stretch = Exercise.objects.get(slug="hip-flexor-stretch")
    assert 20 <= stretch.default_hold_seconds <= 30 and stretch.default_reps is None
