"""Forked workers for the CPU-bound half of a cold build: Markdown and page rendering.

A worker is a fork of the build process after the site has been read, so it starts with the
whole model in memory and nothing has to be sent to it but a number: `task(k)` does the k-th
share of the work and returns something small (rendered Markdown; for pages, the staged files'
digests). The build process does share 0 itself, so n shares cost n - 1 forks: every fork
copies the objects it touches (CPython writes reference counts), so each one costs memory.

Only where fork is safe and cheap, Linux; elsewhere (Windows, macOS) and with `--jobs 1`
everything runs in the build process itself, with the same output.
"""

from __future__ import annotations

import gc
import multiprocessing
import multiprocessing.pool
import os
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.pool import AsyncResult
from typing import Any

# Below these sizes a fork costs more than it saves.
MIN_TEXTS = 400
MIN_PAGES = 400

_TASK: Callable[[int], Any] | None = None


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def jobs(requested: int | None) -> int:
    """The number of workers to use: `--jobs`, else one per CPU this process may run on."""
    if requested is None:
        affinity = getattr(os, "sched_getaffinity", None)
        requested = len(affinity(0)) if affinity else os.cpu_count() or 1
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


def pool(n: int) -> multiprocessing.pool.Pool:
    """n forked workers for tasks sent to them (apply_async); Ctrl-C is the parent's."""
    return multiprocessing.get_context("fork").Pool(n, _ignore_sigint)


class Forked:
    """`task(1)` … `task(n - 1)` in forked processes, started at once; the caller does share 0
    (and anything else) meanwhile, then collects them with `results()`.

    An exception in a worker is raised again by results(), pickled as it is (so it must pickle
    faithfully, see SiteError.__reduce__).
    """

    def __init__(self, task: Callable[[int], Any], n: int) -> None:
        global _TASK
        _TASK = task  # the fork copies it: tasks are closures, which do not pickle
        # Frozen objects are never visited by the workers' garbage collector, which would
        # otherwise write to (and so copy) every page of the model in each worker.
        frozen = gc.get_freeze_count() > 0  # by the build already: leave it so
        gc.freeze()
        try:
            self._pool = pool(n - 1)
        finally:
            _TASK = None
            if not frozen:
                gc.unfreeze()
        self._async: AsyncResult[list[Any]] = self._pool.map_async(_run, range(1, n), chunksize=1)

    def results(self) -> list[Any]:
        """The results of shares 1 … n - 1."""
        try:
            return self._async.get()
        finally:
            self.close()

    def close(self) -> None:
        self._pool.terminate()
        self._pool.join()


def run(task: Callable[[int], Any], n: int) -> Sequence[Any]:
    """[task(0), …, task(n - 1)]: share 0 here, the others in forked workers."""
    workers = Forked(task, n)
    try:
        mine = task(0)
    except BaseException:
        workers.close()
        raise
    return [mine, *workers.results()]
