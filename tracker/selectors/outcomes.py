"""Reading outcome measures: what is due for a patient, each measure's scores over time with
the change from baseline, the caseload's function column, and goals with their latest rating.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from tracker.models import (
    Goal,
    PatientProfile,
    Program,
    ProgramMeasure,
    Questionnaire,
    QuestionnaireResponse,
)
from tracker.outcomes.definition import Definition, Kind
from tracker.outcomes.schedule import Due, due_occasion
from tracker.outcomes.scoring import Change, change

# The measure the caseload's function column prefers, when a patient has several.
PREFERRED = ("psfs", "koos-12")


@dataclass(frozen=True)
class DueMeasure:
    measure: ProgramMeasure
    due: Due
    # A patient-specific scale's activities as first named (key → name); {} the first time.
    activities: dict[str, str]

    @property
    def questionnaire(self) -> Questionnaire:
        return self.measure.questionnaire

    @property
    def spec(self) -> Definition:
        return self.measure.questionnaire.spec


def _active_program(patient: PatientProfile) -> Program | None:
    return Program.objects.filter(patient=patient, status=Program.Status.ACTIVE).first()


def due_measures(patient: PatientProfile, today: date) -> list[DueMeasure]:
    """The questionnaires the patient's active program asks for today and not answered yet.

    One query when the program asks for none (Today reads this on every visit), two otherwise.
    """
    measures = list(
        ProgramMeasure.objects.filter(
            program__patient=patient,
            program__status=Program.Status.ACTIVE,
            questionnaire__needs_wording=False,
        ).select_related("program", "questionnaire")
    )
    if not measures:
        return []
    answered: dict[str, list[date]] = defaultdict(list)
    first_names: dict[str, dict[str, str]] = {}
    for slug, due_on, names in (
        QuestionnaireResponse.objects.filter(
            patient=patient, questionnaire__slug__in={m.questionnaire.slug for m in measures}
        )
        .order_by("local_date", "id")
        .values_list("questionnaire__slug", "due_on", "activities")
    ):
        answered[slug].append(due_on)
        if names and slug not in first_names:
            first_names[slug] = names
    found = []
    for measure in measures:
        program = measure.program
        slug = measure.questionnaire.slug
        due = due_occasion(
            program.start_date,
            at_start=measure.at_start,
            every_days=measure.every_days,
            discharge_on=program.phase_end_date if measure.at_discharge else None,
            today=today,
            answered=answered[slug],
        )
        if due is not None:
            found.append(DueMeasure(measure, due, first_names.get(slug, {})))
    return found


def due_measure(patient: PatientProfile, today: date, measure_id: int) -> DueMeasure | None:
    return next((d for d in due_measures(patient, today) if d.measure.pk == measure_id), None)


def measure_for_patient(patient: PatientProfile, measure_id: int) -> ProgramMeasure | None:
    return (
        ProgramMeasure.objects.select_related("questionnaire", "program")
        .filter(pk=measure_id, program__patient=patient)
        .first()
    )


# --- Scores over time -------------------------------------------------------------------------


@dataclass(frozen=True)
class ScoreSeries:
    key: str
    label: str
    points: list[tuple[date, float | None]]
    y_min: float
    y_max: float
    mdc: float | None
    mic: float | None
    higher_is_better: bool

    @property
    def values(self) -> list[tuple[date, float]]:
        return [(d, v) for d, v in self.points if v is not None]

    @property
    def baseline(self) -> float | None:
        return self.values[0][1] if self.values else None

    @property
    def latest(self) -> float | None:
        return self.values[-1][1] if self.values else None

    @property
    def change(self) -> Change | None:
        if len(self.values) < 2:
            return None
        return change(
            self.values[0][1],
            self.values[-1][1],
            mdc=self.mdc,
            mic=self.mic,
            higher_is_better=self.higher_is_better,
        )


@dataclass(frozen=True)
class ActivityRatings:
    key: str
    name: str
    ratings: list[tuple[date, int | None]]
    mdc: float | None

    @property
    def baseline(self) -> int | None:
        return next((r for _d, r in self.ratings if r is not None), None)

    @property
    def latest(self) -> int | None:
        return next((r for _d, r in reversed(self.ratings) if r is not None), None)

    @property
    def change(self) -> Change | None:
        known = [r for _d, r in self.ratings if r is not None]
        if len(known) < 2:
            return None
        return change(known[0], known[-1], mdc=self.mdc, mic=None, higher_is_better=True)


@dataclass(frozen=True)
class MeasureHistory:
    slug: str
    title: str
    spec: Definition
    responses: list[QuestionnaireResponse]
    series: list[ScoreSeries]
    activities: list[ActivityRatings] = field(default_factory=list)

    @property
    def primary(self) -> ScoreSeries:
        return next(s for s in self.series if s.key == self.spec.primary)


def _score_range(spec: Definition, key: str) -> tuple[float, float]:
    """The axis of a score: 0–100 when transformed, else its items' range."""
    if spec.summary is not None and key == spec.summary.key:
        return 0.0, 100.0
    scale = next(s for s in spec.subscales if s.key == key)
    if scale.transform:
        return 0.0, 100.0
    if spec.kind is Kind.ACTIVITIES and spec.rating is not None:
        return float(spec.rating.lowest), float(spec.rating.highest)
    items = [spec.item(k) for k in scale.items]
    if scale.method.value == "mean":
        return float(min(i.lowest for i in items)), float(max(i.highest for i in items))
    return float(sum(i.lowest for i in items)), float(sum(i.highest for i in items))


def measure_histories(patient: PatientProfile) -> list[MeasureHistory]:
    """Every questionnaire the patient answered, oldest answer first, with each score's series.

    Two queries, however long the history (the responses, with their questionnaire versions).
    The newest version's definition names the scores and their thresholds.
    """
    responses = list(
        QuestionnaireResponse.objects.filter(patient=patient)
        .select_related("questionnaire")
        .order_by("local_date", "id")
    )
    by_slug: dict[str, list[QuestionnaireResponse]] = defaultdict(list)
    for response in responses:
        by_slug[response.questionnaire.slug].append(response)
    histories = []
    for slug, answered in by_slug.items():
        newest = max((r.questionnaire for r in answered), key=lambda q: q.version)
        spec = newest.spec
        series = []
        for key in spec.score_keys():
            mdc, mic, higher = spec.thresholds(key)
            low, high = _score_range(spec, key)
            series.append(
                ScoreSeries(
                    key=key,
                    label=spec.score_label(key),
                    points=[(r.local_date, r.scores.get(key)) for r in answered],
                    y_min=low,
                    y_max=high,
                    mdc=mdc,
                    mic=mic,
                    higher_is_better=higher,
                )
            )
        activities = []
        if spec.kind is Kind.ACTIVITIES:
            names: dict[str, str] = {}
            for r in answered:
                for key, name in r.activities.items():
                    names.setdefault(key, name)
            for key, name in sorted(names.items(), key=lambda kv: int(kv[0][1:])):
                activities.append(
                    ActivityRatings(
                        key=key,
                        name=name,
                        ratings=[(r.local_date, r.answers.get(key)) for r in answered],
                        mdc=spec.activities.item_mdc if spec.activities else None,
                    )
                )
        histories.append(MeasureHistory(slug, newest.title, spec, answered, series, activities))
    order = {slug: i for i, slug in enumerate(PREFERRED)}
    return sorted(histories, key=lambda h: (order.get(h.slug, len(order)), h.slug))


# --- The caseload's function column ------------------------------------------------------------


@dataclass(frozen=True)
class FunctionSummary:
    title: str
    latest: float
    change: Change | None
    answered_on: date


def function_summaries(patient_ids: Sequence[int]) -> dict[int, FunctionSummary]:
    """Each patient's preferred measure: its latest primary score and change from baseline.

    Two queries for any number of patients: the scored responses (a few a month each) and
    the questionnaire versions they name.
    """
    rows = list(
        QuestionnaireResponse.objects.filter(
            patient_id__in=list(patient_ids), primary_score__isnull=False
        )
        .order_by("patient_id", "local_date", "id")
        .values_list(
            "patient_id", "questionnaire__slug", "questionnaire_id", "primary_score", "local_date"
        )
    )
    if not rows:
        return {}
    versions = Questionnaire.objects.in_bulk({qid for _p, _s, qid, _v, _d in rows})
    per: dict[int, dict[str, list[tuple[int, float, date]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for pid, slug, qid, value, day in rows:
        per[pid][slug].append((qid, value, day))
    order = {slug: i for i, slug in enumerate(PREFERRED)}
    found = {}
    for pid, measures in per.items():
        # Not the global rating of change: it has no baseline to change from.
        candidates = [s for s in measures if s != "groc"] or list(measures)
        slug = min(candidates, key=lambda s: (order.get(s, len(order)), s))
        points = measures[slug]
        spec = versions[points[-1][0]].spec
        mdc, mic, higher = spec.thresholds(spec.primary)
        moved = (
            change(points[0][1], points[-1][1], mdc=mdc, mic=mic, higher_is_better=higher)
            if len(points) > 1 and slug != "groc"
            else None
        )
        found[pid] = FunctionSummary(
            versions[points[-1][0]].title, points[-1][1], moved, points[-1][2]
        )
    return found


# --- Goals ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    latest: int | None
    latest_on: date | None

    @property
    def reached(self) -> bool:
        return self.latest is not None and self.latest >= self.goal.target


def goals_with_progress(patient: PatientProfile) -> list[GoalProgress]:
    """The patient's goals, each with the latest rating of its activity (two queries)."""
    goals = list(Goal.objects.filter(patient=patient))
    if not goals:
        return []
    latest: dict[tuple[str, str], tuple[int, date]] = {}
    for slug, answers, day in (
        QuestionnaireResponse.objects.filter(
            patient=patient, questionnaire__slug__in={g.questionnaire_slug for g in goals}
        )
        .order_by("local_date", "id")
        .values_list("questionnaire__slug", "answers", "local_date")
    ):
        for key, value in answers.items():
            if value is not None:
                latest[(slug, key)] = (value, day)
    found = []
    for goal in goals:
        value, day = latest.get((goal.questionnaire_slug, goal.activity_key), (None, None))
        found.append(GoalProgress(goal, value, day))
    return found


def psfs_activities(patient: PatientProfile) -> list[tuple[str, str, int | None]]:
    """The patient's named activities (key, name, latest rating): what a goal is set on."""
    histories = [h for h in measure_histories(patient) if h.slug == "psfs"]
    if not histories:
        return []
    return [(a.key, a.name, a.latest) for a in histories[0].activities]


def responses_for_export(patient: PatientProfile) -> Iterable[QuestionnaireResponse]:
    return (
        QuestionnaireResponse.objects.filter(patient=patient)
        .select_related("questionnaire")
        .order_by("local_date", "id")
    )


def response_as_dict(response: QuestionnaireResponse) -> dict[str, Any]:
    return {
        "questionnaire": response.questionnaire.slug,
        "version": response.questionnaire.version,
        "title": response.questionnaire.title,
        "answered_on": response.local_date.isoformat(),
        "due_on": response.due_on.isoformat(),
        "occasion": response.occasion,
        "answers": response.answers,
        "activities": response.activities,
        "scores": response.scores,
        "imputed_items": response.imputed,
    }
