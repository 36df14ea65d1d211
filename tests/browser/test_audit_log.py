"""A clinic admin reads the audit log on a laptop and narrows it down as they choose filters."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.browser.test_csp import violations_in_page, watch_for_violations
from tests.conftest import PASSWORD, make_patient, make_user
from tracker.models import Clinic, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_finds_the_failed_sign_ins_on_a_colleague_s_account(laptop: Page):
    clinic = Clinic.objects.create(name="Demo Clinic")
    admin = make_user("ada@clinic.test", clinic, User.Role.THERAPIST, is_clinic_admin=True)
    colleague = make_user("ben@clinic.test", clinic, User.Role.THERAPIST)
    patient = make_patient("pam@patient.test", clinic, colleague)
    messages = watch_for_violations(laptop)

    log_in(laptop, colleague.email, "not the password")  # someone guessing
    log_in(laptop, admin.email, PASSWORD)
    laptop.goto(f"/clinic/patients/{patient.pk}/")
    laptop.get_by_role("navigation", name="Main").get_by_text("Clinic").click()  # its menu
    laptop.get_by_role("link", name="Audit log").click()
    expect(laptop.get_by_role("heading", name="Audit log")).to_be_visible()
    rows = laptop.locator("#audit-results tbody tr")
    expect(rows).to_have_count(3)  # newest first: the record viewed, signed in, failed attempt
    expect(rows.first).to_contain_text("Viewed a patient record")
    expect(rows.first).to_contain_text("Pam")
    screenshot(laptop, "audit-log")

    laptop.get_by_label("What").select_option(label="Failed sign-in")  # htmx, no reload
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("ben@clinic.test")
    expect(rows.first).to_contain_text("(not signed in)")
    assert "action=auth.login_failed" in laptop.url  # the filtered view can be bookmarked
    assert violations_in_page(laptop) == [] and messages == []
