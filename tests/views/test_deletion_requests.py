import pytest
from django.urls import reverse

from tests.conftest import login
from tracker.models import User
from tracker.services.data_rights import (
    deletion_request_cancel,
    deletion_request_create,
    deletion_request_decline,
    patient_data_delete,
)

pytestmark = pytest.mark.django_db
URL = reverse("therapist-deletion-requests")


def test_it_lists_the_clinic_s_waiting_requests_with_the_patient_s_reason(as_alice, pat, oscar):
    deletion_request_create(patient=pat, reason="Moving abroad")
    deletion_request_create(patient=oscar, reason="Oscar's own reason")
    html = as_alice.get(URL).content.decode()
    assert "pat@patient.test" in html and "Moving abroad" in html
    assert f"patient #{pat.pk}" in html
    assert "oscar" not in html.lower()
    assert 'name="email"' in html and 'name="note"' in html
    assert html.count('class="card deletion-request"') == 1


def test_it_shows_the_decisions_with_a_deleted_patient_by_number(as_alice, alice, pat, pia):
    request = deletion_request_create(patient=pat)
    patient_data_delete(deletion_request=request, admin=alice)
    deletion_request_create(patient=pia)
    deletion_request_cancel(patient=pia)
    html = as_alice.get(URL).content.decode()
    assert f"deleted patient #{pat.pk}" in html and "pat@patient.test" not in html
    assert "Cancelled by the patient" in html and "Deleted" in html
    assert "No requests are waiting." in html


def test_a_declined_request_shows_the_note(as_alice, alice, pat):
    request = deletion_request_create(patient=pat)
    deletion_request_decline(deletion_request=request, admin=alice, note="Records kept 10 years")
    html = as_alice.get(URL).content.decode()
    assert "Declined by the clinic" in html and "Records kept 10 years" in html


def test_clinic_admins_find_it_in_the_navigation(client, alice, bob):
    assert URL in login(client, alice).get(reverse("therapist-caseload")).content.decode()
    assert URL not in login(client, bob).get(reverse("therapist-caseload")).content.decode()


def test_it_is_404_for_a_therapist_who_is_not_a_clinic_admin_and_for_patients(client, bob, pat):
    deletion_request_create(patient=pat)
    assert login(client, bob).get(URL).status_code == 404
    assert login(client, pat.user).get(URL).status_code == 404


def test_another_clinic_s_admin_sees_none_of_this_clinic_s_requests(client, charlie, pat):
    User.objects.filter(pk=charlie.pk).update(is_clinic_admin=True)
    deletion_request_create(patient=pat, reason="Moving abroad")
    html = login(client, charlie).get(URL).content.decode()
    assert "pat@patient.test" not in html and "Moving abroad" not in html
