"""The clinic's audit log for its admins: read and filter it, or download it as CSV.

Only a clinic admin of the clinic sees its events; anyone else gets 404 (tracker/access.py).
Downloading the log is itself an event in it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from tracker.access import clinic_admin_required
from tracker.selectors.audit import AuditFilters, audit_csv_rows, audit_page, audit_people
from tracker.services.audit import audit_record
from workspace.forms import AuditFilterForm
from workspace.views.caseload import partial_or_page
from workspace.views.record import _csv_response

TEMPLATE = "workspace/audit.html"
CURSOR = "older_than"


def _filter_form(request: HttpRequest) -> AuditFilterForm:
    therapists, patients = audit_people(request.user)  # type: ignore[arg-type]
    return AuditFilterForm(request.GET, therapists=therapists, patients=patients)


def _query_without_cursor(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop(CURSOR, None)
    return query.urlencode()


def _render(request: HttpRequest, form: AuditFilterForm, status: int = 200) -> HttpResponse:
    filters = form.filters()
    page = audit_page(request.user, filters, request.GET.get(CURSOR))  # type: ignore[arg-type]
    context = {
        "form": form,
        "page": page,
        "query": _query_without_cursor(request),
        "timezone_name": request.user.timezone,  # type: ignore[union-attr]
    }
    response = render(
        request, partial_or_page(request, TEMPLATE, "results"), context, status=status
    )
    # Who did what to which patient: not for a shared computer's cache.
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@clinic_admin_required
@vary_on_headers("HX-Request")
def audit_log(request: HttpRequest) -> HttpResponse:
    # A filter with bad input is left out and explained beside its field; the rest apply.
    return _render(request, _filter_form(request))


def _filters_detail(filters: AuditFilters) -> dict[str, Any]:
    asked = {
        "action": filters.action,
        "who": filters.who,
        "email": filters.email,
        "patient_ref": filters.patient_ref,
        "from": filters.date_from.isoformat() if filters.date_from else "",
        "to": filters.date_to.isoformat() if filters.date_to else "",
    }
    return {"filters": {name: value for name, value in asked.items() if value}}


@require_GET
@clinic_admin_required
def audit_export(request: HttpRequest) -> HttpResponse:
    """The filtered events as CSV, all of them, not only the page on screen."""
    form = _filter_form(request)
    if not form.is_valid():
        # Never a bigger download than was asked for: back to the page, which says why.
        return _render(request, form, status=400)
    filters = form.filters()
    audit_record(action="audit.exported", request=request, detail=_filters_detail(filters))
    stamp = timezone.localtime(timezone=request.user.tzinfo).strftime("%Y%m%d-%H%M")  # type: ignore[union-attr]
    return _csv_response(
        audit_csv_rows(request.user, filters),  # type: ignore[arg-type]
        f"rehabit-audit-log-{stamp}.csv",
    )
