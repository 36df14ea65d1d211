"""Password reset requests: throttled per email and per address, and never telling whether
an account exists."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
RESET = reverse("password-reset")
SENT = reverse("password-reset-done")


def ask(email: str, address: str = "203.0.113.7"):
    return Client(REMOTE_ADDR=address).post(RESET, {"email": email})


def test_a_known_and_an_unknown_email_get_the_same_answer(pat):
    known, unknown = ask(pat.user.email), ask("nobody@nowhere.test")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, SENT)
    assert len(mail.outbox) == 1  # only the real account gets a link


def test_an_invited_patient_without_a_password_gets_no_link(pat):
    pat.user.set_unusable_password()
    pat.user.save()
    assert ask(pat.user.email).url == SENT
    assert mail.outbox == []


def test_an_unknown_email_is_audited_without_a_clinic(db):
    ask("nobody@nowhere.test")
    event = AuditEvent.objects.get(action="auth.password_reset_requested")
    assert event.clinic_id is None and event.target_id == ""
    assert event.detail == {"email": "nobody@nowhere.test"}


def test_past_the_email_limit_it_answers_the_same_and_sends_nothing(pat, settings):
    settings.REHABIT_PASSWORD_RESET_PER_EMAIL = 3
    for n in range(3):
        assert ask(pat.user.email.upper(), address=f"198.51.100.{n}").url == SENT
    assert len(mail.outbox) == 3
    response = ask(pat.user.email, address="198.51.100.9")
    assert (response.status_code, response.url) == (302, SENT)
    assert len(mail.outbox) == 3
    last = AuditEvent.objects.filter(action="auth.password_reset_requested").first()
    assert last.detail["throttled"] is True


def test_past_the_address_limit_it_asks_to_wait(pat, settings):
    settings.REHABIT_PASSWORD_RESET_PER_ADDRESS = 5
    for n in range(5):
        assert ask(f"someone{n}@nowhere.test").status_code == 302
    response = ask(pat.user.email)
    assert response.status_code == 429
    assert "Let's take a short break" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert mail.outbox == []
    # Another address is not held back.
    assert ask(pat.user.email, address="192.0.2.1").status_code == 302
