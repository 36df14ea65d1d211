import pytest
from django.urls import reverse

from tests.conftest import login
from tests.phone import post
from tracker.models import AuditEvent, DeletionRequest, User
from tracker.services.data_rights import deletion_request_create

pytestmark = pytest.mark.django_db
NOTE = "We keep therapy records for 10 years by law; we can delete yours in 2031."


def url(request):
    return reverse("therapist-deletion-decline", args=[request.pk])


@pytest.fixture
def waiting(pat):
    return deletion_request_create(patient=pat, reason="Moving abroad")


def test_it_declines_and_the_patient_reads_the_note(client, as_alice, alice, pat, waiting):
    response = as_alice.post(url(waiting), {"note": NOTE})
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "declined" and waiting.decided_by == alice
    assert waiting.decision_note == NOTE
    event = AuditEvent.objects.get(action="patient.deletion_declined")
    assert event.actor_id == alice.pk and event.patient_id == pat.pk
    page = login(client, pat.user).get(reverse("patient-settings")).content.decode()
    assert "Your clinic is keeping your data for now." in page
    assert "We keep therapy records for 10 years by law" in page


def test_after_a_decline_the_patient_may_ask_again(client, as_alice, pat, waiting):
    as_alice.post(url(waiting), {"note": NOTE})
    post(login(client, pat.user), reverse("patient-deletion-request"), {"confirm": "on"})
    assert DeletionRequest.objects.filter(patient=pat, status="pending").count() == 1


def test_a_note_is_needed_and_its_absence_is_said_beside_the_field(as_alice, waiting):
    response = as_alice.post(url(waiting), {"note": "  "})
    assert response.status_code == 400
    assert "Tell the patient why" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_it_is_404_for_anyone_but_the_clinic_s_admins(client, bob, charlie, pat, pia, waiting):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    for person in (bob, charlie, pat.user, pia.user):
        assert login(client, person).post(url(waiting), {"note": NOTE}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.status == "pending"
