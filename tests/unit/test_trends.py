"""Unit tests of the pure trend rules in ``tracker.trends``: no Django, no database.

Every scenario is built around one evaluation day, ``AS_OF``. Windows are listed oldest
first, so ``pain=[3] * 14 + [5] * 7`` is a fortnight's baseline at 3 followed by a last
week at 5.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

import pytest

from tracker.trends import (
    LOOKBACK_DAYS,
    AdherenceColumns,
    AdherenceDay,
    DailyCheckin,
    Finding,
    FlagActionKind,
    FlagKind,
    OpenFlag,
    PatientWindow,
    ResolvedFlag,
    SessionPain,
    Severity,
    Thresholds,
    adherence_drop,
    adherence_pct,
    day_to_day_scatter,
    evaluate,
    gone_quiet,
    not_settling,
    pain_rising,
    pain_spike,
    reconcile,
    red_light,
    sleep_worsening,
    stress_rising,
)

AS_OF = date(2026, 9, 30)
T = Thresholds()


def day(back: int) -> date:
    """The local date ``back`` days before ``AS_OF``."""
    return AS_OF - timedelta(days=back)


def checkins(
    pain: Sequence[int | None],
    *,
    sleep_quality: Sequence[int] | int = 7,
    sleep_hours: Sequence[float] | float = 7.5,
    stress: Sequence[int] | int = 3,
) -> list[DailyCheckin]:
    """One check-in a day ending on ``AS_OF``; ``None`` in ``pain`` is a day without one."""
    n = len(pain)

    def at(values: Sequence | int | float, i: int):
        return values[i] if isinstance(values, Sequence) else values

    return [
        DailyCheckin(
            date=day(n - 1 - i),
            pain=p,
            worst_pain=min(p + 1, 10),
            sleep_hours=at(sleep_hours, i),
            sleep_quality=at(sleep_quality, i),
            stress=at(stress, i),
        )
        for i, p in enumerate(pain)
        if p is not None
    ]


def steady(days: int, value: int) -> list[int]:
    return [value] * days


def window(
    checkins: Sequence[DailyCheckin] = (),
    *,
    sessions: Sequence[SessionPain] = (),
    adherence: Sequence[AdherenceDay] = (),
    last_activity: date | None = AS_OF,
    program_start: date | None = None,
    as_of: date = AS_OF,
) -> PatientWindow:
    return PatientWindow(
        as_of=as_of,
        checkins=list(checkins),
        sessions=list(sessions),
        adherence=list(adherence),
        last_activity=last_activity,
        program_start=program_start if program_start is not None else day(60),
    )


def adherence_days(done: Sequence[int], due: int = 4) -> list[AdherenceDay]:
    """One entry a day ending on ``AS_OF``, oldest first."""
    n = len(done)
    return [AdherenceDay(day(n - 1 - i), due, d) for i, d in enumerate(done)]


def sessions(*triples: tuple[int, int | None, int | None]) -> list[SessionPain]:
    """``(days_back, pain_before, pain_after)`` for each session."""
    return [SessionPain(day(back), before, after) for back, before, after in triples]


# --- pain rising ----------------------------------------------------------------------


def test_it_flags_pain_rising_when_the_weekly_mean_is_exactly_2_points_up():
    finding = pain_rising(window(checkins(steady(35, 3) + steady(7, 5))), T)

    assert finding is not None
    assert finding.kind is FlagKind.PAIN_RISING
    assert finding.severity is Severity.MEDIUM
    assert (
        finding.summary
        == "Pain averaged 5.0 over the last 7 days, up from a usual 3.0 ± 0.0 (+2.0)."
    )


def test_it_says_nothing_when_pain_rose_just_under_2_points():
    pain = steady(35, 3) + [5, 5, 5, 4, 5, 5, 5]  # mean 4.86, +1.86

    assert pain_rising(window(checkins(pain)), T) is None


def test_it_rates_a_rise_of_3_points_high():
    finding = pain_rising(window(checkins(steady(35, 3) + steady(7, 6))), T)

    assert finding is not None
    assert finding.severity is Severity.HIGH
    assert "6.0" in finding.summary and "3.0" in finding.summary and "+3.0" in finding.summary


def test_it_rates_a_rise_to_a_mean_of_7_high_even_when_the_rise_is_small():
    finding = pain_rising(window(checkins(steady(35, 5) + steady(7, 7))), T)

    assert finding is not None
    assert finding.severity is Severity.HIGH


def test_it_keeps_a_rise_under_3_to_a_mean_under_7_medium():
    pain = steady(35, 4) + [7, 6, 7, 6, 7, 6, 6]  # mean 6.43, +2.43

    finding = pain_rising(window(checkins(pain)), T)

    assert finding is not None
    assert finding.severity is Severity.MEDIUM


def test_it_asks_for_30_percent_of_a_high_baseline_rather_than_2_points():
    at_two_points = pain_rising(window(checkins(steady(35, 7) + steady(7, 9))), T)
    over_thirty_percent = pain_rising(window(checkins(steady(35, 7) + [10] + steady(6, 9))), T)

    assert at_two_points is None  # +2.0 but 30 % of 7 is 2.1
    assert over_thirty_percent is not None  # +2.14


def test_it_rates_pain_rising_high_when_sleep_worsens_in_the_same_week():
    quality = steady(35, 7) + steady(7, 4)
    finding = pain_rising(window(checkins(steady(35, 3) + steady(7, 5), sleep_quality=quality)), T)

    assert finding is not None
    assert finding.severity is Severity.HIGH
    assert finding.summary == (
        "Pain averaged 5.0 over the last 7 days, up from a usual 3.0 ± 0.0 (+2.0); "
        "sleep quality fell from 7.0 to 4.0 in the same week."
    )


def test_it_rates_pain_rising_high_when_stress_rises_in_the_same_week():
    stress = steady(35, 2) + steady(7, 5)
    finding = pain_rising(window(checkins(steady(35, 3) + steady(7, 5), stress=stress)), T)

    assert finding is not None
    assert finding.severity is Severity.HIGH
    assert "stress rose from 2.0 to 5.0" in finding.summary


def test_it_says_nothing_about_pain_with_three_check_ins_in_the_last_week():
    pain = steady(35, 3) + [8, None, 8, None, None, 8, None]

    assert pain_rising(window(checkins(pain)), T) is None


def test_it_needs_four_check_ins_in_the_baseline_too():
    baseline = [None] * 21 + [
        3,
        None,
        None,
        3,
        None,
        3,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
    ]
    too_few = pain_rising(window(checkins(baseline + steady(7, 6))), T)
    baseline[-1] = 3
    enough = pain_rising(window(checkins(baseline + steady(7, 6))), T)

    assert too_few is None
    assert enough is not None


def test_it_catches_pain_that_crept_up_past_the_adjacent_fortnight():
    # 3 for weeks, then 4 for a fortnight, then 5: +1 on the fortnight, +2 on where it began
    pain = steady(14, 3) + steady(14, 4) + steady(7, 5)

    finding = pain_rising(window(checkins(steady(7, 3) + pain)), T)
    literal = pain_rising(
        window(checkins(steady(7, 3) + pain)),
        Thresholds.from_overrides({"pain_creep_baseline": False}),
    )

    assert finding is not None
    assert finding.summary.startswith(
        "Pain averaged 5.0 over the last 7 days, up from a usual 3.0 ± 0.1 in "
    )
    assert finding.evidence["values"]["earlier_baseline"] is True
    assert literal is None


def test_it_does_not_call_improving_pain_rising():
    pain = [7 - i // 6 for i in range(42)]  # drifting down from 7 to 1

    assert pain_rising(window(checkins(pain)), T) is None


# --- pain spike -----------------------------------------------------------------------


def test_it_flags_a_check_in_4_above_the_median_of_the_fortnight_before():
    finding = pain_spike(window(checkins(steady(14, 3) + [7])), T)

    assert finding is not None
    assert finding.kind is FlagKind.PAIN_SPIKE
    assert finding.severity is Severity.MEDIUM
    assert finding.summary == (
        f"Pain jumped to 7 on {AS_OF.day} Sep, 4.0 above the usual 3.0 ± 0.0 "
        "(median of the previous 14 days)."
    )


def test_it_says_nothing_about_a_check_in_3_above_the_median():
    assert pain_spike(window(checkins(steady(14, 3) + [6])), T) is None


def test_it_flags_a_check_in_well_over_4_above_the_median():
    assert pain_spike(window(checkins(steady(14, 2) + [9])), T) is not None


def test_it_needs_four_check_ins_before_a_spike():
    pain = [None] * 10 + [3, 3, None, 3, 9]

    assert pain_spike(window(checkins(pain)), T) is None


def test_it_flags_two_check_ins_of_8_against_a_usual_of_5():
    finding = pain_spike(window(checkins(steady(14, 5) + [8, 8])), T)

    assert finding is not None
    assert finding.evidence["values"]["spike_dates"] == [day(0).isoformat(), day(1).isoformat()]


def test_it_waits_for_a_second_8_when_the_usual_is_5():
    single = pain_spike(window(checkins(steady(14, 5) + [8])), T)
    literal = pain_spike(
        window(checkins(steady(14, 5) + [8])),
        Thresholds.from_overrides({"spike_absolute_checkins": 1}),
    )

    assert single is None
    assert literal is not None


def test_a_clinic_that_needs_no_repeat_8s_still_gets_nothing_without_a_spike():
    anything_8 = Thresholds.from_overrides({"spike_absolute_checkins": 0})

    assert pain_spike(window(checkins(steady(15, 3))), anything_8) is None
    assert pain_spike(window(checkins(steady(14, 5) + [9])), anything_8) is not None


def test_it_does_not_use_the_8_rule_when_the_usual_is_above_5():
    assert pain_spike(window(checkins(steady(14, 6) + [8, 8])), T) is None


def test_it_keeps_a_spike_for_three_days_then_lets_it_go():
    two_days_on = checkins(steady(14, 3) + [8, 3, 3])
    three_days_on = checkins(steady(14, 3) + [8, 3, 3, 3])

    assert pain_spike(window(two_days_on), T) is not None
    assert pain_spike(window(three_days_on), T) is None


# --- not settling ---------------------------------------------------------------------


def test_it_flags_pain_that_flares_after_two_of_the_last_three_sessions():
    # exactly at the line: pain after 6, and 2 above pain before
    history = checkins(steady(16, 3))
    finding = not_settling(window(history, sessions=sessions((2, 4, 6), (1, 3, 3), (0, 4, 6))), T)

    assert finding is not None
    assert finding.kind is FlagKind.NOT_SETTLING
    assert finding.severity is Severity.MEDIUM
    assert finding.summary == (
        f"Pain did not settle after 2 of the last 3 sessions: 4 to 6 on {day(2).day} Sep "
        f"(3 next morning, usual 3.0); 4 to 6 on {AS_OF.day} Sep."
    )


def test_it_flags_sessions_that_flare_well_over_the_line():
    history = checkins(steady(16, 3))
    flares = sessions((2, 3, 9), (1, 2, 8), (0, 3, 9))

    finding = not_settling(window(history, sessions=flares), T)

    assert finding is not None and "3 of the last 3 sessions" in finding.summary


def test_it_says_nothing_when_only_one_of_the_last_three_sessions_flared():
    history = checkins(steady(16, 3))

    assert (
        not_settling(window(history, sessions=sessions((2, 3, 6), (1, 3, 3), (0, 3, 4))), T) is None
    )


def test_it_needs_pain_after_of_6():
    history = checkins(steady(16, 3))

    assert not_settling(window(history, sessions=sessions((1, 3, 5), (0, 3, 5))), T) is None


def test_it_needs_pain_after_2_above_pain_before():
    history = checkins(steady(16, 5))

    assert not_settling(window(history, sessions=sessions((1, 5, 6), (0, 5, 6))), T) is None


def test_it_flags_sessions_whose_pain_has_not_settled_by_the_next_morning():
    # both sessions raised pain a little and the next mornings were 2 above before and usual
    pain = steady(13, 3) + [3, 5, 3, 5]
    finding = not_settling(window(checkins(pain), sessions=sessions((3, 3, 4), (1, 3, 4))), T)

    assert finding is not None
    assert "3 to 4" in finding.summary and "5 next morning" in finding.summary


def test_it_does_not_blame_a_session_that_did_not_raise_pain_for_a_worse_morning():
    pain = steady(13, 3) + [3, 5, 3, 5]
    quiet_sessions = sessions((3, 3, 3), (1, 3, 2))

    assert not_settling(window(checkins(pain), sessions=quiet_sessions), T) is None
    literal = Thresholds.from_overrides({"settle_morning_min_session_rise": -10})
    assert not_settling(window(checkins(pain), sessions=quiet_sessions), literal) is not None


def test_it_ignores_sessions_older_than_two_weeks():
    history = checkins(steady(30, 3))

    assert not_settling(window(history, sessions=sessions((16, 3, 7), (15, 3, 7))), T) is None


def test_it_ignores_sessions_without_pain_ratings():
    history = checkins(steady(16, 3))
    rated = sessions((3, 3, 7), (0, 3, 7))
    unrated = [SessionPain(day(2), None, 8), SessionPain(day(1), 3, None)]

    assert not_settling(window(history, sessions=rated + unrated), T) is not None


# --- sleep worsening and stress rising ------------------------------------------------


def test_it_flags_sleep_quality_down_exactly_2_as_low():
    quality = steady(21, 7) + steady(7, 5)
    finding = sleep_worsening(window(checkins(steady(28, 3), sleep_quality=quality)), T)

    assert finding is not None
    assert finding.kind is FlagKind.SLEEP_WORSENING
    assert finding.severity is Severity.LOW
    assert finding.summary == (
        "Sleep quality averaged 5.0 over the last 7 days, down from a usual 7.0 ± 0.0 (-2.0)."
    )


def test_it_says_nothing_when_sleep_quality_fell_just_under_2():
    quality = steady(21, 7) + [5, 5, 5, 6, 5, 5, 5]

    assert sleep_worsening(window(checkins(steady(28, 3), sleep_quality=quality)), T) is None


def test_it_flags_sleep_quality_well_down():
    quality = steady(21, 8) + [3, 2, 4, 3, 3, 2, 3]
    finding = sleep_worsening(window(checkins(steady(28, 3), sleep_quality=quality)), T)

    assert finding is not None
    assert "down from a usual 8.0 ± 0.0 (-5.1)" in finding.summary


def test_it_flags_an_hour_less_sleep_a_night():
    hours = steady(21, 7.5) + steady(7, 6.5)
    finding = sleep_worsening(window(checkins(steady(28, 3), sleep_hours=hours)), T)

    assert finding is not None
    assert "6.5 hours a night, down from a usual 7.5 ± 0.0 (-1.0)" in finding.summary


def test_it_says_nothing_about_half_an_hour_less_sleep():
    hours = steady(21, 7.5) + [6.5, 7.0, 6.5, 7.0, 6.5, 7.0, 7.0]

    assert sleep_worsening(window(checkins(steady(28, 3), sleep_hours=hours)), T) is None


def test_it_says_nothing_about_sleep_with_too_few_check_ins():
    pain = steady(21, 3) + [3, None, None, 3, None, 3, None]
    quality = steady(21, 8) + steady(7, 2)

    assert sleep_worsening(window(checkins(pain, sleep_quality=quality)), T) is None


def test_it_flags_stress_up_exactly_2_as_low():
    stress = steady(21, 3) + steady(7, 5)
    finding = stress_rising(window(checkins(steady(28, 3), stress=stress)), T)

    assert finding is not None
    assert finding.severity is Severity.LOW
    assert (
        finding.summary
        == "Stress averaged 5.0 over the last 7 days, up from a usual 3.0 ± 0.0 (+2.0)."
    )


def test_it_says_nothing_when_stress_rose_just_under_2():
    stress = steady(21, 3) + [5, 5, 5, 4, 5, 5, 5]

    assert stress_rising(window(checkins(steady(28, 3), stress=stress)), T) is None


def test_it_flags_a_big_rise_in_stress():
    stress = steady(21, 2) + steady(7, 7)

    assert stress_rising(window(checkins(steady(28, 3), stress=stress)), T) is not None


# --- adherence ------------------------------------------------------------------------


def test_a_week_shared_dose_done_early_counts_in_full_and_the_total_never_passes_100():
    """Three days a week: each day's share is 3/7, and Monday to Wednesday, done, carry
    the week. The selector credits them; the rule must not cap them again day by day."""
    week = [AdherenceDay(day(6 - i), 3 / 7, 1.0 if i < 3 else 0.0) for i in range(7)]

    assert adherence_pct(week, day(6), day(0)) == pytest.approx(100.0)
    assert adherence_pct([AdherenceDay(day(0), 1, 2)], day(0), day(0)) == 100.0


def test_it_counts_nothing_when_nothing_was_due():
    days = [AdherenceDay(day(1), 0, 2), AdherenceDay(day(0), 0, 0)]

    assert adherence_pct(days, day(1), day(0)) is None
    assert adherence_pct([], day(1), day(0)) is None


def test_it_only_counts_days_inside_the_window():
    days = adherence_days([0, 0, 4, 4])

    assert adherence_pct(days, day(1), day(0)) == 100.0
    assert adherence_pct(days, day(3), day(0)) == 50.0


def test_it_flags_a_fortnight_under_50_percent_and_30_points_down_as_low():
    # 28 days at 100 %, then 27 of 56 due (48 %) with every week above 20 %
    done = steady(28, 4) + [4, 4, 4, 4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0][::-1]
    finding = adherence_drop(window(adherence=adherence_days(done)), T)

    assert finding is not None
    assert finding.kind is FlagKind.ADHERENCE_DROP
    assert finding.severity is Severity.LOW
    assert finding.summary == (
        "Adherence was 48% over the last 14 days, down from 100% in the 28 days before "
        "(-52 points)."
    )


def test_it_says_nothing_about_a_fortnight_at_exactly_50_percent():
    done = steady(28, 4) + [0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4]

    assert adherence_drop(window(adherence=adherence_days(done)), T) is None


def test_it_needs_a_fall_of_30_points():
    # 75 % before, 48 % now: 27 points only
    done = [3] * 28 + [0, 0, 0, 0, 0, 0, 3, 4, 4, 4, 4, 4, 4, 4]

    assert adherence_drop(window(adherence=adherence_days(done)), T) is None


def test_it_flags_a_week_under_20_percent_as_medium():
    done = steady(35, 5) + [5, 1, 0, 0, 0, 0, 0]  # 6 of 35 = 17 %
    finding = adherence_drop(window(adherence=adherence_days(done, due=5)), T)

    assert finding is not None
    assert finding.severity is Severity.MEDIUM
    assert finding.summary == (
        "Adherence was 17% over the last 7 days, down from 100% in the 28 days before."
    )


def test_it_says_nothing_about_a_week_at_exactly_20_percent():
    done = steady(35, 5) + [5, 2, 0, 0, 0, 0, 0]  # 7 of 35 = 20 %

    assert adherence_drop(window(adherence=adherence_days(done, due=5)), T) is None


def test_it_does_not_count_days_before_the_program_started():
    done = steady(30, 0) + steady(12, 4)  # nothing was done before the program existed
    started = day(11)

    assert adherence_drop(window(adherence=adherence_days(done), program_start=started), T) is None


def test_it_does_not_judge_the_first_days_of_a_program():
    two_days = window(adherence=adherence_days([0, 0]), program_start=day(1))
    literal = Thresholds.from_overrides({"adherence_min_days": 1})

    assert adherence_drop(two_days, T) is None
    assert adherence_drop(two_days, literal) is not None


def test_it_flags_a_program_that_never_started_after_a_week():
    week = window(adherence=adherence_days(steady(7, 0)), program_start=day(6))

    finding = adherence_drop(week, T)
    assert finding is not None
    assert finding.severity is Severity.MEDIUM


def test_it_does_not_call_an_ordinary_bad_week_a_drop_for_a_patient_who_does_half():
    # a patient who does about half the days, then one session in a week
    done = [4, 0] * 17 + [0, 0, 0, 4, 0, 0, 0, 0]
    patient = window(adherence=adherence_days(done[-42:]))

    assert adherence_drop(patient, T) is None
    assert adherence_drop(patient, Thresholds.from_overrides({"adherence_min_z": 0})) is not None


def adherence_finding(done: list[int]) -> Finding:
    [finding] = [
        f
        for f in evaluate(window(adherence=adherence_days(done)), T)
        if f.kind is FlagKind.ADHERENCE_DROP
    ]
    return finding


def test_it_opens_a_borderline_adherence_flag_only_once_the_drop_has_held_two_days():
    usual = [4, 4, 4, 0, 4, 4, 0] * 5  # about 71 % of days
    first_day = usual[-34:] + [4, 4] + steady(6, 0)  # one session in the last 7 days
    second_day = usual[-33:] + [4, 4] + steady(7, 0)

    first = adherence_finding(first_day)
    assert first.severity is Severity.MEDIUM
    assert 2 <= first.evidence["values"]["fall_z"] < 3
    assert first.pending
    assert not adherence_finding(second_day).pending


def test_it_opens_an_overwhelming_adherence_drop_at_once():
    everything_then_nothing = steady(36, 4) + steady(6, 0)

    finding = adherence_finding(everything_then_nothing)

    assert finding.evidence["values"]["fall_z"] >= 3
    assert not finding.pending


@pytest.mark.parametrize(
    "done",
    [
        [4, 4, 4, 0, 4, 4, 0] * 5 + [4, 4] + steady(6, 0),  # borderline: waits a day
        steady(36, 4) + steady(6, 0),  # overwhelming
        steady(20, 4) + [0, 2, 0, 3, 0, 0, 1] * 3 + [0],  # fell a fortnight ago
        [4, 0] * 21,  # the patient's usual every other day: nothing
    ],
)
def test_adherence_given_as_columns_reads_as_the_same_days_as_a_list(done):
    """The nightly batch hands adherence over as columns; the rules, the day before
    (``until``) and the confirmation must see exactly what a list of days gives."""
    days = adherence_days(done)
    columns = AdherenceColumns(
        [d.date for d in days], [float(d.due) for d in days], [float(d.done) for d in days]
    )
    as_list = window(adherence=days)
    as_columns = replace(as_list, adherence=columns)

    assert list(columns) == days and columns[-1] == days[-1]
    assert columns == days and as_columns == as_list  # equal as the days they hold
    assert list(columns.between(day(10), day(3))) == [
        d for d in days if day(10) <= d.date <= day(3)
    ]
    assert evaluate(as_columns, T) == evaluate(as_list, T)
    for back in (1, 2, 5):
        earlier = as_columns.until(day(back))
        assert isinstance(earlier.adherence, AdherenceColumns)
        cut = replace(as_list, as_of=day(back), adherence=[d for d in days if d.date <= day(back)])
        assert adherence_drop(earlier, T) == adherence_drop(cut, T)


# --- gone quiet -----------------------------------------------------------------------


def regular_history(days: int = 40, last: int = 0) -> list[DailyCheckin]:
    """Daily check-ins until ``last`` days before ``AS_OF``."""
    return [c for c in checkins(steady(days, 3)) if c.date <= day(last)]


@pytest.mark.parametrize(
    ("silent_days", "severity"),
    [
        (2, None),
        (3, Severity.LOW),
        (6, Severity.LOW),
        (7, Severity.MEDIUM),
        (13, Severity.MEDIUM),
        (14, Severity.HIGH),
        (30, Severity.HIGH),
    ],
)
def test_it_escalates_gone_quiet_with_the_days_of_silence(silent_days, severity):
    patient = window(regular_history(last=silent_days), last_activity=day(silent_days))

    finding = gone_quiet(patient, T)

    if severity is None:
        assert finding is None
    else:
        assert finding is not None and finding.severity is severity
        assert finding.summary.startswith(f"No check-in or session for {silent_days} days")


def test_it_counts_sessions_as_activity_too():
    patient = window(regular_history(last=5), sessions=sessions((1, 3, 3)), last_activity=day(1))

    assert gone_quiet(patient, T) is None


def test_it_gives_a_patient_who_often_skips_days_longer_before_calling_them_quiet():
    # checks in every other day or so: 30 % of days are silent
    pain = [3 if i % 10 not in (1, 4, 7) else None for i in range(42)]
    history = [c for c in checkins(pain) if c.date <= day(4)]
    last = max(c.date for c in history)
    silent = (AS_OF - last).days

    assert silent < 6
    assert gone_quiet(window(history, last_activity=last), T) is None
    assert (
        gone_quiet(
            window(history, last_activity=last),
            Thresholds.from_overrides({"quiet_usual_chance": 0}),
        )
        is not None
    )


def test_it_counts_silence_from_the_program_start_when_nothing_was_ever_logged():
    finding = gone_quiet(window(last_activity=None, program_start=day(3)), T)

    assert finding is not None
    assert "nothing logged since the program started" in finding.summary
    never = PatientWindow(AS_OF, [], [], [], last_activity=None, program_start=None)
    assert gone_quiet(never, T) is None


# --- evaluate -------------------------------------------------------------------------


def worried_patient() -> PatientWindow:
    """Pain, sleep and stress all worse this week, a spike today, sessions flaring."""
    pain = steady(35, 3) + [5, 6, 6, 5, 6, 6, 8]
    return window(
        checkins(
            pain, sleep_quality=steady(35, 7) + steady(7, 3), stress=steady(35, 2) + steady(7, 6)
        ),
        sessions=sessions((2, 4, 7), (1, 5, 8), (0, 6, 9)),
        adherence=adherence_days(steady(42, 4)),
    )


def test_it_runs_every_rule_and_lists_the_most_severe_first():
    findings = evaluate(worried_patient(), T)

    kinds = [f.kind for f in findings]
    assert set(kinds) == {
        FlagKind.PAIN_RISING,
        FlagKind.PAIN_SPIKE,
        FlagKind.NOT_SETTLING,
        FlagKind.SLEEP_WORSENING,
        FlagKind.STRESS_RISING,
        FlagKind.RED_LIGHT,  # pain after 7, 8 and 9: three red lights
    }
    assert [f.severity.rank for f in findings] == sorted(
        (f.severity.rank for f in findings), reverse=True
    )
    assert findings[0].kind is FlagKind.PAIN_RISING and findings[0].severity is Severity.HIGH


def test_it_writes_evidence_that_serialises_to_json_with_one_decimal():
    for finding in evaluate(worried_patient(), T):
        text = json.dumps(finding.evidence)
        assert "window" in finding.evidence and "thresholds" in finding.evidence
        for value in _floats(json.loads(text)):
            assert round(value, 1) == value


def _floats(value: object) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for v in value.values() for f in _floats(v)]
    if isinstance(value, list):
        return [f for v in value for f in _floats(v)]
    return []


def test_it_writes_each_summary_as_one_sentence_with_numbers():
    for finding in evaluate(worried_patient(), T):
        assert finding.summary.endswith(".")
        assert finding.summary.count(". ") == 0
        assert any(ch.isdigit() for ch in finding.summary)


def test_it_ignores_data_older_than_the_lookback_and_after_the_day_judged():
    patient = worried_patient()
    old_and_future = [
        DailyCheckin(day(LOOKBACK_DAYS + k), 10, 10, 2.0, 0, 10) for k in range(20)
    ] + [DailyCheckin(AS_OF + timedelta(days=1), 0, 0, 9.0, 10, 0)]
    noisy = window(
        list(patient.checkins) + old_and_future,
        sessions=patient.sessions,
        adherence=list(patient.adherence),
    )

    def said(w: PatientWindow) -> list[tuple]:
        return [(f.kind, f.severity, f.summary, f.evidence, f.pending) for f in evaluate(w, T)]

    assert said(noisy) == said(patient)


def test_it_reads_no_more_than_the_lookback_it_announces():
    assert Thresholds().lookback_days == LOOKBACK_DAYS
    assert 42 <= LOOKBACK_DAYS <= 44
    assert Thresholds.from_overrides({"adherence_prior_days": 56}).lookback_days == 72


def test_it_says_nothing_at_all_about_a_quiet_stable_patient():
    stable = window(
        checkins([3, 4, 3, 2, 3, 4, 3] * 6),
        sessions=[SessionPain(day(k), 3, 3) for k in range(42)],
        adherence=adherence_days(steady(42, 4)),
    )

    assert evaluate(stable, T) == []


# --- thresholds -----------------------------------------------------------------------


def test_it_ships_the_product_defaults():
    t = Thresholds()

    assert (t.window_days, t.baseline_days, t.min_checkins) == (7, 14, 4)
    assert (t.pain_rise_points, t.pain_rise_pct, t.pain_high_rise, t.pain_high_mean) == (
        2.0,
        30.0,
        3.0,
        7.0,
    )
    assert (t.spike_above_median, t.spike_absolute, t.spike_absolute_max_median) == (4.0, 8.0, 5.0)
    assert (t.settle_sessions, t.settle_hits, t.settle_after_min, t.settle_after_rise) == (
        3,
        2,
        6.0,
        2.0,
    )
    assert (t.sleep_quality_drop, t.sleep_hours_drop, t.stress_rise) == (2.0, 1.0, 2.0)
    assert (t.adherence_recent_days, t.adherence_prior_days, t.adherence_recent_below) == (
        14,
        28,
        50.0,
    )
    assert (t.adherence_drop_points, t.adherence_week_days, t.adherence_week_below) == (
        30.0,
        7,
        20.0,
    )
    assert (t.quiet_low_days, t.quiet_medium_days, t.quiet_high_days) == (3, 7, 14)
    assert t.reopen_cooldown_days == 7


def test_it_applies_a_clinics_overrides():
    t = Thresholds.from_overrides(
        {"pain_rise_points": 1.5, "quiet_low_days": 2, "min_checkins": 3.0}
    )

    assert t.pain_rise_points == 1.5
    assert t.quiet_low_days == 2 and isinstance(t.min_checkins, int) and t.min_checkins == 3
    assert pain_rising(window(checkins(steady(35, 3) + [5, 4, 5, 4, 5, 4, 5])), t) is not None


def test_it_rejects_an_unknown_threshold_by_name():
    with pytest.raises(ValueError, match="pain_rise_point"):
        Thresholds.from_overrides({"pain_rise_point": 1})


@pytest.mark.parametrize(
    "overrides",
    [
        {"window_days": 2.5},
        {"stress_rise": "2"},
        {"quiet_low_days": -1},
        {"pain_creep_baseline": 2},
        {"min_checkins": True},
        {"adherence_prior_days": 70000},  # windows stop at ten years
    ],
)
def test_it_rejects_a_threshold_of_the_wrong_kind(overrides):
    with pytest.raises(ValueError, match=next(iter(overrides))):
        Thresholds.from_overrides(overrides)


def test_it_orders_severities():
    assert Severity.LOW.rank < Severity.MEDIUM.rank < Severity.HIGH.rank
    assert max(Severity, key=lambda s: s.rank) is Severity.HIGH


# --- flag lifecycle -------------------------------------------------------------------


def found(kind: FlagKind, severity: Severity, pending: bool = False) -> Finding:
    return Finding(kind, severity, f"{kind} {severity}.", {"values": {}}, pending=pending)


PAIN = FlagKind.PAIN_RISING


def actions_for(open_flags=None, resolved=None, findings=(), as_of=AS_OF):
    return reconcile(open_flags or {}, resolved or {}, list(findings), as_of, T)


def test_it_opens_a_flag_for_a_new_finding():
    [action] = actions_for(findings=[found(PAIN, Severity.MEDIUM)])

    assert action.action is FlagActionKind.OPEN
    assert action.kind is PAIN and action.severity is Severity.MEDIUM
    assert action.finding is not None and action.finding.summary == "pain_rising medium."


def test_it_updates_an_open_flag_of_the_same_severity():
    [action] = actions_for(
        {PAIN: OpenFlag(Severity.MEDIUM, day(3))}, findings=[found(PAIN, Severity.MEDIUM)]
    )

    assert action.action is FlagActionKind.UPDATE
    assert action.severity is Severity.MEDIUM and action.finding is not None


def test_it_escalates_an_open_flag_that_got_worse():
    [action] = actions_for(
        {PAIN: OpenFlag(Severity.MEDIUM, day(3))}, findings=[found(PAIN, Severity.HIGH)]
    )

    assert action.action is FlagActionKind.ESCALATE
    assert action.severity is Severity.HIGH


def test_it_keeps_the_highest_severity_while_a_flag_stays_open():
    [action] = actions_for(
        {PAIN: OpenFlag(Severity.HIGH, day(3))}, findings=[found(PAIN, Severity.MEDIUM)]
    )

    assert action.action is FlagActionKind.UPDATE
    assert action.severity is Severity.HIGH


def test_it_resolves_an_open_flag_as_cleared_when_its_condition_no_longer_holds():
    [action] = actions_for({PAIN: OpenFlag(Severity.HIGH, day(3))})

    assert action.action is FlagActionKind.RESOLVE
    assert action.reason == "cleared" and action.finding is None


def test_it_does_not_reopen_a_resolved_kind_within_seven_days():
    resolved = {PAIN: ResolvedFlag(Severity.MEDIUM, day(6))}

    [action] = actions_for(resolved=resolved, findings=[found(PAIN, Severity.MEDIUM)])

    assert action.action is FlagActionKind.SUPPRESS


def test_it_does_not_reopen_a_resolved_kind_at_a_lower_severity_either():
    resolved = {PAIN: ResolvedFlag(Severity.HIGH, day(2))}

    [action] = actions_for(resolved=resolved, findings=[found(PAIN, Severity.MEDIUM)])

    assert action.action is FlagActionKind.SUPPRESS


def test_it_reopens_a_resolved_kind_after_seven_days():
    resolved = {PAIN: ResolvedFlag(Severity.MEDIUM, day(7))}

    [action] = actions_for(resolved=resolved, findings=[found(PAIN, Severity.MEDIUM)])

    assert action.action is FlagActionKind.OPEN


def test_it_reopens_a_resolved_kind_early_when_it_comes_back_more_severe():
    resolved = {PAIN: ResolvedFlag(Severity.MEDIUM, day(1))}

    [action] = actions_for(resolved=resolved, findings=[found(PAIN, Severity.HIGH)])

    assert action.action is FlagActionKind.OPEN and action.severity is Severity.HIGH


def test_it_does_not_open_a_flag_for_a_finding_still_pending_confirmation():
    adherence = FlagKind.ADHERENCE_DROP
    pending = found(adherence, Severity.LOW, pending=True)

    [waiting] = actions_for(findings=[pending])
    [kept] = actions_for({adherence: OpenFlag(Severity.LOW, day(4))}, findings=[pending])

    assert waiting.action is FlagActionKind.SUPPRESS
    assert kept.action is FlagActionKind.UPDATE


def test_it_never_returns_two_actions_for_one_kind():
    findings = [
        found(PAIN, Severity.MEDIUM),
        found(PAIN, Severity.HIGH),
        found(FlagKind.GONE_QUIET, Severity.LOW),
    ]

    actions = actions_for(findings=findings)

    assert sorted(a.kind for a in actions) == sorted([PAIN, FlagKind.GONE_QUIET])
    assert next(a for a in actions if a.kind is PAIN).severity is Severity.HIGH


def test_it_handles_every_kind_independently():
    open_flags = {
        PAIN: OpenFlag(Severity.MEDIUM, day(5)),
        FlagKind.GONE_QUIET: OpenFlag(Severity.LOW, day(2)),
    }
    findings = [
        found(FlagKind.GONE_QUIET, Severity.MEDIUM),
        found(FlagKind.STRESS_RISING, Severity.LOW),
    ]

    actions = {a.kind: a.action for a in actions_for(open_flags, findings=findings)}

    assert actions == {
        PAIN: FlagActionKind.RESOLVE,
        FlagKind.GONE_QUIET: FlagActionKind.ESCALATE,
        FlagKind.STRESS_RISING: FlagActionKind.OPEN,
    }


def test_it_runs_a_flag_through_its_whole_life():
    open_flags: dict[FlagKind, OpenFlag] = {}
    resolved: dict[FlagKind, ResolvedFlag] = {}
    days = [
        (0, Severity.MEDIUM, FlagActionKind.OPEN),
        (1, Severity.MEDIUM, FlagActionKind.UPDATE),
        (2, Severity.HIGH, FlagActionKind.ESCALATE),
        (3, Severity.MEDIUM, FlagActionKind.UPDATE),
        (4, None, FlagActionKind.RESOLVE),
        (5, Severity.HIGH, FlagActionKind.SUPPRESS),
        (11, Severity.HIGH, FlagActionKind.OPEN),
    ]
    start = day(20)
    for offset, severity, expected in days:
        today = start + timedelta(days=offset)
        findings = [found(PAIN, severity)] if severity else []
        [action] = reconcile(open_flags, resolved, findings, today, T)
        assert action.action is expected, (offset, action)
        if action.action in (FlagActionKind.OPEN, FlagActionKind.ESCALATE):
            opened = open_flags[PAIN].opened_on if PAIN in open_flags else today
            open_flags[PAIN] = OpenFlag(action.severity, opened)
        elif action.action is FlagActionKind.RESOLVE:
            resolved[PAIN] = ResolvedFlag(open_flags.pop(PAIN).severity, today)


# --- red light ------------------------------------------------------------------------


def test_a_red_session_raises_a_high_red_light_with_its_numbers():
    finding = red_light(window(sessions=sessions((3, 2, 6), (1, 3, 4), (0, 4, 7))), T)

    assert finding is not None
    assert finding.kind is FlagKind.RED_LIGHT and finding.severity is Severity.HIGH
    assert finding.summary == (
        "Red light on 30 Sep: pain 4 before, 7 after; 2 red sessions in the last 7 days."
    )
    assert finding.evidence["values"] == {
        "date": "2026-09-30",
        "pain_before": 4,
        "pain_after": 7,
        "red_sessions": 2,
    }
    assert finding.evidence["thresholds"] == {"red_light_from": 6, "red_light_days": 7}


def test_amber_sessions_raise_no_red_light():
    assert red_light(window(sessions=sessions((1, 2, 5), (0, 3, 3))), T) is None


def test_a_red_light_clears_after_7_days_without_one():
    assert red_light(window(sessions=sessions((6, 2, 8))), T) is not None
    assert red_light(window(sessions=sessions((7, 2, 8), (0, 2, 2))), T) is None


def test_a_red_light_follows_the_clinic_red_cut_off_and_can_be_turned_off():
    amber_here = window(sessions=sessions((0, 2, 5)))

    assert red_light(amber_here, replace(T, red_light_from=5)) is not None
    assert red_light(window(sessions=sessions((0, 2, 9))), replace(T, red_light_flag=False)) is None
    assert Thresholds.from_overrides({"red_light_flag": False}).red_light_flag is False
    with pytest.raises(ValueError, match="unknown threshold 'red_light_from'"):
        Thresholds.from_overrides({"red_light_from": 4})


def test_a_red_light_reopens_at_once_after_it_cleared():
    found = red_light(window(sessions=sessions((0, 2, 8))), T)
    assert found is not None
    recently = {FlagKind.RED_LIGHT: ResolvedFlag(Severity.HIGH, day(1))}

    (action,) = reconcile({}, recently, [found], AS_OF, T)

    assert action.action is FlagActionKind.OPEN


# --- the patient's own day-to-day scatter ----------------------------------------------

# Pain that swings widely from day to day around 3 (mean 3.0, day-to-day scatter 1.7),
# and the same swings 2 points higher: a week's mean up by exactly the clinic's 2 points.
SWINGING = [2, 4, 3, 5, 1, 4, 2]
SWINGING_UP_2 = [p + 2 for p in SWINGING]


def test_day_to_day_scatter_is_read_from_successive_check_ins():
    assert day_to_day_scatter([3, 3, 3, 3]) == 0.0
    assert day_to_day_scatter([1, 5, 1, 5]) == pytest.approx(8**0.5)  # √(16 ÷ 2)
    assert day_to_day_scatter([3]) == 0.0
    # one step in level (a flare that came and went) barely counts; a swing every day does
    assert day_to_day_scatter([3] * 10 + [7] * 10) < 1 < day_to_day_scatter([3, 7] * 10)


def test_a_2_point_rise_is_chance_for_a_patient_whose_pain_swings_widely():
    swinging = window(checkins(SWINGING * 5 + SWINGING_UP_2))

    assert pain_rising(swinging, T) is None
    # the clinic's points alone (no weighing of the scatter) flag it
    assert pain_rising(swinging, replace(T, change_standard_errors=0)) is not None


def test_a_rise_beyond_the_patients_own_scatter_is_flagged_with_the_usual_range():
    finding = pain_rising(window(checkins(SWINGING * 5 + [p + 4 for p in SWINGING])), T)

    assert finding is not None
    assert finding.summary == (
        "Pain averaged 7.0 over the last 7 days, up from a usual 3.0 ± 1.7 (+4.0)."
    )
    values = finding.evidence["values"]
    assert values["usual_scatter"] == 1.7
    assert values["rise_needed"] == 2.3  # 3 × 1.68 × √(1/7 + 1/14)
    assert finding.evidence["thresholds"]["change_standard_errors"] == 3.0


def test_a_check_in_4_above_the_median_is_no_spike_for_a_patient_whose_pain_swings_widely():
    swinging = window(checkins(SWINGING * 4 + [7]))  # median 3, scatter 1.7: 4 is 2.4 of them

    assert pain_spike(swinging, T) is None
    assert pain_spike(swinging, replace(T, spike_above_scatter=0)) is not None
    spike = pain_spike(window(checkins(SWINGING * 4 + [10])), T)
    assert spike is not None and "above the usual 3.0 ± 1.7" in spike.summary


def test_sleep_and_stress_are_weighed_against_the_patients_own_scatter_too():
    swinging_sleep = [p + 4 for p in SWINGING]  # quality around 7, swinging widely
    fell = window(
        checkins(steady(42, 3), sleep_quality=swinging_sleep * 5 + [q - 2 for q in swinging_sleep])
    )
    stressed = window(checkins(steady(42, 3), stress=SWINGING * 5 + SWINGING_UP_2))

    assert sleep_worsening(fell, T) is None and stress_rising(stressed, T) is None
    loose = replace(T, sleep_stress_standard_errors=0)
    assert sleep_worsening(fell, loose) is not None and stress_rising(stressed, loose) is not None
