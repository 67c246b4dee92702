"""Which files under watch are still being written, so that none is read as finished too soon.

A phone or a laptop may write a post in pieces, pausing with the file still open. Such a file
is not finished, however long it has been quiet:

- on Linux the watcher hears when a file opened for writing is closed (inotify's IN_CLOSE_WRITE,
  watchdog's `closed` event): a file is being written from its first write (`modified`) until
  that close;
- the other observers (macOS FSEvents, Windows ReadDirectoryChangesW, kqueue, polling) report no
  closes: there a file is taken as being written until its writes have stopped for QUIET
  seconds. The same holds on Linux for files whose close may have been lost (inotify overflow).

Either way a file renamed into place (an atomic writer, a sync client's temporary) is finished
at once: a rename moves a file that its writer closed. A deleted file is no longer written.
Only writes count (and, where closes are not heard, creations): a file that appears by a rename
or a link, or whose attributes change, is not "open".
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

QUIET = 0.5  # seconds without a write after which a file is finished, where closes are unknown


def key(path: Path | str) -> str:
    """The absolute path with its folders resolved, as events and reads must agree on it (macOS
    reports /private/var/… for /var/…); the last part is kept, as it may be a symlink."""
    head, tail = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(head), tail)


class OpenWrites:
    """The files written since their last close (or, without closes, in the last QUIET s)."""

    def __init__(self, closes: bool) -> None:
        self.closes = closes  # does the observer report closes?
        self._lock = threading.Lock()
        # path (key) → (monotonic time of its last write, whether a close is awaited)
        self._open: dict[str, tuple[float, bool]] = {}

    def event(self, kind: str, src: str, dest: str = "", *, folder: bool = False) -> None:
        """One event (watchdog's event_type, paths, and whether they name a folder)."""
        # Where closes are heard, a write is what makes a file open: a file can also appear by
        # a rename from elsewhere or a link, and no close follows those. Elsewhere a new file
        # may be reported by its creation alone (the polling observer does).
        written = ("modified",) if self.closes else ("modified", "created")
        if kind not in ("closed", "deleted", "moved") and not (kind in written and not folder):
            return
        with self._lock:
            if kind in written:
                self._open[key(src)] = (time.monotonic(), self.closes)
                return
            if not self._open:
                return
            if folder:  # what was written inside goes with it (a close would come from there)
                old = key(src) + os.sep
                inside = {p: e for p, e in self._open.items() if p.startswith(old)}
                for path in inside:
                    del self._open[path]
                if kind == "moved" and dest:
                    new = key(dest) + os.sep
                    self._open.update({new + p[len(old) :]: e for p, e in inside.items() if e[1]})
                return
            entry = self._open.pop(key(src), None)
            if kind == "moved" and dest:
                destination = key(dest)
                self._open.pop(destination, None)
                if entry is not None and entry[1]:  # moved while its writer still holds it open
                    self._open[destination] = entry

    def lost(self) -> None:
        """Events were lost: a close may have been among them. Waits on the quiet rule."""
        with self._lock:
            self._open = {path: (t, False) for path, (t, _) in self._open.items()}

    def writing(self, path: Path | str) -> bool:
        """Is this file still being written?"""
        if not self._open:  # the usual case: nothing to resolve
            return False
        with self._lock:
            entry = self._open.get(key(path))
        return entry is not None and self._busy(entry, time.monotonic())

    def busy(self) -> list[Path]:
        """Every file being written now (and forgets those that are finished)."""
        now = time.monotonic()
        with self._lock:
            self._open = {p: e for p, e in self._open.items() if self._busy(e, now)}
            return [Path(p) for p in self._open]

    def quiet_at(self) -> float | None:
        """The monotonic time at which the first file waited on by the quiet rule is finished;
        None when every one awaits its close (its event then says so)."""
        with self._lock:
            ends = [t + QUIET for t, awaiting in self._open.values() if not awaiting]
        return min(ends, default=None)

    @staticmethod
    def _busy(entry: tuple[float, bool], now: float) -> bool:
        written, awaiting = entry
        return awaiting or now - written < QUIET
