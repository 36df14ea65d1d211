"""New recovery codes: the old ones stop working, the new ones are shown once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login
from tests.two_factor import (
    START,
    code_step,
    login_verified,
    password_step,
    stored_recovery_tokens,
    turn_on,
)
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("therapist-two-factor-recovery-codes")
FIELD = "codes-password_or_code"


def test_it_replaces_the_recovery_codes(client: Client, alice):
    with time_machine.travel(START, tick=False) as traveller:
        old = turn_on(alice)
        response = login_verified(client, alice).post(URL, {FIELD: PASSWORD})
        assert response.status_code == 200
        new = re.findall(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>", response.content.decode())
        assert len(new) == 10 and not set(new) & set(old)
        assert AuditEvent.objects.filter(action="auth.recovery_codes_regenerated").count() == 1
        # The session that made them stays signed in.
        assert client.get("/clinic/caseload/").status_code == 200

        browser = Client()
        password_step(browser, alice)
        assert code_step(browser, old[0]).status_code == 400
        traveller.shift(timedelta(seconds=2))  # the wait after a wrong code
        assert code_step(browser, new[0]).status_code == 302


def test_it_says_so_next_to_the_field_when_the_password_is_wrong(client: Client, alice):
    turn_on(alice)
    before = stored_recovery_tokens(alice)
    response = login_verified(client, alice).post(URL, {FIELD: "guess"})
    assert response.status_code == 400
    assert "That is neither your password nor a current code" in response.content.decode()
    assert stored_recovery_tokens(alice) == before


def test_it_has_nothing_to_renew_without_two_factor(client: Client, bob):
    response = login(client, bob).post(URL, {FIELD: PASSWORD}, follow=True)
    assert "Two-factor sign-in is not on." in response.content.decode()


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).post(URL, {FIELD: PASSWORD}).status_code == 404
