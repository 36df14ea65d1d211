"""Deleting a patient's data on request: every row about them goes, the audit trail stays."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse

from tests.conftest import PASSWORD, make_patient
from tests.workspace import full_record
from tracker.models import AuditEvent, DeletionRequest, PatientProfile, User
from tracker.selectors.patient_data import patient_data
from tracker.services.data_rights import (
    deletion_request_cancel,
    deletion_request_create,
    patient_data_delete,
)

pytestmark = pytest.mark.django_db

# Rows that outlive the patient by design: the trail of who viewed or changed the record,
# and the request itself as the record of the decision.
KEPT = {"tracker.AuditEvent", "tracker.DeletionRequest"}


def _is_link(field: object) -> bool:
    return bool(field.concrete and (field.many_to_one or field.one_to_one))  # type: ignore[attr-defined]


def _links(model: type[models.Model]) -> list[tuple[str, type[models.Model]]]:
    """Lookups from ``model`` to a patient profile or a user: direct, or one hop away."""
    people = (PatientProfile, User)
    paths = []
    for field in filter(_is_link, model._meta.get_fields()):
        target = field.related_model
        if target in people:
            paths.append((field.name, target))
            continue
        for hop in filter(_is_link, target._meta.get_fields()):
            if hop.related_model in people:
                paths.append((f"{field.name}__{hop.name}", hop.related_model))
    return paths


def rows_about(patient: PatientProfile) -> dict[str, set[int]]:
    """The primary keys of every row, in every model of the app, that points at the patient
    or their login, found from the model definitions (so a new model cannot be forgotten)."""
    found: dict[str, set[int]] = {}
    for model in apps.get_app_config("tracker").get_models():
        query = models.Q(pk__in=[])
        for path, target in _links(model):
            query |= models.Q(**{path: patient.pk if target is PatientProfile else patient.user_id})
        if model is PatientProfile:
            query |= models.Q(pk=patient.pk)
        if model is User:
            query |= models.Q(pk=patient.user_id)
        pks = set(model._base_manager.filter(query).values_list("pk", flat=True))
        if pks:
            found[model._meta.label] = pks
    return found


def existing(label: str, pks: set[int]) -> set[int]:
    model = apps.get_model(label)
    return set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))


@pytest.fixture
def two_records(pat, pia, alice):
    full_record(pat, alice)
    full_record(pia, alice)


def delete(patient: PatientProfile, admin: User):
    return patient_data_delete(
        deletion_request=deletion_request_create(patient=patient), admin=admin
    )


def test_it_deletes_every_row_about_the_patient_and_keeps_only_the_trail(two_records, pat, alice):
    request = deletion_request_create(patient=pat, reason="Moving abroad")
    before = rows_about(pat)
    # The record really touches every kind of data, so the check below means something.
    assert set(before) == {
        "tracker.User", "tracker.PatientProfile", "tracker.Program", "tracker.PrescribedExercise",
        "tracker.Session", "tracker.ExerciseLog", "tracker.DailyCheckin", "tracker.Flag",
        "tracker.FlagEvent", "tracker.TherapistNote", "tracker.Notification",
        "tracker.PushSubscription", "tracker.AuditEvent", "tracker.DeletionRequest",
    }  # fmt: skip
    patient_data_delete(deletion_request=request, admin=alice)
    for label, pks in before.items():
        left = existing(label, pks)
        if label in KEPT:
            assert left == pks, label
        else:
            assert not left, f"{label} still holds {len(left)} of the patient's rows"
    assert rows_about(pat) == {}  # and nothing links to the patient or their login any more


def test_it_leaves_the_other_patient_and_the_therapist_alone(two_records, pat, pia, alice):
    pia_before = rows_about(pia)
    delete(pat, alice)
    pia_after = rows_about(pia)
    assert pia_after == pia_before
    assert User.objects.filter(pk=alice.pk, is_active=True).exists()


def test_it_counts_what_it_deleted_without_any_health_values(two_records, pat, alice):
    sessions = pat.sessions.count()
    logs = pat.exercise_logs.count()
    checkins = pat.checkins.count()
    outcome = delete(pat, alice)
    assert outcome.deleted["sessions"] == sessions > 0
    assert outcome.deleted["exercise_logs"] == logs > 0
    assert outcome.deleted["checkins"] == checkins > 0
    assert outcome.deleted["flags"] == 1 and outcome.deleted["flag_events"] == 2
    assert outcome.deleted["prescriptions"] == 3  # two exercises, one with a changed dosage
    assert outcome.deleted["notifications"] == 2  # the reminder and the alert about the patient
    assert outcome.deleted["push_subscriptions"] == 1
    event = AuditEvent.objects.get(action="patient.data_deleted")
    assert event.actor_id == alice.pk and event.patient_id is None
    assert event.patient_ref == outcome.patient_ref == event.detail["patient_ref"]
    assert event.detail["deleted"] == outcome.deleted
    assert all(isinstance(n, int) for n in event.detail["deleted"].values())


def test_the_audit_trail_keeps_its_rows_under_the_patient_s_number(two_records, pat, alice):
    ref = str(pat.pk)
    request = deletion_request_create(patient=pat)
    about = set(AuditEvent.objects.filter(patient=pat).values_list("pk", flat=True))
    assert len(about) >= 4  # viewed, note, flag acknowledged, deletion requested
    patient_data_delete(deletion_request=request, admin=alice)
    kept = AuditEvent.objects.filter(pk__in=about)
    assert kept.count() == len(about)
    assert all(e.patient_id is None and e.patient_ref == ref for e in kept)
    assert AuditEvent.objects.filter(patient_ref=ref).count() == len(about) + 1  # + the deletion


def test_the_request_stays_as_the_record_of_the_decision(pat, alice):
    request = deletion_request_create(patient=pat, reason="My knee pain is gone")
    patient_data_delete(deletion_request=request, admin=alice)
    request.refresh_from_db()
    assert request.status == "completed" and request.patient_id is None
    assert request.patient_ref == str(pat.pk)
    assert request.decided_by == alice and request.decided_at is not None
    assert request.reason == ""  # the patient's own words may be about their health


def test_the_patient_s_export_would_find_nothing_afterwards(two_records, pat, alice):
    delete(pat, alice)
    data = patient_data(pat)  # the profile as it was in memory, now gone from the database
    for section in (
        "programs", "sessions", "checkins", "flags", "notes_by_your_care_team", "notifications",
        "push_subscriptions", "audit_trail", "deletion_requests",
    ):  # fmt: skip
        assert data[section] == [], section


def test_the_login_is_gone_so_nobody_can_sign_in_as_the_patient(pat, alice, client):
    credentials = {"username": "pat@patient.test", "password": PASSWORD}
    delete(pat, alice)
    assert not User.objects.filter(email__iexact="pat@patient.test").exists()
    response = client.post(reverse("login"), credentials)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_patient_with_no_history_can_be_deleted(pat, alice):
    outcome = delete(pat, alice)
    assert outcome.deleted["sessions"] == 0
    assert not PatientProfile.objects.filter(pk=pat.pk).exists()


def test_asking_twice_finds_the_first_request(pat):
    first = deletion_request_create(patient=pat, reason="Moving away")
    second = deletion_request_create(patient=pat, reason="again")
    assert first.pk == second.pk
    assert DeletionRequest.objects.filter(patient=pat).count() == 1
    assert AuditEvent.objects.filter(action="patient.deletion_requested").count() == 1


def test_the_database_allows_one_pending_request_per_patient(pat):
    DeletionRequest.objects.create(clinic=pat.clinic, patient=pat, patient_ref=str(pat.pk))
    with pytest.raises(IntegrityError), transaction.atomic():
        DeletionRequest.objects.create(clinic=pat.clinic, patient=pat, patient_ref=str(pat.pk))


def test_after_a_cancel_the_patient_may_ask_again(pat):
    first = deletion_request_create(patient=pat)
    assert deletion_request_cancel(patient=pat) is not None
    assert deletion_request_cancel(patient=pat) is None  # nothing left to cancel
    again = deletion_request_create(patient=pat)
    assert again.pk != first.pk and again.status == "pending"


def test_a_cancelled_request_cannot_be_carried_out(pat, alice):
    request = deletion_request_create(patient=pat)
    deletion_request_cancel(patient=pat)
    with pytest.raises(ValidationError):
        patient_data_delete(deletion_request=request, admin=alice)
    assert PatientProfile.objects.filter(pk=pat.pk).exists()


def test_a_new_patient_may_later_use_the_same_email(pat, alice, clinic):
    delete(pat, alice)
    again = make_patient("pat@patient.test", clinic, alice)
    assert again.pk != pat.pk and again.user_id != pat.user_id
