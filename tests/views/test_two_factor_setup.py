"""Starting the set-up: a new secret that does not count until confirmed."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import login
from tests.two_factor import app_key, is_logged_in_as, login_verified, password_step, turn_on
from tracker.models import User

pytestmark = pytest.mark.django_db
URL = reverse("therapist-two-factor-setup")


def reload(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_it_makes_a_secret_that_does_not_count_yet(client: Client, bob):
    response = login(client, bob).post(URL)
    assert response["Location"] == reverse("therapist-two-factor")
    bob = reload(bob)
    assert len(app_key(bob)) == 40  # 20 random bytes, as hex
    assert not bob.has_two_factor
    client.logout()
    password_step(client, bob)  # a half-done set-up never locks anybody out
    assert is_logged_in_as(client, bob)


def test_it_starts_over_with_a_new_secret(client: Client, bob):
    login(client, bob).post(URL)
    first = app_key(bob)
    client.post(URL)
    assert app_key(bob) != first
    assert TOTPDevice.objects.filter(user=bob).count() == 1


def test_it_keeps_next_for_after_the_set_up(client: Client, bob):
    response = login(client, bob).post(URL, {"next": "/clinic/flags/"})
    assert response["Location"] == reverse("therapist-two-factor") + "?next=%2Fclinic%2Fflags%2F"


def test_it_does_not_replace_a_secret_already_in_use(client: Client, alice):
    turn_on(alice)
    key = app_key(alice)
    response = login_verified(client, alice).post(URL, follow=True)
    assert "Two-factor sign-in is already on." in response.content.decode()
    assert app_key(alice) == key and reload(alice).has_two_factor


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).post(URL).status_code == 404
    assert app_key(pat.user) is None
