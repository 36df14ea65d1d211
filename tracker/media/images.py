"""Pictures: opened by Pillow whatever their name says, then drawn again without metadata.

A phone photo carries EXIF (often the place it was taken); drawing the pixels into a new
WebP file keeps the picture and drops everything else. The pixel count is checked from the
header before any pixel is decoded, so a small file that unpacks into gigabytes (a
"decompression bomb") is refused without being unpacked.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tracker.media.refusal import MediaRefused

# What Pillow may open an upload as: nothing else is even tried.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
CONTENT_TYPE = "image/webp"
# The longest side kept: sharp on a phone at 3x and in print, a fraction of a camera's size.
LONGEST_SIDE = 1600
QUALITY = 82
# Today's card shows the thumbnail at 72 CSS pixels; 160 covers screens up to 2x and more.
THUMBNAIL_SIDE = 160
THUMBNAIL_MAX_BYTES = 30 * 1024


@dataclass(frozen=True)
class CheckedImage:
    """A picture as it will be stored: WebP, no metadata, within the size kept."""

    content: bytes
    width: int
    height: int
    thumbnail: bytes
    source_format: str  # what it was uploaded as: JPEG, PNG or WEBP
    content_type: str = CONTENT_TYPE


def check_image(
    file: IO[bytes], *, max_bytes: int, max_pixels: int, longest_side: int = LONGEST_SIDE
) -> CheckedImage:
    """The upload as a clean WebP picture and its thumbnail, or ``MediaRefused``."""
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise MediaRefused(
            _("This picture is larger than %(mb)s MB. Please send a smaller one.")
            % {"mb": max_bytes // (1024 * 1024)}
        )
    picture = _open(data, max_pixels)
    try:
        if picture.format == "JPEG":
            # Decode a JPEG at a fraction of its size when it is far larger than kept:
            # much less memory for a 48-megapixel photo, and the same result.
            picture.draft("RGB", (longest_side * 2, longest_side * 2))
        picture.load()
        source_format = picture.format or ""
        # Upright as the camera meant it: the EXIF orientation is applied before it goes.
        upright = ImageOps.exif_transpose(picture)
        upright = upright.convert("RGBA" if _has_transparency(upright) else "RGB")
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise MediaRefused(_not_a_picture()) from exc
    finally:
        picture.close()
    upright.thumbnail((longest_side, longest_side), Image.Resampling.LANCZOS)
    content = _webp(upright, QUALITY)
    return CheckedImage(
        content=content,
        width=upright.width,
        height=upright.height,
        thumbnail=thumbnail_of(upright),
        source_format=source_format,
    )


def thumbnail_of(picture: Image.Image) -> bytes:
    """A small square WebP for Today's card, cropped to the middle, at most 30 KB."""
    square = ImageOps.fit(picture, (THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    for quality in (70, 55, 40, 25):
        thumbnail = _webp(square, quality)
        if len(thumbnail) <= THUMBNAIL_MAX_BYTES:
            return thumbnail
    return _webp(square.convert("RGB").resize((96, 96)), 25)


def _open(data: bytes, max_pixels: int) -> Image.Image:
    with warnings.catch_warnings():
        # Pillow's own bomb guard warns first; our limit below is the one that decides.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            picture = Image.open(io.BytesIO(data), formats=list(ACCEPTED_FORMATS))
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise MediaRefused(_not_a_picture()) from exc
        except Image.DecompressionBombError as exc:
            raise MediaRefused(_too_many_pixels(max_pixels)) from exc
    if picture.width < 1 or picture.height < 1:
        raise MediaRefused(_not_a_picture())
    if picture.width * picture.height > max_pixels:
        picture.close()
        raise MediaRefused(_too_many_pixels(max_pixels))
    return picture


def _has_transparency(picture: Image.Image) -> bool:
    return picture.mode in ("RGBA", "LA", "PA") or (
        picture.mode == "P" and "transparency" in picture.info
    )


def _webp(picture: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    # No exif, icc_profile or xmp argument: the new file carries pixels only.
    picture.save(out, "WEBP", quality=quality, method=4)
    return out.getvalue()


def _not_a_picture() -> str:
    return _("This file is not a JPEG, PNG or WebP picture (or it is damaged).")


def _too_many_pixels(max_pixels: int) -> str:
    return _(
        "This picture has more pixels than we take (%(mp)s megapixels). Please send a smaller one."
    ) % {"mp": max_pixels // 1_000_000}
