"""The exercise library as the clinic sees it, and the clinic's own exercises."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from tracker.access import clinic_exercise_for_therapist, media_for_therapist, therapist_required
from tracker.media.serving import media_response
from tracker.models import Exercise
from tracker.selectors.media import media_of_exercise
from tracker.services.clinic_library import clinic_exercise_create, clinic_exercise_update
from tracker.services.exercise_media import exercise_media_add, exercise_media_remove
from workspace.forms import ClinicExerciseForm, ExerciseMediaForm, ExerciseSearchForm
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
    return _exercise_page(request, exercise, form=form, status=400 if form.is_bound else 200)


def _exercise_page(
    request: HttpRequest,
    exercise: Exercise | None,
    *,
    form: ClinicExerciseForm | None = None,
    media_form: ExerciseMediaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The exercise's form and, once it exists, its pictures and videos with the upload."""
    if form is None:
        form = ClinicExerciseForm(initial=ClinicExerciseForm.initial_for(exercise))
    context = {"form": form, "exercise": exercise}
    if exercise is not None:
        context |= {
            "media": media_of_exercise(exercise.pk),
            "media_form": media_form or ExerciseMediaForm(),
            "media_limit": settings.REHABIT_MEDIA_PER_EXERCISE,
        }
    return render(request, "workspace/exercise_form.html", context, status=status)


@require_POST
@therapist_required
def media_add(request: HttpRequest, exercise_id: int) -> HttpResponse:
    """Upload a picture or video; a refused file is named beside its field (400)."""
    exercise = clinic_exercise_for_therapist(request.user, exercise_id)  # type: ignore[arg-type]
    form = ExerciseMediaForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            media = exercise_media_add(
                exercise=exercise,
                actor=request.user,  # type: ignore[arg-type]
                upload=form.upload(),
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Video added.") if media.is_video else _("Picture added."),
            )
            return redirect_after_post(
                request, reverse("therapist-exercise-edit", args=[exercise.pk]) + "#media"
            )
    return _exercise_page(request, exercise, media_form=form, status=400)


@require_POST
@therapist_required
def media_remove(request: HttpRequest, media_id: int) -> HttpResponse:
    media = media_for_therapist(request.user, media_id)  # type: ignore[arg-type]
    exercise_id = media.exercise_id
    exercise_media_remove(media=media, actor=request.user, request=request)  # type: ignore[arg-type]
    messages.success(request, _("Removed."))
    return redirect_after_post(
        request, reverse("therapist-exercise-edit", args=[exercise_id]) + "#media"
    )


@require_GET
@therapist_required
def media_file(request: HttpRequest, media_id: int, variant: str) -> HttpResponse:
    """A picture, video, poster or thumbnail of the therapist's own clinic."""
    media = media_for_therapist(request.user, media_id)  # type: ignore[arg-type]
    return media_response(media, variant, request.headers.get("Range", ""))
