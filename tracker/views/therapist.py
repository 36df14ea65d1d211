"""The therapist's workspace."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.access import patients_visible_to, therapist_required
from tracker.selectors.operations import background_status


@therapist_required
def caseload(request: HttpRequest) -> HttpResponse:
    patients = (
        patients_visible_to(request.user)  # type: ignore[arg-type]
        .filter(therapist=request.user)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    return render(
        request,
        "tracker/therapist/caseload.html",
        {"patients": patients, "background": background_status()},
    )
