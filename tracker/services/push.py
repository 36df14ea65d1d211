"""Web push subscriptions: what a patient's browser hands us when they turn push on."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from tracker.models import PatientProfile, PushSubscription, User
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


def push_subscription_save(
    *, user: User, endpoint: str, p256dh: str, auth: str, request: HttpRequest | None = None
) -> PushSubscription:
    """Store (or refresh) one browser's subscription; the endpoint is unique per browser."""
    try:
        URLValidator(schemes=["https"])(endpoint)
        if len(endpoint) > PushSubscription._meta.get_field("endpoint").max_length:
            raise ValidationError("too long to store")
    except ValidationError:
        raise ValidationError(_("This browser sent a push address we cannot use.")) from None
    if not p256dh or not auth or len(p256dh) > 200 or len(auth) > 100 or "\x00" in p256dh + auth:
        raise ValidationError(_("This browser sent incomplete push keys."))
    existing = PushSubscription.objects.filter(endpoint=endpoint).first()
    if existing is not None and existing.user_id != user.pk:
        # The same browser now belongs to someone else (a shared phone): move it.
        existing.delete()
        existing = None
    if existing is None:
        subscription = PushSubscription.objects.create(
            user=user, endpoint=endpoint, p256dh=p256dh, auth=auth
        )
        # Only a new browser is a change; the same one refreshing its keys is not.
        _audit("patient.push_subscribed", user, request)
        return subscription
    existing.p256dh, existing.auth = p256dh, auth
    existing.save(update_fields=["p256dh", "auth"])
    return existing


def push_subscription_delete(
    *, user: User, endpoint: str, request: HttpRequest | None = None
) -> None:
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    if deleted:
        _audit("patient.push_unsubscribed", user, request)
