"""The patient's phone, end to end in Chromium at 390×844: a session, a check-in, offline."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.conftest import log_in as send_login
from tests.conftest import PASSWORD
from tracker.models import DailyCheckin, ExerciseLog, Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, email: str) -> None:
    send_login(page, email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()


def rate(page: Page, prefix: str, name: str, value: int) -> None:
    """Tap a number on a 0–10 scale, as a thumb would: on its big label."""
    page.locator(f"label[for='{prefix}-{name}-{value}']").click()


def wait_for_htmx(page: Page) -> None:
    # Not wait_for_function: Playwright evaluates a string predicate with eval, which the
    # Content Security Policy (rightly) forbids.
    expect(page.locator(".htmx-request")).to_have_count(0)


def no_sideways_scroll(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def do_check_in(page: Page, *, pain: int = 3) -> None:
    rate(page, "checkin", "pain", pain)
    rate(page, "checkin", "worst_pain", 5)
    page.get_by_label("Hours of sleep last night").select_option("7.5")
    rate(page, "checkin", "sleep_quality", 6)
    rate(page, "checkin", "stress", 4)


def test_a_patient_logs_a_session_and_a_check_in_and_finds_both_saved(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    expect(phone.get_by_role("heading", name="Today's exercises")).to_be_visible()
    screenshot(phone, "today-start-390x844")

    rate(phone, "start", "pain_before", 2)
    phone.get_by_role("button", name="Start session").click()
    expect(phone.get_by_role("heading", name="Session in progress")).to_be_visible()

    done_buttons = phone.locator("button.log-done")
    assert done_buttons.count() == 3
    for index in range(3):
        done_buttons.nth(index).click()
        expect(phone.locator(".plan-item").nth(index)).to_contain_text("Done")
        wait_for_htmx(phone)
    expect(phone.locator("#tally")).to_have_text("3 of 3 logged")

    rate(phone, "finish", "pain_after", 4)
    phone.get_by_role("button", name="Finish session").click()
    light = phone.locator(".light")
    expect(light).to_contain_text("Amber light")
    expect(light).to_contain_text("Acceptable if it settles")
    assert no_sideways_scroll(phone)
    phone.evaluate("window.scrollTo(0, 0)")
    # What the phone shows (the tab bar stays at the bottom), then the whole page.
    ARTIFACTS.mkdir(exist_ok=True)
    phone.screenshot(path=str(ARTIFACTS / "today-390x844.png"))
    screenshot(phone, "today-full-390x844")

    phone.get_by_role("link", name="Check-in").first.click()
    expect(phone.get_by_role("heading", name="Daily check-in")).to_be_visible()
    do_check_in(phone)
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.get_by_role("status").filter(has_text="Check-in saved")).to_be_visible()
    screenshot(phone, "checkin-390x844")

    phone.reload()
    expect(phone.locator("#checkin-pain-3")).to_be_checked()
    expect(phone.locator("#checkin-sleep-hours")).to_have_value("7.5")
    phone.goto("/today/")
    expect(phone.get_by_text("Daily check-in done")).to_be_visible()
    expect(phone.locator(".light")).to_contain_text("Amber light")
    expect(phone.locator(".plan-item.is-done")).to_have_count(3)

    session = Session.objects.get(patient=pat)
    assert (session.pain_before, session.pain_after) == (2, 4)
    assert session.finished_at is not None
    assert ExerciseLog.objects.filter(patient=pat, status="done").count() == 3
    assert DailyCheckin.objects.get(patient=pat).pain == 3


def test_a_double_tap_on_a_submit_creates_one_record(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    rate(phone, "start", "pain_before", 3)
    phone.get_by_role("button", name="Start session").dblclick()
    expect(phone.get_by_role("heading", name="Session in progress")).to_be_visible()
    phone.locator("button.log-done").first.dblclick()
    expect(phone.locator(".plan-item").first).to_contain_text("Done")
    wait_for_htmx(phone)

    phone.goto("/checkin/")
    do_check_in(phone)
    phone.get_by_role("button", name="Save check-in").dblclick()
    expect(phone.get_by_role("status").filter(has_text="Check-in saved")).to_be_visible()
    wait_for_htmx(phone)

    assert Session.objects.filter(patient=pat).count() == 1
    assert ExerciseLog.objects.filter(patient=pat).count() == 1
    assert DailyCheckin.objects.filter(patient=pat).count() == 1


def test_offline_submits_are_kept_on_the_phone_and_land_exactly_once(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    phone.context.set_offline(True)

    rate(phone, "start", "pain_before", 2)
    phone.get_by_role("button", name="Start session").click()
    first_item = phone.locator(".plan-item").first
    first_item.locator("button.log-done").click()
    expect(first_item.locator(".queued-note")).to_be_visible()
    expect(first_item.locator(".queued-note")).to_have_text(
        "Saved on this phone — will send when you are back online."
    )
    expect(phone.locator("#outbox-status")).to_contain_text(
        "2 entries are saved on this phone and will send when you are back online."
    )
    # The finish form appears although the start is still on the phone.
    expect(phone.get_by_role("button", name="Finish session")).to_be_visible()
    screenshot(phone, "today-offline-390x844")
    assert not Session.objects.exists() and not ExerciseLog.objects.exists()

    phone.context.set_offline(False)
    expect(phone.locator("#outbox-status")).to_contain_text("has been sent", timeout=20_000)
    expect(first_item).to_contain_text("Done")
    assert Session.objects.filter(patient=pat, pain_before=2).count() == 1
    assert ExerciseLog.objects.filter(patient=pat, status="done").count() == 1

    # A second flush (another tab, a retry) finds nothing left to send.
    phone.evaluate("window.dispatchEvent(new Event('online'))")
    phone.wait_for_timeout(500)
    assert Session.objects.count() == 1 and ExerciseLog.objects.count() == 1


def test_details_of_a_hold_are_added_and_come_back_filled_in(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    stretch = phone.locator(".plan-item").filter(has_text="Hip").first
    stretch.locator("details.log-details summary").click()
    # A hold asks for seconds held, not reps; every field has its own label and id.
    expect(stretch.get_by_label("Seconds held")).to_be_visible()
    expect(stretch.get_by_label("Reps in each set")).to_have_count(0)
    stretch.get_by_label("Seconds held").fill("25")
    stretch.locator("label.rating-option").filter(has_text=re.compile("^2$")).click()
    stretch.locator("label.chip").filter(has_text="Stiffness").click()
    stretch.get_by_role("button", name="Save details").click()
    expect(phone.locator(".plan-item").filter(has_text="Hip").first).to_contain_text("Done")
    wait_for_htmx(phone)
    assert duplicate_ids(phone) == []

    log = ExerciseLog.objects.get(patient=pat, occurrence=1, exercise__slug="hip-flexor-stretch")
    assert (log.status, log.hold_seconds_done, log.pain_during) == ("done", 25, 2)
    assert log.symptoms == ["stiffness"]

    phone.reload()
    stretch = phone.locator(".plan-item").filter(has_text="Hip").first
    stretch.locator("details.log-details summary").click()
    expect(stretch.get_by_label("Seconds held")).to_have_value("25")
    expect(stretch.locator("input[name=pain_during][value='2']")).to_be_checked()
    bridge = phone.locator(".plan-item").filter(has_text="Bridge").first
    bridge.locator("details.log-details summary").click()
    expect(bridge.get_by_label("Reps in each set")).to_be_visible()
    expect(bridge.get_by_label("Seconds held")).to_have_count(0)


def test_an_offline_check_in_is_sent_once_when_the_network_returns(phone, pat):
    log_in(phone, pat.user.email)
    phone.goto("/checkin/")
    phone.context.set_offline(True)
    do_check_in(phone, pain=6)
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.locator("#checkin-form .queued-note")).to_be_visible()
    assert not DailyCheckin.objects.exists()
    phone.context.set_offline(False)
    expect(phone.locator("#outbox-status")).to_contain_text("has been sent", timeout=20_000)
    expect(phone.get_by_role("status").filter(has_text="Check-in saved")).to_be_visible()
    assert DailyCheckin.objects.get(patient=pat).pain == 6


def test_an_incomplete_check_in_offline_gets_messages_instead_of_being_kept(phone, pat):
    log_in(phone, pat.user.email)
    phone.goto("/checkin/")
    phone.context.set_offline(True)
    rate(phone, "checkin", "pain", 2)
    phone.get_by_role("button", name="Save check-in").click()
    expect(phone.locator("#checkin-form .queued-note")).to_be_hidden()
    assert phone.evaluate("document.querySelector('#checkin-worst_pain-0').validity.valueMissing")
    phone.context.set_offline(False)


def test_a_missing_rating_gets_a_message_beside_the_field(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    phone.get_by_role("button", name="Start session").click()
    expect(phone.locator("#start-pain_before-error")).to_have_text("Choose a number from 0 to 10.")
    assert not Session.objects.exists()


def test_the_rating_scale_and_the_buttons_work_from_the_keyboard(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    phone.focus("#start-pain_before-0")
    for _ in range(3):
        phone.keyboard.press("ArrowRight")
    expect(phone.locator("#start-pain_before-3")).to_be_checked()
    phone.keyboard.press("Tab")
    expect(phone.get_by_role("button", name="Start session")).to_be_focused()
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", name="Session in progress")).to_be_visible()
    assert Session.objects.get(patient=pat).pain_before == 3


def test_a_timed_hold_counts_down_and_says_when_it_is_done(phone, pat, pat_program):
    phone.clock.install()
    log_in(phone, pat.user.email)
    timer = phone.locator("[data-timer]").first
    timer.get_by_role("button", name="Start 30 s timer").click()
    phone.clock.run_for(10_000)
    expect(timer.locator(".timer-display")).to_have_text("20 s")
    phone.clock.run_for(21_000)
    expect(timer.get_by_role("status")).to_contain_text("Time is up")
    expect(timer.get_by_role("status")).to_contain_text("1 of 4 · left side next")


def test_the_phone_s_time_zone_is_adopted_on_first_login(browser, live_server, clinic, alice):
    from tests.conftest import make_patient

    newcomer = make_patient("new@patient.test", clinic, alice, tz="UTC")
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        base_url=live_server.url,
        timezone_id="America/Chicago",
    )
    page = context.new_page()
    try:
        log_in(page, newcomer.user.email)
        expect(page.locator("#timezone-notice")).to_contain_text("America/Chicago")
        newcomer.user.refresh_from_db()
        assert newcomer.user.timezone == "America/Chicago"
    finally:
        context.close()


def test_a_time_zone_on_another_date_redraws_today_and_still_says_so(
    browser, live_server, clinic, alice
):
    from datetime import UTC, datetime

    from tests.conftest import make_patient

    # A zone whose date differs from UTC's right now: the page must be drawn again.
    zone = "Pacific/Pago_Pago" if datetime.now(UTC).hour < 10 else "Pacific/Kiritimati"
    newcomer = make_patient("far@patient.test", clinic, alice, tz="UTC")
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=live_server.url, timezone_id=zone
    )
    page = context.new_page()
    try:
        log_in(page, newcomer.user.email)
        expect(page.locator("#timezone-notice")).to_contain_text(zone)
        newcomer.user.refresh_from_db()
        expect(page.locator("#patient-page")).to_have_attribute(
            "data-day", newcomer.local_today().isoformat()
        )
    finally:
        context.close()


def test_a_page_left_open_past_midnight_says_so_without_reloading_forever(phone, pat, pat_program):
    import datetime as dt

    phone.clock.install(time=dt.datetime.now(dt.UTC) + dt.timedelta(days=2))
    log_in(phone, pat.user.email)
    expect(phone.locator("#stale-day")).to_contain_text("This page is from an earlier day")


def test_a_settings_change_without_a_network_says_it_was_not_saved(phone, pat):
    log_in(phone, pat.user.email)
    phone.goto("/settings/")
    phone.context.set_offline(True)
    phone.get_by_role("button", name="Save settings").click()
    expect(phone.locator("#outbox-status")).to_contain_text("That was not saved")
    phone.context.set_offline(False)


PAGES = ["/today/", "/checkin/", "/progress/", "/settings/", "/learn/pain-traffic-light/"]


TAP_TARGETS = ", ".join(
    [
        "button",
        ".tab",
        "label.rating-option",
        "label.chip",
        "summary",
        "select",
        "input:not([type=hidden]):not([type=checkbox]):not(.rating-input)",
        ".field.check label",  # a checkbox's label is its tap target
        "a.button",
        ".back",
        ".checkin-card",
        ".recent a",
        ".item-name a",
    ]
)


def small_targets(page: Page) -> list[str]:
    """Controls smaller than 44×44 CSS px (links inside running text are exempt)."""
    return page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector))
            .filter(el => el.offsetParent !== null)
            .filter(el => { const r = el.getBoundingClientRect();
                            return r.height < 44 || r.width < 44; })
            .map(el => el.outerHTML.slice(0, 80))""",
        TAP_TARGETS,
    )


def unlabelled_controls(page: Page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('input, select, textarea, button'))
            .filter(el => el.type !== 'hidden')
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                          && !(el.tagName === 'BUTTON' && el.textContent.trim()))
            .map(el => el.outerHTML.slice(0, 80))"""
    )


def duplicate_ids(page: Page) -> list[str]:
    return page.evaluate(
        """() => { const seen = new Set(), dup = [];
                   document.querySelectorAll('[id]').forEach(el => {
                     if (seen.has(el.id)) dup.push(el.id); seen.add(el.id); });
                   return dup; }"""
    )


def test_every_patient_page_fits_a_360_px_phone(browser, live_server, pat, pat_program):
    from tests.phone import fill_history

    fill_history(pat, 12)
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, base_url=live_server.url, device_scale_factor=2
    )
    page = context.new_page()
    try:
        log_in(page, pat.user.email)
        exercise = pat_program.prescriptions.first()
        for path in [*PAGES, f"/exercises/{exercise.pk}/"]:
            page.goto(path)
            assert no_sideways_scroll(page), path
            assert small_targets(page) == [], path
            font = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
            assert font >= 16, path
            assert unlabelled_controls(page) == [], path
            assert duplicate_ids(page) == [], path
        page.goto("/today/")
        page.locator("details.log-details summary").first.click()
        assert no_sideways_scroll(page) and small_targets(page) == []
        screenshot(page, "today-details-360x640")
        page.goto("/progress/")
        screenshot(page, "progress-360x640")
    finally:
        context.close()


def test_the_app_shell_opens_today_without_a_network(phone, pat, pat_program):
    log_in(phone, pat.user.email)
    phone.evaluate("navigator.serviceWorker.ready.then(() => true)")
    phone.reload()  # now under the worker's control, which keeps a copy of the page
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    phone.reload()
    expect(phone.get_by_role("heading", name="Today's exercises")).to_be_visible()
    phone.context.set_offline(True)
    phone.reload()
    expect(phone.get_by_role("heading", name="Today's exercises")).to_be_visible()
    phone.goto("/progress/")
    expect(phone.get_by_role("heading", name="You are offline")).to_be_visible()
    phone.context.set_offline(False)
