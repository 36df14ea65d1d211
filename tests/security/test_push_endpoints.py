"""Push addresses come from patients' browsers: the worker must not be made to reach anything
but a browser vendor's push service (server-side request forgery)."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator

import pytest
from django.urls import reverse

from tests.jobs.test_web_push import MESSAGE, PushService, push_service, subscribe  # noqa: F401
from tracker.models import Notification, PushSubscription
from tracker.notify import PermanentError, TransientError, WebPushTransport
from tracker.push_endpoints import push_address_allowed
from tracker.services.notifications import notification_deliver, notification_open
from tracker.services.push import vapid_keys_generate

pytestmark = pytest.mark.django_db
URL = reverse("patient-push-subscribe")
KEYS = {"p256dh": "BOr6x-key", "auth": "c2VjcmV0"}


@pytest.fixture
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_keys_generate()


def post(client, endpoint: str, keys: dict[str, str] = KEYS):
    body = json.dumps({"endpoint": endpoint, "keys": keys})
    return client.post(URL, body, content_type="application/json")


# --- When a phone subscribes ------------------------------------------------------------------


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAAB",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://FCM.googleapis.com./fcm/send/upper-case-and-root-dot",
    ],
)
def test_it_accepts_the_browser_vendors_push_services(as_pat, vapid, endpoint):
    assert post(as_pat, endpoint).json() == {"subscribed": True}
    assert PushSubscription.objects.get().endpoint == endpoint


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://169.254.169.254/latest/meta-data/",  # the cloud's metadata service
        "https://10.0.0.1/push",
        "https://[::1]:8102/",
        "https://127.0.0.1/",
        "https://localhost/push",
        "https://push.example.org/send/abc",
        "https://fcm.googleapis.com.attacker.test/fcm/send/x",  # the name as a prefix
        "https://attacker.test/fcm.googleapis.com/",
        "https://notify.windows.com/w/",  # the bare domain of a "*." entry
        "https://evilnotify.windows.com/w/",
        "https://fcm.googleapis.com:8443/fcm/send/x",  # another port
        "https://fcm.googleapis.com:99999/fcm/send/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "http://fcm.googleapis.com/fcm/send/x",
    ],
)
def test_it_refuses_any_other_address(as_pat, vapid, endpoint):
    response = post(as_pat, endpoint)
    assert response.status_code == 400 and response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_it_refuses_to_subscribe_when_the_server_cannot_send_push(as_pat, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    response = post(as_pat, "https://fcm.googleapis.com/fcm/send/abc")
    assert response.status_code == 400 and "does not send notifications" in response.json()["error"]
    assert not PushSubscription.objects.exists()


def test_a_patient_keeps_five_phones_at_most_the_newest(as_pat, pat, vapid, settings):
    assert settings.WEB_PUSH_MAX_SUBSCRIPTIONS == 5
    for n in range(8):
        assert post(as_pat, f"https://fcm.googleapis.com/fcm/send/{n}").status_code == 200
    kept = PushSubscription.objects.filter(user=pat.user).order_by("endpoint")
    assert [s.endpoint[-1] for s in kept] == ["3", "4", "5", "6", "7"]


# --- When the worker sends --------------------------------------------------------------------


def test_a_push_host_that_leads_to_this_machine_is_never_contacted(
    pat,
    vapid,
    push_service,  # noqa: F811
    settings,
):
    # The host is on the list, but it resolves to loopback, which is not.
    port = push_service.split(":")[2].split("/")[0]
    settings.WEB_PUSH_ALLOWED_HOSTS = [f"localhost:{port}"]
    settings.WEB_PUSH_ALLOWED_NETWORKS = []
    subscribe(pat.user, f"http://localhost:{port}/push/")
    with pytest.raises(PermanentError) as refused:
        WebPushTransport().send(recipient=pat.user, message=MESSAGE)
    assert PushService.received == []
    assert "non-public address" in str(refused.value)


def test_a_stored_address_off_the_list_is_dropped_without_contact(
    pat,
    vapid,
    push_service,  # noqa: F811
    settings,
):
    subscribe(pat.user, push_service)  # stored before the list was enforced
    settings.WEB_PUSH_ALLOWED_HOSTS = ["fcm.googleapis.com"]
    with pytest.raises(PermanentError):
        WebPushTransport().send(recipient=pat.user, message=MESSAGE)
    assert PushService.received == []
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("142.250.74.170", True),  # a public address (FCM's range)
        ("2a00:1450:4007:80e::200a", True),
        ("10.1.2.3", False),
        ("172.16.0.9", False),
        ("192.168.1.1", False),
        ("127.0.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("0.0.0.0", False),
        ("240.0.0.1", False),  # reserved
        ("224.0.0.251", False),  # multicast
        ("::1", False),
        ("fe80::1%eth0", False),
        ("fd00::1", False),
        ("::ffff:10.0.0.1", False),  # a private IPv4 address written as IPv6
        ("not an address", False),
    ],
)
def test_only_public_addresses_are_reached(address, allowed):
    assert push_address_allowed(address) is allowed


# --- What the clinic admin reads when it fails ------------------------------------------------


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts the connection and hangs up without a word."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def hang_up() -> None:
        while True:
            try:
                conn, _addr = server.accept()
            except OSError:
                return
            conn.close()

    threading.Thread(target=hang_up, daemon=True).start()
    yield server.getsockname()[1]
    server.close()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there any more
    return port


def last_error_sending_to(pat, port: int, settings) -> str:
    settings.WEB_PUSH_ALLOWED_HOSTS = [f"127.0.0.1:{port}"]
    PushSubscription.objects.all().delete()
    subscribe(pat.user, f"http://127.0.0.1:{port}/push/")
    notification, _created = notification_open(
        key=f"reminder:{pat.pk}:{port}",
        clinic=pat.clinic,
        recipient=pat.user,
        patient=pat,
        kind=Notification.Kind.REMINDER,
        channel=Notification.Channel.PUSH,
        subject="A gentle nudge",
    )
    with pytest.raises(TransientError):
        notification_deliver(notification=notification, message=MESSAGE)
    notification.refresh_from_db()
    return notification.last_error


def test_the_recorded_reason_does_not_tell_an_open_port_from_a_closed_one(
    pat, vapid, silent_port, settings
):
    settings.WEB_PUSH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    open_port = last_error_sending_to(pat, silent_port, settings)
    shut_port = last_error_sending_to(pat, closed_port(), settings)
    assert open_port == shut_port == "the push service could not be reached"
