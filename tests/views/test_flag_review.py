import pytest
from django.urls import reverse

from tests.conftest import login
from tests.workspace import make_flag, reload
from tracker.models import AuditEvent, FlagEvent

pytestmark = pytest.mark.django_db


def url(flag):
    return reverse("therapist-flag-review", args=[flag.pk])


def test_it_acknowledges_a_flag_with_who_when_and_an_event(as_alice, alice, pat):
    flag = make_flag(pat)
    response = as_alice.post(url(flag), {"action": "acknowledge", "note": "Called her."})
    assert response.status_code == 302
    flag = reload(flag)
    assert flag.status == "acknowledged"
    assert flag.acknowledged_by == alice and flag.acknowledged_at is not None
    event = FlagEvent.objects.get(flag=flag, action="acknowledged")
    assert event.actor == alice and event.note == "Called her."
    assert event.on_date == pat.local_today()
    assert AuditEvent.objects.filter(action="flag.acknowledged", patient=pat, actor=alice).exists()


def test_it_resolves_a_flag_by_the_therapist_with_a_note(as_alice, alice, pat):
    flag = make_flag(pat, status="acknowledged")
    as_alice.post(url(flag), {"action": "resolve", "note": "Dosage reduced."})
    flag = reload(flag)
    assert flag.status == "resolved" and flag.resolution == "by_therapist"
    assert flag.resolved_by == alice and flag.resolved_at is not None
    assert flag.resolved_on == pat.local_today()
    assert flag.note == "Dosage reduced."
    assert FlagEvent.objects.filter(flag=flag, action="resolved", actor=alice).exists()
    assert AuditEvent.objects.filter(action="flag.resolved", patient=pat).exists()


def test_it_says_so_when_the_flag_was_already_resolved(as_alice, pat):
    flag = make_flag(pat, status="resolved")
    response = as_alice.post(url(flag), {"action": "resolve"}, follow=True)
    assert "already been resolved" in response.content.decode()
    assert not FlagEvent.objects.filter(flag=flag, action="resolved").exists()


def test_it_client_redirects_back_after_an_htmx_post(as_alice, pat):
    flag = make_flag(pat)
    back = reverse("therapist-record", args=[pat.pk])
    response = as_alice.post(
        url(flag), {"action": "acknowledge", "next": back}, headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == back


def test_it_never_redirects_off_site(as_alice, pat):
    flag = make_flag(pat)
    response = as_alice.post(url(flag), {"action": "acknowledge", "next": "https://evil.test/"})
    assert response.url == reverse("therapist-flags")


@pytest.mark.parametrize("back", ["flags", "a b", "javascript:alert(1)"])
def test_a_next_that_is_not_a_path_on_this_site_goes_to_the_inbox(as_alice, pat, back):
    response = as_alice.post(url(make_flag(pat)), {"action": "acknowledge", "next": back})
    assert response.status_code == 302 and response.url == reverse("therapist-flags")


def test_it_is_404_for_another_clinic_s_flag(client, charlie, pat):
    flag = make_flag(pat)
    response = login(client, charlie).post(url(flag), {"action": "resolve"})
    assert response.status_code == 404
    assert reload(flag).status == "open"


def test_it_is_404_for_a_patient_and_refuses_get(client, pat, alice):
    flag = make_flag(pat)
    assert login(client, pat.user).post(url(flag), {"action": "resolve"}).status_code == 404
    assert login(client, alice).get(url(flag)).status_code == 405


def test_it_says_acknowledged_once_when_the_button_is_sent_twice(as_alice, pat):
    flag = make_flag(pat)
    as_alice.post(url(flag), {"action": "acknowledge", "note": "Called her."})
    response = as_alice.post(
        url(flag), {"action": "acknowledge", "note": "Called her."}, follow=True
    )
    assert response.content.decode().count("acknowledged.") == 1
    assert FlagEvent.objects.filter(flag=flag, action="acknowledged").count() == 1
