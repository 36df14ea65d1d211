"""A clinic admin imports a caseload from CSV files: check first, then import.

Both steps call the same service as the `import_logs` command. The checked files wait in
their own table (``ImportStaging``), named by a random id in the "Import now" and "Cancel"
URLs, so "Import now" imports exactly what was checked without the admin choosing the
files again, and nothing of them rides along in the admin's session. Importing, cancelling
or checking other files deletes them; so does the expiry.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from tracker.access import clinic_admin_required, import_staging_for_admin, therapists_of_clinic
from tracker.services.audit import audit_record
from tracker.services.import_staging import (
    FILES,
    import_staging_cancel,
    import_staging_create,
    import_staging_run,
)
from tracker.services.importer import ImportReport, import_caseload
from workspace.forms import ImportForm

TEMPLATE = "workspace/import.html"
MAX_ERRORS_SHOWN = 500
COUNT_LABELS = {  # the importer's count names, in words
    "patients": gettext_lazy("New patients"),
    "patients_already_present": gettext_lazy("Patients already here"),
    "checkins": gettext_lazy("Check-ins"),
    "checkins_already_present": gettext_lazy("Check-ins already here"),
    "session_rows": gettext_lazy("Session rows"),
    "sessions": gettext_lazy("Sessions"),
    "sessions_already_present": gettext_lazy("Sessions already here"),
    "exercise_logs": gettext_lazy("Exercise logs"),
    "exercise_rows_beyond_the_day_s_dose": gettext_lazy("Rows beyond the day's dose (skipped)"),
}
NO_LONGER_WAITING = gettext_lazy("Those files are no longer waiting; please upload them again.")


def _report_context(report: ImportReport) -> dict[str, Any]:
    return {
        "report": report,
        "errors": report.errors[:MAX_ERRORS_SHOWN],
        "errors_hidden": max(0, len(report.errors) - MAX_ERRORS_SHOWN),
        "counts": [
            (COUNT_LABELS.get(name, name.replace("_", " ")), n)
            for name, n in sorted(report.counts.items())
        ],
    }


@require_http_methods(["GET", "POST"])
@clinic_admin_required
def import_caseload_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    therapists = therapists_of_clinic(user)  # type: ignore[arg-type]
    context: dict[str, Any] = {}
    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        therapists=therapists,
        initial={"therapist": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        texts = {name: form.cleaned_data[name] for name in FILES}
        therapist = form.cleaned_data["therapist"]
        report = import_caseload(
            clinic=user.clinic,  # type: ignore[union-attr]
            therapist=therapist,
            patients_csv=texts["patients"],
            checkins_csv=texts["checkins"],
            sessions_csv=texts["sessions"],
            dry_run=True,
        )
        context.update(_report_context(report), checked=True)
        if report.ok:
            context["staging"] = import_staging_create(
                admin=user,  # type: ignore[arg-type]
                therapist=therapist,
                texts=texts,
            )
            context["therapist"] = therapist
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, TEMPLATE, {"form": form, **context}, status=status)


@require_POST
@clinic_admin_required
def import_run(request: HttpRequest, staging_id: uuid.UUID) -> HttpResponse:
    """ "Import now": the checked files, as they were checked; then they are gone."""
    staging = import_staging_for_admin(request.user, staging_id)  # type: ignore[arg-type]
    therapists = therapists_of_clinic(request.user)  # type: ignore[arg-type]
    done = None
    if therapists.filter(pk=staging.therapist_id).exists():
        done = import_staging_run(staging=staging)
    else:  # the chosen therapist left the clinic since the check
        import_staging_cancel(staging=staging)
    if done is None:
        messages.error(request, NO_LONGER_WAITING)
        return redirect("therapist-import")
    if done.report.ok:
        audit_record(
            action="caseload.imported",
            request=request,
            detail={"therapist": done.therapist.email, "counts": dict(done.report.counts)},
        )
    form = ImportForm(therapists=therapists, initial={"therapist": done.therapist.pk})
    context = {**_report_context(done.report), "imported": done.report.ok}
    return render(request, TEMPLATE, {"form": form, **context})


@require_POST
@clinic_admin_required
def import_cancel(request: HttpRequest, staging_id: uuid.UUID) -> HttpResponse:
    staging = import_staging_for_admin(request.user, staging_id)  # type: ignore[arg-type]
    import_staging_cancel(staging=staging)
    messages.info(request, _("Nothing was imported; the checked files are deleted."))
    return redirect("therapist-import")
