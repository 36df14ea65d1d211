"""Colour contrast as WCAG 2.x defines it: pure functions, no Django.

A clinic's accent colour fills buttons and the top bar, where the app writes white text
(``--brand-ink``), and it colours links on the page's background. Both must reach the AA
contrast for normal text, 4.5:1, or the accent is refused.
"""

from __future__ import annotations

import re

MIN_CONTRAST = 4.5  # WCAG 2.x, success criterion 1.4.3 (AA), normal-size text
TEXT_ON_ACCENT = "#ffffff"  # --brand-ink in app.css
PAGE_BACKGROUND = "#f6f7f9"  # --bg in app.css: links in the accent colour sit on it

_HEX = re.compile(r"#?([0-9a-fA-F]{6}|[0-9a-fA-F]{3})")


def normalise_hex(value: str) -> str | None:
    """ "#1F6F5C", "1f6f5c" or "#1f6" as "#1f6f5c"; None when it is not a hex colour."""
    match = _HEX.fullmatch(value.strip())
    if match is None:
        return None
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def _channel(value: int) -> float:
    """One sRGB channel (0–255) made linear, as WCAG's relative luminance defines it."""
    c = value / 255
    # 0.04045 is the sRGB standard's threshold; WCAG 2.0 printed 0.03928, which gives the
    # same result for every 8-bit value.
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """0 for black, 1 for white."""
    normal = normalise_hex(hex_colour)
    if normal is None:
        raise ValueError(f"not a hex colour: {hex_colour!r}")
    r, g, b = (int(normal[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(first: str, second: str) -> float:
    """From 1 (the same) to 21 (black on white); order does not matter. Not rounded: WCAG
    compares the exact ratio, so 4.499 fails."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def accent_contrast(accent: str) -> float:
    """The weaker of the accent's two pairings: white text on it, and it as text on the page."""
    return min(contrast_ratio(accent, TEXT_ON_ACCENT), contrast_ratio(accent, PAGE_BACKGROUND))


def accent_is_readable(accent: str) -> bool:
    return accent_contrast(accent) >= MIN_CONTRAST
