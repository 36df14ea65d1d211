"""Moving two-factor sign-in onto django-otp: every therapist keeps their app and their
unused recovery codes, with nothing to do on their side."""

from __future__ import annotations

from base64 import b32decode
from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from tests.conftest import PASSWORD
from tests.two_factor import START, code_step, is_logged_in_as, password_step
from tracker.models import AuditEvent, User
from tracker.selectors.two_factor import recovery_codes_left

BEFORE = [("tracker", "0007_exercise_log_version_days_index")]
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # base32, as pyotp made them
RECOVERY_CODES = ["0abcdefghj", "1kmnpqrstu", "2vwxyz2345"]

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


@pytest.fixture
def migrated_back():
    """The database as it was before the move; put forward again afterwards."""
    executor = migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def old_style_therapist(apps, *, email: str, **two_factor: object):
    clinic = apps.get_model("tracker", "Clinic").objects.create(name=f"Clinic of {email}")
    return apps.get_model("tracker", "User").objects.create(
        email=email,
        password=make_password(PASSWORD),
        role="therapist",
        clinic=clinic,
        full_name=email.split("@")[0].title(),
        **two_factor,
    )


def test_it_signs_in_with_the_old_app_and_an_old_recovery_code(migrated_back):
    with time_machine.travel(START, tick=False) as traveller:
        app = pyotp.TOTP(SECRET)
        used_step = app.timecode(START)
        # Code 1 was used before the move: its slot is empty.
        hashes = [make_password(RECOVERY_CODES[0]), "", make_password(RECOVERY_CODES[2])]
        old_style_therapist(
            migrated_back,
            email="dana@rehabit.test",
            totp_secret=SECRET,
            totp_confirmed_at=START - timedelta(days=40),
            totp_last_step=used_step,
            totp_recovery_codes=hashes,
        )
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        dana = User.objects.get(email="dana@rehabit.test")
        assert dana.has_two_factor
        assert recovery_codes_left(dana) == 2

        client = Client()
        password_step(client, dana)
        # The code accepted just before the move is not accepted again...
        assert code_step(client, app.now()).status_code == 400
        traveller.shift(timedelta(seconds=2))  # (the wait after a wrong code)
        # ...and the app's next one is.
        assert code_step(client, app.generate_otp(used_step + 1)).status_code == 302
        assert is_logged_in_as(client, dana)
        assert client.get("/clinic/caseload/").status_code == 200

        page = client.get("/clinic/account/two-factor/").content.decode()
        assert "Since 21 January 2026" in page and "You have 2 unused recovery codes." in page

        browser = Client()
        password_step(browser, dana)
        assert code_step(browser, "0abcd-efghj").status_code == 302  # as printed
        assert is_logged_in_as(browser, dana)
        assert browser.get("/clinic/caseload/").status_code == 200
        used = AuditEvent.objects.get(action="auth.recovery_code_used")
        assert used.detail == {"recovery_codes_left": 1}

        browser.logout()
        password_step(browser, dana)
        assert code_step(browser, "0abcd-efghj").status_code == 400  # used up
        traveller.shift(timedelta(seconds=2))
        assert code_step(browser, RECOVERY_CODES[1]).status_code == 400  # used before the move
        traveller.shift(timedelta(seconds=4))
        assert code_step(browser, RECOVERY_CODES[2]).status_code == 302


def test_it_replaces_the_old_recovery_codes_when_new_ones_are_made(migrated_back):
    with time_machine.travel(START, tick=False) as traveller:
        old_style_therapist(
            migrated_back,
            email="dana@rehabit.test",
            totp_secret=SECRET,
            totp_confirmed_at=START - timedelta(days=1),
            totp_recovery_codes=[make_password(RECOVERY_CODES[0])],
        )
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        dana = User.objects.get(email="dana@rehabit.test")
        client = Client()
        password_step(client, dana)
        code_step(client, pyotp.TOTP(SECRET).now())
        response = client.post(
            "/clinic/account/two-factor/recovery-codes/", {"codes-password_or_code": PASSWORD}
        )
        assert response.status_code == 200
        assert recovery_codes_left(dana) == 10

        browser = Client()
        password_step(browser, dana)
        traveller.shift(timedelta(seconds=1))
        assert code_step(browser, RECOVERY_CODES[0]).status_code == 400


def test_it_carries_a_set_up_under_way_and_leaves_the_others_alone(migrated_back):
    with time_machine.travel(START, tick=False):
        old_style_therapist(migrated_back, email="erin@rehabit.test", totp_secret=SECRET)
        old_style_therapist(migrated_back, email="finn@rehabit.test")
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        erin = User.objects.get(email="erin@rehabit.test")
        finn = User.objects.get(email="finn@rehabit.test")
        assert not erin.has_two_factor and not finn.has_two_factor
        client = Client()
        password_step(client, erin)  # no code asked: the set-up was never finished
        assert is_logged_in_as(client, erin)
        page = client.get("/clinic/account/two-factor/").content.decode()
        assert "JBSW Y3DP EHPK 3PXP" in page  # the key the app already has
        # The same bytes as the old base32 key, stored as django-otp stores keys: hex.
        assert bytes.fromhex(erin.totpdevice_set.get().key) == b32decode(SECRET)


def test_it_puts_the_keys_back_when_the_move_is_undone(migrated_back):
    with time_machine.travel(START, tick=False):
        old_style_therapist(
            migrated_back,
            email="dana@rehabit.test",
            totp_secret=SECRET,
            totp_confirmed_at=START - timedelta(days=3),
            totp_last_step=7,
            totp_recovery_codes=["", make_password(RECOVERY_CODES[1])],
        )
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
        executor = migrate(BEFORE)
        OldUser = executor.loader.project_state(BEFORE).apps.get_model("tracker", "User")
        dana = OldUser.objects.get(email="dana@rehabit.test")
        assert dana.totp_secret == SECRET
        assert dana.totp_confirmed_at == START - timedelta(days=3)
        assert dana.totp_last_step == 7
        assert dana.totp_recovery_codes[0] == "" and dana.totp_recovery_codes[1].startswith("md5$")
