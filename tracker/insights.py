"""Plain sentences linking a patient's pain with their sleep or stress. Pure: no ORM.

Day-to-day noise in 0–10 ratings is large (±1 is normal), so nothing is said unless each
side of a comparison has enough days and the difference is at least a whole point. Only a
link in the expected direction (less sleep or more stress, more pain) is reported: it is the
pattern the patient-facing explanation "sleep-stress-and-pain" describes, and saying it back
to the patient in their own numbers is meant to help, never to alarm.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import fmean

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MIN_DAYS_EACH_SIDE = 5
MIN_DIFFERENCE = 1.0
SHORT_NIGHT_HOURS = 6
POOR_SLEEP_QUALITY_UP_TO = 4
HIGH_STRESS_FROM = 6


@dataclass(frozen=True)
class CheckinDay:
    """One daily check-in, as numbers."""

    day: date
    pain: int
    sleep_hours: float
    sleep_quality: int
    stress: int


@dataclass(frozen=True)
class Insight:
    kind: str  # "short_sleep", "poor_sleep" or "high_stress"
    difference: float  # mean pain on the worse side minus mean pain on the better side
    days_with: int
    days_without: int
    text: str


@dataclass(frozen=True)
class _Comparison:
    kind: str
    applies: Callable[[CheckinDay], bool]
    sentence: Callable[[str], str]


def _short_sleep(points: str) -> str:
    return _(
        "After nights under %(hours)s hours of sleep, your pain averaged %(points)s points "
        "higher than after longer nights."
    ) % {"hours": SHORT_NIGHT_HOURS, "points": points}


def _poor_sleep(points: str) -> str:
    return _(
        "After nights you rated %(quality)s or lower for sleep quality, your pain averaged "
        "%(points)s points higher than after better nights."
    ) % {"quality": POOR_SLEEP_QUALITY_UP_TO, "points": points}


def _high_stress(points: str) -> str:
    return _(
        "On days when your stress was %(stress)s or more, your pain averaged %(points)s points "
        "higher than on calmer days."
    ) % {"stress": HIGH_STRESS_FROM, "points": points}


COMPARISONS = (
    _Comparison("short_sleep", lambda d: d.sleep_hours < SHORT_NIGHT_HOURS, _short_sleep),
    _Comparison("poor_sleep", lambda d: d.sleep_quality <= POOR_SLEEP_QUALITY_UP_TO, _poor_sleep),
    _Comparison("high_stress", lambda d: d.stress >= HIGH_STRESS_FROM, _high_stress),
)


def pain_link_findings(days: Sequence[CheckinDay]) -> list[Insight]:
    """Every comparison that clears the bar, strongest first."""
    findings = []
    for comparison in COMPARISONS:
        worse = [d.pain for d in days if comparison.applies(d)]
        better = [d.pain for d in days if not comparison.applies(d)]
        if len(worse) < MIN_DAYS_EACH_SIDE or len(better) < MIN_DAYS_EACH_SIDE:
            continue
        difference = fmean(worse) - fmean(better)
        if difference < MIN_DIFFERENCE:
            continue
        findings.append(
            Insight(
                kind=comparison.kind,
                difference=round(difference, 1),
                days_with=len(worse),
                days_without=len(better),
                text=comparison.sentence(number_format(round(difference, 1), 1)),
            )
        )
    return sorted(findings, key=lambda f: f.difference, reverse=True)


def pain_link(days: Sequence[CheckinDay]) -> Insight | None:
    """The single clearest link between pain and sleep or stress, or None."""
    findings = pain_link_findings(days)
    return findings[0] if findings else None
