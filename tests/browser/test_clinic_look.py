"""The clinic's look on the phone at 360 px: its name and logo in the header and its accent
on the top bar and buttons, loaded from this site with the strict CSP intact."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import CHROMIUM_ARGS, screenshot  # noqa: F401
from tests.browser.test_csp import violations_in_page, watch_for_violations
from tests.browser.test_login import demo_clinic, log_in  # noqa: F401 (a fixture)
from tracker.models import Clinic
from tracker.services.branding import clinic_look_update, logo_prepare
from tracker.services.demo import DEMO_PATIENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_360(browser: Browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 640})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def branded_clinic(demo_clinic, settings, tmp_path) -> Clinic:  # noqa: F811
    settings.MEDIA_ROOT = tmp_path / "media"
    # A wide logo with a transparent background, as clinics' logos often are.
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    image.paste((11, 83, 148, 255), (0, 30, 160, 130))
    image.paste((230, 120, 20, 255), (180, 50, 460, 110))
    upload = io.BytesIO()
    image.save(upload, format="PNG")
    upload.seek(0)
    clinic = Clinic.objects.get(name="Demo Clinic")
    clinic_look_update(clinic=clinic, accent_colour="#0b5394", logo=logo_prepare(upload))
    return clinic


def test_today_shows_the_clinics_name_logo_and_accent_at_360px(phone_360: Page, branded_clinic):
    page = phone_360
    messages = watch_for_violations(page)
    log_in(page, DEMO_PATIENT)
    expect(page.get_by_role("heading", name="Hello, Alex Rivera")).to_be_visible()
    brand = page.locator("header.topbar .clinic-brand")
    expect(brand).to_contain_text("Demo Clinic")
    logo = brand.locator("img.brand-logo")
    expect(logo).to_have_js_property("complete", True)
    assert logo.evaluate("img => img.naturalWidth") > 0  # loaded, not a broken image
    # The accent comes from the per-colour stylesheet, not from an inline style.
    topbar = page.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert topbar == "rgb(11, 83, 148)"
    button = page.get_by_role("button", name="Start session")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(11, 83, 148)"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scroll
    screenshot(page, "today-branded-360")
    assert violations_in_page(page) == [] and messages == []


def test_a_clinic_without_a_look_keeps_rehabits(phone_360: Page, demo_clinic):  # noqa: F811
    log_in(phone_360, DEMO_PATIENT)
    expect(phone_360.locator("header.topbar .clinic-brand")).to_contain_text("Demo Clinic")
    expect(phone_360.locator("header.topbar img")).to_have_count(0)
    topbar = phone_360.locator("header.topbar").evaluate("e => getComputedStyle(e).backgroundColor")
    assert topbar == "rgb(31, 111, 92)"  # #1f6f5c
