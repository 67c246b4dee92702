"""`watch --publish`: after each rebuild that changed site/, publish it to the bucket.

One Publisher (publish/bucket.py) is kept for the whole watch, so its connections stay open and,
after a publish that went through, the next plan compares site/ with what that publish left in
the bucket instead of listing the bucket again. Every cycle is a state diff (site/'s manifest
against the bucket's), not a replay of events: whatever a failed cycle did not send, the next
good one sends, and what it removed or changed meanwhile is simply not there any more.

The publishes run on a thread of their own, so a slow or failing store never holds up a
rebuild: the watcher only marks site/ as changed (`__call__`, after each rebuild's report) and
goes on. A publish that overlaps a rebuild may find a file that rebuild replaced (upload.py
checks each file's sha256 against the plan and stops before anything links to it) or a
half-committed site; it is then simply done again at once, from the new state, and not
reported. A real failure (the store down, throttled past the retries, refusing the credentials)
is printed once, the watch goes on rebuilding, and the publish is tried again after every
rebuild that changed something and on a back-off timer, so a quiet shift is caught up too; the
first publish that goes through says so. Scheduled posts and a shift starting or ending are
rebuilds of the watcher's own (its timer, watch.py `next_change`), so they are published like
any other.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from followshift.publish.client import describe
from followshift.publish.model import MANIFEST_NAME
from followshift.publish.plan import MAX_DELETES, RefusedError
from followshift.publish.target import RemoteError, Target

if TYPE_CHECKING:
    from followshift.publish.bucket import Publisher
    from followshift.publish.upload import Result
    from followshift.watch import Rebuild

# After a failure, the next tries come this many seconds apart (doubling up to the last):
# short enough that a blip costs a live shift seconds, long enough not to hammer a store that
# is down (each try lists the bucket again).
RETRY = (2.0, 4.0, 8.0, 15.0, 30.0)
# A publish that failed while a rebuild changed site/ under it is done again at once; this many
# times in a row at most, then its failure counts (a store failing during a stream of drops).
SUPERSEDED = 3


@dataclass
class Cycle:
    """One publish as the user sees it."""

    result: Result | None  # None: it failed before anything was sent
    seconds: float
    plan_seconds: float
    error: str | None  # one line, or None when it went through
    at: datetime


class LivePublisher:
    """Publishes site/ after every rebuild that changed it, on a thread of its own."""

    def __init__(
        self,
        publisher: Publisher,
        out: Path,
        clock: Callable[[], datetime],
        quiet: bool = False,
        verbose: bool = False,
        max_deletes: int = MAX_DELETES,
    ) -> None:
        self.publisher = publisher
        self.out = out
        self.clock = clock
        self.quiet = quiet
        self.verbose = verbose
        self.max_deletes = max_deletes
        self._cond = threading.Condition()
        self._dirty = False  # site/ changed since the current or last publish began
        self._stop = False
        self._failing = False  # the last publish failed: the next one lists the bucket again
        self._reported = False  # that failure was printed (once per failure, until recovered)
        self._retries = 0
        self._retry_at: float | None = None
        self._busy = False
        self.cycles = 0  # publishes done (tests, benchmarks)
        self._thread = threading.Thread(target=self._loop, name="publish", daemon=True)
        self._thread.start()

    @property
    def target(self) -> Target:
        return self.publisher.target

    # -- the watcher's side ------------------------------------------------------------------

    def __call__(self, rebuild: Rebuild) -> None:
        """After each rebuild's report: publish if it wrote or removed anything (the first one
        always, so the bucket catches up with a site/ built before the watch)."""
        stats = rebuild.result.stats
        changed = stats is not None and (stats.written or stats.removed)
        # (a first build that failed leaves site/ as it was: publish that, if there is one)
        first = rebuild.reason == "start" and (self.out / MANIFEST_NAME).is_file()
        if changed or first:
            with self._cond:
                self._dirty = True
                self._cond.notify_all()

    def close(self, timeout: float = 10.0) -> None:
        """Stops after the publish in flight (waiting at most `timeout` seconds for it: a publish
        cut short leaves the bucket consistent, and the next one converges)."""
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout)

    def idle(self) -> bool:
        """Nothing to publish and nothing being published."""
        with self._cond:
            return not (self._dirty or self._busy)

    # -- the publishing thread ---------------------------------------------------------------

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._stop and not self._due():
                    wait = None if self._retry_at is None else self._retry_at - time.monotonic()
                    self._cond.wait(None if wait is None else max(0.01, wait))
                if self._stop:
                    return
                self._dirty = False
                self._busy = True
            try:
                cycle = self._publish()
            except Exception as exc:  # a bug must not end the publishing of a live shift
                cycle = Cycle(
                    None, 0.0, 0.0, describe(exc, self.publisher.client.secrets), self.clock()
                )
            finally:
                with self._cond:
                    self._busy = False
            self._after(cycle)

    def _due(self) -> bool:
        return self._dirty or (self._retry_at is not None and time.monotonic() >= self._retry_at)

    def _publish(self) -> Cycle:
        start = time.perf_counter()
        plan_seconds = 0.0
        result = None
        error: str | None
        try:
            # After a failure the bucket is listed again: the failed publish may have sent some
            # of its objects, and the store may have lost or changed others meanwhile.
            plan = self.publisher.plan(self.out, self.max_deletes, verify=self._failing)
            plan_seconds = time.perf_counter() - start
            result = self.publisher.apply(plan)
        except (RefusedError, RemoteError) as exc:
            error = str(exc)
        except OSError as exc:  # site/'s manifest unreadable mid-commit, say
            error = f"{self.out}: {exc.strerror or exc}"
        else:
            error = None
            if not result.ok:
                rel, message = result.failed[0]
                more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
                error = f"{rel}: {message}{more}"
        self.cycles += 1
        return Cycle(result, time.perf_counter() - start, plan_seconds, error, self.clock())

    def _after(self, cycle: Cycle) -> None:
        where = self.target.url
        if cycle.error is None:
            recovered = self._failing
            self._failing, self._reported, self._retries = False, False, 0
            with self._cond:
                self._retry_at = None
            self._print_done(cycle, recovered)
            return
        self._failing = True
        with self._cond:
            superseded = self._dirty  # a rebuild changed site/ during this publish
        if superseded and self._retries < SUPERSEDED:
            self._retries += 1  # done again at once, from the new state
            return
        delay = RETRY[min(self._retries, len(RETRY) - 1)]
        self._retries += 1
        with self._cond:
            self._retry_at = time.monotonic() + delay
        if not self._reported:
            self._reported = True
            click.echo(
                f"{where}: error: {cycle.error}; the watch goes on, and publishes again after "
                "each change and every few seconds until the store takes it",
                err=True,
            )

    def _print_done(self, cycle: Cycle, recovered: bool) -> None:
        result = cycle.result
        assert result is not None
        sent = result.uploaded + result.copied + result.deleted
        if self.quiet or (not sent and not recovered and not self.verbose):
            return
        stamp = cycle.at.strftime("%H:%M:%S")
        caught = "; caught up after the failure" if recovered else ""
        timing = f" (plan {cycle.plan_seconds:.2f}s)" if self.verbose else ""
        click.echo(
            f"{stamp} published to {self.target.url}: {cycle.seconds:.2f}s{timing}, "
            f"{result.uploaded} uploaded ({result.sent / 1024:.0f} KB), "
            f"{result.copied} with new headers, {result.deleted} removed{caught}",
            err=True,
        )
