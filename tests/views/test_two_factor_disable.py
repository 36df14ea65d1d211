"""Turning two-factor sign-in off: only with the password or a code, never while required."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login
from tests.two_factor import (
    START,
    app_key,
    login_verified,
    next_code,
    stored_recovery_tokens,
    turn_on,
    wrong_codes,
)
from tracker.models import AuditEvent, Clinic, User

pytestmark = pytest.mark.django_db
URL = reverse("therapist-two-factor-disable")
FIELD = "disable-password_or_code"


@pytest.fixture
def alice_with_two_factor(client: Client, alice) -> Client:
    with time_machine.travel(START, tick=False):
        turn_on(alice)
        yield login_verified(client, alice)


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_it_turns_it_off_with_the_password(alice_with_two_factor, alice):
    response = alice_with_two_factor.post(URL, {FIELD: PASSWORD})
    assert response["Location"] == reverse("therapist-two-factor")
    alice = reload(alice)
    assert not alice.has_two_factor
    assert app_key(alice) is None and stored_recovery_tokens(alice) == []
    assert AuditEvent.objects.filter(action="auth.two_factor_disabled", actor=alice).exists()


def test_it_turns_it_off_with_a_code_from_the_app(alice_with_two_factor, alice):
    alice_with_two_factor.post(URL, {FIELD: next_code(alice)})
    assert not reload(alice).has_two_factor


def test_it_says_so_next_to_the_field_when_neither_is_right(alice_with_two_factor, alice):
    response = alice_with_two_factor.post(URL, {FIELD: "not my password"})
    assert response.status_code == 400
    assert "That is neither your password nor a current code" in response.content.decode()
    assert reload(alice).has_two_factor


def test_it_refuses_while_the_clinic_requires_it(alice_with_two_factor, alice, clinic):
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    response = alice_with_two_factor.post(URL, {FIELD: PASSWORD})
    assert response.status_code == 400
    assert "Your clinic requires two-factor sign-in" in response.content.decode()
    assert reload(alice).has_two_factor
    assert not AuditEvent.objects.filter(action="auth.two_factor_disabled").exists()


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).post(URL, {FIELD: PASSWORD}).status_code == 404


def test_it_asks_to_wait_after_a_wrong_code_from_the_app(alice_with_two_factor, alice):
    with time_machine.travel(START + timedelta(seconds=5), tick=False) as traveller:
        right = next_code(alice)
        alice_with_two_factor.post(URL, {FIELD: wrong_codes(alice, 1)[0]})
        response = alice_with_two_factor.post(URL, {FIELD: right})
        assert response.status_code == 400
        assert "Too many wrong codes in a row. Wait 1 second" in response.content.decode()
        assert reload(alice).has_two_factor
        traveller.shift(timedelta(seconds=1))
        alice_with_two_factor.post(URL, {FIELD: right})
    assert not reload(alice).has_two_factor
