"""Changing one's password: from Settings or the therapist's account page; the other
sessions end, this one stays."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
CHANGE = reverse("password-change")
NEW_PASSWORD = "stairs without a railing"


def change(client: Client, old: str = PASSWORD, new: str = NEW_PASSWORD):
    return client.post(CHANGE, {"old_password": old, "new_password1": new, "new_password2": new})


def logged_in(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_patient_settings_and_the_therapist_account_page_link_to_it(as_pat, alice):
    assert CHANGE in as_pat.get(reverse("patient-settings")).content.decode()
    therapist = Client()
    therapist.force_login(alice)
    assert CHANGE in therapist.get(reverse("therapist-two-factor")).content.decode()


def test_a_patient_changes_it_keeps_this_session_and_ends_the_others(pat):
    here, elsewhere = logged_in(pat.user), logged_in(pat.user)
    response = change(here)
    assert response.status_code == 302
    pat.user.refresh_from_db()
    assert pat.user.check_password(NEW_PASSWORD)
    assert here.get(reverse("patient-today")).status_code == 200
    gone = elsewhere.get(reverse("patient-today"))
    assert gone.status_code == 302 and gone.url.startswith(reverse("login"))


def test_a_therapist_changes_it_too(alice):
    here, elsewhere = logged_in(alice), logged_in(alice)
    assert change(here).status_code == 302
    assert here.get(reverse("therapist-caseload")).status_code == 200
    assert elsewhere.get(reverse("therapist-caseload")).url.startswith(reverse("login"))


def test_the_change_is_audited(pat):
    change(logged_in(pat.user))
    event = AuditEvent.objects.get(action="auth.password_changed")
    assert event.actor == pat.user and event.clinic_id == pat.clinic_id


def test_a_wrong_current_password_changes_nothing(pat):
    client = logged_in(pat.user)
    response = change(client, old="not my password")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    pat.user.refresh_from_db()
    assert pat.user.check_password(PASSWORD)
    assert not AuditEvent.objects.filter(action="auth.password_changed").exists()


def test_it_asks_to_log_in_first(client):
    response = client.get(CHANGE)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
