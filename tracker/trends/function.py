"""Function worsening: an outcome measure's score fell from the patient's baseline or best.

A questionnaire is answered every week or two, not daily, so the rule compares the latest
answer with the best (and the first) answer before it: the patient-specific scale's mean by
``function_drop_points`` (2 points, its minimal detectable change), any other measure by
the minimal important change its definition gives. Measures without one are not judged.
The flag holds while the latest answer is that far down, and clears with the next answer
that is not.
"""

from __future__ import annotations

import bisect

from tracker.trends.findings import Finding, FlagKind, Severity, _day, _fmt, _r
from tracker.trends.thresholds import Thresholds
from tracker.trends.window import FunctionScore, PatientWindow

PATIENT_SPECIFIC = "psfs"


def _judge(scores: list[FunctionScore], t: Thresholds) -> Finding | None:
    """The finding for one measure's answers up to the day judged, if it is worse."""
    if len(scores) < 2:
        return None
    latest = scores[-1]
    threshold = t.function_drop_points if latest.worse_by is None else latest.worse_by
    if threshold <= 0:
        return None
    earlier = scores[:-1]
    sign = 1 if latest.higher_is_better else -1
    best = max(earlier, key=lambda s: sign * s.score)
    baseline = earlier[0]
    drop = sign * (best.score - latest.score)
    if drop < threshold - 1e-9:
        return None
    from_baseline = sign * (baseline.score - latest.score)
    reference = "best" if best is not baseline else "baseline"
    summary = (
        f"{latest.title} {_fmt(latest.score)} on {_day(latest.date)}, "
        f"{'down' if latest.higher_is_better else 'up'} {_fmt(drop)} from "
        f"{'their best of' if reference == 'best' else 'the baseline of'} {_fmt(best.score)} "
        f"({_day(best.date)})"
    )
    if reference == "best":
        summary += f"; baseline {_fmt(baseline.score)}"
    summary += f"; a fall of {_fmt(threshold)} or more counts as worse."
    return Finding(
        kind=FlagKind.FUNCTION_WORSENING,
        # Twice the threshold is more than a bad week on a noisy scale.
        severity=Severity.HIGH if drop >= 2 * threshold else Severity.MEDIUM,
        summary=summary,
        evidence={
            "window": {"start": baseline.date.isoformat(), "end": latest.date.isoformat()},
            "values": {
                "measure": latest.measure,
                "latest": _r(latest.score),
                "latest_on": latest.date.isoformat(),
                "best": _r(best.score),
                "best_on": best.date.isoformat(),
                "baseline": _r(baseline.score),
                "baseline_on": baseline.date.isoformat(),
                "worse_by": _r(drop),
                "worse_from_baseline_by": _r(from_baseline),
            },
            "thresholds": {"worse_by": threshold},
        },
    )


def function_worsening(window: PatientWindow, t: Thresholds) -> Finding | None:
    """The worst-off measure's finding on ``window.as_of``, if any measure is worse."""
    scores = window.function_scores
    if not scores:
        return None
    upto = bisect.bisect_right([s.date for s in scores], window.as_of)
    by_measure: dict[str, list[FunctionScore]] = {}
    for score in scores[:upto]:
        by_measure.setdefault(score.measure, []).append(score)
    findings = [f for f in (_judge(s, t) for s in by_measure.values()) if f is not None]
    if not findings:
        return None
    # The patient-specific scale first: the therapist reads the patient's own activities.
    return max(
        findings,
        key=lambda f: (f.severity.rank, f.evidence["values"]["measure"] == PATIENT_SPECIFIC),
    )
