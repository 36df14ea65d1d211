import pytest
from django.urls import reverse

from tests.conftest import login

pytestmark = pytest.mark.django_db
URL = reverse("therapist-caseload")


def test_it_lists_the_therapist_s_patients(as_alice, pat, pia):
    page = as_alice.get(URL).content.decode()
    assert "pat@patient.test" in page and "pia@patient.test" in page


def test_it_never_shows_another_clinic_s_patients(client, pat, charlie, oscar):
    page = login(client, charlie).get(URL).content.decode()
    assert "oscar@patient.test" in page
    assert "pat@patient.test" not in page


def test_it_is_404_for_a_patient(client, pat):
    assert login(client, pat.user).get(URL).status_code == 404


def test_it_shows_whether_the_background_jobs_are_running(as_alice):
    from tracker.services.operations import heartbeat_record

    assert "not seen recently" in as_alice.get(URL).content.decode()
    heartbeat_record(name="scheduler")
    assert "Background jobs running" in as_alice.get(URL).content.decode()
