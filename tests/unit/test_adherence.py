"""Adherence = occurrences done ÷ occurrences due, per prescribed exercise, capped per day."""

import uuid
from datetime import date, timedelta

import pytest

from tests.conftest import make_exercise
from tracker.selectors.adherence import (
    adherence_days,
    adherence_figures_on,
    adherence_percent,
    adherence_windows,
)
from tracker.services.logbook import exercise_log_record, session_start
from tracker.services.prescribing import (
    DosageSpec,
    prescription_add,
    prescription_change_dosage,
    program_create,
)

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 2)


@pytest.fixture
def program(pat, alice):
    return program_create(patient=pat, therapist=alice, title="Plan", start_date=MONDAY)


def do(patient, prescribed, day, occurrence=1, status="done"):
    session = session_start(
        patient=patient,
        client_id=uuid.uuid5(uuid.NAMESPACE_URL, f"{patient.pk}:{day}"),
        pain_before=2,
        local_date=day,
    )
    exercise_log_record(
        session=session, prescribed=prescribed, occurrence=occurrence, status=status
    )


def days_of(program, start, end):
    return adherence_days([program.patient_id], start, end)[program.patient_id]


def test_it_counts_a_daily_exercise_done_on_four_of_seven_days(pat, program):
    bridge = prescription_add(
        program=program, exercise=make_exercise(), dosage=DosageSpec(2, 10, None), valid_from=MONDAY
    )
    for offset in (0, 1, 3, 5):
        do(pat, bridge, MONDAY + timedelta(days=offset))
    do(pat, bridge, MONDAY + timedelta(days=6), status="skipped")
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    assert adherence_percent(week) == pytest.approx(57.1)


def test_it_caps_each_day_at_what_was_due_and_counts_twice_daily_exercises(pat, program):
    stretch = prescription_add(
        program=program,
        exercise=make_exercise("hip-flexor-stretch", hold=True),
        dosage=DosageSpec(2, None, 30, times_per_day=2),
        valid_from=MONDAY,
    )
    do(pat, stretch, MONDAY, 1)
    do(pat, stretch, MONDAY, 2)
    do(pat, stretch, MONDAY + timedelta(days=1), 1)
    two_days = days_of(program, MONDAY, MONDAY + timedelta(days=1))
    assert [(d.due, d.done) for d in two_days] == [(2, 2), (2, 1)]
    assert adherence_percent(two_days) == 75.0


def test_it_counts_n_days_a_week_exercises_on_any_days_but_never_past_the_week_s_dose(pat, program):
    squat = prescription_add(
        program=program,
        exercise=make_exercise("chair-squat"),
        dosage=DosageSpec(2, 10, None, days_per_week=3),
        valid_from=MONDAY,
    )
    for offset in range(5):  # five days done of three due
        do(pat, squat, MONDAY + timedelta(days=offset))
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    assert sum(d.due for d in week) == pytest.approx(3)
    assert adherence_percent(week) == 100.0
    assert max(d.percent for d in week) == 100.0


def test_a_window_starting_mid_week_credits_each_day_as_the_whole_week_does(pat, program):
    """The week's dose of an "N days a week" exercise goes to its earliest days, including
    days before the window: a window from Thursday must not hand Thursday credit that
    Monday to Wednesday already used up."""
    squat = prescription_add(
        program=program,
        exercise=make_exercise("chair-squat"),
        dosage=DosageSpec(2, 10, None, days_per_week=3),
        valid_from=MONDAY,
    )
    for offset in range(4):  # Monday to Thursday
        do(pat, squat, MONDAY + timedelta(days=offset))
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    for first in range(1, 7):
        tail = days_of(program, MONDAY + timedelta(days=first), MONDAY + timedelta(days=6))
        assert tail == week[first:], first
    assert [d.done for d in week][3] == 0  # Thursday: the week's three were already done


def test_no_patients_have_no_adherence():
    assert adherence_days([], MONDAY, MONDAY + timedelta(days=6)) == {}


def test_it_only_counts_chosen_weekdays(pat, program):
    walk = prescription_add(
        program=program,
        exercise=make_exercise("walk"),
        dosage=DosageSpec(1, 6, None, weekdays=0b0010101),  # Mon, Wed, Fri
        valid_from=MONDAY,
    )
    do(pat, walk, MONDAY)
    do(pat, walk, MONDAY + timedelta(days=1))  # Tuesday: not due, does not count
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    assert [d.due for d in week] == [1, 0, 1, 0, 1, 0, 0]
    assert adherence_percent(week) == pytest.approx(33.3)


def test_it_uses_the_dosage_in_force_on_each_past_day(pat, program):
    bridge = prescription_add(
        program=program, exercise=make_exercise(), dosage=DosageSpec(2, 10, None), valid_from=MONDAY
    )
    thursday = MONDAY + timedelta(days=3)
    twice = prescription_change_dosage(
        prescription=bridge,
        dosage=DosageSpec(2, 10, None, times_per_day=2),
        notes="",
        effective_on=thursday,
    )
    assert twice.pk != bridge.pk and twice.line == bridge.line
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    assert [d.due for d in week] == [1, 1, 1, 2, 2, 2, 2]
    do(pat, bridge, MONDAY)
    do(pat, twice, thursday, 1)
    do(pat, twice, thursday, 2)
    week = days_of(program, MONDAY, MONDAY + timedelta(days=6))
    assert [d.done for d in week] == [1, 0, 0, 2, 0, 0, 0]


def test_it_says_nothing_before_the_program_starts(pat, program):
    prescription_add(
        program=program, exercise=make_exercise(), dosage=DosageSpec(2, 10, None), valid_from=MONDAY
    )
    before = days_of(program, MONDAY - timedelta(days=7), MONDAY - timedelta(days=1))
    assert adherence_percent(before) is None


def test_it_summarises_7_and_28_days_in_a_fixed_number_of_queries(
    pat, pia, program, django_assert_num_queries
):
    prescription_add(
        program=program, exercise=make_exercise(), dosage=DosageSpec(2, 10, None), valid_from=MONDAY
    )
    with django_assert_num_queries(2):
        figures = adherence_figures_on([pat.pk, pia.pk], MONDAY + timedelta(days=10))
    assert figures[pat.pk].adherence_7d == 0.0
    assert figures[pia.pk].adherence_28d is None


def test_a_day_s_credit_never_changes_with_where_the_window_ends(pat, program):
    """Caseload (to yesterday), record and a replay of the nightly job read windows that end
    on different days; an "N days a week" exercise done early in the week must count the
    same in each, or one patient shows two adherence figures."""
    squat = prescription_add(
        program=program,
        exercise=make_exercise("chair-squat"),
        dosage=DosageSpec(2, 10, None, days_per_week=3),
        valid_from=MONDAY,
    )
    for offset in (0, 1, 2, 7, 9):  # Mon-Wed, then Mon and Wed of the next week
        do(pat, squat, MONDAY + timedelta(days=offset))
    whole = days_of(program, MONDAY, MONDAY + timedelta(days=13))
    for last in range(13):
        head = days_of(program, MONDAY, MONDAY + timedelta(days=last))
        assert head == whole[: last + 1], last
    # Done three times in a week of three: Wednesday counts in full, not the 3/7 shares of
    # Monday to Wednesday.
    assert [d.done for d in whole[:7]] == [1, 1, 1, 0, 0, 0, 0]


def test_a_new_patient_s_window_says_how_many_days_were_due(pat, program):
    bridge = prescription_add(
        program=program, exercise=make_exercise(), dosage=DosageSpec(2, 10, None), valid_from=MONDAY
    )
    for offset in (0, 1, 2):
        do(pat, bridge, MONDAY + timedelta(days=offset))
    figures = adherence_figures_on([pat.pk], MONDAY + timedelta(days=4))[pat.pk]
    assert figures.last_7.days_due == 4 and figures.last_7.is_partial
    assert figures.adherence_7d == 75.0  # 3 of the 4 days due, not 3 of 7
    assert (figures.last_7.start, figures.last_7.end) == (
        MONDAY - timedelta(days=3),
        MONDAY + timedelta(days=3),
    )
    before = adherence_figures_on([pat.pk], MONDAY)[pat.pk]
    assert before.adherence_7d is None and not before.last_7.is_partial


def test_each_patient_is_measured_to_their_own_yesterday(pat, pia, program):
    """A therapist's caseload holds patients whose local dates differ right now."""
    pia.user.timezone = "Pacific/Kiritimati"  # UTC+14: tomorrow for most of the day
    pia.user.save(update_fields=["timezone"])
    figures = adherence_windows([pat, pia])
    assert figures[pat.pk].today == pat.local_today()
    assert figures[pia.pk].today == pia.local_today()
    assert figures[pia.pk].last_7.end == pia.local_today() - timedelta(days=1)
