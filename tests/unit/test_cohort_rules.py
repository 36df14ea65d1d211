"""The trend rules, replayed day by day over the synthetic sample cohort, meet the bar.

Pure Python: the cohort CSVs go straight into ``tracker.trends`` through
``cohort_replay``; a DB-backed test checks the same through import and the real job.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.cohort import cohort_dir
from tests.unit import cohort_replay
from tracker.trends import FlagKind, Severity, Thresholds


@pytest.fixture(scope="module")
def score() -> cohort_replay.Score:
    return cohort_replay.run(cohort_dir(), Thresholds())


def test_it_detects_at_least_95_percent_of_designed_events(score):
    assert score.sensitivity >= 0.95, cohort_replay.report(score)


def test_it_raises_at_most_half_a_false_alarm_per_quiet_patient(score):
    assert score.no_event_patients > 0
    assert score.false_alarms_per_quiet_patient <= 0.5, cohort_replay.report(score)


def test_it_opens_flags_within_a_median_of_3_days_of_onset(score):
    assert score.median_delay is not None
    assert score.median_delay <= 3, cohort_replay.report(score)


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
    assert (caught.detected, caught.delays, caught.false_alarms) == (1, [-3], 0)
    assert cohort_replay.score(too_late, truth).detected == 0
