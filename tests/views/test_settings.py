from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import login
from tests.phone import post
from tracker.services.data_rights import deletion_request_create

pytestmark = pytest.mark.django_db
URL = reverse("patient-settings")


def settings_data(**overrides):
    data = {"reminder_time": "07:30", "remind_by_email": "on", "timezone": "Europe/Berlin"}
    data.update(overrides)
    return data


def test_it_shows_the_current_settings(as_pat, pat):
    html = as_pat.get(URL).content.decode()
    assert 'value="18:00"' in html
    assert '<option value="Europe/London" selected>' in html
    assert 'id="settings-email" checked' in html
    assert "Log out" in html


def test_it_is_cleanly_sectioned(as_pat):
    html = as_pat.get(URL).content.decode()
    # reminders, this phone, the program on paper, your data, account
    assert html.count('class="card settings-section"') == 5


def test_it_saves_and_moves_the_next_reminder(as_pat, pat):
    response = post(as_pat, URL, settings_data())
    assert response.status_code == 200
    assert "Settings saved" in response.content.decode()
    pat.refresh_from_db()
    pat.user.refresh_from_db()
    assert pat.reminder_time == time(7, 30) and pat.remind_by_email
    assert pat.user.timezone == "Europe/Berlin"
    local = timezone.localtime(pat.next_reminder_at, pat.user.tzinfo)
    assert (local.hour, local.minute) == (7, 30)
    assert pat.next_reminder_at > timezone.now()


def test_email_reminders_can_be_turned_off(as_pat, pat):
    post(as_pat, URL, {"reminder_time": "18:00", "timezone": "Europe/London"})
    pat.refresh_from_db()
    assert not pat.remind_by_email


def test_an_unknown_time_zone_gets_a_message_beside_the_field(as_pat, pat):
    response = post(as_pat, URL, settings_data(timezone="Mars/Olympus_Mons"))
    assert response.status_code == 422
    assert 'id="settings-timezone-error"' in response.content.decode()
    pat.user.refresh_from_db()
    assert pat.user.timezone == "Europe/London"


def test_a_bad_time_gets_a_message_and_keeps_the_other_answers(as_pat, pat):
    response = post(as_pat, URL, settings_data(reminder_time="25:99"))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="settings-reminder-time-error"' in html and 'value="25:99"' in html
    assert '<option value="Europe/Berlin" selected>' in html


def test_without_htmx_it_redirects_after_saving(as_pat):
    response = post(as_pat, URL, settings_data(), htmx=False)
    assert response.status_code == 302 and response.url == URL


def test_it_changes_only_the_patient_s_own_settings(client, pat, pia):
    post(login(client, pia.user), URL, settings_data())
    pat.refresh_from_db()
    assert pat.reminder_time == time(18, 0)


def test_it_is_404_for_a_therapist(client, alice, charlie):
    for therapist in (alice, charlie):
        assert login(client, therapist).get(URL).status_code == 404
        assert post(client, URL, settings_data()).status_code == 404


def test_it_offers_the_patient_s_data_as_json_and_as_spreadsheets(as_pat):
    html = as_pat.get(URL).content.decode()
    assert f'href="{reverse("patient-data-json")}" download' in html
    assert f'href="{reverse("patient-data-csv")}" download' in html


def test_it_explains_plainly_what_a_deletion_removes_and_what_it_keeps(as_pat):
    html = as_pat.get(URL).content.decode()
    assert "Ask to delete my data" in html
    assert "What will be deleted" in html and "you won't be able to log in" in html
    assert "What is kept" in html and "who opened or changed your record" in html
    assert 'name="confirm"' in html and 'name="reason"' in html


def test_a_waiting_request_shows_instead_of_the_form_with_a_way_to_cancel(as_pat, pat):
    deletion_request_create(patient=pat)
    html = as_pat.get(URL).content.decode()
    assert "Waiting for your clinic." in html
    assert f'action="{reverse("patient-deletion-cancel")}"' in html
    assert 'name="confirm"' not in html
