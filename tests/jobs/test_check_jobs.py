"""`manage.py check_jobs` fails, naming what is stuck, when owed sends wait or sends fail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tracker.models import Notification
from tracker.services.operations import heartbeat_record

pytestmark = pytest.mark.django_db


def owe(patient, key, status="pending", minutes_ago=0, error=""):
    row = Notification.objects.create(
        clinic=patient.clinic,
        recipient=patient.user,
        patient=patient,
        kind="reminder",
        channel="email",
        idempotency_key=key,
        status=status,
        last_error=error,
    )
    Notification.objects.filter(pk=row.pk).update(
        created_at=datetime.now(UTC) - timedelta(minutes=minutes_ago)
    )


def check() -> str:
    out = StringIO()
    call_command("check_jobs", stdout=out)
    return out.getvalue()


def test_it_passes_when_nothing_is_stale_or_failed(pat):
    heartbeat_record(name="scheduler")
    owe(pat, "reminder:new", minutes_ago=3)  # the sweeper's still to get to it
    owe(pat, "reminder:yesterday", status="failed", minutes_ago=60 * 25, error="old")
    assert "Jobs OK" in check()


def test_it_fails_and_names_an_owed_reminder_older_than_ten_minutes(pat):
    heartbeat_record(name="scheduler")
    owe(pat, "reminder:stuck", minutes_ago=11)
    out = StringIO()
    with pytest.raises(CommandError, match="1 stale owed, 0 failed"):
        call_command("check_jobs", stdout=out)
    assert "reminder:stuck" in out.getvalue()


def test_it_fails_on_a_send_that_failed_today(pat):
    heartbeat_record(name="scheduler")
    owe(pat, "reminder:refused", status="failed", error="550 no such user")
    out = StringIO()
    with pytest.raises(CommandError, match="0 stale owed, 1 failed"):
        call_command("check_jobs", stdout=out)
    assert "550 no such user" in out.getvalue()


def test_it_fails_when_beat_and_the_workers_have_not_been_seen(db):
    with pytest.raises(CommandError, match="NOT running"):
        check()
