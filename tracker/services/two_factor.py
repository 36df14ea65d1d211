"""Two-factor sign-in on django-otp: set-up, codes, recovery codes, and the clinic's rule.

A therapist's authenticator app is a django-otp TOTPDevice; it counts only once they have typed
a code their app made from it (the device is then confirmed), so a half-finished set-up never
locks anybody out. The device takes each time step once (no replay, even of two requests in the
same instant: the row is locked while a code is checked) and waits longer after every wrong
code. Recovery codes are the tokens of a StaticDevice, shown once and stored only as keyed
digests; codes handed out before django-otp are still honoured (LegacyRecoveryCode).
"""

from __future__ import annotations

import math
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import segno
from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.models import Clinic, LegacyRecoveryCode, User
from tracker.selectors.two_factor import app_device, recovery_codes_left
from tracker.services.audit import audit_record

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
APP_CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_RANDOM_LENGTH = 9  # about 44 bits, on top of the device's throttle and the lockout
RECOVERY_DIGEST_SALT = "tracker.two_factor.recovery_code"

SecondFactor = Literal["app", "recovery"]


@dataclass(frozen=True)
class CodeCheck:
    """What checking a typed code came to."""

    device: Device | None = None  # the device that accepted it, for django_otp.login()
    factor: SecondFactor | None = None
    # Set when the device is still waiting after wrong codes: the code was not looked at.
    retry_at: datetime | None = None

    @property
    def accepted(self) -> bool:
        return self.device is not None


@dataclass(frozen=True)
class Enrolment:
    app: TOTPDevice
    recovery_codes: list[str]  # in the clear, for the one page that shows them


# --- Codes as typed ----------------------------------------------------------------------


def code_normalize(code: str) -> str:
    """What the person meant: no spaces or dashes, any case."""
    return "".join(code.split()).replace("-", "").lower()


def is_app_code(code: str) -> bool:
    return len(code) == APP_CODE_DIGITS and code.isascii() and code.isdigit()


def is_recovery_code(code: str) -> bool:
    return (
        len(code) == RECOVERY_RANDOM_LENGTH + 1
        and code[0].isascii()
        and code[0].isdigit()
        and all(char in RECOVERY_ALPHABET for char in code[1:])
    )


def _recovery_codes_new() -> list[str]:
    # The first character is the code's place on the list. It only matters for the codes made
    # before django-otp (LegacyRecoveryCode); new ones keep it so every code looks the same.
    return [
        str(slot)
        + "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_RANDOM_LENGTH))
        for slot in range(RECOVERY_CODE_COUNT)
    ]


def recovery_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_token(code: str, *, secret: str | None = None) -> str:
    """What a StaticToken stores for a recovery code: 64 bits of an HMAC keyed with the site's
    SECRET_KEY (a token holds 16 characters), so a copy of the database alone does not give
    the codes away."""
    digest = salted_hmac(
        RECOVERY_DIGEST_SALT, code, secret=secret or settings.SECRET_KEY, algorithm="sha256"
    )
    return digest.hexdigest()[:16]


def _recovery_tokens(code: str) -> list[str]:
    """The code's token under the current key and each previous one (SECRET_KEY_FALLBACKS),
    so rotating the key does not void the codes people have printed."""
    return [
        recovery_token(code, secret=secret)
        for secret in [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    ]


# --- What the set-up page shows --------------------------------------------------------


def provisioning_uri(device: TOTPDevice) -> str:
    return device.config_url


def qr_code_svg(data: str, *, title: str) -> str:
    """The QR code as inline SVG markup: no style attribute or element (the CSP forbids
    inline styles), no XML declaration, sized by the stylesheet through its viewBox."""
    return segno.make(data, error="m").svg_inline(
        scale=4, svgclass="qr-code", lineclass=None, omitsize=True, title=title
    )


def secret_display(device: TOTPDevice) -> str:
    """The key as apps take it (base32), in groups of four for typing in by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Checking codes ----------------------------------------------------------------------


def _lock(user: User) -> None:
    """Changes to a user's two-factor sign-in queue here, one at a time."""
    User.objects.select_for_update().only("pk").get(pk=user.pk)


def _waiting(device: ThrottlingMixin) -> CodeCheck | None:
    allowed, details = device.verify_is_allowed()
    if allowed:
        return None
    return CodeCheck(retry_at=(details or {}).get("locked_until") or timezone.now())


@transaction.atomic
def _app_code_check(user: User, code: str, *, confirmed: bool = True) -> CodeCheck:
    """The device's row stays locked while the code is checked, so two requests with the same
    code cannot both pass; verify_token() then remembers the time step it accepted."""
    if not is_app_code(code):
        return CodeCheck()
    device = (
        TOTPDevice.objects.devices_for_user(user, confirmed=confirmed).select_for_update().first()
    )
    if device is None:
        return CodeCheck()
    if waiting := _waiting(device):
        return waiting
    if device.verify_token(code):
        return CodeCheck(device=device, factor="app")
    return CodeCheck()


@transaction.atomic
def _recovery_code_check(user: User, code: str) -> CodeCheck:
    """A recovery code is used up when it is accepted: its token is deleted."""
    if not is_recovery_code(code):
        return CodeCheck()
    device = StaticDevice.objects.devices_for_user(user, confirmed=True).select_for_update().first()
    if device is None:
        return CodeCheck()
    if waiting := _waiting(device):
        return waiting
    tokens = _recovery_tokens(code)
    stored = device.token_set.filter(token__in=tokens).values_list("token", flat=True).first()
    if stored is None and _legacy_recovery_code_use(user, code):
        # Same bookkeeping as StaticDevice.verify_token() on a match.
        device.throttle_reset(commit=False)
        device.set_last_used_timestamp(commit=False)
        device.save()
        return CodeCheck(device=device, factor="recovery")
    # A miss goes through verify_token() too, so it counts towards the device's throttle.
    if device.verify_token(stored or tokens[0]):
        return CodeCheck(device=device, factor="recovery")
    return CodeCheck()


def _legacy_recovery_code_use(user: User, code: str) -> bool:
    """A code handed out before django-otp, checked against its password hash."""
    legacy = LegacyRecoveryCode.objects.filter(user=user, slot=int(code[0])).first()
    if legacy is None or not check_password(code, legacy.code_hash):
        return False
    legacy.delete()
    return True


def second_factor_verify(*, user: User, code: str, request: HttpRequest | None = None) -> CodeCheck:
    """Check a code from the user's app or one of their recovery codes.

    A recovery code is used up and audited; an app code cannot be accepted a second time.
    """
    code = code_normalize(code)
    check = _app_code_check(user, code)
    if check.accepted or check.retry_at:
        return check
    check = _recovery_code_check(user, code)
    if check.factor == "recovery":
        audit_record(
            action="auth.recovery_code_used",
            actor=user,
            request=request,
            detail={"recovery_codes_left": recovery_codes_left(user)},
        )
    return check


def identity_confirm(*, user: User, password_or_code: str) -> bool:
    """Before a change to sign-in itself: the account's password, or a fresh app code.

    Raises ValidationError when an app code came while the app's device is still waiting after
    wrong codes, so the person is told to wait rather than that the code is wrong.
    """
    check = _app_code_check(user, code_normalize(password_or_code))
    if check.accepted or user.check_password(password_or_code):
        return True
    if check.retry_at:
        raise ValidationError({"password_or_code": wait_message(check.retry_at)})
    return False


# --- Set-up and after ----------------------------------------------------------------------


def _wrong_code(check: CodeCheck) -> ValidationError:
    if check.retry_at:
        return ValidationError({"code": wait_message(check.retry_at)})
    return ValidationError(
        {
            "code": _(
                "That code is not right. Check that the app shows the code for Rehabit, "
                "then type the newest one."
            )
        }
    )


def wait_message(retry_at: datetime) -> str:
    """After each wrong code the device waits twice as long before it looks at another."""
    seconds = max(1, math.ceil((retry_at - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes in a row. Wait %(seconds)d second, then type the newest code.",
        "Too many wrong codes in a row. Wait %(seconds)d seconds, then type the newest code.",
        seconds,
    ) % {"seconds": seconds}


@transaction.atomic
def two_factor_begin(*, user: User) -> TOTPDevice:
    """A new key for the app. It does not count until confirmed with a code."""
    _lock(user)
    if user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is already on."))
    TOTPDevice.objects.devices_for_user(user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def _recovery_codes_replace(user: User) -> list[str]:
    """Ten new recovery codes in the user's StaticDevice; every earlier code stops working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, defaults={"name": RECOVERY_DEVICE_NAME, "confirmed": True}
    )
    device.token_set.all().delete()
    LegacyRecoveryCode.objects.filter(user=user).delete()
    codes = _recovery_codes_new()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_token(code)) for code in codes
    )
    return [recovery_code_display(code) for code in codes]


def two_factor_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> Enrolment:
    """Turn two-factor sign-in on with the first code from the app.

    Returns the recovery codes in the clear: this is the only time anybody sees them.
    """
    if user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is already on."))
    if app_device(user, confirmed=False) is None:
        raise ValidationError(_("Start the set-up first."))
    # Checked in its own transaction, so a wrong code's wait is kept when this one fails.
    check = _app_code_check(user, code_normalize(code), confirmed=False)
    if not check.accepted:
        raise _wrong_code(check)
    with transaction.atomic():
        _lock(user)
        # "On since" counts from the day the app was confirmed, not from the start of set-up.
        confirmed = TOTPDevice.objects.filter(pk=check.device.pk, confirmed=False).update(
            confirmed=True, created_at=timezone.now()
        )
        if not confirmed:  # a second submit of the same form, or a new set-up meanwhile
            raise ValidationError(_("Two-factor sign-in is already on."))
        codes = _recovery_codes_replace(user)
        audit_record(action="auth.two_factor_enabled", actor=user, request=request)
    device: TOTPDevice = check.device  # type: ignore[assignment]
    device.confirmed = True
    return Enrolment(app=device, recovery_codes=codes)


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Returned in the clear, once."""
    _lock(user)
    if not user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is not on."))
    codes = _recovery_codes_replace(user)
    audit_record(action="auth.recovery_codes_regenerated", actor=user, request=request)
    return codes


def _clear(user: User) -> None:
    """Every device goes, so every session verified with one of them must give a code again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    LegacyRecoveryCode.objects.filter(user=user).delete()


def clinic_requires_two_factor(clinic_id: int | None) -> bool:
    if clinic_id is None:
        return False
    return bool(
        Clinic.objects.filter(pk=clinic_id).values_list("require_two_factor", flat=True).first()
    )


@transaction.atomic
def two_factor_disable(*, user: User, request: HttpRequest | None = None) -> None:
    _lock(user)
    if not user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is not on."))
    if user.is_therapist and clinic_requires_two_factor(user.clinic_id):
        raise ValidationError(
            _("Your clinic requires two-factor sign-in, so it cannot be turned off.")
        )
    _clear(user)
    audit_record(action="auth.two_factor_disabled", actor=user, request=request)


@transaction.atomic
def two_factor_reset(*, admin: User, therapist: User, request: HttpRequest | None = None) -> None:
    """A clinic admin clears a therapist's two-factor sign-in (a lost or replaced phone).

    If the clinic requires two-factor, the therapist sets it up again at their next sign-in.
    """
    if therapist.pk == admin.pk or therapist.clinic_id != admin.clinic_id:
        raise ValidationError(_("Clinic admins reset other therapists of their own clinic."))
    _lock(therapist)
    if not TOTPDevice.objects.filter(user=therapist).exists():
        raise ValidationError(
            _("%(name)s has not set up two-factor sign-in; there is nothing to reset.")
            % {"name": therapist.display_name}
        )
    was_on = therapist.has_two_factor
    _clear(therapist)
    audit_record(
        action="auth.two_factor_reset",
        actor=admin,
        request=request,
        target=therapist,
        detail={"therapist": therapist.email, "was_on": was_on},
    )


def clinic_two_factor_require(
    *, admin: User, required: bool, request: HttpRequest | None = None
) -> bool:
    """Turn the clinic's rule on or off. Returns whether anything changed (a double submit
    changes it, and audits it, once)."""
    if required and not admin.has_two_factor:
        raise ValidationError(
            {
                "require_two_factor": _(
                    "Set up two-factor sign-in for your own account first: the rule applies "
                    "to you too."
                )
            }
        )
    changed = (
        Clinic.objects.filter(pk=admin.clinic_id)
        .exclude(require_two_factor=required)
        .update(require_two_factor=required, updated_at=timezone.now())
    )
    if changed:
        audit_record(
            action="clinic.two_factor_required" if required else "clinic.two_factor_not_required",
            actor=admin,
            request=request,
            target=admin.clinic,
        )
    return bool(changed)
