"""The password-or-code check before new recovery codes or turning two-factor off: wrong
answers count towards the sign-in lockout, and every try is in the audit trail."""

from __future__ import annotations

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.two_factor import START, login_verified, password_step, turn_on
from tracker.models import AuditEvent, User

pytestmark = pytest.mark.django_db

CHECKS = {
    "recovery_codes": (reverse("therapist-two-factor-recovery-codes"), "codes-password_or_code"),
    "two_factor_disable": (reverse("therapist-two-factor-disable"), "disable-password_or_code"),
}
ADDRESS = "203.0.113.7"


@pytest.fixture
def signed_in(client: Client, alice: User) -> Client:
    with time_machine.travel(START, tick=False):
        turn_on(alice)
        yield login_verified(client, alice)


def guess(client: Client, purpose: str, answer: str):
    url, field = CHECKS[purpose]
    return client.post(url, {field: answer}, REMOTE_ADDR=ADDRESS)


def has_two_factor(user: User) -> bool:
    return User.objects.get(pk=user.pk).has_two_factor


@pytest.mark.parametrize("purpose", sorted(CHECKS))
def test_five_wrong_answers_pause_the_check_with_the_sign_in_pause_page(
    signed_in: Client, alice: User, purpose: str
):
    for _ in range(4):
        assert guess(signed_in, purpose, "not my password").status_code == 400
    response = guess(signed_in, purpose, "not my password")  # the fifth
    assert response.status_code == 429
    assert "Please try again in 15 minutes." in response.content.decode()
    assert response["Retry-After"] == str(15 * 60)
    # Even the right password is refused now, and nothing changes.
    response = guess(signed_in, purpose, PASSWORD)
    assert response.status_code == 429
    assert has_two_factor(alice)
    assert not AuditEvent.objects.filter(
        action__in=["auth.two_factor_disabled", "auth.recovery_codes_regenerated"]
    ).exists()


def test_wrong_answers_count_towards_the_sign_in_lockout(signed_in: Client, alice: User):
    for _ in range(3):
        guess(signed_in, "recovery_codes", "not my password")
    for _ in range(2):
        guess(signed_in, "two_factor_disable", "not my password")
    # Five failures from this address: logging in to the account is paused as well.
    response = password_step(Client(), alice, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 429


def test_every_try_is_audited_success_and_failure(signed_in: Client, alice: User):
    guess(signed_in, "recovery_codes", "not my password")
    guess(signed_in, "recovery_codes", PASSWORD)
    guess(signed_in, "two_factor_disable", "still wrong")
    guess(signed_in, "two_factor_disable", PASSWORD)
    tries = list(
        AuditEvent.objects.filter(action__startswith="auth.step_up")
        .order_by("pk")
        .values_list("action", "detail", "actor_id", "clinic_id")
    )
    assert tries == [
        ("auth.step_up_failed", {"purpose": "recovery_codes"}, alice.pk, alice.clinic_id),
        ("auth.step_up_confirmed", {"purpose": "recovery_codes"}, alice.pk, alice.clinic_id),
        ("auth.step_up_failed", {"purpose": "two_factor_disable"}, alice.pk, alice.clinic_id),
        ("auth.step_up_confirmed", {"purpose": "two_factor_disable"}, alice.pk, alice.clinic_id),
    ]
    assert not has_two_factor(alice)


def test_the_locking_try_and_the_tries_while_locked_are_audited(signed_in: Client, alice: User):
    for _ in range(6):
        guess(signed_in, "two_factor_disable", "not my password")
    details = list(
        AuditEvent.objects.filter(action="auth.step_up_failed")
        .order_by("pk")
        .values_list("detail", flat=True)
    )
    assert len(details) == 6
    assert [d.get("locked_out", False) for d in details] == [False] * 4 + [True] * 2
    # The password is never written down.
    assert not AuditEvent.objects.filter(detail__icontains="not my password").exists()
