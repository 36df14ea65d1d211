"""Two-factor sign-in: the code step of logging in, a therapist's own set-up, and the clinic
admin's security page (the clinic's rule, and resetting a therapist's lost phone).

Recovery codes are rendered straight into the response that made them and kept nowhere in
the clear, so they are seen exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import django_otp
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import sign_in
from accounts.forms import (
    AppCodeForm,
    ClinicTwoFactorForm,
    PasswordOrCodeForm,
    SignInCodeForm,
)
from accounts.throttling import lockout_response
from tracker.access import (
    clinic_admin_required,
    clinic_therapist_for_admin,
    therapist_required,
    therapists_of_clinic,
)
from tracker.models import User
from tracker.selectors.two_factor import (
    app_device,
    recovery_codes_left,
    therapists_two_factor,
    two_factor_since,
)
from tracker.services.audit import audit_record
from tracker.services.two_factor import (
    clinic_requires_two_factor,
    clinic_two_factor_require,
    identity_confirm,
    provisioning_uri,
    qr_code_svg,
    recovery_codes_regenerate,
    second_factor_verify,
    secret_display,
    two_factor_begin,
    two_factor_confirm,
    two_factor_disable,
    two_factor_reset,
    wait_message,
)
from workspace.views.caseload import add_service_errors

SIGN_IN_TEMPLATE = "registration/two_factor.html"
ACCOUNT_TEMPLATE = "accounts/two_factor.html"
CODES_TEMPLATE = "accounts/two_factor_codes.html"
SECURITY_TEMPLATE = "accounts/security.html"


def _safe_next(request: HttpRequest, target: str) -> str:
    """``target`` if it stays on this site, else nothing."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- The second step of logging in -------------------------------------------------------


@sensitive_post_parameters("code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The password was right; the code from the app (or a recovery code) completes login."""
    if request.user.is_authenticated:
        return redirect("home")
    pending = sign_in.pending_get(request)
    if pending is None:
        return redirect(settings.LOGIN_URL)
    next_url = _safe_next(request, pending.next_url)
    user = User.objects.filter(pk=pending.user_id, is_active=True).first()
    if pending.expired or user is None or not user.has_two_factor:
        sign_in.pending_clear(request)
        if pending.expired:
            messages.info(request, _("That took too long. Please log in again."))
        return redirect(_with_next(resolve_url(settings.LOGIN_URL), next_url))

    # Wrong codes count against the same lockout as wrong passwords.
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.email}
    if not AxesProxyHandler.is_allowed(request, credentials):
        sign_in.pending_clear(request)
        return lockout_response(request, credentials=credentials)

    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(user=user, code=form.cleaned_data["code"], request=request)
        if check.accepted:
            login(request, user, backend=pending.backend)
            # The session is verified with this device for as long as the device exists.
            django_otp.login(request, check.device)
            if check.factor == "recovery":
                left = recovery_codes_left(user)
                messages.warning(
                    request,
                    ngettext(
                        "You signed in with a recovery code; %(count)d is left. "
                        "Make new ones on your two-factor page.",
                        "You signed in with a recovery code; %(count)d are left. "
                        "Make new ones on your two-factor page.",
                        left,
                    )
                    % {"count": left},
                )
            # Not redirect(): it would take a relative `next` such as "page" for a URL name.
            return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
        # A code the device would not look at yet (it waits after wrong codes) counts as a
        # wrong one too: hammering locks the account out as fast as guessing does.
        wrong_codes = sign_in.pending_wrong_code(request)
        AxesProxyHandler.user_login_failed(
            sender=sign_in_code, credentials=credentials, request=request
        )
        locked_out = bool(getattr(request, "axes_locked_out", False))
        audit_record(
            action="auth.two_factor_failed",
            actor=user,
            request=request,
            detail={"locked_out": True} if locked_out else {},
        )
        if locked_out:
            sign_in.pending_clear(request)
            return lockout_response(request, credentials=credentials)
        if wrong_codes >= sign_in.MAX_WRONG_CODES:
            sign_in.pending_clear(request)
            messages.error(request, _("Too many wrong codes. Please log in again."))
            return redirect(_with_next(resolve_url(settings.LOGIN_URL), next_url))
        form.add_error(
            "code",
            wait_message(check.retry_at)
            if check.retry_at
            else _("That code is not right. Type the newest code your app shows for Rehabit."),
        )
    status = 400 if form.is_bound else 200
    return render(request, SIGN_IN_TEMPLATE, {"form": form}, status=status)


# --- A therapist's own two-factor sign-in -------------------------------------------------


def _account_url(next_url: str = "") -> str:
    return _with_next(reverse("therapist-two-factor"), next_url)


def _next_of(request: HttpRequest) -> str:
    return _safe_next(request, request.POST.get("next") or request.GET.get("next") or "")


def _account_page(request: HttpRequest, *, status: int = 200, **forms: Any) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    since = two_factor_since(user)
    context: dict[str, Any] = {
        "next": _next_of(request),
        "two_factor_on": since is not None,
        "two_factor_since": since,
        "clinic_requires": clinic_requires_two_factor(user.clinic_id),
        "recovery_left": recovery_codes_left(user) if since else 0,
        "confirm_form": forms.get("confirm_form") or AppCodeForm(),
        "disable_form": forms.get("disable_form") or PasswordOrCodeForm(prefix="disable"),
        "codes_form": forms.get("codes_form") or PasswordOrCodeForm(prefix="codes"),
    }
    setting_up = None if since else app_device(user, confirmed=False)
    if setting_up is not None:
        # Our own markup from segno (the title is escaped there): no user input in it.
        context["qr_code"] = mark_safe(  # noqa: S308
            qr_code_svg(provisioning_uri(setting_up), title=_("QR code for your authenticator app"))
        )
        context["secret"] = secret_display(setting_up)
    return render(request, ACCOUNT_TEMPLATE, context, status=status)


def _codes_page(request: HttpRequest, codes: list[str], *, first_time: bool) -> HttpResponse:
    context = {"codes": codes, "first_time": first_time, "next": _next_of(request)}
    return render(request, CODES_TEMPLATE, context)


@require_GET
@never_cache
@therapist_required
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request)


@require_POST
@therapist_required
def setup(request: HttpRequest) -> HttpResponse:
    """A new secret for the app (again, if the person starts over)."""
    try:
        two_factor_begin(user=request.user)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(_account_url(_next_of(request)))


@sensitive_post_parameters("code")
@never_cache
@require_POST
@therapist_required
def confirm(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if user.has_two_factor:
        messages.info(request, _("Two-factor sign-in is already on."))
        return redirect(_account_url(_next_of(request)))
    if app_device(user, confirmed=False) is None:
        messages.info(request, _("Start the set-up first."))
        return redirect(_account_url(_next_of(request)))
    form = AppCodeForm(request.POST)
    if form.is_valid():
        try:
            enrolment = two_factor_confirm(
                user=user, code=form.cleaned_data["code"], request=request
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            # This session has just shown a code from the new app: it stays signed in.
            django_otp.login(request, enrolment.app)
            return _codes_page(request, enrolment.recovery_codes, first_time=True)
    return _account_page(request, confirm_form=form, status=400)


@dataclass(frozen=True)
class StepUp:
    """The outcome of the password-or-code check before a change to sign-in itself."""

    confirmed: bool
    # The pause page, when this try (or an earlier one) locked the account out.
    lockout: HttpResponse | None = None


def _step_up(request: HttpRequest, form: PasswordOrCodeForm, *, purpose: str) -> StepUp:
    """Check the password or code, counting a wrong one towards the sign-in lockout.

    A stolen session must not turn into unlimited guesses at the password: each wrong answer
    counts as a failed sign-in of the account (django-axes), and every try is audited.
    """
    user: User = request.user  # type: ignore[assignment]
    credentials = {settings.AXES_USERNAME_FORM_FIELD: user.email}
    if not AxesProxyHandler.is_allowed(request, credentials):
        audit_record(
            action="auth.step_up_failed",
            request=request,
            detail={"purpose": purpose, "locked_out": True},
        )
        return StepUp(False, lockout_response(request, credentials=credentials))
    if not form.is_valid():  # nothing typed: no guess made
        return StepUp(False)
    try:
        confirmed = identity_confirm(
            user=user, password_or_code=form.cleaned_data["password_or_code"]
        )
    except ValidationError as exc:
        # A code the app's device would not look at yet counts as a wrong one, as at sign-in.
        add_service_errors(form, exc)
        confirmed = False
    else:
        if not confirmed:
            form.add_error(
                "password_or_code",
                _("That is neither your password nor a current code from your app."),
            )
    if confirmed:
        audit_record(action="auth.step_up_confirmed", request=request, detail={"purpose": purpose})
        return StepUp(True)
    AxesProxyHandler.user_login_failed(sender=_step_up, credentials=credentials, request=request)
    locked_out = bool(getattr(request, "axes_locked_out", False))
    audit_record(
        action="auth.step_up_failed",
        request=request,
        detail={"purpose": purpose, **({"locked_out": True} if locked_out else {})},
    )
    if locked_out:
        return StepUp(False, lockout_response(request, credentials=credentials))
    return StepUp(False)


@sensitive_post_parameters("disable-password_or_code")
@require_POST
@therapist_required
def disable(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_two_factor:
        messages.info(request, _("Two-factor sign-in is not on."))
        return redirect(_account_url())
    form = PasswordOrCodeForm(request.POST, prefix="disable")
    step_up = _step_up(request, form, purpose="two_factor_disable")
    if step_up.lockout is not None:
        return step_up.lockout
    if step_up.confirmed:
        try:
            two_factor_disable(user=user, request=request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Two-factor sign-in is off."))
            return redirect(_account_url())
    return _account_page(request, disable_form=form, status=400)


@sensitive_post_parameters("codes-password_or_code")
@never_cache
@require_POST
@therapist_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if not user.has_two_factor:
        messages.info(request, _("Two-factor sign-in is not on."))
        return redirect(_account_url())
    form = PasswordOrCodeForm(request.POST, prefix="codes")
    step_up = _step_up(request, form, purpose="recovery_codes")
    if step_up.lockout is not None:
        return step_up.lockout
    if step_up.confirmed:
        codes = recovery_codes_regenerate(user=user, request=request)
        return _codes_page(request, codes, first_time=False)
    return _account_page(request, codes_form=form, status=400)


# --- The clinic admin's security page ---------------------------------------------------


def _security_page(
    request: HttpRequest, *, form: ClinicTwoFactorForm | None = None, status: int = 200
) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    required = clinic_requires_two_factor(user.clinic_id)
    rows = therapists_two_factor(therapists_of_clinic(user))
    context = {
        "form": form or ClinicTwoFactorForm(initial={"require_two_factor": required}),
        "clinic_requires": required,
        "rows": rows,
        "without_two_factor": sum(1 for row in rows if row.on_since is None),
        "recheck_minutes": int(sign_in.RECHECK_EVERY.total_seconds() // 60),
    }
    return render(request, SECURITY_TEMPLATE, context, status=status)


@require_GET
@clinic_admin_required
def security(request: HttpRequest) -> HttpResponse:
    return _security_page(request)


@require_POST
@clinic_admin_required
def security_require(request: HttpRequest) -> HttpResponse:
    form = ClinicTwoFactorForm(request.POST)
    if form.is_valid():
        required = form.cleaned_data["require_two_factor"]
        try:
            clinic_two_factor_require(
                admin=request.user,  # type: ignore[arg-type]
                required=required,
                request=request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            sign_in.note_clinic_rule(request.session, required=required)
            if required:
                messages.success(request, _("Two-factor sign-in is now required."))
            else:
                messages.success(request, _("Two-factor sign-in is no longer required."))
            return redirect("therapist-security")
    return _security_page(request, form=form, status=400)


@require_POST
@clinic_admin_required
def reset(request: HttpRequest, therapist_id: int) -> HttpResponse:
    """Clear another therapist's two-factor sign-in, for a lost or replaced phone."""
    therapist = clinic_therapist_for_admin(request.user, therapist_id)  # type: ignore[arg-type]
    try:
        two_factor_reset(admin=request.user, therapist=therapist, request=request)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _(
                "Two-factor sign-in of %(name)s is reset. They can set it up again with their "
                "new phone."
            )
            % {"name": therapist.display_name},
        )
    return redirect("therapist-security")
