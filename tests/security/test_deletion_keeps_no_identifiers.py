"""After a confirmed deletion, nothing Rehabit keeps names the patient.

The audit trail keeps every event (the law asks for it), but the patient's email and the
addresses they, or anyone typing their email, came from are gone: the events name the
patient by number. What the clinic's side did, from where, stays as written. The sign-in
throttle's records and the admin site's history are checked too.
"""

from __future__ import annotations

import json
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login
from tests.workspace import full_record
from tracker.models import AuditEvent, PatientProfile, User
from tracker.services.data_rights import deletion_request_create

pytestmark = pytest.mark.django_db

PHONE_IP = "198.51.100.23"  # the patient's phone
GUESSER_IP = "203.0.113.66"  # someone typing the patient's email
CLINIC_IP = "192.0.2.10"  # the clinic admin's laptop
IDENTIFYING = ("actor_email", "detail", "ip_address", "patient_ref")


def the_trail() -> dict[int, dict[str, object]]:
    return {row["id"]: row for row in AuditEvent.objects.values()}


def as_text(rows: object) -> str:
    return json.dumps(rows, cls=DjangoJSONEncoder, default=str).lower()


@pytest.fixture
def history(pat: PatientProfile, alice: User) -> None:
    """The patient signs in and out, asks for their data and its deletion; someone fails to
    sign in with their email in capitals and asks for a reset link; the clinic views the
    record; a staff member once edited the login in the admin site."""
    full_record(pat, alice)
    phone = Client(REMOTE_ADDR=PHONE_IP)
    assert phone.post("/login/", {"username": pat.user.email, "password": PASSWORD}).status_code
    phone.get(reverse("patient-data-json"))
    phone.post(reverse("logout"))
    guesser = Client(REMOTE_ADDR=GUESSER_IP)
    guesser.post("/login/", {"username": "PAT@Patient.test", "password": "guess"})
    guesser.post(reverse("password-reset"), {"email": "pat@patient.test"})
    laptop = login(Client(REMOTE_ADDR=CLINIC_IP), alice)
    laptop.get(reverse("therapist-record", args=[pat.pk]))
    LogEntry.objects.create(
        user=alice,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(pat.user_id),
        object_repr=str(pat.user),
        action_flag=CHANGE,
        change_message="[]",
    )
    deletion_request_create(patient=pat, reason="Moving abroad")


def confirm_deletion(alice: User, pat: PatientProfile) -> None:
    laptop = login(Client(REMOTE_ADDR=CLINIC_IP), alice)
    [waiting] = pat.deletion_requests.all()
    response = laptop.post(
        reverse("therapist-deletion-confirm", args=[waiting.pk]), {"email": pat.user.email}
    )
    assert response.status_code == 302
    assert not PatientProfile.objects.filter(pk=pat.pk).exists()


def test_the_trail_keeps_every_event_but_not_the_patient_s_email_or_addresses(
    alice: User, pat: PatientProfile, history: None
):
    before = the_trail()
    trail_text = as_text(before)
    assert "pat@patient.test" in trail_text and PHONE_IP in trail_text and GUESSER_IP in trail_text
    theirs = {
        pk
        for pk, row in before.items()
        if row["actor_id"] == pat.user_id
        or (
            isinstance(row["detail"], dict)
            and row["detail"].get("email", "").lower() == "pat@patient.test"
        )
    }
    assert {before[pk]["action"] for pk in theirs} >= {
        "auth.login",
        "auth.logout",
        "auth.login_failed",
        "auth.password_reset_requested",
        "patient.data_downloaded",
        "patient.deletion_requested",
    }

    confirm_deletion(alice, pat)

    after = the_trail()
    assert set(before) <= set(after)  # nothing dropped; the deletion itself was added
    after_text = as_text(after)
    assert "pat@patient.test" not in after_text
    assert PHONE_IP not in after_text and GUESSER_IP not in after_text
    label = f"patient #{pat.pk}"
    for pk in theirs:
        row = after[pk]
        assert row["ip_address"] is None and row["patient_ref"] == str(pat.pk), row
        assert label in (row["actor_email"], row["detail"].get("email")), row
        # What happened, when, to what and in which clinic stays as it was; only the links
        # to the deleted login and profile are cleared.
        links = ("actor_id", "patient_id")
        unchanged = {k: v for k, v in before[pk].items() if k not in (*IDENTIFYING, *links)}
        assert {k: row[k] for k in unchanged} == unchanged
    for pk in set(before) - theirs:
        row, was = after[pk], before[pk]
        assert {k: row[k] for k in IDENTIFYING} == {k: was[k] for k in IDENTIFYING}, row
    # The clinic's side keeps its names and addresses.
    viewed = [r for r in after.values() if r["action"] == "patient.viewed" and r["ip_address"]]
    assert {(r["actor_email"], r["ip_address"]) for r in viewed} == {(alice.email, CLINIC_IP)}


def test_the_audit_log_names_the_deleted_patient_by_number(
    alice: User, pat: PatientProfile, history: None
):
    confirm_deletion(alice, pat)
    laptop = login(Client(), alice)
    page = laptop.get(reverse("therapist-audit")).content.decode()
    assert "pat@patient.test" not in page.lower()
    assert f"deleted patient #{pat.pk}" in page
    # Their sign-ins carried no patient before; now the patient filter finds them too.
    found = laptop.get(reverse("therapist-audit"), {"patient": str(pat.pk)}).content.decode()
    shown = set(re.findall(r'<tr id="audit-\d+" data-action="([^"]+)"', found))
    assert shown >= {"auth.login", "auth.logout", "auth.login_failed", "patient.viewed"}
    assert "auth.password_reset_requested" in shown
    assert "pat@patient.test" not in found.lower()


def test_neither_the_sign_in_throttle_nor_the_admin_history_keeps_the_email(
    alice: User, pat: PatientProfile, history: None
):
    assert AccessLog.objects.filter(username="pat@patient.test").exists()
    assert AccessAttempt.objects.filter(username="pat@patient.test").exists()
    confirm_deletion(alice, pat)
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        kept = as_text(list(model.objects.values()))
        assert "pat@patient.test" not in kept and PHONE_IP not in kept, model
    entry = LogEntry.objects.get(object_id=str(pat.user_id))
    assert entry.object_repr == f"patient #{pat.pk}"


def test_the_anonymisation_changes_only_the_identifying_columns(alice: User, pat: PatientProfile):
    event = AuditEvent.objects.create(action="patient.viewed", actor=alice, patient=pat)
    for change in ({"action": "note.added"}, {"target_id": "9"}, {"ip_address": "192.0.2.1"}, {}):
        with pytest.raises(PermissionError):
            AuditEvent.objects.filter(pk=event.pk).anonymise(**change)
    assert AuditEvent.objects.get(pk=event.pk).action == "patient.viewed"
