"""Videos: the container is read from its own bytes (no ffmpeg), never trusted by its name.

MP4 (ISO base media) is a tree of boxes, each a 32-bit size and a four-letter type: the
``ftyp`` box first names the brands the file follows, ``moov`` holds the movie header
(``mvhd``: time scale and duration) and one ``trak`` per track, whose sample description
(``stsd``) names the codec. WebM is Matroska, a tree of EBML elements with variable-length
ids and sizes: an EBML header whose DocType is ``webm``, then a Segment whose Info holds the
Duration. Both readers seek from header to header, bound every size by its parent and
the file, and give up after a fixed number of elements, so a hostile file costs little.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from tracker.media.refusal import MediaRefused

MP4 = "video/mp4"
WEBM = "video/webm"
# Brands of MP4 files a browser plays; QuickTime's "qt  " and audio-only brands are not here.
MP4_BRANDS = {
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1",
    b"M4V ", b"dash", b"msnv", b"MSNV",
}  # fmt: skip
# H.264 sample entries; any other video codec (HEVC from a phone's "high efficiency"
# setting, for one) does not play in every browser.
H264_ENTRIES = {b"avc1", b"avc3"}
WEBM_VIDEO_CODECS = {b"V_VP8", b"V_VP9", b"V_AV1"}
MAX_ELEMENTS = 5_000  # boxes or elements looked at before giving up on a file
MAX_DEPTH = 8

EBML_HEADER = 0x1A45DFA3
EBML_DOCTYPE = 0x4282
SEGMENT = 0x18538067
SEGMENT_INFO = 0x1549A966
TIMESTAMP_SCALE = 0x2AD7B1
DURATION = 0x4489
TRACKS = 0x1654AE6B
TRACK_ENTRY = 0xAE
TRACK_TYPE = 0x83
CODEC_ID = 0x86
CLUSTER = 0x1F43B675
TRACK_TYPE_VIDEO = 1


@dataclass(frozen=True)
class CheckedVideo:
    content_type: str  # video/mp4 or video/webm
    duration_seconds: float
    byte_size: int

    @property
    def extension(self) -> str:
        return "mp4" if self.content_type == MP4 else "webm"


def check_video(file: IO[bytes], *, max_bytes: int, max_seconds: int) -> CheckedVideo:
    """The upload's container and length, or ``MediaRefused`` with the reason."""
    file.seek(0, 2)
    size = file.tell()
    if size > max_bytes:
        raise MediaRefused(
            _("This video is larger than %(mb)s MB. Please send a shorter or smaller one.")
            % {"mb": max_bytes // (1024 * 1024)}
        )
    file.seek(0)
    head = file.read(12)
    if len(head) >= 8 and head[4:8] == b"ftyp":
        content_type, seconds = MP4, _mp4_duration(_Reader(file, size))
    elif head[:4] == EBML_HEADER.to_bytes(4, "big"):
        content_type, seconds = WEBM, _webm_duration(_Reader(file, size))
    else:
        raise MediaRefused(_not_a_video())
    if seconds > max_seconds:
        raise MediaRefused(
            _(
                "This video is %(seconds)s seconds long; the most we take is %(max)s. "
                "Please trim it to the movement itself."
            )
            % {"seconds": round(seconds), "max": max_seconds}
        )
    return CheckedVideo(content_type=content_type, duration_seconds=seconds, byte_size=size)


class _Reader:
    """Bounded reads from a seekable file, counting every header looked at."""

    def __init__(self, file: IO[bytes], size: int) -> None:
        self.file, self.size, self.seen = file, size, 0

    def read(self, at: int, n: int) -> bytes:
        self.file.seek(at)
        data = self.file.read(n)
        if len(data) != n:
            raise MediaRefused(_damaged())
        return data

    def count(self) -> None:
        self.seen += 1
        if self.seen > MAX_ELEMENTS:
            raise MediaRefused(_damaged())


# --- MP4 -------------------------------------------------------------------------------------


def _boxes(r: _Reader, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) of each box between ``start`` and ``end``."""
    at = start
    while at + 8 <= end:
        r.count()
        size, kind = struct.unpack(">I4s", r.read(at, 8))
        header = 8
        if size == 1:  # a 64-bit size follows the type
            (size,) = struct.unpack(">Q", r.read(at + 8, 8))
            header = 16
        elif size == 0:  # the box runs to the end of its parent
            size = end - at
        if size < header or at + size > end:
            raise MediaRefused(_damaged())
        yield kind, at + header, at + size
        at += size


def _child(r: _Reader, start: int, end: int, kind: bytes) -> tuple[int, int] | None:
    return next(((s, e) for k, s, e in _boxes(r, start, end) if k == kind), None)


def _mp4_duration(r: _Reader) -> float:
    top = list(_boxes(r, 0, r.size))
    kind, start, end = top[0]
    brands = {r.read(start, 4)}  # the major brand, then (after the minor version) the others
    brands |= {r.read(at, 4) for at in range(start + 8, min(end, start + 8 + 4 * 64), 4)}
    if not brands & MP4_BRANDS:
        raise MediaRefused(
            _("This file is not an MP4 video a browser can play (a .mov from a camera, "
              "for example). Please export it as MP4 (H.264) or WebM.")
        )  # fmt: skip
    moov = next(((s, e) for k, s, e in top if k == b"moov"), None)
    if moov is None:
        raise MediaRefused(_damaged())
    mvhd = _child(r, *moov, b"mvhd")
    if mvhd is None:
        raise MediaRefused(_damaged())
    version = r.read(mvhd[0], 1)[0]
    if version == 1:
        timescale, duration = struct.unpack(">IQ", r.read(mvhd[0] + 20, 12))
    else:
        timescale, duration = struct.unpack(">II", r.read(mvhd[0] + 12, 8))
    if not duration:  # a fragmented file keeps its length in mvex/mehd
        duration = _fragmented_duration(r, moov)
    if not timescale or not duration:
        raise MediaRefused(_no_length())
    _require_h264(r, moov)
    return duration / timescale


def _fragmented_duration(r: _Reader, moov: tuple[int, int]) -> int:
    mvex = _child(r, *moov, b"mvex")
    mehd = _child(r, *mvex, b"mehd") if mvex else None
    if mehd is None:
        return 0
    if r.read(mehd[0], 1)[0] == 1:
        return struct.unpack(">Q", r.read(mehd[0] + 4, 8))[0]
    return struct.unpack(">I", r.read(mehd[0] + 4, 4))[0]


def _require_h264(r: _Reader, moov: tuple[int, int]) -> None:
    """Every video track is H.264, and there is one."""
    codecs = []
    for kind, start, end in _boxes(r, *moov):
        if kind != b"trak":
            continue
        mdia = _child(r, start, end, b"mdia")
        hdlr = _child(r, *mdia, b"hdlr") if mdia else None
        # hdlr: version and flags, pre_defined, then the handler type.
        if hdlr is None or r.read(hdlr[0] + 8, 4) != b"vide":
            continue
        stsd = _path(r, mdia, (b"minf", b"stbl", b"stsd"))  # type: ignore[arg-type]
        # stsd: version and flags, the entry count, then the first entry's size and type.
        codecs.append(r.read(stsd[0] + 12, 4) if stsd else b"")
    if not codecs:
        raise MediaRefused(_("This file has no picture track. Please send a video."))
    if not all(codec in H264_ENTRIES for codec in codecs):
        raise MediaRefused(
            _("This MP4 video is not H.264 (phones saving in “high efficiency” make HEVC, "
              "which not every browser plays). Please export it as H.264 MP4 or WebM.")
        )  # fmt: skip


def _path(r: _Reader, within: tuple[int, int], kinds: tuple[bytes, ...]) -> tuple[int, int] | None:
    found: tuple[int, int] | None = within
    for kind in kinds:
        if found is None:
            return None
        found = _child(r, *found, kind)
    return found


# --- WebM --------------------------------------------------------------------------------------


def _vint(r: _Reader, at: int, *, keep_marker: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer at ``at``: (value, length). For a size, all ones
    means "unknown" (None)."""
    first = r.read(at, 1)[0]
    if first == 0:
        raise MediaRefused(_damaged())
    length = 9 - first.bit_length()
    data = r.read(at, length)
    value = int.from_bytes(data, "big")
    if keep_marker:
        return value, length
    value &= (1 << (7 * length)) - 1
    if value == (1 << (7 * length)) - 1:
        return None, length
    return value, length


def _elements(r: _Reader, start: int, end: int) -> Iterator[tuple[int, int, int | None]]:
    """(id, data start, data end) of each element; the end is None for an unknown size."""
    at = start
    while at < end:
        r.count()
        element_id, id_length = _vint(r, at, keep_marker=True)
        if id_length > 4:
            raise MediaRefused(_damaged())
        size, size_length = _vint(r, at + id_length, keep_marker=False)
        data = at + id_length + size_length
        if size is None:
            yield element_id, data, None  # type: ignore[misc]
            return
        if data + size > end:
            raise MediaRefused(_damaged())
        yield element_id, data, data + size  # type: ignore[misc]
        at = data + size


def _webm_duration(r: _Reader) -> float:
    elements = _elements(r, 0, r.size)
    header_id, start, end = next(elements)
    if header_id != EBML_HEADER or end is None or end - start > 4096:
        raise MediaRefused(_not_a_video())
    doctype = next(
        (r.read(s, e - s) for i, s, e in _elements(r, start, end) if i == EBML_DOCTYPE and e),
        b"",
    )
    if doctype.rstrip(b"\x00") != b"webm":
        raise MediaRefused(_not_a_video())
    segment = next(((s, e) for i, s, e in elements if i == SEGMENT), None)
    if segment is None:
        raise MediaRefused(_damaged())
    scale, duration, video = 1_000_000, 0.0, False
    for element_id, s, e in _elements(r, segment[0], segment[1] or r.size):
        if element_id == CLUSTER or e is None:
            break  # the frames begin: the header elements are all before them
        if element_id == SEGMENT_INFO:
            for inner, a, b in _elements(r, s, e):
                if inner == TIMESTAMP_SCALE and b and 0 < b - a <= 8:
                    scale = int.from_bytes(r.read(a, b - a), "big")
                elif inner == DURATION and b and b - a in (4, 8):
                    (duration,) = struct.unpack(">f" if b - a == 4 else ">d", r.read(a, b - a))
        elif element_id == TRACKS:
            video = video or _webm_has_video(r, s, e)
    if not video:
        raise MediaRefused(_("This file has no picture track. Please send a video."))
    seconds = duration * scale / 1e9
    if not seconds > 0 or seconds == float("inf"):
        raise MediaRefused(_no_length())
    return seconds


def _webm_has_video(r: _Reader, start: int, end: int) -> bool:
    for element_id, s, e in _elements(r, start, end):
        if element_id != TRACK_ENTRY or e is None:
            continue
        fields = {i: r.read(a, b - a) for i, a, b in _elements(r, s, e) if b and b - a <= 64}
        kind = int.from_bytes(fields.get(TRACK_TYPE, b""), "big")
        if kind == TRACK_TYPE_VIDEO and fields.get(CODEC_ID, b"") in WEBM_VIDEO_CODECS:
            return True
    return False


def _not_a_video() -> str:
    return _("This file is not an MP4 or WebM video.")


def _damaged() -> str:
    return _("This video file seems damaged or incomplete. Please export it again.")


def _no_length() -> str:
    return _(
        "We could not read how long this video is (videos recorded in a browser often leave "
        "it out). Please export it again as MP4 (H.264) or WebM."
    )


def looks_like_video(head: bytes) -> bool:
    """Do the first bytes start an MP4 (an ``ftyp`` box) or an EBML (WebM) file?"""
    return head[4:8] == b"ftyp" or head[:4] == EBML_HEADER.to_bytes(4, "big")
