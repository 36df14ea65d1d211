"""The Django admin opens only to staff whose session gave a two-factor code."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.plugins.otp_static.lib import add_static_token

from tests.conftest import PASSWORD
from tests.two_factor import login_verified, turn_on
from tracker.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(db) -> User:
    return User.objects.create_superuser("ops@rehabit.test", PASSWORD)


def test_a_password_alone_does_not_open_the_admin(client: Client, operator):
    client.force_login(operator)  # signed in, but no code given in this session
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert client.get("/admin/tracker/user/").status_code == 302


def test_the_admin_login_refuses_the_password_without_a_code(client: Client, operator):
    add_static_token(operator.email, "12345678")
    response = client.post(
        "/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 200  # the form again, asking for the code
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_lets_staff_in_with_the_password_and_a_code(client: Client, operator):
    # An operator's first code comes from `manage.py addstatictoken <email>`.
    add_static_token(operator.email, "12345678")
    device = operator.staticdevice_set.get()
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": operator.email,
            "password": PASSWORD,
            "otp_device": device.persistent_id,
            "otp_token": "12345678",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert client.get("/admin/").status_code == 200


def test_a_therapist_s_two_factor_sign_in_counts(client: Client, clinic):
    staff = User.objects.create_user(
        "lead@clinic.test", PASSWORD, clinic=clinic, role=User.Role.THERAPIST, is_staff=True,
        is_superuser=True,
    )  # fmt: skip
    turn_on(staff)
    assert login_verified(client, staff).get("/admin/").status_code == 200
