"""Web push subscriptions: what a patient's browser hands us when they turn push on."""

from __future__ import annotations

import base64
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tracker.models import PatientProfile, PushSubscription, User
from tracker.notify import WebPushTransport
from tracker.push_endpoints import push_endpoint_allowed
from tracker.services.audit import audit_record


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def vapid_keys_generate() -> tuple[str, str]:
    """A new VAPID key pair as (public, private), both base64url as browsers and pywebpush take."""
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return _b64url(public), _b64url(private)


def _audit(action: str, user: User, request: HttpRequest | None) -> None:
    audit_record(
        action=action,
        actor=user,
        request=request,
        patient=PatientProfile.objects.filter(user=user).first(),
    )


# Where this browser session keeps the mark its push subscriptions carry (see below).
SESSION_PUSH_MARK = "push_subscription_mark"


class PushEndpointTaken(ValidationError):
    """The push address belongs to another account that never signed out on this browser."""


def session_push_mark(session: SessionBase) -> str:
    """This signed-in session's mark, made on first use; it survives the key's rotation (a
    password change) and goes with the session at sign-out."""
    mark = session.get(SESSION_PUSH_MARK)
    if not isinstance(mark, str) or not mark:
        mark = secrets.token_urlsafe(24)
        session[SESSION_PUSH_MARK] = mark
    return mark


def push_subscription_save(
    *,
    user: User,
    endpoint: str,
    p256dh: str,
    auth: str,
    session_mark: str = "",
    request: HttpRequest | None = None,
) -> PushSubscription:
    """Store (or refresh) one browser's subscription; the endpoint is unique per browser.

    The address must be on a known push service. One already held by another account is
    refused (PushEndpointTaken) rather than moved: knowing someone's push address must not
    be enough to take their reminders. It is freed when that account signs out of the
    session that subscribed (push_subscriptions_sign_out); otherwise the browser asks its
    push service for a fresh address, which only that browser can do, and the old one is
    dropped when the push service reports it gone.
    """
    if not WebPushTransport.configured():
        raise ValidationError(_("This Rehabit server does not send notifications yet."))
    try:
        URLValidator(schemes=["https"])(endpoint)
        if len(endpoint) > PushSubscription._meta.get_field("endpoint").max_length:
            raise ValidationError("too long to store")
    except ValidationError:
        raise ValidationError(_("This browser sent a push address we cannot use.")) from None
    if not push_endpoint_allowed(endpoint):
        raise ValidationError(_("This browser's notification service is not one we can use."))
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100 or "\x00" in p256dh + auth:
        raise ValidationError(_("This browser sent incomplete push keys."))
    fields = {"p256dh": p256dh, "auth": auth, "session_mark": session_mark}
    try:
        subscription, created = _subscription_store(user, endpoint, fields)
    except IntegrityError:
        # The same address stored by another request at this very moment: decide again.
        subscription, created = _subscription_store(user, endpoint, fields)
    if created:
        # Only a new browser is a change; the same one refreshing its keys is not.
        _audit("patient.push_subscribed", user, request)
    return subscription


@transaction.atomic
def _subscription_store(
    user: User, endpoint: str, fields: dict[str, str]
) -> tuple[PushSubscription, bool]:
    existing = PushSubscription.objects.select_for_update().filter(endpoint=endpoint).first()
    if existing is not None and existing.user_id != user.pk:
        raise PushEndpointTaken(
            _("This browser's notifications are still set up for another account."),
            code="taken",
        )
    if existing is not None:
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.save(update_fields=list(fields))
        return existing, False
    subscription = PushSubscription.objects.create(user=user, endpoint=endpoint, **fields)
    # A patient's phones are few; a browser subscribing again and again (reinstalled,
    # cleared, or a script) does not pile up addresses for the worker to send to.
    newest = PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")
    keep = list(newest.values_list("pk", flat=True)[: settings.WEB_PUSH_MAX_SUBSCRIPTIONS])
    PushSubscription.objects.filter(user=user).exclude(pk__in=keep).delete()
    return subscription, True


def push_subscription_delete(
    *, user: User, endpoint: str, request: HttpRequest | None = None
) -> None:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    if deleted:
        _audit("patient.push_unsubscribed", user, request)


def push_subscriptions_sign_out(
    *, user: User, session: SessionBase, request: HttpRequest | None = None
) -> None:
    """The user signed out of this browser: its push subscriptions go too, so the browser's
    next user can subscribe, and a signed-out phone shows no more of this user's reminders."""
    mark = session.get(SESSION_PUSH_MARK)
    if not isinstance(mark, str) or not mark:
        return
    deleted, _rows = PushSubscription.objects.filter(user=user, session_mark=mark).delete()
    if deleted:
        _audit("patient.push_unsubscribed", user, request)
