import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login, make_patient
from tests.workspace import make_flag
from tracker.models import AuditEvent
from tracker.selectors.audit import PAGE_SIZE
from tracker.services.audit import audit_record

pytestmark = pytest.mark.django_db
URL = reverse("therapist-audit")
EXPORT = reverse("therapist-audit-export")


def rows(page: str) -> list[str]:
    """The table rows of the log, each as its raw HTML."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [r for r in body.split("<tr")[1:]]


def test_it_shows_the_clinic_s_events_newest_first_with_who_what_and_whom(as_alice, alice, pat):
    audit_record(action="note.added", actor=alice, patient=pat, detail={"mark": "FIRST"})
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"days": 28})
    viewed, noted, signed_in = rows(as_alice.get(URL).content.decode())
    assert "Viewed a patient record" in viewed and "days: 28" in viewed
    assert "Added a note" in noted and "mark: FIRST" in noted
    assert "Signed in" in signed_in  # as_alice logged in before either
    assert "Alice" in viewed and pat.user.display_name in viewed


def test_it_names_rehabit_for_what_the_evaluation_did_and_shows_the_target(as_alice, pat):
    flag = make_flag(pat)
    audit_record(action="flag.opened", patient=pat, target=flag, detail={"kind": "pain_rising"})
    page = as_alice.get(URL, {"action": "flag.opened"}).content.decode()
    [row] = rows(page)
    assert "Rehabit (automatic)" in row and "Opened a flag" in row
    assert f"Flag #{flag.pk}" in row and "kind: pain_rising" in row


def test_it_shows_times_in_the_admin_s_time_zone(client, alice, pat):
    alice.timezone = "America/New_York"
    alice.save(update_fields=["timezone"])
    with time_machine.travel(datetime(2026, 3, 10, 3, 30, tzinfo=UTC), tick=False):
        audit_record(action="patient.viewed", actor=alice, patient=pat)
    page = login(client, alice).get(URL, {"action": "patient.viewed"}).content.decode()
    assert "9 Mar 2026, 23:30:00" in page
    assert "America/New_York" in page


def test_it_never_shows_another_clinic_s_events(client, alice, charlie, oscar, pat):
    audit_record(action="patient.viewed", actor=charlie, patient=oscar, detail={"mark": "OTHER"})
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "OURS"})
    page = login(client, alice).get(URL).content.decode()
    assert "mark: OURS" in page
    assert "mark: OTHER" not in page and "charlie" not in page.lower()
    assert "oscar" not in page.lower()


def test_another_clinic_s_admin_sees_only_their_own(client, alice, charlie, oscar, pat):
    charlie.is_clinic_admin = True
    charlie.save(update_fields=["is_clinic_admin"])
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "DEMO"})
    audit_record(action="patient.viewed", actor=charlie, patient=oscar, detail={"mark": "MINE"})
    page = login(client, charlie).get(URL).content.decode()
    assert "mark: MINE" in page and "mark: DEMO" not in page
    # Nor can the patient filter reach across: another clinic's patient finds nothing.
    page = login(client, charlie).get(URL, {"patient": pat.pk}).content.decode()
    assert "mark: DEMO" not in page and "No events match" in page


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin(client, bob):
    assert login(client, bob).get(URL).status_code == 404
    assert login(client, bob).get(EXPORT).status_code == 404


def test_it_is_404_for_a_patient(client, pat):
    assert login(client, pat.user).get(URL).status_code == 404
    assert login(client, pat.user).get(EXPORT).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login")) and "next=" in response["Location"]


def test_it_filters_by_kind_of_event(as_alice, alice, pat):
    audit_record(action="note.added", actor=alice, patient=pat, detail={"mark": "NOTE"})
    audit_record(action="patient.exported", actor=alice, patient=pat, detail={"mark": "EXPORT"})
    page = as_alice.get(URL, {"action": "patient.exported"}).content.decode()
    assert "mark: EXPORT" in page and "mark: NOTE" not in page


def test_it_offers_every_kind_in_the_registry(as_alice):
    from tracker.services.audit import AUDIT_ACTIONS

    page = as_alice.get(URL).content.decode()
    for action in AUDIT_ACTIONS:
        assert f'<option value="{action}"' in page, action


def test_it_filters_by_who(as_alice, alice, bob, pat):
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "BY-ALICE"})
    audit_record(action="patient.viewed", actor=bob, patient=pat, detail={"mark": "BY-BOB"})
    audit_record(action="flag.opened", patient=pat, detail={"mark": "BY-REHABIT"})
    page = as_alice.get(URL, {"who": bob.pk}).content.decode()
    assert "mark: BY-BOB" in page
    assert "mark: BY-ALICE" not in page and "mark: BY-REHABIT" not in page
    page = as_alice.get(URL, {"who": "automatic"}).content.decode()
    assert "mark: BY-REHABIT" in page
    assert "mark: BY-ALICE" not in page and "mark: BY-BOB" not in page


def test_it_filters_by_part_of_an_email_including_failed_sign_ins(client, alice, bob):
    client.post("/login/", {"username": bob.email, "password": "wrong guess"})
    audit_record(action="auth.login", actor=alice)
    page = login(client, alice).get(URL, {"email": "BOB@"}).content.decode()
    [row] = rows(page)
    assert "Failed sign-in" in row and "bob@clinic.test" in row and "(not signed in)" in row


def test_it_filters_by_patient(as_alice, alice, pat, pia):
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "PAT"})
    audit_record(action="patient.viewed", actor=alice, patient=pia, detail={"mark": "PIA"})
    page = as_alice.get(URL, {"patient": pia.pk}).content.decode()
    assert "mark: PIA" in page and "mark: PAT" not in page


def test_it_keeps_a_deleted_patient_s_events_findable_by_number(as_alice, alice, clinic, pat):
    gone = make_patient("gone@patient.test", clinic, alice)
    ref = gone.pk
    audit_record(action="patient.viewed", actor=alice, patient=gone, detail={"mark": "GONE"})
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "PAT"})
    gone.user.delete()
    page = as_alice.get(URL).content.decode()
    assert f"deleted patient #{ref}" in page
    page = as_alice.get(URL, {"patient": ref}).content.decode()
    assert "mark: GONE" in page and "mark: PAT" not in page
    assert f'<option value="{ref}" selected>deleted patient #{ref}</option>' in page


def test_it_filters_by_dates_in_the_admin_s_time_zone(client, alice, pat):
    alice.timezone = "America/New_York"
    alice.save(update_fields=["timezone"])
    # 9 March, 23:30 in New York; already 10 March in UTC.
    with time_machine.travel(datetime(2026, 3, 10, 3, 30, tzinfo=UTC), tick=False):
        audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "NINTH"})
    with time_machine.travel(datetime(2026, 3, 10, 15, 0, tzinfo=UTC), tick=False):
        audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "TENTH"})
    login(client, alice)
    page = client.get(URL, {"date_from": "2026-03-10"}).content.decode()
    assert "mark: TENTH" in page and "mark: NINTH" not in page
    page = client.get(URL, {"date_to": "2026-03-09"}).content.decode()
    assert "mark: NINTH" in page and "mark: TENTH" not in page
    page = client.get(URL, {"date_from": "2026-03-09", "date_to": "2026-03-10"}).content.decode()
    assert "mark: NINTH" in page and "mark: TENTH" in page


def test_it_explains_an_end_date_before_the_start_and_still_shows_the_rest(as_alice, alice, pat):
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "SHOWN"})
    response = as_alice.get(URL, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "The end date is before the start date." in page
    assert 'value="2026-03-01"' in page  # what was typed stays in the field


@pytest.mark.parametrize(
    ("field", "day", "message"),
    [
        ("date_to", "9999-12-31", "Choose a date before 3000."),
        ("date_from", "0001-01-01", "Choose a date from 2000 on."),
    ],
)
def test_it_explains_a_date_at_the_end_of_the_calendar(as_alice, alice, pat, field, day, message):
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "SHOWN"})
    response = as_alice.get(URL, {field: day})
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and "mark: SHOWN" in page


def test_it_answers_htmx_with_the_results_partial(as_alice, alice, pat):
    audit_record(action="note.added", actor=alice, patient=pat, detail={"mark": "PARTIAL"})
    response = as_alice.get(URL, {"action": "note.added"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="audit-results"' in html and "mark: PARTIAL" in html
    assert "<html" not in html and "<form" not in html
    assert "HX-Request" in response["Vary"]


def test_it_goes_back_in_time_a_page_at_a_time_even_within_one_instant(as_alice, alice, pat):
    with time_machine.travel(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), tick=False):
        for n in range(PAGE_SIZE + 5):
            audit_record(action="note.added", actor=alice, patient=pat, detail={"n": f"E{n:03d}"})
    first = as_alice.get(URL, {"action": "note.added"}).content.decode()
    assert len(rows(first)) == PAGE_SIZE
    assert "n: E054" in first and "n: E005" in first and "n: E004" not in first
    newest_first_cut = AuditEvent.objects.filter(action="note.added").order_by("-at", "-id")
    cursor = newest_first_cut[PAGE_SIZE - 1].pk
    assert f"older_than={cursor}" in first
    second = as_alice.get(URL, {"action": "note.added", "older_than": cursor}).content.decode()
    assert len(rows(second)) == 5
    assert "n: E004" in second and "n: E000" in second and "n: E005" not in second
    assert "Older events" not in second and "Newest events" in second


def test_a_cursor_from_another_clinic_is_ignored(client, alice, charlie, oscar, pat):
    theirs = audit_record(action="patient.viewed", actor=charlie, patient=oscar)
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "OURS"})
    page = login(client, alice).get(URL, {"older_than": theirs.pk}).content.decode()
    assert "mark: OURS" in page
    page = client.get(URL, {"older_than": "9" * 40}).content.decode()
    assert "mark: OURS" in page


def test_its_query_count_does_not_grow_with_the_events_shown(client, alice, bob, pat, pia):
    login(client, alice)
    flag = make_flag(pat)

    def events(n):
        for i in range(n):
            audit_record(
                action="flag.acknowledged" if i % 3 else "patient.viewed",
                actor=(alice, bob, None)[i % 3],
                patient=(pat, pia)[i % 2],
                target=flag,
                detail={"i": i},
            )

    events(5)
    client.get(URL)  # the session settles on the first request
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).status_code == 200
    events(45)
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL).content.decode()
    assert len(rows(page)) == PAGE_SIZE
    assert len(few) == len(many), (len(few), len(many))


def test_it_escapes_what_people_typed(as_alice, alice):
    audit_record(
        action="exercise.created", actor=alice, detail={"name": "<script>alert(1)</script>"}
    )
    page = as_alice.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_it_shows_the_link_in_the_navigation_to_clinic_admins_only(client, alice, bob):
    assert (
        f'href="{URL}"' in login(client, alice).get(reverse("therapist-caseload")).content.decode()
    )
    assert (
        f'href="{URL}"'
        not in login(client, bob).get(reverse("therapist-caseload")).content.decode()
    )


# --- The CSV download ----------------------------------------------------------------------


def read_csv(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_it_downloads_the_filtered_events_as_csv(as_alice, alice, pat, pia, oscar, charlie):
    audit_record(action="patient.viewed", actor=alice, patient=pat, detail={"mark": "PAT"})
    audit_record(action="patient.viewed", actor=alice, patient=pia, detail={"mark": "PIA"})
    audit_record(action="patient.viewed", actor=charlie, patient=oscar, detail={"mark": "OSCAR"})
    response = as_alice.get(EXPORT, {"action": "patient.viewed", "patient": pat.pk})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    [row] = read_csv(response)
    assert row["action"] == "patient.viewed" and row["what"] == "Viewed a patient record"
    assert row["who_email"] == alice.email and row["patient_ref"] == str(pat.pk)
    assert '"mark": "PAT"' in row["detail"]


def test_the_download_is_itself_audited_with_its_filters(as_alice, alice, pat):
    response = as_alice.get(EXPORT, {"action": "patient.viewed", "patient": pat.pk})
    read_csv(response)
    event = AuditEvent.objects.get(action="audit.exported")
    assert event.actor == alice and event.clinic_id == alice.clinic_id
    assert event.detail == {"filters": {"action": "patient.viewed", "patient_ref": str(pat.pk)}}


def test_the_download_defuses_spreadsheet_formulas(as_alice, bob, pat):
    bob.full_name = '=HYPERLINK("http://evil.test")'
    bob.save(update_fields=["full_name"])
    audit_record(action="patient.viewed", actor=bob, patient=pat)
    response = as_alice.get(EXPORT, {"who": bob.pk})
    values = [value for row in read_csv(response) for value in row.values()]
    assert not any(v.startswith(("=", "+", "-", "@")) for v in values)
    assert '\'=HYPERLINK("http://evil.test")' in values


def test_a_download_with_a_bad_filter_is_refused_rather_than_widened(as_alice, alice, pat):
    audit_record(action="patient.viewed", actor=alice, patient=pat)
    response = as_alice.get(EXPORT, {"date_from": "2026-03-10", "date_to": "2026-03-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEvent.objects.filter(action="audit.exported").exists()
