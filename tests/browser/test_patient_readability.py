"""Reading the patient's pages on a small phone (360 px wide): one font, labels big enough,
and a check-in that turns a mistake into a place to look, not a scroll back up."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.conftest import log_in as send_login
from tests.conftest import PASSWORD
from tests.phone import fill_history

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SMALL_PHONE = {"width": 360, "height": 640}
SMALLEST_LABEL_PX = 14


@pytest.fixture
def small_phone(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport=SMALL_PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def log_in(page: Page, email: str) -> None:
    send_login(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def chart_label_sizes(page: Page) -> list[dict]:
    """Each chart label's size on the screen: its font size times the drawing's scale."""
    return page.evaluate(
        """() => Array.from(document.querySelectorAll("svg.chart-svg text")).map((text) => {
             const svg = text.ownerSVGElement;
             const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
             const box = text.getBBox();
             return {
               text: text.textContent,
               px: parseFloat(text.getAttribute("font-size")) * scale,
               inside: box.x >= 0 && box.y >= 0 &&
                 box.x + box.width <= svg.viewBox.baseVal.width + 0.5 &&
                 box.y + box.height <= svg.viewBox.baseVal.height + 0.5,
             };
           })"""
    )


def test_chart_and_calendar_labels_show_at_14_px_or_more_on_a_small_phone(
    small_phone, pat, pat_program
):
    fill_history(pat, 10)
    log_in(small_phone, pat.user.email)
    small_phone.goto("/progress/")
    labels = chart_label_sizes(small_phone)
    assert len(labels) > 40  # four charts' ticks and days, the calendar's days
    too_small = [label for label in labels if label["px"] < SMALLEST_LABEL_PX]
    assert too_small == []
    assert [label for label in labels if not label["inside"]] == []
    screenshot(small_phone, "progress-charts-360x640")
    small_phone.locator("figure.calendar").screenshot(path=ARTIFACTS / "calendar-360.png")
    small_phone.locator("figure.chart").nth(1).screenshot(path=ARTIFACTS / "pain-chart-360.png")


def test_text_boxes_and_buttons_use_the_page_font(small_phone, pat, pat_program):
    log_in(small_phone, pat.user.email)
    small_phone.goto("/checkin/")
    fonts = small_phone.evaluate(
        """() => ["body", "textarea", "select", "button[type=submit]"].map(
             (selector) => getComputedStyle(document.querySelector(selector)).fontFamily)"""
    )
    assert len(set(fonts)) == 1, fonts


def test_a_turned_down_check_in_takes_the_patient_to_the_first_message(small_phone, pat):
    fill_history(pat, 3)  # a check-in yesterday, shown under the form
    log_in(small_phone, pat.user.email)
    small_phone.goto("/checkin/")
    save = small_phone.get_by_role("button", name="Save check-in")
    yesterday = small_phone.locator(".card.yesterday")
    gap = yesterday.bounding_box()["y"] - (save.bounding_box()["y"] + save.bounding_box()["height"])
    assert gap >= 24, gap

    small_phone.locator("label[for='checkin-stress-4']").click()  # the rest left unanswered
    save.click()
    expect(small_phone.locator("#checkin-pain-error")).to_be_visible()
    # The first question's first answer: a screen reader reads the question and its message.
    expect(small_phone.locator("#checkin-pain-0")).to_be_focused()
    expect(small_phone.locator("#checkin-pain-error")).to_be_in_viewport()
    screenshot(small_phone, "checkin-first-error-360x640")


def test_settings_and_the_offline_page_fit_a_small_phone(small_phone, pat):
    log_in(small_phone, pat.user.email)
    for path, name in (("/settings/", "settings-360x640"), ("/offline/", "offline-360x640")):
        small_phone.goto(path)
        assert small_phone.evaluate(
            "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
        ), path
        screenshot(small_phone, name)
    small_phone.goto("/settings/")
    small_phone.locator("#settings-data").screenshot(path=ARTIFACTS / "settings-data-360.png")
