import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tracker.models import AuditEvent, User
from tracker.services.invites import invite_resend, invite_revoke, invite_tokens, patient_invite

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "a knee that climbs stairs"


@pytest.fixture
def invited(alice):
    return patient_invite(
        actor=alice, therapist=alice, full_name="Nora Quinn", email="nora@p.test",
        timezone_name="Europe/Dublin",
    ).patient  # fmt: skip


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/invite/\S+/)", message.body).group(1)


def accept(client, path, password=NEW_PASSWORD):
    return client.post(path, {"new_password1": password, "new_password2": password})


def test_it_sets_the_password_logs_in_and_lands_on_today(client, invited):
    path = link_path(mail.outbox[-1])
    page = client.get(path).content.decode()
    assert "Welcome, Nora Quinn" in page
    response = accept(client, path)
    assert response.status_code == 302 and response.url == reverse("patient-today")
    assert client.get(reverse("patient-today")).status_code == 200
    invited.refresh_from_db()
    assert invited.invite_accepted_at is not None
    assert invited.next_reminder_at is not None  # reminders start once they can log in
    assert User.objects.get(email="nora@p.test").check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="patient.invite_accepted", patient=invited).exists()


def test_the_link_works_only_once(client, invited):
    path = link_path(mail.outbox[-1])
    accept(client, path)
    client.logout()
    response = client.get(path)
    assert response.status_code == 404
    assert "no longer works" in response.content.decode()
    assert accept(client, path, "another long password").status_code == 404


def test_it_explains_a_weak_password_next_to_the_field(client, invited):
    response = accept(client, link_path(mail.outbox[-1]), "123")
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    invited.refresh_from_db()
    assert invited.invite_accepted_at is None


def test_a_revoked_invitation_s_link_stops_working(client, alice, invited):
    path = link_path(mail.outbox[-1])
    invite_revoke(patient=invited, actor=alice)
    assert client.get(path).status_code == 404
    assert accept(client, path).status_code == 404


def test_a_resend_replaces_the_old_link(client, alice, invited):
    old = link_path(mail.outbox[-1])
    invited.invited_at = timezone.now() - timedelta(minutes=5)  # past the double-click guard
    invited.save()
    invite_resend(patient=invited, actor=alice)
    new = link_path(mail.outbox[-1])
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_the_link_expires_after_the_password_reset_timeout(client, invited, settings, monkeypatch):
    path = link_path(mail.outbox[-1])
    later = invite_tokens._now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60)
    monkeypatch.setattr(invite_tokens, "_now", lambda: later)
    assert client.get(path).status_code == 404


def test_a_password_reset_token_is_not_an_invitation(client, invited):
    from django.contrib.auth.tokens import default_token_generator

    path = link_path(mail.outbox[-1])
    uidb64 = path.split("/")[2]
    reset_token = default_token_generator.make_token(invited.user)
    assert client.get(f"/invite/{uidb64}/{reset_token}/").status_code == 404


def test_a_tampered_link_does_not_work(client, invited):
    path = link_path(mail.outbox[-1])
    assert client.get(path[:-3] + "xx/").status_code == 404
    assert client.get("/invite/bm90LWFuLWlk/abc-def/").status_code == 404


def test_after_accepting_the_address_bar_shows_today(client, invited):
    response = client.post(
        link_path(mail.outbox[-1]),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("patient-today"), 302)]
    assert response.request["PATH_INFO"] == reverse("patient-today")


def test_reopening_the_link_once_accepted_goes_to_today(client, invited):
    path = link_path(mail.outbox[-1])
    accept(client, path)
    response = client.get(path)  # a reload, or the email's link clicked again
    assert response.status_code == 302 and response.url == reverse("patient-today")


def test_signed_in_as_someone_else_it_asks_before_switching(client, alice, invited):
    path = link_path(mail.outbox[-1])
    client.force_login(alice)
    page = client.get(path)
    text = page.content.decode()
    assert page.status_code == 200
    assert f"You are signed in as {alice.email}." in text
    assert "Sign out and continue as the invited person?" in text
    assert "Nora" not in text  # the invitee is not named to whoever holds the browser
    # A password sent without switching sets nothing.
    assert accept(client, path).status_code == 409
    invited.refresh_from_db()
    assert invited.invite_accepted_at is None
    assert client.get(reverse("therapist-caseload")).status_code == 200  # still alice


def test_switching_signs_out_and_shows_the_invitation(client, alice, invited):
    path = link_path(mail.outbox[-1])
    client.force_login(alice)
    response = client.post(path, {"switch_account": "1"})
    assert response.status_code == 302 and response.url == path
    assert "_auth_user_id" not in client.session
    assert "Welcome, Nora Quinn" in client.get(path).content.decode()
    assert accept(client, path).url == reverse("patient-today")


def test_signed_in_as_someone_else_a_used_link_still_no_longer_works(client, pat, invited):
    path = link_path(mail.outbox[-1])
    accept(client, path)
    other = Client()
    other.force_login(pat.user)
    assert other.get(path).status_code == 404
