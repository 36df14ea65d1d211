"""A clinic logo is checked by its content and drawn again as a clean PNG."""

import io

import pytest
from PIL import Image

from tracker.services.branding import LOGO_MAX_SIDE, LogoRefused, logo_prepare


def image_bytes(fmt: str, size=(64, 32), mode="RGB", **save) -> io.BytesIO:
    out = io.BytesIO()
    colour = {"RGB": (10, 80, 60), "RGBA": (10, 80, 60, 0), "1": 0}[mode]
    Image.new(mode, size, colour).save(out, format=fmt, **save)
    out.seek(0)
    return out


def exif_with_location_and_rotation() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to view
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8825)[1] = "N"  # a GPS block: where the photo was taken
    exif.get_ifd(0x8825)[2] = (51.0, 30.0, 0.0)
    return exif.tobytes()


def test_it_redraws_a_photo_as_an_upright_png_without_its_exif():
    upload = image_bytes("JPEG", size=(80, 40), exif=exif_with_location_and_rotation())
    assert b"PhoneMaker" in upload.getvalue()
    logo = logo_prepare(upload)
    assert logo.png.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"PhoneMaker" not in logo.png and b"Exif" not in logo.png
    with Image.open(io.BytesIO(logo.png)) as again:
        assert again.format == "PNG"
        assert again.size == (40, 80)  # turned as the EXIF said, then the EXIF dropped
        assert not again.getexif()
        assert set(again.info) <= {"dpi", "gamma"} or not again.info


def test_it_shrinks_a_large_logo_to_fit_512_pixels_keeping_its_shape():
    logo = logo_prepare(image_bytes("PNG", size=(2000, 1000)))
    assert (logo.width, logo.height) == (LOGO_MAX_SIDE, LOGO_MAX_SIDE // 2)


def test_it_keeps_a_transparent_background():
    logo = logo_prepare(image_bytes("WEBP", mode="RGBA", lossless=True))
    with Image.open(io.BytesIO(logo.png)) as again:
        assert again.mode == "RGBA" and again.getpixel((0, 0))[3] == 0


def test_it_drops_text_chunks_and_anything_after_the_image():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "secret-note")
    upload = image_bytes("PNG", pnginfo=info).getvalue() + b"<script>trailing</script>"
    logo = logo_prepare(io.BytesIO(upload))
    assert b"secret-note" not in logo.png and b"trailing" not in logo.png


@pytest.mark.parametrize(
    "upload",
    [
        io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'></svg>"),
        io.BytesIO(b"GIF89a" + b"\x00" * 40),
        io.BytesIO(b"%PDF-1.7 not a logo"),
        io.BytesIO(image_bytes("PNG").getvalue()[:60]),  # cut short
    ],
    ids=["svg", "fake-gif", "pdf", "truncated-png"],
)
def test_it_refuses_what_is_not_a_png_jpeg_or_webp_whatever_its_name(upload):
    with pytest.raises(LogoRefused) as refused:
        logo_prepare(upload)
    assert refused.value.code == "not_an_image"


def test_it_refuses_a_real_gif_as_a_format_it_does_not_take():
    with pytest.raises(LogoRefused) as refused:
        logo_prepare(image_bytes("GIF"))
    assert refused.value.code == "not_an_image"


def test_it_refuses_a_file_over_2_mb_before_decoding_it():
    with pytest.raises(LogoRefused) as refused:
        logo_prepare(io.BytesIO(b"\x89PNG" + b"\x00" * (2 * 1024 * 1024)))
    assert refused.value.code == "too_big"


def test_it_refuses_a_small_file_that_claims_a_huge_canvas():
    upload = image_bytes("PNG", size=(6000, 5000), mode="1")  # 30 megapixels, a few kB
    assert len(upload.getvalue()) < 100_000
    with pytest.raises(LogoRefused) as refused:
        logo_prepare(upload)
    assert refused.value.code == "too_many_pixels"
    assert "6000 × 5000" in refused.value.messages[0]
