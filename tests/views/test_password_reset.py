"""Forgot password: a link by email, a new password, every session ended, all audited."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "stairs without a railing"
RESET = reverse("password-reset")
SENT = reverse("password-reset-done")


def reset_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/password/reset/\S+/)", message.body).group(1)


def choose(client: Client, path: str, password: str = NEW_PASSWORD):
    """Open the emailed link (Django moves the token into the session) and set a password."""
    page = client.get(path, follow=True)
    form_path = page.redirect_chain[-1][0] if page.redirect_chain else path
    return client.post(form_path, {"new_password1": password, "new_password2": password})


def test_the_login_page_links_to_it(client):
    assert RESET in client.get(reverse("login")).content.decode()


def test_it_emails_a_link_that_sets_a_new_password(client, pat):
    response = client.post(RESET, {"email": pat.user.email.upper()})
    assert response.status_code == 302 and response.url == SENT
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [pat.user.email]
    response = choose(client, reset_path(mail.outbox[0]))
    assert response.status_code == 302 and response.url == reverse("password-reset-complete")
    pat.user.refresh_from_db()
    assert pat.user.check_password(NEW_PASSWORD)
    assert client.post(
        "/login/", {"username": pat.user.email, "password": NEW_PASSWORD}
    ).status_code == 302  # fmt: skip


def test_links_point_at_the_site_url(client, pat, settings):
    settings.REHABIT_SITE_URL = "https://rehabit.example.org"
    client.post(RESET, {"email": pat.user.email})
    assert "https://rehabit.example.org/password/reset/" in mail.outbox[0].body
    html = mail.outbox[0].alternatives[0][0]
    assert 'href="https://rehabit.example.org/password/reset/' in html


def test_the_email_holds_no_health_data_nor_names(client, pat, pat_program):
    client.post(RESET, {"email": pat.user.email})
    message = mail.outbox[0]
    texts = [message.subject, message.body, message.alternatives[0][0]]
    for forbidden in (pat.user.full_name, pat.clinic.name, pat_program.title, "pain", "knee"):
        assert not any(forbidden.lower() in text.lower() for text in texts), forbidden


def test_a_link_works_only_once(client, pat):
    client.post(RESET, {"email": pat.user.email})
    path = reset_path(mail.outbox[0])
    choose(client, path)
    page = Client().get(path, follow=True)
    assert "This link no longer works" in page.content.decode()


def test_a_reset_ends_every_session_of_the_account(client, pat):
    phone = Client()
    assert (
        phone.post("/login/", {"username": pat.user.email, "password": PASSWORD}).status_code == 302
    )
    assert phone.get(reverse("patient-today")).status_code == 200
    client.post(RESET, {"email": pat.user.email})
    choose(client, reset_path(mail.outbox[0]))
    response = phone.get(reverse("patient-today"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_it_works_for_therapists_too(client, alice):
    client.post(RESET, {"email": alice.email})
    choose(client, reset_path(mail.outbox[0]))
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)


def test_request_and_completion_are_audited(client, pat):
    client.post(RESET, {"email": pat.user.email})
    requested = AuditEvent.objects.get(action="auth.password_reset_requested")
    assert requested.clinic_id == pat.clinic_id
    assert requested.target_id == str(pat.user.pk)
    assert requested.detail == {"email": pat.user.email}
    choose(client, reset_path(mail.outbox[0]))
    completed = AuditEvent.objects.get(action="auth.password_reset_completed")
    assert completed.actor == pat.user and completed.clinic_id == pat.clinic_id


def test_a_weak_password_is_explained_next_to_the_field(client, pat):
    client.post(RESET, {"email": pat.user.email})
    response = choose(client, reset_path(mail.outbox[0]), "123")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="auth.password_reset_completed").exists()
