"""Handing a stored file to the one person the views have already authorized.

From a folder (``FileSystemStorage``, as ``make run`` has it) the file is streamed by Django
itself, with HTTP ranges, which Safari needs to play a video. From an object store the
answer is a redirect to a signed URL that expires within minutes: the bucket stays private,
and a copied link stops working.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.cache import patch_cache_control

from tracker.models import ExerciseMedia

VARIANTS = ("file", "poster", "thumbnail")
# A stored file never changes (a new upload gets a new id); private: never in shared caches.
KEPT_SECONDS = 3600
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def media_response(media: ExerciseMedia, variant: str, range_header: str = "") -> HttpResponse:
    if variant not in VARIANTS:
        raise Http404
    stored = getattr(media, variant)
    if not stored.name:
        raise Http404
    content_type = media.content_type if variant == "file" else "image/webp"
    if settings.REHABIT_MEDIA_STORAGE != "local":
        response: HttpResponse = HttpResponseRedirect(default_storage.url(stored.name))
        # The signed URL expires: the redirect itself must not outlive it in any cache.
        patch_cache_control(response, private=True, no_store=True)
        return response
    try:
        handle = default_storage.open(stored.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    size = default_storage.size(stored.name)
    wanted = byte_range(range_header, size)
    if wanted is None:
        response = FileResponse(handle, content_type=content_type)
        response["Accept-Ranges"] = "bytes"
    elif wanted == (-1, -1):
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    else:
        start, end = wanted
        handle.seek(start)
        part = handle.read(end - start + 1)
        handle.close()
        response = HttpResponse(part, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = "inline"
    patch_cache_control(response, private=True, max_age=KEPT_SECONDS)
    return response


# The largest part sent in one 206 answer: a player asks again for the rest.
MAX_RANGE_BYTES = 4 * 1024 * 1024


def byte_range(header: str, size: int) -> tuple[int, int] | None:
    """The one range a ``Range: bytes=…`` header asks for, as (first, last) byte; None for
    the whole file (no header, or one we do not serve ranges for: several ranges); (-1, -1)
    when it lies outside the file."""
    match = _RANGE.match(header.strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if not first:  # "-500": the last 500 bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        return (-1, -1)
    return start, min(end, start + MAX_RANGE_BYTES - 1)
