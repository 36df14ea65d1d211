"""Outcome measures in the workspace: scheduling questionnaires in a program, and goals.

The record and the report show the scores (``outcome_context``); these views write.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tracker import charts
from tracker.access import (
    goal_for_therapist,
    measure_for_therapist,
    patient_for_therapist,
    program_for_therapist,
    therapist_required,
)
from tracker.models import PatientProfile, ProgramMeasure, Questionnaire
from tracker.selectors.outcomes import (
    MeasureHistory,
    goals_with_progress,
    measure_histories,
    psfs_activities,
)
from tracker.services.outcomes import (
    current_questionnaire,
    goal_remove,
    goal_set,
    measure_remove,
    measure_schedule,
)
from workspace.forms import GoalForm, MeasureForm
from workspace.views.caseload import add_service_errors, redirect_after_post


def schedulable_questionnaires() -> list[Questionnaire]:
    """The current version of each questionnaire (those still without wording say so)."""
    slugs = Questionnaire.objects.order_by("slug").values_list("slug", flat=True).distinct()
    return [q for q in (current_questionnaire(slug) for slug in slugs) if q is not None]


def measure_form(data: Any = None) -> MeasureForm:
    return MeasureForm(data, questionnaires=schedulable_questionnaires())


def goal_form(patient: PatientProfile, data: Any = None) -> GoalForm:
    return GoalForm(data, activities=psfs_activities(patient), today=patient.local_today())


def history_charts(histories: list[MeasureHistory]) -> dict[str, list[tuple[Any, SafeString]]]:
    """Each measure's scores as line charts, one point per answer (slug → [(series, chart)])."""
    return {
        h.slug: [
            (
                series,
                charts.line_chart(
                    series.points,
                    y_min=series.y_min,
                    y_max=series.y_max,
                    label=series.label,
                    baseline=series.baseline,
                ),
            )
            for series in h.series
        ]
        for h in histories
    }


def outcome_context(patient: PatientProfile) -> dict[str, Any]:
    histories = measure_histories(patient)
    return {
        "histories": histories,
        "history_charts": history_charts(histories),
        "goals": goals_with_progress(patient),
    }


def _program_url(patient: PatientProfile) -> str:
    return reverse("therapist-program", args=[patient.pk]) + "#measures"


@require_POST
@therapist_required
def measure_add(request: HttpRequest, program_id: int) -> HttpResponse:
    # The builder and the record use this module's helpers: imported here, not at the top.
    from workspace.views.program_builder import TEMPLATE, builder_context

    program = program_for_therapist(request.user, program_id)  # type: ignore[arg-type]
    form = measure_form(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            measure_schedule(
                program=program,
                questionnaire=form.questionnaires[data["questionnaire"]],
                at_start=data["at_start"],
                every_days=data["every_days"],
                at_discharge=data["at_discharge"],
                activities=data["activities"] or 3,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Questionnaire scheduled."))
            return redirect_after_post(request, _program_url(program.patient))
    context = builder_context(request, program.patient, measure_form=form)
    return render(request, TEMPLATE, context, status=400)


@require_POST
@therapist_required
def measure_stop(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure: ProgramMeasure = measure_for_therapist(request.user, measure_id)  # type: ignore[arg-type]
    patient = measure.program.patient
    measure_remove(measure=measure, request=request)
    messages.success(request, _("Questionnaire stopped; the answers given stay in the record."))
    return redirect_after_post(request, _program_url(patient))


def _record_url(patient: PatientProfile) -> str:
    return reverse("therapist-record", args=[patient.pk]) + "#outcomes"


@require_POST
@therapist_required
def goal_add(request: HttpRequest, patient_id: int) -> HttpResponse:
    from workspace.views.record import record_context

    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    form = goal_form(patient, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        key = data["activity_key"]
        history = next((h for h in measure_histories(patient) if h.slug == "psfs"), None)
        activity = next(a for a in history.activities if a.key == key) if history else None
        if activity is None or activity.baseline is None:
            form.add_error("activity_key", _("This activity has no rating yet."))
        else:
            try:
                goal_set(
                    patient=patient,
                    therapist=request.user,  # type: ignore[arg-type]
                    activity_key=key,
                    activity=activity.name,
                    baseline=activity.baseline,
                    target=data["target"],
                    target_date=data["target_date"],
                    request=request,
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Goal saved."))
                return redirect_after_post(request, _record_url(patient))
    context = record_context(request, patient, goal_form=form)
    return render(request, "workspace/record.html", context, status=400)


@require_POST
@therapist_required
def goal_delete(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = goal_for_therapist(request.user, goal_id)  # type: ignore[arg-type]
    patient = goal.patient
    goal_remove(goal=goal, request=request)
    messages.success(request, _("Goal removed."))
    return redirect_after_post(request, _record_url(patient))
