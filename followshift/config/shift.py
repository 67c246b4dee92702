"""A shift's shift.yaml → ShiftConfig: title, start, end and the optional settings.

Every problem of the file is reported at once (a missing title and an end before the start),
and a shift with any error is left out. The file is read through followshift/confine.py, so a
symlink out of content/, a folder or a named pipe called shift.yaml is refused, never followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from followshift.config.keys import check_keys
from followshift.config.site import SiteConfig, review_mode
from followshift.confine import Refused, decode_text, read_file
from followshift.diagnostics import Diagnostics
from followshift.times import TimeError, parse_datetime, parse_duration
from followshift.yamlio import YamlError, YamlMap, load_yaml

SHIFT_KEYS = ("title", "start", "end", "description", "order", "delay", "review", "paused")


class Order(StrEnum):
    AUTO = "auto"
    NEWEST_FIRST = "newest-first"
    OLDEST_FIRST = "oldest-first"


@dataclass(frozen=True)
class ShiftConfig:
    """A valid shift.yaml. Frozen and hashable: watch compares it to last time's to tell that
    a shift did not change (loader.load_shift)."""

    title: str
    start: datetime
    end: datetime
    description: str = ""  # Markdown
    order: Order = Order.AUTO
    delay: timedelta = timedelta()
    review: str = "none"  # site.yaml's review: unless the shift says otherwise
    # `paused: {since:, reason:}` (followshift pause, docs/privacy.md "Pause"): from `since` on,
    # no post goes out that was not public then. The reason is for the comms team, not readers.
    paused: datetime | None = None
    pause_reason: str = ""


def load_shift_config(path: Path, config: SiteConfig, diags: Diagnostics) -> ShiftConfig | None:
    """The shift's settings, or None after reporting every problem they have."""
    try:
        data = load_yaml(decode_text(read_file(path, path.parent.parent)))
    except Refused as exc:
        diags.error(path, exc.message)
        return None
    except YamlError as exc:
        diags.error(path, exc.message, exc.line)
        return None
    except UnicodeDecodeError:
        diags.error(path, "not UTF-8 text")
        return None
    if not isinstance(data, YamlMap):
        diags.error(path, "must be a mapping with title:, start: and end:", 1)
        return None
    ok = check_keys(data, SHIFT_KEYS, path, diags)  # `dealy: 15m` must not publish without it
    result: dict[str, Any] = {
        "description": "",
        "order": Order.AUTO,
        "delay": config.delay,
        "review": config.review,
    }
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        diags.error(path, "title: is required (the shift's name)", data.line_of("title"))
        ok = False
    else:
        result["title"] = title.strip()
    for key in ("start", "end"):
        if key not in data:
            diags.error(path, f"{key}: is required, e.g. {key}: 2026-10-24 19:00", 1)
            ok = False
            continue
        try:
            resolved = parse_datetime(str(data[key]), config.tz)
        except TimeError as exc:
            diags.error(path, f"{key}: {exc}", data.line_of(key))
            ok = False
            continue
        if resolved.warning:
            diags.warning(path, f"{key}: {resolved.warning}", data.line_of(key))
        result[key] = resolved.instant
    # Every problem at once, not one per build: a missing title and an end before the start.
    times = "start" in result and "end" in result
    if times and result["end"] <= result["start"]:
        diags.error(path, "end: must be after start", data.line_of("end"))
        ok = False
    elif times and result["end"] - result["start"] > timedelta(days=7):
        diags.warning(path, "the shift lasts more than a week; is end: right?", data.line_of("end"))
    description = data.get("description")
    if description is not None:
        if not isinstance(description, str):
            diags.error(path, "description: must be text (Markdown)", data.line_of("description"))
            ok = False
        else:
            result["description"] = description
    if "order" in data:
        try:
            result["order"] = Order(str(data["order"]))
        except ValueError:
            diags.error(
                path, "order: must be auto, newest-first or oldest-first", data.line_of("order")
            )
            ok = False
    if "delay" in data:
        try:
            result["delay"] = parse_duration(data["delay"])
        except TimeError as exc:
            diags.error(path, f"delay: {exc}", data.line_of("delay"))
            ok = False
    if "review" in data:
        try:
            result["review"] = review_mode(data["review"])
        except ValueError as exc:
            diags.error(path, f"review: {exc}", data.line_of("review"))
            ok = False
    if "paused" in data:
        ok = _paused(path, data, config, result, diags) and ok
    return ShiftConfig(**result) if ok else None


def _paused(
    path: Path, data: YamlMap, config: SiteConfig, result: dict[str, Any], diags: Diagnostics
) -> bool:
    value = data["paused"]
    example = "paused: {since: 2026-10-24 21:40, reason: …} (or followshift resume)"
    if not isinstance(value, YamlMap) or "since" not in value:
        diags.error(path, f"paused: needs since:, e.g. {example}", data.line_of("paused"))
        return False
    ok = check_keys(value, ("since", "reason"), path, diags)
    try:
        result["paused"] = parse_datetime(str(value["since"]), config.tz).instant
    except TimeError as exc:
        diags.error(path, f"paused: since: {exc}", value.line_of("since"))
        return False
    reason = value.get("reason")
    if reason is not None and not isinstance(reason, str):
        diags.error(path, "paused: reason: must be text", value.line_of("reason"))
        return False
    result["pause_reason"] = (reason or "").strip()
    return ok
