"""Every range and uniqueness rule is enforced by the database itself, not only by forms."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.conftest import CHECKIN, make_exercise
from tracker.models import (
    Clinic,
    DailyCheckin,
    Exercise,
    ExerciseLog,
    ExerciseMedia,
    Flag,
    Notification,
    PrescribedExercise,
    Program,
    Session,
    User,
)

pytestmark = pytest.mark.django_db


def rejected(make) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def checkin(patient, **overrides):
    values = {**CHECKIN, **overrides}
    return DailyCheckin.objects.create(
        clinic=patient.clinic, patient=patient, local_date=patient.local_today(), **values
    )


@pytest.mark.parametrize("field", ["pain", "worst_pain", "sleep_quality", "stress"])
@pytest.mark.parametrize("value", [-1, 11, 50])
def test_it_rejects_checkin_ratings_outside_0_to_10(pat, field, value):
    rejected(lambda: checkin(pat, **{field: value}))


@pytest.mark.parametrize("field", ["pain", "worst_pain", "sleep_quality", "stress"])
def test_it_accepts_both_ends_of_the_rating_scale(pat, field):
    checkin(pat, **{field: 0}).delete()
    checkin(pat, **{field: 10})


@pytest.mark.parametrize("hours", ["-0.5", "16.5", "7.3", "24.0"])
def test_it_rejects_sleep_hours_outside_0_to_16_or_off_the_half_hour(pat, hours):
    rejected(lambda: checkin(pat, sleep_hours=Decimal(hours)))


@pytest.mark.parametrize("hours", ["0", "0.5", "7.5", "16"])
def test_it_accepts_sleep_hours_in_half_hours_from_0_to_16(pat, hours):
    checkin(pat, sleep_hours=Decimal(hours)).delete()


def test_it_allows_one_checkin_per_patient_per_local_date(pat, pia):
    checkin(pat)
    rejected(lambda: checkin(pat))
    checkin(pia)  # another patient, same day: fine


def new_session(patient, client_id=None, **extra):
    return Session.objects.create(
        clinic=patient.clinic,
        patient=patient,
        client_id=client_id or uuid.uuid4(),
        local_date=patient.local_today(),
        started_at=timezone.now(),
        **extra,
    )


def test_it_rejects_a_second_session_with_the_same_client_id(pat, pia):
    client_id = uuid.uuid4()
    new_session(pat, client_id)
    rejected(lambda: new_session(pat, client_id))
    rejected(lambda: new_session(pia, client_id))


@pytest.mark.parametrize("field", ["pain_before", "pain_after"])
def test_it_rejects_session_pain_outside_0_to_10(pat, field):
    rejected(lambda: new_session(pat, **{field: 11}))


def test_it_rejects_a_session_that_finishes_before_it_starts(pat):
    rejected(lambda: new_session(pat, finished_at=timezone.now() - timedelta(hours=1)))


def test_it_allows_one_open_flag_per_patient_and_kind(pat):
    def flag(**extra):
        values = {
            "clinic": pat.clinic,
            "patient": pat,
            "kind": "pain_rising",
            "severity": "medium",
            "summary": "Pain rose.",
            "opened_on": pat.local_today(),
            **extra,
        }
        return Flag.objects.create(**values)

    first = flag()
    rejected(lambda: flag())
    rejected(lambda: flag(status="acknowledged"))
    flag(kind="pain_spike")  # another kind is fine
    first.status, first.resolution = "resolved", "cleared"
    first.save()
    flag()  # once resolved, a new one may open
    flag(status="resolved", resolution="cleared")  # resolved ones are history, any number


def test_it_rejects_a_flag_with_an_unknown_kind_or_severity(pat):
    base = {
        "clinic": pat.clinic,
        "patient": pat,
        "summary": "x",
        "opened_on": pat.local_today(),
    }
    rejected(lambda: Flag.objects.create(kind="bad", severity="low", **base))
    rejected(lambda: Flag.objects.create(kind="pain_spike", severity="extreme", **base))


def test_it_requires_a_resolution_exactly_when_a_flag_is_resolved(pat):
    base = {
        "clinic": pat.clinic,
        "patient": pat,
        "kind": "pain_spike",
        "severity": "low",
        "summary": "x",
        "opened_on": pat.local_today(),
    }
    rejected(lambda: Flag.objects.create(status="resolved", **base))
    rejected(lambda: Flag.objects.create(status="open", resolution="cleared", **base))


def prescribe(program, exercise, **dosage):
    values = {"sets": 2, "reps": 10, "hold_seconds": None, **dosage}
    return PrescribedExercise.objects.create(
        program=program, exercise=exercise, valid_from=program.start_date, **values
    )


@pytest.mark.parametrize(
    "dosage",
    [
        {"reps": None, "hold_seconds": None},  # neither reps nor hold
        {"reps": 10, "hold_seconds": 30},  # both
        {"reps": 0},
        {"reps": None, "hold_seconds": 0},
        {"sets": 0},
        {"times_per_day": 0},
        {"times_per_day": 7},
        {"days_per_week": 0},
        {"days_per_week": 8},
        {"weekdays": 128},
        {"side": "middle"},
    ],
)
def test_it_rejects_invalid_dosages(pat_program, bridge, dosage):
    rejected(lambda: prescribe(pat_program, bridge, **dosage))


def test_it_accepts_a_timed_hold_instead_of_reps(pat_program, hip_stretch):
    prescribe(pat_program, hip_stretch, reps=None, hold_seconds=30, weekdays=0b0010101)


def test_it_keeps_one_current_version_per_prescription_line(pat_program, bridge):
    first = prescribe(pat_program, bridge)
    rejected(
        lambda: PrescribedExercise.objects.create(
            program=pat_program,
            exercise=bridge,
            line=first.line,
            sets=3,
            reps=10,
            valid_from=pat_program.start_date,
        )
    )


def test_it_rejects_a_version_that_ends_before_it_starts(pat_program, bridge):
    rejected(lambda: prescribe(pat_program, bridge, valid_to=pat_program.start_date))


def test_it_rejects_invalid_exercise_default_dosages(db):
    rejected(
        lambda: Exercise.objects.create(
            slug="x", name="X", category="strength", body_region="hip", default_reps=None
        )
    )
    rejected(
        lambda: Exercise.objects.create(
            slug="y", name="Y", category="yoga", body_region="hip", default_reps=10
        )
    )


def test_it_keeps_library_slugs_unique_globally_and_per_clinic(clinic, other_clinic):
    make_exercise("calf-raise")
    rejected(lambda: make_exercise("calf-raise"))

    def own(c):
        return Exercise.objects.create(
            clinic=c,
            slug="calf-raise",
            name="C",
            category="strength",
            body_region="hip",
            default_reps=10,
        )

    own(clinic)
    own(other_clinic)
    rejected(lambda: own(clinic))


def test_it_allows_one_active_program_per_patient(pat, alice):
    def program(status="active"):
        return Program.objects.create(
            clinic=pat.clinic,
            patient=pat,
            therapist=alice,
            title="P",
            start_date=pat.local_today(),
            status=status,
        )

    program()
    rejected(program)
    program(status="completed")
    rejected(lambda: program(status="archived"))


def test_it_rejects_a_phase_end_before_the_program_starts(pat, alice):
    rejected(
        lambda: Program.objects.create(
            clinic=pat.clinic,
            patient=pat,
            therapist=alice,
            title="P",
            start_date=pat.local_today(),
            phase_end_date=pat.local_today() - timedelta(days=1),
        )
    )


def test_it_logs_each_occurrence_once_and_within_the_day_s_count(pat, pat_program):
    prescribed = pat_program.prescriptions.get(exercise__slug="glute-bridge")
    session = new_session(pat)

    def log(occurrence=1, **extra):
        values = {
            "clinic": pat.clinic,
            "session": session,
            "patient": pat,
            "local_date": session.local_date,
            "prescribed": prescribed,
            "line": prescribed.line,
            "exercise": prescribed.exercise,
            "occurrence": occurrence,
            "status": "done",
            **prescribed.target_snapshot(),
            **extra,
        }
        return ExerciseLog.objects.create(**values)

    log()
    rejected(log)
    rejected(lambda: log(occurrence=2))  # prescribed once a day
    rejected(
        lambda: log(occurrence=1, local_date=session.local_date - timedelta(days=1), status="maybe")
    )
    rejected(lambda: log(local_date=session.local_date - timedelta(days=1), pain_during=11))


def test_it_rejects_a_second_notification_with_the_same_idempotency_key(pat):
    def note():
        return Notification.objects.create(
            clinic=pat.clinic,
            recipient=pat.user,
            patient=pat,
            kind="reminder",
            channel="email",
            idempotency_key=f"reminder:{pat.pk}:{pat.local_today()}:email",
        )

    note()
    rejected(note)


def test_it_matches_email_addresses_without_regard_to_case(clinic):
    User.objects.create_user("Someone@Example.org", "pw", clinic=clinic, role="patient")
    rejected(
        lambda: User.objects.create(email="someone@EXAMPLE.org", clinic=clinic, role="patient")
    )


def test_it_keeps_clinical_users_inside_a_clinic(db):
    rejected(lambda: User.objects.create(email="a@b.test", role="therapist"))
    rejected(
        lambda: User.objects.create(
            email="c@d.test",
            role="patient",
            is_clinic_admin=True,
            clinic=Clinic.objects.create(name="C"),
        )
    )


# --- A clinic's pictures and videos ------------------------------------------------------------


def media_row(exercise: Exercise, **overrides) -> ExerciseMedia:
    values = {
        "clinic_id": exercise.clinic_id, "exercise": exercise, "kind": "image",
        "file": "exercise-media/a.webp", "thumbnail": "exercise-media/a-thumb.webp",
        "content_type": "image/webp", "byte_size": 100, "alt_text": "Standing",
        "upload_id": uuid.uuid4(), "order": 0,
    } | overrides  # fmt: skip
    return ExerciseMedia.objects.create(**values)


def test_media_rules_hold_in_the_database(clinic):
    exercise = make_exercise("wall-sit")
    Exercise.objects.filter(pk=exercise.pk).update(clinic=clinic)
    exercise.refresh_from_db()
    first = media_row(exercise)
    rejected(lambda: media_row(exercise))  # the same place in the order
    rejected(lambda: media_row(exercise, order=1, upload_id=first.upload_id))  # sent twice
    rejected(lambda: media_row(exercise, order=1, alt_text=""))
    rejected(lambda: media_row(exercise, order=1, kind="audio"))
    rejected(lambda: media_row(exercise, order=1, byte_size=0))
    rejected(lambda: media_row(exercise, order=1, thumbnail=""))  # a picture has one
    rejected(lambda: media_row(exercise, order=1, kind="video"))  # a video has a length
    rejected(lambda: media_row(exercise, order=1, duration_seconds=Decimal("3")))
    media_row(exercise, order=1, kind="video", thumbnail="", duration_seconds=Decimal("3"))


def test_outcome_measures_hold_their_ranges_and_answer_each_occasion_once(pat, alice, pat_program):
    from tests.outcomes import answer_psfs, schedule
    from tracker.models import Goal, ProgramMeasure, QuestionnaireResponse

    measure = schedule(pat_program, "psfs")
    q = measure.questionnaire
    for bad in ({"every_days": 0}, {"every_days": 366}, {"activities": 6}, {"activities": 0},
                {"at_start": False, "every_days": None, "at_discharge": False}):  # fmt: skip
        rejected(lambda bad=bad: ProgramMeasure.objects.filter(pk=measure.pk).update(**bad))
    day = pat_program.start_date
    first = answer_psfs(pat, measure, day, [3], due_on=day, occasion="start")

    def response(**overrides):
        values = {"clinic": pat.clinic, "patient": pat, "questionnaire": q,
                  "questionnaire_slug": "psfs", "local_date": day, "due_on": day,
                  "occasion": "repeat", "answers": {"a1": 4}, "scores": {"mean": 4.0}}  # fmt: skip
        return QuestionnaireResponse.objects.create(**{**values, **overrides})

    rejected(lambda: response())  # the same occasion again, from another phone
    rejected(lambda: response(due_on=day + timedelta(days=1), client_id=first.client_id))
    rejected(lambda: response(due_on=day + timedelta(days=1), occasion="later"))
    rejected(lambda: response(due_on=day + timedelta(days=1)))  # answered before it was due
    response(due_on=day + timedelta(days=1), local_date=day + timedelta(days=1))

    def goal(**overrides):
        values = {"clinic": pat.clinic, "patient": pat, "set_by": alice, "activity_key": "a1",
                  "activity": "Climb stairs", "baseline": 3, "target": 7,
                  "target_date": day + timedelta(days=30)}  # fmt: skip
        return Goal.objects.create(**{**values, **overrides})

    rejected(lambda: goal(target=3))
    rejected(lambda: goal(target=11))
    goal()
    rejected(lambda: goal(target=8))  # one goal per activity
