"""Resending and withdrawing an invitation from the patient's record."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tracker.models import AuditEvent, Notification
from tracker.services.invites import patient_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(alice):
    profile = patient_invite(
        actor=alice, therapist=alice, full_name="Nora Quinn", email="nora@p.test",
        timezone_name="Europe/Dublin",
    ).patient  # fmt: skip
    profile.invited_at = timezone.now() - timedelta(hours=1)
    profile.save()
    return profile


def test_it_resends_with_a_new_notification(as_alice, invited):
    response = as_alice.post(reverse("therapist-invite-resend", args=[invited.pk]), follow=True)
    assert "Invitation sent to nora@p.test" in response.content.decode()
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(kind="invite").count() == 2
    assert AuditEvent.objects.filter(action="patient.invite_resent").exists()


def test_a_double_click_sends_only_one_email(as_alice, invited):
    url = reverse("therapist-invite-resend", args=[invited.pk])
    as_alice.post(url)
    response = as_alice.post(url, follow=True)
    assert "less than a minute ago" in response.content.decode()
    assert len(mail.outbox) == 2


def test_it_withdraws_an_invitation(as_alice, invited):
    response = as_alice.post(reverse("therapist-invite-revoke", args=[invited.pk]), follow=True)
    assert "no longer works" in response.content.decode()
    invited.refresh_from_db()
    assert invited.invited_at is None
    assert AuditEvent.objects.filter(action="patient.invite_revoked").exists()
    page = as_alice.get(reverse("therapist-caseload")).content.decode()
    assert "No login yet" in page


def test_it_invites_an_imported_patient_who_never_had_one(as_alice, pat):
    pat.user.set_unusable_password()
    pat.user.save()
    as_alice.post(reverse("therapist-invite-resend", args=[pat.pk]))
    assert mail.outbox[-1].to == ["pat@patient.test"]


def test_it_refuses_once_the_patient_has_joined(as_alice, invited):
    invited.invite_accepted_at = timezone.now()
    invited.save()
    response = as_alice.post(reverse("therapist-invite-revoke", args=[invited.pk]), follow=True)
    assert "already accepted" in response.content.decode()


@pytest.mark.parametrize("name", ["therapist-invite-resend", "therapist-invite-revoke"])
def test_it_is_404_for_another_clinic(client, charlie, invited, name):
    assert login(client, charlie).post(reverse(name, args=[invited.pk])).status_code == 404
    assert len(mail.outbox) == 1
