"""A patient's record for the therapist: charts, logs, flags, notes, and its exports.

Every view of a record, and every export, is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from tracker import charts
from tracker.access import patient_for_therapist, therapist_required
from tracker.models import PatientProfile
from tracker.selectors.export import (
    adherence_rows,
    checkin_rows,
    csv_lines,
    export_filename,
    outcome_rows,
    session_rows,
)
from tracker.selectors.record import DEFAULT_WINDOW, WINDOWS, PatientRecord, patient_record
from tracker.services.audit import audit_record
from tracker.services.invites import invite_expires_at
from tracker.services.therapist_notes import note_add
from workspace.forms import FlagActionForm, GoalForm, NoteForm
from workspace.views import outcomes
from workspace.views.caseload import partial_or_page, redirect_after_post


def record_charts(record: PatientRecord) -> dict[str, SafeString]:
    sleep = record.series("sleep_hours")
    most_sleep = max((v for _d, v in sleep if v is not None), default=0.0)
    return {
        "pain": charts.line_chart(
            record.series("pain"), y_min=0, y_max=10, label=_("Pain now (0–10)")
        ),
        "worst_pain": charts.line_chart(
            record.series("worst_pain"), y_min=0, y_max=10, label=_("Worst pain in 24 hours")
        ),
        "sleep_quality": charts.line_chart(
            record.series("sleep_quality"), y_min=0, y_max=10, label=_("Sleep quality (0–10)")
        ),
        "sleep_hours": charts.line_chart(
            sleep, y_min=0, y_max=max(10.0, most_sleep), label=_("Sleep"), unit=" h"
        ),
        "stress": charts.line_chart(
            record.series("stress"), y_min=0, y_max=10, label=_("Stress (0–10)")
        ),
        "adherence": charts.adherence_calendar(record.adherence),
    }


def _window(request: HttpRequest) -> int:
    try:
        days = int(request.GET.get("days", DEFAULT_WINDOW))
    except ValueError:
        return DEFAULT_WINDOW
    return days if days in WINDOWS else DEFAULT_WINDOW


@require_GET
@therapist_required
@vary_on_headers("HX-Request")
def record(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    data = patient_record(patient, window_days=_window(request))
    audit_record(
        action="patient.viewed",
        request=request,
        patient=patient,
        detail={"days": data.window_days},
    )
    template = partial_or_page(request, "workspace/record.html", "window")
    return render(request, template, record_context(request, patient, data=data))


def record_context(
    request: HttpRequest,
    patient: PatientProfile,
    *,
    data: PatientRecord | None = None,
    goal_form: GoalForm | None = None,
) -> dict[str, Any]:
    """Everything the whole record page shows; a goal form passed in keeps its errors."""
    data = data or patient_record(patient, window_days=_window(request))
    expires_at = invite_expires_at(patient)
    return {
        "patient": patient,
        "record": data,
        "charts": record_charts(data),
        "windows": WINDOWS,
        "note_form": NoteForm(),
        "action_form": FlagActionForm(),
        "invite_expires_at": expires_at,
        "invite_expired": expires_at is not None and expires_at < timezone.now(),
        "here": request.get_full_path(),
        "goal_form": goal_form or outcomes.goal_form(patient),
    } | outcomes.outcome_context(patient)


@require_POST
@therapist_required
def note_create(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    form = NoteForm(request.POST)
    target = reverse("therapist-record", args=[patient.pk]) + "#notes"
    if form.is_valid():
        note_add(
            patient=patient,
            author=request.user,  # type: ignore[arg-type]
            text=form.cleaned_data["text"],
            request=request,
        )
        messages.success(request, _("Note saved."))
    else:
        messages.error(request, _("The note was empty or too long; nothing was saved."))
    return redirect_after_post(request, target)


def _csv_response(rows: Iterator[list[str]], filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


def _export(
    request: HttpRequest,
    patient_id: int,
    what: str,
    rows: Callable[[PatientProfile], Iterator[list[str]]],
) -> StreamingHttpResponse:
    """One of the patient's CSV files, written to the audit trail as an export."""
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    audit_record(action="patient.exported", request=request, patient=patient, detail={"what": what})
    return _csv_response(rows(patient), export_filename(patient.user, f"{what}.csv"))


@require_GET
@therapist_required
def export_checkins(request: HttpRequest, patient_id: int) -> StreamingHttpResponse:
    return _export(request, patient_id, "checkins", checkin_rows)


@require_GET
@therapist_required
def export_sessions(request: HttpRequest, patient_id: int) -> StreamingHttpResponse:
    return _export(request, patient_id, "sessions", session_rows)


@require_GET
@therapist_required
def export_adherence(request: HttpRequest, patient_id: int) -> StreamingHttpResponse:
    return _export(request, patient_id, "adherence", adherence_rows)


@require_GET
@therapist_required
def export_outcomes(request: HttpRequest, patient_id: int) -> StreamingHttpResponse:
    return _export(request, patient_id, "outcomes", outcome_rows)


@require_GET
@therapist_required
def progress_report(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A printable report: program, adherence, charts and flags of the chosen window."""
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    data = patient_record(patient, window_days=_window(request))
    audit_record(
        action="patient.exported",
        request=request,
        patient=patient,
        detail={"what": "report", "days": data.window_days},
    )
    flags_in_window = [
        f for f in data.flags if f.is_open or (f.resolved_on and f.resolved_on >= data.window_start)
    ]
    response = render(
        request,
        "workspace/report.html",
        {
            "patient": patient,
            "record": data,
            "charts": record_charts(data),
            "flags": flags_in_window,
            **outcomes.outcome_context(patient),
            "windows": WINDOWS,
            "means": {
                "pain": data.mean("pain", data.window_days),
                "pain_7d": data.mean("pain"),
                "sleep_hours": data.mean("sleep_hours", data.window_days),
                "sleep_quality": data.mean("sleep_quality", data.window_days),
                "stress": data.mean("stress", data.window_days),
            },
        },
    )
    response["Cache-Control"] = "no-store"
    return response
