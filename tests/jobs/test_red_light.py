"""A red light after a session reaches the therapist: a high flag, and the high-flag email."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core import mail

from tracker import tasks
from tracker.models import Flag, Notification
from tracker.services.flags import trends_evaluate_patients
from tracker.services.logbook import session_finish, session_start

pytestmark = pytest.mark.django_db


def red_session(pat, *, pain_before=3, pain_after=8, days_ago=0):
    day = pat.local_today() - timedelta(days=days_ago)
    session = session_start(
        patient=pat, client_id=uuid.uuid4(), pain_before=pain_before, local_date=day
    )
    return session_finish(session=session, pain_after=pain_after)


def test_a_red_session_opens_a_high_flag_and_emails_the_therapist_at_once(
    pat, pat_program, monkeypatch, django_capture_on_commit_callbacks
):
    # Wake-ups run at once, as a worker takes them from the broker.
    monkeypatch.setattr(tasks, "wake", lambda task, *args: bool(task.apply(args=args)))
    with django_capture_on_commit_callbacks() as callbacks:
        red_session(pat, pain_before=3, pain_after=8)
    assert len(callbacks) == 1  # the finish asks for the patient's evaluation once committed

    with django_capture_on_commit_callbacks(execute=True):
        tasks.evaluate_patient_now(pat.pk)  # what the worker runs for that request

    flag = Flag.objects.get(patient=pat, kind="red_light")
    assert (flag.status, flag.severity) == ("open", "high")
    day = pat.local_today().isoformat()
    assert flag.evidence["values"] == {
        "date": day, "pain_before": 3, "pain_after": 8, "red_sessions": 1,
    }  # fmt: skip
    assert "pain 3 before, 8 after" in flag.summary
    alert = Notification.objects.get(kind=Notification.Kind.FLAG_ALERT, patient=pat)
    assert alert.recipient == pat.therapist
    assert len(mail.outbox) == 1 and "Red light" in mail.outbox[0].body


def test_another_red_session_updates_the_flag_without_a_second_one(pat, pat_program):
    red_session(pat, pain_after=7, days_ago=2)
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today() - timedelta(days=2))
    red_session(pat, pain_after=9)

    changes = trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today())

    # An update, not a new opening: no second email for the red light.
    assert [c for c in changes if c.kind == "red_light"] == []
    assert Flag.objects.filter(patient=pat, kind="red_light").count() == 1
    flag = Flag.objects.get(patient=pat, kind="red_light")
    assert flag.evidence["values"]["red_sessions"] == 2
    assert flag.evidence["values"]["pain_after"] == 9


def test_the_flag_clears_after_7_days_without_a_red_session(pat, pat_program):
    red_session(pat, pain_after=8, days_ago=7)
    trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today() - timedelta(days=7))

    (change,) = [
        c
        for c in trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today())
        if c.kind == "red_light"
    ]

    assert change.status == "resolved"
    flag = Flag.objects.get(patient=pat, kind="red_light")
    assert (flag.status, flag.resolution) == ("resolved", "cleared")


def test_a_clinic_can_turn_the_red_light_flag_off(pat, pat_program):
    pat.clinic.flag_thresholds = {"red_light_flag": False}
    pat.clinic.save()
    red_session(pat, pain_after=9)

    trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today())

    assert not Flag.objects.filter(patient=pat, kind="red_light").exists()


def test_the_red_cut_off_is_the_clinic_traffic_light(pat, pat_program):
    pat.clinic.traffic_amber_from, pat.clinic.traffic_red_from = 2, 5
    pat.clinic.save()
    red_session(pat, pain_after=5)

    trends_evaluate_patients(patient_ids=[pat.pk], as_of=pat.local_today())

    assert Flag.objects.filter(patient=pat, kind="red_light", status="open").exists()
