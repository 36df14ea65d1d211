from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.phone import backdate, fill_history
from tracker.services.logbook import CheckinValues, checkin_record

pytestmark = pytest.mark.django_db
URL = reverse("patient-progress")


def test_it_draws_four_weeks_of_check_ins_and_the_calendar(as_pat, pat, pat_program):
    fill_history(pat, 10)
    html = as_pat.get(URL).content.decode()
    assert html.count('<svg class="chart-svg"') == 4
    assert html.count('class="chart-svg calendar-svg"') == 1
    for label in ("Pain (0–10)", "Sleep quality", "Hours of sleep", "Stress"):
        assert f'aria-label="{label}' in html, label
    assert "Average 3 over 10 of 28 days" in html
    assert "Exercises were due on" in html


def test_it_shows_adherence_for_7_and_28_days(as_pat, pat, pat_program):
    fill_history(pat, 10)
    html = as_pat.get(URL).content.decode()
    assert "Last 7 days" in html and "100%" in html


def test_it_says_nothing_about_patterns_without_enough_days(as_pat, pat, pat_program):
    fill_history(pat, 6)
    assert "A pattern in your check-ins" not in as_pat.get(URL).content.decode()


def test_it_links_pain_with_short_nights_when_the_data_show_it(as_pat, pat, pat_program):
    today = pat.local_today()
    for offset in range(1, 13):
        short = offset % 2 == 0
        checkin_record(
            patient=pat,
            local_date=today - timedelta(days=offset),
            values=CheckinValues(
                pain=5 if short else 3,
                worst_pain=6,
                sleep_hours=Decimal("5") if short else Decimal("8"),
                sleep_quality=6,
                stress=3,
            ),
            allow_past=True,
        )
    html = as_pat.get(URL).content.decode()
    assert "After nights under 6 hours of sleep, your pain averaged 2.0 points higher" in html
    assert "does not mean your knee is getting worse" in html


def test_it_invites_a_first_check_in_when_there_is_none(as_pat, pat, pat_program):
    assert "Your charts fill in as you do your daily check-in" in as_pat.get(URL).content.decode()


def test_it_shows_only_the_patient_s_own_data(client, pat, pia, pat_program):
    fill_history(pat, 5)
    html = login(client, pia.user).get(URL).content.decode()
    assert "Your charts fill in" in html and "Latest 3" not in html


def test_it_is_404_for_a_therapist(client, alice, charlie):
    assert login(client, alice).get(URL).status_code == 404
    assert login(client, charlie).get(URL).status_code == 404


def test_its_queries_do_not_grow_with_history(as_pat, pat, pat_program):
    backdate(pat_program, 60)
    fill_history(pat, 3)
    with CaptureQueriesContext(connection) as short:
        as_pat.get(URL)
    fill_history(pat, 60)
    with CaptureQueriesContext(connection) as long:
        as_pat.get(URL)
    assert len(short) == len(long) <= 8


def test_it_states_each_span_once_with_the_exercises_ending_yesterday(as_pat, pat, pat_program):
    today = pat.local_today()
    html = as_pat.get(URL).content.decode()

    def day(offset: int) -> str:
        return (today - timedelta(days=offset)).strftime("%-d %b")

    assert f"{day(28)} to {day(1)} (yesterday)" in html  # the adherence and its calendar
    assert f"{day(27)} to {day(0)} (today)" in html  # the check-in charts
    assert "The last four weeks, " not in html  # no single span for both
