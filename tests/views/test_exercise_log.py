import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import login
from tests.phone import backdate, fill_history, forget_kept_plan, post
from tracker.models import ExerciseLog, Session
from tracker.services.logbook import session_start
from tracker.services.prescribing import prescription_change_dosage

pytestmark = pytest.mark.django_db
URL = reverse("patient-log")


@pytest.fixture
def bridge_rx(pat_program):
    return pat_program.prescriptions.get(exercise__slug="glute-bridge")


@pytest.fixture
def stretch_rx(pat_program):
    return pat_program.prescriptions.get(exercise__slug="hip-flexor-stretch")


def tick(client, patient, prescribed, *, session_id=None, **overrides):
    data = {
        "session_client_id": str(session_id or uuid.uuid4()),
        "local_date": patient.local_today().isoformat(),
        "prescribed": prescribed.pk,
        "occurrence": 1,
        "status": "done",
    }
    data.update(overrides)
    return post(client, URL, data), data


def test_one_tap_marks_an_exercise_done(as_pat, pat, bridge_rx):
    response, _ = tick(as_pat, pat, bridge_rx)
    assert response.status_code == 200
    log = ExerciseLog.objects.get()
    assert (log.patient, log.status, log.local_date) == (pat, "done", pat.local_today())
    assert (log.target_sets, log.target_reps) == (2, 12)  # the dosage prescribed, kept


def test_the_first_tick_opens_the_session_it_names(as_pat, pat, bridge_rx):
    _, data = tick(as_pat, pat, bridge_rx)
    session = Session.objects.get(client_id=data["session_client_id"])
    assert session.pain_before is None and ExerciseLog.objects.get().session == session


def test_it_answers_with_the_item_alone(as_pat, pat, bridge_rx):
    html = tick(as_pat, pat, bridge_rx)[0].content.decode()
    line = bridge_rx.line.hex
    assert html.lstrip().startswith(f'<li id="item-{line}-1"')
    assert html.rstrip().endswith("</li>")
    assert "✓</span> Done" in html
    # The running count is redrawn on the phone from the items (patient.js); the page
    # carries its words.
    assert 'id="tally"' not in html and "<html" not in html


def test_today_carries_the_words_for_the_running_count(as_pat, pat, pat_program):
    html = as_pat.get("/today/").content.decode()
    assert 'data-text="%(done)s of %(total)s logged"' in html


def test_one_tap_skips_with_an_optional_reason(as_pat, pat, bridge_rx):
    html = tick(as_pat, pat, bridge_rx, status="skipped", skip_reason="No time")[0]
    assert "Skipped: No time" in html.content.decode()
    assert ExerciseLog.objects.get().skip_reason == "No time"


def test_the_details_are_saved_with_the_tick(as_pat, pat, stretch_rx):
    tick(
        as_pat,
        pat,
        stretch_rx,
        occurrence=2,
        sets_done=2,
        hold_seconds_done=25,
        pain_during=4,
        symptoms=["tingling", "aching"],
    )
    log = ExerciseLog.objects.get()
    assert (log.occurrence, log.sets_done, log.hold_seconds_done, log.pain_during) == (2, 2, 25, 4)
    assert log.symptoms == ["aching", "tingling"]


def test_a_second_tap_changes_the_same_record(as_pat, pat, bridge_rx):
    session_id = uuid.uuid4()
    tick(as_pat, pat, bridge_rx, session_id=session_id)
    tick(as_pat, pat, bridge_rx, session_id=session_id, status="skipped")
    assert ExerciseLog.objects.get().status == "skipped"


def test_a_replayed_tap_succeeds_and_makes_no_second_record(as_pat, pat, bridge_rx):
    first, data = tick(as_pat, pat, bridge_rx)
    second = post(as_pat, URL, data)
    assert first.status_code == second.status_code == 200
    assert ExerciseLog.objects.count() == 1 and Session.objects.count() == 1


def test_a_page_from_before_a_dosage_change_still_logs_the_same_exercise(as_pat, pat, bridge_rx):
    from tracker.services.prescribing import DosageSpec

    prescription_change_dosage(
        prescription=bridge_rx,
        dosage=DosageSpec(3, 10, None),
        notes="",
        effective_on=pat.local_today(),
    )
    tick(as_pat, pat, bridge_rx)
    assert ExerciseLog.objects.get().line == bridge_rx.line


def test_bad_details_get_a_message_beside_the_field_and_stay_on_screen(as_pat, pat, bridge_rx):
    response, _ = tick(as_pat, pat, bridge_rx, reps_done=9999, pain_during=11, skip_reason="x")
    assert response.status_code == 422
    html = response.content.decode()
    assert f'id="item-{bridge_rx.line.hex}-1-reps-error"' in html
    assert "Choose a number from 0 to 10." in html
    assert 'value="9999"' in html and "<details" in html and " open>" in html
    assert not ExerciseLog.objects.exists()


def test_an_occurrence_not_due_is_refused_beside_the_buttons(as_pat, pat, bridge_rx):
    response, _ = tick(as_pat, pat, bridge_rx, occurrence=2)  # the bridge is once a day
    assert response.status_code == 422
    assert "not due that many times" in response.content.decode()
    assert not ExerciseLog.objects.exists()


def test_a_refused_first_tick_leaves_no_empty_session_behind(as_pat, pat, bridge_rx):
    response, _ = tick(as_pat, pat, bridge_rx, occurrence=2)  # a new session's first tick
    assert response.status_code == 422
    assert not Session.objects.exists()


def test_a_day_that_has_not_come_is_refused(as_pat, pat, bridge_rx):
    tomorrow = pat.local_today() + timedelta(days=1)
    response, _ = tick(as_pat, pat, bridge_rx, local_date=tomorrow.isoformat())
    assert response.status_code == 422
    assert not ExerciseLog.objects.exists()


def test_an_outsider_gets_404_for_another_patient_s_exercise(client, pia, pat, bridge_rx):
    response, _ = tick(login(client, pia.user), pia, bridge_rx)
    assert response.status_code == 404
    assert not ExerciseLog.objects.exists()


def test_an_outsider_gets_404_for_another_patient_s_session(client, pat, pia, bridge_rx, alice):
    from tracker.services.prescribing import DosageSpec, prescription_add, program_create

    theirs = session_start(patient=pat, client_id=uuid.uuid4(), pain_before=2)
    program = program_create(
        patient=pia, therapist=alice, title="Pia's plan", start_date=pia.local_today()
    )
    pia_rx = prescription_add(
        program=program,
        exercise=bridge_rx.exercise,
        dosage=DosageSpec(2, 10, None),
        valid_from=pia.local_today(),
    )
    response, _ = tick(login(client, pia.user), pia, pia_rx, session_id=theirs.client_id)
    assert response.status_code == 404
    assert not theirs.logs.exists()


def test_it_is_404_for_a_therapist(client, alice, pat, bridge_rx):
    response, _ = tick(login(client, alice), pat, bridge_rx)
    assert response.status_code == 404


def test_without_htmx_it_redirects_back_to_the_exercise(as_pat, pat, bridge_rx):
    data = {
        "session_client_id": str(uuid.uuid4()),
        "local_date": pat.local_today().isoformat(),
        "prescribed": bridge_rx.pk,
        "occurrence": 1,
        "status": "done",
    }
    response = post(as_pat, URL, data, htmx=False)
    assert response.status_code == 302
    assert response.url.endswith(f"#item-{bridge_rx.line.hex}-1")


def test_its_queries_do_not_grow_with_history(as_pat, pat, pat_program, bridge_rx):
    backdate(pat_program, 60)
    fill_history(pat, 3)
    with CaptureQueriesContext(connection) as short:
        tick(as_pat, pat, bridge_rx)
    ExerciseLog.objects.filter(local_date=pat.local_today()).delete()
    fill_history(pat, 60)
    with CaptureQueriesContext(connection) as long:
        tick(as_pat, pat, bridge_rx)
    assert len(short) == len(long) <= 19


def test_without_htmx_bad_details_come_back_on_the_whole_page(as_pat, pat, bridge_rx):
    data = {
        "session_client_id": str(uuid.uuid4()),
        "local_date": pat.local_today().isoformat(),
        "prescribed": bridge_rx.pk,
        "occurrence": 1,
        "status": "done",
        "pain_during": 11,
    }
    response = post(as_pat, URL, data, htmx=False)
    assert response.status_code == 422
    html = response.content.decode()
    assert "<html" in html and f'id="item-{bridge_rx.line.hex}-1-pain_during-error"' in html


def test_a_tick_after_today_takes_the_prescription_from_the_kept_plan(
    as_pat, pat, bridge_rx, stretch_rx
):
    as_pat.get(reverse("patient-today"))  # keeps today's plan in the cache
    with CaptureQueriesContext(connection) as kept:
        assert tick(as_pat, pat, bridge_rx)[0].status_code == 200
    forget_kept_plan(pat)
    with CaptureQueriesContext(connection) as read:
        assert tick(as_pat, pat, stretch_rx)[0].status_code == 200
    assert len(kept) == len(read) - 1


def test_an_outsider_with_a_kept_plan_of_their_own_gets_404_for_another_s_exercise(
    client, pat, pia, bridge_rx, alice
):
    from tracker.services.prescribing import DosageSpec, prescription_add, program_create

    program = program_create(
        patient=pia, therapist=alice, title="Pia's plan", start_date=pia.local_today()
    )
    prescription_add(
        program=program,
        exercise=bridge_rx.exercise,
        dosage=DosageSpec(2, 10, None),
        valid_from=pia.local_today(),
    )
    as_pia = login(client, pia.user)
    as_pia.get(reverse("patient-today"))
    response, _ = tick(as_pia, pia, bridge_rx)
    assert response.status_code == 404
    assert not ExerciseLog.objects.exists()


def test_save_details_with_a_reason_for_skipping_saves_a_skip(as_pat, pat, bridge_rx):
    html = tick(as_pat, pat, bridge_rx, status="details", skip_reason="Knee sore today")[0]
    assert "Skipped: Knee sore today" in html.content.decode()
    log = ExerciseLog.objects.get()
    assert (log.status, log.skip_reason) == ("skipped", "Knee sore today")


def test_save_details_without_a_reason_saves_the_exercise_done(as_pat, pat, bridge_rx):
    tick(as_pat, pat, bridge_rx, status="details", reps_done=10, skip_reason="  ")
    log = ExerciseLog.objects.get()
    assert (log.status, log.reps_done, log.skip_reason) == ("done", 10, "")


def test_done_tapped_with_a_reason_still_on_screen_means_done(as_pat, pat, bridge_rx):
    tick(as_pat, pat, bridge_rx, status="skipped", skip_reason="No time")
    tick(as_pat, pat, bridge_rx, status="done", skip_reason="No time")
    assert ExerciseLog.objects.get().status == "done"
