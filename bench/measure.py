"""In-process measurements: queries per request, and the reminder dispatch.

Query counts use Django's test client and CaptureQueriesContext on the bench database: they
are counts only (latency comes from the HTTP run), taken for a patient with 180 days of
history and one with 21, and for caseloads of 16, 100 and 2,000 patients, so a count that
grows with history or caseload shows up as a difference.
"""

from __future__ import annotations

import time
import uuid
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench.loadgen import CHECKIN_FORM_RE, parse_today
from tracker.models import PatientProfile, User

HOST = "127.0.0.1"


def _count(client: Client, method: str, path: str, data: dict | None = None) -> tuple[int, int]:
    headers = {"HX-Request": "true"} if method == "post" else {}
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {}, headers=headers)
    return response.status_code, len(captured)


def patient_queries(patient_id: int) -> dict[str, int]:
    """Queries of Today, a tick and a check-in save, in the order a patient does them."""
    profile = PatientProfile.objects.select_related("user").get(pk=patient_id)
    client = Client(HTTP_HOST=HOST)
    client.force_login(profile.user)
    status, today = _count(client, "get", "/today/")
    page = parse_today(client.get("/today/").content.decode())
    if status != 200 or page is None or len(page.items) < 2:
        raise RuntimeError(f"patient {patient_id}: Today answered {status} without a plan")
    form = CHECKIN_FORM_RE.search(client.get(page.checkin_page).content.decode())
    if form is None:
        raise RuntimeError(f"patient {patient_id}: no check-in form at {page.checkin_page}")
    items = page.items
    session = str(uuid.uuid4())

    def tick(prescribed: str, occurrence: str) -> tuple[int, int]:
        return _count(
            client,
            "post",
            page.tick_url,
            {
                "session_client_id": session,
                "local_date": page.day,
                "prescribed": prescribed,
                "occurrence": occurrence,
                "status": "done",
            },
        )

    tick(*items[0])  # the first tick also opens the session
    tick_status, tick_queries = tick(*items[1])
    checkin_status, checkin_queries = _count(
        client,
        "post",
        form[1],
        {
            "local_date": page.day,
            "pain": 3,
            "worst_pain": 4,
            "sleep_hours": "7.0",
            "sleep_quality": 6,
            "stress": 3,
            "note": "",
        },
    )
    if (tick_status, checkin_status) != (200, 200):
        raise RuntimeError(f"patient {patient_id}: tick {tick_status}, check-in {checkin_status}")
    return {"today": today, "tick": tick_queries, "checkin": checkin_queries}


def floor_queries(path: str) -> int:
    """The floor as the load generator sends it: without a session."""
    status, count = _count(Client(HTTP_HOST=HOST), "get", path)
    if status != 200:
        raise RuntimeError(f"the floor answered {status}")
    return count


def caseload_queries(email: str, query: str = "") -> int:
    client = Client(HTTP_HOST=HOST)
    client.force_login(User.objects.get(email=email))
    status, count = _count(client, "get", f"/clinic/caseload/{query}")
    if status != 200:
        raise RuntimeError(f"the caseload of {email} answered {status}")
    return count


def reminder_dispatch(expected: int) -> dict[str, object]:
    """Everyone's reminder falls due at once; claim and enqueue until nobody is left.

    The same calls as the `dispatch_due_reminders` task, looped as repeated beats would.
    """
    from config.celery import app
    from tracker.services.reminders import reminders_claim_due
    from tracker.tasks import send_reminder

    now = timezone.now()
    # A second ago: still the same local day everywhere, so every claim is sent, not dropped.
    due_count = PatientProfile.objects.update(next_reminder_at=now - timedelta(seconds=1))
    claim_seconds = enqueue_seconds = 0.0
    claims = enqueued = 0
    for _ in range(1000):
        began = time.perf_counter()
        due = reminders_claim_due()
        claimed_at = time.perf_counter()
        for item in due:
            send_reminder.delay(item.patient_id, item.local_date.isoformat())
        claim_seconds += claimed_at - began
        enqueue_seconds += time.perf_counter() - claimed_at
        enqueued += len(due)
        claims += 1
        if not due and not PatientProfile.objects.filter(next_reminder_at__lte=now).exists():
            break
    total = claim_seconds + enqueue_seconds
    with app.connection_for_write() as conn:
        purged = conn.default_channel.queue_purge(app.conf.task_default_queue)
    return {
        "due": due_count,
        "expected": expected,
        "enqueued": enqueued,
        "claim_calls": claims,
        "claim_seconds": round(claim_seconds, 2),
        "enqueue_seconds": round(enqueue_seconds, 2),
        "seconds": round(total, 2),
        "per_s": round(enqueued / total, 1) if total else None,
        "broker": app.conf.broker_url.split("://")[0],
        "purged": purged,
    }
