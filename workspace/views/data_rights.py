"""A clinic admin's decisions on patients' requests to delete their data.

The patient asks from Settings (patient.views.data_rights); a clinic admin of their clinic
confirms or declines the request here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tracker.access import clinic_admin_required, deletion_request_for_admin
from tracker.models import DeletionRequest, User
from tracker.selectors.data_rights import deletion_requests_decided, deletion_requests_pending
from tracker.services.data_rights import deletion_request_decline, patient_data_delete
from workspace.forms import DeletionConfirmForm, DeletionDeclineForm

REQUESTS_PAGE = "workspace/deletion_requests.html"


# --- The clinic admin's decisions ------------------------------------------------------------


def _confirm_form(item: DeletionRequest, data: Any = None) -> DeletionConfirmForm:
    return DeletionConfirmForm(
        data, patient_email=item.patient.user.email, auto_id=f"id_%s_{item.pk}"
    )


def _decline_form(item: DeletionRequest, data: Any = None) -> DeletionDeclineForm:
    return DeletionDeclineForm(data, auto_id=f"id_%s_{item.pk}")


def _requests_page(
    request: HttpRequest,
    *,
    bound: dict[int, dict[str, Any]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The pending requests, each with its two forms; ``bound`` keeps one row's bad input."""
    user: User = request.user  # type: ignore[assignment]
    bound = bound or {}
    rows = [
        {
            "item": item,
            "confirm_form": bound.get(item.pk, {}).get("confirm") or _confirm_form(item),
            "decline_form": bound.get(item.pk, {}).get("decline") or _decline_form(item),
        }
        for item in deletion_requests_pending(user.clinic_id)  # type: ignore[arg-type]
    ]
    context = {"rows": rows, "decided": deletion_requests_decided(user.clinic_id)}  # type: ignore[arg-type]
    return render(request, REQUESTS_PAGE, context, status=status)


@require_GET
@clinic_admin_required
def deletion_requests(request: HttpRequest) -> HttpResponse:
    return _requests_page(request)


@require_POST
@clinic_admin_required
def deletion_confirm(request: HttpRequest, request_id: int) -> HttpResponse:
    item = deletion_request_for_admin(request.user, request_id)  # type: ignore[arg-type]
    if item.status != DeletionRequest.Status.PENDING:
        messages.error(request, _("This request is no longer waiting; nothing was deleted."))
        return redirect("therapist-deletion-requests")
    form = _confirm_form(item, request.POST)
    if not form.is_valid():
        return _requests_page(request, bound={item.pk: {"confirm": form}}, status=400)
    try:
        outcome = patient_data_delete(
            deletion_request=item,
            admin=request.user,  # type: ignore[arg-type]
            request=request,
        )
    except ValidationError as exc:  # the patient cancelled a moment ago
        messages.error(request, " ".join(exc.messages))
        return redirect("therapist-deletion-requests")
    messages.success(
        request,
        _(
            "The data of %(email)s has been deleted. The audit log keeps who viewed or changed "
            "the record, as patient #%(ref)s."
        )
        % {"email": outcome.email, "ref": outcome.patient_ref},
    )
    return redirect("therapist-deletion-requests")


@require_POST
@clinic_admin_required
def deletion_decline(request: HttpRequest, request_id: int) -> HttpResponse:
    item = deletion_request_for_admin(request.user, request_id)  # type: ignore[arg-type]
    if item.status != DeletionRequest.Status.PENDING:
        messages.error(request, _("This request is no longer waiting."))
        return redirect("therapist-deletion-requests")
    form = _decline_form(item, request.POST)
    if not form.is_valid():
        return _requests_page(request, bound={item.pk: {"decline": form}}, status=400)
    try:
        deletion_request_decline(
            deletion_request=item,
            admin=request.user,  # type: ignore[arg-type]
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("therapist-deletion-requests")
    messages.success(
        request,
        _("Declined. %(email)s will see your note on their Settings page.")
        % {"email": item.patient.user.email},  # type: ignore[union-attr]
    )
    return redirect("therapist-deletion-requests")
