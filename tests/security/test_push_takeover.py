"""Knowing someone's push address must not be enough to take their reminders.

A push address is held by the account that subscribed it. Another account gets it only after
the holder signed out of the browser session that subscribed; otherwise the browser asks its
push service for a fresh address (push.js does, on the 409 answer), which only that browser
can do.
"""

from __future__ import annotations

import json

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.conftest import login
from tracker.models import AuditEvent, PushSubscription

pytestmark = pytest.mark.django_db
URL = reverse("patient-push-subscribe")
ENDPOINT = "https://fcm.googleapis.com/fcm/send/pia-phone"


@pytest.fixture(autouse=True)
def vapid(settings):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = "BPublicKey", "private-key"


def subscribe(client: Client, endpoint: str = ENDPOINT, auth: str = "secret"):
    body = json.dumps({"endpoint": endpoint, "keys": {"p256dh": "BKey", "auth": auth}})
    return client.post(URL, body, content_type="application/json")


def test_another_account_cannot_take_an_address_by_posting_it(pat, pia):
    assert subscribe(login(Client(), pia.user)).status_code == 200
    response = subscribe(login(Client(), pat.user), auth="attacker-keys")
    assert response.status_code == 409
    assert response.json()["resubscribe"] is True
    held = PushSubscription.objects.get()
    assert (held.user, held.auth) == (pia.user, "secret")


def test_the_address_passes_on_once_its_holder_signs_out_of_that_browser(pat, pia):
    phone = login(Client(), pia.user)
    subscribe(phone)
    phone.post(reverse("logout"))
    assert not PushSubscription.objects.exists()
    assert AuditEvent.objects.filter(action="patient.push_unsubscribed", actor=pia.user).exists()
    assert subscribe(login(phone, pat.user)).status_code == 200
    assert PushSubscription.objects.get().user == pat.user


def test_signing_out_elsewhere_leaves_this_phone_subscribed(pia):
    phone, laptop = login(Client(), pia.user), login(Client(), pia.user)
    subscribe(phone)
    laptop.post(reverse("logout"))
    assert PushSubscription.objects.get().user == pia.user
    assert subscribe(phone).status_code == 200  # still this session's


def test_a_password_change_keeps_the_session_s_subscription_tied_to_it(pia):
    phone = login(Client(), pia.user)
    subscribe(phone)
    session = phone.session
    session.cycle_key()  # what a password change or a fresh sign-in does to the key
    session.save()
    phone.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    phone.post(reverse("logout"))
    assert not PushSubscription.objects.exists()


def test_the_holder_subscribing_again_from_a_new_session_moves_the_tie_there(pia):
    old, new = login(Client(), pia.user), login(Client(), pia.user)
    subscribe(old)
    subscribe(new)  # cookies cleared, signed in again, same browser address
    old.post(reverse("logout"))
    assert PushSubscription.objects.filter(user=pia.user).exists()
    new.post(reverse("logout"))
    assert not PushSubscription.objects.exists()
