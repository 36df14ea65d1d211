"""The clinic's look: its logo and accent colour.

A logo is checked by what it is, not by its name: Pillow must recognise a PNG, JPEG or WebP
within the size and pixel caps. It is then drawn again as a PNG no larger than
``LOGO_MAX_SIDE`` on each side, which leaves behind every piece of metadata the upload
carried (EXIF location, camera, comments) and anything hidden after the image data. PNG,
because every email client shows it and it keeps a transparent background.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from tracker.colour import normalise_hex
from tracker.models import Clinic
from tracker.models.people import accent_colour_problem
from tracker.notify import InlineImage
from tracker.services.audit import audit_record

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Checked from the header before anything is decoded: a small file may claim a huge canvas.
LOGO_MAX_SOURCE_PIXELS = 24_000_000
LOGO_MAX_SIDE = 512
LOGO_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
LOGO_FOLDER = "clinic-logos"


class LogoRefused(ValidationError):
    """The upload cannot be a logo; the message says why, in the admin's words."""


@dataclass(frozen=True)
class PreparedLogo:
    png: bytes
    width: int
    height: int


def logo_prepare(upload: IO[bytes]) -> PreparedLogo:
    """The upload as a clean PNG, or LogoRefused."""
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise LogoRefused(
            _("This file is larger than 2 MB. Please choose a smaller logo."), code="too_big"
        )
    try:
        with warnings.catch_warnings():
            # Pillow's own decompression-bomb warning becomes a refusal like the cap below.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(LOGO_FORMATS)) as probe:
                if probe.width * probe.height > LOGO_MAX_SOURCE_PIXELS:
                    raise LogoRefused(
                        _(
                            "This image is too large (%(w)s × %(h)s pixels). Please choose one "
                            "under 24 megapixels."
                        ),
                        code="too_many_pixels",
                        params={"w": probe.width, "h": probe.height},
                    )
                probe.verify()
            with Image.open(io.BytesIO(data), formats=sorted(LOGO_FORMATS)) as image:
                image.load()
                # A phone photo stores "rotate me" in EXIF; apply it before EXIF is dropped.
                upright = ImageOps.exif_transpose(image)
                has_alpha = upright.mode in {"RGBA", "LA", "PA"} or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                clean = upright.convert("RGBA" if has_alpha else "RGB")
    except LogoRefused:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
    ) as exc:
        raise LogoRefused(
            _("This file is not a PNG, JPEG or WebP image we can read. Please choose another."),
            code="not_an_image",
        ) from exc
    clean.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE), Image.Resampling.LANCZOS)
    # A fresh image holds pixels only: nothing of the upload's info travels with it.
    fresh = Image.new(clean.mode, clean.size)
    fresh.paste(clean)
    out = io.BytesIO()
    fresh.save(out, format="PNG", optimize=True)
    return PreparedLogo(png=out.getvalue(), width=fresh.width, height=fresh.height)


@transaction.atomic
def clinic_look_update(
    *,
    clinic: Clinic,
    accent_colour: str,
    logo: PreparedLogo | None = None,
    remove_logo: bool = False,
    request: HttpRequest | None = None,
) -> list[str]:
    """Set the accent colour and replace or remove the logo; returns what changed.

    ``Clinic.clean`` refuses an accent without AA contrast, here as in any form.
    """
    locked = Clinic.objects.select_for_update().get(pk=clinic.pk)
    changed: list[str] = []
    old_logo = locked.logo.name
    if accent_colour != locked.accent_colour:
        locked.accent_colour = accent_colour
        changed.append("accent_colour")
    if remove_logo and old_logo and logo is None:
        locked.logo.name = ""
        changed.append("logo_removed")
    if logo is None and not changed:
        return changed
    # Checked before the new file is written, so a refused colour stores nothing. Only the
    # accent: a flag-threshold override stored earlier must not block a new logo.
    problem = accent_colour_problem(locked.accent_colour)
    if problem is not None:
        raise ValidationError({"accent_colour": [problem]})
    if logo is not None:
        # A fresh name each time: the logo's address changes with it, so browsers and the
        # phone's cache never keep an old one.
        locked.logo.name = default_storage.save(
            f"{LOGO_FOLDER}/{locked.pk}/{uuid.uuid4().hex}.png", ContentFile(logo.png)
        )
        changed.append("logo")
    try:
        locked.save(update_fields=["accent_colour", "logo", "updated_at"])
        audit_record(
            action="clinic.look_changed",
            request=request,
            clinic=locked,
            target=locked,
            detail={"changed": changed, "accent_colour": locked.accent_colour},
        )
    except Exception:
        if logo is not None:
            default_storage.delete(locked.logo.name)
        raise
    if old_logo and ("logo" in changed or "logo_removed" in changed):
        # After the commit: a rolled-back change still points at its old file.
        transaction.on_commit(lambda: default_storage.delete(old_logo))
    clinic.accent_colour = locked.accent_colour
    clinic.logo.name = locked.logo.name
    return changed


APP_ACCENT = "#1f6f5c"  # --brand in app.css
LOGO_CID = "clinic-logo@rehabit"


def clinic_email_look(clinic: Clinic) -> tuple[dict[str, str], tuple[InlineImage, ...]]:
    """The clinic's name, accent and logo for an HTML email: template context, and the
    logo to send inside the message.

    The logo travels in the email (a cid: picture) rather than as a link to this site: the
    logo's address needs a signed-in session, which a mail client does not have, and a
    mail client that fetches nothing cannot tell anyone when the email was opened.
    """
    context = {
        "clinic_name": clinic.name,
        "accent": normalise_hex(clinic.accent_colour or "") or APP_ACCENT,
        "logo_cid": "",
    }
    if not clinic.logo:
        return context, ()
    try:
        with default_storage.open(clinic.logo.name, "rb") as stored:
            content = stored.read(LOGO_MAX_BYTES)
    except OSError:
        # A missing file costs the email its logo, never the email itself.
        return context, ()
    context["logo_cid"] = LOGO_CID
    return context, (InlineImage(cid=LOGO_CID, content=content),)
