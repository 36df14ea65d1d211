"""The code step of logging in (the password was right, the code completes it)."""

from __future__ import annotations

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import (
    START,
    code_step,
    is_logged_in_as,
    next_code,
    password_step,
    turn_on,
    wrong_codes,
)
from tracker.models import User

pytestmark = pytest.mark.django_db
URL = reverse("login-two-factor")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(START, tick=False):
        yield


def test_it_asks_for_the_code_and_is_never_cached(client: Client, alice):
    turn_on(alice)
    password_step(client, alice)
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter your sign-in code" in page and 'autocomplete="one-time-code"' in page
    assert "no-store" in response["Cache-Control"]


def test_it_says_so_next_to_the_field_when_the_code_is_wrong(client: Client, alice):
    turn_on(alice)
    password_step(client, alice)
    response = code_step(client, wrong_codes(alice, 1)[0])
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-invalid="true"' in page
    assert "That code is not right" in page
    assert not is_logged_in_as(client, alice)


def test_it_explains_what_to_type_when_it_is_not_a_code_at_all(client: Client, alice):
    turn_on(alice)
    password_step(client, alice)
    response = code_step(client, "my dog's name")
    assert response.status_code == 400
    assert "Type the 6-digit code from your app" in response.content.decode()
    assert not AccessAttempt.objects.exists()  # not a guess at a code: not counted


def test_it_says_how_many_recovery_codes_are_left(client: Client, alice):
    codes = turn_on(alice)
    password_step(client, alice)
    response = code_step(client, codes[0])
    assert response.status_code == 302
    page = client.get(response["Location"], follow=True).content.decode()
    assert "You signed in with a recovery code; 9 are left." in page


def test_it_sends_a_visitor_with_no_password_step_to_log_in(client: Client, db):
    assert client.get(URL)["Location"] == reverse("login")
    assert code_step(client, "123456")["Location"] == reverse("login")


def test_it_does_not_let_another_browser_finish_someone_else_s_sign_in(client: Client, alice):
    turn_on(alice)
    password_step(client, alice)
    stranger = Client()
    response = code_step(stranger, next_code(alice))
    assert response["Location"] == reverse("login")
    assert not is_logged_in_as(stranger, alice)


def test_it_refuses_an_account_deactivated_in_between(client: Client, alice):
    turn_on(alice)
    password_step(client, alice)
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert code_step(client, next_code(alice))["Location"] == reverse("login")
    assert not is_logged_in_as(client, alice)


def test_it_sends_someone_already_logged_in_home(client: Client, bob):
    login(client, bob)
    assert client.get(URL)["Location"] == reverse("home")
