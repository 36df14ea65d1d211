"""The exercises' drawings on a 360 px phone: on Today and the exercise page, and again with
no network, from what the service worker kept."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_back_online import under_the_service_worker
from tests.browser.test_patient_phone import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRAWINGS = re.compile(r"/static/tracker/illustrations/[a-z0-9-]+\.svg$")


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, base_url=live_server.url, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shown(page: Page) -> list[str]:
    """Scroll to each exercise picture, wait until it is drawn, and list its address."""
    pictures = page.locator("img.exercise-picture")
    sources = []
    for index in range(pictures.count()):
        picture = pictures.nth(index)
        picture.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=picture.element_handle()
        )
        box = picture.bounding_box()
        assert box and box["width"] >= 100 and box["height"] >= 50
        sources.append(picture.get_attribute("src"))
    return sources


def kept_pictures(page: Page) -> list[str]:
    return page.evaluate(
        "caches.open('rehabit-pictures').then(c => c.keys()).then(k => k.map(r => r.url).sort())"
    )


def test_today_shows_the_drawings_and_still_does_offline(small_phone, pat, pat_program):
    log_in(small_phone, pat.user.email)
    under_the_service_worker(small_phone)
    sources = shown(small_phone)
    assert len(sources) == 3  # the stretch is due twice today
    assert {source.rsplit("/", 1)[1] for source in sources} == {
        "glute-bridge.svg",
        "hip-flexor-stretch.svg",
    }
    # Today names its pictures to the worker, which keeps them whether or not they were seen.
    expected = sorted({small_phone.url.split("/today/")[0] + source for source in sources})
    for _ in range(50):
        if kept_pictures(small_phone) == expected:
            break
        small_phone.wait_for_timeout(200)
    assert kept_pictures(small_phone) == expected
    small_phone.locator(".plan-item").first.screenshot(
        path=str(ARTIFACTS / "today-exercise-picture-360x640.png")
    )

    small_phone.context.set_offline(True)
    answers: list[Response] = []
    small_phone.on("response", lambda r: answers.append(r) if DRAWINGS.search(r.url) else None)
    small_phone.reload()
    expect(small_phone.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    assert len(shown(small_phone)) == 3
    assert answers and all(answer.from_service_worker for answer in answers)
    screenshot(small_phone, "today-pictures-offline-360x640")


def test_the_exercise_page_shows_the_drawing_large_with_its_description(
    small_phone, pat, pat_program
):
    log_in(small_phone, pat.user.email)
    small_phone.get_by_role("link", name="Glute Bridge").click()
    picture = small_phone.get_by_role("img", name=re.compile("^Two drawings of a person lying"))
    expect(picture).to_be_visible()
    assert shown(small_phone)
    box = picture.bounding_box()
    assert box and box["width"] >= 300  # nearly the phone's width
    screenshot(small_phone, "exercise-picture-360x640")
