"""Scoring a questionnaire's answers, and judging the change between two scores.

Pure functions: a ``Definition`` and the answers in, numbers out. Every score a response
stores comes from ``score``; every "changed by more than the measure's threshold" on a
screen, in a report or in a flag comes from ``change``.

- Summated ratings (``sum``) add a scale's item values; ``mean`` averages them.
- A scale with fewer answered items than its ``min_answered`` has no score.
- ``person_mean`` imputation fills each missing item of a scale with the mean of the items
  the patient answered in that scale, before summing.
- ``transform`` maps the scale's possible range onto 0–100 with 100 the best state:
  ``100 × (raw − worst) / (best − worst)``.
- A summary is the mean of its subscales' scores, and has none if any of them has none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from tracker.outcomes.definition import Better, Definition, Impute, Kind, Method, Subscale

# Stored scores keep four decimals: enough that rounding for display is the only rounding.
PLACES = 4


@dataclass(frozen=True)
class Scores:
    values: dict[str, float | None]
    imputed: tuple[str, ...] = ()  # item keys whose value was estimated
    answered: dict[str, int] = field(default_factory=dict)  # answered items per scale

    @property
    def any(self) -> bool:
        return any(v is not None for v in self.values.values())


def _scale_range(scale: Subscale, definition: Definition, keys: list[str]) -> tuple[float, float]:
    """(lowest, highest) possible raw value of a scale, from its items' options."""
    items = [definition.item(k) for k in keys]
    lows = [i.lowest for i in items]
    highs = [i.highest for i in items]
    if scale.method is Method.MEAN:
        return sum(lows) / len(lows), sum(highs) / len(highs)
    return float(sum(lows)), float(sum(highs))


def _score_scale(
    scale: Subscale,
    definition: Definition,
    keys: list[str],
    answers: Mapping[str, int | None],
) -> tuple[float | None, list[str], int]:
    """(score, imputed item keys, items answered) of one scale."""
    given = {k: answers[k] for k in keys if answers.get(k) is not None}
    if len(given) < scale.min_answered or not given:
        return None, [], len(given)
    values = [float(v) for v in given.values()]  # type: ignore[arg-type]
    person_mean = sum(values) / len(values)
    imputed: list[str] = []
    if scale.method is Method.SUM:
        if scale.impute is Impute.PERSON_MEAN:
            imputed = [k for k in keys if k not in given]
            raw = sum(values) + person_mean * len(imputed)
        elif len(given) < len(keys):
            # A sum over fewer items than the scale has is not comparable: no score.
            return None, [], len(given)
        else:
            raw = sum(values)
    else:
        raw = person_mean
    if scale.transform:
        low, high = _scale_range(scale, definition, keys)
        worst, best = (low, high) if scale.better is Better.HIGH else (high, low)
        raw = 100 * (raw - worst) / (best - worst)
    return round(raw, PLACES), imputed, len(given)


def score(definition: Definition, answers: Mapping[str, int | None]) -> Scores:
    """Every score of ``definition`` for one response's answers (item key → value or None).

    On an activities questionnaire the answers' keys are the activities (``a1`` …).
    """
    values: dict[str, float | None] = {}
    imputed: list[str] = []
    answered: dict[str, int] = {}
    for scale in definition.subscales:
        if definition.kind is Kind.ACTIVITIES:
            keys = sorted(answers, key=lambda k: int(k[1:]))
        else:
            keys = list(scale.items)
        value, filled, count = _score_scale(scale, definition, keys, answers)
        values[scale.key] = value
        imputed += filled
        answered[scale.key] = count
    summary = definition.summary
    if summary is not None:
        parts = [values[k] for k in summary.subscales]
        values[summary.key] = (
            None if any(p is None for p in parts) else round(sum(parts) / len(parts), PLACES)  # type: ignore[arg-type]
        )
    return Scores(values=values, imputed=tuple(dict.fromkeys(imputed)), answered=answered)


@dataclass(frozen=True)
class Change:
    """A score's change from a baseline, oriented so that positive is better."""

    baseline: float
    latest: float
    difference: float  # latest − baseline, in the score's units
    mdc: float | None
    mic: float | None
    higher_is_better: bool

    @property
    def improvement(self) -> float:
        return self.difference if self.higher_is_better else -self.difference

    @property
    def beyond_mdc(self) -> bool:
        """More than measurement error alone would explain (at the threshold counts)."""
        return self.mdc is not None and abs(self.difference) >= self.mdc - 1e-9

    @property
    def beyond_mic(self) -> bool:
        return self.mic is not None and abs(self.difference) >= self.mic - 1e-9

    @property
    def direction(self) -> str:
        """ "better", "worse" or "same", from the patient's point of view."""
        if abs(self.difference) < 1e-9:
            return "same"
        return "better" if self.improvement > 0 else "worse"

    @property
    def verdict(self) -> str:
        """Words for a therapist: the change and which threshold it passes."""
        if self.direction == "same":
            return "no change"
        passed = [
            name
            for name, ok in (
                ("minimal important change", self.beyond_mic),
                ("MDC", self.beyond_mdc),
            )
            if ok
        ]
        if passed:
            return f"{self.direction}, beyond the {' and the '.join(passed)}"
        if self.mdc is None and self.mic is None:
            return self.direction
        return f"{self.direction}, within measurement error"


def change(
    baseline: float,
    latest: float,
    *,
    mdc: float | None,
    mic: float | None,
    higher_is_better: bool,
) -> Change:
    return Change(
        baseline=baseline,
        latest=latest,
        difference=round(latest - baseline, PLACES),
        mdc=mdc,
        mic=mic,
        higher_is_better=higher_is_better,
    )
