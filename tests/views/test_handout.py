"""The printable handout: the patient's own from Settings, any clinic patient's from the
program builder; nobody else's."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import login
from tracker.models import AuditEvent, Exercise, PrescribedExercise
from tracker.selectors.pictures import exercise_picture

pytestmark = pytest.mark.django_db
OWN = reverse("patient-handout")


def therapists(patient) -> str:
    return reverse("therapist-program-handout", args=[patient.pk])


@pytest.fixture
def noted(pat_program):
    rx = PrescribedExercise.objects.filter(program=pat_program, exercise__slug="glute-bridge")
    rx.update(notes="Squeeze at the top for two seconds.", side="left")
    return pat_program


def test_it_shows_each_exercise_with_its_steps_dosage_side_schedule_and_note(as_pat, pat, noted):
    page = as_pat.get(OWN).content.decode()
    assert "Exercise program for" in page and pat.user.display_name in page
    assert "Demo Clinic" in page
    assert pat.local_today().strftime("%B %Y") in page
    for rx in PrescribedExercise.objects.filter(program=noted, valid_to__isnull=True):
        assert rx.exercise.name in page
        for step in rx.exercise.steps:
            assert step in page
    assert "Left side only" in page
    assert "Squeeze at the top for two seconds." in page
    assert "every day" in page
    assert page.count('class="handout-exercise"') == 2


def test_each_exercise_shows_the_library_s_drawing_with_its_description(as_pat, noted):
    page = as_pat.get(OWN).content.decode()
    listed = page.split("handout-list")[1]
    assert page.count('class="hx-picture"') == 2
    for rx in PrescribedExercise.objects.filter(program=noted, valid_to__isnull=True):
        assert f"/static/tracker/illustrations/{rx.exercise.slug}.svg" in listed
        picture = exercise_picture(rx.exercise)
        assert picture is not None and f'alt="{escape(picture.alt)}"' in listed


def test_a_clinic_s_own_exercise_prints_without_a_drawing(as_pat, pat, noted):
    exercises = PrescribedExercise.objects.filter(program=noted).values("exercise_id")
    Exercise.objects.filter(pk__in=exercises).update(clinic=pat.clinic)
    page = as_pat.get(OWN).content.decode()
    assert page.count('class="hx-picture"') == 2 and "<img" not in page.split("handout-list")[1]


def test_settings_links_to_it(as_pat):
    assert f'href="{OWN}"' in as_pat.get(reverse("patient-settings")).content.decode()


def test_a_patient_without_exercises_is_told_so(as_pat):
    page = as_pat.get(OWN).content.decode()
    assert "There are no exercises in the program yet." in page
    assert "data-print" not in page


def test_a_therapist_of_the_clinic_prints_it_from_the_builder(client, bob, pat, noted):
    client = login(client, bob)
    builder = client.get(reverse("therapist-program", args=[pat.pk])).content.decode()
    assert f'href="{therapists(pat)}"' in builder
    response = client.get(therapists(pat))
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "Squeeze at the top for two seconds." in page and pat.user.display_name in page
    event = AuditEvent.objects.get(action="patient.exported", patient=pat)
    assert event.detail == {"what": "handout"} and event.actor == bob


def test_it_is_nobody_elses(client, pia, charlie, pat, noted):
    assert "Squeeze at the top" not in login(client, pia.user).get(OWN).content.decode()
    assert login(client, charlie).get(therapists(pat)).status_code == 404
    assert login(client, pat.user).get(therapists(pat)).status_code == 404


def test_the_page_has_no_inline_style_for_the_strict_csp(as_pat, noted):
    assert 'style="' not in as_pat.get(OWN).content.decode()
