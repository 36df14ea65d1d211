"""The flags inbox in a therapist's browser: a double click, the banner after an action, and
a console that stays clean while htmx works."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tests.workspace import make_flag
from tracker.models import AuditEvent, FlagEvent

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def posts_to(page: Page, path: str) -> list[str]:
    """The POST requests the page sends to ``path``, as they leave the browser."""
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.url)
            if request.method == "POST" and request.url.endswith(path)
            else None
        ),
    )
    return sent


def test_it_acknowledges_once_on_a_double_click(laptop: Page, alice, pat) -> None:
    flag = make_flag(pat, severity="high")
    sent = posts_to(laptop, f"/clinic/flags/{flag.pk}/review/")
    log_in(laptop, alice.email, PASSWORD)
    expect(laptop.get_by_role("heading", name="Caseload")).to_be_visible()
    laptop.goto("/clinic/flags/")
    laptop.wait_for_load_state("load")  # htmx, a deferred script, is listening
    laptop.get_by_role("button", name="Acknowledge").dblclick()
    expect(laptop.locator(".message.success")).to_have_count(1)
    expect(laptop.locator(".message.success")).to_contain_text("acknowledged")
    laptop.wait_for_load_state("load")
    assert len(sent) == 1
    assert FlagEvent.objects.filter(flag=flag, action="acknowledged").count() == 1
    assert AuditEvent.objects.filter(action="flag.acknowledged").count() == 1


def test_it_sends_a_plain_form_once_on_a_double_click(laptop: Page, alice, pat) -> None:
    sent = posts_to(laptop, f"/clinic/patients/{pat.pk}/notes/")
    log_in(laptop, alice.email, PASSWORD)
    expect(laptop.get_by_role("heading", name="Caseload")).to_be_visible()
    laptop.goto(f"/clinic/patients/{pat.pk}/")
    laptop.wait_for_load_state("load")
    laptop.get_by_role("textbox", name="Care-team note").fill("Called about the stairs.")
    laptop.get_by_role("button", name="Add note").dblclick()
    expect(laptop.locator(".message.success")).to_have_count(1)
    assert len(sent) == 1
    assert pat.notes_log.count() == 1


def test_it_shows_the_resolved_banner_once(laptop: Page, alice, pat) -> None:
    make_flag(pat)
    log_in(laptop, alice.email, PASSWORD)
    expect(laptop.get_by_role("heading", name="Caseload")).to_be_visible()
    laptop.goto("/clinic/flags/")
    laptop.wait_for_load_state("load")
    laptop.get_by_label("Status").select_option("open")  # an htmx swap of the results first
    # A hurried double click: the second request once carried the first one's unread
    # banner back in the messages cookie, so it showed again on the next page.
    laptop.get_by_role("button", name="Resolve").dblclick()
    expect(laptop.locator(".message.success")).to_contain_text("resolved")
    laptop.wait_for_load_state("networkidle")
    laptop.get_by_role("link", name="Caseload").click()
    expect(laptop.get_by_role("heading", name="Caseload")).to_be_visible()
    expect(laptop.locator(".message")).to_have_count(0)
    laptop.go_back()  # the flags page again, from the browser's history
    expect(laptop.get_by_role("heading", name="Flags")).to_be_visible()
    expect(laptop.locator(".message")).to_have_count(0)
    laptop.goto("/clinic/flags/")
    expect(laptop.locator(".message")).to_have_count(0)


def test_it_keeps_the_console_clean_through_htmx_actions(laptop: Page, alice, pat) -> None:
    make_flag(pat)
    problems: list[str] = []

    def note(message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            problems.append(f"{message.type}: {message.text}")

    laptop.on("console", note)
    laptop.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    laptop.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    log_in(laptop, alice.email, PASSWORD)
    expect(laptop.get_by_role("heading", name="Caseload")).to_be_visible()
    laptop.wait_for_load_state("load")
    laptop.get_by_label("Search").fill("pat")  # live search
    expect(laptop.locator("#caseload-results .patient-name")).to_have_count(1)
    laptop.get_by_role("link", name="Flags").first.click()
    laptop.wait_for_load_state("load")
    laptop.get_by_label("Severity").select_option("medium")  # a filter swap
    expect(laptop.locator(".flag-card")).to_have_count(1)
    laptop.get_by_role("button", name="Acknowledge").click()  # an htmx post
    expect(laptop.locator(".message.success")).to_contain_text("acknowledged")
    laptop.goto(f"/clinic/patients/{pat.pk}/")
    laptop.wait_for_load_state("load")
    laptop.get_by_role("link", name="28 days").click()  # the record's window swap
    expect(laptop).to_have_url(re.compile(r"days=28"))
    laptop.wait_for_load_state("networkidle")
    screenshot(laptop, "therapist-record-after-swaps-1366")
    laptop.locator(".nav-menu > summary").click()  # the navigation's Clinic menu
    laptop.get_by_role("link", name="Overview").click()
    expect(laptop.get_by_role("heading", name="Background jobs")).to_be_visible()
    assert problems == []
    icon = laptop.request.get("/favicon.ico")  # what a browser asks for on its own
    assert icon.ok and icon.headers["content-type"] == "image/png"
