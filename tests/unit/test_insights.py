"""Linking pain with sleep and stress: a plain sentence only when the patient's data show it."""

from datetime import date, timedelta

from tracker.insights import CheckinDay, pain_link, pain_link_findings

START = date(2026, 10, 1)


def day(i, *, pain, hours=7.5, quality=7, stress=3):
    return CheckinDay(
        day=START + timedelta(days=i),
        pain=pain,
        sleep_hours=hours,
        sleep_quality=quality,
        stress=stress,
    )


def test_it_links_pain_with_short_nights():
    days = [day(i, pain=5, hours=5) for i in range(5)] + [
        day(i, pain=3, hours=8) for i in range(5, 12)
    ]
    insight = pain_link(days)
    assert insight.kind == "short_sleep" and insight.difference == 2.0
    assert insight.text == (
        "After nights under 6 hours of sleep, your pain averaged 2.0 points higher than after "
        "longer nights."
    )


def test_it_says_nothing_with_fewer_than_five_days_on_a_side():
    days = [day(i, pain=7, hours=4) for i in range(4)] + [
        day(i, pain=2, hours=8) for i in range(4, 30)
    ]
    assert pain_link(days) is None


def test_it_says_nothing_when_the_difference_is_within_day_to_day_noise():
    days = [day(i, pain=3 + i % 2, stress=8) for i in range(6)] + [
        day(i, pain=3, stress=2) for i in range(6, 12)
    ]
    assert pain_link(days) is None  # half a point: less than a whole point


def test_it_never_reports_a_link_the_other_way_round():
    days = [day(i, pain=1, hours=5) for i in range(6)] + [
        day(i, pain=5, hours=8) for i in range(6, 12)
    ]
    assert pain_link(days) is None


def test_it_picks_the_strongest_link():
    days = (
        [day(i, pain=6, stress=8, quality=7) for i in range(6)]
        + [day(i, pain=2, stress=2, quality=3) for i in range(6, 9)]
        + [day(i, pain=2, stress=2, quality=7) for i in range(9, 15)]
    )
    findings = pain_link_findings(days)
    assert findings[0].kind == "high_stress"
    assert findings[0].text.startswith("On days when your stress was 6 or more")


def test_no_data_no_sentence():
    assert pain_link([]) is None
