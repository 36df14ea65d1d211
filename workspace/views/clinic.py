"""The Clinic page: the clinic's administration in one place, apart from the clinical work.

The navigation keeps Caseload, Flags, Library and Invite in reach; everything else (imports,
delivery problems, data requests, security, the audit log, one's own two-factor sign-in)
is listed here, with the background jobs' heartbeat for the clinic admin.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tracker.access import therapist_required
from tracker.selectors.data_rights import deletion_requests_pending_count
from tracker.selectors.operations import background_status


@require_GET
@therapist_required
def clinic(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.user.is_clinic_admin:  # type: ignore[union-attr]
        context["background"] = background_status()
        context["deletion_requests_waiting"] = deletion_requests_pending_count(
            request.user.clinic_id  # type: ignore[union-attr]
        )
    return render(request, "workspace/clinic.html", context)
