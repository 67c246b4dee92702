"""Personal links: when they end, what they look like, and their QR code.

A link is `<desk URL>i/<token>`; the token (`secrets.token_urlsafe(32)`, 256 bits) is shown once,
when the link is made, and stored only as its sha256 (store.py). Without `--until` a link ends
with the next shift: the one running now, else the next to start. QR codes are made by segno
(pure Python): in the terminal, and as PNG or SVG with `--qr FILE`.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from followshift.desk import DeskError
from followshift.desk.review import shift_configs, site_settings
from followshift.times import TimeError, parse_datetime, parse_duration

DEFAULT_DESK_URL = "http://127.0.0.1:8765/"
QR_SUFFIXES = (".png", ".svg")


def link(desk_url: str, token: str) -> str:
    return desk_url.rstrip("/") + "/i/" + token


def until(content: Path, given: str | None, now: datetime) -> datetime:
    """When a new link ends: `given` (a date-time in the site's zone, or a duration such as
    12h from now), else the end of the running or next shift."""
    config = site_settings(content)
    if given:
        try:
            return now + parse_duration(given)
        except TimeError:
            pass
        try:
            moment = parse_datetime(given, config.tz).instant
        except TimeError as exc:
            raise DeskError(f"--until: {exc} (or a duration such as 12h)") from None
        if moment <= now:
            raise DeskError(f"--until: {given} has passed already")
        return moment
    for _, shift in shift_configs(content, config):
        if shift.end > now:
            return shift.end
    raise DeskError(
        "no running or upcoming shift to end the link with; give --until (e.g. 12h or "
        "2026-10-25 03:00)"
    )


def qr_text(text: str, unicode: bool = True) -> str:
    """The QR code of `text` for a terminal: half blocks where the terminal can show them."""
    import segno

    out = io.StringIO()
    segno.make(text, error="m").terminal(out=out, compact=unicode)
    return out.getvalue()


def save_qr(text: str, path: Path) -> None:
    import segno

    if path.suffix.lower() not in QR_SUFFIXES:
        raise DeskError(f"--qr: {path.name} must end in .png or .svg")
    try:
        segno.make(text, error="m").save(str(path), scale=8, border=4)
    except OSError as exc:
        raise DeskError(f"--qr: cannot write {path}: {exc.strerror or exc}") from None
