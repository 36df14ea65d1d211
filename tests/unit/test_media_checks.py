"""Uploads are judged by their bytes: pictures through Pillow, videos by their container."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from tests.media import box, mp4, picture, png_bomb, webm
from tracker.media import MediaRefused, check_image, check_video
from tracker.media.images import THUMBNAIL_MAX_BYTES
from tracker.media.serving import byte_range

MB = 1024 * 1024


def image(data: bytes, **limits: int):
    options = {"max_bytes": 15 * MB, "max_pixels": 50_000_000} | limits
    return check_image(io.BytesIO(data), **options)


def video(data: bytes, **limits: int):
    options = {"max_bytes": 30 * MB, "max_seconds": 60} | limits
    return check_video(io.BytesIO(data), **options)


# --- Pictures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_it_takes_each_picture_format_and_stores_webp(fmt):
    checked = image(picture(fmt))
    assert checked.source_format == fmt
    assert Image.open(io.BytesIO(checked.content)).format == "WEBP"
    assert (checked.width, checked.height) == (640, 480)


def test_it_drops_the_exif_location_and_keeps_the_photo_upright():
    original = picture("JPEG", (400, 300), gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the place is there
    checked = image(original)
    stored = Image.open(io.BytesIO(checked.content))
    assert not stored.getexif()
    assert b"PhoneMaker" not in checked.content and b"Exif" not in checked.content
    # Orientation 6 means "turn it a quarter": it is applied, then forgotten.
    assert (checked.width, checked.height) == (300, 400)


def test_it_shrinks_a_camera_sized_picture():
    checked = image(picture("JPEG", (4000, 3000)))
    assert (checked.width, checked.height) == (1600, 1200)


def test_its_thumbnail_is_a_small_square_webp():
    checked = image(picture("PNG", (1200, 500)))
    thumb = Image.open(io.BytesIO(checked.thumbnail))
    assert thumb.format == "WEBP" and thumb.size == (160, 160)
    assert len(checked.thumbnail) <= THUMBNAIL_MAX_BYTES


def test_a_noisy_picture_still_gets_a_thumbnail_under_30_kb():
    noise = Image.frombytes("RGB", (800, 800), bytes(range(256)) * (800 * 800 * 3 // 256))
    out = io.BytesIO()
    noise.save(out, "PNG")
    assert len(image(out.getvalue()).thumbnail) <= THUMBNAIL_MAX_BYTES


def test_it_keeps_transparency():
    out = io.BytesIO()
    Image.new("RGBA", (50, 40), (255, 0, 0, 0)).save(out, "PNG")
    assert Image.open(io.BytesIO(image(out.getvalue()).content)).mode == "RGBA"


@pytest.mark.parametrize(
    "data",
    [
        b"hello, this is a text file and not a picture\n",
        b"",
        picture("GIF"),  # a real picture, of a kind we do not take
        picture("BMP"),
        picture("JPEG")[:300],  # cut off
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
    ],
    ids=["text", "empty", "gif", "bmp", "truncated-jpeg", "svg"],
)
def test_it_refuses_what_is_not_a_jpeg_png_or_webp(data):
    with pytest.raises(MediaRefused, match="not a JPEG, PNG or WebP"):
        image(data)


def test_it_refuses_a_png_bomb_before_decoding_it():
    bomb = png_bomb()
    assert len(bomb) < 100_000  # tiny on disk, 900 megapixels once unpacked
    with pytest.raises(MediaRefused, match="more pixels than we take"):
        image(bomb)


def test_it_refuses_a_picture_over_its_own_pixel_limit_below_pillows():
    with pytest.raises(MediaRefused, match="more pixels than we take"):
        image(png_bomb(10_000, 6_000))  # 60 MP: under Pillow's guard, over our 50


def test_it_refuses_a_picture_over_the_size_limit():
    out = io.BytesIO()
    Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3)).save(out, "PNG")
    assert len(out.getvalue()) > MB
    with pytest.raises(MediaRefused, match="larger than 1 MB"):
        image(out.getvalue(), max_bytes=MB)


# --- MP4 -------------------------------------------------------------------------------------


@pytest.mark.parametrize("version", [0, 1])
def test_it_reads_an_mp4_s_length_from_its_movie_header(version):
    checked = video(mp4(12.5, version=version))
    assert checked.content_type == "video/mp4" and checked.extension == "mp4"
    assert checked.duration_seconds == pytest.approx(12.5)


def test_it_finds_the_movie_header_after_the_media_data():
    assert video(mp4(7, moov_last=True, mdat_bytes=50_000)).duration_seconds == pytest.approx(7)


def test_it_reads_a_fragmented_mp4_s_length_from_its_extends_header():
    assert video(mp4(9, fragmented=True)).duration_seconds == pytest.approx(9)


def test_it_takes_a_64_bit_box_size():
    data = mp4(5)
    ftyp_end = int.from_bytes(data[:4], "big")
    mdat = struct_large_box(b"free", b"\x00" * 10)
    assert video(data[:ftyp_end] + mdat + data[ftyp_end:]).duration_seconds == pytest.approx(5)


def struct_large_box(kind: bytes, payload: bytes) -> bytes:
    return (1).to_bytes(4, "big") + kind + (16 + len(payload)).to_bytes(8, "big") + payload


def test_it_refuses_an_mp4_longer_than_the_cap():
    with pytest.raises(MediaRefused, match="61 seconds long; the most we take is 60"):
        video(mp4(61))


def test_it_refuses_a_video_larger_than_the_cap():
    with pytest.raises(MediaRefused, match="larger than 1 MB"):
        video(mp4(5, mdat_bytes=2 * MB), max_bytes=1 * MB)


def test_it_refuses_hevc_in_mp4():
    with pytest.raises(MediaRefused, match="not H.264"):
        video(mp4(5, codec=b"hvc1"))


def test_it_refuses_a_quicktime_movie():
    with pytest.raises(MediaRefused, match="not an MP4 video a browser can play"):
        video(mp4(5, brand=b"qt  "))


@pytest.mark.parametrize(
    "data",
    [
        mp4(5)[:40],  # cut off inside moov
        box(b"ftyp", b"isom\x00\x00\x00\x00isom") + b"\x00\x00\x00\x04moov",  # a size under 8
        box(b"ftyp", b"isom\x00\x00\x00\x00isom") + b"\xff\xff\xff\xffmoov" + bytes(20),
        box(b"ftyp", b"isom\x00\x00\x00\x00isom") + box(b"mdat", bytes(10)),  # no moov
    ],
    ids=["truncated", "tiny-box", "box-past-the-end", "no-movie-header"],
)
def test_it_refuses_a_damaged_mp4(data):
    with pytest.raises(MediaRefused, match="damaged"):
        video(data)


def test_it_gives_up_on_a_file_of_endless_empty_boxes():
    data = box(b"ftyp", b"isom\x00\x00\x00\x00isom") + box(b"free") * 20_000
    with pytest.raises(MediaRefused):
        video(data)


def test_it_refuses_an_mp4_with_no_length():
    with pytest.raises(MediaRefused, match="could not read how long"):
        video(mp4(0))


# --- WebM --------------------------------------------------------------------------------------


def test_it_reads_a_webm_s_length_from_segment_info():
    checked = video(webm(20.25))
    assert checked.content_type == "video/webm" and checked.extension == "webm"
    assert checked.duration_seconds == pytest.approx(20.25)


def test_it_reads_a_segment_of_unknown_size():
    assert video(webm(3, unknown_segment_size=True)).duration_seconds == pytest.approx(3)


def test_it_refuses_a_webm_longer_than_the_cap():
    with pytest.raises(MediaRefused, match="90 seconds long"):
        video(webm(90))


def test_it_refuses_matroska_that_is_not_webm():
    with pytest.raises(MediaRefused, match="not an MP4 or WebM video"):
        video(webm(5, doctype=b"matroska"))


def test_it_refuses_a_webm_without_a_duration():
    with pytest.raises(MediaRefused, match="could not read how long"):
        video(webm(None))


def test_it_refuses_a_webm_without_a_picture_track():
    with pytest.raises(MediaRefused, match="no picture track"):
        video(webm(5, codec=b"A_OPUS"))


@pytest.mark.parametrize(
    "data",
    [b"just some text", b"", picture("JPEG"), b"RIFF\x00\x00\x00\x00AVI LIST"],
    ids=["text", "empty", "a-picture", "avi"],
)
def test_it_refuses_what_is_not_a_video(data):
    with pytest.raises(MediaRefused, match="not an MP4 or WebM video"):
        video(data)


def test_it_refuses_a_damaged_webm():
    with pytest.raises(MediaRefused, match="damaged"):
        video(webm(5)[:60])


# --- Ranges ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-", (0, 999)),
        ("bytes=0-1", (0, 1)),
        ("bytes=500-2000", (500, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=1000-", (-1, -1)),
        ("bytes=5-3", (-1, -1)),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=-", None),
    ],
)
def test_it_reads_one_byte_range(header, expected):
    assert byte_range(header, 1000) == expected


def test_it_drops_xmp_and_the_colour_profile_too():
    out = io.BytesIO()
    Image.new("RGB", (100, 80), (10, 200, 30)).save(
        out, "JPEG", icc_profile=b"\x00" * 128, xmp=b"<x:xmpmeta>Clinic car park</x:xmpmeta>"
    )
    assert b"Clinic car park" in out.getvalue()
    checked = image(out.getvalue())
    assert b"Clinic car park" not in checked.content and b"XMP" not in checked.content
    assert b"ICCP" not in checked.content
    assert set(Image.open(io.BytesIO(checked.content)).info) <= {"loop", "background"}
