"""Reading a patient's progress: four weeks of check-ins, adherence and what links them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from tracker.insights import CheckinDay, Insight, pain_link
from tracker.models import DailyCheckin, PatientProfile
from tracker.selectors.adherence import AdherenceDay, AdherenceFigures, adherence_figures_on

PROGRESS_DAYS = 28
# The pain–sleep–stress sentence looks further back than the charts: with ≥ 5 days needed
# on each side of a comparison, four weeks alone would rarely be enough to say anything.
INSIGHT_DAYS = 56

Series = list[tuple[date, float | None]]


@dataclass(frozen=True)
class Progress:
    start: date  # the check-in charts: PROGRESS_DAYS days ending today (today's check-in counts)
    end: date
    pain: Series
    worst_pain: Series
    sleep_quality: Series
    sleep_hours: Series
    stress: Series
    adherence_figures: AdherenceFigures  # the 7- and 28-day figures every screen shows
    checkin_count: int
    insight: Insight | None
    recent_checkins: list[dict[str, Any]]  # the last week's check-ins, newest first

    @property
    def adherence(self) -> list[AdherenceDay]:  # PROGRESS_DAYS days ending yesterday
        return self.adherence_figures.days

    @property
    def adherence_start(self) -> date:
        return self.adherence_figures.days[0].day

    @property
    def adherence_end(self) -> date:  # yesterday: today is not over
        return self.adherence_figures.days[-1].day

    @property
    def adherence_7d(self) -> float | None:
        return self.adherence_figures.adherence_7d

    @property
    def adherence_28d(self) -> float | None:
        return self.adherence_figures.adherence_28d

    @property
    def sleep_hours_max(self) -> int:
        """12 hours keeps ordinary nights readable; a longer night widens the scale to 16."""
        longest = max((hours for _day, hours in self.sleep_hours if hours is not None), default=0)
        return 12 if longest <= 12 else 16


def progress_for_patient(patient: PatientProfile, today: date) -> Progress:
    """Three queries whatever the length of the history."""
    start = today - timedelta(days=PROGRESS_DAYS - 1)
    rows = list(
        DailyCheckin.objects.filter(
            patient=patient,
            local_date__gt=today - timedelta(days=INSIGHT_DAYS),
            local_date__lte=today,
        ).values("id", "local_date", "pain", "worst_pain", "sleep_hours", "sleep_quality", "stress")
    )
    by_day = {row["local_date"]: row for row in rows}
    days = [start + timedelta(days=offset) for offset in range(PROGRESS_DAYS)]

    def series(field: str) -> Series:
        return [(day, float(by_day[day][field]) if day in by_day else None) for day in days]

    # The calendar and both percentages end yesterday, as on every screen: today is not over.
    figures = adherence_figures_on([patient.pk], today)[patient.pk]
    return Progress(
        start=start,
        end=today,
        pain=series("pain"),
        worst_pain=series("worst_pain"),
        sleep_quality=series("sleep_quality"),
        sleep_hours=series("sleep_hours"),
        stress=series("stress"),
        adherence_figures=figures,
        checkin_count=sum(1 for day in days if day in by_day),
        recent_checkins=sorted(
            (row for row in rows if row["local_date"] > today - timedelta(days=7)),
            key=lambda row: row["local_date"],
            reverse=True,
        ),
        insight=pain_link(
            [
                CheckinDay(
                    day=row["local_date"],
                    pain=row["pain"],
                    sleep_hours=float(row["sleep_hours"]),
                    sleep_quality=row["sleep_quality"],
                    stress=row["stress"],
                )
                for row in rows
            ]
        ),
    )
