"""Team badge colours: the text colour is chosen for contrast (WCAG 2.1 relative luminance)."""

from __future__ import annotations

# Black, not a softer near-black: with black and white to choose from, every background reaches
# at least 4.58:1 (WCAG AA asks 4.5:1); with #111111, mid-grey (#777777) reached neither.
DARK_TEXT = "#000000"
LIGHT_TEXT = "#ffffff"


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def _luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on the badge colour."""
    if contrast(background, LIGHT_TEXT) >= contrast(background, DARK_TEXT):
        return LIGHT_TEXT
    return DARK_TEXT
