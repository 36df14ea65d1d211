"""The pain traffic light after a session: kind words, the clinic's cut-offs."""

import pytest

from tracker.guidance import Light, traffic_light


@pytest.mark.parametrize(
    ("pain", "light"),
    [(0, Light.GREEN), (2, Light.GREEN), (3, Light.AMBER), (5, Light.AMBER), (6, Light.RED)]
    + [(10, Light.RED)],
)
def test_it_uses_the_default_cut_offs(pain, light):
    assert traffic_light(pain).light is light


def test_a_clinic_can_tune_the_cut_offs():
    assert traffic_light(2, amber_from=2, red_from=4).light is Light.AMBER
    assert traffic_light(4, amber_from=2, red_from=4).light is Light.RED


def test_every_light_is_named_in_words():
    assert [traffic_light(p).name for p in (1, 4, 8)] == ["Green", "Amber", "Red"]


def test_red_says_the_therapist_will_be_told_and_never_alarms():
    red = traffic_light(8)
    assert red.therapist_is_told and "Your therapist will hear about it" in red.advice
    assert "does not mean you have done harm" in red.advice
    for word in ("danger", "emergency", "damage", "injury"):
        assert word not in red.advice.lower()


def test_amber_is_acceptable_if_it_settles_by_the_next_morning():
    amber = traffic_light(4)
    assert not amber.therapist_is_told
    assert "by tomorrow morning" in amber.advice and "4 out of 10" in amber.advice


def test_red_promises_only_what_the_clinic_does():
    red = traffic_light(8, red_flags_therapist=False)
    assert not red.therapist_is_told
    assert "Tell your therapist at your next visit" in red.advice
    assert "will hear about it" not in red.advice
