"""The clinic admin's security page: the clinic's rule and each therapist's two-factor state."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.two_factor import login_verified, turn_on
from tracker.models import User
from tracker.services.two_factor import second_factor_verify, two_factor_begin

pytestmark = pytest.mark.django_db
URL = reverse("therapist-security")


def test_it_lists_the_clinic_s_therapists_with_their_two_factor_state(
    client: Client, alice, bob, clinic, charlie
):
    turn_on(alice)
    carol = User.objects.create_user(
        "carol@clinic.test", "x", clinic=clinic, role="therapist", full_name="Carol"
    )
    two_factor_begin(user=carol)
    page = login_verified(client, alice).get(URL).content.decode()
    assert "Not required" in page
    assert "alice@clinic.test" in page and "On since" in page
    assert "bob@clinic.test" in page and "Set-up not finished" in page
    assert "2 therapists have not turned on two-factor sign-in." in page
    assert reverse("therapist-two-factor-reset", args=[carol.pk]) in page
    assert reverse("therapist-two-factor-reset", args=[alice.pk]) not in page  # not her own
    assert reverse("therapist-two-factor-reset", args=[bob.pk]) not in page  # nothing to reset
    assert "charlie" not in page


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin(client: Client, bob):
    assert login(client, bob).get(URL).status_code == 404


def test_it_is_404_for_patients(client: Client, pat):
    assert login(client, pat.user).get(URL).status_code == 404


def test_it_shows_another_clinic_s_admin_only_their_own_clinic(client: Client, charlie, bob):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    page = login(client, User.objects.get(pk=charlie.pk)).get(URL).content.decode()
    assert "charlie@other.test" in page
    assert "bob@clinic.test" not in page and "alice@clinic.test" not in page


def test_it_sends_anonymous_visitors_to_log_in(client: Client, db):
    assert client.get(URL)["Location"].startswith(reverse("login"))


def test_it_counts_each_therapist_s_recovery_codes_in_the_same_queries_however_many(
    client: Client, alice, bob, clinic
):
    turn_on(alice)
    login_verified(client, alice)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    codes = turn_on(bob)
    second_factor_verify(user=bob, code=codes[0])
    for n in range(3):
        carol = User.objects.create_user(
            f"carol{n}@clinic.test", "x", clinic=clinic, role="therapist", full_name=f"Carol {n}"
        )
        turn_on(carol)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL).content.decode()
    assert len(many) == len(few)
    rows = re.findall(r"<td>(\d+)</td>", page)
    assert sorted(rows) == ["10", "10", "10", "10", "9"]
