"""Two-legged exercises have no side: the phone never says "each side" for them."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from tracker.models import Exercise, PatientProfile, PrescribedExercise
from tracker.services.library import library_seed
from tracker.services.prescribing import DosageSpec

pytestmark = pytest.mark.django_db

sided_migration = import_module("tracker.migrations.0012_exercise_sided")


def plan_items(html: str) -> dict[str, str]:
    """Today's plan items by exercise name (the last occurrence of each)."""
    items = html.split('class="plan-item')[1:]
    return {name: item for item in items for name in ("Glute Bridge", "Hip Flexor Stretch")
            if f">{name}</a>" in item}  # fmt: skip


def test_prescriptions_made_before_sidedness_lose_each_side_for_two_legged_exercises(
    as_pat, pat, pat_program
):
    revision = pat.plan_revision
    sided_migration.no_side_for_two_legged(apps, None)

    bridge = PrescribedExercise.objects.get(program=pat_program, exercise__slug="glute-bridge")
    stretch = PrescribedExercise.objects.get(
        program=pat_program, exercise__slug="hip-flexor-stretch"
    )
    assert (bridge.side, bridge.exercise.sided) == ("none", False)
    assert (stretch.side, stretch.exercise.sided) == ("both", True)
    assert PatientProfile.objects.get(pk=pat.pk).plan_revision > revision

    items = plan_items(as_pat.get(reverse("patient-today")).content.decode())
    assert "each side" not in items["Glute Bridge"]
    assert "each side" in items["Hip Flexor Stretch"]
    detail = as_pat.get(reverse("patient-exercise", args=[bridge.pk])).content.decode()
    assert "each side" not in detail


def test_a_two_legged_library_exercise_is_prescribed_with_no_side():
    library_seed()
    bridge = Exercise.objects.get(clinic__isnull=True, slug="glute-bridge")
    clamshell = Exercise.objects.get(clinic__isnull=True, slug="clamshell")
    assert DosageSpec.from_exercise(bridge).side == "none"
    assert DosageSpec.from_exercise(clamshell).side == "both"


def test_the_record_and_the_report_show_no_side_for_a_two_legged_exercise(
    client, alice, pat, pat_program
):
    sided_migration.no_side_for_two_legged(apps, None)
    client.force_login(alice)
    for name in ("therapist-record", "therapist-report"):
        page = client.get(reverse(name, args=[pat.pk])).content.decode()
        assert "Glute Bridge" in page, name
        assert "No side" not in page, name
