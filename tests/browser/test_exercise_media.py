"""A therapist uploads a picture and a video of a clinic exercise; the patient sees them on
Today (a lazy thumbnail) and on the exercise's page (the picture, and the video looping
beside the hold countdown), on a 360 px phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tests.media import mp4, picture
from tracker.models import Exercise, ExerciseMedia
from tracker.services.prescribing import DosageSpec, prescription_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_360(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 360, "height": 740}, device_scale_factor=2
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def wall_sit(pat, pat_program) -> Exercise:
    exercise = Exercise.objects.create(
        clinic=pat.clinic, slug="wall-sit", name="Wall sit", category="strength",
        body_region="knee", steps=["Lean on the wall.", "Slide down until the knees bend."],
        default_hold_seconds=20, default_sets=3,
    )  # fmt: skip
    prescription_add(
        program=pat_program,
        exercise=exercise,
        dosage=DosageSpec.from_exercise(exercise),
        valid_from=pat_program.start_date,
        order=0,
    )
    return exercise


def files(tmp_path: Path) -> dict[str, Path]:
    made = {
        "photo.jpg": picture("JPEG", (1200, 900), gps=True),
        "still.png": picture("PNG", (640, 360)),
        "wall-sit.mp4": mp4(12, mdat_bytes=20_000),
        "letter.jpg": b"Dear patient, this is a letter, not a picture.\n",
    }
    for name, content in made.items():
        (tmp_path / name).write_bytes(content)
    return {name: tmp_path / name for name in made}


def upload(page: Page, file: Path, what: str, poster: Path | None = None) -> None:
    page.get_by_label("Picture or video").set_input_files(file)
    page.get_by_label("What it shows").fill(what)
    if poster is not None:
        page.get_by_label("Still picture for a video (optional)").set_input_files(poster)
    page.get_by_role("button", name="Upload").click()


def loaded(page: Page, selector: str) -> None:
    """The picture at ``selector`` was fetched and decoded (not only given a src)."""
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i?.complete && i.naturalWidth > 0 }",
        arg=selector,
    )


def test_a_picture_and_a_video_reach_the_patient_s_phone(
    laptop: Page, phone_360: Page, alice, pat, wall_sit, media_root, tmp_path
):
    made = files(tmp_path)
    page = laptop
    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.goto(f"/clinic/library/{wall_sit.pk}/edit/")

    # A text file named .jpg is refused beside the field, and what was typed stays.
    upload(page, made["letter.jpg"], "Back flat against the wall")
    expect(page.locator(".field-error")).to_contain_text("not a JPEG, PNG or WebP picture")
    expect(page.get_by_label("What it shows")).to_have_value("Back flat against the wall")
    screenshot(page, "media-upload-refused-1280")

    upload(page, made["photo.jpg"], "Back flat against the wall, knees bent to a right angle")
    expect(page.get_by_text("Picture added.")).to_be_visible()
    upload(page, made["wall-sit.mp4"], "Sliding down the wall and holding", made["still.png"])
    expect(page.get_by_text("Video added.")).to_be_visible()
    items = page.locator(".media-item")
    expect(items).to_have_count(2)
    expect(items.nth(1)).to_contain_text("12 s")
    loaded(page, ".media-item img.media-thumb")
    screenshot(page, "media-uploaded-1280")

    # The patient's phone: Today's card shows the thumbnail.
    phone = phone_360
    log_in(phone, pat.user.email, PASSWORD)
    expect(phone.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    thumb = phone.locator(".plan-item img.item-thumb").first
    expect(thumb).to_have_attribute("loading", "lazy")
    loaded(phone, ".plan-item img.item-thumb")
    box = thumb.bounding_box()
    assert box and box["width"] == 72 and box["x"] + box["width"] <= 360
    screenshot(phone, "media-today-360")

    # The exercise page: the picture, and the video with the countdown beside it.
    phone.get_by_role("link", name="Wall sit").first.click()
    expect(phone.get_by_role("heading", name="Wall sit", level=1)).to_be_visible()
    picture_img = phone.get_by_role("img", name=re.compile("knees bent to a right angle"))
    picture_img.scroll_into_view_if_needed()
    loaded(phone, "img.media-picture")
    video = phone.locator("figure.media-video video")
    expect(video).to_have_count(1)
    assert video.evaluate("v => v.muted && v.loop && v.playsInline && v.controls")
    expect(phone.locator("figure.media-video")).to_contain_text("Sliding down the wall")
    expect(phone.locator("figure.media-video [data-timer]")).to_be_visible()
    expect(phone.locator(".dose-card [data-timer]")).to_have_count(0)
    poster = video.get_attribute("poster")
    clip = ExerciseMedia.objects.get(kind="video")
    assert poster == f"/exercises/media/{clip.pk}/poster/"
    assert phone.request.get(poster).status == 200
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways: {width}px"
    phone.locator("figure.media-video").scroll_into_view_if_needed()
    screenshot(phone, "media-exercise-360")
