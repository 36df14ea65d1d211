"""A clinic admin resets a therapist's two-factor sign-in (a lost or replaced phone)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import (
    app_key,
    is_logged_in_as,
    login_verified,
    password_step,
    stored_recovery_tokens,
    turn_on,
)
from tracker.models import AuditEvent, Clinic, User

pytestmark = pytest.mark.django_db


def url(therapist: User) -> str:
    return reverse("therapist-two-factor-reset", args=[therapist.pk])


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_it_resets_a_therapist_and_audits_who_did_it(client: Client, alice, bob):
    turn_on(bob)
    response = login(client, alice).post(url(bob))
    assert response["Location"] == reverse("therapist-security")
    bob = reload(bob)
    assert not bob.has_two_factor
    assert app_key(bob) is None and stored_recovery_tokens(bob) == []
    event = AuditEvent.objects.get(action="auth.two_factor_reset")
    assert event.actor == alice and event.target_id == str(bob.pk)
    assert event.detail == {"therapist": bob.email, "was_on": True}
    page = client.get(response["Location"]).content.decode()
    assert "Two-factor sign-in of Bob is reset." in page


def test_it_sends_the_therapist_to_set_it_up_again_when_the_clinic_requires_it(
    client: Client, alice, bob, clinic
):
    turn_on(alice)
    turn_on(bob)
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    login_verified(client, alice).post(url(bob))
    bobs = Client()
    password_step(bobs, bob)  # no code asked: there is none any more
    assert is_logged_in_as(bobs, bob)
    assert bobs.get("/clinic/caseload/")["Location"].startswith(reverse("therapist-two-factor"))


def test_it_says_so_when_there_is_nothing_to_reset(client: Client, alice, bob):
    page = login(client, alice).post(url(bob), follow=True).content.decode()
    assert "Bob has not set up two-factor sign-in; there is nothing to reset." in page
    assert not AuditEvent.objects.filter(action="auth.two_factor_reset").exists()


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin(client: Client, alice, bob):
    turn_on(alice)
    assert login(client, bob).post(url(alice)).status_code == 404
    assert reload(alice).has_two_factor


def test_it_is_404_for_another_clinic_s_admin(client: Client, charlie, bob):
    turn_on(bob)
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    assert login(client, reload(charlie)).post(url(bob)).status_code == 404
    assert reload(bob).has_two_factor


def test_it_is_404_for_the_admin_s_own_account(client: Client, alice):
    turn_on(alice)
    assert login_verified(client, alice).post(url(alice)).status_code == 404
    assert reload(alice).has_two_factor


def test_it_is_404_for_a_patient_id(client: Client, alice, pat):
    assert login(client, alice).post(url(pat.user)).status_code == 404


def test_it_is_404_for_patients(client: Client, pat, bob):
    turn_on(bob)
    assert login(client, pat.user).post(url(bob)).status_code == 404
    assert reload(bob).has_two_factor
