"""Inviting or importing an address that has an account at another clinic answers exactly as
for a new address: the inviting clinic never learns who is treated elsewhere. The address's
owner is told, by email, that it is already registered."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD, login
from tracker.models import AuditEvent, ImportStaging, Notification, PatientProfile, User
from tracker.services.data_rights import deletion_request_create, patient_data_delete
from tracker.services.library import library_seed

pytestmark = pytest.mark.django_db

INVITE = reverse("therapist-invite")
NEW = "nora.quinn@example.test"
OSCARS = "Oscar@Patient.test"  # oscar is a patient of the Other Clinic


def invite(client: Client, therapist: User, email: str, name: str = "Nora Quinn"):
    data = {"full_name": name, "email": email, "timezone": "Europe/London", "condition": ""}
    return client.post(INVITE, {**data, "therapist": therapist.pk}, follow=True)


def what_the_inviter_sees(response, email: str) -> str:
    """The page after inviting, with what differs between any two patients made the same."""
    page = response.content.decode()
    page = re.sub(r"/clinic/patients/\d+/", "/clinic/patients/N/", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'nonce="[^"]+"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return page.replace(email.lower(), "EMAIL").replace(email, "EMAIL")


def record_page(client: Client, email: str) -> str:
    profile = PatientProfile.objects.get(clinic__name="Demo Clinic", user__email=email.lower())
    page = client.get(reverse("therapist-record", args=[profile.pk])).content.decode()
    page = re.sub(r"/clinic/patients/\d+/", "/clinic/patients/N/", page)
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)
    page = re.sub(r'nonce="[^"]+"', "", page)
    page = re.sub(r'"X-CSRFToken": "[^"]+"', "", page)
    return page.replace(email.lower(), "EMAIL")


def test_inviting_another_clinic_s_patient_answers_as_for_a_new_address(
    as_alice: Client, alice: User, oscar: PatientProfile
):
    new = invite(as_alice, alice, NEW)
    taken = invite(as_alice, alice, OSCARS)
    assert new.status_code == taken.status_code == 200
    assert [r[1] for r in new.redirect_chain] == [r[1] for r in taken.redirect_chain] == [302]
    assert "already" not in taken.content.decode()
    assert what_the_inviter_sees(new, NEW) == what_the_inviter_sees(taken, OSCARS)
    # The record shows the same pending invitation, with resend and revoke.
    assert record_page(as_alice, NEW) == record_page(as_alice, OSCARS)
    rows = Notification.objects.filter(clinic=alice.clinic, kind="invite")
    assert sorted(rows.values_list("status", flat=True)) == ["sent", "sent"]


def test_the_address_is_told_it_is_registered_and_nothing_of_the_other_clinic_moves(
    as_alice: Client, alice: User, oscar: PatientProfile
):
    invite(as_alice, alice, OSCARS, name="Oscar")
    (note,) = mail.outbox
    assert note.to == ["oscar@patient.test"]
    text = note.body
    assert "already registered with Rehabit" in text and "Demo Clinic" in text
    assert "Other Clinic" not in text and "Other Clinic" not in note.alternatives[0][0]
    assert "/invite/" not in text and "/invite/" not in note.alternatives[0][0]  # no link
    assert "/login/" in text

    # Oscar's own account is untouched and still the one the address signs in to.
    oscar.user.refresh_from_db()
    assert oscar.user.clinic.name == "Other Clinic" and oscar.user.check_password(PASSWORD)
    client = Client()
    assert client.post("/login/", {"username": OSCARS, "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(oscar.user_id)
    # The Demo Clinic's account for the address is held: it can never sign in.
    held = User.objects.get(clinic=alice.clinic, email="oscar@patient.test")
    assert held.held and not held.has_usable_password()


def test_failed_sign_ins_on_the_address_stay_with_its_own_clinic(
    as_alice: Client, alice: User, oscar: PatientProfile
):
    invite(as_alice, alice, OSCARS)
    Client().post("/login/", {"username": OSCARS, "password": "wrong"})
    event = AuditEvent.objects.get(action="auth.login_failed")
    assert event.clinic_id == oscar.clinic_id


def test_a_held_invitation_becomes_a_real_one_once_the_address_is_free(
    as_alice: Client, alice: User, oscar: PatientProfile, charlie: User
):
    invite(as_alice, alice, OSCARS)
    held = PatientProfile.objects.get(clinic=alice.clinic, user__email="oscar@patient.test")
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    charlie.refresh_from_db()
    patient_data_delete(deletion_request=deletion_request_create(patient=oscar), admin=charlie)
    mail.outbox.clear()
    PatientProfile.objects.filter(pk=held.pk).update(invited_at=None)  # past the resend pause
    as_alice.post(reverse("therapist-invite-resend", args=[held.pk]))
    (message,) = mail.outbox
    link = re.search(r"https?://[^/\s]+(/invite/[^\s]+/)", message.body)[1]
    assert not User.objects.get(pk=held.user_id).held
    response = Client().post(
        link, {"new_password1": "a fresh pass 2026", "new_password2": "a fresh pass 2026"}
    )  # noqa: E501
    assert response.status_code == 302


def test_the_same_clinic_may_still_be_told(as_alice: Client, alice: User, pat: PatientProfile):
    response = invite(as_alice, alice, pat.user.email.upper())
    assert response.status_code == 400
    assert "Someone in your clinic already uses this email address." in response.content.decode()


def test_importing_another_clinic_s_patient_answers_as_for_a_new_address(
    as_alice: Client, alice: User, oscar: PatientProfile
):
    library_seed()
    patients = (
        "email,timezone,exercises,program_start\n"
        "oscar@patient.test,Europe/London,glute-bridge,2026-08-01\n"
        "nora@example.test,Europe/London,glute-bridge,2026-08-01\n"
    )
    checked = as_alice.post(
        reverse("therapist-import"),
        {
            "therapist": alice.pk,
            "patients": SimpleUploadedFile("patients.csv", patients.encode()),
        },
    ).content.decode()
    assert "All rows are valid" in checked and "elsewhere" not in checked
    staging = ImportStaging.objects.get()
    page = as_alice.post(reverse("therapist-import-run", args=[staging.pk])).content.decode()
    assert "<li>New patients: 2</li>" in page
    imported = User.objects.filter(clinic=alice.clinic, role="patient")
    assert set(imported.values_list("email", "held")) == {
        ("oscar@patient.test", True),
        ("nora@example.test", False),
    }
    assert User.objects.get(pk=oscar.user_id).clinic_id == oscar.clinic_id
    assert not mail.outbox  # an import invites nobody until the therapist sends it


def test_the_database_holds_one_signing_in_account_per_address(alice: User, oscar: PatientProfile):
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user("OSCAR@patient.test", None, clinic=alice.clinic, role="patient")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(
            "oscar@patient.test", None, clinic=oscar.clinic, role="patient", held=True
        )
    User.objects.create_user(
        "oscar@patient.test", None, clinic=alice.clinic, role="patient", held=True
    )  # noqa: E501
    assert login(Client(), oscar.user).get("/").status_code == 302
