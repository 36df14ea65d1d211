from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.workspace import bulk_history, caseload_of, give_program, live_days, make_flag
from tracker.models import AuditEvent, FlagEvent, TherapistNote
from tracker.services.flag_review import flag_acknowledge
from tracker.services.prescribing import DosageSpec, prescription_change_dosage

pytestmark = pytest.mark.django_db


def url(patient):
    return reverse("therapist-record", args=[patient.pk])


@pytest.fixture
def history(pat, alice):
    give_program(pat, alice, pat.local_today() - timedelta(days=20))
    live_days(pat, 10, pain=4, symptoms=("tingling",))
    return pat


def test_it_shows_the_program_and_its_dosages(as_alice, history):
    page = as_alice.get(url(history)).content.decode()
    assert "Knee plan" in page
    assert "Glute Bridge</strong> — 2 × 12 reps" in page
    assert "2 × 30 s hold" in page


def test_it_charts_pain_sleep_stress_and_adherence(as_alice, history):
    page = as_alice.get(url(history)).content.decode()
    for label in ("Pain now (0–10)", "Sleep quality (0–10)", "Stress (0–10)", "Sleep"):
        assert f'<strong class="chart-label">{label}</strong>' in page
    assert "Days with everything done" in page
    assert page.count('class="chart-svg') >= 5


def test_it_lists_check_ins_and_sessions_with_pain_symptoms_and_the_target_then(as_alice, history):
    yesterday = history.local_today() - timedelta(days=1)
    page = as_alice.get(url(history)).content.decode()
    assert yesterday.strftime("%a %-d %b") in page
    assert "pain 4 → 5" in page  # before → after
    assert "pain during up to 4" in page
    assert "Tingling" in page
    assert "✓ 2 × 12 reps" in page  # achieved, next to the target snapshot


def test_it_keeps_the_target_of_old_logs_after_a_dosage_change(as_alice, history):
    bridge = history.programs.get().prescriptions.get(exercise__slug="glute-bridge")
    prescription_change_dosage(
        prescription=bridge,
        dosage=DosageSpec(3, 15, None),
        notes="",
        effective_on=history.local_today(),
    )
    page = as_alice.get(url(history)).content.decode()
    assert "Glute Bridge</strong> — 3 × 15 reps" in page  # the program now
    assert "<td>2 × 12 reps</td>" in page  # what the old logs were prescribed


def test_it_shows_the_flag_history_with_who_did_what(as_alice, alice, history):
    flag = make_flag(history, "pain_rising", "high", summary="Pain is up by 3.")
    flag_acknowledge(flag=flag, therapist=alice, note="Phoned, adjusting.")
    make_flag(history, "gone_quiet", "low", status="resolved", summary="Was quiet.")
    page = as_alice.get(url(history)).content.decode()
    assert "Pain is up by 3." in page and "Was quiet." in page
    assert "Acknowledged by Alice" in page and "“Phoned, adjusting.”" in page
    assert FlagEvent.objects.count() == 3


def test_it_shows_private_notes(as_alice, alice, pat):
    TherapistNote.objects.create(clinic=pat.clinic, patient=pat, author=alice, text="Runs 5k.")
    assert "Runs 5k." in as_alice.get(url(pat)).content.decode()


def test_it_writes_an_audit_event_for_every_view(as_alice, alice, pat):
    as_alice.get(url(pat))
    as_alice.get(url(pat), {"days": 56}, headers={"HX-Request": "true"})
    events = AuditEvent.objects.filter(action="patient.viewed", patient=pat, actor=alice)
    assert events.count() == 2


def test_it_switches_the_period_with_an_htmx_partial(as_alice, history):
    response = as_alice.get(url(history), {"days": 14}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'id="record-window"' in html and "<html" not in html
    assert 'aria-current="true">14 days' in html


def test_it_offers_to_resend_an_invitation_not_yet_accepted(as_alice, pat):
    pat.user.set_unusable_password()
    pat.user.save()
    assert "Send invitation" in as_alice.get(url(pat)).content.decode()


def test_bob_from_the_same_clinic_may_read_it(client, bob, pat):
    assert login(client, bob).get(url(pat)).status_code == 200


def test_it_is_404_for_another_clinic_and_for_patients(client, charlie, pat, pia):
    assert login(client, charlie).get(url(pat)).status_code == 404
    assert login(client, pia.user).get(url(pat)).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.viewed").exists()


def test_its_query_count_does_not_grow_with_patients_or_history(client, clinic, alice, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    login(client, alice)
    first = caseload_of(clinic, alice, 5, history_days=3)[0]
    with CaptureQueriesContext(connection) as few:
        assert client.get(url(first)).status_code == 200
    caseload_of(clinic, alice, 45, history_days=3, prefix="more")
    bulk_history(first, 25)  # and a much longer history for the patient viewed
    make_flag(first, "gone_quiet", "medium")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url(first), {"days": 90}).status_code == 200
    assert len(few) == len(many), (len(few), len(many))


def test_it_marks_a_session_that_has_the_patient_s_note(as_alice, history):
    page = as_alice.get(url(history)).content.decode()
    assert "has a note from the patient" not in page
    session = history.sessions.order_by("-local_date").first()
    session.notes = "Knee clicked on the stairs."
    session.save(update_fields=["notes"])
    page = as_alice.get(url(history)).content.decode()
    assert page.count("has a note from the patient") == 1


def test_it_says_whose_dates_they_are_when_the_patient_lives_elsewhere(as_alice, alice, pat):
    alice.timezone = "Europe/London"
    alice.save(update_fields=["timezone"])
    pat.user.timezone = "America/Denver"
    pat.user.save(update_fields=["timezone"])
    make_flag(pat)
    page = as_alice.get(url(pat)).content.decode()
    assert page.count("(Denver time)") == 3  # check-ins, sessions, flags
    flags = as_alice.get(reverse("therapist-flags")).content.decode()
    assert "(Denver time)" in flags
    window = as_alice.get(url(pat) + "?days=28", headers={"HX-Request": "true"})
    assert window.content.decode().count("(Denver time)") == 2


def test_it_adds_no_zone_when_the_patient_lives_in_the_therapist_s(as_alice, alice, pat):
    pat.user.timezone = alice.timezone
    pat.user.save(update_fields=["timezone"])
    make_flag(pat)
    assert "time)" not in as_alice.get(url(pat)).content.decode()
    assert "time)" not in as_alice.get(reverse("therapist-flags")).content.decode()
