"""A patient's own data on the phone: download it, ask for its deletion, change their mind."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_patient_phone import log_in, no_sideways_scroll, wait_for_htmx
from tracker.models import DeletionRequest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_settings(page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 640})
    log_in(page, "pat@patient.test")
    page.goto("/settings/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()


def test_a_patient_asks_for_deletion_then_cancels_it(phone, pat):
    open_settings(phone)
    phone.get_by_text("Ask to delete my data").click()
    phone.get_by_label("Anything you'd like your clinic to know (optional)").fill("Moving abroad")
    send = phone.get_by_role("button", name="Send my request to my clinic")
    send.click()
    wait_for_htmx(phone)
    expect(phone.get_by_text("Tick this box to send your request.")).to_be_visible()
    expect(phone.locator("#deletion-reason")).to_have_value("Moving abroad")
    screenshot(phone, "patient-deletion-ask")
    assert not DeletionRequest.objects.exists()

    phone.get_by_label("I understand my health data will be deleted").check()
    send.click()
    expect(phone.get_by_text("Waiting for your clinic.")).to_be_visible()
    assert no_sideways_scroll(phone)
    screenshot(phone, "patient-deletion-waiting")
    assert DeletionRequest.objects.get(patient=pat).reason == "Moving abroad"

    phone.get_by_role("button", name="Cancel my request").click()
    expect(phone.get_by_text("Your request is cancelled. Nothing was deleted.")).to_be_visible()
    assert DeletionRequest.objects.get(patient=pat).status == "cancelled"


def test_a_patient_downloads_everything_as_one_file(phone, pat):
    open_settings(phone)
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download as one file for another app").click()
    assert download.value.suggested_filename == "rehabit-pat-data.json"
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == "pat@patient.test"
