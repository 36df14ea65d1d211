"""The exercise library as the clinic sees it, and the clinic's own exercises."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from tracker.access import clinic_exercise_for_therapist, therapist_required
from tracker.services.clinic_library import clinic_exercise_create, clinic_exercise_update
from workspace.forms import ClinicExerciseForm, ExerciseSearchForm
from workspace.views.caseload import add_service_errors, partial_or_page, redirect_after_post
from workspace.views.program_builder import search_library

TEMPLATE = "workspace/library.html"


@require_GET
@therapist_required
@vary_on_headers("HX-Request")
def library(request: HttpRequest) -> HttpResponse:
    form = ExerciseSearchForm(request.GET)
    context = {"search_form": form, "results": search_library(request.user, form)}
    return render(request, partial_or_page(request, TEMPLATE, "library-list"), context)


@require_http_methods(["GET", "POST"])
@therapist_required
def exercise_edit(request: HttpRequest, exercise_id: int | None = None) -> HttpResponse:
    """Add a clinic exercise, or edit one the clinic added (the shared library is read-only)."""
    user = request.user
    exercise = (
        clinic_exercise_for_therapist(user, exercise_id)  # type: ignore[arg-type]
        if exercise_id is not None
        else None
    )
    initial = ClinicExerciseForm.initial_for(exercise) if exercise else {}
    form = ClinicExerciseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if exercise is None:
                exercise = clinic_exercise_create(
                    clinic=user.clinic,  # type: ignore[union-attr]
                    actor=user,  # type: ignore[arg-type]
                    values=form.values(),
                    request=request,
                )
                messages.success(
                    request,
                    _("“%(name)s” added to your clinic’s library.") % {"name": exercise.name},
                )
            else:
                clinic_exercise_update(
                    exercise=exercise,
                    actor=user,  # type: ignore[arg-type]
                    values=form.values(),
                    request=request,
                )
                messages.success(request, _("“%(name)s” saved.") % {"name": exercise.name})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect_after_post(request, reverse("therapist-library"))
    return render(
        request,
        "workspace/exercise_form.html",
        {"form": form, "exercise": exercise},
        status=400 if form.is_bound else 200,
    )
