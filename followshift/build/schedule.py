"""The one module that starts processes: forked workers for the CPU-bound half of a cold build
(reading, Markdown and page rendering), and the photo pool (photo_pool).

A render worker is a fork of the build process after the site has been read, so it starts
with the whole model in memory and nothing has to be sent to it but a number: `task(k)` does
the k-th share of the work and returns something small (rendered Markdown; for pages, the
staged files' digests). The build process does share 0 itself, so n shares cost n - 1 forks:
every fork copies the objects it touches (CPython writes reference counts), so each one costs
memory. (The read worker of content/split.py is forked before reading, with the same Forked.)

Only where fork is safe and cheap, Linux; elsewhere (Windows, macOS) and with `--jobs 1`
everything runs in the build process itself, with the same output.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from followshift.build import collector
from followshift.diagnostics import SiteError

# The least work (Markdown texts, pages to render, files to read) worth a fork: below about
# 400 units, forking a worker and collecting its results costs more than the share it takes.
FORK_MIN_WORK = 400

_TASK: Callable[[int], Any] | None = None


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def default_workers() -> int:
    """One per CPU this process may actually run on (containers, CI), not all the host has."""
    affinity = getattr(os, "sched_getaffinity", None)
    return max(1, len(affinity(0))) if affinity else os.cpu_count() or 1


def jobs(requested: int | None) -> int:
    """The number of forked workers to use: `--jobs`, else default_workers()."""
    if requested is None:
        requested = default_workers()
    return max(1, requested) if can_fork() else 1


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's: it ends the pool


def _run(k: int) -> Any:
    assert _TASK is not None
    return _TASK(k)


class Counter:
    """A number shared by a process and its forks: next() hands out 0, 1, 2, … each once."""

    def __init__(self) -> None:
        self._value = multiprocessing.get_context("fork").Value("q", 0)

    def next(self) -> int:
        with self._value.get_lock():
            drawn = int(self._value.value)
            self._value.value = drawn + 1
        return drawn


class Claims:
    """Which pages of one segment (a shift's pages, say) a share renders, drawn as it goes:
    every share walks a segment's pages in the same order, and renders the page whose number
    it drew from the segment's counter, which all shares have, then draws again. A share that
    gets ahead simply takes more; every page is drawn once, so each is rendered by exactly one
    share. A share that comes to a segment another has finished draws a number past its end
    and takes nothing."""

    def __init__(self, counter: Counter, paths: set[str]) -> None:
        self._counter = counter
        self._index = 0
        self._drawn = counter.next()
        self.paths = paths  # every share's claimed paths, over all segments

    def take(self, path: str) -> bool:
        index = self._index
        self._index += 1
        if index != self._drawn:
            return False  # drawn by another share (index < drawn, always)
        self.paths.add(path)
        self._drawn = self._counter.next()
        return True


def pool(n: int) -> ProcessPoolExecutor:
    """n forked workers for tasks submitted to them; Ctrl-C is the parent's.

    concurrent.futures rather than multiprocessing.Pool: when a worker is killed (the system
    ran out of memory, say), its futures fail with BrokenProcessPool, where a Pool would replace
    the worker, lose its task and wait for ever (and then hang in terminate() on the queue lock
    the dead worker held). With fork, all n are forked at the first submit().
    """
    return ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"),
                               initializer=_ignore_sigint)  # fmt: skip


def photo_pool(n: int) -> ProcessPoolExecutor:
    """n workers for photos (photos/processor.py), started afresh rather than forked: the pool
    may be made in `watch`, whose file-watcher threads make forking unsafe (a fork of a
    threaded process can deadlock in the child); forkserver cannot, nor spawn, where that is
    all there is (Windows)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    return ProcessPoolExecutor(n, mp_context=context)


def stop(executor: ProcessPoolExecutor) -> None:
    """Ends the workers at once, whatever they are doing (an error or Ctrl-C in the build)."""
    terminate = getattr(executor, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    for process in processes:
        process.join()


class Forked:
    """`task(1)` … `task(n - 1)` in forked processes, started at once; the caller does share 0
    (and anything else) meanwhile, then collects them with `results()`.

    An exception in a worker is raised again by results(), pickled as it is (so it must pickle
    faithfully, see SiteError.__reduce__). A worker that is killed is a SiteError.
    """

    def __init__(self, task: Callable[[int], Any], n: int) -> None:
        global _TASK
        _TASK = task  # the fork copies it: tasks are closures, which do not pickle
        try:
            with collector.freeze_for_fork():  # the workers do not copy the model (collector.py)
                self._pool = pool(n - 1)
                self._futures = [self._pool.submit(_run, k) for k in range(1, n)]  # forks them
        finally:
            _TASK = None

    def results(self) -> list[Any]:
        """The results of shares 1 … n - 1."""
        try:
            return [future.result() for future in self._futures]
        except BrokenProcessPool:
            raise SiteError(
                "a worker process ended while rendering (out of memory?); nothing was "
                "published. Build again, with --jobs 1 to use a single process"
            ) from None
        finally:
            self.close()

    def close(self) -> None:
        if all(future.done() for future in self._futures):
            self._pool.shutdown(wait=True)
        else:
            stop(self._pool)


def run(task: Callable[[int], Any], n: int) -> Sequence[Any]:
    """[task(0), …, task(n - 1)]: share 0 here, the others in forked workers."""
    workers = Forked(task, n)
    try:
        mine = task(0)
    except BaseException:
        workers.close()
        raise
    return [mine, *workers.results()]
