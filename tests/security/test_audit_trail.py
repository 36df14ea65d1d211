"""Every kind of audited event, caused the way a person (or the nightly evaluation) causes it.

One test per kind in ``AUDIT_ACTIONS``: each goes through the real login page, view or
service and checks that exactly that event was appended, naming the right actor, patient
and clinic. ``test_every_audited_kind_has_a_test`` fails for a kind nobody tests.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, login, make_patient
from tests.phone import post as phone_post
from tests.workspace import dosage_post, exercise, give_program, make_flag
from tracker.models import (
    AuditEvent,
    Exercise,
    Flag,
    ImportStaging,
    PatientProfile,
    Program,
    User,
)
from tracker.services.audit import AUDIT_ACTIONS, audit_record
from tracker.services.flags import trends_evaluate_patients
from tracker.services.logbook import CheckinValues, checkin_record

pytestmark = pytest.mark.django_db
IP = "198.51.100.7"


def the_event(action: str, **expected: object) -> AuditEvent:
    """The one event of this kind, with the fields expected."""
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, f"{action}: {len(events)} events"
    [event] = events
    for field, value in expected.items():
        assert getattr(event, field) == value, f"{action}.{field}: {getattr(event, field)!r}"
    return event


# --- Signing in and out ----------------------------------------------------------------------


def test_a_login(client: Client, alice: User):
    client.post("/login/", {"username": alice.email, "password": PASSWORD}, REMOTE_ADDR=IP)
    the_event(
        "auth.login", actor=alice, actor_email=alice.email, clinic=alice.clinic, ip_address=IP
    )


def test_a_failed_login_on_a_clinic_s_account_is_the_clinic_s_to_see(client: Client, bob: User):
    response = client.post("/login/", {"username": bob.email, "password": "guess"}, REMOTE_ADDR=IP)
    event = the_event(
        "auth.login_failed", actor=None, clinic=bob.clinic, patient=None, ip_address=IP
    )
    assert event.detail == {"email": bob.email}
    assert (event.target_type, event.target_id) == ("tracker.user", str(bob.pk))
    # The page the attacker sees says nothing about whether the account exists.
    unknown = Client().post("/login/", {"username": "nobody@x.test", "password": "guess"})
    assert unknown.status_code == response.status_code
    assert shape(unknown.content.decode().replace("nobody@x.test", bob.email)) == shape(
        response.content.decode()
    )


def shape(page: str) -> str:
    """The page without what differs on every response anyway: nonces and CSRF tokens."""
    page = re.sub(r'nonce="[^"]+"', "nonce", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "csrf", page)


def test_a_failed_login_for_an_unknown_email_belongs_to_no_clinic(client: Client, alice: User):
    client.post("/login/", {"username": "nobody@nowhere.test", "password": "x"})
    event = the_event("auth.login_failed", actor=None, clinic=None, target_id="")
    assert event.detail == {"email": "nobody@nowhere.test"}


def test_a_logout(client: Client, alice: User):
    client.post("/login/", {"username": alice.email, "password": PASSWORD})
    client.post(reverse("logout"), REMOTE_ADDR=IP)
    the_event("auth.logout", actor=alice, clinic=alice.clinic, ip_address=IP)


# --- The therapist's workspace ---------------------------------------------------------------


def test_viewing_a_record(as_alice: Client, alice: User, pat: PatientProfile):
    as_alice.get(reverse("therapist-record", args=[pat.pk]), REMOTE_ADDR=IP)
    the_event("patient.viewed", actor=alice, patient=pat, clinic=pat.clinic, ip_address=IP)


def test_exporting_a_patient_s_logs_and_report(as_alice: Client, alice: User, pat):
    for name in ("therapist-export-checkins", "therapist-export-sessions", "therapist-report"):
        response = as_alice.get(reverse(name, args=[pat.pk]))
        assert response.status_code == 200
    events = AuditEvent.objects.filter(action="patient.exported").order_by("id")
    assert [e.detail["what"] for e in events] == ["checkins", "sessions", "report"]
    assert {(e.actor, e.patient, e.clinic_id) for e in events} == {(alice, pat, pat.clinic_id)}


def test_adding_a_note(as_alice: Client, alice: User, pat: PatientProfile):
    as_alice.post(reverse("therapist-note-create", args=[pat.pk]), {"text": "Stairs better."})
    event = the_event("note.added", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.target_type == "tracker.therapistnote"
    assert "Stairs better." not in json.dumps(event.detail)  # the note stays in the record


def test_acknowledging_a_flag(as_alice: Client, alice: User, pat: PatientProfile):
    flag = make_flag(pat)
    url = reverse("therapist-flag-review", args=[flag.pk])
    as_alice.post(url, {"action": "acknowledge"})
    event = the_event("flag.acknowledged", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.target_id == str(flag.pk)


def test_resolving_a_flag(as_alice: Client, alice: User, pat: PatientProfile):
    flag = make_flag(pat)
    as_alice.post(reverse("therapist-flag-review", args=[flag.pk]), {"action": "resolve"})
    event = the_event("flag.resolved", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.target_id == str(flag.pk)


# --- Programs --------------------------------------------------------------------------------


@pytest.fixture
def program(pat: PatientProfile, alice: User) -> Program:
    return give_program(pat, alice, pat.local_today() - timedelta(days=14))


def test_starting_a_program(as_alice: Client, alice: User, pat: PatientProfile):
    as_alice.post(
        reverse("therapist-program-start", args=[pat.pk]),
        {"title": "Knee plan", "start_date": pat.local_today().isoformat()},
    )
    program = Program.objects.get(patient=pat)
    event = the_event("program.created", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.target_id == str(program.pk)


def test_changing_a_program(as_alice: Client, alice: User, pat: PatientProfile, program):
    as_alice.post(
        reverse("therapist-program-details", args=[program.pk]),
        {"title": "Knee plan, phase 2", "goal": program.goal, "status": "active"},
    )
    event = the_event("program.updated", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.detail == {"fields": ["title"]}


def test_adding_an_exercise(as_alice: Client, alice: User, pat: PatientProfile, program):
    clam = exercise("clamshell")
    as_alice.post(reverse("therapist-program-add", args=[program.pk, clam.pk]))
    event = the_event("prescription.added", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.detail["exercise"] == "clamshell"


def test_changing_a_dosage(as_alice: Client, alice: User, pat: PatientProfile, program):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    as_alice.post(
        reverse("therapist-prescription-dosage", args=[bridge.pk]),
        dosage_post(bridge, sets=3, amount=15),
    )
    event = the_event("prescription.changed", actor=alice, patient=pat, clinic=pat.clinic)
    assert (event.detail["from"], event.detail["to"]) == ("2 × 12 reps", "3 × 15 reps")


def test_reordering_a_program(as_alice: Client, alice: User, pat: PatientProfile, program):
    stretch = program.prescriptions.get(exercise__slug="hip-flexor-stretch")
    as_alice.post(reverse("therapist-prescription-move", args=[stretch.pk]), {"direction": "up"})
    event = the_event("prescription.reordered", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.detail == {"exercise": "hip-flexor-stretch", "position": 1}


def test_removing_an_exercise(as_alice: Client, alice: User, pat: PatientProfile, program):
    bridge = program.prescriptions.get(exercise__slug="glute-bridge")
    as_alice.post(reverse("therapist-prescription-remove", args=[bridge.pk]))
    event = the_event("prescription.removed", actor=alice, patient=pat, clinic=pat.clinic)
    assert event.detail == {"exercise": "glute-bridge"}


# --- The clinic's library --------------------------------------------------------------------

EXERCISE = {
    "name": "Step-down with a towel",
    "category": "motor_control",
    "body_region": "knee",
    "summary": "",
    "steps": "Stand on a low step.\nLower the other heel slowly.",
    "cues": "",
    "cautions": "",
    "default_sets": 3,
    "amount_kind": "reps",
    "amount": 8,
    "default_times_per_day": 1,
    "default_days_per_week": 4,
    "default_side": "both",
    "video_url": "",
}


def test_adding_a_clinic_exercise(as_alice: Client, alice: User):
    as_alice.post(reverse("therapist-exercise-new"), EXERCISE, REMOTE_ADDR=IP)
    added = Exercise.objects.get(clinic=alice.clinic)
    event = the_event("exercise.created", actor=alice, clinic=alice.clinic, ip_address=IP)
    assert (event.target_type, event.target_id) == ("tracker.exercise", str(added.pk))


def test_changing_a_clinic_exercise(as_alice: Client, alice: User):
    as_alice.post(reverse("therapist-exercise-new"), EXERCISE)
    added = Exercise.objects.get(clinic=alice.clinic)
    as_alice.post(
        reverse("therapist-exercise-edit", args=[added.pk]), {**EXERCISE, "default_sets": 2}
    )
    event = the_event("exercise.updated", actor=alice, clinic=alice.clinic)
    assert event.detail == {"name": "Step-down with a towel", "fields": ["default_sets"]}


# --- Invitations -----------------------------------------------------------------------------


def invite(client: Client, therapist: User) -> PatientProfile:
    client.post(
        reverse("therapist-invite"),
        {
            "full_name": "Nora Quinn",
            "email": "nora@p.test",
            "timezone": "Europe/Dublin",
            "condition": "",
            "therapist": therapist.pk,
        },
    )
    return PatientProfile.objects.get(user__email="nora@p.test")


def test_inviting_a_patient(as_alice: Client, alice: User):
    nora = invite(as_alice, alice)
    the_event("patient.invited", actor=alice, patient=nora, clinic=alice.clinic)


def test_resending_an_invitation(as_alice: Client, alice: User):
    nora = invite(as_alice, alice)
    PatientProfile.objects.filter(pk=nora.pk).update(invited_at=timezone.now() - timedelta(hours=1))
    as_alice.post(reverse("therapist-invite-resend", args=[nora.pk]))
    the_event("patient.invite_resent", actor=alice, patient=nora, clinic=alice.clinic)


def test_revoking_an_invitation(as_alice: Client, alice: User):
    nora = invite(as_alice, alice)
    as_alice.post(reverse("therapist-invite-revoke", args=[nora.pk]))
    the_event("patient.invite_revoked", actor=alice, patient=nora, clinic=alice.clinic)


def test_accepting_an_invitation(as_alice: Client, alice: User):
    nora = invite(as_alice, alice)
    path = re.search(r"https?://[^/\s]+(/invite/\S+/)", mail.outbox[-1].body).group(1)
    password = "a knee that climbs stairs"
    Client().post(path, {"new_password1": password, "new_password2": password})
    the_event("patient.invite_accepted", actor=nora.user, patient=nora, clinic=alice.clinic)


# --- Imports and the audit log's own download ------------------------------------------------

CHECKINS = (
    "patient_email,date,pain,worst_pain,sleep_hours,sleep_quality,stress,note\n"
    "pat@patient.test,2026-08-01,3,5,7.5,6,3,\n"
)


def test_importing_logs_in_the_browser(as_alice: Client, alice: User, pat: PatientProfile):
    url = reverse("therapist-import")
    upload = SimpleUploadedFile("checkins.csv", CHECKINS.encode(), content_type="text/csv")
    as_alice.post(url, {"step": "check", "therapist": alice.pk, "checkins": upload})
    staging = ImportStaging.objects.get(uploaded_by=alice)
    assert not AuditEvent.objects.filter(action="caseload.imported").exists()  # only checked
    as_alice.post(reverse("therapist-import-run", args=[staging.pk]))
    event = the_event("caseload.imported", actor=alice, clinic=alice.clinic, patient=None)
    assert event.detail["counts"]["checkins"] == 1


def test_importing_logs_from_the_command_line(alice: User, pat: PatientProfile, tmp_path: Path):
    checkins = tmp_path / "checkins.csv"
    checkins.write_text(CHECKINS)
    args = ["--clinic", "Demo Clinic", "--therapist", alice.email, "--checkins", str(checkins)]
    call_command("import_logs", *args, "--dry-run", stdout=None)
    assert not AuditEvent.objects.filter(action="caseload.imported").exists()
    call_command("import_logs", *args)
    event = the_event("caseload.imported", actor=None, clinic=alice.clinic)
    assert event.detail["by"] == "import_logs command"


def test_downloading_the_audit_log(as_alice: Client, alice: User):
    response = as_alice.get(reverse("therapist-audit-export"), {"action": "patient.viewed"})
    b"".join(response.streaming_content)
    event = the_event("audit.exported", actor=alice, clinic=alice.clinic, patient=None)
    assert event.detail == {"filters": {"action": "patient.viewed"}}


# --- The patient's own changes ---------------------------------------------------------------

PUSH = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
    "keys": {"p256dh": "BOr6x-key", "auth": "c2VjcmV0"},
}


@pytest.fixture
def push_on(settings) -> None:
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"


def push(client: Client, body: dict[str, object]):
    return client.post(
        reverse("patient-push-subscribe"), json.dumps(body), content_type="application/json"
    )


def test_a_patient_changing_their_settings(as_pat: Client, pat: PatientProfile):
    settings_url = reverse("patient-settings")
    data = {"reminder_time": "07:30", "remind_by_email": "on", "timezone": "Europe/Berlin"}
    phone_post(as_pat, settings_url, data)
    phone_post(as_pat, settings_url, data)  # saved again unchanged: nothing to record
    event = the_event("patient.settings_changed", actor=pat.user, patient=pat, clinic=pat.clinic)
    assert event.detail == {"fields": ["reminder_time", "timezone"], "reminder_time": "07:30"}


def test_the_phone_setting_a_patient_s_time_zone(client: Client, clinic, alice: User):
    newcomer = make_patient("new@patient.test", clinic, alice, tz="UTC")
    detect = reverse("patient-timezone-detect")
    phone_post(login(client, newcomer.user), detect, {"timezone": "America/Chicago"})
    event = the_event("patient.settings_changed", actor=newcomer.user, patient=newcomer)
    assert event.detail == {"fields": ["timezone"], "by": "phone"}


def test_a_patient_turning_on_push_reminders(as_pat: Client, pat: PatientProfile, push_on):
    push(as_pat, PUSH)
    push(as_pat, PUSH)  # the same browser again is not a change
    the_event("patient.push_subscribed", actor=pat.user, patient=pat, clinic=pat.clinic)


def test_a_patient_turning_off_push_reminders(as_pat: Client, pat: PatientProfile, push_on):
    push(as_pat, PUSH)
    push(as_pat, {"endpoint": PUSH["endpoint"], "remove": True})
    push(as_pat, {"endpoint": PUSH["endpoint"], "remove": True})  # nothing left to remove
    the_event("patient.push_unsubscribed", actor=pat.user, patient=pat, clinic=pat.clinic)


# --- The trend evaluation --------------------------------------------------------------------


def pains(patient: PatientProfile, first: date, values: list[int]) -> None:
    for offset, pain in enumerate(values):
        checkin_record(
            patient=patient,
            local_date=first + timedelta(days=offset),
            values=CheckinValues(
                pain=pain,
                worst_pain=pain,
                sleep_hours=Decimal("7.5"),
                sleep_quality=6,
                stress=3,
            ),
            allow_past=True,
        )


@pytest.fixture
def spike_day(pat: PatientProfile) -> date:
    """A fortnight at pain 2, then a day at 9: a pain spike on the day returned."""
    spike = pat.local_today() - timedelta(days=10)
    pains(pat, spike - timedelta(days=14), [2] * 14 + [9])
    return spike


def test_the_evaluation_opening_a_flag(pat: PatientProfile, spike_day: date):
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=spike_day)
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=spike_day)  # nothing new: no event
    flag = Flag.objects.get(patient=pat, kind="pain_spike")
    event = the_event("flag.opened", actor=None, actor_email="", patient=pat, clinic=pat.clinic)
    assert (event.target_type, event.target_id) == ("tracker.flag", str(flag.pk))
    assert event.detail["kind"] == "pain_spike"


def test_the_evaluation_clearing_a_flag(pat: PatientProfile, spike_day: date):
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=spike_day)
    pains(pat, spike_day + timedelta(days=1), [2, 2, 2, 2])
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=spike_day + timedelta(days=4))
    flag = Flag.objects.get(patient=pat, kind="pain_spike")
    assert flag.status == "resolved" and flag.resolution == "cleared"
    event = the_event("flag.auto_resolved", actor=None, patient=pat, clinic=pat.clinic)
    assert event.target_id == str(flag.pk)


def test_the_evaluation_escalating_a_flag(pat: PatientProfile):
    # A fortnight at 2, a week at 4 (rising, medium), then a week at 9 (rising, high).
    first = pat.local_today() - timedelta(days=30)
    pains(pat, first, [2] * 14 + [4] * 7 + [9] * 7)
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=first + timedelta(days=20))
    rising = Flag.objects.get(patient=pat, kind="pain_rising")
    assert rising.severity == "medium"
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=first + timedelta(days=27))
    rising.refresh_from_db()
    assert rising.severity == "high"
    event = the_event("flag.escalated", actor=None, patient=pat, clinic=pat.clinic)
    assert event.target_id == str(rising.pk) and event.detail["severity"] == "high"


# --- The trail itself ------------------------------------------------------------------------


def test_an_event_cannot_be_changed_or_deleted(alice: User, pat: PatientProfile):
    event = audit_record(action="patient.viewed", actor=alice, patient=pat)
    event.action = "note.added"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(action="note.added")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "patient.viewed"


def test_an_unknown_kind_is_refused(alice: User):
    with pytest.raises(ValueError, match="AUDIT_ACTIONS"):
        audit_record(action="patient.teleported", actor=alice)
    assert not AuditEvent.objects.filter(action="patient.teleported").exists()


# --- Every kind is tested --------------------------------------------------------------------

TESTED_HERE = {
    "audit.exported": "test_downloading_the_audit_log",
    "auth.login": "test_a_login",
    "auth.login_failed": "test_a_failed_login_on_a_clinic_s_account_is_the_clinic_s_to_see",
    "auth.logout": "test_a_logout",
    "caseload.imported": "test_importing_logs_in_the_browser",
    "exercise.created": "test_adding_a_clinic_exercise",
    "exercise.updated": "test_changing_a_clinic_exercise",
    "flag.acknowledged": "test_acknowledging_a_flag",
    "flag.auto_resolved": "test_the_evaluation_clearing_a_flag",
    "flag.escalated": "test_the_evaluation_escalating_a_flag",
    "flag.opened": "test_the_evaluation_opening_a_flag",
    "flag.resolved": "test_resolving_a_flag",
    "note.added": "test_adding_a_note",
    "patient.exported": "test_exporting_a_patient_s_logs_and_report",
    "patient.invite_accepted": "test_accepting_an_invitation",
    "patient.invite_resent": "test_resending_an_invitation",
    "patient.invite_revoked": "test_revoking_an_invitation",
    "patient.invited": "test_inviting_a_patient",
    "patient.push_subscribed": "test_a_patient_turning_on_push_reminders",
    "patient.push_unsubscribed": "test_a_patient_turning_off_push_reminders",
    "patient.settings_changed": "test_a_patient_changing_their_settings",
    "patient.viewed": "test_viewing_a_record",
    "prescription.added": "test_adding_an_exercise",
    "prescription.changed": "test_changing_a_dosage",
    "prescription.removed": "test_removing_an_exercise",
    "prescription.reordered": "test_reordering_a_program",
    "program.created": "test_starting_a_program",
    "program.updated": "test_changing_a_program",
}
TESTS = Path(__file__).resolve().parents[1]
# Modules that name kinds without testing them: this one's table, and the audit log page's.
NOT_EVIDENCE = {Path(__file__).resolve(), TESTS / "views" / "test_audit_log.py"}


def checked_elsewhere(action: str) -> list[Path]:
    """Test modules that name this kind of event, in quotes, as a test of it does."""
    quoted = (f'"{action}"', f"'{action}'")
    found = []
    for path in sorted(TESTS.rglob("test_*.py")):
        if path.resolve() in NOT_EVIDENCE:
            continue
        source = path.read_text(encoding="utf-8")
        if any(q in source for q in quoted):
            found.append(path)
    return found


def test_every_audited_kind_has_a_test():
    untested = [a for a in AUDIT_ACTIONS if a not in TESTED_HERE and not checked_elsewhere(a)]
    assert not untested, f"Audited kinds that no test causes and checks: {untested}"


@pytest.mark.parametrize("action", sorted(TESTED_HERE))
def test_the_table_names_a_test_that_checks_that_kind(action: str):
    assert action in AUDIT_ACTIONS, f"{action} is no longer an audited kind"
    test = getattr(sys.modules[__name__], TESTED_HERE[action], None)
    assert callable(test), f"{TESTED_HERE[action]} is not a test of this module"
    assert f'"{action}"' in inspect.getsource(test), f"{TESTED_HERE[action]} never checks it"
