"""The nightly evaluation writes a batch together, and nothing when nothing changed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_patient
from tests.workspace import bulk_history, exercise, give_program
from tracker.models import DailyCheckin, Flag, Session
from tracker.services.flags import trends_evaluate_patients

pytestmark = pytest.mark.django_db


@pytest.fixture
def worsening(clinic, alice):
    """Four patients whose pain went from 2 to 7 over the last week."""
    exercise("glute-bridge")
    patients = []
    for n in range(4):
        patient = make_patient(f"worse{n}@patient.test", clinic, alice)
        give_program(patient, alice, patient.local_today() - timedelta(days=60))
        bulk_history(patient, 7, pain=7)
        bulk_history(patient, 45, pain=2)
        patients.append(patient)
    return patients


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_a_second_evaluation_the_same_day_writes_nothing(worsening):
    ids = [p.pk for p in worsening]
    opened = trends_evaluate_patients(patient_ids=ids)
    assert {c.kind for c in opened} >= {"pain_rising"}
    assert Flag.objects.filter(patient_id__in=ids, kind="pain_rising").count() == 4
    with CaptureQueriesContext(connection) as again:
        assert trends_evaluate_patients(patient_ids=ids) == []
    assert writes(again) == []


def test_new_numbers_on_open_flags_are_written_in_one_statement(worsening):
    for size in (2, 4):
        ids = [p.pk for p in worsening[:size]]
        trends_evaluate_patients(patient_ids=ids)
        # Yesterday hurt a little more for everyone: each open flag's numbers change.
        DailyCheckin.objects.filter(patient_id__in=ids, pain=7).update(pain=8)
        with CaptureQueriesContext(connection) as refresh:
            trends_evaluate_patients(patient_ids=ids)
        flag_updates = [sql for sql in writes(refresh) if sql.startswith('UPDATE "tracker_flag"')]
        assert len(flag_updates) == 1, size
        summaries = Flag.objects.filter(patient_id__in=ids, kind="pain_rising")
        assert all("8" in flag.summary for flag in summaries)
        DailyCheckin.objects.filter(patient_id__in=ids, pain=8).update(pain=7)


def test_the_window_reads_days_values_and_last_activity_inside_and_before_the_lookback(
    clinic, alice
):
    """The batch reads plain values from the database; what it builds from them is what
    the rules would get from the ORM, for active patients and quiet ones alike."""
    from decimal import Decimal

    from tracker.models import Session
    from tracker.selectors.trends import patient_windows

    exercise("glute-bridge")
    active = make_patient("active@patient.test", clinic, alice)
    quiet = make_patient("quiet@patient.test", clinic, alice)
    never = make_patient("never@patient.test", clinic, alice)
    today = active.local_today()
    for patient in (active, quiet, never):
        give_program(patient, alice, today - timedelta(days=90))
    bulk_history(active, 10, pain=4)
    DailyCheckin.objects.filter(patient=active, local_date=today - timedelta(days=3)).update(
        sleep_hours=Decimal("6.5")
    )
    # The quiet patient last checked in 60 days ago and last exercised 50 days ago.
    bulk_history(quiet, 60, pain=3)
    DailyCheckin.objects.filter(patient=quiet, local_date__gt=today - timedelta(days=60)).delete()
    Session.objects.filter(patient=quiet, local_date__gt=today - timedelta(days=50)).delete()

    start, end = today - timedelta(days=44), today
    with CaptureQueriesContext(connection) as reads:
        windows = patient_windows([active.pk, quiet.pk, never.pk], start=start, end=end)

    checkins = {c.date: c for c in windows[active.pk].checkins}
    assert sorted(checkins) == [today - timedelta(days=back) for back in range(10, 0, -1)]
    assert checkins[today - timedelta(days=3)].sleep_hours == 6.5
    assert isinstance(checkins[today - timedelta(days=3)].sleep_hours, float)
    assert [s.date for s in windows[active.pk].sessions] == sorted(checkins)
    assert windows[active.pk].last_activity == today - timedelta(days=1)
    adherence = {a.date: a for a in windows[active.pk].adherence}
    assert len(adherence) == 45  # the program ran on every day of the lookback
    # Everything was done on the days with a history, nothing before them.
    assert all(adherence[d].done == adherence[d].due > 0 for d in checkins)
    assert all(a.done == 0 for d, a in adherence.items() if d not in checkins)

    assert windows[quiet.pk].checkins == [] and windows[quiet.pk].sessions == []
    assert windows[quiet.pk].last_activity == today - timedelta(days=50)
    assert windows[never.pk].last_activity is None
    # Only the two without activity in the lookback had their whole history asked.
    history = [q["sql"] for q in reads.captured_queries if "MAX(" in q["sql"]]
    assert len(history) == 2


def test_a_batch_reads_as_much_for_one_patient_as_for_three(worsening):
    """No read per patient, the flags each one opens included (a field the batch did not
    load would be read once per patient)."""

    def reads(patients) -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            opened = trends_evaluate_patients(patient_ids=[p.pk for p in patients])
        assert {c.patient_email for c in opened} == {p.user.email for p in patients}
        return [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT")]

    assert len(reads(worsening[:1])) == len(reads(worsening[1:]))


def test_who_logged_today_is_judged_on_today_and_everyone_else_on_yesterday(clinic, alice):
    """One batch: a check-in made today shows its spike at once; a patient who has not
    logged today has their silence counted up to yesterday, the last complete day."""
    exercise("glute-bridge")
    spiking = make_patient("spike@patient.test", clinic, alice)
    silent = make_patient("silent@patient.test", clinic, alice)
    today = spiking.local_today()
    for patient in (spiking, silent):
        give_program(patient, alice, today - timedelta(days=60))
    bulk_history(spiking, 30, pain=2)
    DailyCheckin.objects.create(
        clinic=clinic, patient=spiking, local_date=today, pain=9, worst_pain=9,
        sleep_hours=7, sleep_quality=6, stress=4,
    )  # fmt: skip
    bulk_history(silent, 40, pain=2)
    # The silent patient's last check-in and session were five days ago.
    last = today - timedelta(days=5)
    DailyCheckin.objects.filter(patient=silent, local_date__gt=last).delete()
    Session.objects.filter(patient=silent, local_date__gt=last).delete()

    changes = trends_evaluate_patients(patient_ids=[spiking.pk, silent.pk])

    opened = {(c.patient_email, c.kind): c for c in changes}
    spike = opened["spike@patient.test", "pain_spike"]
    assert spike.opened_on == today and "Pain jumped to 9" in spike.summary
    quiet = opened["silent@patient.test", "gone_quiet"]
    assert quiet.opened_on == today - timedelta(days=1)
    assert quiet.summary.startswith("No check-in or session for 4 days")


def test_check_ins_reach_the_rules_as_the_orm_reads_them(clinic, alice):
    """Every rating at both ends of its range, every sleep value, over more than a year."""
    from tracker.models import SLEEP_HOURS_CHOICES
    from tracker.selectors.trends import patient_windows

    patient = make_patient("ranges@patient.test", clinic, alice)
    today = patient.local_today()
    sleep = list(SLEEP_HOURS_CHOICES)
    DailyCheckin.objects.bulk_create(
        DailyCheckin(
            clinic_id=patient.clinic_id, patient=patient,
            local_date=today - timedelta(days=back * 7), pain=back % 11,
            worst_pain=10 - back % 11, sleep_hours=sleep[back % len(sleep)],
            sleep_quality=(back * 3) % 11, stress=(back * 7) % 11,
        )
        for back in range(60)  # 413 days
    )  # fmt: skip
    start = today - timedelta(days=420)

    window = patient_windows([patient.pk], start=start, end=today)[patient.pk]

    expected = [
        (c.local_date, c.pain, c.worst_pain, float(c.sleep_hours), c.sleep_quality, c.stress)
        for c in DailyCheckin.objects.filter(patient=patient).order_by("local_date")
    ]
    assert [tuple(c) for c in window.checkins] == expected
    assert {type(c.sleep_hours) for c in window.checkins} == {float}


def test_sessions_reach_the_rules_as_the_orm_reads_them(clinic, alice):
    """Ratings left blank, days more than a year apart, and two
    sessions on one day kept in the order they were started (not the order they were
    saved in)."""
    from django.utils import timezone

    from tracker.selectors.trends import patient_windows

    once_a_day = make_patient("once@patient.test", clinic, alice)
    twice = make_patient("twice@patient.test", clinic, alice)
    today = once_a_day.local_today()
    now = timezone.now()

    def session(patient, back: int, before: int | None, after: int | None, hour: int) -> Session:
        return Session(
            clinic_id=patient.clinic_id, patient=patient,
            local_date=today - timedelta(days=back),
            started_at=now - timedelta(days=back) + timedelta(hours=hour),
            pain_before=before, pain_after=after,
        )  # fmt: skip

    Session.objects.bulk_create(
        [session(once_a_day, back * 9, back % 11 or None, (back * 3) % 11, 0) for back in range(45)]
        + [
            session(twice, 3, 5, 6, 0),
            session(twice, 1, 4, 9, 2),  # saved first, started later the same day
            session(twice, 1, 2, None, 1),
        ]
    )
    start = today - timedelta(days=420)

    windows = patient_windows([once_a_day.pk, twice.pk], start=start, end=today)

    for patient in (once_a_day, twice):
        expected = [
            (s.local_date, s.pain_before, s.pain_after)
            for s in Session.objects.filter(patient=patient).order_by("local_date", "started_at")
        ]
        assert [tuple(s) for s in windows[patient.pk].sessions] == expected
    assert [s.pain_after for s in windows[twice.pk].sessions] == [6, None, 9]


def test_the_batch_judges_each_patient_by_their_clinics_thresholds(worsening, clinic):
    """A clinic that asks for a larger rise before pain counts as rising gets no flag for
    a rise of 5 points; its overrides are stored as JSON and read with the batch."""
    clinic.flag_thresholds = {"pain_rise_points": 6, "pain_rise_pct": 400}
    clinic.save(update_fields=["flag_thresholds"])

    opened = trends_evaluate_patients(patient_ids=[p.pk for p in worsening])

    assert opened and not [c for c in opened if c.kind == "pain_rising"]
    clinic.flag_thresholds = {}
    clinic.save(update_fields=["flag_thresholds"])
    reopened = trends_evaluate_patients(patient_ids=[p.pk for p in worsening])
    assert {c.kind for c in reopened} == {"pain_rising"}


def test_a_bad_override_costs_the_clinic_only_that_override(worsening, clinic):
    """One mistyped name used to send the whole clinic back to the defaults, which flag this
    rise; the valid overrides still ask for a larger one."""
    clinic.flag_thresholds = {"pain_rise_points": 6, "pain_rise_pct": 400, "window_dayz": 7}
    clinic.save(update_fields=["flag_thresholds"])

    opened = trends_evaluate_patients(patient_ids=[p.pk for p in worsening])

    assert opened and not [c for c in opened if c.kind == "pain_rising"]
