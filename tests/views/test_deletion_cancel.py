import pytest
from django.urls import reverse

from tests.conftest import login
from tests.phone import post
from tracker.models import AuditEvent, DeletionRequest, PatientProfile
from tracker.services.data_rights import deletion_request_create

pytestmark = pytest.mark.django_db
URL = reverse("patient-deletion-cancel")


def test_it_cancels_the_request_and_nothing_is_deleted(as_pat, pat):
    deletion_request_create(patient=pat)
    response = post(as_pat, URL, {})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Your request is cancelled. Nothing was deleted." in html
    assert "Ask to delete my data" in html  # the patient may ask again
    assert DeletionRequest.objects.get().status == "cancelled"
    assert PatientProfile.objects.filter(pk=pat.pk).exists()
    assert AuditEvent.objects.filter(action="patient.deletion_cancelled", patient=pat).exists()


def test_cancelling_twice_is_harmless(as_pat, pat):
    deletion_request_create(patient=pat)
    post(as_pat, URL, {})
    response = post(as_pat, URL, {})
    assert response.status_code == 200
    assert "nothing to cancel" in response.content.decode()
    assert AuditEvent.objects.filter(action="patient.deletion_cancelled").count() == 1


def test_without_htmx_it_goes_back_to_settings(as_pat, pat):
    deletion_request_create(patient=pat)
    response = post(as_pat, URL, {}, htmx=False)
    assert response.status_code == 302
    assert response.url == reverse("patient-settings") + "#settings-data"


def test_a_patient_cancels_only_their_own_request(client, pat, pia):
    deletion_request_create(patient=pat)
    post(login(client, pia.user), URL, {})
    assert DeletionRequest.objects.get(patient=pat).status == "pending"


def test_it_is_404_for_therapists(client, pat, alice, charlie):
    deletion_request_create(patient=pat)
    for therapist in (alice, charlie):
        assert post(login(client, therapist), URL, {}).status_code == 404
    assert DeletionRequest.objects.get().status == "pending"
