import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_sends_anonymous_visitors_to_log_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_it_sends_a_patient_to_today(as_pat):
    assert as_pat.get("/").url == reverse("patient-today")


def test_it_sends_a_therapist_to_the_caseload(as_alice):
    assert as_alice.get("/").url == reverse("therapist-caseload")


def test_it_logs_in_by_email_without_regard_to_case(client, pat):
    from tests.conftest import PASSWORD

    response = client.post(reverse("login"), {"username": "PAT@Patient.TEST", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("patient-today")).status_code == 200


def test_it_shows_an_error_for_a_wrong_password(client, pat):
    response = client.post(reverse("login"), {"username": pat.user.email, "password": "nope"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "That email and password do not match." in page
    # Emails match in any case (the test above): the error must not suggest otherwise.
    assert "case-sensitive" not in page
    assert "capital letters count there (not in the email)" in page


def test_it_answers_the_health_check_without_login(client, db):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}
