"""Answering the patient-specific scale on a 360 px phone: online, and offline (kept on the
phone and sent once when the network is back)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import _fresh_page, screenshot
from tests.browser.conftest import log_in as send_login
from tests.conftest import PASSWORD
from tests.outcomes import schedule
from tracker.models import QuestionnaireResponse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_360(browser: Browser, live_server) -> Iterator[Page]:
    yield from _fresh_page(
        browser, live_server.url, viewport={"width": 360, "height": 640}, device_scale_factor=2
    )


def log_in(page: Page, email: str) -> None:
    send_login(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def name_and_rate(page: Page) -> None:
    page.get_by_label("An activity that is hard for you").fill("Climb the stairs")
    page.locator("label[for='q-rating_a1-3']").click()
    page.locator("#q-name-a2").fill("Kneel in the garden")
    page.locator("label[for='q-rating_a2-6']").click()


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_patient_answers_the_psfs_from_today(phone_360, pat, pat_program):
    measure = schedule(pat_program, "psfs")
    page = phone_360
    log_in(page, pat.user.email)
    card = page.get_by_role("link", name=re.compile("Everyday activities"))
    expect(card).to_be_visible()
    screenshot(page, "questionnaire-today-card-360")
    card.click()
    expect(page.get_by_role("heading", name="Everyday activities")).to_be_visible()
    no_sideways_scroll(page)

    # A name without its rating is refused beside the rating, and what was typed stays.
    page.get_by_label("An activity that is hard for you").fill("Climb the stairs")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#q-rating_a1-error")).to_contain_text("Choose how well you can do this")
    expect(page.get_by_label("An activity that is hard for you")).to_have_value("Climb the stairs")
    screenshot(page, "questionnaire-refused-360")

    name_and_rate(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    screenshot(page, "questionnaire-saved-360")
    saved = QuestionnaireResponse.objects.get(measure=measure)
    assert saved.primary_score == 4.5
    assert saved.activities == {"a1": "Climb the stairs", "a2": "Kneel in the garden"}

    page.goto("/today/")
    expect(page.get_by_role("link", name=re.compile("Everyday activities"))).to_have_count(0)


def test_answers_given_offline_are_sent_once_when_back_online(phone_360, pat, pat_program):
    measure = schedule(pat_program, "psfs")
    page = phone_360
    log_in(page, pat.user.email)
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(f"/measures/{measure.pk}/")  # a page the phone keeps
    expect(page.get_by_role("heading", name="Everyday activities")).to_be_visible()

    page.context.set_offline(True)
    page.reload()  # opens from the phone's copy
    expect(page.get_by_role("heading", name="Everyday activities")).to_be_visible()
    name_and_rate(page)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.locator("#questionnaire .queued-note")).to_be_visible()
    screenshot(page, "questionnaire-kept-offline-360")
    assert not QuestionnaireResponse.objects.exists()

    page.context.set_offline(False)
    expect(page.locator("#outbox-status")).to_contain_text("has been sent", timeout=30_000)
    expect(page.get_by_role("status").filter(has_text="Your answers are saved")).to_be_visible()
    saved = QuestionnaireResponse.objects.get()
    assert (saved.answers, saved.primary_score) == ({"a1": 3, "a2": 6}, 4.5)
    # The outbox is empty: a later flush sends nothing again.
    page.reload()
    page.wait_for_timeout(1000)
    assert QuestionnaireResponse.objects.count() == 1
