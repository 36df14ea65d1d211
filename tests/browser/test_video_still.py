"""A video sent without a still picture gets one from the uploader's browser: a frame of the
video, drawn to a canvas and sent in the still-picture field, which the server checks and
re-encodes like any picture. The clips are real, made by ffmpeg for the test."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import imageio_ffmpeg
import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import log_in, screenshot
from tests.conftest import PASSWORD
from tests.media import mp4
from tracker.models import Exercise, ExerciseMedia
from tracker.services.prescribing import DosageSpec, prescription_add

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# ffmpeg's moving test pattern, 2 s of 160 × 120: an H.264 (baseline) MP4 or a VP8 WebM,
# which ffmpeg writes with the Duration the server asks of a WebM.
ENCODINGS = {
    "mp4": ["-c:v", "libx264", "-profile:v", "baseline", "-movflags", "+faststart"],
    "webm": ["-c:v", "libvpx", "-b:v", "200k"],
}


@pytest.fixture(params=sorted(ENCODINGS))
def clip(request, tmp_path: Path) -> Path:
    path = tmp_path / f"bridging.{request.param}"
    subprocess.run(
        [
            imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=15",
            "-pix_fmt", "yuv420p", *ENCODINGS[request.param], str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


@pytest.fixture
def phone_360(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def bridging(pat, pat_program) -> Exercise:
    exercise = Exercise.objects.create(
        clinic=pat.clinic, slug="bridging", name="Bridging", category="strength",
        body_region="hip", steps=["Lie on the back, knees bent.", "Lift the hips."],
        default_reps=10, default_sets=2,
    )  # fmt: skip
    prescription_add(
        program=pat_program,
        exercise=exercise,
        dosage=DosageSpec.from_exercise(exercise),
        valid_from=pat_program.start_date,
        order=0,
    )
    return exercise


def test_a_video_without_a_still_gets_a_frame_of_itself(
    laptop: Page, phone_360: Page, alice, pat, bridging, media_root, clip: Path, tmp_path
):
    page = laptop
    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.goto(f"/clinic/library/{bridging.pk}/edit/")

    page.get_by_label("Picture or video").set_input_files(clip)
    note = page.get_by_text("A still from the video will be its picture")
    expect(note).to_be_visible()
    poster_field = page.get_by_label("Still picture for a video (optional)")
    assert poster_field.evaluate("i => [i.files.length, i.files[0].type]") == [1, "image/jpeg"]
    frame = page.locator("[data-video-still] canvas")
    assert frame.evaluate("c => [c.width, c.height]") == [160, 120]
    page.get_by_label("What it shows").fill("Lifting the hips until the body is straight")
    if clip.suffix == ".mp4":
        screenshot(page, "media-video-still-1280")

    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Video added.")).to_be_visible()
    media = ExerciseMedia.objects.get(exercise=bridging)
    assert media.kind == "video"
    assert media.poster and media.thumbnail
    with media.poster.open("rb") as f, Image.open(f) as still:
        assert still.size == (160, 120)
        # ffmpeg's test pattern is colourful: a real frame, not a blank canvas.
        assert len(still.convert("RGB").getcolors(maxcolors=100_000) or []) > 20
    expect(page.locator(".media-item img.media-thumb")).to_have_count(1)

    # Today's card on the patient's phone shows the thumbnail taken from the frame.
    phone = phone_360
    log_in(phone, pat.user.email, PASSWORD)
    expect(phone.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    thumb = phone.locator(".plan-item img.item-thumb").first
    expect(thumb).to_have_attribute("src", re.compile(rf"/exercises/media/{media.pk}/thumbnail/"))
    phone.wait_for_function(
        "() => { const i = document.querySelector('.plan-item img.item-thumb');"
        " return i?.complete && i.naturalWidth > 0 }"
    )


def test_a_still_picture_chosen_by_hand_replaces_the_frame(
    laptop: Page, alice, bridging, media_root, clip: Path, tmp_path
):
    own = tmp_path / "own.png"
    Image.new("RGB", (320, 200), (10, 120, 60)).save(own)
    page = laptop
    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.goto(f"/clinic/library/{bridging.pk}/edit/")
    page.get_by_label("Picture or video").set_input_files(clip)
    note = page.get_by_text("A still from the video will be its picture")
    expect(note).to_be_visible()
    poster_field = page.get_by_label("Still picture for a video (optional)")
    poster_field.set_input_files(own)
    expect(note).to_be_hidden()
    assert poster_field.evaluate("i => i.files[0].name") == "own.png"
    page.get_by_label("What it shows").fill("Lifting the hips")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Video added.")).to_be_visible()
    media = ExerciseMedia.objects.get(exercise=bridging)
    with media.poster.open("rb") as f, Image.open(f) as still:
        assert still.size == (320, 200)


def test_a_video_the_browser_cannot_decode_is_sent_without_a_still(
    laptop: Page, alice, bridging, media_root, tmp_path
):
    """A valid MP4 container whose samples are no real H.264: the server takes it as before;
    the browser finds no frame and says nothing about it."""
    odd = tmp_path / "odd.mp4"
    odd.write_bytes(mp4(12, mdat_bytes=20_000))
    page = laptop
    log_in(page, alice.email, PASSWORD)
    expect(page.get_by_role("heading", name="Caseload")).to_be_visible()
    page.goto(f"/clinic/library/{bridging.pk}/edit/")
    page.get_by_label("Picture or video").set_input_files(odd)
    expect(page.locator("[data-video-still]")).to_have_attribute("data-state", "none")
    expect(page.get_by_text("A still from the video will be its picture")).to_be_hidden()
    poster_field = page.get_by_label("Still picture for a video (optional)")
    assert poster_field.evaluate("i => i.files.length") == 0
    page.get_by_label("What it shows").fill("Lifting the hips")
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_text("Video added.")).to_be_visible()
    media = ExerciseMedia.objects.get(exercise=bridging)
    assert not media.poster and not media.thumbnail
