from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import CHECKIN, login
from tracker.services.logbook import CheckinValues, checkin_record

pytestmark = pytest.mark.django_db


def url(checkin):
    return reverse("patient-checkin-detail", args=[checkin.pk])


@pytest.fixture
def earlier(pat):
    day = pat.local_today() - timedelta(days=3)
    return checkin_record(
        patient=pat,
        local_date=day,
        values=CheckinValues(**CHECKIN, note="long walk"),
        allow_past=True,
    )[0]


def test_it_shows_an_earlier_check_in_read_only(as_pat, earlier):
    html = as_pat.get(url(earlier)).content.decode()
    assert "7.5 h" in html and "long walk" in html and "kept as they are" in html
    assert "<form" not in html.split('id="main"')[1].split("</main>")[0]


def test_today_s_links_to_the_form_to_change_it(as_pat, pat):
    today = checkin_record(
        patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN)
    )[0]
    assert "Change today's check-in" in as_pat.get(url(today)).content.decode()


def test_an_outsider_gets_404_for_another_patient_s_check_in(client, pia, oscar, earlier):
    assert login(client, pia.user).get(url(earlier)).status_code == 404
    assert login(client, oscar.user).get(url(earlier)).status_code == 404


def test_it_is_404_for_a_therapist_even_of_the_same_clinic(client, alice, earlier):
    assert login(client, alice).get(url(earlier)).status_code == 404
