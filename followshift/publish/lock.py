"""One writer per output folder: an operating-system file lock beside the folder.

`build`, `watch`, `serve` (and later `publish`) hold `OutputLock(out, command)` while they may
write `out`; a second one raises `OutputLocked`, which says who holds it. The lock is the
system's own (flock on POSIX, msvcrt.locking on Windows), as SQLite and pip's filelock do: the
system releases it when its process ends in any way (kill -9, power cut on a local disk), so
there is no stale lock to guess about, and whoever holds it knows that no other build is alive
in the folder (Output clears a dead build's staging at once, see `held`).

The lock file is `.<name>.followshift-lock` beside the output folder, not inside it (nothing in
it is ever uploaded), and it is derived from the folder's real path alone, so every command and
every content folder writing one output folder meet at the same file. Where the parent folder
cannot be written to, the lock file goes inside the output folder instead. It holds the holder's
process id, command and start time as JSON, for the message of whoever is refused; POSIX removes
it on release (a process that opened the old file checks, once it has the lock, that the path
still names that file, and tries again if not). The lock is re-entrant within one process
(watch holds it for its lifetime and calls build() again and again) and is not inherited by
forked workers (they close it, see _forget_in_child), so a worker left alive by a killed build
never holds it.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import TracebackType

from followshift.oslock import try_lock, unlock

SUFFIX = ".followshift-lock"
INSIDE_NAME = ".followshift-lock"  # inside the output folder, where its parent is read-only


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    since: str  # local time, ISO 8601 to the second

    def describe(self) -> str:
        return f"`followshift {self.command}` (process {self.pid}, since {self.since})"


class OutputLocked(Exception):
    """Another process holds the output folder's lock."""

    def __init__(self, out: Path, holder: Holder | None) -> None:
        self.out = out
        self.holder = holder
        who = holder.describe() if holder else "another followshift process"
        super().__init__(f"in use by {who}; nothing was changed. Wait for it to finish or stop it")


class LockError(OSError):
    """The lock file cannot be made or locked (the folder is read-only, the disk is full)."""


@dataclass
class _Held:
    fd: int
    path: str
    count: int


_held: dict[str, _Held] = {}  # real path of the output folder -> its lock, in this process
_guard = threading.Lock()


def _key(out: Path) -> str:
    return os.path.realpath(out)


def held(out: Path) -> bool:
    """Whether this process holds the lock of `out`."""
    return _key(out) in _held


def lock_path(out: Path) -> Path:
    """Where the lock file of `out` is (beside it)."""
    real = Path(_key(out))
    return real.parent / f".{real.name}{SUFFIX}"


class OutputLock:
    """`with OutputLock(out, "build"):` — the output folder's writer lock, re-entrant."""

    def __init__(self, out: Path, command: str) -> None:
        self.out = Path(out)
        self.command = command
        self._key = _key(self.out)
        self._entered = False

    def __enter__(self) -> OutputLock:
        self.acquire()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Takes the lock, or raises OutputLocked (with the holder) at once; never waits."""
        if self._entered:
            raise RuntimeError("OutputLock.acquire() twice on one object")
        with _guard:
            mine = _held.get(self._key)
            if mine is not None:
                mine.count += 1
            else:
                _held[self._key] = _lock(self.out, self.command)
        self._entered = True

    def release(self) -> None:
        if not self._entered:
            return
        self._entered = False
        with _guard:
            mine = _held[self._key]
            mine.count -= 1
            if mine.count == 0:
                del _held[self._key]
                _unlock(mine)


def _candidates(out: Path) -> list[Path]:
    beside = lock_path(out)
    return [beside, Path(_key(out)) / INSIDE_NAME]


def _lock(out: Path, command: str) -> _Held:
    beside, inside = _candidates(out)
    try:
        beside.parent.mkdir(parents=True, exist_ok=True)
        return _lock_file(out, beside, command)
    except PermissionError:
        pass  # a parent folder the user may not write to: inside the output folder, then
    except OSError as exc:
        raise LockError(exc.errno, f"cannot lock {beside}: {exc.strerror or exc}") from exc
    try:
        inside.parent.mkdir(parents=True, exist_ok=True)
        return _lock_file(out, inside, command)
    except OSError as exc:
        raise LockError(exc.errno, f"cannot lock {out}: {exc.strerror or exc}") from exc


def _open(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        return os.open(path, flags, 0o644)
    except PermissionError:
        if not path.exists():
            raise
        # Made by another user who may write the folder too: a read-only handle locks as well.
        return os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))


def _lock_file(out: Path, path: Path, command: str) -> _Held:
    for _ in range(100):
        fd = _open(path)
        try:
            if not try_lock(fd):
                raise OutputLocked(out, _read_holder(path))
            if not _same_file(fd, path):
                os.close(fd)  # removed by a holder that let go meanwhile: try the new file
                continue
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            raise
        _write_holder(fd, command)
        return _Held(fd, str(path), 1)
    raise LockError(0, f"cannot lock {path}: it keeps being replaced")


def _same_file(fd: int, path: Path) -> bool:
    if sys.platform == "win32":
        return True  # an open file cannot be removed there (see _unlock)
    try:
        st = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _write_holder(fd: int, command: str) -> None:
    note = {
        "pid": os.getpid(),
        "command": command,
        "since": datetime.now().astimezone().isoformat(timespec="seconds"),
    }
    data = json.dumps(note).encode()
    with contextlib.suppress(OSError):  # a read-only handle, a full disk: the lock still holds
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, data)


def _read_holder(path: Path) -> Holder | None:
    # The holder writes its note right after taking the lock: give it a moment to appear.
    for delay in (0.0, 0.02, 0.05, 0.1):
        time.sleep(delay)
        try:
            note = json.loads(path.read_bytes()[:4096].decode())
            return Holder(int(note["pid"]), str(note["command"]), str(note["since"]))
        except (OSError, ValueError, KeyError, TypeError):
            continue
    return None


def _unlock(mine: _Held) -> None:
    unlock(mine.fd)  # Windows asks for it before the file is closed
    if sys.platform != "win32":
        # Removed while still locked, so no one can lock this file and find it gone later.
        with contextlib.suppress(OSError):
            os.unlink(mine.path)
    with contextlib.suppress(OSError):
        os.close(mine.fd)  # releases the lock


def _forget_in_child() -> None:
    """A forked child closes its copies of the lock descriptors (never LOCK_UN, which would
    release the parent's lock too), so the lock ends with the process that took it."""
    global _guard
    _guard = threading.Lock()  # another thread may have held it at the fork
    for mine in _held.values():
        with contextlib.suppress(OSError):
            os.close(mine.fd)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_in_child)
