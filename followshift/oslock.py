"""The operating system's own exclusive lock on an open file, tried without waiting.

flock on POSIX; on Windows msvcrt.locking of one byte far past anything written, because Windows
refuses reads of locked bytes and a lock file's note must stay readable. The system releases the
lock when its process ends in any way. Used by publish/lock.py (one writer of site/) and
desk/locking.py (one decision on a post at a time); each keeps its own rules about the lock file.
"""

from __future__ import annotations

import contextlib
import os
import sys

WINDOWS_OFFSET = 1 << 30

if sys.platform == "win32":
    import msvcrt

    def try_lock(fd: int) -> bool:
        """Takes the lock on `fd` if no one holds it; False if someone does."""
        os.lseek(fd, WINDOWS_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def unlock(fd: int) -> None:
        """Windows asks for the byte to be unlocked before the file is closed."""
        with contextlib.suppress(OSError):
            os.lseek(fd, WINDOWS_OFFSET, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def try_lock(fd: int) -> bool:
        """Takes the lock on `fd` if no one holds it; False if someone does."""
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def unlock(fd: int) -> None:
        """Nothing: closing the descriptor releases the lock (never LOCK_UN, which a forked
        child holding a copy of the descriptor would release for its parent too)."""
