"""Pausing and resuming a shift, with its line in the audit log: what `followshift pause` /
`resume` and the comms team's button at the desk both do (docs/privacy.md, "Pause").

The file work is config/pause.py's (the `paused:` block of shift.yaml, every other byte kept).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from followshift.config.pause import Paused, PauseError, clean_reason, pause, resume, shift_yaml
from followshift.config.site import load_config
from followshift.desk.store import Store
from followshift.diagnostics import Diagnostics


@dataclass(frozen=True)
class Outcome:
    shift: str
    path: Path  # the shift.yaml
    paused: Paused | None  # the pause now in force (None after a resume)
    changed: bool  # False: it was paused (or not) already; nothing written, nothing logged


def pause_shift(
    content: Path, shift: str, reason: str, *, by: str, via: str, now: datetime
) -> Outcome:
    """PauseError for a shift or reason that will not do; ValueError never escapes."""
    path = shift_yaml(content, shift)
    try:
        reason = clean_reason(reason)
    except ValueError as exc:
        raise PauseError(str(exc), path) from None
    tz = load_config(content / "site.yaml", Diagnostics()).tz
    existing = pause(path, now, reason, tz)
    if existing is not None:
        return Outcome(path.parent.name, path, existing, False)
    Store.beside(content).log(by, via, "pause", path.parent.name, None, reason)
    return Outcome(path.parent.name, path, Paused(now, reason), True)


def resume_shift(
    content: Path, shift: str, *, by: str, via: str, reason: str | None = None
) -> Outcome:
    path = shift_yaml(content, shift)
    tz = load_config(content / "site.yaml", Diagnostics()).tz
    lifted = resume(path, tz)
    if lifted is None:
        return Outcome(path.parent.name, path, None, False)
    detail = " ".join(reason.split()) if reason else None
    Store.beside(content).log(by, via, "resume", path.parent.name, None, detail or None)
    return Outcome(path.parent.name, path, None, True)
