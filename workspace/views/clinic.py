"""The Clinic page: the clinic's administration in one place, apart from the clinical work.

The navigation keeps Caseload, Flags, Library and Invite in reach; everything else (imports,
delivery problems, data requests, security, the clinic's look, the audit log, one's own
two-factor sign-in)
is listed here, with the background jobs' heartbeat for the clinic admin.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tracker.access import clinic_admin_required, therapist_required
from tracker.selectors.data_rights import deletion_requests_pending_count
from tracker.selectors.operations import background_status
from tracker.services.branding import clinic_look_update
from workspace.forms import ClinicLookForm
from workspace.views.caseload import add_service_errors


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


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def clinic_look(request: HttpRequest) -> HttpResponse:
    """The clinic's logo and accent colour, for patient screens, emails and the handout."""
    clinic = request.user.clinic  # type: ignore[union-attr]
    if request.method == "POST":
        form = ClinicLookForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                changed = clinic_look_update(
                    clinic=clinic,
                    accent_colour=form.cleaned_data["accent_colour"],
                    logo=form.cleaned_data["logo"],
                    remove_logo=form.cleaned_data["remove_logo"],
                    request=request,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("The clinic's look is saved.") if changed else _("Nothing changed.")
                )
                return redirect("therapist-clinic-look")
        status = 422  # the page comes back with each message beside its field
    else:
        form = ClinicLookForm(initial={"accent_colour": clinic.accent_colour})
        status = 200
    return render(
        request, "workspace/clinic_look.html", {"form": form, "clinic": clinic}, status=status
    )
