"""Inviting a patient: the account, the emailed one-time link, resend, revoke and accept.

The link carries a token from Django's password-reset token generator with its own salt
and extra state in the hash: the moment of the latest invite and whether it was accepted.
So a link stops working when it is used (the password changes), when a newer invite is
sent, when the invite is revoked, and after PASSWORD_RESET_TIMEOUT seconds.

An address that already signs in to an account at another clinic is invited like any other,
and the inviting clinic sees the same answer and the same pending invitation: the account
made is *held* (``User.held``), and the email sent to the address says it is already
registered instead of carrying a link. Only an address already used in the inviter's own
clinic is refused, as that is the clinic's own data.
"""

from __future__ import annotations

import logging
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext as _

from tracker.models import Notification, PatientProfile, User
from tracker.notify import EmailWithInlineImages
from tracker.services.audit import audit_record
from tracker.services.branding import clinic_email_look
from tracker.services.scheduling import patient_schedule_refresh

logger = logging.getLogger(__name__)

# A double-clicked "Resend" must not send two emails (and invalidate the first at once).
RESEND_AFTER = timedelta(minutes=1)


class InviteTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: a password-reset token is never a valid invite token, nor the reverse.
    key_salt = "tracker.services.invites.InviteTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:  # type: ignore[override]
        profile = user.patient_profile
        # To the microsecond (SQLite and PostgreSQL keep them), so a resend within the same
        # second as the previous send still gets a different link.
        invited = profile.invited_at.isoformat() if profile.invited_at else ""
        accepted = "accepted" if profile.invite_accepted_at else ""
        return f"{super()._make_hash_value(user, timestamp)}{invited}{accepted}"


invite_tokens = InviteTokenGenerator()


def invite_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def invite_expires_at(profile: PatientProfile) -> datetime | None:
    if profile.invited_at is None:
        return None
    return profile.invited_at + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def invite_path(profile: PatientProfile) -> str:
    uidb64 = urlsafe_base64_encode(force_bytes(profile.user.pk))
    token = invite_tokens.make_token(profile.user)
    return reverse("invite-accept", kwargs={"uidb64": uidb64, "token": token})


def _address_signs_in_elsewhere(email: str, clinic_id: int) -> bool:
    return (
        User.objects.filter(email__iexact=email, held=False).exclude(clinic_id=clinic_id).exists()
    )


def patient_account_create(*, email: str, clinic_id: int, **fields: object) -> User:
    """A new patient's account, without a usable password; held when the address already
    signs in at another clinic. An address already used in this clinic raises IntegrityError.
    """
    email = User.objects.normalize_email(email).strip().lower()
    fields = {"clinic_id": clinic_id, "role": User.Role.PATIENT, **fields}
    if not _address_signs_in_elsewhere(email, clinic_id):
        try:
            with transaction.atomic():
                return User.objects.create_user(email, None, **fields)
        except IntegrityError:
            # Another clinic took the address this very moment; else it is this clinic's.
            if not _address_signs_in_elsewhere(email, clinic_id):
                raise
    return User.objects.create_user(email, None, held=True, **fields)


def _release_if_free(user: User) -> None:
    """A held account whose address no longer signs in anywhere else becomes a normal one."""
    if not user.held or _address_signs_in_elsewhere(user.email, user.clinic_id):
        return
    try:
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(held=False)
    except IntegrityError:  # taken again meanwhile
        return
    user.held = False


def _invite_send(profile: PatientProfile) -> Notification:
    """Write the notification row, then send; the row records the outcome either way.

    A held account's address is told it is already registered, with no link: the row and
    what the clinic sees are the same as for any invitation.
    """
    user = profile.user
    assert profile.invited_at is not None
    _release_if_free(user)
    notification = Notification.objects.create(
        clinic_id=profile.clinic_id,
        recipient=user,
        patient=profile,
        kind=Notification.Kind.INVITE,
        channel=Notification.Channel.EMAIL,
        # One row per invite sent; invited_at changes with every send (resends included).
        idempotency_key=f"invite:{profile.pk}:{profile.invited_at.isoformat()}",
        local_date=profile.local_today(),
    )
    site = settings.REHABIT_SITE_URL.rstrip("/")
    look, images = clinic_email_look(profile.clinic)
    context = {
        **look,
        "patient_name": user.display_name,
        "therapist_name": profile.therapist.display_name,
        "clinic_name": profile.clinic.name,
        "valid_days": invite_valid_days(),
    }
    if user.held:
        template = "emails/invite_registered"
        context["sign_in_link"] = site + reverse("login")
    else:
        template = "emails/invite"
        context["link"] = site + invite_path(profile)
    subject = render_to_string("emails/invite_subject.txt", context).strip()
    message = EmailWithInlineImages(
        subject=subject,
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        inline_images=images,
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    notification.attempts = 1
    try:
        message.send()
    except Exception as exc:  # any transport failure is recorded for a resend, not raised
        logger.warning("invite email to patient %s failed: %s", profile.pk, exc)
        notification.status = Notification.Status.FAILED
        notification.last_error = str(exc)[:2000]
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
    notification.save(update_fields=["attempts", "status", "last_error", "sent_at"])
    return notification


@dataclass(frozen=True)
class InviteOutcome:
    patient: PatientProfile
    notification: Notification

    @property
    def sent(self) -> bool:
        return self.notification.status == Notification.Status.SENT


def patient_invite(
    *,
    actor: User,
    therapist: User,
    full_name: str,
    email: str,
    timezone_name: str,
    condition: str = "",
    request: HttpRequest | None = None,
) -> InviteOutcome:
    """Create the patient's account (no usable password) and email them the link.

    The answer is the same whether or not the address has an account at another clinic.
    """
    if therapist.clinic_id != actor.clinic_id or not therapist.is_therapist:
        raise ValidationError(_("Choose a therapist of your clinic."))
    if timezone_name not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": _("Choose a time zone from the list.")})
    email = User.objects.normalize_email(email).strip().lower()
    in_your_clinic = ValidationError(
        {"email": _("Someone in your clinic already uses this email address.")}
    )
    if User.objects.filter(email__iexact=email, clinic_id=actor.clinic_id).exists():
        raise in_your_clinic
    try:
        with transaction.atomic():
            user = patient_account_create(
                email=email,
                clinic_id=actor.clinic_id,  # type: ignore[arg-type]
                full_name=full_name.strip(),
                timezone=timezone_name,
            )
            profile = PatientProfile.objects.create(
                user=user,
                clinic_id=actor.clinic_id,
                therapist=therapist,
                condition=condition.strip(),
                invited_at=timezone.now(),
            )
            audit_record(action="patient.invited", actor=actor, request=request, patient=profile)
    except IntegrityError as exc:  # the same address invited twice at once
        raise in_your_clinic from exc
    return InviteOutcome(patient=profile, notification=_invite_send(profile))


def _lock(patient: PatientProfile) -> PatientProfile:
    return (
        PatientProfile.objects.select_for_update()
        .select_related("user", "clinic", "therapist")
        .get(pk=patient.pk)
    )


def invite_resend(
    *, patient: PatientProfile, actor: User, request: HttpRequest | None = None
) -> InviteOutcome:
    """Send a fresh link; any earlier link stops working. Also invites imported patients."""
    with transaction.atomic():
        profile = _lock(patient)
        if profile.invite_accepted_at is not None:
            raise ValidationError(_("This patient has already accepted the invitation."))
        now = timezone.now()
        if profile.invited_at is not None and now - profile.invited_at < RESEND_AFTER:
            raise ValidationError(
                _("An invitation was sent less than a minute ago. Please wait a moment.")
            )
        profile.invited_at = now
        profile.save(update_fields=["invited_at", "updated_at"])
        audit_record(action="patient.invite_resent", actor=actor, request=request, patient=profile)
    return InviteOutcome(patient=profile, notification=_invite_send(profile))


@transaction.atomic
def invite_revoke(
    *, patient: PatientProfile, actor: User, request: HttpRequest | None = None
) -> PatientProfile:
    """Withdraw the invitation: every link sent so far stops working at once."""
    profile = _lock(patient)
    if profile.invite_accepted_at is not None:
        raise ValidationError(_("This patient has already accepted the invitation."))
    profile.invited_at = None
    profile.save(update_fields=["invited_at", "updated_at"])
    # A new random unusable password changes the token hash too: belt and braces.
    profile.user.set_unusable_password()
    profile.user.save(update_fields=["password"])
    audit_record(action="patient.invite_revoked", actor=actor, request=request, patient=profile)
    return profile


def invite_user_from_link(uidb64: str, token: str) -> User | None:
    """The invited patient a link belongs to, or None if it is invalid, used or expired."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    user = (
        User.objects.filter(pk=pk, role=User.Role.PATIENT, is_active=True, held=False)
        .select_related("patient_profile__clinic")
        .first()
    )
    if user is None or not hasattr(user, "patient_profile"):
        return None
    profile = user.patient_profile
    if profile.invited_at is None or profile.invite_accepted_at is not None:
        return None
    return user if invite_tokens.check_token(user, token) else None


@transaction.atomic
def invite_accept(
    *, user: User, password: str, request: HttpRequest | None = None
) -> PatientProfile:
    """Set the patient's password and start their reminders; the link is now used up."""
    profile = _lock(user.patient_profile)
    if profile.invite_accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    user.set_password(password)
    user.save(update_fields=["password"])
    profile.invite_accepted_at = timezone.now()
    profile.save(update_fields=["invite_accepted_at", "updated_at"])
    # Reminders and evaluations start once someone can actually log in to answer them.
    patient_schedule_refresh(patient=profile)
    audit_record(action="patient.invite_accepted", actor=user, request=request, patient=profile)
    return profile
