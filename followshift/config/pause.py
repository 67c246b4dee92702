"""Writing a shift's pause into its shift.yaml: `followshift pause` / `resume` and the desk's
button (docs/privacy.md, "Pause").

The pause is content like any other: a `paused: {since:, reason:}` block in shift.yaml, which
build, watch and publish pick up as an edit. Only that block is added or removed; every other
byte of the file stays as the user wrote it (comments, quoting, line endings). The write is
atomic (a temporary dotfile, which build and watch ignore, then a rename), and refused when the
file changed since it was read.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from followshift.clean import find_control
from followshift.confine import Refused, decode_text, read_file
from followshift.diagnostics import display_path
from followshift.times import TimeError, parse_datetime
from followshift.yamlio import YamlError, YamlMap, load_yaml

MAX_REASON = 500
_SHIFT_NAME = re.compile(r"[^/\\:]+")


class PauseError(Exception):
    """One line for the user: `path:line: error: message`."""

    def __init__(self, message: str, path: Path, line: int = 1):
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: error: {self.message}"


@dataclass(frozen=True)
class Paused:
    since: datetime
    reason: str


@dataclass(frozen=True)
class _File:
    path: Path
    raw: bytes
    text: str
    data: YamlMap


def shift_yaml(content: Path, shift: str) -> Path:
    """The shift.yaml of the shift named `shift` (its folder name, or a path to the folder)."""
    name = Path(shift).name if shift.strip("/\\") else ""
    if not name or not _SHIFT_NAME.fullmatch(name) or name.startswith("."):
        raise PauseError(f"'{shift}' is not a shift folder name", content)
    path = content / name / "shift.yaml"
    if not path.is_file():
        raise PauseError("no such shift here (no shift.yaml)", content / name)
    return path


def _read(path: Path) -> _File:
    try:
        raw = read_file(path, path.parent.parent)
        data = load_yaml(decode_text(raw))
        text = raw.decode("utf-8")  # as written: its line endings are kept
    except Refused as exc:
        raise PauseError(exc.message, path) from None
    except YamlError as exc:
        raise PauseError(f"{exc.message}; fix shift.yaml first", path, exc.line or 1) from None
    except UnicodeDecodeError:
        raise PauseError("not UTF-8 text", path) from None
    except OSError as exc:
        raise PauseError(f"cannot be read: {exc.strerror or exc}", path) from None
    if not isinstance(data, YamlMap):
        raise PauseError("must be a mapping with title:, start: and end:", path)
    return _File(path, raw, text, data)


def current(path: Path, tz: tzinfo) -> Paused | None:
    """The pause written in the shift.yaml at `path`, if any."""
    return _paused(_read(path), tz)


def _paused(file: _File, tz: tzinfo) -> Paused | None:
    value = file.data.get("paused")
    if value is None:
        return None
    line = file.data.line_of("paused")
    if not isinstance(value, YamlMap) or "since" not in value:
        raise PauseError("paused: needs since:; fix shift.yaml first", file.path, line)
    try:
        since = parse_datetime(str(value["since"]), tz).instant
    except TimeError as exc:
        raise PauseError(f"paused: since: {exc}", file.path, value.line_of("since")) from None
    reason = value.get("reason")
    return Paused(since, reason.strip() if isinstance(reason, str) else "")


def clean_reason(reason: str) -> str:
    """One line of text, or ValueError (the message for the user)."""
    text = " ".join(reason.split())
    if not text:
        raise ValueError("say why the shift is paused")
    if find_control(text) is not None:
        raise ValueError("the reason contains control characters")
    if len(text) > MAX_REASON:
        raise ValueError(f"the reason is longer than {MAX_REASON} characters")
    return text


def pause(path: Path, since: datetime, reason: str, tz: tzinfo) -> Paused | None:
    """Writes `paused:` into the shift.yaml at `path`. Returns the pause already there (and
    changes nothing) when the shift is paused: a second pause must not move `since`, or
    posts held by the first would go out."""
    file = _read(path)
    existing = _paused(file, tz)
    if existing is not None:
        return existing
    newline = "\r\n" if "\r\n" in file.text else "\n"
    local = since.astimezone(tz).isoformat(sep=" ", timespec="seconds")
    block = (
        f'paused:{newline}  since: "{local}"{newline}'
        f"  reason: {json.dumps(clean_reason(reason), ensure_ascii=False)}{newline}"
    )
    text = file.text
    if text and not text.endswith("\n"):
        text += newline
    _write(file, text + block, expect_paused=True)
    return None


def resume(path: Path, tz: tzinfo) -> Paused | None:
    """Removes `paused:` from the shift.yaml at `path`; the pause it lifted, or None."""
    file = _read(path)
    existing = _paused(file, tz)
    if existing is None:
        return None
    lines = file.text.splitlines(keepends=True)
    first = file.data.line_of("paused") - 1
    last = first + 1
    # The block: the key's line and every indented or blank line after it, but not the blank
    # lines that end it (they separate what follows).
    while last < len(lines) and (not lines[last].strip() or lines[last][0] in " \t"):
        last += 1
    while last > first + 1 and not lines[last - 1].strip():
        last -= 1
    _write(file, "".join(lines[:first] + lines[last:]), expect_paused=False)
    return existing


def _write(file: _File, text: str, *, expect_paused: bool) -> None:
    try:  # what is written must read back, with the pause as meant
        data = load_yaml(text.replace("\r\n", "\n"))
    except YamlError:
        data = None
    if not isinstance(data, YamlMap) or ("paused" in data) != expect_paused:
        raise PauseError("cannot change paused: in this shift.yaml; edit it by hand", file.path)
    try:
        if file.path.read_bytes() != file.raw:
            raise PauseError("the file changed while it was being edited; retry", file.path)
    except OSError as exc:
        raise PauseError(f"cannot be read: {exc.strerror or exc}", file.path) from None
    temp = file.path.with_name(f".{file.path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("xb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, file.path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise PauseError(f"cannot be written: {exc.strerror or exc}", file.path) from None
