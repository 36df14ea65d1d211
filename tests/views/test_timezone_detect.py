import pytest
from django.urls import reverse

from tests.conftest import login, make_patient
from tests.phone import post

pytestmark = pytest.mark.django_db
URL = reverse("patient-timezone-detect")


@pytest.fixture
def newcomer(clinic, alice):
    return make_patient("new@patient.test", clinic, alice, tz="UTC")


def test_it_adopts_the_phone_s_time_zone_over_the_default(client, newcomer):
    response = post(login(client, newcomer.user), URL, {"timezone": "America/Chicago"})
    assert response.json()["changed"] is True
    newcomer.user.refresh_from_db()
    newcomer.refresh_from_db()
    assert newcomer.user.timezone == "America/Chicago"
    assert newcomer.next_reminder_at is not None


def test_it_asks_the_page_to_detect_only_while_the_zone_is_the_default(client, newcomer, pat):
    assert 'data-timezone-detect="' in login(client, newcomer.user).get("/today/").content.decode()
    assert 'data-timezone-detect="' not in login(client, pat.user).get("/today/").content.decode()


def test_it_never_overrides_a_chosen_time_zone(as_pat, pat):
    assert post(as_pat, URL, {"timezone": "Asia/Tokyo"}).json()["changed"] is False
    pat.user.refresh_from_db()
    assert pat.user.timezone == "Europe/London"


def test_it_takes_the_report_only_once_per_login(client, newcomer):
    client = login(client, newcomer.user)
    post(client, URL, {"timezone": "America/Chicago"})
    newcomer.user.__class__.objects.filter(pk=newcomer.user_id).update(timezone="UTC")
    assert post(client, URL, {"timezone": "Asia/Tokyo"}).json()["changed"] is False


def test_an_unknown_zone_is_refused(client, newcomer):
    response = post(login(client, newcomer.user), URL, {"timezone": "Nowhere/Land"})
    assert response.status_code == 422
    newcomer.user.refresh_from_db()
    assert newcomer.user.timezone == "UTC"


def test_it_is_404_for_a_therapist(client, alice):
    assert post(login(client, alice), URL, {"timezone": "Asia/Tokyo"}).status_code == 404
    alice.refresh_from_db()
    assert alice.timezone == "UTC"
