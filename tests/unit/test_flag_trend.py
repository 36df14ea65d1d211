from workspace.flag_trend import flag_trend


def test_it_reads_pain_then_and_now_as_worse_when_up():
    trend = flag_trend("pain_rising", {"values": {"pain_mean": 6.1, "baseline_pain_mean": 3.4}})
    assert trend is not None
    assert (trend.before, trend.now, trend.direction, trend.worse) == (3.4, 6.1, "up", True)


def test_it_reads_adherence_as_worse_when_down():
    evidence = {"values": {"adherence_prior_pct": 90.0, "adherence_week_pct": 40.0}}
    trend = flag_trend("adherence_drop", evidence)
    assert trend is not None and trend.direction == "down" and trend.worse
    assert trend.unit == " %"


def test_it_falls_back_to_the_recent_adherence_without_a_week():
    evidence = {"values": {"adherence_prior_pct": 90.0, "adherence_week_pct": None,
                           "adherence_recent_pct": 60.0}}  # fmt: skip
    trend = flag_trend("adherence_drop", evidence)
    assert trend is not None and trend.now == 60.0


def test_it_counts_the_quiet_days():
    trend = flag_trend("gone_quiet", {"values": {"days_silent": 5}})
    assert trend is not None and trend.now == 5 and trend.before is None


def test_it_has_nothing_to_say_without_evidence():
    assert flag_trend("pain_rising", {}) is None
    assert flag_trend("not_settling", {"values": {"sessions": 5}}) is None
    assert flag_trend("pain_rising", None) is None
