"""The clinic's look as every signed-in user's pages load it: the logo and the accent's CSS.

Both come from this site, never another origin, so the strict CSP stays as it is. The logo
is served only to the clinic's own people (a patient's or therapist's session, whoever's
clinic it is); its address carries the stored file's name, which changes with every new
logo, so it may be kept for a year. The accent's stylesheet holds nothing but the colour
in its address, so it is the same for everybody and public.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from tracker.colour import accent_is_readable, normalise_hex

YEAR = 365 * 24 * 3600


@require_GET
@login_required
@cache_control(private=True, max_age=YEAR, immutable=True)
def clinic_logo(request: HttpRequest, version: str) -> FileResponse:
    clinic = getattr(request.user, "clinic", None)
    if clinic is None or not clinic.logo or clinic.logo_version != version:
        raise Http404
    try:
        handle = default_storage.open(clinic.logo.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, content_type="image/png")


@require_GET
@cache_control(public=True, max_age=YEAR, immutable=True)
def accent_stylesheet(request: HttpRequest, digits: str) -> HttpResponse:
    accent = f"#{digits}"
    # Only colours a clinic could have saved, as stored: nobody is served an unreadable
    # accent, and each colour has one address.
    if normalise_hex(accent) != accent or not accent_is_readable(accent):
        raise Http404
    return render(
        request, "tracker/accent.css", {"accent": accent}, content_type="text/css; charset=utf-8"
    )
