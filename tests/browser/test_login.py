"""The demo patient logs in on a phone and lands on Today."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tracker.services.demo import DEMO_PASSWORD, DEMO_PATIENT, DEMO_THERAPIST, demo_build
from tracker.services.library import library_seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_clinic():
    library_seed()
    demo_build()


def log_in(page, email):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_it_logs_in_the_demo_patient_on_a_phone(phone, demo_clinic):
    log_in(phone, DEMO_PATIENT)
    expect(phone.get_by_role("heading", name="Hello, Alex Rivera")).to_be_visible()
    expect(phone.get_by_role("heading", name="Today's exercises")).to_be_visible()
    no_sideways_scroll = phone.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert no_sideways_scroll
    screenshot(phone, "login-today-390x844")


def test_it_logs_in_the_demo_therapist_to_the_caseload(phone, demo_clinic):
    log_in(phone, DEMO_THERAPIST)
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(phone.get_by_text("Jordan Kim")).to_be_visible()


def test_it_says_so_when_the_password_is_wrong(phone, demo_clinic):
    phone.goto("/login/")
    phone.get_by_label("Email").fill(DEMO_PATIENT)
    phone.get_by_label("Password").fill("not-the-password")
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_role("alert")).to_contain_text("email and password do not match")


def test_it_offers_a_new_password_to_whoever_forgot_it(phone, demo_clinic):
    phone.goto("/login/")
    phone.get_by_role("link", name="Forgot your password?").click()
    expect(phone.get_by_role("heading", name="Forgot your password?")).to_be_visible()
    phone.get_by_label("Email").fill(DEMO_PATIENT)
    phone.get_by_role("button", name="Send me a link").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
