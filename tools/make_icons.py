"""Draw Rehabit's app icons as PNG files with the standard library only (zlib + struct).

    python tools/make_icons.py

Writes tracker/static/tracker/icons/icon-192.png, icon-512.png (rounded, for "any") and
maskable-512.png (full-bleed, the mark inside the 80 % safe zone). The mark is a tick in a
ring: a session done. Edges are anti-aliased from signed distances, no supersampling.
"""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "tracker" / "static" / "tracker" / "icons"
BRAND = (31, 111, 92)
WHITE = (255, 255, 255)


Point = tuple[float, float]


def _segment_distance(px: float, py: float, a: Point, b: Point) -> float:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _rounded_square_distance(px: float, py: float, size: float, radius: float) -> float:
    half = size / 2
    qx = abs(px - half) - (half - radius)
    qy = abs(py - half) - (half - radius)
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    return outside + min(max(qx, qy), 0.0) - radius


def _coverage(distance: float) -> float:
    return max(0.0, min(1.0, 0.5 - distance))


def draw(size: int, *, maskable: bool) -> bytes:
    scale = size * (0.62 if maskable else 0.78)  # the mark's box
    cx = cy = size / 2
    ring_radius = scale * 0.40
    stroke = scale * 0.085
    tick = [
        (cx - scale * 0.20, cy + scale * 0.01),
        (cx - scale * 0.05, cy + scale * 0.16),
        (cx + scale * 0.22, cy - scale * 0.14),
    ]
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter type 0 for each scanline
        for x in range(size):
            px, py = x + 0.5, y + 0.5
            if maskable:
                background = 1.0
            else:
                background = _coverage(_rounded_square_distance(px, py, size, size * 0.22))
            ring = abs(math.hypot(px - cx, py - cy) - ring_radius) - stroke / 2
            check = (
                min(
                    _segment_distance(px, py, tick[0], tick[1]),
                    _segment_distance(px, py, tick[1], tick[2]),
                )
                - stroke / 2
            )
            mark = _coverage(min(ring, check))
            colour = [round(b + (w - b) * mark) for b, w in zip(BRAND, WHITE, strict=True)]
            row.extend((*colour, round(255 * background)))
        rows.append(bytes(row))
    return _png(size, size, b"".join(rows))


def _png(width: int, height: int, raw: bytes) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon-192.png").write_bytes(draw(192, maskable=False))
    (OUT / "icon-512.png").write_bytes(draw(512, maskable=False))
    (OUT / "maskable-512.png").write_bytes(draw(512, maskable=True))


if __name__ == "__main__":
    main()
