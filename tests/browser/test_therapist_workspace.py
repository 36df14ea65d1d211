"""A therapist's minute on a laptop: invite, program from a template, a dosage change, and
later the patient's session and check-in on the record."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tracker.models import PatientProfile, ProgramTemplate
from tracker.selectors.plan import plan_for_day
from tracker.services.library import library_seed
from tracker.services.logbook import (
    CheckinValues,
    LogDetails,
    checkin_record,
    exercise_log_record,
    session_finish,
    session_start,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PATIENT_PASSWORD = "knees that climb stairs"


def the_patient_logs_today(profile: PatientProfile) -> None:
    """The patient's phone, through the same services its screens use."""
    today = profile.local_today()
    checkin_record(
        patient=profile,
        local_date=today,
        values=CheckinValues(
            pain=4, worst_pain=6, sleep_hours=Decimal("6.5"), sleep_quality=5, stress=7,
            note="Stairs at work",
        ),
    )  # fmt: skip
    session = session_start(patient=profile, client_id=uuid.uuid4(), pain_before=4)
    for item in plan_for_day(profile, today):
        exercise_log_record(
            session=session,
            prescribed=item.prescribed,
            occurrence=item.occurrence,
            status="done",
            details=LogDetails(
                sets_done=item.prescribed.sets,
                reps_done=item.prescribed.reps,
                hold_seconds_done=item.prescribed.hold_seconds,
                pain_during=5,
                symptoms=("tingling",),
            ),
        )
    session_finish(session=session, pain_after=6)


def test_it_invites_builds_a_program_adjusts_a_dosage_and_sees_the_logs(
    laptop: Page, patient_phone: Page, alice
) -> None:
    library_seed()
    template = ProgramTemplate.objects.filter(clinic__isnull=True).order_by("name").first()
    page = laptop

    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()

    # Invite a patient.
    page.get_by_role("link", name="Invite a patient").click()
    page.get_by_label("Name").fill("Nora Quinn")
    page.get_by_label("Email").fill("nora@patient.test")
    page.get_by_label("Time zone").select_option("Europe/Dublin")
    page.get_by_label("Condition").fill("Chronic knee pain")
    screenshot(page, "therapist-invite-1366")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_text("Invitation sent to nora@patient.test")).to_be_visible()
    profile = PatientProfile.objects.get(user__email="nora@patient.test")

    # Build the program from a template, started a few days ago.
    page.get_by_label("Start from a template").select_option(label=template.name)
    start = profile.local_today() - timedelta(days=3)
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_role("button", name="Start program").click()
    expect(page.get_by_role("heading", name=template.name)).to_be_visible()
    items = page.locator("#prescriptions li.rx")
    expect(items).to_have_count(template.items.count())

    # Change one dosage: a new version from today, the old one kept for the days before.
    first = items.first
    name = first.locator(".rx-name").inner_text()
    first.get_by_text("Change dosage").click()
    first.get_by_label("Sets").fill("4")
    first.get_by_role("button", name="Save dosage").click()
    first = page.locator("#prescriptions li.rx").first
    expect(first.locator(".rx-now")).to_contain_text("4 ×")
    expect(first.locator(".rx-now")).to_contain_text("was ")
    screenshot(page, "therapist-program-builder-1366")

    # The caseload shows her as invited, not joined yet; live search finds her.
    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_text("not joined yet")).to_be_visible()
    page.get_by_label("Search").fill("nobody like that")
    expect(page.locator("#caseload-results")).to_contain_text("No patients match")
    page.get_by_label("Search").fill("nora")
    expect(page.locator("#caseload-results .patient-name")).to_have_text(["Nora Quinn"])
    expect(page).to_have_url(re.compile(r"q=nora"))

    # She accepts the invitation on her phone and lands on Today.
    link = re.search(r"/invite/\S+/", mail.outbox[-1].body).group(0)
    patient_phone.goto(link)
    patient_phone.get_by_label("New password").fill(PATIENT_PASSWORD)
    patient_phone.get_by_label("Repeat the password").fill(PATIENT_PASSWORD)
    patient_phone.get_by_role("button", name="Set password and start").click()
    expect(patient_phone).to_have_url(re.compile(r"/today/$"))
    expect(patient_phone.get_by_role("heading", name="Hello, Nora Quinn")).to_be_visible()

    # Later: she has logged a session and a check-in.
    profile.refresh_from_db()
    the_patient_logs_today(profile)

    page.get_by_role("link", name="Nora Quinn").click()
    expect(page.get_by_role("heading", name="Nora Quinn")).to_be_visible()
    checkins = page.locator("section[aria-labelledby=checkins-heading]")
    expect(checkins).to_contain_text("Stairs at work")
    session = page.locator("details.session").first
    expect(session).to_contain_text("pain 4 → 6")
    expect(session).to_contain_text("Tingling")
    session.locator("summary").click()
    row = session.locator("tr", has_text=name)
    expect(row.first).to_contain_text("4 ×")  # the target in force when she logged it
    no_sideways_scroll = page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
    assert no_sideways_scroll
    screenshot(page, "therapist-record-1366")
