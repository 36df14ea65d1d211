"""Per-role idle logoff: the session's expiry slides forward as the user keeps using the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

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
