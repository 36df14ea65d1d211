from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.conftest import login
from tracker.models import Notification

pytestmark = pytest.mark.django_db
URL = reverse("therapist-notification-problems")


def note(patient, status, key, error=""):
    return Notification.objects.create(
        clinic=patient.clinic,
        recipient=patient.user,
        patient=patient,
        kind="reminder",
        channel="email",
        idempotency_key=key,
        status=status,
        last_error=error,
    )


def test_it_shows_the_clinic_admin_failed_and_retrying_sends_with_the_reason(as_alice, pat, oscar):
    note(pat, "failed", "a", "recipient refused: pat@patient.test")
    note(pat, "retrying", "b", "SMTP 421")
    note(pat, "sent", "c")
    note(oscar, "failed", "d", "oscar's problem")
    page = as_alice.get(URL).content.decode()
    assert "recipient refused" in page and "SMTP 421" in page
    assert "oscar" not in page.lower()


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin(client, bob):
    assert login(client, bob).get(URL).status_code == 404


def test_it_is_404_for_a_patient_and_for_another_clinic_s_data(client, pat, charlie, oscar):
    assert login(client, pat.user).get(URL).status_code == 404
    note(pat, "failed", "x", "pat's failure")
    assert "pat's failure" not in login(client, charlie).get(URL).content.decode()


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_it_lists_reminders_owed_for_more_than_ten_minutes(as_alice, pat):
    note(pat, "pending", "reminder:stale")
    note(pat, "pending", "reminder:fresh")
    Notification.objects.filter(idempotency_key="reminder:stale").update(
        created_at=datetime.now(UTC) - timedelta(minutes=11), subject="stale one"
    )
    Notification.objects.filter(idempotency_key="reminder:fresh").update(subject="fresh one")
    rows = as_alice.get(URL).context["rows"]
    assert [r.idempotency_key for r in rows] == ["reminder:stale"]
    assert "Pending" in as_alice.get(URL).content.decode()
