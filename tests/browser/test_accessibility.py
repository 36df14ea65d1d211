"""Every page a patient or a therapist sees passes axe-core at WCAG 2.2 AA: the patient's at
360 px (the narrowest phone we support), the therapist's at 1280 px (a small laptop).

axe-core comes bundled in axe-playwright-python, so nothing is downloaded when this runs. The
check runs on the page as the browser shows it, after an htmx swap too, because a fragment
swapped in can break what the whole page got right (a duplicate id, a label lost).
"""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in
from tests.browser.test_patient_phone import do_check_in, rate
from tests.conftest import PASSWORD, make_exercise, make_patient
from tests.media import mp4, picture
from tests.outcomes import answer_psfs, load_koos, schedule
from tests.two_factor import turn_on
from tests.workspace import full_record, make_flag
from tracker.models import DailyCheckin, Exercise, PatientProfile, Session, User
from tracker.services.branding import clinic_look_update, logo_prepare
from tracker.services.data_rights import deletion_request_create
from tracker.services.exercise_media import MediaUpload, exercise_media_add
from tracker.services.invites import invite_path, patient_invite
from tracker.services.outcomes import goal_set
from tracker.services.prescribing import DosageSpec, prescription_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_360 = {"width": 360, "height": 640}
LAPTOP_1280 = {"width": 1280, "height": 800}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]}
AXE = Axe()


def wait_for_htmx(page: Page) -> None:
    expect(page.locator(".htmx-request")).to_have_count(0)


class Audit:
    """axe-core's findings on each page visited, kept until the end so one run lists them all."""

    def __init__(self) -> None:
        self.pages: list[str] = []
        self.problems: list[str] = []

    def check(self, page: Page, name: str) -> None:
        page.wait_for_load_state("load")
        wait_for_htmx(page)
        self.pages.append(name)
        # axe skips what is hidden: open every disclosure so the forms inside are checked too.
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        results = AXE.run(page, options=AXE_OPTIONS).response
        for violation in results["violations"]:
            targets = "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
            more = len(violation["nodes"]) - 5
            why = " ".join(violation["nodes"][0]["failureSummary"].split())
            self.problems.append(
                f"{name} ({page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n    on: {targets}{f' (+{more} more)' if more > 0 else ''}"
                f"\n    why: {why}\n    see: {violation['helpUrl']}"
            )

    def visit(self, page: Page, url: str, name: str) -> None:
        response = page.goto(url)
        assert response is not None and response.ok, f"{name}: {url} answered {response}"
        self.check(page, name)

    def assert_clean(self) -> None:
        summary = "\n".join(self.problems)
        assert not self.problems, (
            f"axe-core found {len(self.problems)} WCAG 2.2 AA violation(s) "
            f"on {len(self.pages)} pages:\n{summary}"
        )


@pytest.fixture
def audit() -> Audit:
    return Audit()


def _page(browser: Browser, base_url: str, viewport: dict[str, int]) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_360(browser: Browser, live_server) -> Iterator[Page]:
    yield from _page(browser, live_server.url, PHONE_360)


@pytest.fixture
def laptop_1280(browser: Browser, live_server) -> Iterator[Page]:
    yield from _page(browser, live_server.url, LAPTOP_1280)


@pytest.fixture
def pat_record(pat: PatientProfile, alice: User) -> dict[str, Any]:
    """Pat with a program, days of history with session notes, a skipped exercise, an
    acknowledged flag and an open one, and a care-team note: every section of every page
    has something to show."""
    made: dict[str, Any] = full_record(pat, alice, days=10)
    made["open_flag"] = make_flag(pat, "pain_rising", "high")
    Session.objects.filter(patient=pat).update(notes="Knee felt stiff on the stairs")
    # Outcome measures: the PSFS answered twice before this program (its start occasion is
    # due now), the KOOS-12 with placeholder wording due too, and a goal.
    program = made["program"]
    load_koos()
    made["psfs"] = psfs = schedule(program, "psfs")
    made["koos"] = schedule(program, "koos-12", every_days=28)
    for weeks, ratings in ((4, [2, 4, 3]), (2, [4, 5, 3])):
        day = program.start_date - timedelta(weeks=weeks)
        answer_psfs(pat, psfs, day, ratings, due_on=day, occasion="repeat")
    goal_set(patient=pat, therapist=alice, activity_key="a1", activity="Climb stairs",
             baseline=2, target=7, target_date=pat.local_today() + timedelta(days=40))  # fmt: skip
    return made


def with_media(exercise: Exercise, actor: User) -> None:
    """A picture and a video with its poster, as a therapist uploads them."""
    for content, poster in ((picture(), None), (mp4(10), io.BytesIO(picture("PNG")))):
        exercise_media_add(
            exercise=exercise,
            actor=actor,
            upload=MediaUpload(
                file=io.BytesIO(content), alt_text="Standing tall", upload_id=uuid.uuid4(),
                poster=poster,
            ),
        )  # fmt: skip


def test_every_patient_page_passes_axe_at_360px(
    phone_360: Page, audit: Audit, pat: PatientProfile, pat_record: dict[str, Any], media_root
) -> None:
    page = phone_360
    # The clinic's own look, so its logo and name in the header are checked too.
    logo = logo_prepare(io.BytesIO(png_logo()))
    clinic_look_update(clinic=pat.clinic, accent_colour="#0b5394", logo=logo)
    # A clinic exercise with a picture and a video: a thumbnail on Today, both on its page.
    own = make_exercise("wall-sit", hold=True)
    Exercise.objects.filter(pk=own.pk).update(clinic=pat.clinic)
    own.refresh_from_db()
    with_media(own, pat.therapist)
    with_pictures = prescription_add(
        program=pat_record["program"], exercise=own, dosage=DosageSpec.from_exercise(own),
        valid_from=pat_record["program"].start_date,
    )  # fmt: skip
    invited = patient_invite(
        actor=pat.therapist,
        therapist=pat.therapist,
        full_name="Nora Quinn",
        email="nora@patient.test",
        timezone_name="Europe/Dublin",
    ).patient
    audit.visit(page, invite_path(invited), "invite accept")
    audit.visit(page, "/login/", "login")

    log_in(page, pat.user.email, PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    audit.check(page, "today")

    # A session started and one exercise ticked: the item is swapped in by htmx.
    page.locator("label[for='start-pain_before-2']").click()
    page.get_by_role("button", name="Start session").click()
    expect(page.get_by_role("heading", name="Session in progress")).to_be_visible()
    page.locator("button.log-done").first.click()
    expect(page.locator(".plan-item").first).to_contain_text("Done")
    audit.check(page, "today, one exercise ticked")
    rate(page, "finish", "pain_after", 4)
    page.get_by_role("button", name="Finish session").click()
    expect(page.locator(".light")).to_be_visible()
    audit.check(page, "today, session finished")

    earlier = DailyCheckin.objects.filter(patient=pat).order_by("local_date").first()
    prescribed = pat_record["program"].prescriptions.filter(valid_to__isnull=True).first()
    audit.visit(page, "/checkin/", "check-in")
    page.get_by_role("button", name="Save check-in").click()  # nothing chosen yet
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    audit.check(page, "check-in, refused")
    do_check_in(page)
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("status").filter(has_text="Check-in saved")).to_be_visible()
    audit.check(page, "check-in, saved")
    audit.visit(page, f"/checkins/{earlier.pk}/", "an earlier check-in")
    audit.visit(page, "/progress/", "progress")
    audit.visit(page, f"/measures/{pat_record['psfs'].pk}/", "questionnaire (PSFS)")
    page.get_by_role("button", name="Send my answers").click()  # nothing rated yet
    expect(page.locator("[aria-invalid=true]").first).to_be_attached()
    audit.check(page, "questionnaire, refused")
    for key, value in (("a1", 4), ("a2", 5), ("a3", 3)):
        page.locator(f"label[for='q-rating_{key}-{value}']").click()
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("status").filter(has_text="Your answers are saved")).to_be_visible()
    audit.check(page, "questionnaire, saved")
    audit.visit(page, f"/measures/{pat_record['koos'].pk}/", "questionnaire (KOOS-12 test wording)")
    audit.visit(page, f"/exercises/{prescribed.pk}/", "exercise")
    audit.visit(page, f"/exercises/{with_pictures.pk}/", "exercise with a picture and a video")
    audit.visit(page, "/learn/pain-traffic-light/", "explanation")
    audit.visit(page, "/settings/", "settings")
    audit.visit(page, "/settings/handout/", "handout")
    audit.visit(page, "/offline/", "offline")
    audit.assert_clean()


def png_logo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (120, 40), (11, 83, 148)).save(out, format="PNG")
    return out.getvalue()


def test_every_therapist_page_passes_axe_at_1280px(
    laptop_1280: Page,
    audit: Audit,
    clinic,
    alice: User,
    bob: User,
    pat: PatientProfile,
    pat_record: dict[str, Any],
    media_root,
) -> None:
    page = laptop_1280
    pia = make_patient("pia@patient.test", clinic, alice)
    deletion_request_create(patient=pia, reason="Moving abroad")
    own = make_exercise("wall-sit", hold=True)
    Exercise.objects.filter(pk=own.pk).update(clinic=clinic)
    own.refresh_from_db()
    with_media(own, alice)

    # Bob signs in with two-factor: the code step.
    turn_on(bob)
    log_in(page, bob.email, PASSWORD)
    expect(page).to_have_url(re.compile(r"/login/code/$"))
    audit.check(page, "sign-in code")
    page.context.clear_cookies()

    audit.visit(page, "/login/", "login")
    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    audit.check(page, "caseload")

    audit.visit(page, "/clinic/flags/", "flags")
    flag = pat_record["open_flag"]
    card = page.locator(f"#flag-{flag.pk}")
    card.get_by_label("Note (optional)").fill("Called her")
    card.get_by_role("button", name="Acknowledge").click()
    expect(card).to_contain_text("Acknowledged by")
    audit.check(page, "flags, one acknowledged")

    record = f"/clinic/patients/{pat.pk}"
    audit.visit(page, f"{record}/", "patient record")
    page.get_by_role("textbox", name="Care-team note").fill("Asked about stairs at work")
    page.get_by_role("button", name="Add note").click()
    expect(page.locator("ul.notes")).to_contain_text("Asked about stairs at work")
    audit.check(page, "patient record, note added")
    audit.visit(page, f"{record}/report/", "progress report")
    audit.visit(page, f"{record}/program/", "program builder")
    page.locator("form.library-search input[name=q]").fill("bridge")
    expect(page.locator("#library-results")).to_contain_text("Bridge")
    audit.check(page, "program builder, library searched")
    audit.visit(page, f"{record}/program/handout/", "handout")

    audit.visit(page, "/clinic/library/", "library")
    audit.visit(page, "/clinic/library/new/", "new exercise")
    page.get_by_role("button", name="Save exercise").click()
    expect(page.locator(".field-error, .errorlist").first).to_be_visible()
    audit.check(page, "new exercise, refused")
    audit.visit(page, f"/clinic/library/{own.pk}/edit/", "edit exercise")
    page.get_by_role("button", name="Upload").click()  # no file chosen
    expect(page.locator("#media .field-error").first).to_be_visible()
    audit.check(page, "edit exercise, upload refused")
    audit.visit(page, "/clinic/import/", "import")
    header_only = b"email,timezone,exercises,program_start\n"
    page.set_input_files(
        "input[name=patients]",
        files=[{"name": "patients.csv", "mimeType": "text/csv", "buffer": header_only}],
    )
    page.get_by_role("button", name="Check the files").click()
    expect(page.get_by_role("button", name="Import now")).to_be_visible()
    audit.check(page, "import, checked and waiting")
    audit.visit(page, "/clinic/patients/invite/", "invite")
    audit.visit(page, "/clinic/deletion-requests/", "deletion requests")
    audit.visit(page, "/clinic/audit/", "audit log")
    audit.visit(page, "/clinic/notifications/", "notification problems")
    audit.visit(page, "/clinic/security/", "clinic security")
    audit.visit(page, "/clinic/look/", "logo and colour")
    page.get_by_label("Accent colour").fill("#ffcc00")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error").first).to_be_visible()
    audit.check(page, "logo and colour, refused")
    page.get_by_label("Accent colour").fill("#0b5394")
    page.get_by_label("Logo").set_input_files(
        files=[{"name": "logo.png", "mimeType": "image/png", "buffer": png_logo()}]
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".look-logo")).to_be_visible()
    audit.check(page, "logo and colour, saved")
    audit.visit(page, "/clinic/account/two-factor/", "two-factor")
    page.get_by_role("button", name="Set up two-factor sign-in").click()
    expect(page.locator(".qr svg")).to_be_visible()
    audit.check(page, "two-factor set-up")
    app = pyotp.TOTP(page.locator("code.secret").inner_text().replace(" ", ""))
    page.get_by_label("6-digit code from the app").fill(app.now())
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    audit.check(page, "recovery codes")
    audit.assert_clean()
