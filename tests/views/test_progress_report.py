from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.workspace import give_program, live_days, make_flag
from tracker.models import AuditEvent

pytestmark = pytest.mark.django_db
URL_NAME = "therapist-report"


@pytest.fixture
def history(pat, alice):
    give_program(pat, alice, pat.local_today() - timedelta(days=10))
    live_days(pat, 3, pain=4)
    return pat


def test_it_prints_program_adherence_charts_and_flags(as_alice, history):
    make_flag(history, "pain_rising", "high", summary="Pain is up by 3.")
    page = as_alice.get(reverse(URL_NAME, args=[history.pk])).content.decode()
    assert "Progress report: Pat" in page
    assert "Knee plan" in page and "Glute Bridge" in page
    assert "Adherence, last 7 days" in page
    assert page.count('class="chart-svg') >= 4
    assert "Pain is up by 3." in page


def test_it_has_a_print_stylesheet_and_no_inline_script(as_alice, history):
    page = as_alice.get(reverse(URL_NAME, args=[history.pk])).content.decode()
    assert "data-print" in page and "onclick" not in page and "<script>" not in page
    assert "@media print" in Path("tracker/static/tracker/css/therapist.css").read_text()


def test_it_covers_the_period_asked_for(as_alice, history):
    page = as_alice.get(reverse(URL_NAME, args=[history.pk]), {"days": 56}).content.decode()
    assert 'aria-current="true">56 days' in page


def test_it_audits_the_export(as_alice, alice, history):
    as_alice.get(reverse(URL_NAME, args=[history.pk]))
    event = AuditEvent.objects.get(action="patient.exported", actor=alice, patient=history)
    assert event.detail["what"] == "report"


def test_it_is_404_for_another_clinic(client, charlie, pat):
    assert login(client, charlie).get(reverse(URL_NAME, args=[pat.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action="patient.exported").exists()
