"""The trend rules, replayed day by day over the synthetic sample cohorts, meet the bar.

Pure Python: the cohort CSVs go straight into ``tracker.trends`` through
``cohort_replay``; a DB-backed test checks the same through import and the real job.
Both samples are scored: the standard one and the noisy one, whose ratings scatter 1.5
times more from day to day.
"""

from __future__ import annotations

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
