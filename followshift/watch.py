"""`watch`: build, then rebuild incrementally on every change, and at every scheduled moment.

The same pipeline as `build` (followshift.build.pipeline.build) with a BuildCache kept in memory, so
a rebuild re-reads only changed files and rewrites only pages whose bytes change. The watcher tells
the read which paths changed (ReadCache.touch), so folders without a change are not even listed
again, and the renderer skips whole shifts whose posts did not change: a rebuild's cost follows
what changed, not the size of the site. Around it:

- file events under content/ and the theme (watchdog) are debounced: a burst of events (a phone
  syncing a post and three photos) gives one rebuild;
- editor and sync temporaries are ignored (the same rules as reading: content/files.py);
- a file that is still being written (a phone syncing) is waited for. A file open for writing is
  not read at all until it is closed (followshift.writing: on Linux its close is heard; other
  systems wait for its writes to stop): its post's last good version stays up, a new post waits.
  A site-wide file (site.yaml, a template) open for writing holds back the whole rebuild. And a
  post that fails while its folder saw changes in the last SETTLE seconds is not reported yet —
  it is simply not published — and is looked at again once things have been quiet for SETTLE
  seconds (a file written in pieces, each closed);
- the next moment the site changes without any file changing (a scheduled post's time plus the
  delay, a shift starting or ending) is a timer: the site is rebuilt then.

The watcher never dies on bad content: every problem is a diagnostic, printed as in `build`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.utils import UnsupportedLibcError

from followshift.build import collector
from followshift.build.pipeline import BuildOptions, BuildResult, build
from followshift.build.state import BuildCache
from followshift.content.files import is_temporary
from followshift.content.model import Shift
from followshift.diagnostics import Diagnostic, Level
from followshift.render.theme import builtin_themes
from followshift.times import parse_datetime
from followshift.writing import OpenWrites

DEBOUNCE = 0.05  # seconds of quiet before a rebuild
MAX_WAIT = 0.5  # a steady stream of events still rebuilds this often
SETTLE = 2.0  # a file untouched this long is finished; its errors are real


@dataclass
class Rebuild:
    """One rebuild as the user sees it."""

    result: BuildResult
    seconds: float
    reason: str
    at: datetime  # when it ended: the watch's clock, in the site's time zone
    held_back: list[Diagnostic] = field(default_factory=list)  # errors of files still changing
    kept: list[Path] = field(default_factory=list)  # posts whose last good version stays up

    @property
    def waiting(self) -> int:
        """Files still being written: their errors held back, or their old version kept."""
        return len({d.path for d in self.held_back} | set(self.kept))


class Clock:
    """The real clock, or one that starts at --now and runs at real speed (previews, tests)."""

    def __init__(self, start: str | None, tz: tzinfo = UTC) -> None:
        self.tz = tz  # the site's, until a build reads site.yaml
        self.start = parse_datetime(start, tz).instant if start else None
        self.t0 = time.monotonic()

    def now(self) -> datetime:
        if self.start is None:
            return datetime.now(UTC)
        return self.start + timedelta(seconds=time.monotonic() - self.t0)


class _Events(FileSystemEventHandler):
    def __init__(self, watcher: Watcher) -> None:
        self.watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        src, dest = str(event.src_path), str(getattr(event, "dest_path", "") or "")
        if not (event.event_type in ("modified", "created") and is_temporary(Path(src).name)):
            # (an editor's swap file stays open as long as the editor: it is no file of the site)
            self.watcher.writes.event(event.event_type, src, dest, folder=event.is_directory)
        if event.is_directory and event.event_type == "modified":
            # A file in it changed: that file's own event says which (maybe a temporary) and
            # starts the rebuild. The folder is read again anyway, should that event be lost.
            self.watcher.touch([Path(str(event.src_path))])
            return
        paths = [event.src_path, getattr(event, "dest_path", "")]
        changed = [Path(str(p)) for p in paths if p and not is_temporary(Path(str(p)).name)]
        if changed:
            self.watcher.notify(changed)


class _NewFolders(FileSystemEventHandler):
    """Starts watching a templates/ or themes/ folder made beside content/ after the start."""

    def __init__(self, watcher: Watcher, observer: BaseObserver) -> None:
        self.watcher = watcher
        self.observer = observer
        self.watched: set[str] = {str(f) for f in watcher.watched_folders()}

    def on_created(self, event: FileSystemEvent) -> None:
        path = Path(str(event.src_path))
        new = str(path) not in self.watched
        if event.is_directory and path.name in ("templates", "themes") and new:
            self.watched.add(str(path))
            self.observer.schedule(_Events(self.watcher), str(path), recursive=True)
            self.watcher.notify([path])


# watchdog logs it, and goes on, when the kernel dropped events (inotify's queue overflowed).
OVERFLOW_LOGGER = "watchdog.observers.inotify_c"


class _Overflow(logging.Filter):
    """Then nothing is known about what changed: every folder is read again. (A filter, not a
    handler, so the message is still printed as before.)"""

    def __init__(self, watcher: Watcher) -> None:
        super().__init__()
        self.watcher = watcher

    def filter(self, record: logging.LogRecord) -> bool:
        if "overflow" in str(record.msg).lower():
            self.watcher.writes.lost()  # a close may have been lost too
            self.watcher.notify([self.watcher.options.content])
        return True


class Watcher:
    def __init__(
        self,
        options: BuildOptions,
        report: Callable[[Rebuild], None],
        clock: Clock | None = None,
        observer: Callable[[], BaseObserver] = Observer,
    ) -> None:
        self.options = options
        self.report = report
        self.clock = clock or Clock(options.now)
        self.observer = observer
        self.writes = OpenWrites(closes=False)  # run() knows whether its observer hears closes
        self.tz = self.clock.tz
        # Every change is reported to it (touch); run() replaces self.writes, hence _writing.
        self.cache = BuildCache.for_watch(self._settling, self._writing)
        self._lock = threading.Condition()
        self._changed: dict[Path, float] = {}  # path → monotonic time of its last event
        self._touched: set[Path] = set()  # changed since the last rebuild started
        self._upcoming: dict[str, tuple[Shift, datetime, datetime | None]] = {}  # next_change
        self._pending_since: float | None = None
        self._last_event: float = 0.0
        self._stop = False
        self._observer: BaseObserver | None = None
        self._recheck_at: float | None = None
        self._due: datetime | None = None
        self._reported: set[Diagnostic] = set()  # errors the last rebuild showed

    # -- events ------------------------------------------------------------------------------

    def touch(self, paths: Iterable[Path]) -> None:
        """Paths to read again at the next rebuild, without asking for one."""
        with self._lock:
            self._touched.update(paths)

    def notify(self, paths: Iterable[Path]) -> None:
        with self._lock:
            now = time.monotonic()
            for path in paths:
                self._changed[path] = now
                self._touched.add(path)
            self._last_event = now
            if self._pending_since is None:
                self._pending_since = now
            self._lock.notify_all()

    def stop(self) -> None:
        with self._lock:
            self._stop = True
            self._lock.notify_all()

    def watched_folders(self) -> list[Path]:
        content = self.options.content
        root = content.parent
        candidates = [content, root / "templates", root / "themes", builtin_themes()]
        return [folder for folder in candidates if folder.is_dir()]

    # -- the loop ----------------------------------------------------------------------------

    def rebuild(self, reason: str) -> Rebuild:
        started = time.perf_counter()
        options = replace(self.options, now=self.clock.now().isoformat())
        with self._lock:  # what changes while this rebuild runs is for the next one
            touched, self._touched = self._touched, set()
        self.cache.touch(touched)
        result = build(options, cache=self.cache)
        held_back = self._hold_back_settling(result)
        if self.cache.kept:  # look again once quiet: a post left broken is reported
            self._recheck_at = time.monotonic() + SETTLE
            quiet = self.writes.quiet_at()  # and once a file's writes have stopped
            if quiet is not None:
                self._recheck_at = min(self._recheck_at, quiet)
        if result.site is not None:
            self.tz = result.site.config.tz
        rebuild = Rebuild(
            result,
            time.perf_counter() - started,
            reason,
            self.clock.now().astimezone(self.tz),
            held_back,
            list(self.cache.kept),
        )
        self._due = next_change(result, self._upcoming)
        return rebuild

    def _writing(self, path: str) -> bool:
        """Is this file still open for writing (OpenWrites)?"""
        return self.writes.writing(path)

    def _settling(self, path: str) -> bool:
        """Did this file's folder change in the last SETTLE seconds?"""
        now = time.monotonic()
        folder = Path(path).parent
        with self._lock:
            return any(
                now - t < SETTLE and (p.parent == folder or p == folder)
                for p, t in self._changed.items()
            )

    def _hold_back_settling(self, result: BuildResult) -> list[Diagnostic]:
        """Errors of files whose folder changed in the last SETTLE seconds are not shown yet,
        unless the last rebuild showed that same error and its own file has not changed since
        (a broken post stays reported while other files of its folder come and go)."""
        now = time.monotonic()
        with self._lock:  # forget old events, so the map stays small in a night-long watch
            self._changed = {p: t for p, t in self._changed.items() if now - t < SETTLE}
            changed = set(self._changed)
        busy = {p.parent for p in changed}
        held = [
            d
            for d in result.diagnostics.items
            if d.level is Level.ERROR and d.path is not None
            and (d.path.parent in busy or d.path in busy)
            and not (d in self._reported and d.path not in changed)
        ]  # fmt: skip
        if held:
            result.diagnostics.items = [d for d in result.diagnostics.items if d not in held]
            self._recheck_at = now + SETTLE
        self._reported = {d for d in result.diagnostics.items if d.level is Level.ERROR}
        return held

    def run(self) -> None:
        """Builds, then rebuilds on changes until stop() (or Ctrl-C in the calling thread)."""
        # Watching starts before the first build: a file dropped while it runs is not missed.
        observer = self.observer()
        self.writes = OpenWrites(closes=reports_closes(observer))
        for folder in self.watched_folders():
            observer.schedule(_Events(self), str(folder), recursive=True)
        # templates/ or themes/ may be created beside content/ later: watch for that too.
        observer.schedule(_NewFolders(self, observer), str(self.options.content.parent))
        overflow = _Overflow(self)
        watchdog_log = logging.getLogger(OVERFLOW_LOGGER)
        watchdog_log.addFilter(overflow)
        observer.start()
        self._observer = observer
        try:
            self.report(self.rebuild("start"))
            collector.settle()  # the first build's model, out of the collector's sight
            rebuilds = 0
            while True:
                reason = self._wait()
                if reason is None:
                    return
                self.report(self.rebuild(reason))
                rebuilds += 1
                if rebuilds % collector.REFREEZE == 0:
                    collector.settle()
        finally:
            observer.stop()
            observer.join(timeout=5)
            watchdog_log.removeFilter(overflow)
            collector.thaw()

    def _wait(self) -> str | None:
        """Blocks until a rebuild is due; returns why, or None when stopped."""
        with self._lock:
            while not self._stop:
                now = time.monotonic()
                if self._writing_site_files():
                    # Every rebuild reads it: all wait for its close (an event wakes this up),
                    # or for its writes to stop where closes are not heard.
                    quiet = self.writes.quiet_at()
                    self._lock.wait(max(0.01, quiet - now) if quiet is not None else 5.0)
                    continue
                if self._pending_since is not None:
                    quiet = now - self._last_event >= DEBOUNCE
                    overdue = now - self._pending_since >= MAX_WAIT
                    if quiet or overdue:
                        self._pending_since = None
                        return "change"
                    # Until the quiet or the wait is over (a new event wakes this up earlier).
                    until = min(self._last_event + DEBOUNCE, self._pending_since + MAX_WAIT)
                    self._lock.wait(max(0.001, until - now))
                    continue
                if self._recheck_at is not None and now >= self._recheck_at:
                    self._recheck_at = None
                    return "settled"
                if self._due is not None and self.clock.now() >= self._due:
                    self._due = None
                    return "scheduled"
                self._lock.wait(self._timeout(now))
            return None

    def _writing_site_files(self) -> bool:
        """Is a file other than a post or photo being written (site.yaml, shift.yaml, a template,
        a theme file)? A post or photo waits alone (ReadCache.writing)."""
        busy = self.writes.busy()
        if not busy:
            return False
        content = Path(os.path.realpath(self.options.content))
        return any(
            path.parent.parent.parent != content or path.suffix.lower() in (".yaml", ".yml")
            for path in busy
        )

    def _timeout(self, now: float) -> float:
        waits = [5.0]
        if self._recheck_at is not None:
            waits.append(self._recheck_at - now)
        if self._due is not None:
            waits.append((self._due - self.clock.now()).total_seconds())
        return max(0.01, min(waits))


def reports_closes(observer: BaseObserver) -> bool:
    """Does this observer report that a file opened for writing was closed? (inotify: Linux)"""
    try:
        from watchdog.observers.inotify import InotifyObserver
    except (ImportError, OSError, UnsupportedLibcError):  # not Linux
        return False
    return isinstance(observer, InotifyObserver)


def next_change(
    result: BuildResult, memo: dict[str, tuple[Shift, datetime, datetime | None]] | None = None
) -> datetime | None:
    """The next moment the site changes by itself: a scheduled post, a shift starting or ending.

    With `memo` (the watcher's), a shift whose Shift object is the same as last time is not
    looked through again while the clock has not reached its next post.
    """
    site, now = result.site, result.now
    if site is None or now is None:
        return None
    memo = memo if memo is not None else {}
    seen: dict[str, tuple[Shift, datetime, datetime | None]] = {}
    moments: list[datetime] = []
    for shift in site.shifts:
        moments.extend(t for t in (shift.start, shift.end) if t > now)
        known = memo.get(shift.id)
        if known is not None and known[0] is shift and known[1] <= now:
            upcoming = known[2]
            if upcoming is not None and upcoming <= now:
                upcoming = shift.next_publication(now)
        else:
            upcoming = shift.next_publication(now)
        seen[shift.id] = (shift, now, upcoming)
        if upcoming is not None:
            moments.append(upcoming)
    memo.clear()
    memo.update(seen)
    return min(moments, default=None)
