"""The HTML pages of a cold build rendered in forked page shares (build/schedule.py).

`PageShares.start` forks the workers; the caller does its own work while they render (the
pipeline writes the state file's large part, render/stage.py's `outputs` makes every other
output); `collect` then renders share 0 in this process, gathers the others and takes their
page keys and groups into the build's memo. Each share reads the RenderContext with a memo of
its own (PageMemo.for_share) and a `take` that says which pages are its: nothing is swapped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from followshift.build import schedule
from followshift.render.context import RenderContext
from followshift.render.memo import Group
from followshift.render.producers import pages
from followshift.render.producers.pages import SKIPPED, Segment


@dataclass(frozen=True)
class Share:
    """What a page worker sends back: its pages as staged, their keys and memo groups (share
    0, in the build process, its groups whole; the others only each group's key: a group's
    pages and inner groups are the same in every share, and a worker's full groups were half
    the bytes it sent back)."""

    records: list[tuple[str, object]]
    keys: dict[str, str]
    groups: dict[str, Group] | dict[str, str]
    rendered: int
    reused: int


class PageShares:
    """The HTML pages in `jobs` shares: n - 1 forked workers and share 0 in this process."""

    def __init__(
        self, ctx: RenderContext, jobs: int, prepare: Callable[[str, bytes], object] | None
    ) -> None:
        self.ctx = ctx
        self.processes = jobs
        self._prepare = prepare
        # Before the fork: shared by every share.
        self._counters = [schedule.Counter() for _ in pages.segments(ctx)]
        self._workers = schedule.Forked(self._render, jobs)

    @classmethod
    def start(
        cls, ctx: RenderContext, jobs: int, prepare: Callable[[str, bytes], object] | None
    ) -> PageShares | None:
        """The shares, forked and at work; None when not worth it (see pages.worth_sharing):
        then the pages are made in order by pages.files."""
        if not pages.worth_sharing(ctx, jobs, schedule.FORK_MIN_WORK):
            return None
        return cls(ctx, jobs, prepare)

    def collect(self) -> Iterator[tuple[str, object]]:
        """Share 0, then the workers' shares: each page as staged (what `prepare` returned) or
        REUSED. The build's memo has every share's keys and groups once this is done."""
        try:
            shares = [self._render(0), *self._workers.results()]
        finally:
            self._workers.close()
        memo = self.ctx.memo
        for share in shares:
            memo.keys.update(share.keys)
            memo.rendered += share.rendered
            memo.reused += share.reused
        # A group is whole when each share saw its own pages of it go through the memo.
        first, *others = (share.groups for share in shares)
        memo.groups.update(
            (name, group) for name, group in first.items()
            if all(other.get(name) == group[0] for other in others)
        )  # fmt: skip
        for share in shares:
            yield from share.records

    def close(self) -> None:
        """Ends the workers (at once, when they are not done: an error or Ctrl-C)."""
        self._workers.close()

    def _render(self, k: int) -> Share:
        """Share k of n of the HTML pages, staged by `prepare`; their page keys and groups.

        Each share starts at its own segment (see _first_segment) and walks on from there,
        wrapping round: two processes start on different shifts, so each renders the articles
        of its own shift's posts once, instead of both needing most of every shift's articles
        (a post's article is on its page and on two timelines). Where they meet, they share
        the rest of that segment's pages as they come.
        """
        claimed: set[str] = set()
        memo = self.ctx.memo.for_share(claimed.__contains__)
        mine = dataclasses.replace(self.ctx, memo=memo)
        records: list[tuple[str, object]] = []
        segments = pages.segments(mine)
        first = self._first_segment(k, segments)
        for number in [*range(first, len(segments)), *range(first)]:
            claims = schedule.Claims(self._counters[number], claimed)
            for path, data in segments[number][1](dataclasses.replace(mine, take=claims.take)):
                if data is SKIPPED:
                    continue
                if path not in claimed and k != 0:  # kept with its whole group: by share 0
                    continue
                if isinstance(data, bytes):
                    data = self._prepare(path, data) if self._prepare else None
                records.append((path, data))
        groups = memo.groups if k == 0 else {name: g[0] for name, g in memo.groups.items()}
        return Share(records, memo.keys, groups, memo.rendered, memo.reused)

    def _first_segment(self, k: int, segments: list[Segment]) -> int:
        """The segment share k starts at: the one whose start is nearest to k/n of the way
        through the posts (share 0: the first)."""
        total = sum(posts for posts, _ in segments)
        goal = total * k / self.processes
        start, best, best_distance = 0, 0, float("inf")
        for number, (posts, _) in enumerate(segments):
            if abs(start - goal) < best_distance:
                best, best_distance = number, abs(start - goal)
            start += posts
        return best
