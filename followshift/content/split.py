"""A cold build of a big site reads its team folders in two processes.

Reading is a third of a cold build's serial time once Markdown is cheap: every post file is
opened, its front matter parsed and its time resolved, ~0.1 ms a post, in one process, while
the other core waits for the views. So when nothing is in the read cache (a first build), a
worker is forked before the first shift is read and reads the last team folders (about half of
the files), while the build process reads the first ones. When the build process reaches the
worker's first folder, it takes the worker's posts, diagnostics and read-cache entries, folder
by folder, in the order it would have read them itself: the Site, the diagnostics and the cache
left for the next build are the same as from one process (tests compare them).

Only an optimisation: if the worker fails in any way, the build process reads its folders
itself. Linux only (fork), like the other workers, and never in `watch`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from followshift.build import schedule
from followshift.confine import is_folder
from followshift.content.files import is_hidden_dir
from followshift.content.model import Post
from followshift.content.posts import ShiftContext
from followshift.content.readcache import Entry, ReadCache
from followshift.diagnostics import Diagnostic, Diagnostics

# The worker's share of the files: a little over half, because the build process also
# unpickles what the worker sends (~20 us a post, against ~100 us to read one).
WORKER_SHARE = 0.52

FolderReader = Callable[[Path, ShiftContext, Diagnostics, ReadCache], list[Post]]
Folders = dict[str, tuple[list[Post], list[Diagnostic]]]  # each folder's posts, diagnostics
# What the worker sends: its folders, and its read cache's entries, files met, hits and misses
# (a pickled ReadCache keeps only its entries).
Found = tuple[Folders, dict[str, Entry], set[str], int, int]


def plan(shift_folders: Sequence[Path]) -> list[Path]:
    """The team folders for the worker: the last ones, about WORKER_SHARE of all files. Empty
    when the site is too small to be worth a fork."""
    folders: list[tuple[Path, int]] = []
    try:
        for shift in shift_folders:
            for entry in sorted(os.scandir(shift), key=lambda e: e.name):
                if is_folder(entry) and not is_hidden_dir(entry.name):
                    with os.scandir(entry.path) as files:
                        folders.append((Path(entry.path), sum(1 for _ in files)))
    except OSError:  # an unreadable folder: one process reads, and reports it as usual
        return []
    total = sum(count for _, count in folders)
    if total < schedule.FORK_MIN_WORK:
        return []
    mine: list[Path] = []
    taken = 0
    for folder, count in reversed(folders):
        if taken + count > total * WORKER_SHARE:
            break
        mine.append(folder)
        taken += count
    return mine


class SplitRead:
    """The team folders of `mine` read by a forked worker; `read` stands in for
    load_team_folder in the build process."""

    def __init__(
        self,
        mine: list[Path],
        read_shifts: Callable[[FolderReader, ReadCache], object],
        load_team_folder: FolderReader,
        cache: ReadCache,
        content: Path,
    ) -> None:
        self._mine = {str(folder) for folder in mine}
        self._load = load_team_folder
        self._cache = cache
        self._found: Folders | None = None

        def task(_k: int) -> Found:
            own = ReadCache()
            own.begin(content)
            found: Folders = {}

            def read(
                folder: Path, ctx: ShiftContext, diags: Diagnostics, _: ReadCache
            ) -> list[Post]:
                if str(folder) not in self._mine:
                    return []
                reported = Diagnostics()
                posts = load_team_folder(folder, ctx, reported, own)
                found[str(folder)] = (posts, reported.items)
                return posts

            read_shifts(read, own)  # the shifts as the build process walks them, our folders only
            return found, own.entries, own.seen, own.hits, own.misses

        self._workers: schedule.Forked | None = schedule.Forked(task, 2)

    def read(
        self, folder: Path, ctx: ShiftContext, diags: Diagnostics, cache: ReadCache
    ) -> list[Post]:
        if str(folder) in self._mine:
            found = self._take().pop(str(folder), None)
            if found is not None:
                posts, items = found
                diags.items.extend(items)
                return posts
        return self._load(folder, ctx, diags, cache)

    def _take(self) -> Folders:
        """The worker's folders, waiting for it the first time; nothing if it failed."""
        if self._found is None:
            self._found = {}
            workers, self._workers = self._workers, None
            if workers is not None:
                try:
                    found, entries, seen, hits, misses = workers.results()[0]
                except Exception:  # killed, or a bug: read its folders here, as without it
                    return self._found
                self._found = found
                self._cache.merge(entries, seen, hits, misses)
        return self._found

    def close(self) -> None:
        """Ends the worker if the build process never asked for its folders (an error)."""
        if self._workers is not None:
            self._workers.close()
            self._workers = None
