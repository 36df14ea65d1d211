"""The program handout prints six exercises, long steps and notes included, on at most two
pages of A4 or Letter, with the clinic's name and logo, the patient's name and the date.

Chromium renders the page to PDF as "Print or save as PDF" would; pypdf reads it back.
"""

from __future__ import annotations

import io
import re

import pytest
from django.db.models import TextField
from django.db.models.functions import Cast, Length
from PIL import Image
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_csp import violations_in_page, watch_for_violations
from tests.browser.test_login import demo_clinic, log_in  # noqa: F401 (a fixture)
from tracker.models import Exercise, PatientProfile, User
from tracker.services.branding import clinic_look_update, logo_prepare
from tracker.services.demo import DEMO_PATIENT
from tracker.services.prescribing import DosageSpec
from tracker.services.program_builder import program_exercise_add, program_start

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The longest a therapist's note may be (PrescribedExercise.notes).
LONG_NOTE = (
    "Keep the movement slow and smooth, and stop a little before the point where it pulls. "
    "If your knee aches afterwards, do one set fewer tomorrow and tell me at your next visit. "
    "Do these after your walk, when the muscles are warm, rather than first thing. "
)
LONG_NOTE = (LONG_NOTE * 3)[:500]


@pytest.fixture
def six_exercise_program(demo_clinic, settings, tmp_path):  # noqa: F811
    """Alex's program replaced by the six library exercises with the longest steps."""
    settings.MEDIA_ROOT = tmp_path / "media"
    patient = PatientProfile.objects.select_related("user", "clinic").get(user__email=DEMO_PATIENT)
    therapist = patient.therapist
    program = program_start(
        patient=patient,
        therapist=therapist,
        title="Knee strength, phase two",
        goal="Climb the stairs at home without stopping, one step at a time.",
        start_date=patient.local_today(),
    )
    by_length = (
        Exercise.objects.filter(clinic__isnull=True)
        .annotate(text=Length(Cast("steps", TextField())))  # the JSON list as text, any database
        .order_by("-text", "slug")
    )
    # The longest steps of the library, done one side at a time and with both legs.
    longest = [*by_length.filter(sided=True)[:4], *by_length.filter(sided=False)[:2]]
    sides = ["left", "right", "both", "both", "none", "none"]
    for exercise, side in zip(longest, sides, strict=True):
        program_exercise_add(
            program=program,
            exercise=exercise,
            actor=therapist,
            dosage=DosageSpec.from_exercise(exercise, side=side),
            notes=LONG_NOTE,
        )
    logo = io.BytesIO()
    Image.new("RGB", (600, 200), (11, 83, 148)).save(logo, format="PNG")
    logo.seek(0)
    clinic_look_update(clinic=patient.clinic, accent_colour="#0b5394", logo=logo_prepare(logo))
    return patient, longest


def pdf_of(page: Page, paper: str, name: str) -> PdfReader:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"handout-{name}-{paper}.pdf"
    page.pdf(path=str(path), format=paper, print_background=True)
    return PdfReader(str(path))


def text_of(reader: PdfReader) -> str:
    # PDF text runs break lines anywhere; spaces are enough to find names and numbers.
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def assert_handout(reader: PdfReader, patient: PatientProfile, exercises: list[Exercise]):
    assert 1 <= len(reader.pages) <= 2, f"{len(reader.pages)} pages"
    text = text_of(reader)
    assert "Demo Clinic" in text
    assert "Alex Rivera" in text
    assert patient.local_today().strftime("%B %Y") in text
    for exercise in exercises:
        assert exercise.name in text
        dose = (
            f"{exercise.default_sets} × {exercise.default_hold_seconds} s hold"
            if exercise.is_timed
            else f"{exercise.default_sets} × {exercise.default_reps} reps"
        )
        assert dose in text
    assert "Left side only" in text and "Right side only" in text
    assert text.count("From your therapist:") == 6
    assert "tell me at your next visit" in text


def test_a_patient_prints_six_exercises_on_two_pages_of_a4_or_letter(phone, six_exercise_program):
    patient, exercises = six_exercise_program
    messages = watch_for_violations(phone)
    log_in(phone, DEMO_PATIENT)
    phone.goto("/settings/")
    phone.get_by_role("link", name="Print my program").click()
    expect(phone.get_by_role("heading", name="Exercise program for Alex Rivera")).to_be_visible()
    expect(phone.locator(".handout-logo")).to_have_js_property("complete", True)
    assert phone.locator(".handout-logo").evaluate("img => img.naturalWidth") > 0
    for paper in ("A4", "Letter"):
        assert_handout(pdf_of(phone, paper, "patient"), patient, exercises)
    assert violations_in_page(phone) == [] and messages == []


def test_a_therapist_prints_it_from_the_program_builder(laptop, six_exercise_program):
    patient, exercises = six_exercise_program
    log_in(laptop, "therapist@rehabit.test")
    laptop.goto(f"/clinic/patients/{patient.pk}/program/")
    laptop.get_by_role("link", name="Print handout").click()
    expect(laptop.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    for paper in ("A4", "Letter"):
        assert_handout(pdf_of(laptop, paper, "therapist"), patient, exercises)


def test_the_handout_of_an_empty_program_says_so(phone, demo_clinic):  # noqa: F811
    patient = PatientProfile.objects.get(user__email=DEMO_PATIENT)
    program_start(
        patient=patient,
        therapist=User.objects.get(email="therapist@rehabit.test"),
        title="Fresh start",
        start_date=patient.local_today(),
    )
    log_in(phone, DEMO_PATIENT)
    phone.goto("/settings/handout/")
    expect(phone.get_by_text("There are no exercises in the program yet.")).to_be_visible()
    expect(phone.get_by_role("button", name="Print or save as PDF")).to_have_count(0)
