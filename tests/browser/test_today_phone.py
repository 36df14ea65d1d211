"""Today on a 360 px phone: details that say skip, the finish after the list, the hold count."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, screenshot
from tests.browser.test_patient_phone import log_in, rate, wait_for_htmx
from tracker.models import ExerciseLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def small_phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 640}, base_url=live_server.url, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def item(page: Page, name: str):
    return page.locator(".plan-item").filter(has_text=name).first


def test_a_reason_for_skipping_saved_from_the_details_saves_a_skip(small_phone, pat, pat_program):
    log_in(small_phone, pat.user.email)
    bridge = item(small_phone, "Bridge")
    bridge.locator("details.log-details summary").click()
    bridge.get_by_label("Reason for skipping (optional)").fill("Knee sore today")
    expect(bridge.get_by_role("button", name="Save as skipped")).to_be_visible()
    bridge.screenshot(path=str(ARTIFACTS / "today-skip-reason-typed-360x640.png"))
    with small_phone.expect_request(re.compile(r"/today/log/$")) as request:
        bridge.get_by_role("button", name=re.compile("^Save")).click()
    assert "status=done" not in (request.value.post_data or "")
    expect(item(small_phone, "Bridge")).to_contain_text("Skipped: Knee sore today")
    wait_for_htmx(small_phone)
    log = ExerciseLog.objects.get(patient=pat, exercise__slug="glute-bridge")
    assert (log.status, log.skip_reason) == ("skipped", "Knee sore today")
    item(small_phone, "Bridge").screenshot(path=str(ARTIFACTS / "today-skip-reason-360x640.png"))

    reopened = item(small_phone, "Bridge")
    if not reopened.locator("details.log-details").evaluate("d => d.open"):
        reopened.locator("details.log-details summary").click()
    expect(reopened.get_by_label("Reason for skipping (optional)")).to_have_value("Knee sore today")
    expect(reopened.get_by_role("button", name="Save as skipped")).to_be_visible()

    # Done, tapped afterwards, still means done: the reason shown in the details goes.
    item(small_phone, "Bridge").locator("button.log-done").click()
    expect(item(small_phone, "Bridge").locator(".state-done")).to_be_visible()
    wait_for_htmx(small_phone)
    log.refresh_from_db()
    assert (log.status, log.skip_reason) == ("done", "")


def test_details_without_a_reason_still_save_the_exercise_as_done(small_phone, pat, pat_program):
    log_in(small_phone, pat.user.email)
    bridge = item(small_phone, "Bridge")
    bridge.locator("details.log-details summary").click()
    bridge.get_by_label("Reps in each set").fill("10")
    bridge.get_by_role("button", name=re.compile("^Save")).click()
    expect(item(small_phone, "Bridge").locator(".state-done")).to_be_visible()
    wait_for_htmx(small_phone)
    log = ExerciseLog.objects.get(patient=pat, exercise__slug="glute-bridge")
    assert (log.status, log.reps_done) == ("done", 10)


def test_finish_comes_after_the_exercises_and_the_light_is_brought_into_view(
    small_phone, pat, pat_program
):
    log_in(small_phone, pat.user.email)
    rate(small_phone, "start", "pain_before", 2)
    small_phone.get_by_role("button", name="Start session").click()
    expect(small_phone.get_by_role("heading", name="Session in progress")).to_be_visible()
    finish = small_phone.get_by_role("button", name="Finish session")
    expect(finish).to_have_count(1)
    last_item = small_phone.locator(".plan-item").last
    assert finish.bounding_box()["y"] > last_item.bounding_box()["y"] + 40

    rate(small_phone, "finish", "pain_after", 1)
    screenshot(small_phone, "today-in-progress-360x640")
    small_phone.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    # At the very bottom the tab bar covers nothing of the finish.
    assert finish.evaluate(
        """b => { const r = b.getBoundingClientRect();
                  return document.elementFromPoint(r.x + r.width / 2, r.bottom - 2) === b; }"""
    )
    small_phone.screenshot(path=str(ARTIFACTS / "today-finish-360x640.png"))
    finish.click()
    light = small_phone.locator(".light")
    expect(light).to_contain_text("Green light")
    expect(light).to_be_in_viewport()
    expect(small_phone.get_by_role("heading", name="Safe — keep going")).to_be_focused()
    expect(small_phone.get_by_role("button", name="Finish session")).to_have_count(0)
    # What the phone shows right after the tap, not the whole page.
    small_phone.screenshot(path=str(ARTIFACTS / "today-finished-360x640.png"))


def test_a_red_light_offers_rest_and_no_new_session(small_phone, pat, pat_program):
    log_in(small_phone, pat.user.email)
    rate(small_phone, "start", "pain_before", 3)
    small_phone.get_by_role("button", name="Start session").click()
    expect(small_phone.get_by_role("heading", name="Session in progress")).to_be_visible()
    rate(small_phone, "finish", "pain_after", 7)
    small_phone.get_by_role("button", name="Finish session").click()
    expect(small_phone.locator(".light")).to_contain_text("Red light")
    expect(small_phone.get_by_role("button", name="Start session")).to_have_count(0)
    expect(small_phone.get_by_text("Next session")).to_have_count(0)
    screenshot(small_phone, "today-red-360x640")
    small_phone.reload()
    expect(small_phone.locator(".light")).to_contain_text("Red light")
    expect(small_phone.get_by_role("button", name="Start session")).to_have_count(0)


def test_the_hold_timer_counts_toward_the_sets_on_each_side(small_phone, pat, pat_program):
    small_phone.clock.install()
    log_in(small_phone, pat.user.email)
    timer = small_phone.locator("[data-timer]").first
    status = timer.get_by_role("status")
    timer.get_by_role("button", name="Start 30 s timer").click()
    small_phone.clock.run_for(31_000)
    expect(status).to_contain_text("1 of 4 · left side next")
    timer.screenshot(path=str(ARTIFACTS / "today-hold-timer-first-360x640.png"))
    timer.get_by_role("button", name="Start 30 s timer").click()
    small_phone.clock.run_for(31_000)
    expect(status).to_contain_text("2 of 4 · right side next")
    for _ in range(2):
        timer.get_by_role("button", name="Start 30 s timer").click()
        small_phone.clock.run_for(31_000)
    expect(status).to_contain_text("4 of 4")
    expect(status).not_to_contain_text("side next")
    timer.screenshot(path=str(ARTIFACTS / "today-hold-timer-360x640.png"))


def test_the_therapist_s_note_shows_on_the_exercise_without_widening_the_page(
    small_phone, pat, pat_program
):
    from tests.browser.test_patient_phone import no_sideways_scroll

    stretch = pat_program.prescriptions.get(exercise__slug="hip-flexor-stretch")
    stretch.notes = (
        "Add once the hip exercises feel comfortable; stop if the front of the hip pinches."
    )
    stretch.save()
    log_in(small_phone, pat.user.email)
    note = item(small_phone, "Hip").locator(".item-note")
    expect(note).to_have_text(
        "From your therapist: Add once the hip exercises feel comfortable; "
        "stop if the front of the hip pinches."
    )
    assert no_sideways_scroll(small_phone)
    item(small_phone, "Hip").screenshot(path=str(ARTIFACTS / "today-note-360x640.png"))
