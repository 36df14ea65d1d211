"""Transports: email and web push behind one interface.

A transport either delivers, or raises TransientError (worth retrying: a timeout, a 4xx SMTP
reply, a push service hiccup) or PermanentError (retrying cannot help: a refused address, an
expired push subscription). Callers write the notification row before calling send().
"""

from __future__ import annotations

import email.policy
import json
import logging
import smtplib
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from tracker.models import User

log = logging.getLogger(__name__)


class TransientError(Exception):
    """Delivery failed for now; the same message may go through later."""


class PermanentError(Exception):
    """Delivery cannot succeed; do not retry."""


@dataclass(frozen=True)
class InlineImage:
    """A picture the HTML body shows as ``<img src="cid:…">``: it travels inside the email,
    so the mail client fetches nothing from anywhere (a clinic's logo)."""

    cid: str
    content: bytes
    subtype: str = "png"


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str = ""
    url: str = ""
    tag: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    inline_images: tuple[InlineImage, ...] = ()


class EmailWithInlineImages(EmailMultiAlternatives):
    """Django's email with pictures beside its HTML part (multipart/related, RFC 2387), as
    mail clients expect an inline logo: not listed as an attachment, shown in place."""

    def __init__(
        self, *args: object, inline_images: tuple[InlineImage, ...] = (), **kwargs: object
    ):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.inline_images = inline_images

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> EmailMessage:
        msg = super().message(policy=policy)
        html = msg.get_body(preferencelist=("html",))
        if html is not None:
            for image in self.inline_images:
                html.add_related(
                    image.content,
                    maintype="image",
                    subtype=image.subtype,
                    cid=f"<{image.cid}>",
                    disposition="inline",
                )
        return msg


class Transport(Protocol):
    channel: str

    def available_for(self, user: User) -> bool: ...

    def send(self, *, recipient: User, message: Message) -> None: ...


class EmailTransport:
    channel = "email"

    def available_for(self, user: User) -> bool:
        # A held account's address belongs to someone's account at another clinic.
        return bool(user.email) and user.is_active and not user.held

    def send(self, *, recipient: User, message: Message) -> None:
        email = EmailWithInlineImages(
            subject=message.subject,
            body=message.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.email],
            inline_images=message.inline_images if message.html else (),
        )
        if message.html:
            email.attach_alternative(message.html, "text/html")
        try:
            email.send()
        except smtplib.SMTPRecipientsRefused as exc:
            raise PermanentError(f"recipient refused: {exc.recipients}") from exc
        except smtplib.SMTPResponseException as exc:
            # 5xx replies are final; 4xx ask the sender to try again later.
            if 500 <= exc.smtp_code < 600:
                raise PermanentError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
            raise TransientError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}") from exc
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc


class WebPushTransport:
    """Web push with VAPID keys from settings; expired subscriptions are removed.

    Only known push services at public addresses are reached (tracker/push_endpoints.py).
    A failure is recorded in a few fixed words: what a connection attempt raised (refused,
    timed out, a TLS error) would tell a clinic admin reading it which ports are open on
    which machines. The details go to the server's log only.
    """

    channel = "push"

    @staticmethod
    def configured() -> bool:
        return bool(settings.VAPID_PRIVATE_KEY and settings.VAPID_PUBLIC_KEY)

    def available_for(self, user: User) -> bool:
        return self.configured() and user.push_subscriptions.exists()

    def send(self, *, recipient: User, message: Message) -> None:
        from pywebpush import WebPushException, webpush

        from tracker.push_endpoints import (
            PushAddressRefused,
            push_endpoint_allowed,
            push_http_session,
        )

        payload = json.dumps(
            {
                "title": message.subject,
                "body": message.extra.get("push_body", message.text),
                "url": message.url,
                "tag": message.tag,
            }
        )
        delivered = 0
        final: list[str] = []  # failures retrying cannot mend
        passing: list[str] = []  # failures a later try may get past
        session = push_http_session()
        for subscription in list(recipient.push_subscriptions.all()):
            if not push_endpoint_allowed(subscription.endpoint):
                # Stored before the list of push services was enforced, or the list has
                # changed since: it can never be sent to again.
                subscription.delete()
                final.append(PUSH_NOT_A_PUSH_SERVICE)
                continue
            try:
                webpush(
                    subscription_info={
                        "endpoint": subscription.endpoint,
                        "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
                    },
                    data=payload,
                    vapid_private_key=settings.VAPID_PRIVATE_KEY,
                    vapid_claims={"sub": settings.VAPID_SUBJECT},
                    timeout=10,
                    requests_session=session,
                )
                delivered += 1
            except PushAddressRefused as exc:
                log.warning("push subscription %s refused: %s", subscription.pk, exc)
                final.append(PUSH_ADDRESS_REFUSED)
            except WebPushException as exc:
                status = getattr(exc.response, "status_code", None)
                if status in (404, 410):
                    # The browser dropped this subscription; it will never work again.
                    subscription.delete()
                    final.append(f"subscription gone ({status})")
                else:
                    log.warning("push subscription %s: %s", subscription.pk, exc)
                    passing.append(f"push service answered {status}")
            except Exception as exc:  # network errors from requests, a bad key
                log.warning("push subscription %s failed: %r", subscription.pk, exc)
                passing.append(PUSH_UNREACHABLE)
        session.close()
        if delivered:
            return
        failures = "; ".join(dict.fromkeys(final + passing))  # each reason once
        if final and not passing:
            raise PermanentError(failures)
        raise TransientError(failures or "no subscription")


# What a failed push records, whatever the underlying error said.
PUSH_NOT_A_PUSH_SERVICE = "push address refused: not a known push service (removed)"
PUSH_ADDRESS_REFUSED = "push address refused: the push service led to a non-public address"
PUSH_UNREACHABLE = "the push service could not be reached"


def transports() -> list[Transport]:
    return [EmailTransport(), WebPushTransport()]


def transport_for(channel: str) -> Transport:
    for transport in transports():
        if transport.channel == channel:
            return transport
    raise ValueError(f"no transport for channel {channel!r}")
