"""A clinic's pictures and videos: uploaded in the workspace, served to its own people only."""

from __future__ import annotations

import gzip
import io
import re
import uuid
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.conftest import login
from tests.media import mp4, picture, png_bomb, webm
from tracker.models import AuditEvent, Exercise, ExerciseMedia
from tracker.services.prescribing import DosageSpec, prescription_add

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def wall_sit(pat, pat_program) -> Exercise:
    """A timed hold the Demo Clinic added, in pat's program."""
    exercise = Exercise.objects.create(
        clinic=pat.clinic, slug="wall-sit", name="Wall sit", category="strength",
        body_region="knee", steps=["Slide down the wall."], default_hold_seconds=20,
    )  # fmt: skip
    prescription_add(
        program=pat_program,
        exercise=exercise,
        dosage=DosageSpec.from_exercise(exercise),
        valid_from=pat_program.start_date,
    )
    return exercise


def upload_url(exercise: Exercise) -> str:
    return reverse("therapist-exercise-media-add", args=[exercise.pk])


def send(client, exercise, content: bytes, name: str = "photo.jpg", **extra):
    data = {
        "file": SimpleUploadedFile(name, content),
        "alt_text": "Back against the wall, knees bent to a right angle.",
        "upload_id": str(extra.pop("upload_id", uuid.uuid4())),
        **extra,
    }
    return client.post(upload_url(exercise), data)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def field_errors(response, field: str) -> list[str]:
    """The messages printed in the field's own box, next to its input."""
    html = response.content.decode()
    box = re.search(rf'<div class="f wide invalid">\s*<label for="id_{field}".*?</div>', html, re.S)
    assert box, f"no error box for {field}"
    return re.findall(r'<p class="field-error">(.*?)</p>', box.group(0))


# --- Uploading ---------------------------------------------------------------------------------


def test_a_therapist_uploads_a_picture_stored_without_its_location(
    client, bob, wall_sit, media_root
):
    response = send(login(client, bob), wall_sit, picture("JPEG", (800, 600), gps=True))
    assert response.status_code == 302
    assert response["Location"].endswith(
        reverse("therapist-exercise-edit", args=[wall_sit.pk]) + "#media"
    )
    media = ExerciseMedia.objects.get()
    assert (media.kind, media.clinic, media.uploaded_by) == ("image", wall_sit.clinic, bob)
    assert media.content_type == "image/webp" and (media.width, media.height) == (600, 800)
    stored = (media_root / media.file.name).read_bytes()
    assert Image.open(io.BytesIO(stored)).format == "WEBP" and b"Exif" not in stored
    assert "photo" not in media.file.name  # the uploader's file name is not kept
    assert len((media_root / media.thumbnail.name).read_bytes()) <= 30 * 1024
    wall_sit.refresh_from_db()
    assert wall_sit.cover_id == media.pk
    event = AuditEvent.objects.get(action="exercise.media_added")
    assert event.actor == bob and event.detail["media"] == media.pk


def test_the_same_form_sent_twice_adds_one_picture(as_alice, wall_sit):
    upload_id = uuid.uuid4()
    for _ in range(2):
        assert send(as_alice, wall_sit, picture(), upload_id=upload_id).status_code == 302
    assert ExerciseMedia.objects.count() == 1


def test_a_video_with_a_poster(as_alice, wall_sit, media_root):
    poster = SimpleUploadedFile("still.png", picture("PNG", (1920, 1080)))
    response = send(as_alice, wall_sit, mp4(15), "clip.mp4", poster=poster)
    assert response.status_code == 302
    media = ExerciseMedia.objects.get()
    assert media.kind == "video" and media.content_type == "video/mp4"
    assert float(media.duration_seconds) == 15.0
    assert (media_root / media.file.name).read_bytes() == mp4(15)  # kept as sent
    assert media.poster.name.endswith(".webp") and (media.width, media.height) == (1280, 720)
    wall_sit.refresh_from_db()
    assert wall_sit.cover_id == media.pk  # its poster's thumbnail shows on Today


def test_a_webm_video_without_a_poster(as_alice, wall_sit):
    assert send(as_alice, wall_sit, webm(30), "clip.webm").status_code == 302
    media = ExerciseMedia.objects.get()
    assert media.content_type == "video/webm" and not media.poster and not media.thumbnail
    wall_sit.refresh_from_db()
    assert wall_sit.cover_id is None  # nothing to show on Today's card


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Dear patient, this is a letter.\n", "photo.jpg", "not a JPEG, PNG or WebP picture"),
        (png_bomb(), "tiny.png", "more pixels than we take"),
        (mp4(75), "long.mp4", "75 seconds long; the most we take is 60"),
        (webm(61), "long.webm", "61 seconds long"),
        (mp4(10, codec=b"hvc1"), "iphone.mp4", "not H.264"),
        (mp4(10, brand=b"qt  "), "camera.mov", "not an MP4 video a browser can play"),
        (webm(None), "recorded.webm", "could not read how long"),
    ],
    ids=[
        "text-named-jpg",
        "png-bomb",
        "mp4-too-long",
        "webm-too-long",
        "hevc",
        "mov",
        "webm-no-length",
    ],  # noqa: E501
)
def test_a_refused_file_is_named_beside_its_field_and_nothing_is_kept(
    as_alice, wall_sit, media_root, content, name, message
):
    response = send(as_alice, wall_sit, content, name)
    assert response.status_code == 400
    assert any(message in error for error in field_errors(response, "file")), field_errors(
        response, "file"
    )
    # What was typed stays in the form; no row and no file were kept.
    assert "Back against the wall" in response.content.decode()
    assert not ExerciseMedia.objects.exists() and stored_files(media_root) == []


def test_a_video_over_the_size_cap_is_refused(as_alice, wall_sit, settings, media_root):
    settings.REHABIT_MEDIA_VIDEO_MAX_BYTES = 1024 * 1024
    response = send(as_alice, wall_sit, mp4(10, mdat_bytes=2 * 1024 * 1024), "big.mp4")
    assert response.status_code == 400
    assert "larger than 1 MB" in " ".join(field_errors(response, "file"))
    assert not ExerciseMedia.objects.exists() and stored_files(media_root) == []


def test_a_poster_that_is_not_a_picture_is_named_beside_the_poster(as_alice, wall_sit, media_root):
    poster = SimpleUploadedFile("still.jpg", b"not a picture")
    response = send(as_alice, wall_sit, mp4(10), "clip.mp4", poster=poster)
    assert response.status_code == 400
    assert "not a JPEG" in " ".join(field_errors(response, "poster"))
    assert stored_files(media_root) == []


def test_a_picture_takes_no_poster(as_alice, wall_sit):
    poster = SimpleUploadedFile("still.jpg", picture())
    response = send(as_alice, wall_sit, picture(), poster=poster)
    assert response.status_code == 400
    assert "Only a video takes a poster" in " ".join(field_errors(response, "poster"))


def test_it_asks_what_the_picture_shows(as_alice, wall_sit):
    response = as_alice.post(
        upload_url(wall_sit),
        {"file": SimpleUploadedFile("a.jpg", picture()), "alt_text": "   ",
         "upload_id": str(uuid.uuid4())},
    )  # fmt: skip
    assert response.status_code == 400
    assert field_errors(response, "alt_text")
    assert not ExerciseMedia.objects.exists()


def test_an_exercise_takes_a_limited_number_of_files(as_alice, wall_sit, settings):
    settings.REHABIT_MEDIA_PER_EXERCISE = 2
    assert send(as_alice, wall_sit, picture()).status_code == 302
    assert send(as_alice, wall_sit, picture("PNG")).status_code == 302
    response = send(as_alice, wall_sit, picture("WEBP"))
    assert response.status_code == 400
    assert "up to 2 pictures and videos" in " ".join(field_errors(response, "file"))
    page = as_alice.get(reverse("therapist-exercise-edit", args=[wall_sit.pk])).content.decode()
    assert "Remove one to add another" in page


def test_the_shared_library_takes_no_uploads(as_alice, bridge):
    assert send(as_alice, bridge, picture()).status_code == 404


def test_another_clinic_cannot_upload_to_this_clinic_s_exercise(client, charlie, wall_sit):
    assert send(login(client, charlie), wall_sit, picture()).status_code == 404
    assert not ExerciseMedia.objects.exists()


def test_the_edit_page_lists_the_files_with_their_thumbnails(as_alice, wall_sit):
    send(as_alice, wall_sit, picture())
    media = ExerciseMedia.objects.get()
    page = as_alice.get(reverse("therapist-exercise-edit", args=[wall_sit.pk])).content.decode()
    assert reverse("therapist-exercise-media", args=[media.pk, "thumbnail"]) in page
    assert 'enctype="multipart/form-data"' in page and "Back against the wall" in page


def test_removing_a_file_deletes_it_once_committed(
    as_alice, wall_sit, media_root, django_capture_on_commit_callbacks
):
    send(as_alice, wall_sit, picture())
    send(as_alice, wall_sit, picture("PNG"))
    first, second = ExerciseMedia.objects.order_by("order")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("therapist-exercise-media-remove", args=[first.pk]))
    assert response.status_code == 302
    assert list(ExerciseMedia.objects.all()) == [second]
    assert not (media_root / first.file.name).exists()
    assert (media_root / second.file.name).exists()
    wall_sit.refresh_from_db()
    assert wall_sit.cover_id == second.pk  # the next picture shows on Today
    assert AuditEvent.objects.filter(action="exercise.media_removed").exists()


def test_another_clinic_cannot_remove_a_file(client, charlie, as_alice, wall_sit):
    send(as_alice, wall_sit, picture())
    media = ExerciseMedia.objects.get()
    response = login(client, charlie).post(
        reverse("therapist-exercise-media-remove", args=[media.pk])
    )
    assert response.status_code == 404 and ExerciseMedia.objects.filter(pk=media.pk).exists()


# --- Serving ---------------------------------------------------------------------------------


@pytest.fixture
def photo(as_alice, wall_sit) -> ExerciseMedia:
    send(as_alice, wall_sit, picture())
    as_alice.logout()
    return ExerciseMedia.objects.get()


@pytest.fixture
def clip(as_alice, wall_sit) -> ExerciseMedia:
    send(as_alice, wall_sit, mp4(10, mdat_bytes=5000), "clip.mp4")
    as_alice.logout()
    return ExerciseMedia.objects.get()


def patient_url(media: ExerciseMedia, variant: str = "file") -> str:
    return reverse("patient-exercise-media", args=[media.pk, variant])


def therapist_url(media: ExerciseMedia, variant: str = "file") -> str:
    return reverse("therapist-exercise-media", args=[media.pk, variant])


def test_the_patient_gets_the_picture_of_an_exercise_in_their_program(client, pat, photo):
    response = login(client, pat.user).get(patient_url(photo))
    assert response.status_code == 200 and response["Content-Type"] == "image/webp"
    assert b"".join(response.streaming_content)[:4] == b"RIFF"
    assert "private" in response["Cache-Control"]
    assert login(client, pat.user).get(patient_url(photo, "thumbnail")).status_code == 200


def test_patients_without_the_exercise_and_other_clinics_get_nothing(client, pia, oscar, photo):
    for person in (pia.user, oscar.user):
        assert login(client, person).get(patient_url(photo)).status_code == 404


def test_therapists_of_the_clinic_get_it_and_others_do_not(client, bob, charlie, photo):
    assert login(client, bob).get(therapist_url(photo)).status_code == 200
    assert login(client, charlie).get(therapist_url(photo)).status_code == 404
    assert login(client, bob).get(patient_url(photo)).status_code == 404  # not a patient


def test_an_unknown_or_missing_variant_is_404(client, pat, photo, clip):
    client = login(client, pat.user)
    assert client.get(patient_url(photo, "original")).status_code == 404
    assert client.get(patient_url(clip, "poster")).status_code == 404  # it has none


def test_a_video_is_served_in_ranges(client, pat, clip):
    client = login(client, pat.user)
    whole = client.get(patient_url(clip))
    assert whole["Accept-Ranges"] == "bytes" and whole["Content-Type"] == "video/mp4"
    part = client.get(patient_url(clip), HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and part["Content-Range"] == f"bytes 0-99/{clip.byte_size}"
    assert part.content == mp4(10, mdat_bytes=5000)[:100]
    assert client.get(patient_url(clip), HTTP_RANGE="bytes=999999-").status_code == 416


def test_an_object_store_answers_with_a_short_lived_signed_url(client, pat, pia, photo, settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": "clinic-media",
                "endpoint_url": "https://objects.example.test",
                "access_key": "AKIDEXAMPLE",
                "secret_key": "not-a-real-secret",
                "region_name": "eu-west-1",
                "addressing_style": "path",
                "signature_version": "s3v4",
                "querystring_auth": True,
                "querystring_expire": 300,
            },
        },
    }
    settings.REHABIT_MEDIA_STORAGE = "s3"
    response = login(client, pat.user).get(patient_url(photo))
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(f"https://objects.example.test/clinic-media/{photo.file.name}?")
    assert "X-Amz-Signature=" in location and "X-Amz-Expires=300" in location
    assert "no-store" in response["Cache-Control"]
    # The same authorization first: pia gets no link at all.
    assert login(client, pia.user).get(patient_url(photo)).status_code == 404


# --- The patient's screens -------------------------------------------------------------------


def test_today_shows_the_thumbnail_lazily(client, pat, photo):
    html = login(client, pat.user).get(reverse("patient-today")).content.decode()
    thumb = re.search(r'<img class="item-thumb"[^>]*>', html)
    assert thumb, "no thumbnail on Today"
    assert f'src="{patient_url(photo, "thumbnail")}"' in thumb.group(0)
    assert 'loading="lazy"' in thumb.group(0) and 'alt=""' in thumb.group(0)


def test_the_exercise_page_shows_the_picture_and_the_video_with_the_countdown(
    client, pat, as_alice, wall_sit
):
    send(as_alice, wall_sit, picture())
    send(as_alice, wall_sit, mp4(10), "clip.mp4")
    photo, clip = ExerciseMedia.objects.order_by("order")
    prescribed = pat.programs.get().prescriptions.get(exercise=wall_sit)
    html = login(client, pat.user).get(reverse("patient-exercise", args=[prescribed.pk]))
    html = html.content.decode()
    img = re.search(r'<img class="media-picture"[^>]*>', html).group(0)
    assert f'src="{patient_url(photo)}"' in img and 'alt="Back against the wall' in img
    video = re.search(r"<video [^>]*>", html).group(0)
    for attribute in ("muted", "loop", "playsinline", "controls", 'preload="none"'):
        assert attribute in video
    assert f'src="{patient_url(clip)}"' in video
    figure = re.search(r'<figure class="media-video with-timer">.*?</figure>', html, re.S)
    assert figure and "data-timer" in figure.group(0)  # the countdown beside the video
    assert html.count("data-timer ") + html.count("data-timer>") == 1  # and only there


def test_an_exercise_without_media_keeps_its_countdown_in_the_dosage_card(client, pat, wall_sit):
    prescribed = pat.programs.get().prescriptions.get(exercise=wall_sit)
    html = login(client, pat.user).get(reverse("patient-exercise", args=[prescribed.pk]))
    html = html.content.decode()
    assert "exercise-media" not in html and "data-timer" in html


def test_today_with_thumbnails_still_weighs_under_60_kb_before_any_picture(client, pat, photo):
    html = login(client, pat.user).get(reverse("patient-today")).content
    assert b"item-thumb" in html
    total = len(gzip.compress(html))
    for asset in set(re.findall(rb'(?:src|href)="(/static/[^"]+)"', html)):
        total += len(gzip.compress(Path(finders.find(asset.decode()[8:])).read_bytes()))
    assert total <= 60 * 1024, f"{total} bytes"
