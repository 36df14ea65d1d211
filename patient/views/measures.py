"""Questionnaires on the phone: the one due now, answered once, offline too.

The form is kept on the phone like the check-in when the network is down (``data-offline``),
and carries an id made on the phone, so a resent answer finds the first one instead of
making a second.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from patient.forms import QuestionnaireForm
from patient.views.phone import INVALID, _page, _page_context, _patient
from tracker.access import patient_required
from tracker.models import PatientProfile, ProgramMeasure, QuestionnaireResponse
from tracker.selectors.outcomes import DueMeasure, due_measures, measure_for_patient
from tracker.services.outcomes import response_record

PAGE = "patient/questionnaire.html"


def _named(
    patient: PatientProfile, measure: ProgramMeasure, due: DueMeasure | None
) -> dict[str, str]:
    if due is not None:
        return due.activities
    first = (
        QuestionnaireResponse.objects.filter(
            patient=patient, questionnaire__slug=measure.questionnaire.slug
        )
        .exclude(activities={})
        .order_by("local_date", "id")
        .values_list("activities", flat=True)
        .first()
    )
    return first or {}


def _context(
    patient: PatientProfile,
    measure: ProgramMeasure,
    due: DueMeasure | None,
    form: QuestionnaireForm,
    **extra: Any,
) -> dict[str, Any]:
    spec = measure.questionnaire.spec
    context = _page_context(patient, "today")
    context |= {
        "measure": measure,
        "spec": spec,
        "due": due,
        "form": form,
        "client_id": form.data.get("client_id") if form.is_bound else uuid.uuid4(),
        # As text: a date object would be printed in the page's date format.
        "due_on": form.data.get("due_on")
        if form.is_bound
        else (due.due.due_on.isoformat() if due else ""),
        "items": [(item, form[f"q_{item.key}"]) for item in spec.items],
        "activity_rows": [
            {
                "key": key,
                "name": form.named.get(key),
                "name_field": form[f"name_{key}"] if f"name_{key}" in form.fields else None,
                "rating_field": form[f"rating_{key}"],
            }
            for key in form.rows
        ],
        "saved": False,
    }
    context.update(extra)
    return context


@require_http_methods(["GET", "POST"])
@never_cache
@vary_on_headers("HX-Request")
@patient_required
def questionnaire(request: HttpRequest, measure_id: int) -> HttpResponse:
    patient = _patient(request)
    today = patient.local_today()
    measure = measure_for_patient(patient, measure_id)
    if measure is None or measure.questionnaire.needs_wording:
        raise Http404
    due = next((d for d in due_measures(patient, today) if d.measure.pk == measure.pk), None)
    named = _named(patient, measure, due)
    options = {
        "spec": measure.questionnaire.spec,
        "activity_count": measure.activities,
        "named": named,
        "today": today,
    }
    if request.method == "GET":
        form = QuestionnaireForm(initial={"local_date": today}, **options)
        return render(request, PAGE, _context(patient, measure, due, form))

    form = QuestionnaireForm(request.POST, **options)
    saved = None
    if form.is_valid():
        client_id = form.cleaned_data["client_id"]
        earlier = QuestionnaireResponse.objects.filter(client_id=client_id, patient=patient).first()
        if earlier is not None:
            saved = earlier  # the same answer sent again (kept on the phone, resent): done
        elif due is None or form.cleaned_data["due_on"] != due.due.due_on:
            form.add_error(None, _("You have already answered this questionnaire. Thank you!"))
        else:
            try:
                saved, _created = response_record(
                    patient=patient,
                    questionnaire=measure.questionnaire,
                    measure=measure,
                    client_id=client_id,
                    local_date=max(form.cleaned_data["local_date"], due.due.due_on),
                    due_on=due.due.due_on,
                    occasion=due.due.occasion.value,
                    answers=form.answers(),
                    activities=form.activities(),
                )
            except ValidationError as error:
                form.add_error(None, error)
    if saved is None:
        return _page(request, PAGE, "form", _context(patient, measure, due, form), status=INVALID)
    if not request.htmx:  # type: ignore[attr-defined]
        messages.success(request, _("Thank you! Your answers are saved for your therapist."))
        return HttpResponseRedirect(reverse("patient-today"))
    return _page(request, PAGE, "form", _context(patient, measure, None, form, saved=saved))
