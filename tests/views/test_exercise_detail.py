import pytest
from django.urls import reverse
from django.utils.html import escape

from tests.conftest import login
from tracker.content import illustrations_by_slug

pytestmark = pytest.mark.django_db


def url(prescribed):
    return reverse("patient-exercise", args=[prescribed.pk])


@pytest.fixture
def stretch_rx(pat_program):
    rx = pat_program.prescriptions.get(exercise__slug="hip-flexor-stretch")
    exercise = rx.exercise
    exercise.cues = ["Keep your back tall."]
    exercise.cautions = ["A gentle stretch is plenty."]
    exercise.image_url = "https://example.org/stretch.png"
    exercise.video_url = "https://example.org/stretch"
    exercise.save()
    return rx


def test_it_shows_steps_cues_cautions_and_media(as_pat, stretch_rx):
    html = as_pat.get(url(stretch_rx)).content.decode()
    assert "Lie on your back." in html and "Lift your hips." in html
    assert "Keep your back tall." in html and "A gentle stretch is plenty." in html
    assert 'src="https://example.org/stretch.png"' in html
    assert 'href="https://example.org/stretch"' in html


def test_it_shows_the_patient_s_own_dosage_with_a_timer(as_pat, stretch_rx):
    html = as_pat.get(url(stretch_rx)).content.decode()
    assert "2 × 30 s hold" in html and "2 times a day" in html
    assert 'data-seconds="30"' in html


def test_an_outsider_gets_404_for_another_patient_s_exercise(client, pia, oscar, stretch_rx):
    assert login(client, pia.user).get(url(stretch_rx)).status_code == 404
    assert login(client, oscar.user).get(url(stretch_rx)).status_code == 404


def test_it_is_404_for_a_therapist(client, alice, stretch_rx):
    assert login(client, alice).get(url(stretch_rx)).status_code == 404


def test_it_shows_the_built_in_drawing_large_with_its_description(as_pat, stretch_rx):
    html = as_pat.get(url(stretch_rx)).content.decode()
    described = escape(illustrations_by_slug()["hip-flexor-stretch"].source_alt)
    assert 'src="/static/tracker/illustrations/hip-flexor-stretch.svg"' in html
    assert f'alt="{described}"' in html
    assert 'width="424" height="212"' in html


def test_a_clinic_s_own_exercise_has_no_built_in_drawing(as_pat, pat, stretch_rx):
    stretch_rx.exercise.clinic = pat.clinic
    stretch_rx.exercise.save()
    html = as_pat.get(url(stretch_rx)).content.decode()
    assert "tracker/illustrations/" not in html
