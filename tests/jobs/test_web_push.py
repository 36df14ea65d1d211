"""Web push through pywebpush to a real HTTP push service on loopback."""

from __future__ import annotations

import base64
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from tracker.models import PushSubscription
from tracker.notify import Message, PermanentError, TransientError, WebPushTransport
from tracker.services.push import vapid_keys_generate

pytestmark = pytest.mark.django_db


class PushService(BaseHTTPRequestHandler):
    status = 201
    received: list[bytes] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        length = int(self.headers.get("Content-Length", 0))
        PushService.received.append(self.rfile.read(length))
        self.send_response(PushService.status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def push_service(settings):
    server = ThreadingHTTPServer(("127.0.0.1", 0), PushService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    PushService.received = []
    port = server.server_address[1]
    # A stand-in push service on this machine: push reaches it only when both lists say so.
    settings.WEB_PUSH_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
    settings.WEB_PUSH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    yield f"http://127.0.0.1:{port}/push/"
    server.shutdown()


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_keys_generate()


def browser_keys() -> tuple[str, str]:
    """What a browser sends: its ECDH public key and a 16-byte auth secret, base64url."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    encode = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()  # noqa: E731
    return encode(point), encode(os.urandom(16))


def subscribe(user, endpoint):
    p256dh, auth = browser_keys()
    return PushSubscription.objects.create(user=user, endpoint=endpoint, p256dh=p256dh, auth=auth)


MESSAGE = Message(subject="Rehabit", text="long text", extra={"push_body": "short"}, url="/today/")


def test_it_delivers_an_encrypted_push(pat, vapid, push_service):
    subscribe(pat.user, push_service)
    transport = WebPushTransport()
    assert transport.available_for(pat.user)
    transport.send(recipient=pat.user, message=MESSAGE)
    assert len(PushService.received) == 1
    assert b"short" not in PushService.received[0]  # the payload is encrypted end to end


def test_a_gone_subscription_is_deleted_and_not_retried(pat, vapid, push_service):
    subscribe(pat.user, push_service)
    PushService.status = 410
    try:
        with pytest.raises(PermanentError):
            WebPushTransport().send(recipient=pat.user, message=MESSAGE)
    finally:
        PushService.status = 201
    assert not PushSubscription.objects.exists()


def test_a_push_service_error_is_worth_retrying(pat, vapid, push_service):
    subscribe(pat.user, push_service)
    PushService.status = 503
    try:
        with pytest.raises(TransientError):
            WebPushTransport().send(recipient=pat.user, message=MESSAGE)
    finally:
        PushService.status = 201
    assert PushSubscription.objects.count() == 1


def test_push_is_not_offered_without_server_keys(pat, push_service, settings):
    settings.VAPID_PRIVATE_KEY = ""
    subscribe(pat.user, push_service)
    assert not WebPushTransport().available_for(pat.user)
