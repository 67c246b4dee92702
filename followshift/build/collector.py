"""The one garbage-collector policy of followshift: when Python's cyclic collector runs, and
which objects it may skip. No other module calls `gc`.

The model of a site is hundreds of thousands of long-lived objects that make hardly any cyclic
garbage. Python's collector would walk all of them at every full collection, and in a forked
worker it would write to (and so copy) every page of them. So:

- a one-off build collects less often (`one_off`), and not at all while it reads the model
  (`resting`); then it freezes the model until the build ends;
- a fork freezes what is alive first (`freeze_for_fork`);
- reading the state file pauses the collector (`paused`);
- `watch` keeps the defaults, and settles its memory now and then (`settle`, `thaw`).

Imports nothing of followshift (a leaf of build/, see build/schedule.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# A one-off build collects the youngest generation every 5,000 allocations instead of 700.
# Rendering allocates a great deal and makes hardly any cycles; with the default, the
# collector's time in a cold TEXT-10k build was 0.25 s (three full collections, started by the
# feeds' caches), with this 0.12 s, at the same peak memory. (`watch` keeps the default.)
ONE_OFF_GEN0 = 5000

# Rebuilds in `watch` between two full collections (see settle): often enough that garbage
# made of older objects is still collected now and then, rarely enough to cost nothing.
REFREEZE = 100


@contextmanager
def one_off() -> Iterator[None]:
    """A one-off build: the youngest generation collected every ONE_OFF_GEN0 allocations.
    At the end the build's frozen model (see resting) is handed back to the collector and the
    thresholds are restored, so a caller that builds twice (tests) starts clean each time."""
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], ONE_OFF_GEN0), *thresholds[1:])
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)


@contextmanager
def resting(one_off: bool) -> Iterator[None]:
    """In a one-off build: no garbage collection while the model is read (or its views are
    made), then the model is left out of later collections (gc.freeze) until the build ends.

    Reading makes hundreds of thousands of long-lived objects and hardly any cyclic garbage;
    each full collection walks them all, which made reading 50,000 posts take 7.9 s instead
    of 5.6 s. `watch` manages the collector itself (settle).
    """
    if not one_off:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        # Frozen before the collector may run again: the first allocation after enable()
        # would otherwise start a collection of everything read (on an error too: one_off
        # thaws it when the build ends).
        gc.freeze()
        if enabled:
            gc.enable()


@contextmanager
def paused() -> Iterator[None]:
    """No garbage collection inside, for work that makes many containers and no cycles
    (converting the state file: some 300,000 containers at 10,000 posts; 0.17 instead of
    0.30 s to read it). The collector is left as it was found."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def freeze_for_fork() -> Iterator[None]:
    """Around forking workers: frozen objects are never visited by the workers' garbage
    collector, which would otherwise write to (and so copy) every page of the model in each
    worker. What a one-off build froze already stays frozen (resting); anything frozen only
    for the fork is thawed again in the parent."""
    frozen = gc.get_freeze_count() > 0  # by the build already: leave it so
    gc.freeze()
    try:
        yield
    finally:
        if not frozen:
            gc.unfreeze()


def settle() -> None:
    """Collects garbage, then takes what is alive out of the garbage collector's sight.

    A watcher holds the whole site in memory (10,000 posts: ~150,000 objects); Python's full
    collection walks all of it every few rebuilds, 0.15 s each time, a rebuild's own cost. After
    this, only objects made since are walked. `watch` calls it after the first build and then
    every REFREEZE rebuilds.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def thaw() -> None:
    """Hands everything frozen back to the collector (a watcher that stops)."""
    gc.unfreeze()
