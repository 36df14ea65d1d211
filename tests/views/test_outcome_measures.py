"""The therapist's side of outcome measures: scheduling, the record's scores, goals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.conftest import login
from tests.outcomes import answer_psfs, load_koos, schedule, seed
from tracker.models import AuditEvent, Goal, ProgramMeasure

pytestmark = pytest.mark.django_db


def test_a_therapist_schedules_the_psfs_and_a_loaded_koos(as_alice, pat, pat_program):
    seed()
    builder = reverse("therapist-program", args=[pat.pk])
    html = as_alice.get(builder).content.decode()
    assert "KOOS-12 (wording not loaded)" in html
    add = reverse("therapist-measure-add", args=[pat_program.pk])
    refused = as_alice.post(add, {"questionnaire": "koos-12", "at_start": "on", "every_days": "14"})
    assert refused.status_code == 400
    assert "cannot be scheduled until your clinic loads its wording" in refused.content.decode()

    load_koos()
    ok = as_alice.post(add, {"questionnaire": "koos-12", "at_start": "on", "every_days": "28"})
    assert ok.status_code == 302
    as_alice.post(add, {"questionnaire": "psfs", "at_start": "on", "every_days": "14",
                        "at_discharge": "on", "activities": "5"})  # fmt: skip
    measures = {m.questionnaire.slug: m for m in ProgramMeasure.objects.all()}
    assert (measures["koos-12"].questionnaire.version, measures["koos-12"].every_days) == (2, 28)
    assert (measures["psfs"].activities, measures["psfs"].at_discharge) == (5, True)
    assert AuditEvent.objects.filter(action="measure.scheduled").count() == 2
    html = as_alice.get(builder).content.decode()
    assert "every 14 days" in html and "5 activities" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"questionnaire": "psfs", "every_days": "0"}, "greater than or equal to 1"),
        (
            {"questionnaire": "psfs", "every_days": "400", "at_start": "on"},
            "less than or equal to 365",
        ),
        ({"questionnaire": "psfs"}, "Choose at least one time to ask."),
        ({"questionnaire": "nope", "at_start": "on"}, "Select a valid choice"),
        ({"questionnaire": "psfs", "at_start": "on", "activities": "6"}, "less than or equal to 5"),
    ],
)
def test_a_bad_schedule_is_refused_beside_its_field(as_alice, pat_program, data, message):
    seed()
    response = as_alice.post(reverse("therapist-measure-add", args=[pat_program.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ProgramMeasure.objects.exists()


def test_the_record_shows_scores_change_and_thresholds_and_sets_goals(as_alice, pat, pat_program):
    measure = schedule(pat_program, "psfs")
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [2, 4, 3], due_on=start, occasion="start")
    answer_psfs(
        pat, measure, start + timedelta(days=14), [5, 6, 4], due_on=start + timedelta(days=14)
    )
    record = reverse("therapist-record", args=[pat.pk])
    html = as_alice.get(record).content.decode()
    assert "Everyday activities" in html
    # Mean 3.0 → 5.0: +2, at the PSFS's minimal detectable change of 2 points.
    assert "+2.0" in html and "better, beyond the MDC" in html
    # Climb stairs 2 → 5: +3, at the 3 points of one activity.
    assert "Climb stairs" in html and "+3" in html

    add = reverse("therapist-goal-add", args=[pat.pk])
    target_date = pat.local_today() + timedelta(days=30)
    too_low = as_alice.post(add, {"activity_key": "a1", "target": "2", "target_date": target_date})
    assert too_low.status_code == 400
    assert "The target must be above the starting rating." in too_low.content.decode()
    past = as_alice.post(
        add, {"activity_key": "a1", "target": "7", "target_date": pat.local_today()}
    )
    assert past.status_code == 400 and "Choose a date after today." in past.content.decode()
    assert (
        as_alice.post(
            add, {"activity_key": "a1", "target": "7", "target_date": target_date}
        ).status_code
        == 302
    )
    goal = Goal.objects.get()
    assert (goal.activity, goal.baseline, goal.target, goal.target_date) == (
        "Climb stairs",
        2,
        7,
        target_date,
    )
    html = as_alice.get(record).content.decode()
    assert "Climb stairs</strong>: 2 → 7" in html and "latest 5" in html

    login(as_alice, pat.user)
    progress = as_alice.get(reverse("patient-progress")).content.decode()
    assert "Your goals" in progress and "from 2 to 7 out of 10" in progress
    assert "Your latest rating: 5" in progress
    # The scores too, in plain words: mean 3.0 the first time, 5.0 now.
    assert "Your questionnaires" in progress and "<strong>Everyday activities</strong>" in progress
    assert "latest 5.0, 3.0 the first time" in progress


def test_the_report_and_the_patients_data_carry_answers_scores_and_goals(
    as_alice, pat, pat_program, alice
):
    measure = schedule(pat_program, "psfs")
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [2, 4], due_on=start, occasion="start")
    report = as_alice.get(reverse("therapist-report", args=[pat.pk])).content.decode()
    assert "Outcome measures" in report and "Climb stairs" in report
    csv = b"".join(
        as_alice.get(reverse("therapist-export-outcomes", args=[pat.pk])).streaming_content
    ).decode()
    assert "psfs" in csv and "Climb stairs" in csv and "3.0" in csv


def test_stopping_a_measure_and_setting_and_removing_a_goal_are_audited(as_alice, pat, pat_program):
    measure = schedule(pat_program, "psfs")
    start = pat_program.start_date
    answer_psfs(pat, measure, start, [2, 4], due_on=start, occasion="start")
    target_date = (pat.local_today() + timedelta(days=20)).isoformat()
    as_alice.post(reverse("therapist-goal-add", args=[pat.pk]),
                  {"activity_key": "a2", "target": "8", "target_date": target_date})  # fmt: skip
    goal = Goal.objects.get()
    set_event = AuditEvent.objects.get(action="goal.set")
    assert (set_event.patient, set_event.detail["activity"], set_event.detail["target"]) == (
        pat, "Kneel in the garden", 8,
    )  # fmt: skip
    as_alice.post(reverse("therapist-goal-remove", args=[goal.pk]))
    assert not Goal.objects.exists()
    assert AuditEvent.objects.get(action="goal.removed").detail == {
        "activity": "Kneel in the garden"
    }

    stop = as_alice.post(reverse("therapist-measure-stop", args=[measure.pk]))
    assert stop.status_code == 302
    assert not ProgramMeasure.objects.exists()
    stopped = AuditEvent.objects.get(action="measure.removed")
    assert (stopped.patient, stopped.detail) == (pat, {"questionnaire": "psfs"})
    # The answers stay in the record.
    assert pat.questionnaire_responses.count() == 1
