"""End to end: Redis emptied, or the database dropping the worker's connections, while a real
worker sends the day's reminders, loses none and sends none twice (but the one in flight).

The sweeper runs as beat runs it, once a minute; the minutes pass by moving every owed row's
timestamps back (when it was owed, when a send claimed it) instead of waiting, so the worker,
which reads the real clock, sees the leases and graces run out as they would.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from celery import current_app
from django.conf import settings
from django.db import connection
from django.db.models import F

from tests.conftest import make_patient
from tests.integration.conftest import wait_for
from tests.integration.test_killed_worker import reminded, start_worker
from tracker.models import Notification, PatientProfile, WorkerHeartbeat
from tracker.tasks import dispatch_due_reminders, heartbeat, sweep_owed_notifications

pytestmark = pytest.mark.worker
PATIENTS = 40
OPEN = ["pending", "retrying"]
# README, "Running in production": a lost task or a Redis restart delays a reminder by at
# most about 7 minutes (the 5-minute lease or the 2-minute grace, plus a minute's sweep).
BOUND_MINUTES = 7


def noon_zone() -> str:
    """A time zone where it is about noon now: neither the 21:00 cut-off of late reminders
    nor midnight falls within the test, whenever it runs."""
    hours = 12 - datetime.now(UTC).hour
    return f"Etc/GMT{-hours:+d}"  # POSIX signs: Etc/GMT-3 is three hours ahead of UTC


@pytest.fixture
def due(transactional_db, clinic, alice) -> list[PatientProfile]:
    zone = noon_zone()
    patients = [make_patient(f"f{n}@patient.test", clinic, alice, tz=zone) for n in range(PATIENTS)]
    PatientProfile.objects.filter(pk__in=[p.pk for p in patients]).update(
        next_reminder_at=datetime.now(UTC) - timedelta(seconds=5)
    )
    return patients


@pytest.fixture
def outbox(tmp_path: Path) -> Iterator[Path]:
    """The worker's email folder; the broker's queue is emptied before and after."""
    folder = tmp_path / "outbox"
    folder.mkdir()
    current_app.control.purge()
    yield folder
    current_app.control.purge()  # a retry the worker put back on shutdown


def stop(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def drained(worker: subprocess.Popen[bytes]) -> None:
    """Wait until the worker has run every task queued so far: it runs them one at a time,
    in order, so once a heartbeat queued last has run, so has everything before it."""
    queued_at = datetime.now(UTC)
    heartbeat.delay()
    assert wait_for(
        lambda: (
            WorkerHeartbeat.objects.filter(last_seen_at__gte=queued_at).exists()
            or worker.poll() is not None
        ),
        timeout=60,
        every=0.05,
    ), "the worker did not get through its queue within 60 s"
    assert worker.poll() is None, "the worker died"


def minutes_to_send_everything(worker: subprocess.Popen[bytes]) -> int:
    """Beat's minutes after the fault until nothing is owed: each minute every owed row gets
    a minute older, the sweeper runs, and the worker sends what it woke."""
    for minute in range(1, BOUND_MINUTES + 2):
        Notification.objects.update(created_at=F("created_at") - timedelta(minutes=1))
        Notification.objects.filter(claimed_at__isnull=False).update(
            claimed_at=F("claimed_at") - timedelta(minutes=1)
        )
        sweep_owed_notifications.apply()
        drained(worker)
        if not Notification.objects.filter(status__in=OPEN).exists():
            return minute
    return minute + 1


def assert_each_reminded_once(
    patients: list[PatientProfile], outbox: Path, in_flight: set[str]
) -> None:
    emails = {p.user.email for p in patients}
    rows = Notification.objects.filter(kind="reminder")
    assert Counter(rows.values_list("patient_id", "channel", "status")) == {
        (p.pk, "email", "sent"): 1 for p in patients
    }
    counts = reminded(outbox)
    assert set(counts) == emails
    once = {e: n for e, n in counts.items() if e not in in_flight}
    assert once == {e: 1 for e in emails - in_flight}
    assert all(counts[e] <= 2 for e in in_flight)


def in_flight_now() -> set[str]:
    """Whom a send is claimed for at this moment: the email may have left with the row not
    yet saying so, and is then sent again after the lease (at least once, never lost)."""
    return set(
        Notification.objects.filter(status__in=OPEN, claimed_at__isnull=False).values_list(
            "recipient__email", flat=True
        )
    )


def test_reminders_queued_when_redis_is_emptied_are_each_sent_once_within_the_bound(due, outbox):
    """Redis loses every queued wake-up (FLUSHDB of the broker's database, as a restart
    without persistence does) while the worker is part-way through the day's reminders.

    Every patient ends with exactly one sent email row and one email, within the README's
    7 minutes, except at most the one send the worker had in hand when the queue was
    emptied: if its email had left before its row said so, it goes again after its lease.
    """
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("empties the broker's Redis database; the broker here is not redis://")
    assert dispatch_due_reminders.apply().get() == PATIENTS
    worker = start_worker(outbox)
    try:
        assert wait_for(lambda: len(reminded(outbox)) >= 3, timeout=60, every=0.02)
        # Held still while Redis is emptied, so the fault lands with most sends queued.
        worker.send_signal(signal.SIGSTOP)
        in_flight = in_flight_now()
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        worker.send_signal(signal.SIGCONT)
        assert Notification.objects.filter(status__in=OPEN).count() >= PATIENTS // 2
        minutes = minutes_to_send_everything(worker)
    finally:
        stop(worker)
    assert minutes <= BOUND_MINUTES, f"owed reminders were left after {BOUND_MINUTES} minutes"
    assert len(in_flight) <= 1
    assert_each_reminded_once(due, outbox, in_flight)


TERMINATE_OTHERS = """
    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
"""


def test_reminders_sent_while_the_database_drops_the_worker_s_connection_are_each_sent_once(
    due, outbox
):
    """PostgreSQL ends the worker's connection (pg_terminate_backend, as a failover or an
    administrator does) while it is part-way through the day's reminders.

    Every patient ends with exactly one sent email row and exactly one email, within the
    README's 7 minutes. A send that hits the dropped connection before its email leaves is
    retried by its task or swept after its lease. The one send caught between its email
    leaving and its row being marked sent, which a worker killed outright sends again after
    the lease (see test_killed_worker), is recorded on a fresh connection here: the worker
    is alive and knows the email left, so nobody gets it twice.
    """
    if connection.vendor != "postgresql":
        pytest.skip("ends the worker's PostgreSQL connections; the database here is SQLite")
    assert dispatch_due_reminders.apply().get() == PATIENTS
    worker = start_worker(outbox)
    try:
        assert wait_for(lambda: len(reminded(outbox)) >= 3, timeout=60, every=0.02)
        owed = Notification.objects.filter(status__in=OPEN).count()
        with connection.cursor() as cursor:
            cursor.execute(TERMINATE_OTHERS)
            ended = cursor.fetchall()
        assert ended, "the worker had no connection to end"
        assert owed >= PATIENTS // 2
        minutes = minutes_to_send_everything(worker)
    finally:
        stop(worker)
    assert minutes <= BOUND_MINUTES, f"owed reminders were left after {BOUND_MINUTES} minutes"
    assert_each_reminded_once(due, outbox, in_flight=set())
