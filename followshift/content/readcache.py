"""Reading each post file once: a post is parsed again only when a file it depends on changed.

An entry remembers what its post was made from: a digest of the Markdown file's bytes as they
were read, the stat signature of each photo, and everything else that went into it (shift times,
time zone, photo limits). When all of that is the same, the Post and the diagnostics it produced
are reused, so `watch` parses only what changed and its errors keep being reported.

An edit is never lost (SPEC §4). The post file is read at every look (6.5 us a post, against
2 us for a stat) and compared by its bytes: a stat signature misses a correction of the same
length whose modification time was kept (sync tools, `touch -r`, a coarse clock), and one taken
after the read vouches for a correction written while it ran. Photos are too big to read at
every build: their signature has the change time too (which no program can set back), and one
that is younger than RACY_NS when the read begins does not vouch for the file (racy git): a
change in the same clock tick would leave it the same, so the post is read again next time.

`watch` goes one step further: it hears of every changed path (`touch`), so a team folder none
of whose files changed since the last read is neither listed nor stat'ed again (`folder`), and
a shift none of whose folders changed keeps its very Shift object (`shift`), which lets the
renderer skip all of its pages at once. A `build` (no watcher) always looks at every file.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from followshift.content.model import Post, Shift
from followshift.diagnostics import Diagnostic, Diagnostics

Signature = tuple[str, int, int, int, int]  # path, mtime_ns, ctime_ns, size, inode

# Timestamps are as coarse as 2 s (FAT, on SD cards and USB sticks), 1 s (HFS+, some network
# shares) or a clock tick (~4 ms, ext4): a file changed less than this before a read began
# may change again within the same timestamp after it.
RACY_NS = 2_000_000_000
_FORMAT = 2  # of a pickled ReadCache's entries: another one is dropped, not misread


def signature(path: Path | str) -> Signature:
    name = str(path)
    try:
        st = os.stat(name)
    except OSError:
        return (name, -1, -1, -1, -1)
    return (name, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)


def digest(data: bytes) -> bytes:
    """What a post file is compared by: 16 bytes of BLAKE2b, ~1 us for a post's few KB."""
    return hashlib.blake2b(data, digest_size=16).digest()


def _vouching(sig: Signature, began: int) -> Signature:
    """`sig`, or when the file changed too shortly before `began` for its signature to show a
    further change, one that no file has (so the post is read again next time)."""
    if max(sig[1], sig[2]) >= began - RACY_NS:
        return (sig[0], -2, -2, -2, -2)
    return sig


@dataclass(frozen=True)
class Entry:
    context: Hashable
    digest: bytes | None  # of the post file's bytes as read; None: it could not be read
    deps: tuple[Signature, ...]  # the other files: photos (for a lone photo, itself)
    post: Post | None
    diagnostics: tuple[Diagnostic, ...]


@dataclass(frozen=True)
class FolderEntry:
    """One team folder as last read: its posts, diagnostics and the files they came from."""

    context: Hashable
    posts: list[Post]
    diagnostics: tuple[Diagnostic, ...]
    sources: tuple[str, ...]  # keys of `entries` read for it
    deps: frozenset[str]  # absolute paths of every file its posts were made from


@dataclass
class ReadCache:
    entries: dict[str, Entry] = field(default_factory=dict)
    hits: int = 0
    misses: int = 0
    seen: set[str] = field(default_factory=set)
    changed: bool = False  # did the last read add or drop anything?
    # Set by watch: is this file still being written? Then a failed read keeps the last good
    # version of its post instead of taking it off the site while a phone is still syncing.
    settling: Callable[[str], bool] | None = None
    # Set by watch: is this file still open for writing? Then it is not read as finished: the
    # last good version of its post stays, or a new post waits (nothing reported either way).
    writing: Callable[[str], bool] | None = None
    kept: list[Path] = field(default_factory=list)  # last good versions kept this read
    # Set by watch, which reports every changed path with touch(): folders and shifts without a
    # changed path are taken as they were. Unset, every file is stat'ed (build, or watch at start).
    tracking: bool = False
    folders: dict[str, FolderEntry] = field(default_factory=dict)
    shifts: dict[str, tuple[tuple[object, ...], Shift]] = field(default_factory=dict)
    _dirty: set[str] = field(default_factory=set)  # changed since the last complete read
    _reading: set[str] = field(default_factory=set)  # _dirty as this read sees it
    _affected: set[str] = field(default_factory=set)  # every path in _reading and its folders
    _met: set[str] = field(default_factory=set)  # folders and shifts this read met
    _prefix: str = ""  # the content folder as the read names it …
    _root: str = ""  # … and as its real path (key)

    def __getstate__(self) -> dict[str, object]:
        # The rest describes one read, or a live watcher.
        return {"format": _FORMAT, "entries": self.entries}

    def __setstate__(self, state: dict[str, object]) -> None:
        entries = state.get("entries") if state.get("format") == _FORMAT else None
        self.__init__(entries=entries if isinstance(entries, dict) else {})  # type: ignore[misc]

    def track(
        self,
        settling: Callable[[str], bool] | None = None,
        writing: Callable[[str], bool] | None = None,
    ) -> None:
        """Makes this the cache of a watcher: every changed path is reported with touch(), and
        `settling`/`writing` say which files are still arriving (see the fields)."""
        self.tracking = True
        self.settling = settling
        self.writing = writing

    def touch(self, paths: Iterable[Path | str]) -> None:
        """Files or folders that changed (created, written, deleted, moved from or to)."""
        self._dirty.update(map(_real, paths))

    def rescan(self) -> None:
        """Forgets which folders are unchanged: the next read stats every file again."""
        self.folders.clear()
        self.shifts.clear()

    def begin(self, root: Path | None = None) -> None:
        """Starts a read of the content folder `root` (see `key`)."""
        self._prefix = str(root) if root is not None else ""
        self._root = _real(root) if root is not None else ""
        self.hits = self.misses = 0
        self.seen = set()
        self.kept = []
        self._met = set()
        if not self.tracking:
            self.rescan()
        # Paths touched while this read runs are for the next one.
        self._reading, self._dirty = self._dirty, set()
        self._affected = set()
        for path in self._reading:
            while path not in self._affected:
                self._affected.add(path)
                path = os.path.dirname(path)

    def finish(self) -> None:
        """Drops entries of files this read did not meet, so the cache does not grow forever."""
        gone = [k for k in self.entries if k not in self.seen]
        for key in gone:
            del self.entries[key]
        self.changed = bool(gone) or self.misses > 0
        if len(self.folders) + len(self.shifts) > len(self._met):  # some were deleted
            self.folders = {k: v for k, v in self.folders.items() if k in self._met}
            self.shifts = {k: v for k, v in self.shifts.items() if k in self._met}
        self._reading = set()
        self._affected = set()

    def abort(self) -> None:
        """A read that did not finish: what it was told changed is still to be read."""
        self._dirty |= self._reading
        self._reading = set()

    def key(self, path: Path | str) -> str:
        """A path under the content folder as touch() records it: with its real folders, as
        some watchers report it (macOS: /private/var/… for /var/…), without a realpath() for
        each. The last part is not resolved: a symlink stands for itself."""
        name, prefix = str(path), self._prefix
        if prefix and (name == prefix or name.startswith(prefix + os.sep)):
            return self._root + name[len(prefix) :]
        return _real(name)

    def changed_since(self, folder: str) -> bool:
        """Did anything in `folder` change, or the folder itself or one of its parents?"""
        if not self._reading:
            return False
        if folder in self._affected:
            return True
        child, parent = folder, os.path.dirname(folder)
        while parent != child:
            if parent in self._reading:
                return True
            child, parent = parent, os.path.dirname(parent)
        return False

    def folder(self, folder: str, context: Hashable) -> FolderEntry | None:
        """The team folder as last read, when nothing it was read from changed since."""
        self._met.add(folder)
        entry = self.folders.get(folder)
        if (
            entry is None
            or entry.context != context
            or self.changed_since(folder)
            or not entry.deps.isdisjoint(self._reading)
        ):
            return None
        self.seen.update(entry.sources)
        self.hits += len(entry.sources)
        return entry

    def remember_folder(self, folder: str, entry: FolderEntry | None) -> None:
        """Remembers (or, with None, forgets) a team folder just read."""
        if entry is None or not self.tracking:
            self.folders.pop(folder, None)
        else:
            self.folders[folder] = entry

    def shift(self, folder: str, key: tuple[object, ...]) -> Shift | None:
        """The Shift last read from `folder` when `key` (its shift.yaml, its team folders and
        their very same post lists) is the same; it is then the same object (see loader)."""
        self._met.add(folder)
        previous = self.shifts.get(folder)
        return previous[1] if previous is not None and _same_shift(previous[0], key) else None

    def remember_shift(self, folder: str, key: tuple[object, ...], shift: Shift) -> None:
        if self.tracking:
            self.shifts[folder] = (key, shift)

    def merge(self, entries: dict[str, Entry], seen: set[str], hits: int, misses: int) -> None:
        """Takes in what another process's read of some of this content found (content/split.py):
        as if this read had read those files itself."""
        self.entries.update(entries)
        self.seen |= seen
        self.hits += hits
        self.misses += misses

    def deps_of(self, sources: tuple[str, ...]) -> frozenset[str]:
        found = (dep[0] for key in sources if (e := self.entries.get(key)) for dep in e.deps)
        return frozenset(map(self.key, [*sources, *found]))

    def read(
        self,
        source: Path,
        context: Hashable,
        fingerprint: bytes | None,
        files: list[Path],
        reader: Callable[[Diagnostics], Post | None],
        diags: Diagnostics,
    ) -> Post | None:
        """The post from `source`, from the cache when nothing it depends on changed: the post
        file's bytes (their `fingerprint`, a digest(); None when they could not be read, b""
        for a lone photo), the other `files` it is made from, and its photos."""
        self.seen.add(str(source))
        entry = self.entries.get(str(source))
        if (
            entry is not None
            and fingerprint is not None
            and entry.digest == fingerprint
            and entry.context == context
            and all(signature(dep[0]) == dep for dep in entry.deps)
        ):
            self.hits += 1
            diags.items.extend(entry.diagnostics)
            return entry.post
        self.misses += 1
        if self.writing is not None and self.writing(str(source)):
            return self._wait(source, entry, diags)
        own = Diagnostics()
        began = time.time_ns()
        post = reader(own)
        used = [*files, *(p.source for p in post.photos)] if post else files
        if self.writing is not None and any(self.writing(str(f)) for f in [source, *used]):
            return self._wait(source, entry, diags)  # a photo, or the post again since
        if (
            post is None
            and entry is not None
            and entry.post is not None
            and self.settling is not None
            and self.settling(str(source))
        ):
            self.kept.append(source)
            diags.items.extend(entry.diagnostics)
            return entry.post  # the entry stays as it was: the file is read again next time
        deps = tuple(dict.fromkeys(_vouching(signature(f), began) for f in used))
        self.entries[str(source)] = Entry(context, fingerprint, deps, post, tuple(own.items))
        diags.items.extend(own.items)
        return post

    def _wait(self, source: Path, entry: Entry | None, diags: Diagnostics) -> Post | None:
        """A file still being written: its post's last good version, if any; the entry stays as
        it was, so the file is read again next time."""
        self.kept.append(source)
        if entry is not None and entry.post is not None:
            diags.items.extend(entry.diagnostics)
            return entry.post
        return None


def _same_shift(old: tuple[object, ...], new: tuple[object, ...]) -> bool:
    """Same shift.yaml, same team folders, and each folder's very same posts."""
    old_lists, new_lists = old[-1], new[-1]
    assert isinstance(old_lists, list) and isinstance(new_lists, list)
    return (
        old[:-1] == new[:-1]
        and len(old_lists) == len(new_lists)
        and all(a is b for a, b in zip(old_lists, new_lists, strict=True))
    )


def _real(path: Path | str) -> str:
    """The absolute path with its folders resolved (not the last part)."""
    head, tail = os.path.split(os.path.abspath(path))
    return os.path.join(os.path.realpath(head), tail) if tail else os.path.realpath(head)
