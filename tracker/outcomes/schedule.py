"""When a measure is due: at the program's start, every N days, and at discharge.

An occasion stays open until the next one falls due; an occasion not answered by then is
passed over (the patient is asked once, not for every missed date in a row).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Occasion(StrEnum):
    START = "start"
    REPEAT = "repeat"
    DISCHARGE = "discharge"


@dataclass(frozen=True)
class Due:
    due_on: date
    occasion: Occasion


def occasions(
    start: date,
    *,
    at_start: bool,
    every_days: int | None,
    discharge_on: date | None,
    until: date,
) -> list[Due]:
    """Every occasion from ``start`` to ``until`` inclusive, in date order."""
    found: list[Due] = []
    if at_start and start <= until:
        found.append(Due(start, Occasion.START))
    if every_days:
        step = timedelta(days=every_days)
        day = start + step
        while day <= until and (discharge_on is None or day < discharge_on):
            found.append(Due(day, Occasion.REPEAT))
            day += step
    if discharge_on is not None and discharge_on <= until:
        # On the discharge date itself the discharge occasion stands for any repeat there.
        found = [d for d in found if d.due_on != discharge_on] + [
            Due(discharge_on, Occasion.DISCHARGE)
        ]
    return sorted(found, key=lambda d: d.due_on)


def due_occasion(
    start: date,
    *,
    at_start: bool,
    every_days: int | None,
    discharge_on: date | None,
    today: date,
    answered: Iterable[date],
) -> Due | None:
    """The occasion open on ``today``, unless it was answered already."""
    found = occasions(
        start, at_start=at_start, every_days=every_days, discharge_on=discharge_on, until=today
    )
    if not found:
        return None
    latest = found[-1]
    return None if latest.due_on in set(answered) else latest
