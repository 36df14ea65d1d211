"""End to end: beat wakes the dispatcher, a real worker sends the reminder into the outbox."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
from django.conf import settings

from tests.integration.conftest import ROOT, test_database_url, wait_for
from tracker.models import Notification, PatientProfile

pytestmark = pytest.mark.worker


def read_outbox(folder: Path) -> list:
    return [message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.log"))]


def test_beat_and_a_worker_deliver_a_due_reminder_to_the_outbox(transactional_db, pat, tmp_path):
    PatientProfile.objects.filter(pk=pat.pk).update(
        next_reminder_at=datetime.now(UTC) - timedelta(seconds=5)
    )
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": test_database_url(),
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "DEBUG": "1",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(outbox),
        "REHABIT_DISPATCH_SECONDS": "2",
    }
    name = uuid.uuid4().hex[:8]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--without-gossip", "--without-mingle", f"--hostname=it-{name}@%h"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    beat = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "beat",
         f"--schedule={tmp_path / 'beat-schedule'}"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_for(lambda: len(read_outbox(outbox)) >= 1, timeout=90), "no reminder arrived"
        # More beats go by; the same patient is not reminded again the same day.
        wait_for(lambda: False, timeout=6)
    finally:
        for process in (beat, worker):
            process.terminate()
        for process in (beat, worker):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    messages = read_outbox(outbox)
    assert len(messages) == 1
    assert messages[0]["To"] == pat.user.email
    row = Notification.objects.get(kind="reminder")
    assert row.status == "sent" and row.patient_id == pat.pk
    pat.refresh_from_db()
    assert pat.next_reminder_at > datetime.now(UTC)
