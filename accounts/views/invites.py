"""Inviting patients (therapist side) and accepting an invitation (patient side)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts.sign_in import DEFAULT_BACKEND
from tracker.access import patient_for_therapist, therapist_required, therapists_of_clinic
from tracker.services.invites import (
    InviteOutcome,
    invite_accept,
    invite_resend,
    invite_revoke,
    invite_user_from_link,
    invite_valid_days,
    patient_invite,
)
from workspace.forms import InviteForm
from workspace.views.caseload import add_service_errors, redirect_after_post


def _report_send(request: HttpRequest, outcome: InviteOutcome) -> None:
    email = outcome.patient.user.email
    if outcome.sent:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": email})
    else:
        messages.error(
            request,
            _("The invitation email to %(email)s could not be sent. Try “Resend” in a while.")
            % {"email": email},
        )


@require_http_methods(["GET", "POST"])
@therapist_required
def invite(request: HttpRequest) -> HttpResponse:
    user = request.user
    therapists = therapists_of_clinic(user)  # type: ignore[arg-type]
    form = InviteForm(
        request.POST or None,
        therapists=therapists,
        initial={"timezone": user.timezone, "therapist": user.pk},  # type: ignore[union-attr]
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            outcome = patient_invite(
                actor=user,  # type: ignore[arg-type]
                therapist=data["therapist"],
                full_name=data["full_name"],
                email=data["email"],
                timezone_name=data["timezone"],
                condition=data["condition"],
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            _report_send(request, outcome)
            # The next step in a minute's work: give the new patient a program.
            return redirect_after_post(
                request, reverse("therapist-program", args=[outcome.patient.pk])
            )
    status = 400 if form.is_bound else 200
    return render(
        request,
        "accounts/invite.html",
        {"form": form, "valid_days": invite_valid_days()},
        status=status,
    )


@require_POST
@therapist_required
def resend(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    try:
        outcome = invite_resend(patient=patient, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        _report_send(request, outcome)
    return redirect_after_post(request, reverse("therapist-record", args=[patient.pk]))


@require_POST
@therapist_required
def revoke(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = patient_for_therapist(request.user, patient_id)  # type: ignore[arg-type]
    try:
        invite_revoke(patient=patient, actor=request.user, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Invitation withdrawn: the link sent to the patient no longer works.")
        )
    return redirect_after_post(request, reverse("therapist-record", args=[patient.pk]))


def _link_user_id(uidb64: str) -> int | None:
    try:
        return int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The patient's link from the email: choose a password, then straight to Today.

    The link is used up once the password is set, so the invited patient who opens it again
    (a reload, the email clicked twice) is simply taken to Today. Someone else signed in on
    this browser is asked before being signed out: the link must not silently end their
    session, nor set a password while they are still signed in.
    """
    signed_in = request.user
    invited_is_signed_in = signed_in.is_authenticated and signed_in.pk == _link_user_id(uidb64)
    if invited_is_signed_in and signed_in.is_patient:  # type: ignore[union-attr]
        return redirect("patient-today")
    user = invite_user_from_link(uidb64, token)
    if user is None:
        return render(request, "accounts/invite_accept.html", {"valid": False}, status=404)
    if signed_in.is_authenticated:
        if request.method == "POST" and request.POST.get("switch_account"):
            logout(request)
            return redirect(request.path)
        return render(
            request,
            "accounts/invite_switch.html",
            {"signed_in_as": signed_in, "invitee": user},
            status=409 if request.method == "POST" else 200,
        )
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        invite_accept(user=user, password=form.cleaned_data["new_password1"], request=request)
        login(request, user, backend=DEFAULT_BACKEND)
        messages.success(request, _("Welcome! Your password is set."))
        # Post/redirect/get: the address bar shows Today, and a reload reloads Today.
        return redirect("patient-today")
    return render(
        request,
        "accounts/invite_accept.html",
        {"valid": True, "form": form, "invitee": user},
        status=400 if form.is_bound else 200,
    )
