"""A clinic admin imports a caseload from CSV files: check first, then import.

Both steps call the same service as the `import_logs` command. The checked files wait in
the admin's session (compressed) between the two steps, so "Import now" imports exactly
what was checked and the admin does not have to choose the files again; the copy is
dropped as soon as it is imported or replaced by a new upload.
"""

from __future__ import annotations

import base64
import json
import secrets
import zlib
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tracker.access import clinic_admin_required, therapists_of_clinic
from tracker.services.audit import audit_record
from tracker.services.importer import ImportReport, import_caseload
from workspace.forms import ImportForm

TEMPLATE = "workspace/import.html"
STASH_KEY = "tracker.import.checked"
FILES = ("patients", "checkins", "sessions")
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


def _stash(request: HttpRequest, therapist_id: int, texts: dict[str, str | None]) -> str:
    token = secrets.token_urlsafe(16)
    packed = zlib.compress(json.dumps(texts).encode(), level=6)
    request.session[STASH_KEY] = {
        "token": token,
        "therapist": therapist_id,
        "files": base64.b64encode(packed).decode("ascii"),
    }
    return token


def _unstash(request: HttpRequest, token: str) -> dict[str, Any] | None:
    stash = request.session.pop(STASH_KEY, None)
    # As bytes: compare_digest refuses a str with anything but ASCII, and the token comes
    # from the form as typed.
    if not stash or not secrets.compare_digest(stash.get("token", "").encode(), token.encode()):
        return None
    texts = json.loads(zlib.decompress(base64.b64decode(stash["files"])))
    return {"therapist": stash["therapist"], "texts": texts}


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

    if request.method == "POST" and request.POST.get("step") == "import":
        stash = _unstash(request, request.POST.get("token", ""))
        therapist = therapists.filter(pk=stash["therapist"]).first() if stash else None
        if stash is None or therapist is None:
            messages.error(
                request, _("Those files are no longer waiting; please upload them again.")
            )
            return redirect("therapist-import")
        report = import_caseload(
            clinic=user.clinic,  # type: ignore[union-attr]
            therapist=therapist,
            patients_csv=stash["texts"].get("patients"),
            checkins_csv=stash["texts"].get("checkins"),
            sessions_csv=stash["texts"].get("sessions"),
            dry_run=False,
        )
        if report.ok:
            audit_record(
                action="caseload.imported",
                request=request,
                detail={"therapist": therapist.email, "counts": dict(report.counts)},
            )
        form = ImportForm(therapists=therapists, initial={"therapist": therapist.pk})
        context.update(_report_context(report), imported=report.ok)
        return render(request, TEMPLATE, {"form": form, **context})

    form = ImportForm(
        request.POST or None,
        request.FILES or None,
        therapists=therapists,
        initial={"therapist": user.pk},
    )
    if request.method == "POST" and form.is_valid():
        request.session.pop(STASH_KEY, None)
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
            context["token"] = _stash(request, therapist.pk, texts)
            context["therapist"] = therapist
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, TEMPLATE, {"form": form, **context}, status=status)
