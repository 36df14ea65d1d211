"""Real small files for the media tests: pictures drawn by Pillow, video containers built
box by box (MP4) and element by element (WebM), as the specifications lay them out."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, ImageDraw

# --- Pictures ----------------------------------------------------------------------------------

GPS_IFD = 0x8825


def picture(fmt: str = "JPEG", size: tuple[int, int] = (640, 480), *, gps: bool = False) -> bytes:
    """A striped picture (so it does not compress to nothing), optionally with a GPS EXIF."""
    image = Image.new("RGB", size, (200, 220, 240))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 16):
        draw.line([(x, 0), (x, size[1])], fill=(30, 60, 90))
    out = io.BytesIO()
    options: dict[str, object] = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x0112] = 6  # Orientation: rotate 90° to show upright
        exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
        options["exif"] = exif
    image.save(out, fmt, **options)
    return out.getvalue()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A tiny PNG that claims to unpack into ``width`` × ``height`` pixels (a zlib bomb):
    one compressed stream of zeros, which would be gigabytes once decoded."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    row = b"\x00" * (width + 1)
    compressor = zlib.compressobj(9)
    data = b"".join(compressor.compress(row) for _ in range(64)) + compressor.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


# --- MP4 -------------------------------------------------------------------------------------


def box(kind: bytes, payload: bytes = b"") -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(
    seconds: float = 8,
    *,
    codec: bytes = b"avc1",
    brand: bytes = b"isom",
    version: int = 0,
    moov_last: bool = False,
    fragmented: bool = False,
    mdat_bytes: int = 256,
) -> bytes:
    """An MP4 file's boxes: ftyp, moov (mvhd, one video trak) and mdat."""
    timescale = 1000
    duration = 0 if fragmented else round(seconds * timescale)
    others = b"" if brand == b"qt  " else b"mp41"  # a camera's .mov names QuickTime alone
    ftyp = box(b"ftyp", brand + b"\x00\x00\x02\x00" + brand + others)
    if version == 1:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    mvhd = box(b"mvhd", bytes([version, 0, 0, 0]) + times + bytes(80))
    hdlr = box(b"hdlr", bytes(4) + bytes(4) + b"vide" + bytes(12) + b"VideoHandler\x00")
    stsd = box(b"stsd", bytes(4) + struct.pack(">I", 1) + box(codec, bytes(78)))
    trak = box(b"trak", box(b"mdia", hdlr + box(b"minf", box(b"stbl", stsd))))
    extra = b""
    if fragmented:
        mehd = box(b"mehd", bytes(4) + struct.pack(">I", round(seconds * timescale)))
        extra = box(b"mvex", mehd)
    moov = box(b"moov", mvhd + trak + extra)
    mdat = box(b"mdat", bytes(mdat_bytes))
    return ftyp + (mdat + moov if moov_last else moov + mdat)


# --- WebM ------------------------------------------------------------------------------------


def element(element_id: int, data: bytes) -> bytes:
    id_bytes = element_id.to_bytes((element_id.bit_length() + 7) // 8, "big")
    return id_bytes + b"\x01" + len(data).to_bytes(7, "big") + data  # an 8-byte size


def webm(
    seconds: float | None = 8,
    *,
    doctype: bytes = b"webm",
    codec: bytes = b"V_VP9",
    unknown_segment_size: bool = False,
) -> bytes:
    """An EBML header, then a Segment with Info (timestamp scale, duration), Tracks and a
    Cluster."""
    header = element(0x1A45DFA3, element(0x4286, b"\x01") + element(0x4282, doctype))
    info_fields = element(0x2AD7B1, (1_000_000).to_bytes(3, "big"))  # milliseconds
    if seconds is not None:
        info_fields += element(0x4489, struct.pack(">d", seconds * 1000))
    info = element(0x1549A966, info_fields)
    track = element(0xAE, element(0xD7, b"\x01") + element(0x83, b"\x01") + element(0x86, codec))
    tracks = element(0x1654AE6B, track)
    cluster = element(0x1F43B675, element(0xE7, b"\x00") + element(0xA3, bytes(64)))
    body = info + tracks + cluster
    if unknown_segment_size:
        return header + b"\x18\x53\x80\x67" + b"\x01" + b"\xff" * 7 + body
    return header + element(0x18538067, body)
