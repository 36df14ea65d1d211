"""Patients' rights over their own data: a full download, and deletion on request.

The patient downloads everything from Settings (one JSON file, or CSV tables in a ZIP) and may ask
for their data to be deleted; a clinic admin of their clinic confirms or declines the request
(workspace.views.data_rights).
Therapists have their own exports on the record, so the patient's downloads are theirs alone.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from patient.forms import DeletionRequestForm
from patient.views.phone import INVALID, SETTINGS, settings_context
from tracker.access import patient_required
from tracker.models import PatientProfile
from tracker.selectors.export import (
    adherence_rows,
    checkin_rows,
    contents_rows,
    csv_zip,
    export_filename,
    flag_rows,
    outcome_rows,
    patient_record_tables,
    program_rows,
    session_rows,
    session_summary_rows,
)
from tracker.selectors.patient_data import patient_data
from tracker.services.audit import audit_record
from tracker.services.data_rights import (
    deletion_request_cancel,
    deletion_request_create,
)

# --- The patient's downloads ---------------------------------------------------------------


def _download(body: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Health data: no browser or proxy cache may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


def _patient(request: HttpRequest) -> PatientProfile:
    return request.patient  # type: ignore[attr-defined]


@require_GET
@patient_required
def download_json(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    body = json.dumps(patient_data(patient), ensure_ascii=False, indent=2)
    audit_record(
        action="patient.data_downloaded", request=request, patient=patient, detail={"as": "json"}
    )
    return _download(
        body, "application/json; charset=utf-8", export_filename(patient.user, "data.json")
    )


@require_GET
@patient_required
def download_csv(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    # The same as the one-file download, every part of it a table.
    record = patient_record_tables(patient_data(patient))
    tables = {
        "account.csv": record.pop("account.csv"),
        "checkins.csv": checkin_rows(patient),
        "sessions.csv": session_summary_rows(patient),
        "exercise_logs.csv": session_rows(patient),
        "programs.csv": program_rows(patient),
        "flags.csv": flag_rows(patient),
        "adherence.csv": adherence_rows(patient),
        "outcome_measures.csv": outcome_rows(patient),
        **record,
    }
    body = csv_zip({"contents.csv": contents_rows(["contents.csv", *tables]), **tables})
    audit_record(
        action="patient.data_downloaded", request=request, patient=patient, detail={"as": "csv"}
    )
    return _download(body, "application/zip", export_filename(patient.user, "data-csv.zip"))


# --- The patient's request to delete ---------------------------------------------------------


def _deletion_answer(request: HttpRequest, patient: PatientProfile, message: str) -> HttpResponse:
    """htmx gets the Settings page's deletion part; a plain form goes back to Settings."""
    if request.htmx:  # type: ignore[attr-defined]
        context = settings_context(patient) | {"deletion_message": message}
        return render(request, f"{SETTINGS}#deletion", context)
    messages.success(request, message)
    return redirect(reverse("patient-settings") + "#settings-data")


@require_POST
@vary_on_headers("HX-Request")
@patient_required
def deletion_request(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    form = DeletionRequestForm(request.POST)
    if not form.is_valid():
        # The box was not ticked (or the note is too long): say so beside it, keep the note.
        context = settings_context(patient, deletion_form=form)
        template = f"{SETTINGS}#deletion" if request.htmx else SETTINGS  # type: ignore[attr-defined]
        return render(request, template, context, status=INVALID)
    deletion_request_create(patient=patient, reason=form.cleaned_data["reason"], request=request)
    return _deletion_answer(
        request, patient, _("Your request is with your clinic. We'll show their answer here.")
    )


@require_POST
@vary_on_headers("HX-Request")
@patient_required
def deletion_cancel(request: HttpRequest) -> HttpResponse:
    patient = _patient(request)
    cancelled = deletion_request_cancel(patient=patient, request=request)
    message = (
        _("Your request is cancelled. Nothing was deleted.")
        if cancelled
        else _("There was no request waiting, so there was nothing to cancel.")
    )
    return _deletion_answer(request, patient, message)
