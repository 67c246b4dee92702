"""One decision at a time per post file: `post_lock(path)` around every read-compare-replace.

Two comms members (or the desk and `followshift approve` in a terminal) may decide on the same
post at the same moment; without a lock both would find the bytes they read and both "succeed".
The lock has two layers, as neither suffices alone:

- a `threading.Lock` per post in this process: the desk serves from several waitress threads,
  and an operating-system lock taken twice by one process does not exclude its own threads
  reliably (POSIX flock is per open file, Windows locks per handle);
- the operating system's own file lock (flock on POSIX, msvcrt.locking on Windows, as in
  publish/lock.py) on `.<name>.desk-lock` beside the post, for other processes. A dotfile: build
  and watch ignore it (content/files.py is_temporary), like the edit's temporary file. The
  system releases it when its process ends in any way, so there is no stale lock to guess about.

The lock file is removed on release (on POSIX while still locked, so whoever opened the old file
notices that the path names another file and tries again, as publish/lock.py does). A lock that
is not had within `WAIT` seconds is a refusal the user can retry, never a hung request.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from followshift.desk import DeskError
from followshift.diagnostics import display_path
from followshift.oslock import try_lock, unlock

WAIT = 10.0  # seconds; a decision holds the lock for one read and one small write
SUFFIX = ".desk-lock"

_guard = threading.Lock()
_threads: dict[str, threading.Lock] = {}  # real path of a post -> its lock in this process


def lock_path(path: Path) -> Path:
    real = Path(os.path.realpath(path))
    return real.with_name(f".{real.name}{SUFFIX}")


@contextlib.contextmanager
def post_lock(path: Path) -> Iterator[None]:
    """Holds the post's lock against this process's other threads and other processes."""
    key = os.path.realpath(path)
    with _guard:
        mine = _threads.setdefault(key, threading.Lock())
    if not mine.acquire(timeout=WAIT):
        raise _busy(path)
    try:
        fd = _lock_file(path, time.monotonic() + WAIT)
        try:
            yield
        finally:
            _unlock(fd, lock_path(path))
    finally:
        mine.release()


def _busy(path: Path) -> DeskError:
    return DeskError(
        "is being changed by someone else right now; look again and retry", display_path(path)
    )


def _lock_file(path: Path, deadline: float) -> int:
    where = lock_path(path)
    while True:
        try:
            fd = os.open(
                where,
                os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0),
                0o600,
            )
        except OSError as exc:
            raise DeskError(f"cannot lock: {exc.strerror or exc}", display_path(path)) from None
        if try_lock(fd):
            if _same_file(fd, where):
                return fd
            os.close(fd)  # removed by a holder that let go meanwhile: lock the new file
            continue
        os.close(fd)
        if time.monotonic() >= deadline:
            raise _busy(path)
        time.sleep(0.02)


def _same_file(fd: int, where: Path) -> bool:
    if sys.platform == "win32":
        return True  # a file open elsewhere cannot be removed there (see _unlock)
    try:
        st = os.stat(where, follow_symlinks=False)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (mine.st_dev, mine.st_ino)


def _unlock(fd: int, where: Path) -> None:
    if sys.platform == "win32":
        unlock(fd)
        with contextlib.suppress(OSError):
            os.close(fd)
        # Fails while another process has it open (it is waiting for it): then it stays.
        with contextlib.suppress(OSError):
            os.unlink(where)
    else:
        # Removed while still locked: no one can lock this file and find it gone later.
        with contextlib.suppress(OSError):
            os.unlink(where)
        with contextlib.suppress(OSError):
            os.close(fd)  # releases the lock
