"""Two-factor sign-in for the tests: pyotp plays the authenticator app on the therapist's phone,
making codes from the key exactly as a real app does (from the base32 key on the set-up page),
independently of django-otp, which checks them."""

from __future__ import annotations

from base64 import b32encode
from datetime import UTC, datetime

import django_otp
import pyotp
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD
from tracker.models import User
from tracker.services.two_factor import two_factor_begin, two_factor_confirm

# A moment in the middle of a 30-second step, so "the same step" and "the next step" are clear.
START = datetime(2026, 3, 2, 9, 0, 10, tzinfo=UTC)
STEP_SECONDS = 30


def app_device(user: User) -> TOTPDevice:
    """The user's newest app key, confirmed or still being set up."""
    return TOTPDevice.objects.filter(user=user).latest("pk")


def app(user: User) -> pyotp.TOTP:
    """The authenticator app, after scanning the user's QR code."""
    return pyotp.TOTP(b32encode(app_device(user).bin_key).decode())


def turn_on(user: User) -> list[str]:
    """Two-factor sign-in on, confirmed with the app's current code; the recovery codes."""
    two_factor_begin(user=user)
    return two_factor_confirm(user=user, code=app(user).now()).recovery_codes


def next_code(user: User) -> str:
    """The app's code one step after the last accepted one: still inside the window of one
    step either side, so it is accepted once without waiting 30 seconds."""
    return app(user).generate_otp(app_device(user).last_t + 1)


def password_step(client: Client, user: User, *, next_url: str | None = None, **extra):
    data = {"username": user.email, "password": PASSWORD}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/login/", data, **extra)


def code_step(client: Client, code: str, **extra):
    return client.post("/login/code/", {"code": code}, **extra)


def login_verified(client: Client, user: User) -> Client:
    """Logged in as if through both steps (force_login alone is not verified)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def is_logged_in_as(client: Client, user: User) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def wrong_codes(user: User, count: int) -> list[str]:
    """Six-digit codes the app would not show now (none of the steps inside the window)."""
    totp = app(user)
    step = totp.timecode(datetime.now(tz=UTC))
    valid = {totp.generate_otp(step + offset) for offset in (-1, 0, 1)}
    candidates = (f"{n:06d}" for n in range(0, 1_000_000, 111_111))
    return [code for code in candidates if code not in valid][:count]


def app_key(user: User) -> str | None:
    """The key of the user's newest app (hex, as django-otp stores it), or None."""
    device = TOTPDevice.objects.filter(user=user).order_by("pk").last()
    return device.key if device else None


def stored_recovery_tokens(user: User) -> list[str]:
    """What the database holds for the user's recovery codes."""
    return sorted(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
