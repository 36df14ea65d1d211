"""The program builder brings an added exercise into view, however long the program."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in
from tests.conftest import PASSWORD
from tracker.models import Exercise, PrescribedExercise
from tracker.services.library import library_seed
from tracker.services.prescribing import DosageSpec, prescription_add, program_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_added_exercise_is_scrolled_to_and_marked_in_the_library(laptop: Page, alice, pat):
    library_seed()
    start = pat.local_today() - timedelta(days=7)
    program = program_create(patient=pat, therapist=alice, title="Knee plan", start_date=start)
    # A long program: a new row lands far below the fold.
    others = (
        Exercise.objects.filter(clinic__isnull=True)
        .exclude(name__icontains="clamshell")
        .order_by("slug")
    )
    for exercise in others[:14]:
        prescription_add(
            program=program,
            exercise=exercise,
            dosage=DosageSpec.from_exercise(exercise),
            valid_from=start,
        )
    page = laptop
    log_in(page, alice.email, PASSWORD)
    page.goto(reverse("therapist-program", args=[pat.pk]))
    page.get_by_label("Search").fill("clamshell")

    page.get_by_role("button", name="Add Clamshell").click()
    # The click's answer has been swapped in (so its request has committed) before the row
    # is read back from the database.
    expect(page.get_by_role("button", name="Add Clamshell")).to_have_count(0)

    added = PrescribedExercise.objects.get(program=program, exercise__slug="clamshell")
    row = page.locator(f"#rx-{added.pk}")
    expect(row).to_be_in_viewport()
    expect(row).to_be_focused()
    expect(row).to_have_class("rx just-added")
    expect(page.locator("#library-results")).to_contain_text("In the program")
    expect(page.get_by_role("button", name="Add Clamshell")).to_have_count(0)
