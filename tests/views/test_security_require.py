"""A clinic admin switches the clinic's two-factor rule on or off."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import login_verified, password_step, turn_on
from tracker.models import AuditEvent, Clinic, User

pytestmark = pytest.mark.django_db
URL = reverse("therapist-security-require")


def required(clinic: Clinic) -> bool:
    return Clinic.objects.get(pk=clinic.pk).require_two_factor


def test_it_requires_two_factor_and_the_clinic_s_therapists_must_set_it_up(
    client: Client, alice, bob, clinic
):
    turn_on(alice)
    response = login_verified(client, alice).post(URL, {"require_two_factor": "on"})
    assert response["Location"] == reverse("therapist-security")
    assert required(clinic)
    event = AuditEvent.objects.get(action="clinic.two_factor_required")
    assert event.actor == alice and event.clinic_id == clinic.pk
    assert client.get("/clinic/caseload/").status_code == 200  # alice has it: carries on

    bobs = Client()
    password_step(bobs, bob)
    assert bobs.get("/clinic/caseload/")["Location"].startswith(reverse("therapist-two-factor"))


def test_it_asks_the_admin_to_set_up_their_own_two_factor_first(client: Client, alice, clinic):
    response = login(client, alice).post(URL, {"require_two_factor": "on"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Set up two-factor sign-in for your own account first" in page
    assert 'class="f invalid"' in page
    assert not required(clinic)
    assert not AuditEvent.objects.filter(action="clinic.two_factor_required").exists()


def test_it_stops_requiring_it(client: Client, alice, clinic):
    turn_on(alice)
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    login_verified(client, alice).post(URL, {})
    assert not required(clinic)
    assert AuditEvent.objects.filter(action="clinic.two_factor_not_required").count() == 1


def test_it_records_one_change_when_submitted_twice(client: Client, alice, clinic):
    turn_on(alice)
    login_verified(client, alice)
    client.post(URL, {"require_two_factor": "on"})
    client.post(URL, {"require_two_factor": "on"})
    assert AuditEvent.objects.filter(action="clinic.two_factor_required").count() == 1


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin(client: Client, bob, clinic):
    turn_on(bob)
    assert login_verified(client, bob).post(URL, {"require_two_factor": "on"}).status_code == 404
    assert not required(clinic)


def test_it_is_404_for_patients(client: Client, pat, clinic):
    assert login(client, pat.user).post(URL, {"require_two_factor": "on"}).status_code == 404


def test_another_clinic_s_admin_changes_only_their_own_clinic(
    client: Client, charlie, clinic, other_clinic
):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    charlie = User.objects.get(pk=charlie.pk)
    turn_on(charlie)
    login_verified(client, charlie).post(URL, {"require_two_factor": "on"})
    assert required(other_clinic) and not required(clinic)
