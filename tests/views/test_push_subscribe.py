import json

import pytest
from django.urls import reverse

from tests.conftest import login
from tracker.models import PushSubscription

pytestmark = pytest.mark.django_db
URL = reverse("patient-push-subscribe")
SUBSCRIPTION = {
    "endpoint": "https://fcm.googleapis.com/fcm/send/abc123",
    "keys": {"p256dh": "BOr6x-key", "auth": "c2VjcmV0"},
}


@pytest.fixture(autouse=True)
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"


def post(client, body):
    return client.post(URL, json.dumps(body), content_type="application/json")


def test_it_stores_this_phone_s_subscription_once(as_pat, pat):
    assert post(as_pat, SUBSCRIPTION).json() == {"subscribed": True}
    assert post(as_pat, SUBSCRIPTION).json() == {"subscribed": True}  # a retried submit
    sub = PushSubscription.objects.get()
    assert sub.user == pat.user and sub.auth == "c2VjcmV0"


def test_it_removes_the_subscription_when_turned_off(as_pat):
    post(as_pat, SUBSCRIPTION)
    assert post(as_pat, {"endpoint": SUBSCRIPTION["endpoint"], "remove": True}).json() == {
        "subscribed": False
    }
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"endpoint": "http://fcm.googleapis.com/plain-http", "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://push.example.org/x", "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {}},
        {"keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": ["a", "b"]},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": "a b"},
        {"endpoint": "https://fcm.googleapis.com/x\x00", "keys": {"p256dh": "a", "auth": "b"}},
        {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a\x00", "auth": "b"}},
        {
            "endpoint": "https://fcm.googleapis.com/" + "x" * 1000,
            "keys": {"p256dh": "a", "auth": "b"},
        },
        {"endpoint": "https://fcm.googleapis.com/x\x00", "remove": True},
        {"endpoint": ["https://fcm.googleapis.com/x"], "remove": True},
        ["https://fcm.googleapis.com/x"],
    ],
)
def test_it_refuses_a_subscription_it_cannot_use(as_pat, body):
    response = post(as_pat, body)
    assert response.status_code == 400 and response.json()["error"]
    assert not PushSubscription.objects.exists()


@pytest.mark.parametrize("body", [b"{", b"not json", b"\xff\xfe", b"[" * 100_000])
def test_it_refuses_a_body_that_is_not_json(as_pat, body):
    response = as_pat.post(URL, body, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]


def test_a_shared_phone_passes_to_the_next_user_once_the_first_signs_out(client, pat, pia):
    post(login(client, pia.user), SUBSCRIPTION)
    client.post(reverse("logout"))
    assert post(login(client, pat.user), SUBSCRIPTION).json() == {"subscribed": True}
    assert PushSubscription.objects.get().user == pat.user


def test_it_is_404_for_a_therapist(client, alice):
    assert post(login(client, alice), SUBSCRIPTION).status_code == 404


def test_it_sends_anonymous_visitors_to_log_in(client, db):
    assert post(client, SUBSCRIPTION).status_code == 302


def test_settings_offers_notifications_only_when_the_server_has_keys(as_pat, settings):
    settings.VAPID_PUBLIC_KEY = ""
    page = as_pat.get(reverse("patient-settings")).content.decode()
    assert "cannot send reminders to this phone yet" in page and "push.js" not in page
    settings.VAPID_PUBLIC_KEY = "BPublicKey"
    page = as_pat.get(reverse("patient-settings")).content.decode()
    assert 'data-push-key="BPublicKey"' in page and "push.js" in page
