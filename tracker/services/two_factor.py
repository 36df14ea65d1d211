"""Two-factor sign-in (TOTP, RFC 6238): set-up, codes, recovery codes, and the clinic's rule.

A therapist's secret counts only once they have typed a code their app made from it, so a
half-finished set-up never locks anybody out. Every accepted code claims its 30-second time
step with a conditional UPDATE, so one code cannot sign in twice, not even two requests in
the same instant. Recovery codes are shown once and stored only as password hashes.
"""

from __future__ import annotations

import secrets
from typing import Literal

import pyotp
import segno
from django.contrib.auth.hashers import check_password, make_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from pyotp.exceptions import OTPVerificationError

from tracker.models import Clinic, User
from tracker.services.audit import audit_record

ISSUER = "Rehabit"
# One step either side of now: phones whose clocks are up to 30 seconds off still work.
VALID_WINDOW = 1
APP_CODE_DIGITS = 6
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: recovery codes are read off paper and typed by hand.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_RANDOM_LENGTH = 9  # about 44 bits, on top of the slow hash and the login lockout
TWO_FACTOR_FIELDS = ["totp_secret", "totp_confirmed_at", "totp_last_step", "totp_recovery_codes"]

SecondFactor = Literal["app", "recovery"]


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
    # The first character is the code's place in the stored list, so checking a code costs
    # one slow password hash instead of ten (it is not secret: the other nine characters are).
    return [
        str(slot)
        + "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_RANDOM_LENGTH))
        for slot in range(RECOVERY_CODE_COUNT)
    ]


def recovery_code_display(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def recovery_codes_left(user: User) -> int:
    return sum(1 for stored in user.totp_recovery_codes if stored)


# --- What the set-up page shows --------------------------------------------------------


def provisioning_uri(user: User) -> str:
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_code_svg(data: str, *, title: str) -> str:
    """The QR code as inline SVG markup: no style attribute or element (the CSP forbids
    inline styles), no XML declaration, sized by the stylesheet through its viewBox."""
    return segno.make(data, error="m").svg_inline(
        scale=4, svgclass="qr-code", lineclass=None, omitsize=True, title=title
    )


def secret_display(secret: str) -> str:
    """The secret in groups of four, for typing into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


# --- Checking codes ----------------------------------------------------------------------


def _load_locked(user: User) -> None:
    """Refresh the two-factor fields from the locked row: concurrent requests queue here."""
    fresh = User.objects.select_for_update().only(*TWO_FACTOR_FIELDS).get(pk=user.pk)
    for name in TWO_FACTOR_FIELDS:
        setattr(user, name, getattr(fresh, name))


def _app_code_claim(user: User, code: str) -> bool:
    """True if the code matches a current time step not used before; claims that step."""
    if not user.totp_secret or not is_app_code(code):
        return False
    try:
        step = pyotp.TOTP(user.totp_secret).verify_and_get_timecode(code, valid_window=VALID_WINDOW)
    except OTPVerificationError:
        return False
    claimed = (
        User.objects.filter(pk=user.pk, totp_secret=user.totp_secret)
        .filter(Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step))
        .update(totp_last_step=step)
    )
    if claimed:
        user.totp_last_step = step
    return bool(claimed)


@transaction.atomic
def _recovery_code_use(user: User, code: str) -> bool:
    """True if the code is one of the user's unused recovery codes; it is then used up."""
    if not is_recovery_code(code):
        return False
    _load_locked(user)
    slot = int(code[0])
    stored = list(user.totp_recovery_codes)
    if slot >= len(stored) or not stored[slot] or not check_password(code, stored[slot]):
        return False
    stored[slot] = ""  # keeps the other codes in their places
    user.totp_recovery_codes = stored
    user.save(update_fields=["totp_recovery_codes"])
    return True


def second_factor_verify(
    *, user: User, code: str, request: HttpRequest | None = None
) -> SecondFactor | None:
    """Check a code from the user's app or one of their recovery codes; None if neither.

    A recovery code is used up and audited; an app code cannot be accepted a second time.
    """
    if not user.has_two_factor:
        return None
    code = code_normalize(code)
    if _app_code_claim(user, code):
        return "app"
    if _recovery_code_use(user, code):
        audit_record(
            action="auth.recovery_code_used",
            actor=user,
            request=request,
            detail={"recovery_codes_left": recovery_codes_left(user)},
        )
        return "recovery"
    return None


def identity_confirm(*, user: User, password_or_code: str) -> bool:
    """Before a change to sign-in itself: the account's password, or a fresh app code."""
    if user.has_two_factor and _app_code_claim(user, code_normalize(password_or_code)):
        return True
    return user.check_password(password_or_code)


# --- Set-up and after ----------------------------------------------------------------------


def _wrong_code() -> ValidationError:
    return ValidationError(
        {
            "code": _(
                "That code is not right. Check that the app shows the code for Rehabit, "
                "then type the newest one."
            )
        }
    )


@transaction.atomic
def two_factor_begin(*, user: User) -> User:
    """A new secret for the app. It does not count until confirmed with a code."""
    _load_locked(user)
    if user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is already on."))
    user.totp_secret = pyotp.random_base32()
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.totp_recovery_codes = []
    user.save(update_fields=TWO_FACTOR_FIELDS)
    return user


@transaction.atomic
def two_factor_confirm(*, user: User, code: str, request: HttpRequest | None = None) -> list[str]:
    """Turn two-factor sign-in on with the first code from the app.

    Returns the recovery codes in the clear: this is the only time anybody sees them.
    """
    _load_locked(user)
    if user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is already on."))
    if not user.totp_secret:
        raise ValidationError(_("Start the set-up first."))
    if not _app_code_claim(user, code_normalize(code)):
        raise _wrong_code()
    codes = _recovery_codes_new()
    user.totp_confirmed_at = timezone.now()
    user.totp_recovery_codes = [make_password(c) for c in codes]
    user.save(update_fields=["totp_confirmed_at", "totp_recovery_codes"])
    audit_record(action="auth.two_factor_enabled", actor=user, request=request)
    return [recovery_code_display(c) for c in codes]


@transaction.atomic
def recovery_codes_regenerate(*, user: User, request: HttpRequest | None = None) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Returned in the clear, once."""
    _load_locked(user)
    if not user.has_two_factor:
        raise ValidationError(_("Two-factor sign-in is not on."))
    codes = _recovery_codes_new()
    user.totp_recovery_codes = [make_password(c) for c in codes]
    user.save(update_fields=["totp_recovery_codes"])
    audit_record(action="auth.recovery_codes_regenerated", actor=user, request=request)
    return [recovery_code_display(c) for c in codes]


def _clear(user: User) -> None:
    user.totp_secret = ""
    user.totp_confirmed_at = None
    user.totp_last_step = None
    user.totp_recovery_codes = []
    user.save(update_fields=TWO_FACTOR_FIELDS)


def clinic_requires_two_factor(clinic_id: int | None) -> bool:
    if clinic_id is None:
        return False
    return bool(
        Clinic.objects.filter(pk=clinic_id).values_list("require_two_factor", flat=True).first()
    )


@transaction.atomic
def two_factor_disable(*, user: User, request: HttpRequest | None = None) -> None:
    _load_locked(user)
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
    _load_locked(therapist)
    if not therapist.totp_secret:
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
