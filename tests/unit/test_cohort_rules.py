"""The trend rules, replayed day by day over the synthetic sample cohorts, meet the bar.

Pure Python: the cohort CSVs go straight into ``tracker.trends`` through
``cohort_replay``; a DB-backed test checks the same through import and the real job.
Both samples are scored: the standard one and the noisy one, whose ratings scatter 1.5
times more from day to day.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, timedelta

import pytest

from tests.cohort import cohort_dir, noisy_cohort_dir
from tests.unit import cohort_replay
from tracker.trends import FlagKind, Severity, Thresholds, evaluate


@pytest.fixture(scope="module")
def score() -> cohort_replay.Score:
    return cohort_replay.run(cohort_dir(), Thresholds())


@pytest.fixture(scope="module")
def noisy_score() -> cohort_replay.Score:
    return cohort_replay.run(noisy_cohort_dir(), Thresholds())


def test_on_the_standard_sample_it_flags_events_early_and_rarely_cries_wolf(score):
    assert score.no_event_patients > 0 and score.event_patients > 0
    misses = cohort_replay.STANDARD_TARGETS.misses(score)
    assert not misses, f"{misses}\n{cohort_replay.report(score)}"


def test_on_the_noisy_sample_it_still_flags_events_early_and_rarely_cries_wolf(noisy_score):
    assert noisy_score.no_event_patients > 0 and noisy_score.event_patients > 0
    misses = cohort_replay.NOISY_TARGETS.misses(noisy_score)
    assert not misses, f"{misses}\n{cohort_replay.report(noisy_score)}"


def test_the_targets_name_each_miss():
    bad = cohort_replay.Score(
        expected=10, detected=9, delays=[4, 4], no_event_patients=2, false_alarms=2,
        missed_by_kind=Counter(), false_alarms_by_kind=Counter(), event_patients=2, pre_onset=2,
    )  # fmt: skip

    assert cohort_replay.NOISY_TARGETS.misses(bad) == [
        "sensitivity < 95%",
        "false alarms / quiet patient > 0.5",
        "delay > 3",
        "pre-onset flags / event patient > 0.5",
    ]


def test_it_scores_openings_with_the_readme_rule():
    onset = date(2026, 9, 10)

    def opening(kind: str, days_after_onset: int) -> cohort_replay.FlagEvent:
        on = onset + timedelta(days=days_after_onset)
        return cohort_replay.FlagEvent("a@x", FlagKind(kind), Severity.LOW, "open", on, "")

    truth = {
        "a@x": {
            "kind": "flare",
            "expect": [{"flags": "pain_rising|pain_spike", "onset": "2026-09-10"}],
        },
        "b@x": {"kind": "stable", "expect": []},
    }
    too_early = {"a@x": [opening("pain_spike", -4)], "b@x": [opening("gone_quiet", 0)]}
    in_time = {
        "a@x": [opening("gone_quiet", 0), opening("pain_spike", -3), opening("pain_rising", 2)]
    }
    too_late = {"a@x": [opening("pain_rising", 11)]}

    missed = cohort_replay.score(too_early, truth)
    caught = cohort_replay.score(in_time, truth)

    assert (missed.detected, missed.false_alarms, missed.no_event_patients) == (0, 1, 1)
    # the flag 4 days before the onset opened before the event's window began
    assert (missed.pre_onset, missed.event_patients, missed.pre_onset_by_kind) == (
        1, 1, {"pain_spike": 1},
    )  # fmt: skip
    assert (caught.detected, caught.delays, caught.false_alarms) == (1, [-3], 0)
    assert caught.pre_onset == 0
    assert cohort_replay.score(too_late, truth).detected == 0


def test_a_window_read_through_a_later_day_judges_each_earlier_day_as_its_own_would():
    """The nightly job reads each patient's history once, through today, and judges
    yesterday from it (``until``): no rule may read past the day it judges."""
    patients = cohort_replay.load_cohort(cohort_dir())
    t = Thresholds()
    last = cohort_replay.REPLAY_TO
    for patient in patients.values():
        through_last = cohort_replay.window_for(patient, last, t.lookback_days + 30)
        for back in range(0, 30, 3):
            day = last - timedelta(days=back)
            own = cohort_replay.window_for(patient, day, t.lookback_days)
            earlier = through_last.until(day)
            assert earlier.last_activity == own.last_activity, (patient.email, day)
            assert evaluate(earlier, t) == evaluate(own, t), (patient.email, day)


def test_red_lights_are_reported_apart_and_leave_the_trend_score_unchanged(score):
    without = cohort_replay.run(cohort_dir(), Thresholds(red_light_flag=False))

    assert score.red_lights > 0 and without.red_lights == 0
    assert (score.detected, score.delays, score.false_alarms, score.false_alarms_by_kind) == (
        without.detected, without.delays, without.false_alarms, without.false_alarms_by_kind,
    )  # fmt: skip


def _psfs(day: date, score: float) -> cohort_replay.FunctionScore:
    return cohort_replay.FunctionScore(day, "psfs", "Everyday activities", score, None, True)


def test_function_worsening_fires_and_resolves_in_the_replay():
    """A steady patient of the sample cohort answers the patient-specific scale every two
    weeks: 4.0, 6.0 (their best), then 3.7 (2.3 below the best), then 5.0 again."""
    patients = cohort_replay.load_cohort(cohort_dir())
    truth = json.loads((cohort_dir() / "truth.json").read_text())
    steady = next(p for email, p in patients.items() if truth.get(email, {}).get("expect") == [])
    start = cohort_replay.REPLAY_FROM
    answers = [(0, 4.0), (14, 6.0), (28, 3.7), (42, 5.0)]
    steady.function_scores = [_psfs(start + timedelta(days=d), s) for d, s in answers]
    events = [
        e for e in cohort_replay.replay_patient(steady, Thresholds())
        if e.kind is FlagKind.FUNCTION_WORSENING
    ]  # fmt: skip
    assert [(e.status, e.on, e.severity) for e in events] == [
        ("open", start + timedelta(days=28), Severity.MEDIUM),
        ("resolved", start + timedelta(days=42), Severity.MEDIUM),
    ]
    assert events[0].summary == (
        "Everyday activities 3.7 on 29 Aug, down 2.3 from their best of 6.0 (15 Aug); "
        "baseline 4.0; a fall of 2.0 or more counts as worse."
    )


def test_function_worsening_needs_the_full_drop_and_reads_no_later_answer():
    from tracker.trends import PatientWindow, function_worsening

    day = date(2026, 9, 1)
    scores = [_psfs(day, 5.0), _psfs(day + timedelta(days=14), 3.1)]
    window = PatientWindow(day + timedelta(days=14), [], [], [], None, None, scores)
    assert function_worsening(window, Thresholds()) is None  # 1.9 down: within noise
    worse = scores[:1] + [_psfs(day + timedelta(days=14), 1.0)]
    found = function_worsening(
        PatientWindow(day + timedelta(days=14), [], [], [], None, None, worse), Thresholds()
    )
    assert found is not None and found.severity is Severity.HIGH  # 4 points: twice the MDC
    assert found.evidence["values"]["worse_by"] == 4.0
    # Judged on the day before the bad answer, the rule does not see it.
    earlier = PatientWindow(day + timedelta(days=13), [], [], [], None, None, worse)
    assert function_worsening(earlier, Thresholds()) is None
    # A loaded measure is judged by its own minimal important change, on 0–100.
    koos = [
        cohort_replay.FunctionScore(day, "koos-12", "KOOS-12", 60.0, 10.0, True),
        cohort_replay.FunctionScore(
            day + timedelta(days=28), "koos-12", "KOOS-12", 49.0, 10.0, True
        ),
    ]
    found = function_worsening(
        PatientWindow(day + timedelta(days=28), [], [], [], None, None, koos), Thresholds()
    )
    assert (
        found is not None
        and "KOOS-12 49.0" in found.summary
        and "baseline of 60.0" in found.summary
    )
