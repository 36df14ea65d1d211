import uuid
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.phone import post
from tracker.models import Session
from tracker.services.logbook import session_start

pytestmark = pytest.mark.django_db
URL = reverse("patient-session-start")


def start(client, patient, **overrides):
    data = {
        "session_client_id": str(uuid.uuid4()),
        "local_date": patient.local_today().isoformat(),
        "pain_before": 3,
    }
    data.update(overrides)
    return post(client, URL, data), data


def test_it_starts_a_session_with_the_pain_before(as_pat, pat, pat_program):
    response, data = start(as_pat, pat)
    assert response.status_code == 200
    session = Session.objects.get(client_id=data["session_client_id"])
    assert (session.patient, session.pain_before, session.local_date) == (
        pat,
        3,
        pat.local_today(),
    )
    assert session.program == pat_program


def test_it_answers_with_only_the_session_fragment(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat)
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="session"')
    assert "Session in progress" in html and "pain before: 3" in html
    assert "<html" not in html and "Today's exercises" not in html


def test_it_varies_on_the_htmx_header(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat)
    assert "HX-Request" in response["Vary"]


def test_a_double_tap_makes_one_session(as_pat, pat, pat_program):
    first, data = start(as_pat, pat)
    second = post(as_pat, URL, data)
    assert first.status_code == second.status_code == 200
    assert Session.objects.filter(patient=pat).count() == 1


def test_a_resend_keeps_the_first_pain_rating(as_pat, pat, pat_program):
    _, data = start(as_pat, pat)
    post(as_pat, URL, data | {"pain_before": 8})
    assert Session.objects.get(client_id=data["session_client_id"]).pain_before == 3


def test_it_adds_the_pain_before_to_a_session_a_tick_opened(as_pat, pat, pat_program):
    client_id = uuid.uuid4()
    session_start(patient=pat, client_id=client_id, pain_before=None)
    start(as_pat, pat, session_client_id=str(client_id), pain_before=5)
    assert Session.objects.get(client_id=client_id).pain_before == 5


def test_a_missing_rating_gets_a_message_beside_the_field(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat, pain_before="")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="start-pain_before-error"' in html and "Choose a number from 0 to 10." in html
    assert not Session.objects.exists()


def test_an_out_of_range_rating_gets_a_message_and_saves_nothing(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat, pain_before=11)
    assert response.status_code == 422
    assert "Choose a number from 0 to 10." in response.content.decode()
    assert not Session.objects.exists()


def test_a_day_that_has_not_come_is_refused(as_pat, pat, pat_program):
    tomorrow = pat.local_today() + timedelta(days=1)
    response, _ = start(as_pat, pat, local_date=tomorrow.isoformat())
    assert response.status_code == 422
    assert "come yet" in response.content.decode()
    assert not Session.objects.exists()


def test_a_session_kept_on_the_phone_overnight_lands_on_its_own_day(as_pat, pat, pat_program):
    yesterday = pat.local_today() - timedelta(days=1)
    response, data = start(as_pat, pat, local_date=yesterday.isoformat())
    assert response.status_code == 200
    assert Session.objects.get(client_id=data["session_client_id"]).local_date == yesterday


def test_an_older_day_is_refused(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat, local_date=(pat.local_today() - timedelta(days=3)).isoformat())
    assert response.status_code == 422
    assert not Session.objects.exists()


def test_it_keeps_the_entered_rating_on_screen_after_an_error(as_pat, pat, pat_program):
    response, _ = start(as_pat, pat, pain_before=4, local_date="not a date")
    assert response.status_code == 422
    assert 'id="start-pain_before-4" value="4" checked' in response.content.decode()


def test_without_htmx_it_redirects_back_to_today(as_pat, pat, pat_program):
    data = {
        "session_client_id": str(uuid.uuid4()),
        "local_date": pat.local_today().isoformat(),
        "pain_before": 2,
    }
    response = post(as_pat, URL, data, htmx=False)
    assert response.status_code == 302 and response.url.startswith(reverse("patient-today"))


def test_an_outsider_gets_404_for_another_patient_s_session_id(client, pat, pia, pat_program):
    theirs = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=1)
    response, _ = start(login(client, pia.user), pia, session_client_id=str(theirs.client_id))
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.pain_before == 1 and theirs.patient == pat


def test_it_is_404_for_a_therapist(client, alice, pat):
    response, _ = start(login(client, alice), pat)
    assert response.status_code == 404


def test_an_expired_login_sends_the_whole_page_to_log_in(client, pat, pat_program):
    response, _ = start(client, pat)
    assert response.status_code == 200
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_it_does_not_accept_get(as_pat):
    assert as_pat.get(URL).status_code == 405


def test_its_queries_do_not_grow_with_history(as_pat, pat, pat_program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.phone import backdate, fill_history, forget_kept_plan

    backdate(pat_program, 60)
    fill_history(pat, 3)
    forget_kept_plan(pat)  # each measured with a plan not read before: the most it costs
    with CaptureQueriesContext(connection) as short:
        start(as_pat, pat)
    fill_history(pat, 60)
    forget_kept_plan(pat)
    with CaptureQueriesContext(connection) as long:
        start(as_pat, pat)
    assert len(short) == len(long) <= 16


def test_it_brings_the_finish_below_the_exercises_along_out_of_band(as_pat, pat, pat_program):
    html = start(as_pat, pat)[0].content.decode()
    assert 'id="session-end" hx-swap-oob="true"' in html
    assert 'id="session-end-heading"' in html and html.count('name="pain_after"') == 11
