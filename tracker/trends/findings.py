"""What a rule finds: the kind of flag, its severity, and the words and numbers that
explain it to the therapist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class FlagKind(StrEnum):
    PAIN_RISING = "pain_rising"
    PAIN_SPIKE = "pain_spike"
    NOT_SETTLING = "not_settling"
    SLEEP_WORSENING = "sleep_worsening"
    STRESS_RISING = "stress_rising"
    ADHERENCE_DROP = "adherence_drop"
    GONE_QUIET = "gone_quiet"
    RED_LIGHT = "red_light"
    FUNCTION_WORSENING = "function_worsening"


class Severity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        """1 for low, 2 for medium, 3 for high: compare severities with this."""
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3}


@dataclass(frozen=True)
class Finding:
    """One rule's verdict for one day.

    ``evidence`` is JSON-serialisable: ISO dates, floats rounded to one decimal, the
    windows compared, the values and the thresholds used. ``pending`` marks a finding
    that still waits for confirmation: it keeps an open flag open but opens none.
    """

    kind: FlagKind
    severity: Severity
    summary: str
    evidence: dict[str, Any] = field(default_factory=dict, hash=False)
    pending: bool = False


# --- words and numbers for summaries and evidence ------------------------------------


def _r(value: float) -> float:
    return round(value, 1)


def _fmt(value: float) -> str:
    return f"{value:.1f}"


def _signed(value: float) -> str:
    return f"{value:+.1f}"


def _day(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]}"


def _span(start: date, end: date) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat()}
