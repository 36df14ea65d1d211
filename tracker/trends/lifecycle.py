"""The flag lifecycle: what today's findings do to a patient's flags (open, update,
escalate, resolve, or suppress). Decisions only; the flag service stores them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tracker.trends.findings import Finding, FlagKind, Severity
from tracker.trends.thresholds import Thresholds


class FlagActionKind(StrEnum):
    OPEN = "open"
    UPDATE = "update"
    ESCALATE = "escalate"
    RESOLVE = "resolve"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class OpenFlag:
    """A patient's flag of one kind that is open or acknowledged, i.e. not resolved."""

    severity: Severity
    opened_on: date


@dataclass(frozen=True)
class ResolvedFlag:
    """The most recently resolved flag of one kind (cleared, or resolved by a therapist)."""

    severity: Severity
    resolved_on: date


@dataclass(frozen=True)
class FlagAction:
    """What the flag service should do about one kind of flag today.

    ``severity`` is the flag's severity after the action; ``finding`` is today's finding
    (``None`` for a resolve); ``reason`` is "cleared" for a resolve and says why a finding
    was suppressed.
    """

    action: FlagActionKind
    kind: FlagKind
    severity: Severity
    finding: Finding | None = None
    reason: str = ""


# Kinds a new finding reopens at once after they cleared: a report the patient was promised
# is passed on, not a trend that might flap around its threshold.
NO_REOPEN_COOLDOWN = frozenset({FlagKind.RED_LIGHT})


def reconcile(
    open_flags: Mapping[FlagKind, OpenFlag],
    recently_resolved: Mapping[FlagKind, ResolvedFlag],
    findings: Sequence[Finding],
    as_of: date,
    thresholds: Thresholds | None = None,
) -> list[FlagAction]:
    """Turn today's findings into flag actions, at most one per kind.

    - no open flag and a finding: open it, unless the kind was resolved less than
      ``reopen_cooldown_days`` ago at the same or a higher severity (suppress), or the
      finding is still pending confirmation (suppress). A red light has no cooldown: each
      is a session the patient was told their therapist hears about;
    - an open flag and a finding: escalate if the finding is more severe, else update
      the evidence. A flag never de-escalates while open: a little improvement does not
      make a flag the therapist has not looked at yet less worth looking at;
    - an open flag and no finding: resolve it as "cleared".
    """
    t = thresholds or Thresholds()
    today: dict[FlagKind, Finding] = {}
    for finding in findings:
        held = today.get(finding.kind)
        if held is None or (finding.severity.rank, not finding.pending) > (
            held.severity.rank,
            not held.pending,
        ):
            today[finding.kind] = finding

    actions: list[FlagAction] = []
    for kind in FlagKind:
        finding = today.get(kind)
        flag = open_flags.get(kind)
        if flag is not None:
            if finding is None:
                actions.append(
                    FlagAction(FlagActionKind.RESOLVE, kind, flag.severity, reason="cleared")
                )
            elif finding.severity.rank > flag.severity.rank:
                actions.append(FlagAction(FlagActionKind.ESCALATE, kind, finding.severity, finding))
            else:
                actions.append(FlagAction(FlagActionKind.UPDATE, kind, flag.severity, finding))
            continue
        if finding is None:
            continue
        resolved = recently_resolved.get(kind)
        if finding.pending:
            reason = "not confirmed yet: waits for the condition to hold on consecutive days"
            actions.append(
                FlagAction(FlagActionKind.SUPPRESS, kind, finding.severity, finding, reason)
            )
        elif (
            resolved is not None
            and kind not in NO_REOPEN_COOLDOWN
            and (as_of - resolved.resolved_on).days < t.reopen_cooldown_days
            and finding.severity.rank <= resolved.severity.rank
        ):
            reason = (
                f"resolved on {resolved.resolved_on.isoformat()}; does not reopen within "
                f"{t.reopen_cooldown_days} days unless more severe"
            )
            actions.append(
                FlagAction(FlagActionKind.SUPPRESS, kind, finding.severity, finding, reason)
            )
        else:
            actions.append(FlagAction(FlagActionKind.OPEN, kind, finding.severity, finding))
    return actions
