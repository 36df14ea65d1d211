import gzip
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.phone import backdate, fill_history, forget_kept_plan
from tracker.services.logbook import session_finish, session_start

pytestmark = pytest.mark.django_db
URL = reverse("patient-today")


def test_it_lists_today_s_exercises_with_their_dosage(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    assert "Glute Bridge" in page and "2 × 12 reps" in page
    assert "Hip Flexor Stretch" in page and "2 × 30 s hold" in page
    assert "1 of 2 today" in page and "2 of 2 today" in page


def test_it_offers_one_tap_done_and_skip_for_every_occurrence(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    assert page.count('name="status" value="done"') >= 3
    assert page.count('name="status" value="skipped"') == 3
    assert page.count('hx-post="/today/log/"') == 3


def test_it_prints_the_optional_details_once_for_every_exercise_to_copy(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    # One blank copy in a <template> (patient.js gives each exercise its own), one slot per
    # occurrence saying which fields it needs.
    assert page.count('id="log-details-template"') == 1
    assert page.count('name="pain_during"') == 11
    assert page.count('class="details-slot"') == 3
    assert page.count('data-show="hold"') == 2 and page.count('data-show="reps"') == 1
    assert 'data-sets="2" data-reps="12"' in page


def test_an_exercise_logged_with_details_shows_them_in_place(as_pat, pat, pat_program):
    bridge = pat_program.prescriptions.get(exercise__slug="glute-bridge")
    data = {
        "session_client_id": str(uuid.uuid4()),
        "local_date": pat.local_today().isoformat(),
        "prescribed": bridge.pk,
        "occurrence": 1,
        "status": "done",
        "reps_done": 10,
        "pain_during": 4,
        "symptoms": ["aching"],
    }
    as_pat.post(reverse("patient-log"), data, headers={"HX-Request": "true"})
    page = as_pat.get(URL).content.decode()
    item = f"item-{bridge.line.hex}-1"
    assert f'id="{item}-reps" value="10"' in page
    assert f'id="{item}-pain_during-4" value="4" checked' in page
    assert f'id="{item}-sym-aching" checked' in page
    assert page.count('class="details-slot"') == 2


def test_each_exercise_shows_its_drawing_small_lazy_and_kept_for_offline(as_pat, pat_program):
    html = as_pat.get(URL).content.decode()
    for slug in ("glute-bridge", "hip-flexor-stretch"):
        picture = re.search(
            rf'<img [^>]*src="/static/tracker/illustrations/{slug}.svg"[^>]*>', html
        )
        assert picture, slug
        tag = picture.group()
        # Sized before it loads (no jump), fetched when scrolled to, and beside the exercise's
        # name, which already says what it is.
        for attribute in ('width="104"', 'height="52"', 'loading="lazy"', 'alt=""'):
            assert attribute in tag, (slug, attribute)
        assert "data-keep-offline" in tag
    assert html.count("data-offline-pictures") == 1


def test_it_shows_no_drawing_for_a_clinic_s_own_exercise(as_pat, pat, pat_program):
    for rx in pat_program.prescriptions.all():
        rx.exercise.clinic = pat.clinic
        rx.exercise.save()
    forget_kept_plan(pat)
    html = as_pat.get(URL).content.decode()
    assert "tracker/illustrations/" not in html and "exercise-picture" not in html


def test_it_gives_timed_holds_a_countdown_timer(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    assert page.count('data-seconds="30"') == 2  # the stretch, twice a day
    assert "Start 30 s timer" in page


def test_it_asks_for_pain_before_the_session(as_pat, pat_program):
    page = as_pat.get(URL).content.decode()
    assert "before you start" in page
    assert page.count('name="pain_before"') == 11
    assert "0 = no pain" in page and "10 = worst pain imaginable" in page


def test_it_shows_the_traffic_light_of_today_s_finished_session(as_pat, pat, pat_program):
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    session_finish(session=session, pain_after=7)
    page = as_pat.get(URL).content.decode()
    assert "Red light" in page and "Your therapist will hear about it" in page


def test_it_follows_the_clinic_s_own_traffic_light_cut_offs(as_pat, pat, pat_program):
    pat.clinic.traffic_amber_from, pat.clinic.traffic_red_from = 2, 4
    pat.clinic.save()
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    session_finish(session=session, pain_after=4)
    assert "Red light" in as_pat.get(URL).content.decode()


def test_it_says_whether_the_check_in_is_done(as_pat, pat, pat_program):
    from tests.conftest import CHECKIN
    from tracker.services.logbook import CheckinValues, checkin_record

    assert "Daily check-in done" not in as_pat.get(URL).content.decode()
    checkin_record(patient=pat, local_date=pat.local_today(), values=CheckinValues(**CHECKIN))
    assert "Daily check-in done" in as_pat.get(URL).content.decode()


def test_it_is_404_for_a_therapist(client, alice):
    assert login(client, alice).get(URL).status_code == 404


def test_it_redirects_anonymous_visitors_to_log_in(client, db):
    assert client.get(URL).status_code == 302


def test_it_shows_only_the_patient_s_own_plan(client, pat_program, pia):
    page = login(client, pia.user).get(URL).content.decode()
    assert "Glute Bridge" not in page


def test_it_is_never_cached_by_the_browser(as_pat, pat_program):
    assert "no-store" in as_pat.get(URL)["Cache-Control"]


def test_it_runs_the_same_queries_with_3_or_60_days_of_history(as_pat, pat, pat_program):
    backdate(pat_program, 60)
    fill_history(pat, 3)
    forget_kept_plan(pat)  # each measured with a plan not read before: the most it costs
    with CaptureQueriesContext(connection) as short:
        as_pat.get(URL)
    fill_history(pat, 60)
    forget_kept_plan(pat)
    with CaptureQueriesContext(connection) as long:
        as_pat.get(URL)
    assert len(short) == len(long) <= 6
    # Opened again with the same plan: the prescriptions are not read again.
    with CaptureQueriesContext(connection) as again:
        assert as_pat.get(URL).status_code == 200
    assert len(again) == len(long) - 1
    assert not any("tracker_prescribedexercise" in q["sql"] for q in again.captured_queries)


def test_it_weighs_under_60_kb_gzipped_with_its_css_and_js(as_pat, pat, pat_program):
    fill_history(pat, 3)
    html = as_pat.get(URL).content
    assets = re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)
    assert any(a.endswith(b".css") for a in assets) and any(a.endswith(b".js") for a in assets)
    # The exercises' pictures load as the patient scrolls to them, after the page itself.
    pictures = set(re.findall(rb'<img [^>]*src="(/static/[^"]+)"[^>]*loading="lazy"', html))
    assert len(pictures) == 2
    assets = [asset for asset in assets if asset not in pictures]
    total = len(gzip.compress(html))
    for asset in set(assets):
        path = finders.find(asset.decode().removeprefix("/static/"))
        assert path, asset
        total += len(gzip.compress(Path(path).read_bytes()))
    assert total <= 60 * 1024, f"{total} bytes"


def test_it_asks_nothing_of_another_origin(as_pat, pat_program):
    html = as_pat.get(URL).content.decode()
    assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html)


def test_it_has_no_inline_script_or_event_handler(as_pat, pat_program):
    html = as_pat.get(URL).content.decode()
    for script in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in script, script
    assert not re.search(r"\son[a-z]+=|hx-on", html)


def test_it_works_without_script_a_whole_session_through_plain_forms(as_pat, pat, pat_program):
    """Every form carries its session and day, so plain posts (no htmx) log a session."""
    from tracker.models import ExerciseLog, Session

    page = as_pat.get(URL).content.decode()
    session_id = re.search(r'name="session_client_id" value="([0-9a-f-]{36})"', page).group(1)
    day = pat.local_today().isoformat()
    common = {"session_client_id": session_id, "local_date": day}
    as_pat.post(reverse("patient-session-start"), common | {"pain_before": 1})
    rx = pat_program.prescriptions.first()
    as_pat.post(
        reverse("patient-log"),
        common | {"prescribed": rx.pk, "occurrence": 1, "status": "done"},
    )
    as_pat.post(reverse("patient-session-finish"), common | {"pain_after": 2})
    session = Session.objects.get(patient=pat)
    assert (session.pain_before, session.pain_after) == (1, 2)
    assert ExerciseLog.objects.get().session == session
    assert 'name="session_client_id" value="' + session_id not in as_pat.get(URL).content.decode()


def test_it_shows_the_therapist_s_note_on_the_exercise_escaped(as_pat, pat_program):
    bridge = pat_program.prescriptions.get(exercise__slug="glute-bridge")
    bridge.notes = "Add once the hip exercises feel comfortable <b>& not before</b>"
    bridge.save()
    forget_kept_plan(pat_program.patient)
    page = as_pat.get(URL).content.decode()
    assert "From your therapist:" in page
    assert "Add once the hip exercises feel comfortable &lt;b&gt;&amp; not before" in page
    assert "<b>&" not in page


def test_after_a_red_light_it_offers_rest_instead_of_another_session(as_pat, pat, pat_program):
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    session_finish(session=session, pain_after=7)
    page = as_pat.get(URL).content.decode()
    assert "Red light" in page and "no more sessions today" in page
    assert "Next session" not in page and 'name="pain_before"' not in page
    assert "Start session" not in page


def test_after_an_amber_light_another_session_can_still_be_started(as_pat, pat, pat_program):
    session = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    session_finish(session=session, pain_after=4)
    page = as_pat.get(URL).content.decode()
    assert "Next session" in page and 'name="pain_before"' in page


def test_the_finish_comes_after_the_exercises(as_pat, pat, pat_program):
    session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    page = as_pat.get(URL).content.decode()
    assert page.count('name="pain_after"') == 11
    assert page.index('name="pain_after"') > page.rindex('class="plan-item')
