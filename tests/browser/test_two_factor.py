"""A therapist turns on two-factor sign-in with a real authenticator app, then logs in with it."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.test_csp import violations_in_page, watch_for_violations
from tests.browser.test_login import demo_clinic, log_in  # noqa: F401 (a fixture)
from tracker.services.demo import DEMO_THERAPIST

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_it_sets_up_two_factor_and_logs_in_with_a_code(phone, demo_clinic):  # noqa: F811
    messages = watch_for_violations(phone)
    log_in(phone, DEMO_THERAPIST)
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    phone.get_by_role("navigation", name="Main").get_by_text("Clinic").click()  # its menu
    phone.get_by_role("link", name="Two-factor").click()
    phone.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(phone.locator(".qr svg")).to_be_visible()
    screenshot(phone, "two-factor-setup-390x844")

    app = pyotp.TOTP(phone.locator("code.secret").inner_text().replace(" ", ""))
    phone.get_by_label("6-digit code from the app").fill(app.now())
    phone.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(phone.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(phone.locator(".recovery-codes li")).to_have_count(10)
    assert violations_in_page(phone) == []

    phone.get_by_role("button", name="Log out").click()
    log_in(phone, DEMO_THERAPIST)
    expect(phone).to_have_url(re.compile(r"/login/code/$"))
    phone.get_by_label("Code").fill("000000" if app.now() != "000000" else "111111")
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("alert")).to_contain_text("That code is not right")
    phone.wait_for_timeout(1000)  # after a wrong code the device waits a second
    # The code of the next 30 seconds: the current one was used to turn two-factor on.
    phone.get_by_label("Code").fill(app.at(time.time() + 30))
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    assert violations_in_page(phone) == []
    assert messages == []
