"""Authentication events in the audit trail (HIPAA audit controls): who logged in and out,
and who tried and failed, from where; and a sign-out's end of the push subscriptions its
session made. Connected in TrackerConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from tracker.models import User
from tracker.services.audit import audit_record
from tracker.services.push import push_subscriptions_sign_out

# Longer than any real email; an attacker's megabyte of "email" is not worth keeping.
MAX_ATTEMPTED_EMAIL = 254


def record_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    audit_record(action="auth.login", actor=user, request=request)


def record_logout(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    # Logging out of an already expired session has nobody to name.
    if user is not None:
        audit_record(action="auth.logout", actor=user, request=request)


def forget_push_of_session(
    sender: Any, request: HttpRequest | None, user: User | None, **kwargs: Any
) -> None:
    # Sent before the session is flushed, so its mark can still be read.
    session = getattr(request, "session", None)
    if user is not None and session is not None:
        push_subscriptions_sign_out(user=user, session=session, request=request)


def record_login_failed(
    sender: Any,
    credentials: dict[str, Any],
    request: HttpRequest | None = None,
    **kwargs: Any,
) -> None:
    # Only the attempted email is kept — never the password, not even Django's masked copy.
    attempted = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
    detail: dict[str, Any] = {"email": str(attempted)[:MAX_ATTEMPTED_EMAIL]}
    if request is not None and getattr(request, "axes_locked_out", False):
        detail["locked_out"] = True
    # An attempt on a real account belongs to that account's clinic, so its admins see
    # someone guessing their passwords. The attempt is not the account holder's doing: no
    # actor. The login page answers the same either way; this runs after it has decided.
    account = (
        User.objects.filter(email__iexact=detail["email"], held=False)
        .select_related("clinic")
        .first()
        if detail["email"]
        else None
    )
    audit_record(
        action="auth.login_failed",
        request=request,
        detail=detail,
        target=account,
        clinic=account.clinic if account is not None else None,
    )
