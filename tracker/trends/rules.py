"""Every rule, run together for one day: ``evaluate``."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from tracker.trends.adherence import adherence_drop
from tracker.trends.findings import Finding, FlagKind
from tracker.trends.function import function_worsening
from tracker.trends.pain import not_settling, pain_rising, pain_spike
from tracker.trends.quiet import gone_quiet
from tracker.trends.red_light import red_light
from tracker.trends.sleep_stress import sleep_worsening, stress_rising
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import PatientWindow, _days_before

RULES: tuple[Callable[[PatientWindow, Thresholds], Finding | None], ...] = (
    pain_rising,
    pain_spike,
    not_settling,
    sleep_worsening,
    stress_rising,
    adherence_drop,
    gone_quiet,
    red_light,
    function_worsening,
)

_KIND_ORDER = {kind: i for i, kind in enumerate(FlagKind)}


def evaluate(window: PatientWindow, thresholds: Thresholds | None = None) -> list[Finding]:
    """Every rule's finding for ``window.as_of``, most severe first.

    An adherence finding that did not also hold on each of the ``adherence_confirm_days``
    days before comes back ``pending`` (unless its fall is beyond
    ``adherence_confirm_below_z``): it keeps an open flag open but opens none.
    """
    t = thresholds or Thresholds()
    findings = [f for f in (rule(window, t) for rule in RULES) if f is not None]
    for i, finding in enumerate(findings):
        fall_z = finding.evidence.get("values", {}).get("fall_z")
        if finding.kind is FlagKind.ADHERENCE_DROP and (
            fall_z is None or fall_z < t.adherence_confirm_below_z
        ):
            earlier_days = (
                window.until(_days_before(window.as_of, back))
                for back in range(1, t.adherence_confirm_days + 1)
            )
            if any(adherence_drop(earlier, t) is None for earlier in earlier_days):
                findings[i] = dataclasses.replace(finding, pending=True)
    return sorted(findings, key=lambda f: (-f.severity.rank, _KIND_ORDER[f.kind]))
