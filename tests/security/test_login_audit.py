"""Logins and failed logins land in the audit trail; passwords never do."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from tests.conftest import PASSWORD
from tracker.models import AuditEvent, User

pytestmark = pytest.mark.django_db


def test_it_audits_a_login_with_who_and_from_where(client: Client, alice: User):
    client.post(
        "/login/", {"username": alice.email, "password": PASSWORD}, REMOTE_ADDR="203.0.113.5"
    )
    event = AuditEvent.objects.get(action="auth.login")
    assert event.actor == alice
    assert event.actor_email == alice.email
    assert event.clinic_id == alice.clinic_id
    assert event.ip_address == "203.0.113.5"


def test_it_audits_a_failed_login_with_the_email_but_never_the_password(
    client: Client, alice: User
):
    secret = "my-guessed-Passw0rd"
    client.post(
        "/login/", {"username": "Alice@Clinic.test", "password": secret}, REMOTE_ADDR="203.0.113.9"
    )
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.detail == {"email": "Alice@Clinic.test"}
    assert event.actor is None
    assert event.ip_address == "203.0.113.9"
    stored = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert secret not in stored
    assert "*****" not in stored  # not even Django's masked copy
    assert not AuditEvent.objects.filter(action="auth.login").exists()


def test_it_audits_an_attempt_for_an_unknown_email(client: Client, db: None):
    client.post("/login/", {"username": "nobody@nowhere.test", "password": "x"})
    assert AuditEvent.objects.get(action="auth.login_failed").detail == {
        "email": "nobody@nowhere.test"
    }


def test_it_marks_failed_logins_that_hit_the_lockout(client: Client, alice: User):
    for _ in range(5):
        client.post("/login/", {"username": alice.email, "password": "wrong"})
    events = list(AuditEvent.objects.filter(action="auth.login_failed").order_by("id"))
    assert len(events) == 5
    assert events[-1].detail == {"email": alice.email, "locked_out": True}
    assert "locked_out" not in events[0].detail
