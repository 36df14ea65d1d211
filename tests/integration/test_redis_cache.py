"""Sessions and Today's kept plan on Django's Redis cache, as production runs them.

The rest of the suite keeps its cache in files of its own run; here the cache is a real
Redis server (the one CI's broker uses, on a database number of its own). Where no Redis
answers on 127.0.0.1 (a laptop running `make test` with nothing installed), these tests
are skipped and say why.
"""

from __future__ import annotations

import socket

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from tests.conftest import login
from tracker.selectors.plan import kept_plan_key, kept_prescriptions_in_force
from tracker.services.prescribing import DosageSpec, prescription_change_dosage

pytestmark = pytest.mark.django_db

REDIS_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/13",
        "KEY_PREFIX": "rehabit-test",
    }
}


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache():
    if not redis_answers():
        pytest.skip("no Redis server answers on 127.0.0.1:6379")
    with override_settings(CACHES=REDIS_CACHE):
        cache.clear()
        yield cache
        cache.clear()


def test_a_session_lives_in_the_redis_cache_and_logging_out_ends_it(client, pat, redis_cache):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cached_db"
    login(client, pat.user)
    key = client.session.session_key
    assert redis_cache.get(f"django.contrib.sessions.cached_db{key}") is not None
    assert client.get(reverse("patient-today")).status_code == 200
    client.post(reverse("logout"))
    assert redis_cache.get(f"django.contrib.sessions.cached_db{key}") is None
    assert client.get(reverse("patient-today")).status_code == 302


def test_today_s_plan_is_kept_by_revision_and_a_dosage_change_is_seen_at_once(
    pat, pat_program, redis_cache
):
    today = pat.local_today()
    plan = kept_prescriptions_in_force(pat, today)
    assert redis_cache.get(kept_plan_key(pat, today)) is not None
    first = plan[0]
    prescription_change_dosage(
        prescription=first,
        dosage=DosageSpec(first.sets + 1, first.reps, first.hold_seconds),
        notes="",
        effective_on=today,
    )
    pat.refresh_from_db()
    changed = kept_prescriptions_in_force(pat, today)
    assert [p.sets for p in changed if p.line == first.line] == [first.sets + 1]
