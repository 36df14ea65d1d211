from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import CHECKIN, login
from tests.phone import backdate, checkin_data, fill_history, post
from tracker.models import DailyCheckin
from tracker.services.logbook import CheckinValues, checkin_record

pytestmark = pytest.mark.django_db
URL = reverse("patient-checkin")


def save(client, day, **overrides):
    return post(client, URL, checkin_data(day, **overrides))


def test_it_asks_five_things_with_both_ends_explained(as_pat, pat):
    html = as_pat.get(URL).content.decode()
    for name in ("pain", "worst_pain", "sleep_quality", "stress"):
        assert html.count(f'name="{name}"') == 11, name
    assert "0 = terrible" in html and "10 = excellent" in html
    assert "0 = no stress" in html and "10 = extreme stress" in html
    assert '<option value="16.0"' in html and '<option value="7.5"' in html


def test_it_saves_the_check_in_for_today(as_pat, pat):
    response = save(as_pat, pat.local_today())
    assert response.status_code == 200
    checkin = DailyCheckin.objects.get(patient=pat)
    assert (checkin.local_date, checkin.pain, checkin.worst_pain) == (pat.local_today(), 3, 5)
    assert (checkin.sleep_hours, checkin.sleep_quality, checkin.stress) == (Decimal("7.5"), 6, 4)


def test_it_answers_with_the_form_fragment_and_says_it_is_saved(as_pat, pat):
    html = save(as_pat, pat.local_today()).content.decode()
    assert html.lstrip().startswith('<form id="checkin-form"')
    assert "Check-in saved" in html and "<html" not in html
    assert 'id="checkin-pain-3" value="3" checked' in html


def test_it_can_be_changed_the_same_day(as_pat, pat):
    save(as_pat, pat.local_today())
    save(as_pat, pat.local_today(), pain=1)
    assert DailyCheckin.objects.get(patient=pat).pain == 1


def test_it_shows_today_s_answers_again(as_pat, pat):
    checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    html = as_pat.get(URL).content.decode()
    assert 'id="checkin-stress-4" value="4" checked' in html
    assert '<option value="7.5" selected>' in html
    assert "Update check-in" in html


def test_a_double_tap_makes_one_check_in(as_pat, pat):
    assert save(as_pat, pat.local_today()).status_code == 200
    assert save(as_pat, pat.local_today()).status_code == 200
    assert DailyCheckin.objects.count() == 1


def test_a_missing_rating_gets_a_message_and_keeps_everything_else(as_pat, pat):
    response = save(as_pat, pat.local_today(), worst_pain="", note="stairs were hard")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="checkin-worst_pain-error"' in html and "Choose a number from 0 to 10." in html
    assert 'id="checkin-pain-3" value="3" checked' in html
    assert '<option value="7.5" selected>' in html and "stairs were hard" in html
    assert not DailyCheckin.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("pain", 11), ("stress", -1), ("sleep_quality", "lots"), ("sleep_hours", "7.3")],
)
def test_an_out_of_range_answer_gets_a_message_beside_the_field(as_pat, pat, field, value):
    response = save(as_pat, pat.local_today(), **{field: value})
    assert response.status_code == 422
    assert f'id="checkin-{field.replace("_", "-") if field == "sleep_hours" else field}' in (
        response.content.decode()
    )
    assert not DailyCheckin.objects.exists()


def test_sleep_over_16_hours_is_refused(as_pat, pat):
    response = save(as_pat, pat.local_today(), sleep_hours="16.5")
    assert response.status_code == 422
    assert "from 0 to 16" in response.content.decode()


def test_a_day_that_has_not_come_is_refused_beside_the_date(as_pat, pat):
    response = save(as_pat, pat.local_today() + timedelta(days=1))
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="checkin-date-error"' in html and "come yet" in html
    assert not DailyCheckin.objects.exists()


def test_yesterday_s_check_in_cannot_be_changed(as_pat, pat):
    yesterday = pat.local_today() - timedelta(days=1)
    checkin_record(
        patient=pat, local_date=yesterday, values=CheckinValues(**CHECKIN), allow_past=True
    )
    response = save(as_pat, yesterday, pain=9)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="checkin-date-error"' in html and "Only today" in html
    # What was typed stays, ready to be saved as today's with one more tap.
    assert 'id="checkin-pain-9" value="9" checked' in html
    assert f'value="{pat.local_today().isoformat()}"' in html
    assert DailyCheckin.objects.get(local_date=yesterday).pain == 3


def test_a_resend_of_yesterday_s_saved_answers_succeeds_without_a_change(as_pat, pat):
    yesterday = pat.local_today() - timedelta(days=1)
    assert save(as_pat, yesterday).status_code == 200
    assert save(as_pat, yesterday).status_code == 200
    assert DailyCheckin.objects.filter(patient=pat).count() == 1


def test_yesterday_s_check_in_kept_on_the_phone_overnight_still_arrives(as_pat, pat):
    yesterday = pat.local_today() - timedelta(days=1)
    assert save(as_pat, yesterday).status_code == 200
    assert DailyCheckin.objects.get(patient=pat).local_date == yesterday


def test_an_older_day_is_refused(as_pat, pat):
    response = save(as_pat, pat.local_today() - timedelta(days=2))
    assert response.status_code == 422
    assert not DailyCheckin.objects.exists()


def test_it_shows_yesterday_read_only(as_pat, pat):
    yesterday = pat.local_today() - timedelta(days=1)
    checkin_record(
        patient=pat, local_date=yesterday, values=CheckinValues(**CHECKIN), allow_past=True
    )
    html = as_pat.get(URL).content.decode()
    assert "Yesterday, " in html and "kept as they are" in html


def test_without_htmx_it_redirects_after_saving(as_pat, pat):
    response = post(as_pat, URL, checkin_data(pat.local_today()), htmx=False)
    assert response.status_code == 302 and response.url == URL


def test_another_patient_s_check_in_is_never_touched(client, pat, pia):
    checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    save(login(client, pia.user), pia.local_today(), pain=9)
    assert DailyCheckin.objects.get(patient=pat).pain == 3
    assert DailyCheckin.objects.get(patient=pia).pain == 9


@pytest.mark.parametrize("method", ["get", "post"])
def test_it_is_404_for_a_therapist(client, alice, charlie, method):
    for therapist in (alice, charlie):
        response = getattr(login(client, therapist), method)(URL)
        assert response.status_code == 404


def test_its_queries_do_not_grow_with_history(as_pat, pat, pat_program):
    backdate(pat_program, 60)
    fill_history(pat, 3)
    with CaptureQueriesContext(connection) as short:
        save(as_pat, pat.local_today())
    DailyCheckin.objects.filter(local_date=pat.local_today()).delete()
    fill_history(pat, 60)
    with CaptureQueriesContext(connection) as long:
        save(as_pat, pat.local_today())
    assert len(short) == len(long) <= 11
