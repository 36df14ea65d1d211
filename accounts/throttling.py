"""Login throttling on top of django-axes: two limits, case-insensitive emails, a kind page.
Password reset requests are counted in Django's cache (no login is attempted, so axes does
not see them).

Axes counts failures for each set in AXES_LOCKOUT_PARAMETERS but compares them all with one
AXES_FAILURE_LIMIT. We want a tighter limit per account and address than per account alone
(see the settings), so the handler scales the per-account count onto the per-address scale.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off
from django.conf import settings
from django.core.cache import cache
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tracker.network import client_ip


def lockout_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The attempted email, lower-cased, so "Pat@X.test" and "pat@x.test" share one count."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD)
    return username.strip().lower() if isinstance(username, str) else None


class RehabitAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a separate, higher limit for an account from anywhere."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # One queryset per entry of AXES_LOCKOUT_PARAMETERS, in order:
        # [account and address, account].
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        if len(counts) < 2:
            return max(counts, default=0)
        per_address, per_account = counts[0], counts[1]
        limit = settings.AXES_FAILURE_LIMIT
        account_limit = settings.REHABIT_AXES_ACCOUNT_FAILURE_LIMIT
        # floor(n * limit / account_limit) reaches `limit` exactly when n reaches account_limit.
        return max(per_address, per_account * limit // account_limit)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """The lockout page: what happened and when to try again, with HTTP 429."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    response = render(
        request,
        settings.AXES_LOCKOUT_TEMPLATE,
        {"cooloff_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    if cool_off:
        response["Retry-After"] = str(int(cool_off.total_seconds()))
    return response


# --- Password reset requests -------------------------------------------------------------


@dataclass(frozen=True)
class ResetAllowance:
    address_ok: bool
    email_ok: bool


def _count(key: str, window: timedelta) -> int:
    """One more request under ``key``; the count lives for one window from the first."""
    cache.add(key, 0, timeout=int(window.total_seconds()))
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this is the first of a new window
        cache.set(key, 1, timeout=int(window.total_seconds()))
        return 1


def password_reset_allowance(request: HttpRequest, email: str) -> ResetAllowance:
    """Count a request for a reset link, per address and per (case-insensitive) email.

    The email is hashed into the key: the cache holds no addresses in the clear.
    """
    window = settings.REHABIT_PASSWORD_RESET_WINDOW
    address = client_ip(request) or "unknown"
    per_address = _count(f"password-reset:address:{address}", window)
    if per_address > settings.REHABIT_PASSWORD_RESET_PER_ADDRESS:
        return ResetAllowance(address_ok=False, email_ok=False)
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_email = _count(f"password-reset:email:{digest}", window)
    return ResetAllowance(
        address_ok=True, email_ok=per_email <= settings.REHABIT_PASSWORD_RESET_PER_EMAIL
    )


def password_reset_wait_response(request: HttpRequest) -> HttpResponse:
    """Too many requests from this address: the same kind page as a login lockout."""
    window = settings.REHABIT_PASSWORD_RESET_WINDOW
    response = render(
        request,
        "registration/password_reset_wait.html",
        {"cooloff_minutes": math.ceil(window.total_seconds() / 60)},
        status=429,
    )
    response["Retry-After"] = str(int(window.total_seconds()))
    return response
