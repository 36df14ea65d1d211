import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.workspace import exercise
from tracker.models import AuditEvent, Exercise

pytestmark = pytest.mark.django_db
URL = reverse("therapist-library")
NEW = reverse("therapist-exercise-new")
DATA = {
    "name": "Step-down with a towel",
    "category": "motor_control",
    "body_region": "knee",
    "summary": "Control the knee on the way down.",
    "steps": "Stand on a low step.\n\nLower the other heel slowly.\n",
    "cues": "Knee over the second toe",
    "cautions": "",
    "default_sets": 3,
    "amount_kind": "reps",
    "amount": 8,
    "default_times_per_day": 1,
    "default_days_per_week": 4,
    "default_side": "both",
    "video_url": "",
}


def test_it_lists_and_searches_the_library(as_alice):
    exercise("glute-bridge")
    exercise("clamshell")
    page = as_alice.get(URL, {"q": "clam"}, headers={"HX-Request": "true"}).content.decode()
    assert "Clamshell" in page and "Glute Bridge" not in page and "<html" not in page


def test_it_adds_a_clinic_exercise(as_alice, alice):
    response = as_alice.post(NEW, DATA)
    assert response.status_code == 302
    ex = Exercise.objects.get(clinic=alice.clinic)
    assert ex.slug == "step-down-with-a-towel"
    assert ex.steps == ["Stand on a low step.", "Lower the other heel slowly."]
    assert (ex.default_sets, ex.default_reps, ex.default_hold_seconds) == (3, 8, None)
    assert AuditEvent.objects.filter(action="exercise.created").exists()


def test_a_clinic_exercise_may_share_a_slug_with_the_global_library_and_other_clinics(
    as_alice, alice, charlie
):
    Exercise.objects.create(
        clinic=charlie.clinic, slug="step-down-with-a-towel", name="Step-down with a towel",
        category="strength", body_region="knee", steps=["x"], default_reps=5,
    )  # fmt: skip
    as_alice.post(NEW, DATA)
    assert Exercise.objects.get(clinic=alice.clinic).slug == "step-down-with-a-towel"


def test_it_refuses_a_second_exercise_of_the_same_name_in_the_clinic(as_alice):
    as_alice.post(NEW, DATA)
    response = as_alice.post(NEW, {**DATA, "name": "step-down WITH a towel"})
    assert response.status_code == 400
    assert "already has an exercise with this name" in response.content.decode()


def test_it_needs_steps(as_alice):
    response = as_alice.post(NEW, {**DATA, "steps": "\n  \n"})
    assert response.status_code == 400 and "This field is required." in response.content.decode()


def test_only_the_clinic_sees_and_edits_its_own_exercises(as_alice, alice, charlie):
    as_alice.post(NEW, DATA)
    ex = Exercise.objects.get(clinic=alice.clinic)
    edit = reverse("therapist-exercise-edit", args=[ex.pk])
    response = as_alice.post(edit, {**DATA, "amount_kind": "hold", "amount": 20})
    assert response.status_code == 302
    ex.refresh_from_db()
    assert (ex.default_reps, ex.default_hold_seconds) == (None, 20)
    client = login(Client(), charlie)
    assert "Step-down" not in client.get(URL).content.decode()
    assert client.get(edit).status_code == 404


def test_the_shared_library_is_read_only(as_alice):
    bridge = exercise("glute-bridge")
    assert as_alice.get(reverse("therapist-exercise-edit", args=[bridge.pk])).status_code == 404
