import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.phone import backdate, fill_history, forget_kept_plan, post
from tracker.models import Session
from tracker.services.logbook import session_start

pytestmark = pytest.mark.django_db
URL = reverse("patient-session-finish")


@pytest.fixture
def started(pat, pat_program):
    return session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)


def finish(client, session, **overrides):
    data = {
        "session_client_id": str(session.client_id),
        "local_date": session.local_date.isoformat(),
        "pain_after": 1,
        "notes": "",
    }
    data.update(overrides)
    return post(client, URL, data)


@pytest.mark.parametrize(
    ("pain", "light", "words"),
    [
        (0, "Green light", "carry on with your program"),
        (2, "Green light", "carry on with your program"),
        (3, "Amber light", "settled back to your usual level by tomorrow morning"),
        (5, "Amber light", "settled back to your usual level by tomorrow morning"),
        (6, "Red light", "Your therapist will hear about it"),
        (10, "Red light", "Your therapist will hear about it"),
    ],
)
def test_it_shows_the_traffic_light_at_once(as_pat, started, pain, light, words):
    html = finish(as_pat, started, pain_after=pain).content.decode()
    assert light in html and words in html
    assert "not medical advice" in html
    assert 'role="status"' in html  # announced, not only coloured


def test_it_saves_the_pain_after_and_the_finish_time(as_pat, started):
    finish(as_pat, started, pain_after=4, notes="Knee warm after the bridges")
    started.refresh_from_db()
    assert started.pain_after == 4 and started.finished_at is not None
    assert started.notes == "Knee warm after the bridges"


def test_a_double_tap_finishes_once(as_pat, started):
    finish(as_pat, started)
    first = Session.objects.get(pk=started.pk).finished_at
    assert finish(as_pat, started).status_code == 200
    assert Session.objects.get(pk=started.pk).finished_at == first
    assert Session.objects.count() == 1


def test_a_finish_sent_before_its_start_still_makes_one_session(as_pat, pat, pat_program):
    client_id = uuid.uuid4()
    data = {
        "session_client_id": str(client_id),
        "local_date": pat.local_today().isoformat(),
        "pain_after": 2,
    }
    assert post(as_pat, URL, data).status_code == 200
    assert post(as_pat, URL, data).status_code == 200
    assert Session.objects.filter(client_id=client_id, pain_after=2).count() == 1


def test_a_missing_rating_gets_a_message_beside_the_field(as_pat, started):
    response = finish(as_pat, started, pain_after="")
    assert response.status_code == 422
    html = response.content.decode()
    assert 'id="finish-pain_after-error"' in html and "Choose a number from 0 to 10." in html
    started.refresh_from_db()
    assert started.finished_at is None


def test_it_keeps_the_note_on_screen_after_an_error(as_pat, started):
    response = finish(as_pat, started, pain_after=12, notes="tired today")
    assert response.status_code == 422
    assert "tired today" in response.content.decode()


def test_a_day_that_has_not_come_is_refused(as_pat, started):
    tomorrow = started.local_date + timedelta(days=1)
    response = finish(as_pat, started, local_date=tomorrow.isoformat())
    assert response.status_code == 422
    started.refresh_from_db()
    assert started.finished_at is None


def test_an_outsider_gets_404_for_another_patient_s_session(client, pia, started):
    response = finish(login(client, pia.user), started, pain_after=9)
    assert response.status_code == 404
    started.refresh_from_db()
    assert started.pain_after is None and started.finished_at is None


def test_it_is_404_for_a_therapist(client, alice, started):
    assert finish(login(client, alice), started).status_code == 404


def test_its_queries_do_not_grow_with_history(as_pat, pat, pat_program):
    backdate(pat_program, 60)
    fill_history(pat, 3)
    first = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    forget_kept_plan(pat)  # each measured with a plan not read before: the most it costs
    with CaptureQueriesContext(connection) as short:
        finish(as_pat, first)
    fill_history(pat, 60)
    second = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    forget_kept_plan(pat)
    with CaptureQueriesContext(connection) as long:
        finish(as_pat, second)
    assert len(short) == len(long) <= 16


def test_the_finish_below_the_exercises_is_replaced_out_of_band(as_pat, started):
    html = finish(as_pat, started).content.decode()
    assert 'id="session-end" hx-swap-oob="true"' in html
    # Gone from below the exercises too (a hidden copy waits for a start kept offline).
    assert 'id="session-end-heading"' not in html
    assert 'id="finish-after-start" class="card session session-end"' in html
    assert "data-just-finished" in html  # patient.js brings the light into view
