import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import login
from tracker.models import AuditEvent, Notification, PatientProfile, User

pytestmark = pytest.mark.django_db
URL = reverse("therapist-invite")
DATA = {
    "full_name": "Nora Quinn",
    "email": "Nora.Quinn@Example.test",
    "timezone": "America/New_York",
    "condition": "Chronic knee pain",
}


def invite(client, alice, **overrides):
    return client.post(URL, {**DATA, "therapist": alice.pk, **overrides})


def test_it_shows_the_form(as_alice):
    page = as_alice.get(URL).content.decode()
    assert "Invite a patient" in page and "America/New_York" in page


def test_it_creates_the_patient_without_a_usable_password(as_alice, alice):
    response = invite(as_alice, alice)
    user = User.objects.get(email="nora.quinn@example.test")
    profile = user.patient_profile
    assert response.status_code == 302
    assert response.url == reverse("therapist-program", args=[profile.pk])
    assert user.role == "patient" and user.clinic == alice.clinic
    assert user.full_name == "Nora Quinn" and user.timezone == "America/New_York"
    assert not user.has_usable_password()
    assert profile.therapist == alice and profile.condition == "Chronic knee pain"
    assert profile.invited_at is not None and profile.invite_accepted_at is None
    assert AuditEvent.objects.filter(action="patient.invited", patient=profile).exists()


def test_it_emails_a_one_time_link_as_text_and_html(as_alice, alice):
    invite(as_alice, alice)
    (message,) = mail.outbox
    assert message.to == ["nora.quinn@example.test"]
    assert "Alice" in message.subject and "Demo Clinic" in message.subject
    link = re.search(r"https?://\S+/invite/\S+/", message.body).group(0)
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and link in html
    assert "knee" not in message.body.lower()  # no health data in the email


def test_it_records_the_send_as_a_notification(as_alice, alice):
    invite(as_alice, alice)
    note = Notification.objects.get()
    assert note.kind == "invite" and note.channel == "email" and note.status == "sent"
    assert note.idempotency_key.startswith(f"invite:{PatientProfile.objects.get().pk}:")


def test_it_keeps_the_patient_when_the_email_fails(as_alice, alice, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.views.test_invite.BrokenBackend"}}
    response = invite(as_alice, alice)
    assert response.status_code == 302
    assert Notification.objects.get().status == "failed"
    assert PatientProfile.objects.filter(user__email="nora.quinn@example.test").exists()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")

    def open(self):
        pass

    def close(self):
        pass


def test_it_refuses_an_email_already_in_use_in_the_clinic(as_alice, alice, pat):
    response = invite(as_alice, alice, email="PAT@patient.test")
    assert response.status_code == 400
    assert "Someone in your clinic already uses this email address." in response.content.decode()
    assert not mail.outbox


def test_it_refuses_an_unknown_time_zone(as_alice, alice):
    response = invite(as_alice, alice, timezone="Mars/Olympus")
    assert response.status_code == 400
    assert not User.objects.filter(email="nora.quinn@example.test").exists()


def test_it_may_assign_a_colleague_but_not_another_clinic_s_therapist(as_alice, bob, charlie):
    invite(as_alice, bob, therapist=bob.pk)
    assert PatientProfile.objects.get().therapist == bob
    response = invite(as_alice, bob, email="x@p.test", therapist=charlie.pk)
    assert response.status_code == 400


def test_it_is_404_for_a_patient(client, pat):
    assert login(client, pat.user).get(URL).status_code == 404
