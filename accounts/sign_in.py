"""The session side of two-factor sign-in: the half-done sign-in, and the clinic's rule.

Between the password and the code nobody is logged in: the session holds only the pending
user's id, for a few minutes and a few wrong codes. Once logged in, django-otp keeps the device
that verified the session (``django_otp.login``; OTPMiddleware answers ``user.is_verified()``),
and the session keeps whether the clinic requires a second factor, read again at most every
RECHECK_EVERY, so a newly switched-on rule reaches the therapists already signed in within
minutes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest

from tracker.services.two_factor import clinic_requires_two_factor

PENDING_KEY = "accounts.sign_in.pending"
STATE_KEY = "accounts.sign_in.two_factor"
PENDING_FOR = timedelta(minutes=5)
# Wrong codes before the half-done sign-in is dropped (the password must be typed again).
# Each wrong code also counts towards the account's login lockout.
MAX_WRONG_CODES = 5
RECHECK_EVERY = timedelta(minutes=5)
DEFAULT_BACKEND = "accounts.sign_in.ClinicUserBackend"


class ClinicUserBackend(ModelBackend):
    """Django's model backend; the signed-in user arrives with their clinic and, for a
    patient, their profile, in the one query that loads the user on every request anyway.
    (Not the patient's therapist: no patient page shows them.)"""

    def get_user(self, user_id: Any) -> Any:
        users = get_user_model()._default_manager.select_related("clinic", "patient_profile")
        try:
            user = users.get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def user_can_authenticate(self, user: Any) -> bool:
        # A held account's address signs in to another account, never to this one.
        return super().user_can_authenticate(user) and not getattr(user, "held", False)


def two_factor_applies(user: Any) -> bool:
    """Two-factor sign-in is for clinic therapists; patients and site operators pass by."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_therapist", False)
        and user.clinic_id
    )


# --- Between the password and the code ---------------------------------------------------


@dataclass(frozen=True)
class PendingSignIn:
    user_id: int
    backend: str
    next_url: str
    started: float
    wrong_codes: int

    @property
    def expired(self) -> bool:
        age = time.time() - self.started
        return not 0 <= age < PENDING_FOR.total_seconds()


def pending_start(request: HttpRequest, user: Any, *, next_url: str = "") -> None:
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", None) or DEFAULT_BACKEND,
        "next": next_url,
        "started": time.time(),
        "wrong_codes": 0,
    }


def pending_get(request: HttpRequest) -> PendingSignIn | None:
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict):
        return None
    return PendingSignIn(
        user_id=int(data["user"]),
        backend=str(data["backend"]),
        next_url=str(data.get("next") or ""),
        started=float(data["started"]),
        wrong_codes=int(data.get("wrong_codes", 0)),
    )


def pending_wrong_code(request: HttpRequest) -> int:
    """Count one more wrong code; returns how many there have been."""
    data = dict(request.session[PENDING_KEY])
    data["wrong_codes"] = int(data.get("wrong_codes", 0)) + 1
    request.session[PENDING_KEY] = data
    return data["wrong_codes"]


def pending_clear(request: HttpRequest) -> None:
    request.session.pop(PENDING_KEY, None)


def session_backend(request: HttpRequest) -> str:
    return request.session.get(BACKEND_SESSION_KEY) or DEFAULT_BACKEND


# --- The clinic's rule, as a logged-in therapist's session knows it --------------------


def on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected to user_logged_in: start the session's two-factor state (one query, here
    rather than on the first page)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(PENDING_KEY, None)
    if not two_factor_applies(user):
        return
    session[STATE_KEY] = {
        "required": clinic_requires_two_factor(user.clinic_id),
        "checked": time.time(),
    }


def note_clinic_rule(session: SessionBase, *, required: bool) -> None:
    """The admin who changes the rule sees it apply to their own session at once."""
    state = dict(session.get(STATE_KEY) or {})
    if state:
        state.update(required=required, checked=time.time())
        session[STATE_KEY] = state


@dataclass(frozen=True)
class TwoFactorState:
    clinic_requires: bool


def two_factor_state(request: HttpRequest, user: Any) -> TwoFactorState:
    """From the session; the clinic's rule is read from the database only when stale."""
    session = request.session
    state = session.get(STATE_KEY)
    now = time.time()
    if not isinstance(state, dict) or not (
        0 <= now - float(state.get("checked", 0)) < RECHECK_EVERY.total_seconds()
    ):
        state = {"required": clinic_requires_two_factor(user.clinic_id), "checked": now}
        session[STATE_KEY] = state
    return TwoFactorState(clinic_requires=bool(state.get("required")))
