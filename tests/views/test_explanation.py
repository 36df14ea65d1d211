import pytest
from django.urls import reverse
from django.utils.html import escape

from patient.views.phone import EXPLANATIONS_BY_SLUG
from tests.conftest import login

pytestmark = pytest.mark.django_db


def test_it_shows_a_patient_facing_explanation(as_pat):
    html = as_pat.get(reverse("patient-explanation", args=["pain-traffic-light"])).content.decode()
    assert "The pain traffic light" in html and "Green, 0–2" in html


def test_every_shipped_explanation_opens_with_its_title(as_pat):
    for slug, explanation in EXPLANATIONS_BY_SLUG.items():
        response = as_pat.get(reverse("patient-explanation", args=[slug]))
        assert response.status_code == 200
        assert f"<h1>{escape(explanation.title)}</h1>" in response.content.decode()


def test_an_unknown_explanation_is_404(as_pat):
    assert as_pat.get(reverse("patient-explanation", args=["nope"])).status_code == 404


def test_it_is_404_for_a_therapist(client, alice, charlie):
    url = reverse("patient-explanation", args=["pain-traffic-light"])
    assert login(client, alice).get(url).status_code == 404
    assert login(client, charlie).get(url).status_code == 404
