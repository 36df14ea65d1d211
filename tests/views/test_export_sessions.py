import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.workspace import give_program, live_days
from tracker.models import AuditEvent, Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(pat, alice):
    give_program(pat, alice, pat.local_today() - timedelta(days=10))
    live_days(pat, 3, pain=4, symptoms=("aching", "sharp"))
    return pat


def rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


URL_NAME = "therapist-export-sessions"


def test_it_exports_sessions_with_symptoms_and_the_target_then(as_alice, history):
    Session.objects.filter(patient=history).update(notes="@evil")
    table = rows(as_alice.get(reverse(URL_NAME, args=[history.pk])))
    header = table[0]
    assert header[:12] == [
        "patient_email", "date", "session_ref", "exercise_slug", "done", "sets", "reps",
        "hold_seconds", "pain_before", "pain_after", "pain_during", "note",
    ]  # fmt: skip
    first = dict(zip(header, table[1], strict=True))
    assert first["done"] == "1" and first["pain_before"] == "4" and first["pain_after"] == "5"
    assert first["symptoms"] == "aching;sharp"
    assert first["note"] == "'@evil"
    bridge = next(r for r in table[1:] if r[3] == "glute-bridge")
    assert dict(zip(header, bridge, strict=True))["target_reps"] == "12"


def test_it_audits_the_export(as_alice, alice, history):
    as_alice.get(reverse(URL_NAME, args=[history.pk]))
    event = AuditEvent.objects.get(action="patient.exported", actor=alice, patient=history)
    assert event.detail["what"] == "sessions"


def test_it_is_404_for_another_clinic(client, charlie, pat):
    assert login(client, charlie).get(reverse(URL_NAME, args=[pat.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.exported").exists()
