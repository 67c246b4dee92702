"""What one build hands the next (BuildCache), and where it is stored between builds.

`watch` keeps a BuildCache in memory; `build` stores its persistent part in the cache folder
(statefile.py: plain JSON, never code). Only ever a shortcut: without it a build does
everything, with the same output.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from followshift import __version__
from followshift.build import statefile
from followshift.content.readcache import ReadCache
from followshift.publish.local import STALE_AFTER, Output
from followshift.render.context import Derived
from followshift.render.memo import Group
from followshift.render.view_cache import ViewCache

# Any change to followshift's code may change what the state means (bumped when the modules
# moved into packages, issue 16: the state holds no class paths, but a version says whose it is).
_STATE_VERSION = f"{__version__}-9"  # 9: a post's status


def state_version() -> str:
    """Whose state a file holds (also part of build/unchanged.py's settings)."""
    return _STATE_VERSION


@dataclass
class BuildCache:
    """What one build hands the next, so that unchanged work is not done again: the read cache
    (parsed posts), rendered Markdown and the render memo's page keys.

    `watch` keeps it in memory between rebuilds; `build` stores it in the cache folder, per
    output folder. It is only ever an optimisation: without it (deleted, from another version)
    the build does everything, and the output is the same.
    """

    reads: ReadCache = field(default_factory=ReadCache)
    markdown: dict[bytes, str] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)
    page_groups: dict[str, Group] = field(default_factory=dict)
    # In memory only (watch): the views of unchanged content (with their digests), what
    # producers derived from them, and the Jinja environment (with the articles it rendered).
    views: ViewCache = field(default_factory=ViewCache)
    derived: Derived = field(default_factory=lambda: Derived(retain=True))
    templates: dict[tuple[object, ...], tuple[object, object]] = field(default_factory=dict)
    output: Output | None = None  # the output folder as last committed (Output.reopen)
    # What the output's files were like on disk when this state's build committed them
    # (Output.record): a file that differs is not trusted to be unchanged.
    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    # The state file begun by snapshot(), and how many Markdown entries it holds.
    _begun: tuple[Path, int] | None = field(default=None, repr=False)

    @classmethod
    def for_watch(
        cls,
        settling: Callable[[str], bool] | None = None,
        writing: Callable[[str], bool] | None = None,
    ) -> BuildCache:
        """The cache `watch` keeps in memory: told every changed path (touch), so folders
        without one are taken as they were; `settling` and `writing` say which files are
        still arriving (ReadCache.track)."""
        cache = cls()
        cache.reads.track(settling, writing)
        return cache

    def touch(self, paths: Iterable[Path | str]) -> None:
        """Files or folders the watcher heard of: read again at the next build."""
        self.reads.touch(paths)

    @property
    def kept(self) -> list[Path]:
        """The last good versions of posts kept by the last read (their files were still
        being written)."""
        return self.reads.kept

    @staticmethod
    def path(cache: Path, out: Path) -> Path:
        name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
        return cache / "state" / f"{name}.json"

    @classmethod
    def load(cls, cache: Path, out: Path) -> BuildCache:
        """The state `save` wrote (statefile: plain data, never code)."""
        try:
            data = statefile.read_own(cls.path(cache, out))
            reads, markdown, keys, groups, record = statefile.read(data, _STATE_VERSION)
        except (OSError, statefile.BadState):
            return cls()  # no or unreadable state: do everything, as a cold build would
        return cls(reads, markdown, keys, groups, files=record)

    def snapshot(self, cache: Path, out: Path) -> None:
        """Begins the state file: its large part, the read posts and their Markdown (16 MB and
        0.15 s at 10,000 posts), in a temporary file that `save` completes.

        A cold build calls it while its workers render pages, where its time is shared with
        them (they draw pages as they go, see schedule.Claims), instead of after the last page,
        where only one core works. Written to disk, not kept in memory: at 50,000 posts it
        would raise the build's peak memory by 80 MB. If it cannot be written, save() tries
        again and reports why."""
        with contextlib.suppress(OSError, statefile.Unstorable):
            self._begin(cache, out)

    def _begin(self, cache: Path, out: Path) -> None:
        self.drop_snapshot()
        target = self.path(cache, out)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead(temp.parent, target.name)
        try:
            with temp.open("wb") as handle:
                statefile.write_head(handle, _STATE_VERSION, self.reads, self.markdown)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        self._begun = (temp, len(self.markdown))

    def save(self, cache: Path, out: Path) -> None:
        if self._begun is None or self._begun[1] != len(self.markdown):  # Markdown added since
            self._begin(cache, out)
        assert self._begun is not None
        temp = self._begun[0]
        with temp.open("ab") as handle:
            statefile.write_tail(handle, self.page_keys, self.page_groups, self.files)
        os.replace(temp, self.path(cache, out))
        self._begun = None  # (until here, a failure leaves it for drop_snapshot to remove)

    def drop_snapshot(self) -> None:
        """Removes a state file snapshot() began and save() did not complete."""
        if self._begun is not None:
            with contextlib.suppress(OSError):
                self._begun[0].unlink()
            self._begun = None


def _remove_dead(folder: Path, name: str) -> None:
    """Removes state files begun by builds that were killed outright (16 MB each at 10,000
    posts): this output's at once, since this build holds its lock (lock.py), so no other
    build of it is alive; other outputs' once they are STALE_AFTER old, as their own builds
    would (their lock is not ours to judge)."""
    cutoff = time.time() - STALE_AFTER
    mine = f".{name}."
    for entry in os.scandir(folder):
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if entry.name.startswith(mine) or entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)
