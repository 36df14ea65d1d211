import csv
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.workspace import bulk_history, full_record
from tracker.models import AuditEvent, DailyCheckin, Session

pytestmark = pytest.mark.django_db
URL = reverse("patient-data-csv")
LOGS = [
    "checkins.csv",
    "sessions.csv",
    "exercise_logs.csv",
    "programs.csv",
    "flags.csv",
    "adherence.csv",
    "outcome_measures.csv",
]
RECORD = [
    "notes_by_your_care_team.csv",
    "reminders_sent.csv",
    "phones_for_reminders.csv",
    "audit_trail.csv",
    "deletion_requests.csv",
]
FILES = ["contents.csv", "account.csv", *LOGS, *RECORD]


@pytest.fixture
def record(pat, alice):
    return full_record(pat, alice)


def tables(response) -> dict[str, list[dict[str, str]]]:
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert archive.namelist() == FILES
    return {
        name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
        for name in FILES
    }


def test_it_holds_a_spreadsheet_for_each_kind_of_data(as_pat, pat, record):
    data = tables(as_pat.get(URL))
    assert len(data["checkins.csv"]) == pat.checkins.count() == 3
    assert data["checkins.csv"][0]["sleep_hours"] == "7.5"
    assert len(data["sessions.csv"]) == 3
    assert {r["pain_after"] for r in data["sessions.csv"]} == {"5"}
    assert len(data["exercise_logs.csv"]) == pat.exercise_logs.count()
    assert {r["symptoms"] for r in data["exercise_logs.csv"] if r["done"] == "1"} == {
        "aching;tingling"
    }
    bridges = [r for r in data["programs.csv"] if r["exercise_slug"] == "glute-bridge"]
    assert [(r["sets"], r["reps"]) for r in bridges] == [("2", "12"), ("3", "15")]
    assert bridges[0]["in_force_until"] == bridges[1]["in_force_from"]
    (flag,) = data["flags.csv"]
    assert flag["kind"] == "pain_spike" and flag["acknowledged_at"]


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused(as_pat, pat, record):
    Session.objects.filter(patient=pat).update(notes='=HYPERLINK("http://x.test","hi")')
    DailyCheckin.objects.filter(patient=pat).update(note="+1 after the walk")
    data = tables(as_pat.get(URL))
    assert data["checkins.csv"][0]["note"] == "'+1 after the walk"
    assert data["sessions.csv"][0]["note"].startswith("'=HYPERLINK")
    skipped = next(r for r in data["exercise_logs.csv"] if r["done"] == "0")
    assert skipped["skip_reason"] == "'=knee too sore"


def test_it_holds_only_the_patient_s_own_data(client, pat, pia, alice, record):
    full_record(pia, alice)
    response = login(client, pat.user).get(URL)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    for name in FILES:
        assert b"pia@patient.test" not in archive.read(name), name
    data = tables(response)
    refs = {int(r["session_ref"]) for r in data["sessions.csv"]}
    assert refs == set(pat.sessions.values_list("id", flat=True))


def test_it_is_an_attachment_no_cache_may_keep_and_it_is_audited(as_pat, pat):
    response = as_pat.get(URL)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="rehabit-pat-data-csv.zip"'
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action="patient.data_downloaded")
    assert event.patient_id == pat.pk and event.detail == {"as": "csv"}


def test_a_patient_with_nothing_logged_gets_the_headers(as_pat):
    response = as_pat.get(URL)
    data = tables(response)
    assert all(data[name] == [] for name in LOGS)
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    heads = {name: archive.read(name).decode("utf-8-sig").splitlines() for name in LOGS}
    assert heads["checkins.csv"] == ["patient_email,date,pain,worst_pain,sleep_hours,"
                                     "sleep_quality,stress,note"]  # fmt: skip
    assert all(len(lines) == 1 for lines in heads.values())


def test_its_queries_do_not_grow_with_history(as_pat, pat, record):
    with CaptureQueriesContext(connection) as short:
        tables(as_pat.get(URL))
    bulk_history(pat, 40)
    with CaptureQueriesContext(connection) as long:
        assert len(tables(as_pat.get(URL))["sessions.csv"]) == 40
    assert len(short) == len(long), (len(short), len(long))


def test_it_is_404_for_therapists_who_have_their_own_export(client, alice, bob, charlie, pat):
    for therapist in (alice, bob, charlie):
        assert login(client, therapist).get(URL).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.data_downloaded").exists()


def test_it_holds_the_audit_trail_notes_and_reminders_as_the_one_file_does(as_pat, pat, record):
    data = tables(as_pat.get(URL))
    viewed = [row for row in data["audit_trail.csv"] if row["action"] == "patient.viewed"]
    assert [(row["by_email"], row["detail"]) for row in viewed] == [
        ("alice@clinic.test", "days: 28")
    ]
    assert [row["text"] for row in data["notes_by_your_care_team.csv"]] == [
        "Responds well to bridges"
    ]
    (reminder,) = data["reminders_sent.csv"]  # the therapist's alert is not the patient's
    assert (reminder["kind"], reminder["status"]) == ("reminder", "sent")
    (phone,) = data["phones_for_reminders.csv"]
    assert phone["service"] == "push.example.test" and "secret" not in str(data)
    account = {row["field"]: row["value"] for row in data["account.csv"]}
    assert account["email"] == "pat@patient.test" and account["reminders_by_email"] == "yes"
    assert account["care_clinic"] == pat.clinic.name


def test_every_part_of_the_one_file_download_has_its_table(as_pat, pat, record):
    parts = set(as_pat.get(reverse("patient-data-json")).json()) - {"about"}
    files = {row["file"] for row in tables(as_pat.get(URL))["contents.csv"]}
    named = {"care": "account.csv", "notifications": "reminders_sent.csv",
             "push_subscriptions": "phones_for_reminders.csv",
             "goals": "outcome_measures.csv"}  # fmt: skip
    assert {named.get(part, f"{part}.csv") for part in parts} <= files
    assert all(row["what_it_holds"] for row in tables(as_pat.get(URL))["contents.csv"])


def test_questionnaire_answers_scores_and_goals_are_in_the_download(
    as_pat, pat, pat_program, alice
):
    from datetime import timedelta

    from tests.outcomes import answer_psfs, schedule
    from tracker.services.outcomes import goal_set

    measure = schedule(pat_program, "psfs")
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [2, 5], due_on=start, occasion="start")
    goal_set(patient=pat, therapist=alice, activity_key="a1", activity="Climb stairs",
             baseline=2, target=7, target_date=pat.local_today() + timedelta(days=30))  # fmt: skip
    rows = tables(as_pat.get(URL))["outcome_measures.csv"]
    answers = [(r["record"], r["key"], r["label"], r["value"]) for r in rows]
    assert ("answer", "a1", "Climb stairs", "2") in answers
    assert ("score", "mean", "Activities (mean, 0–10)", "3.5") in answers
    assert ("goal", "a1", "Climb stairs", "7") in answers
    data = as_pat.get(reverse("patient-data-json")).json()
    assert data["outcome_measures"][0]["scores"] == {"mean": 3.5}
    assert data["outcome_measures"][0]["activities"] == {
        "a1": "Climb stairs",
        "a2": "Kneel in the garden",
    }
    assert data["goals"][0]["target"] == 7
