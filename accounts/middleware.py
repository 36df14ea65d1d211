"""Per-role idle logoff (the session's expiry slides forward as the user keeps using the app),
and two-factor sign-in enforced for clinic therapists."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect

from accounts import sign_in

# How far the expiry may lag behind "timeout from now" before it is written again: writing
# the session on every request would cost a database write per page for nothing, so the
# expiry is renewed at most once a minute for therapists and twice a day for patients.
RENEW_FRACTION = 30


def idle_timeout(user: Any) -> timedelta:
    """Patients keep their own phone logged in; therapists (whole caseloads, often on shared
    clinic computers) are logged off quickly. Anyone else gets the stricter limit."""
    if getattr(user, "is_patient", False):
        return settings.REHABIT_PATIENT_IDLE_TIMEOUT
    return settings.REHABIT_THERAPIST_IDLE_TIMEOUT


def session_expiry_refresh(session: SessionBase, user: Any, *, force: bool = False) -> None:
    """Push the session's expiry to `timeout` from now, if it has fallen behind."""
    timeout = idle_timeout(user)
    has_own_expiry = session.get("_session_expiry") is not None
    remaining = timedelta(seconds=session.get_expiry_age()) if has_own_expiry else None
    if force or remaining is None or remaining < timeout - timeout / RENEW_FRACTION:
        # An absolute time, so get_expiry_age() above reads what is left, not the timeout.
        session.set_expiry(timezone.now() + timeout)


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """The role's timeout from the first moment (connected to user_logged_in)."""
    session = getattr(request, "session", None)
    if session is not None:
        session_expiry_refresh(session, user, force=True)


class SessionExpiryMiddleware:
    """Therapists are logged off after 30 idle minutes, patients after 14 idle days.

    Django's session store refuses an expired session, so an idle user arrives at the next
    request logged out and is sent to log in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view: a login in this request has already cycled the session, a logout
        # has flushed it (the user is then anonymous and nothing is set).
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session_expiry_refresh(request.session, user)
        return response


# Pages a therapist who still owes a second factor may open: signing out, the set-up itself,
# and what the browser fetches on its own.
TWO_FACTOR_ALWAYS_OPEN = {"logout", "healthz", "service-worker", "patient-manifest"}
TWO_FACTOR_ENROLMENT = {
    "therapist-two-factor",
    "therapist-two-factor-setup",
    "therapist-two-factor-confirm",
}


class TwoFactorMiddleware:
    """Two-factor sign-in, enforced for clinic therapists on every page.

    - A session not verified with one of the user's current devices (django-otp's
      ``user.is_verified()``: it predates a reset, or was opened without the code) is ended,
      and the user is asked for a code.
    - When the clinic requires two-factor and the therapist has not set it up, every page
      leads to the set-up until it is done.

    A verified session costs only OTPMiddleware's look-up of its device; a therapist without
    two-factor costs one query (has an app been confirmed since, in another session?). The
    clinic's rule comes from the session (accounts.sign_in); patients are never looked at.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        user = request.user
        if not sign_in.two_factor_applies(user):
            return None
        match = request.resolver_match
        view_name = match.view_name if match else ""
        if view_name in TWO_FACTOR_ALWAYS_OPEN:
            return None
        if user.is_verified():  # type: ignore[union-attr]
            return None
        back = request.get_full_path() if request.method == "GET" and not _is_htmx(request) else ""
        if user.has_two_factor:  # type: ignore[union-attr]
            backend = sign_in.session_backend(request)
            logout(request)
            user.backend = backend  # type: ignore[union-attr]
            sign_in.pending_start(request, user, next_url=back)
            return _redirect(request, reverse("login-two-factor"))
        state = sign_in.two_factor_state(request, user)
        if state.clinic_requires and view_name not in TWO_FACTOR_ENROLMENT:
            url = reverse("therapist-two-factor")
            if back:
                url += "?" + urlencode({"next": back})
            return _redirect(request, url)
        return None


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    if _is_htmx(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)
