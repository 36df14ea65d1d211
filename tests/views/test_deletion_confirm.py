import pytest
from django.urls import reverse

from tests.conftest import login
from tests.workspace import full_record
from tracker.models import (
    AuditEvent,
    DailyCheckin,
    DeletionRequest,
    ExerciseLog,
    Flag,
    Notification,
    PatientProfile,
    Program,
    Session,
    TherapistNote,
    User,
)
from tracker.services.data_rights import deletion_request_cancel, deletion_request_create

pytestmark = pytest.mark.django_db


def url(request):
    return reverse("therapist-deletion-confirm", args=[request.pk])


@pytest.fixture
def waiting(pat, alice):
    full_record(pat, alice)
    return deletion_request_create(patient=pat, reason="Moving abroad")


def pat_rows(pat):
    return {
        "sessions": Session.objects.filter(patient_id=pat.pk).count(),
        "logs": ExerciseLog.objects.filter(patient_id=pat.pk).count(),
        "checkins": DailyCheckin.objects.filter(patient_id=pat.pk).count(),
        "flags": Flag.objects.filter(patient_id=pat.pk).count(),
        "programs": Program.objects.filter(patient_id=pat.pk).count(),
        "notes": TherapistNote.objects.filter(patient_id=pat.pk).count(),
        "notifications": Notification.objects.filter(recipient_id=pat.user_id).count(),
        "profile": PatientProfile.objects.filter(pk=pat.pk).count(),
        "login": User.objects.filter(pk=pat.user_id).count(),
    }


def test_typing_the_patient_s_email_deletes_their_data(as_alice, alice, pat, waiting):
    assert all(pat_rows(pat).values())
    trail = set(AuditEvent.objects.filter(patient=pat).values_list("pk", flat=True))
    response = as_alice.post(url(waiting), {"email": "pat@patient.test"})
    assert response.status_code == 302 and response.url == reverse("therapist-deletion-requests")
    assert not any(pat_rows(pat).values())
    # The trail stays, without the link to the deleted profile, under the patient's number.
    kept = AuditEvent.objects.filter(pk__in=trail)
    assert kept.count() == len(trail)
    assert {(e.patient_id, e.patient_ref) for e in kept} == {(None, str(pat.pk))}
    deleted = AuditEvent.objects.get(action="patient.data_deleted")
    assert deleted.actor_id == alice.pk and deleted.detail["deleted"]["sessions"] == 3
    waiting.refresh_from_db()
    assert (waiting.status, waiting.patient_id, waiting.decided_by) == ("completed", None, alice)
    page = as_alice.get(response.url).content.decode()
    assert "The data of pat@patient.test has been deleted" in page


def test_the_email_may_be_typed_in_any_case(as_alice, pat, waiting):
    as_alice.post(url(waiting), {"email": " PAT@Patient.test "})
    assert not PatientProfile.objects.filter(pk=pat.pk).exists()


def test_the_patient_s_open_sessions_end(client, as_alice, pat, waiting):
    phone = login(client.__class__(), pat.user)
    assert phone.get(reverse("patient-today")).status_code == 200
    as_alice.post(url(waiting), {"email": "pat@patient.test"})
    response = phone.get(reverse("patient-today"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_wrong_email_deletes_nothing_and_says_so_beside_the_field(as_alice, pat, waiting):
    response = as_alice.post(url(waiting), {"email": "pia@patient.test"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "not this patient&#x27;s email address" in html
    assert 'value="pia@patient.test"' in html
    assert all(pat_rows(pat).values())
    assert DeletionRequest.objects.get().status == "pending"


def test_a_request_the_patient_cancelled_is_not_carried_out(as_alice, pat, waiting):
    deletion_request_cancel(patient=pat)
    response = as_alice.post(url(waiting), {"email": "pat@patient.test"}, follow=True)
    assert "no longer waiting" in response.content.decode()
    assert all(pat_rows(pat).values())


def test_it_is_404_for_anyone_but_the_clinic_s_admins(client, bob, charlie, pat, pia, waiting):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    for person in (bob, charlie, pat.user, pia.user):
        response = login(client, person).post(url(waiting), {"email": "pat@patient.test"})
        assert response.status_code == 404, person
    assert all(pat_rows(pat).values())


def test_it_refuses_get(as_alice, waiting):
    assert as_alice.get(url(waiting)).status_code == 405
