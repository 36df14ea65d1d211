"""The therapist's workspace: the caseload and the flags inbox.

htmx requests (live search, filters, paging) get the page's partial; a POST made through
htmx answers with a client redirect, so the browser lands on a fresh, bookmarkable page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from tracker.access import clinic_admin_required, flag_for_therapist, therapist_required
from tracker.selectors.caseload import caseload_page
from tracker.selectors.data_rights import deletion_requests_pending_count
from tracker.selectors.flags import flag_inbox
from tracker.selectors.notifications import notification_problems
from tracker.selectors.operations import background_status
from tracker.services.flag_review import flag_acknowledge, flag_resolve
from workspace.forms import CaseloadFilterForm, FlagActionForm, FlagFilterForm


def redirect_after_post(request: HttpRequest, default: str) -> HttpResponse:
    """Back to where the form was (a `next` field on this site), else to ``default``."""
    target = request.POST.get("next") or default
    # A path on this site only: `redirect()` takes a bare word for a view name to look up.
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = default
    if request.htmx:  # type: ignore[attr-defined]
        return HttpResponseClientRedirect(target)
    return redirect(target)


def add_service_errors(form: Form, exc: ValidationError) -> None:
    """Show a service's validation errors next to the fields they name, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def partial_or_page(request: HttpRequest, template: str, partial: str) -> str:
    """The whole page, or only its named partial when htmx asks (live search, paging)."""
    return f"{template}#{partial}" if request.htmx else template  # type: ignore[attr-defined]


@require_GET
@therapist_required
@vary_on_headers("HX-Request")
def caseload(request: HttpRequest) -> HttpResponse:
    form = CaseloadFilterForm(request.GET)
    filters = form.filters()
    result = caseload_page(request.user, filters, request.GET.get("page"))  # type: ignore[arg-type]
    template = "workspace/caseload.html"
    context = {
        "form": form,
        "whole_clinic": filters.whole_clinic and request.user.is_clinic_admin,  # type: ignore[union-attr]
        "page": result.page,
        "rows": result.rows,
        "query": _query_without_page(request),
    }
    # Shown on the whole page only, not in the navigation, so other pages pay no query.
    if request.user.is_clinic_admin and not request.htmx:  # type: ignore[union-attr,attr-defined]
        # Only an alert while the jobs are stale; the heartbeat is on the Clinic page.
        context["background"] = background_status()
        context["deletion_requests_waiting"] = deletion_requests_pending_count(
            request.user.clinic_id  # type: ignore[union-attr]
        )
        # The evaluation goes on without a bad override, so its admins are told here.
        context["threshold_notices"] = request.user.clinic.flag_threshold_notices()  # type: ignore[union-attr]
    return render(request, partial_or_page(request, template, "results"), context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@require_GET
@therapist_required
@vary_on_headers("HX-Request")
def flags(request: HttpRequest) -> HttpResponse:
    form = FlagFilterForm(request.GET)
    filters = form.filters()
    page = flag_inbox(request.user, filters, request.GET.get("page"))  # type: ignore[arg-type]
    template = "workspace/flags.html"
    context = {
        "form": form,
        "whole_clinic": filters.whole_clinic and request.user.is_clinic_admin,  # type: ignore[union-attr]
        "page": page,
        "action_form": FlagActionForm(),
        "query": _query_without_page(request),
        "here": request.get_full_path(),
    }
    return render(request, partial_or_page(request, template, "results"), context)


@require_POST
@therapist_required
def flag_review(request: HttpRequest, flag_id: int) -> HttpResponse:
    """Acknowledge or resolve a flag, with an optional note."""
    flag = flag_for_therapist(request.user, flag_id)  # type: ignore[arg-type]
    form = FlagActionForm(request.POST)
    action = request.POST.get("action")
    if action not in ("acknowledge", "resolve") or not form.is_valid():
        messages.error(request, _("That did not work: the note is too long or the action unknown."))
        return redirect_after_post(request, reverse("therapist-flags"))
    review = flag_acknowledge if action == "acknowledge" else flag_resolve
    started = timezone.now()
    try:
        reviewed = review(
            flag=flag,
            therapist=request.user,  # type: ignore[arg-type]
            note=form.cleaned_data["note"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = flag.patient.user.display_name
        if action == "resolve":
            messages.success(request, _("Flag for %(name)s resolved.") % {"name": name})
        elif reviewed.acknowledged_at is not None and reviewed.acknowledged_at >= started:
            # Only the request that acknowledged it says so: a repeat changes nothing.
            messages.success(request, _("Flag for %(name)s acknowledged.") % {"name": name})
    return redirect_after_post(request, reverse("therapist-flags"))


@require_GET
@clinic_admin_required
def notification_problems_view(request: HttpRequest) -> HttpResponse:
    """Reminders and alerts that could not be delivered, with the reason, for the clinic admin."""
    rows = notification_problems(request.user.clinic)  # type: ignore[union-attr]
    return render(request, "workspace/notifications.html", {"rows": rows})
