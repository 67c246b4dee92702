"""The publisher's vocabulary: the names it reserves in the output folder, its errors, and the
small values that pass between the render stage and the writer (Prepared crosses forks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MANIFEST_NAME = ".followshift-manifest.json"
# Pages waiting for commit(); one subfolder per build (local.py says when one is removed).
STAGING_NAME = ".followshift-staging"

# What a file of the output was like on disk when a commit left it: size, mtime_ns, inode.
# A file that no longer matches was changed by something else, and is not trusted to hold
# the bytes the manifest says it holds until it is read again.
Stat = tuple[int, int, int]


class OutputError(Exception):
    """A problem with the output folder the user must fix (message is one line, user-facing)."""


class ForeignOutputError(OutputError):
    """The folder exists, is not empty and has no manifest, so followshift did not make it."""


class DuplicateOutputError(OutputError):
    """Two outputs claim the same path."""


@dataclass(frozen=True)
class WriteStats:
    written: int  # files created or replaced
    unchanged: int  # files whose bytes were already right
    removed: int  # stale files pruned


class Kept(str):
    """A staged file that stays as it is: its sha256 from the old manifest."""

    __slots__ = ()  # no __dict__: not tracked by the garbage collector, 10,000 per rebuild


@dataclass(frozen=True, slots=True)
class Prepared:
    """Bytes staged for one path: their sha256, and the staging file holding them (None when
    the file on disk already has these bytes, or when `placed`: at the path's own place in the
    staging tree, see Output.prepare). Small and picklable: render workers send these to the
    parent instead of the bytes."""

    sha: str
    tmp: str | None
    placed: bool = False

    def __reduce__(self) -> tuple[type[Prepared], tuple[str, str | None, bool]]:
        # As its three fields. A frozen dataclass with slots otherwise pickles through
        # dataclasses' own __getstate__/__setstate__, which call fields() for every object:
        # a worker's 6,500 pages took 26 ms to unpickle instead of 6, in the serial end of
        # a build.
        return type(self), (self.sha, self.tmp, self.placed)


def commit_failure(root: Path, e: OSError, writing: str, changed: bool) -> str:
    """One line for a commit into `root` that failed (a full disk, a read-only folder) while
    writing the file `writing` (or ""), after changing the folder or not."""
    what = e.strerror or str(e)
    where = f" while writing {writing}" if writing else f" ({e.filename})" if e.filename else ""
    if not changed:
        return f"cannot update {root}: {what}{where}; nothing was changed"
    return (
        f"cannot update {root}: {what}{where}; it was partly updated (every link "
        "still works): build again to complete it"
    )
