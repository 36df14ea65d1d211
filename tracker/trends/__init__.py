"""Clinical trend rules: pure functions, numbers in, findings out.

Nothing here touches the ORM or the clock. A selector builds a ``PatientWindow`` for one
patient and one *local* day (``as_of``, the last complete day, inclusive), ``evaluate``
turns it into findings, and ``reconcile`` turns the findings plus the patient's existing
flags into actions for the flag service. The rules are the "Clinical rules" of
PRODUCT.md; every number lives in ``Thresholds`` so a clinic can tune it.

- ``thresholds``: ``Thresholds``, and a clinic's overrides checked and decoded;
- ``window``: ``PatientWindow`` and the date-ordered columns it holds;
- ``findings``: ``Finding``, ``FlagKind``, ``Severity``;
- ``shifts``: a measure's weekly mean against its baseline, and ``day_to_day_scatter``, how
  far the patient's own ratings usually stray, against which every change is weighed;
- one module per rule family: ``pain``, ``sleep_stress``, ``adherence``, ``quiet``,
  ``red_light``, ``function`` (outcome measures);
- ``rules``: ``evaluate``, every rule for one day;
- ``lifecycle``: ``reconcile``, findings to flag actions.

Every public name is importable from ``tracker.trends`` itself.
"""

from tracker.trends.adherence import adherence_drop, adherence_pct
from tracker.trends.findings import Finding, FlagKind, Severity
from tracker.trends.function import function_worsening
from tracker.trends.lifecycle import FlagAction, FlagActionKind, OpenFlag, ResolvedFlag, reconcile
from tracker.trends.pain import not_settling, pain_rising, pain_spike
from tracker.trends.quiet import gone_quiet
from tracker.trends.red_light import red_light
from tracker.trends.rules import RULES, evaluate
from tracker.trends.shifts import day_to_day_scatter
from tracker.trends.sleep_stress import sleep_worsening, stress_rising
from tracker.trends.thresholds import (
    ALLOWED,
    FROM_CLINIC_SETTINGS,
    LOOKBACK_DAYS,
    MAX_WINDOW_DAYS,
    Allowed,
    BadOverride,
    DecodedOverrides,
    OverrideProblem,
    Thresholds,
    decode_overrides,
    override_problems,
)
from tracker.trends.window import (
    AdherenceColumns,
    AdherenceDay,
    CheckinColumns,
    DailyCheckin,
    DatedColumns,
    FunctionScore,
    PatientWindow,
    SessionColumns,
    SessionPain,
)

__all__ = [
    "ALLOWED",
    "FROM_CLINIC_SETTINGS",
    "LOOKBACK_DAYS",
    "MAX_WINDOW_DAYS",
    "RULES",
    "AdherenceColumns",
    "Allowed",
    "BadOverride",
    "AdherenceDay",
    "CheckinColumns",
    "DailyCheckin",
    "DatedColumns",
    "DecodedOverrides",
    "Finding",
    "FlagAction",
    "FlagActionKind",
    "FlagKind",
    "FunctionScore",
    "OpenFlag",
    "OverrideProblem",
    "PatientWindow",
    "ResolvedFlag",
    "SessionColumns",
    "SessionPain",
    "Severity",
    "Thresholds",
    "adherence_drop",
    "adherence_pct",
    "day_to_day_scatter",
    "decode_overrides",
    "evaluate",
    "function_worsening",
    "gone_quiet",
    "not_settling",
    "override_problems",
    "pain_rising",
    "pain_spike",
    "reconcile",
    "red_light",
    "sleep_worsening",
    "stress_rising",
]
