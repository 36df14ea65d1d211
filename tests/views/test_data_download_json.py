import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.workspace import bulk_history, full_record
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = reverse("patient-data-json")


@pytest.fixture
def record(pat, alice):
    return full_record(pat, alice)


def download(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_it_holds_the_account_the_care_team_and_the_reminder_settings(as_pat, pat, record):
    _, data = download(as_pat)
    account = data["account"]
    assert account["email"] == "pat@patient.test" and account["time_zone"] == "Europe/London"
    assert account["reminders"] == {"time": "18:00", "by_email": True, "by_push": True}
    assert account["joined_at"].endswith("+00:00")  # ISO 8601, in UTC
    assert data["care"]["clinic"] == "Demo Clinic"
    assert data["care"]["therapist"] == {"name": "Alice"}
    assert data["about"]["patient_ref"] == str(pat.pk)


def test_it_holds_every_version_of_every_prescription(as_pat, record):
    _, data = download(as_pat)
    (program,) = data["programs"]
    assert program["title"] == "Knee plan" and program["prescribed_by"] == {"name": "Alice"}
    bridges = [p for p in program["prescriptions"] if p["exercise"]["slug"] == "glute-bridge"]
    assert [(p["sets"], p["reps"]) for p in bridges] == [(2, 12), (3, 15)]
    assert bridges[0]["in_force_until"] == bridges[1]["in_force_from"]
    assert bridges[1]["in_force_until"] is None and bridges[1]["therapist_notes"]


def test_it_holds_sessions_with_their_logs_targets_symptoms_and_skip_reasons(as_pat, pat, record):
    _, data = download(as_pat)
    sessions = data["sessions"]
    assert len(sessions) == pat.sessions.count() == 3
    assert sessions[0]["pain_before"] == 4 and sessions[0]["pain_after"] == 5
    logs = [log for s in sessions for log in s["exercise_logs"]]
    assert len(logs) == pat.exercise_logs.count()
    skipped = [log for log in logs if log["status"] == "skipped"]
    assert [log["skip_reason"] for log in skipped] == ["=knee too sore"]
    done = next(log for log in logs if log["status"] == "done")
    assert done["symptoms"] == ["aching", "tingling"] and done["pain_during"] == 4
    assert done["target"]["sets"] == 2 and done["target"]["side"]


def test_it_holds_check_ins_with_decimals_as_text(as_pat, record):
    _, data = download(as_pat)
    first = data["checkins"][0]
    assert first["sleep_hours"] == "7.5" and first["pain"] == 4 and first["worst_pain"] == 5
    assert len(first["date"]) == 10  # YYYY-MM-DD


def test_it_holds_flags_with_their_history_and_the_care_team_s_notes(as_pat, record):
    _, data = download(as_pat)
    (flag,) = data["flags"]
    assert flag["kind"] == "pain_spike" and flag["summary"].startswith("Pain averaged")
    assert flag["acknowledged_by"] == {"name": "Alice"} and flag["note"]
    assert [e["action"] for e in flag["events"]] == ["opened", "acknowledged"]
    assert data["notes_by_your_care_team"] == [
        {"written_at": data["notes_by_your_care_team"][0]["written_at"], "by": {"name": "Alice"},
         "text": "Responds well to bridges"}
    ]  # fmt: skip


def test_it_holds_what_was_sent_and_where_without_any_secret(as_pat, pat, record):
    response, data = download(as_pat)
    assert data["notifications"] == [
        {"kind": "reminder", "channel": "email", "for_date": None, "status": "sent",
         "created_at": data["notifications"][0]["created_at"],
         "sent_at": data["notifications"][0]["sent_at"]}
    ]  # fmt: skip
    assert data["push_subscriptions"][0]["service"] == "push.example.test"
    body = response.content.decode()
    for secret in ("secret-token", "auth-secret", "BNc-public-key", "reminder:", "password"):
        assert secret not in body


def test_it_says_who_viewed_or_changed_the_record(as_pat, record):
    as_pat.get(URL)  # the first download is itself on record
    _, data = download(as_pat)
    trail = {(e["action"], (e["by"] or {}).get("email")) for e in data["audit_trail"]}
    assert ("patient.viewed", "alice@clinic.test") in trail
    assert ("note.added", "alice@clinic.test") in trail
    assert ("patient.data_downloaded", "pat@patient.test") in trail
    viewed = next(e for e in data["audit_trail"] if e["action"] == "patient.viewed")
    assert viewed["what"] == "Viewed a patient record" and viewed["by"]["name"] == "Alice"


def test_it_holds_only_the_patient_s_own_data(client, pat, pia, alice, record):
    full_record(pia, alice)
    response, data = download(login(client, pat.user))
    body = response.content.decode()
    assert "pia@patient.test" not in body and "Pia" not in body
    session_ids = {s["id"] for s in data["sessions"]}
    assert session_ids == set(pat.sessions.values_list("id", flat=True))
    assert len(data["audit_trail"]) == 4  # viewed, note, flag acknowledged, this download


def test_it_is_an_attachment_no_cache_may_keep(as_pat, record):
    response = as_pat.get(URL)
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == 'attachment; filename="rehabit-pat-data.json"'
    assert "no-store" in response["Cache-Control"]


def test_every_download_is_audited(as_pat, pat):
    as_pat.get(URL)
    event = AuditEvent.objects.get(action="patient.data_downloaded")
    assert event.actor_id == pat.user_id and event.patient_id == pat.pk
    assert event.detail == {"as": "json"}


def test_its_queries_do_not_grow_with_history(as_pat, pat, record):
    with CaptureQueriesContext(connection) as short:
        download(as_pat)
    bulk_history(pat, 40)
    with CaptureQueriesContext(connection) as long:
        _, data = download(as_pat)
    assert len(data["sessions"]) == 40  # three days lived, 37 more added
    assert len(short) == len(long), (len(short), len(long))


def test_it_is_404_for_therapists_who_have_their_own_export(client, alice, bob, charlie, pat):
    for therapist in (alice, bob, charlie):
        assert login(client, therapist).get(URL).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.data_downloaded").exists()


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
