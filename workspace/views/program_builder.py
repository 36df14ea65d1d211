"""Building and editing a patient's program from the library.

The list of prescribed exercises is one partial: adding, re-dosing, moving or removing an
exercise through htmx answers with that partial only, so the therapist keeps the library
search and their scroll position (a full reload after every dosage tweak would cost the
minute they have). Starting a program or editing its details redirects, like other POSTs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from tracker.access import (
    exercise_for_therapist,
    patient_for_therapist,
    prescription_for_therapist,
    program_for_therapist,
    template_for_therapist,
    templates_visible_to,
    therapist_required,
)
from tracker.models import Exercise, PatientProfile, PrescribedExercise, Program, ProgramMeasure
from tracker.selectors.handout import program_handout
from tracker.selectors.library import exercise_search
from tracker.selectors.record import current_prescriptions, current_program
from tracker.services.audit import audit_record
from tracker.services.prescribing import PrescriptionChanged, prescription_version
from tracker.services.program_builder import (
    program_details_update,
    program_dosage_change,
    program_exercise_add,
    program_exercise_move,
    program_exercise_remove,
    program_start,
)
from workspace.forms import (
    DosageForm,
    ExerciseSearchForm,
    MeasureForm,
    PrescriptionVersionForm,
    ProgramDetailsForm,
    ProgramStartForm,
)
from workspace.views import outcomes
from workspace.views.caseload import add_service_errors, partial_or_page, redirect_after_post

TEMPLATE = "workspace/program.html"


def _builder_url(patient: PatientProfile) -> str:
    return reverse("therapist-program", args=[patient.pk])


@dataclass(frozen=True)
class BuilderRow:
    prescription: PrescribedExercise
    form: DosageForm
    previous: PrescribedExercise | None  # the version before this one, if the dosage changed
    notice: str = ""  # why an edit of this exercise was not made, shown next to it

    @property
    def version(self) -> str:
        return prescription_version(self.prescription)


def _rows(
    program: Program | None,
    bound: DosageForm | None = None,
    bound_pk: int | None = None,
    notices: dict[object, str] | None = None,
) -> list[BuilderRow]:
    """Each current exercise with its dosage form and the version it replaced (2 queries).

    ``notices`` are keyed by line, so a notice lands on the version now in force.
    """
    if program is None:
        return []
    notices = notices or {}
    previous: dict[object, PrescribedExercise] = {}
    for old in PrescribedExercise.objects.filter(program=program, valid_to__isnull=False).order_by(
        "valid_to", "id"
    ):
        previous[old.line] = old  # the latest closed version of each line wins
    return [
        BuilderRow(
            prescription=p,
            form=bound
            if bound is not None and p.pk == bound_pk
            else DosageForm(prefix=f"rx{p.pk}", initial=DosageForm.initial_for(p)),
            previous=previous.get(p.line),
            notice=notices.get(p.line, ""),
        )
        for p in current_prescriptions(program)
    ]


def search_library(user: Any, form: ExerciseSearchForm) -> list[Exercise]:
    """The library search as the form asks for it; an invalid form searches everything."""
    data = form.cleaned_data if form.is_valid() else {}
    return exercise_search(
        user,
        q=data.get("q", ""),
        category=data.get("category", ""),
        body_region=data.get("body_region", ""),
    )


def _start_form(
    request: HttpRequest, patient: PatientProfile, data: Any = None
) -> ProgramStartForm:
    return ProgramStartForm(
        data,
        templates=templates_visible_to(request.user),  # type: ignore[arg-type]
        initial={"start_date": patient.local_today()},
    )


def builder_context(
    request: HttpRequest,
    patient: PatientProfile,
    *,
    measure_form: MeasureForm | None = None,
) -> dict[str, Any]:
    return _context(request, patient, measure_form=measure_form)


def _context(
    request: HttpRequest,
    patient: PatientProfile,
    *,
    start_form: ProgramStartForm | None = None,
    details_form: ProgramDetailsForm | None = None,
    rows: list | None = None,
    measure_form: MeasureForm | None = None,
) -> dict[str, Any]:
    program = current_program(patient)
    search_form = ExerciseSearchForm(request.GET)
    rows = rows if rows is not None else _rows(program)
    context: dict[str, Any] = {
        "patient": patient,
        "program": program,
        "start_form": start_form or _start_form(request, patient),
        "search_form": search_form,
        "results": search_library(request.user, search_form) if program else [],
        "in_program": {row.prescription.exercise_id for row in rows},
        "rows": rows,
        "today": patient.local_today(),
    }
    if program is not None:
        context["measures"] = list(
            ProgramMeasure.objects.filter(program=program).select_related("questionnaire")
        )
        context["measure_form"] = measure_form or outcomes.measure_form()
        context["details_form"] = details_form or ProgramDetailsForm(
            initial={
                "title": program.title,
                "goal": program.goal,
                "phase_end_date": program.phase_end_date,
                "status": program.status,
            }
        )
    return context


@require_GET
@therapist_required
@vary_on_headers("HX-Request")
def builder(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    return render(request, TEMPLATE, _context(request, patient))


@require_GET
@therapist_required
def library_search(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Live search of the library (htmx): the results partial only."""
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    form = ExerciseSearchForm(request.GET)
    program = current_program(patient)
    context = {
        "patient": patient,
        "program": program,
        "results": search_library(request.user, form),
        "in_program": _exercises_in(program),
        "search_form": form,
    }
    return render(request, partial_or_page(request, TEMPLATE, "library-results"), context)


@require_POST
@therapist_required
def start(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    form = _start_form(request, patient, request.POST)
    if not form.is_valid():
        return render(request, TEMPLATE, _context(request, patient, start_form=form), status=400)
    template = form.cleaned_data["template"]
    if template is not None:
        template = template_for_therapist(request.user, template.pk)  # type: ignore[arg-type]
    program_start(
        patient=patient,
        therapist=request.user,  # type: ignore[arg-type]
        title=form.cleaned_data["title"],
        goal=form.cleaned_data["goal"],
        start_date=form.cleaned_data["start_date"],
        phase_end_date=form.cleaned_data["phase_end_date"],
        template=template,
        request=request,
    )
    messages.success(request, _("Program started."))
    return redirect_after_post(request, _builder_url(patient))


@require_POST
@therapist_required
def details(request: HttpRequest, program_id: int) -> HttpResponse:
    program = program_for_therapist(request.user, program_id)  # type: ignore[arg-type]
    patient = program.patient
    form = ProgramDetailsForm(request.POST)
    if form.is_valid():
        try:
            program_details_update(
                program=program,
                actor=request.user,  # type: ignore[arg-type]
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Program details saved."))
            return redirect_after_post(request, _builder_url(patient))
    return render(request, TEMPLATE, _context(request, patient, details_form=form), status=400)


def _exercises_in(program: Program | None) -> set[int]:
    """The exercises in force in the program: the library marks them "In the program"."""
    if program is None:
        return set()
    return set(
        PrescribedExercise.objects.filter(program=program, valid_to__isnull=True).values_list(
            "exercise_id", flat=True
        )
    )


def _prescriptions_response(
    request: HttpRequest,
    program: Program,
    rows: list | None = None,
    *,
    highlight: PrescribedExercise | None = None,
    added: Exercise | None = None,
) -> HttpResponse:
    """The prescriptions partial for htmx; without htmx the page (with errors) or a redirect.

    ``highlight`` is the exercise the therapist should see now (the one just added, or the
    one already there): the page scrolls to it. ``added`` is the library exercise whose
    entry now says "In the program" (swapped out of band).
    """
    patient = program.patient
    if request.htmx:  # type: ignore[attr-defined]
        context = {
            "patient": patient,
            "program": program,
            "rows": rows if rows is not None else _rows(program),
            "today": patient.local_today(),
            "highlight": highlight.pk if highlight is not None else None,
            "ex": added,
            "in_program": {added.pk} if added is not None else set(),
        }
        return render(request, "workspace/_program_added.html", context)
    if rows is not None:
        return render(request, TEMPLATE, _context(request, patient, rows=rows), status=400)
    if highlight is not None:
        return redirect(f"{_builder_url(patient)}#rx-{highlight.pk}")
    return redirect(_builder_url(patient))


@require_POST
@therapist_required
def add_exercise(request: HttpRequest, program_id: int, exercise_id: int) -> HttpResponse:
    program = program_for_therapist(request.user, program_id)  # type: ignore[arg-type]
    exercise = exercise_for_therapist(request.user, exercise_id)  # type: ignore[arg-type]
    if program.status == Program.Status.COMPLETED:
        messages.error(request, _("This program is completed; start a new one to add exercises."))
        return redirect(_builder_url(program.patient))
    already = next(
        (p for p in current_prescriptions(program) if p.exercise_id == exercise.pk), None
    )
    if already is not None:
        # Twice in one program is a mistake a therapist would not see (the new row lands
        # below the fold); a second dosage is a change of the one there.
        messages.error(
            request,
            _("%(name)s is already in the program. Change its dosage there instead.")
            % {"name": exercise.name},
        )
        return _prescriptions_response(request, program, highlight=already, added=exercise)
    prescription = program_exercise_add(
        program=program,
        exercise=exercise,
        actor=request.user,  # type: ignore[arg-type]
        request=request,
    )
    messages.success(request, _("%(name)s added to the program.") % {"name": exercise.name})
    return _prescriptions_response(request, program, highlight=prescription, added=exercise)


def _edit_refused_response(
    request: HttpRequest, prescription: PrescribedExercise, *, removing: bool
) -> HttpResponse:
    """Another edit of this exercise came first: say so next to it, with what is current.

    htmx gets the list with 200, as for any edit (htmx swaps only successful answers); the
    page without htmx answers 409 Conflict. Nothing was written, so nothing is audited.
    """
    program = prescription.program
    notice = _("This exercise was changed meanwhile — here is the current version.")
    # Versions of one exercise share its line: the notice lands on the one in force now.
    rows = _rows(program, notices={prescription.line: notice})
    if not any(row.notice for row in rows):
        if removing:
            messages.info(request, _("This exercise was already removed from the program."))
        else:
            messages.error(
                request,
                _("This exercise was removed from the program meanwhile; nothing was changed."),
            )
    if request.htmx:  # type: ignore[attr-defined]
        return _prescriptions_response(request, program, rows=rows)
    return render(request, TEMPLATE, _context(request, program.patient, rows=rows), status=409)


@require_POST
@therapist_required
def change_dosage(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = prescription_for_therapist(request.user, prescription_id)  # type: ignore[arg-type]
    program = prescription.program
    form = DosageForm(request.POST, prefix=f"rx{prescription.pk}")
    if not form.is_valid():
        if prescription.valid_to is not None:
            # Errors on a form for a version that is gone: the conflict is the news.
            return _edit_refused_response(request, prescription, removing=False)
        return _prescriptions_response(
            request, program, rows=_rows(program, bound=form, bound_pk=prescription.pk)
        )
    try:
        program_dosage_change(
            prescription=prescription,
            dosage=form.dosage(),
            notes=form.cleaned_data["notes"],
            based_on=form.based_on(),
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except PrescriptionChanged:
        return _edit_refused_response(request, prescription, removing=False)
    return _prescriptions_response(request, program)


@require_POST
@therapist_required
def move(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = prescription_for_therapist(request.user, prescription_id)  # type: ignore[arg-type]
    offset = -1 if request.POST.get("direction") == "up" else 1
    try:
        program_exercise_move(
            prescription=prescription,
            offset=offset,
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return _prescriptions_response(request, prescription.program)


@require_POST
@therapist_required
def remove(request: HttpRequest, prescription_id: int) -> HttpResponse:
    prescription = prescription_for_therapist(request.user, prescription_id)  # type: ignore[arg-type]
    form = PrescriptionVersionForm(request.POST)
    form.is_valid()  # the version is optional and never invalid
    try:
        program_exercise_remove(
            prescription=prescription,
            based_on=form.based_on(),
            actor=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except PrescriptionChanged:
        return _edit_refused_response(request, prescription, removing=True)
    return _prescriptions_response(request, prescription.program)


@require_GET
@therapist_required
def handout(request: HttpRequest, patient_id: int) -> HttpResponse:
    """The patient's program as a handout to print, with the clinic's name and logo."""
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    audit_record(
        action="patient.exported", request=request, patient=patient, detail={"what": "handout"}
    )
    response = render(
        request,
        "tracker/handout.html",
        {
            "handout": program_handout(patient),
            "back_url": _builder_url(patient),
            "back_label": _("Back to the program"),
        },
    )
    response["Cache-Control"] = "no-store"
    return response
