"""The pain traffic light shown to a patient right after a session. Pure: numbers in, words out.

Sources differ on the exact cut-offs, so they come from the clinic (``traffic_amber_from`` and
``traffic_red_from``); the defaults are 0–2 green, 3–5 amber, 6–10 red. The words are a guide
for home exercise, never a diagnosis, and are written to reassure rather than alarm.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.translation import gettext as _


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class TrafficLight:
    light: Light
    pain: int
    name: str  # "Green", said in words so colour is never the only signal
    headline: str
    advice: str
    # A red light opens a flag for the therapist unless the clinic turned that off.
    therapist_is_told: bool = False


def traffic_light_level(pain: int, *, amber_from: int, red_from: int) -> Light:
    if pain >= red_from:
        return Light.RED
    if pain >= amber_from:
        return Light.AMBER
    return Light.GREEN


def traffic_light(
    pain: int, *, amber_from: int = 3, red_from: int = 6, red_flags_therapist: bool = True
) -> TrafficLight:
    """The guidance for a pain-after rating (0–10) under a clinic's cut-offs.

    ``red_flags_therapist`` is the clinic's ``red_light_flag``: whether a red light reaches
    the therapist at once. The words promise only what will actually happen.
    """
    light = traffic_light_level(pain, amber_from=amber_from, red_from=red_from)
    if light is Light.GREEN:
        return TrafficLight(
            light=light,
            pain=pain,
            name=_("Green"),
            headline=_("Safe — keep going"),
            advice=_(
                "Your pain after exercising was %(pain)s out of 10. That is fine: carry on with "
                "your program as planned."
            )
            % {"pain": pain},
        )
    if light is Light.AMBER:
        return TrafficLight(
            light=light,
            pain=pain,
            name=_("Amber"),
            headline=_("Acceptable if it settles"),
            advice=_(
                "Your pain after exercising was %(pain)s out of 10. That is acceptable, as long "
                "as it has settled back to your usual level by tomorrow morning. If it hasn't, "
                "do a little less next time."
            )
            % {"pain": pain},
        )
    if red_flags_therapist:
        advice = _(
            "Your pain after exercising was %(pain)s out of 10. Next time, ease off: make the "
            "exercises smaller, slower or lighter. This does not mean you have done harm. Your "
            "therapist will hear about it, so they can adjust your program with you."
        )
    else:
        advice = _(
            "Your pain after exercising was %(pain)s out of 10. Next time, ease off: make the "
            "exercises smaller, slower or lighter. This does not mean you have done harm. Tell "
            "your therapist at your next visit, so they can adjust your program with you."
        )
    return TrafficLight(
        light=light,
        pain=pain,
        name=_("Red"),
        headline=_("A bit too much for now"),
        advice=advice % {"pain": pain},
        therapist_is_told=red_flags_therapist,
    )
