"""Reading each post file once: a post is read again only when a file it depends on changed.

An entry remembers the stat signature (mtime, size) of every file its post was made from —
the Markdown file and each photo — plus everything else that went into it (shift times, time
zone, photo limits). When all of that is the same, the Post and the diagnostics it produced are
reused, so `watch` re-reads only what changed and its errors keep being reported.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path

from followshift.content.model import Post
from followshift.diagnostics import Diagnostic, Diagnostics

Signature = tuple[str, int, int]  # path, mtime_ns, size


def signature(path: Path | str) -> Signature:
    name = str(path)
    try:
        st = os.stat(name)
    except OSError:
        return (name, -1, -1)
    return (name, st.st_mtime_ns, st.st_size)


@dataclass(frozen=True)
class Entry:
    context: Hashable
    deps: tuple[Signature, ...]
    post: Post | None
    diagnostics: tuple[Diagnostic, ...]


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
    kept: list[Path] = field(default_factory=list)  # last good versions kept this read

    def __getstate__(self) -> dict[str, object]:
        return {"entries": self.entries}  # the rest describes one read, or a live watcher

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__init__(**state)  # type: ignore[misc]

    def begin(self) -> None:
        self.hits = self.misses = 0
        self.seen = set()
        self.kept = []

    def finish(self) -> None:
        """Drops entries of files this read did not meet, so the cache does not grow forever."""
        gone = [k for k in self.entries if k not in self.seen]
        for key in gone:
            del self.entries[key]
        self.changed = bool(gone) or self.misses > 0

    def read(
        self,
        source: Path,
        context: Hashable,
        extra_deps: list[Path],
        reader: Callable[[Diagnostics], Post | None],
        diags: Diagnostics,
    ) -> Post | None:
        """The post from `source`, from the cache when nothing it depends on changed."""
        self.seen.add(str(source))
        entry = self.entries.get(str(source))
        if (
            entry is not None
            and entry.context == context
            and all(signature(dep[0]) == dep for dep in entry.deps)
        ):
            self.hits += 1
            diags.items.extend(entry.diagnostics)
            return entry.post
        self.misses += 1
        own = Diagnostics()
        post = reader(own)
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
        files = [source, *extra_deps, *(p.source for p in post.photos)] if post else [source]
        deps = tuple(dict.fromkeys(signature(f) for f in files))
        self.entries[str(source)] = Entry(context, deps, post, tuple(own.items))
        diags.items.extend(own.items)
        return post
