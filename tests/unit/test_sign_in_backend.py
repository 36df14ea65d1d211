"""The sign-in backend: Django's ModelBackend, with the user's clinic and profile at once."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.sign_in import ClinicUserBackend
from tracker.models import User

pytestmark = pytest.mark.django_db


def test_it_loads_only_active_users_that_exist(pat):
    backend = ClinicUserBackend()
    assert backend.get_user(pat.user_id) == pat.user
    assert backend.get_user(10**9) is None
    User.objects.filter(pk=pat.user_id).update(is_active=False)
    assert backend.get_user(pat.user_id) is None
    assert not isinstance(backend.get_user(pat.user_id), AnonymousUser)


def test_it_loads_a_patient_with_their_clinic_and_profile_in_one_query(pat):
    with CaptureQueriesContext(connection) as captured:
        user = ClinicUserBackend().get_user(pat.user_id)
        assert user.clinic == pat.clinic
        assert user.patient_profile.pk == pat.pk
    assert len(captured) == 1


def test_it_knows_without_a_query_that_a_therapist_has_no_profile(alice):
    outsider = User.objects.create_superuser("ops@example.org", "a-long-operator-passphrase")
    with CaptureQueriesContext(connection) as captured:
        therapist = ClinicUserBackend().get_user(alice.pk)
        nobody = ClinicUserBackend().get_user(outsider.pk)
        assert therapist.clinic == alice.clinic
        assert nobody.clinic is None
        for user in (therapist, nobody):
            assert not hasattr(user, "patient_profile")
    assert len(captured) == 2
