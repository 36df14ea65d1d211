"""The one number a flag is about, then and now, read from the evidence the rule stored.

Pure: no database, no request. The flags inbox and the record show it beside each flag so
the therapist sees at a glance how far the measure moved, and which way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

# kind: (the measure's name, the key for before, the keys for now (first present wins),
#        the direction that is worse, unit)
_FIGURES: dict[str, tuple[Any, str, tuple[str, ...], str, str]] = {
    "pain_rising": (_("pain"), "baseline_pain_mean", ("pain_mean",), "up", ""),
    "pain_spike": (_("pain"), "baseline_median", ("pain",), "up", ""),
    "stress_rising": (_("stress"), "baseline_stress_mean", ("stress_mean",), "up", ""),
    "sleep_worsening": (
        _("sleep quality"),
        "baseline_sleep_quality_mean",
        ("sleep_quality_mean",),
        "down",
        "",
    ),
    # An outcome measure's score against the patient's best answer before it.
    "function_worsening": (_("function score"), "best", ("latest",), "down", ""),
    "adherence_drop": (
        _("adherence"),
        "adherence_prior_pct",
        ("adherence_week_pct", "adherence_recent_pct"),
        "down",
        " %",
    ),
}


@dataclass(frozen=True)
class FlagTrend:
    measure: str
    before: float | None
    now: float
    unit: str
    direction: str  # "up", "down" or "steady"
    worse: bool


def flag_trend(kind: str, evidence: dict[str, Any] | None) -> FlagTrend | None:
    """The flag's key figure now against the baseline it was measured from, if it has one."""
    values = (evidence or {}).get("values") or {}
    if kind == "gone_quiet":
        days = values.get("days_silent")
        if not isinstance(days, int | float):
            return None
        return FlagTrend(str(_("days without a log")), None, days, "", "up", True)
    figure = _FIGURES.get(kind)
    if figure is None:
        return None
    measure, before_key, now_keys, worse_way, unit = figure
    now = next((values[k] for k in now_keys if isinstance(values.get(k), int | float)), None)
    before = values.get(before_key)
    if now is None or not isinstance(before, int | float):
        return None
    if now > before:
        direction = "up"
    elif now < before:
        direction = "down"
    else:
        direction = "steady"
    return FlagTrend(str(measure), before, now, unit, direction, direction == worse_way)
