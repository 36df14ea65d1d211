"""The phone coming back online: the offline page gives way to the page asked for, and
what was kept on the phone is sent without the patient opening anything."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in as send_login
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD
from tracker.models import DailyCheckin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, email: str) -> None:
    send_login(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def under_the_service_worker(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_the_offline_page_gives_way_and_a_kept_check_in_is_sent(phone, pat):
    log_in(phone, pat.user.email)
    under_the_service_worker(phone)
    phone.goto("/checkin/")  # now a page the phone keeps
    phone.context.set_offline(True)
    for name, value in (("pain", 4), ("worst_pain", 5), ("sleep_quality", 6), ("stress", 3)):
        phone.locator(f"label[for='checkin-{name}-{value}']").click()
    phone.get_by_label("Hours of sleep last night").select_option("7.5")
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.locator("#checkin-form .queued-note")).to_be_visible()

    phone.goto("/progress/")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    screenshot(phone, "offline-page-390x844")
    assert not DailyCheckin.objects.exists()

    phone.context.set_offline(False)
    # Nothing tapped: the page the patient asked for opens, and the check-in goes with it.
    expect(phone.get_by_role("heading", name="Your progress")).to_be_visible(timeout=20_000)
    assert phone.url.endswith("/progress/")
    expect(phone.locator("#outbox-status")).to_contain_text("has been sent", timeout=20_000)
    assert DailyCheckin.objects.get(patient=pat).pain == 4
