"""Login throttling (django-axes): repeated failures lock out, the lock ends by itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client, RequestFactory

from tests.conftest import PASSWORD
from tracker.models import User
from tracker.network import client_ip

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def attempt(client: Client, email: str, password: str, address: str = "203.0.113.7"):
    return client.post("/login/", {"username": email, "password": password}, REMOTE_ADDR=address)


def fail(client: Client, email: str, times: int, address: str = "203.0.113.7") -> None:
    for _ in range(times):
        response = attempt(client, email, "wrong password", address)
        assert response.status_code in (200, 429)


def test_it_locks_out_an_account_and_address_after_five_failures_with_a_kind_page(
    client: Client, alice: User
):
    fail(client, alice.email, 4)
    assert attempt(client, alice.email, "wrong password").status_code == 429  # the 5th
    response = attempt(client, alice.email, PASSWORD)  # even the right password now
    assert response.status_code == 429
    page = response.content.decode()
    assert "Please try again in 15 minutes." in page
    assert response["Retry-After"] == str(15 * 60)
    assert "_auth_user_id" not in client.session


def test_it_still_lets_in_before_the_limit(client: Client, alice: User):
    fail(client, alice.email, 4)
    response = attempt(client, alice.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_matches_the_email_case_insensitively(client: Client, alice: User):
    for email in ("Alice@Clinic.test", "ALICE@clinic.test", "alice@clinic.TEST"):
        fail(client, email, 1)
    fail(client, alice.email, 2)
    assert attempt(client, alice.email, PASSWORD).status_code == 429
    assert set(AccessAttempt.objects.values_list("username", flat=True)) == {alice.email}


def test_it_locks_the_account_after_ten_failures_from_any_addresses(client: Client, alice: User):
    # Four from each of three addresses: no address reaches five, the account reaches 12.
    for address in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        fail(client, alice.email, 4, address)
    assert attempt(client, alice.email, PASSWORD, "198.51.100.9").status_code == 429


def test_it_does_not_lock_the_account_from_anywhere_before_ten(client: Client, alice: User):
    for address in ("198.51.100.1", "198.51.100.2"):
        fail(client, alice.email, 4, address)
    assert attempt(client, alice.email, PASSWORD, "198.51.100.9").status_code == 302


def test_it_lets_the_user_in_again_after_the_cool_off(client: Client, alice: User):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, alice.email, 5)
        traveller.shift(timedelta(minutes=14))
        assert attempt(client, alice.email, PASSWORD).status_code == 429
        traveller.shift(timedelta(minutes=2))
        response = attempt(client, alice.email, PASSWORD)
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_does_not_extend_the_lockout_for_tries_made_while_locked_out(
    client: Client, alice: User
):
    with time_machine.travel(START, tick=False) as traveller:
        fail(client, alice.email, 5)
        traveller.shift(timedelta(minutes=10))
        fail(client, alice.email, 3)  # refused, not counted
        traveller.shift(timedelta(minutes=6))
        assert attempt(client, alice.email, PASSWORD).status_code == 302


def test_it_resets_the_count_on_success(client: Client, alice: User):
    fail(client, alice.email, 4)
    assert attempt(client, alice.email, PASSWORD).status_code == 302
    client.logout()
    fail(client, alice.email, 4)
    assert attempt(client, alice.email, PASSWORD).status_code == 302


def test_it_leaves_another_account_from_the_same_address_alone(
    client: Client, alice: User, bob: User
):
    fail(client, alice.email, 6)
    assert attempt(client, alice.email, PASSWORD).status_code == 429
    response = attempt(client, bob.email, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_it_counts_the_address_the_proxy_saw_not_one_the_client_forged(settings):
    settings.REHABIT_BEHIND_PROXY = True
    request = RequestFactory().post(
        "/login/",
        REMOTE_ADDR="10.0.0.1",  # the proxy
        HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.20",  # forged, then what the proxy appended
    )
    assert client_ip(request) == "198.51.100.20"


def test_it_uses_the_direct_address_when_not_behind_a_proxy(settings):
    settings.REHABIT_BEHIND_PROXY = False
    request = RequestFactory().post(
        "/login/", REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR="1.2.3.4"
    )
    assert client_ip(request) == "198.51.100.30"
