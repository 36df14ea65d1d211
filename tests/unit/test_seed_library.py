import dataclasses
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import translation

from tracker.content import load_library
from tracker.models import Exercise, ProgramTemplate, ProgramTemplateItem
from tracker.services import library as library_service
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db

CATEGORIES = {"neural_glide", "mobility", "strength", "motor_control", "gait"}
LIBRARY = load_library()


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
    slugs = [e.slug for e in LIBRARY.exercises]
    assert len(slugs) >= 25
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    assert {"sciatic-nerve-glide", "glute-bridge", "clamshell", "calf-raise"} <= set(slugs)
    assert {e.category for e in LIBRARY.exercises} == CATEGORIES
    for e in LIBRARY.exercises:
        assert e.steps and e.cues and e.cautions, e.slug
        assert (e.default_reps is None) != (e.default_hold_seconds is None), e.slug


def test_it_ships_at_least_three_program_templates_built_from_the_library():
    slugs = {e.slug for e in LIBRARY.exercises}
    assert len(LIBRARY.templates) >= 3
    for template in LIBRARY.templates:
        assert {item.exercise for item in template.items} <= slugs


def test_it_loads_the_library_and_a_second_run_changes_nothing():
    first = library_seed()
    assert len(first.created) == len(LIBRARY.exercises) + len(LIBRARY.templates)
    before = snapshot()
    second = library_seed()
    assert second.created == [] and second.updated == []
    assert snapshot() == before


def test_it_stores_the_english_source_text_unchanged():
    library_seed()
    stored = {e.slug: e for e in Exercise.objects.filter(clinic__isnull=True)}
    for entry in LIBRARY.exercises:
        exercise = stored[entry.slug]
        assert exercise.name == entry.name and exercise.summary == entry.summary
        assert exercise.steps == list(entry.steps) and exercise.cues == list(entry.cues)
        assert exercise.cautions == list(entry.cautions)
        assert exercise.dosage_note == entry.dosage_note
    nerve = ProgramTemplate.objects.get(slug="nerve-sensitive-knee", clinic__isnull=True)
    assert nerve.name == "Nerve-sensitive knee: glide, mobilize, strengthen"
    saphenous = nerve.items.get(exercise__slug="saphenous-nerve-glide")
    assert saphenous.notes == "Most useful when symptoms sit mainly on the inside of the knee."


def test_it_applies_template_dosage_overrides_over_the_exercise_defaults():
    library_seed()
    nerve = ProgramTemplate.objects.get(slug="nerve-sensitive-knee", clinic__isnull=True)
    hamstring = nerve.items.get(exercise__slug="hamstring-stretch")
    stretch = Exercise.objects.get(slug="hamstring-stretch", clinic__isnull=True)
    assert hamstring.sets == 2 and hamstring.hold_seconds == stretch.default_hold_seconds
    assert [i.exercise.slug for i in nerve.items.order_by("order")][:2] == [
        "sciatic-nerve-glide",
        "femoral-nerve-glide",
    ]


def test_it_passes_every_text_through_gettext_in_the_site_language(monkeypatch, settings):
    seen_languages = set()

    def shouting(text):
        seen_languages.add(translation.get_language())
        return text.upper()

    monkeypatch.setattr(library_service, "gettext", shouting)
    settings.LANGUAGE_CODE = "en"
    with translation.override("de"):
        library_seed()
    glide = Exercise.objects.get(slug="sciatic-nerve-glide", clinic__isnull=True)
    assert glide.name == "SCIATIC NERVE GLIDE (SEATED)"
    assert all(step.isupper() for step in glide.steps)
    assert seen_languages == {"en"}
    # An item without notes keeps empty notes (gettext("") would be the catalogue header).
    assert ProgramTemplateItem.objects.filter(notes="").exists()


def test_it_updates_a_changed_text_in_place_by_slug():
    library_seed()
    bridge = Exercise.objects.get(slug="glute-bridge", clinic__isnull=True)
    changed = dataclasses.replace(
        LIBRARY,
        exercises=tuple(
            dataclasses.replace(e, summary="A new summary.") if e.slug == "glute-bridge" else e
            for e in LIBRARY.exercises
        ),
    )
    report = library_seed(changed)
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


def test_the_seed_command_reports_what_it_did():
    out = StringIO()
    call_command("seed_library", stdout=out)
    call_command("seed_library", stdout=out)
    total = len(LIBRARY.exercises) + len(LIBRARY.templates)
    assert f"0 created, 0 updated, {total} unchanged" in out.getvalue()


def test_it_seeds_sidedness_and_no_side_for_two_legged_exercises_idempotently():
    library_seed()
    bridge = Exercise.objects.get(clinic__isnull=True, slug="glute-bridge")
    clamshell = Exercise.objects.get(clinic__isnull=True, slug="clamshell")
    assert (bridge.sided, bridge.default_side) == (False, "none")
    assert (clamshell.sided, clamshell.default_side) == (True, "both")
    item = ProgramTemplateItem.objects.filter(exercise=bridge).first()
    assert item is None or item.side == "none"
    # A library seeded before sidedness existed is corrected by the next seed, once.
    Exercise.objects.filter(pk=bridge.pk).update(sided=True, default_side="both")
    assert library_seed().updated == ["glute-bridge"]
    assert library_seed().updated == []
