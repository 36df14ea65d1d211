"""End to end: a worker killed outright while reminders are queued loses none of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from tests.conftest import make_patient
from tests.integration.conftest import ROOT, test_database_url, wait_for
from tracker.models import Notification, PatientProfile
from tracker.tasks import dispatch_due_reminders, sweep_owed_notifications

pytestmark = pytest.mark.worker
PATIENTS = 12


def start_worker(outbox: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", f"--hostname=kill-{uuid.uuid4().hex[:8]}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


# Django's file backend ends each message with this line. Two sends in the same second may
# share a file (its name is the time and the backend object's id, which Python reuses).
END_OF_MESSAGE = b"\n" + b"-" * 79 + b"\n"


def reminded(outbox: Path) -> Counter:
    """Whole messages by recipient (one cut off by the kill, without its end, never left)."""
    messages = [
        message_from_bytes(part)
        for p in outbox.glob("*.log")
        for part in p.read_bytes().split(END_OF_MESSAGE)[:-1]
    ]
    return Counter(m["To"] for m in messages if m["To"])


def test_a_worker_killed_while_reminders_are_queued_loses_none(
    transactional_db, clinic, alice, tmp_path
):
    patients = [make_patient(f"k{n}@patient.test", clinic, alice) for n in range(PATIENTS)]
    now = datetime.now(UTC)
    PatientProfile.objects.filter(pk__in=[p.pk for p in patients]).update(
        next_reminder_at=now - timedelta(seconds=5)
    )
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    current_app.control.purge()
    # The dispatcher claims everyone (owed rows committed) and queues the wake-ups.
    assert dispatch_due_reminders.apply().get() == PATIENTS

    first = start_worker(outbox)
    try:
        assert wait_for(lambda: len(reminded(outbox)) >= 1, timeout=60, every=0.02)
    finally:
        first.send_signal(signal.SIGSTOP)
        # A send caught between the email leaving and its row saying so is sent again after
        # its lease (at least once); every other patient must get exactly one.
        in_flight = set(
            Notification.objects.filter(status="pending", claimed_at__isnull=False).values_list(
                "recipient__email", flat=True
            )
        )
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=20)
    # What the killed worker held is gone, and so is the rest of the queue, as when Redis
    # restarts without persistence; then the minutes pass: leases run out, wake-ups are late.
    current_app.control.purge()
    Notification.objects.filter(claimed_at__isnull=False).update(
        claimed_at=datetime.now(UTC) - timedelta(minutes=6)
    )
    Notification.objects.update(created_at=datetime.now(UTC) - timedelta(minutes=3))

    second = start_worker(outbox)
    try:
        sweep_owed_notifications.apply()
        assert wait_for(
            lambda: not Notification.objects.filter(status__in=["pending", "retrying"]).exists(),
            timeout=60,
        ), "owed reminders were not sent after the sweep"
    finally:
        second.terminate()
        try:
            second.wait(timeout=20)
        except subprocess.TimeoutExpired:
            second.kill()
    counts = reminded(outbox)
    assert set(counts) == {p.user.email for p in patients}
    assert {e: n for e, n in counts.items() if e not in in_flight} == {
        p.user.email: 1 for p in patients if p.user.email not in in_flight
    }
    assert all(counts[e] <= 2 for e in in_flight) and len(in_flight) <= 1
    assert Counter(Notification.objects.values_list("status", flat=True)) == {"sent": PATIENTS}
