"""The strict Content Security Policy breaks nothing: no violations, htmx still swaps."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_login import demo_clinic, log_in  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Also catches violations that the browser does not print, through the DOM event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def watch_for_violations(page: Page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(RECORD_VIOLATIONS)
    return messages


def violations_in_page(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def test_it_shows_today_and_logs_an_exercise_with_no_policy_violation(phone, demo_clinic):  # noqa: F811
    messages = watch_for_violations(phone)
    log_in(phone, "patient@rehabit.test")
    expect(phone.get_by_role("heading", name="Today's exercises")).to_be_visible()
    phone.locator("label[for='start-pain_before-2']").click()
    phone.get_by_role("button", name="Start session").click()
    expect(phone.get_by_role("heading", name="Session in progress")).to_be_visible()
    phone.locator("button.log-done").first.click()  # an htmx swap of the item
    expect(phone.locator(".plan-item").first).to_contain_text("Done")
    phone.goto("/progress/")  # the server-rendered SVG charts
    expect(phone.locator("svg").first).to_be_visible()
    assert violations_in_page(phone) == []
    assert messages == []


def test_it_shows_the_caseload_and_searches_it_with_no_policy_violation(phone, demo_clinic):  # noqa: F811
    messages = watch_for_violations(phone)
    log_in(phone, "therapist@rehabit.test")
    expect(phone.get_by_role("heading", name="Caseload")).to_be_visible()
    # htmx (a deferred script) must be listening before the first keystroke.
    phone.wait_for_load_state("load")
    phone.get_by_label("Search").fill("jordan")  # htmx live search
    expect(phone.locator("#caseload-results .patient-name")).to_have_text(["Jordan Kim"])
    phone.get_by_role("link", name="Jordan Kim").click()  # the record, with its charts
    expect(phone.get_by_role("heading", name="Jordan Kim")).to_be_visible()
    assert violations_in_page(phone) == []
    assert messages == []
