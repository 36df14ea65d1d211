"""A therapist's own two-factor page: set-up with a QR code, then its state."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import app, login_verified, turn_on
from tracker.models import Clinic
from tracker.services.two_factor import two_factor_begin

pytestmark = pytest.mark.django_db
URL = reverse("therapist-two-factor")


def test_it_explains_two_factor_and_offers_the_set_up(client: Client, bob):
    page = login(client, bob).get(URL).content.decode()
    assert "Set up two-factor sign-in" in page
    assert "<svg" not in page


def test_it_shows_the_qr_code_inline_and_the_key_for_typing(client: Client, bob):
    two_factor_begin(user=bob)
    response = login(client, bob).get(URL)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    svg = re.search(r"<svg\b.*?</svg>", page, re.S).group(0)
    assert 'class="qr-code"' in svg and "<path" in svg
    assert "style" not in svg and "data:" not in page and "<?xml" not in page
    secret = app(bob).secret  # what the app takes: base32, shown in groups of four
    assert len(secret) == 32
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert "otpauth://" not in page  # the key is in the QR code, not in a link
    assert "6-digit code from the app" in page


def test_it_puts_no_inline_style_anywhere_on_the_page(client: Client, bob):
    two_factor_begin(user=bob)
    page = login(client, bob).get(URL).content.decode()
    assert " style=" not in page and "<style" not in page


def test_it_shows_when_it_was_turned_on_and_the_recovery_codes_left(client: Client, alice):
    turn_on(alice)
    page = login_verified(client, alice).get(URL).content.decode()
    assert "You have 10 unused recovery codes." in page
    assert "Turn off two-factor sign-in" in page and "Make new recovery codes" in page
    assert "<svg" not in page  # the key is never shown again


def test_it_offers_no_turning_off_while_the_clinic_requires_it(client: Client, alice, clinic):
    turn_on(alice)
    Clinic.objects.filter(pk=clinic.pk).update(require_two_factor=True)
    page = login_verified(client, alice).get(URL).content.decode()
    assert "Your clinic requires two-factor sign-in, so it stays on." in page
    assert "Turn off two-factor sign-in" not in page


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).get(URL).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client: Client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))
