import pytest
from django.urls import reverse

from tests.conftest import login
from tests.phone import post
from tracker.models import AuditEvent, DeletionRequest

pytestmark = pytest.mark.django_db
URL = reverse("patient-deletion-request")
SETTINGS = reverse("patient-settings")


def test_it_sends_the_request_and_shows_it_waiting_for_the_clinic(as_pat, pat):
    response = post(as_pat, URL, {"reason": "Moving abroad", "confirm": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="deletion"' in html and "Waiting for your clinic" in html
    assert "Cancel my request" in html
    request = DeletionRequest.objects.get(patient=pat)
    assert request.status == "pending" and request.reason == "Moving abroad"
    assert request.clinic_id == pat.clinic_id and request.patient_ref == str(pat.pk)


def test_sending_it_twice_makes_one_request(as_pat, pat):
    post(as_pat, URL, {"confirm": "on"})
    again = post(as_pat, URL, {"reason": "again", "confirm": "on"})
    assert again.status_code == 200
    assert DeletionRequest.objects.filter(patient=pat).count() == 1
    assert AuditEvent.objects.filter(action="patient.deletion_requested").count() == 1


def test_without_the_box_ticked_it_asks_for_it_and_keeps_the_reason(as_pat, pat):
    response = post(as_pat, URL, {"reason": "Moving abroad"})
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="deletion-confirm-error"' in html and "Tick this box" in html
    assert ">Moving abroad</textarea>" in html
    assert '<details class="deletion-ask" open>' in html
    assert not DeletionRequest.objects.exists()


def test_a_reason_too_long_gets_a_message_beside_it(as_pat):
    response = post(as_pat, URL, {"reason": "x" * 2001, "confirm": "on"})
    assert response.status_code == 422
    assert 'id="deletion-reason-error"' in response.content.decode()
    assert not DeletionRequest.objects.exists()


def test_without_htmx_it_goes_back_to_settings_with_a_message(as_pat, pat):
    response = post(as_pat, URL, {"confirm": "on"}, htmx=False)
    assert response.status_code == 302 and response.url == SETTINGS + "#settings-data"
    page = as_pat.get(SETTINGS).content.decode()
    assert "Your request is with your clinic" in page and "Waiting for your clinic" in page


def test_without_htmx_a_missing_tick_shows_the_whole_page_with_the_message(as_pat):
    response = post(as_pat, URL, {"reason": "Moving abroad"}, htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Reminders and time zone" in html and "Tick this box" in html


def test_it_is_audited_without_the_patient_s_words(as_pat, pat):
    post(as_pat, URL, {"reason": "My knee is much better", "confirm": "on"})
    event = AuditEvent.objects.get(action="patient.deletion_requested")
    assert event.actor_id == pat.user_id and event.patient_id == pat.pk
    assert "knee" not in str(event.detail)


def test_each_patient_asks_only_for_themselves(client, pat, pia):
    post(login(client, pia.user), URL, {"confirm": "on"})
    assert DeletionRequest.objects.get().patient == pia
    assert not DeletionRequest.objects.filter(patient=pat).exists()


def test_it_is_404_for_therapists(client, alice, bob, charlie):
    for therapist in (alice, bob, charlie):
        assert post(login(client, therapist), URL, {"confirm": "on"}).status_code == 404
    assert not DeletionRequest.objects.exists()
