"""Sessions: a fresh key at login, per-role idle logoff, password changes end other sessions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from tests.conftest import PASSWORD, login
from tracker.models import PatientProfile, User

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CASELOAD = "/clinic/caseload/"
TODAY = "/today/"


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_sent_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith("/login/")


def test_it_gives_a_new_session_key_on_login(client: Client, alice: User):
    before = client.session  # an anonymous session, as a fixation attacker would plant
    before["planted"] = True
    before.save()
    planted = session_key(client)
    response = client.post("/login/", {"username": alice.email, "password": PASSWORD})
    assert response.status_code == 302
    assert session_key(client) != planted
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_logs_a_therapist_off_after_thirty_idle_minutes(client: Client, alice: User):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, alice)
        assert client.get(CASELOAD).status_code == 200
        assert client.session.get_expiry_age() == 30 * 60
        traveller.shift(timedelta(minutes=31))
        assert is_sent_to_login(client.get(CASELOAD))


def test_it_keeps_an_active_therapist_logged_in(client: Client, alice: User):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, alice)
        for _ in range(3):  # the 30 minutes slide with each request
            assert client.get(CASELOAD).status_code == 200
            traveller.shift(timedelta(minutes=25))
        assert client.get(CASELOAD).status_code == 200


def test_it_keeps_a_patient_logged_in_for_thirteen_idle_days(client: Client, pat: PatientProfile):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, pat.user)
        assert client.get(TODAY).status_code == 200
        traveller.shift(timedelta(days=13))
        assert client.get(TODAY).status_code == 200


def test_it_logs_a_patient_off_after_fifteen_idle_days(client: Client, pat: PatientProfile):
    with time_machine.travel(START, tick=False) as traveller:
        login(client, pat.user)
        assert client.get(TODAY).status_code == 200
        traveller.shift(timedelta(days=15))
        assert is_sent_to_login(client.get(TODAY))


def test_it_ends_the_other_sessions_when_the_password_changes(alice: User):
    phone, desk = Client(), Client()
    for client in (phone, desk):
        response = client.post("/login/", {"username": alice.email, "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(CASELOAD).status_code == 200

    # At the desk: change the password the way a password-change view does.
    alice.set_password("a brand new long passphrase")
    alice.save()
    request = RequestFactory().post("/")
    request.session = desk.session
    request.user = alice
    update_session_auth_hash(request, alice)
    request.session.save()
    desk.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key

    assert desk.get(CASELOAD).status_code == 200
    assert is_sent_to_login(phone.get(CASELOAD))


def test_it_renews_the_expiry_at_most_once_a_minute_for_a_therapist(client: Client, alice: User):
    def stored_expiry():
        return Session.objects.get(session_key=session_key(client)).expire_date

    with time_machine.travel(START, tick=False) as traveller:
        login(client, alice)
        client.get(CASELOAD)
        first = stored_expiry()
        assert first == START + timedelta(minutes=30)
        traveller.shift(timedelta(seconds=20))
        client.get(CASELOAD)
        assert stored_expiry() == first  # no session write for every page
        traveller.shift(timedelta(minutes=2))
        client.get(CASELOAD)
        assert stored_expiry() == START + timedelta(minutes=32, seconds=20)


def test_the_session_store_reads_a_live_session_and_refuses_an_expired_or_unknown_one():
    """Sessions are Django's cached_db store: a live one is read from the cache without a
    query, or from the database when the cache lost it; nothing past its expiry is read."""
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    with time_machine.travel(START, tick=False) as traveller:
        store = SessionStore()
        store["patient_note"] = "kept"
        store.set_expiry(3600)
        store.save()
        key = store.session_key

        with CaptureQueriesContext(connection) as reads:
            assert SessionStore(key)["patient_note"] == "kept"
        assert len(reads) == 0
        cache.delete(store.cache_key)  # evicted, or written by another machine's process
        assert SessionStore(key)["patient_note"] == "kept"

        traveller.shift(timedelta(hours=1, seconds=1))
        expired = SessionStore(key)
        assert expired.load() == {} and expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {} and unknown.session_key is None


def test_a_session_ended_in_one_process_is_refused_by_the_others(client: Client, pat):
    """Logging out deletes the session from the database and the shared cache: a copy of the
    cookie is refused everywhere."""
    login(client, pat.user)
    assert client.get(TODAY).status_code == 200
    stolen = Client()
    stolen.cookies[settings.SESSION_COOKIE_NAME] = session_key(client)
    assert stolen.get(TODAY).status_code == 200
    client.post("/logout/")
    assert is_sent_to_login(stolen.get(TODAY))
    assert not Session.objects.filter(
        session_key=stolen.cookies[settings.SESSION_COOKIE_NAME].value
    ).exists()
