"""Confirming the set-up with the app's first code: two-factor on, recovery codes shown once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import START, app, stored_recovery_tokens, turn_on, wrong_codes
from tracker.models import AuditEvent, User
from tracker.services.two_factor import two_factor_begin

pytestmark = pytest.mark.django_db
URL = reverse("therapist-two-factor-confirm")


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.fixture
def bob_setting_up(client: Client, bob) -> Client:
    two_factor_begin(user=bob)
    return login(client, bob)


def test_it_turns_two_factor_on_and_shows_ten_recovery_codes_once(bob_setting_up, bob):
    response = bob_setting_up.post(URL, {"code": app(bob).now()})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    codes = re.findall(r"<code>([0-9a-z]{5}-[0-9a-z]{5})</code>", page)
    assert len(codes) == 10 == len(set(codes))
    bob = reload(bob)
    assert bob.has_two_factor
    stored = " ".join(stored_recovery_tokens(bob))
    assert len(stored_recovery_tokens(bob)) == 10
    assert all(code not in stored and code.replace("-", "") not in stored for code in codes)
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled", actor=bob).count() == 1
    # The session that set it up stays in: it has just proved the second factor.
    assert bob_setting_up.get("/clinic/caseload/").status_code == 200


def test_it_accepts_the_code_with_spaces_as_some_apps_show_it(bob_setting_up, bob):
    code = app(bob).now()
    assert bob_setting_up.post(URL, {"code": f"{code[:3]} {code[3:]}"}).status_code == 200
    assert reload(bob).has_two_factor


def test_it_says_so_next_to_the_field_when_the_code_is_wrong(bob_setting_up, bob):
    response = bob_setting_up.post(URL, {"code": wrong_codes(bob, 1)[0]})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="f invalid"' in page and "That code is not right." in page
    assert "<svg" in page  # the QR code is still there to try again
    assert not reload(bob).has_two_factor


def test_it_asks_for_six_digits(bob_setting_up, bob):
    response = bob_setting_up.post(URL, {"code": "12345"})
    assert response.status_code == 400
    assert "Type the 6 digits the app shows for Rehabit." in response.content.decode()


def test_it_turns_it_on_once_when_submitted_twice(bob_setting_up, bob):
    code = app(bob).now()
    bob_setting_up.post(URL, {"code": code})
    codes_after_first = stored_recovery_tokens(bob)
    again = bob_setting_up.post(URL, {"code": code}, follow=True)
    assert "Two-factor sign-in is already on." in again.content.decode()
    assert stored_recovery_tokens(bob) == codes_after_first
    assert AuditEvent.objects.filter(action="auth.two_factor_enabled").count() == 1


def test_it_asks_to_start_the_set_up_first(client: Client, bob):
    response = login(client, bob).post(URL, {"code": "123456"}, follow=True)
    assert "Start the set-up first." in response.content.decode()


def test_it_continues_to_next_but_never_to_another_site(bob_setting_up, bob):
    page = bob_setting_up.post(
        URL, {"code": app(bob).now(), "next": "https://evil.example/"}
    ).content.decode()
    assert "evil.example" not in page
    assert f'href="{reverse("therapist-two-factor")}"' in page


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).post(URL, {"code": "123456"}).status_code == 404


def test_it_cannot_turn_on_someone_else_s_half_done_set_up(client: Client, alice, bob):
    two_factor_begin(user=bob)
    turn_on(alice)
    response = login(client, User.objects.get(pk=bob.pk)).post(URL, {"code": app(alice).now()})
    assert response.status_code == 400
    assert not reload(bob).has_two_factor


def test_it_asks_to_wait_after_a_wrong_code(bob_setting_up, bob):
    with time_machine.travel(START, tick=False) as traveller:
        bob_setting_up.post(URL, {"code": wrong_codes(bob, 1)[0]})
        response = bob_setting_up.post(URL, {"code": app(bob).now()})
        assert response.status_code == 400
        assert "Too many wrong codes in a row. Wait 1 second" in response.content.decode()
        traveller.shift(timedelta(seconds=1))
        assert bob_setting_up.post(URL, {"code": app(bob).now()}).status_code == 200
    assert reload(bob).has_two_factor
