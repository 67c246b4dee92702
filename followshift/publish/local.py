"""Output: the local output folder, written through staging and one commit.

Bytes that differ from what is on disk are staged as files in the staging folder as they are
produced (a build never holds the whole site in memory; forked render workers stage their own
pages); commit() moves each into place with os.replace. Into a folder that holds no site yet,
files are staged at their own paths in a tree that commit() moves in a top-level folder at a
time (a cold build's commit costs a few renames, not one per page). Unchanged files are left
untouched; stale ones listed in the previous manifest are pruned; nothing else is deleted.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import shutil
from collections.abc import Callable, Mapping
from itertools import filterfalse
from pathlib import Path
from types import MappingProxyType

from followshift.publish import lock, manifest
from followshift.publish.files import (
    below,
    check_relpath,
    holds,
    move_tree,
    place,
    prune,
    record_after,
    remove_half_written,
    remove_stale,
    sha256_bytes,
    sha256_file,
    write_staged,
)
from followshift.publish.manifest import _Index, _ManifestLines, blocks, claim
from followshift.publish.model import (
    MANIFEST_NAME,
    STAGING_NAME,
    DuplicateOutputError,
    ForeignOutputError,
    Kept,
    OutputError,
    Prepared,
    Stat,
    WriteStats,
    commit_failure,
)

# A staging subfolder (model.STAGING_NAME) left by a killed build is removed by the next build
# at once when that one holds the folder's lock (lock.py: no other build of it is alive then),
# else once it is STALE_AFTER seconds old: how old a crashed build's leftovers (a staging
# subfolder; a begun build state, build.py) must be before a build without the lock removes
# them. No live build takes that long.
STALE_AFTER = 3600.0
# Litter the file manager drops into any folder it shows; it does not make a folder foreign.
_OS_LITTER = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


class Output:
    """Stages a build's files (in the staging folder, or as source Paths) and publishes them in
    commit()."""

    def __init__(self, root: Path, record: Mapping[str, Stat] | None = None) -> None:
        """Opens root for writing; refuses a file, a foreign folder or a corrupt manifest.

        `record`: what the files were like when they were committed (`record` of the Output
        that committed them, kept by the caller): a listed file that still matches it is
        trusted to hold the bytes the manifest gives; any other is read and hashed again."""
        self.root = Path(root)
        self._record: dict[str, Stat] = dict(record or {})
        self._root_prefix = str(self.root) + os.sep
        self._manifest = self.root / MANIFEST_NAME
        self._old: dict[str, str] = {}
        # Written by an interrupted commit: ours to prune, but their hash is unknown.
        self._pending: set[str] = set()
        self._preview = False  # the folder holds a --drafts build (manifest.ManifestDoc)
        self._staged: dict[str, Prepared | Path | Kept] = {}
        self._keys: dict[str, str] = {}  # casefolded path -> staged path (kept ones excepted)
        self._dirs: dict[str, str] = {}  # casefolded folder -> a staged path inside it
        self._staging = self.root / STAGING_NAME / f"{os.getpid()}-{secrets.token_hex(4)}"
        # A folder that did not exist is created by the first staged file; discard() removes it.
        self._new_root = not self.root.exists()
        self._names = itertools.count()
        self._staging_made = False
        # Into a folder that holds no site yet (a first or cold build), pages are staged at their
        # own paths in a tree inside the staging folder, which commit() moves into the site a
        # top-level entry at a time, instead of one rename (and mkdir) per page. Set below.
        self._fresh = False
        self._tree = self._staging / "tree"
        self._tree_prefix = str(self._tree) + os.sep
        self._tree_dirs: set[str] = set()
        # After a commit: every file of the manifest is in place (written, or found there), and
        # the manifest's stat, to tell whether another build wrote the folder since (reopen).
        self._trusted = False
        # By the commit under way, for its message if it fails: anything changed yet, and the
        # file it was writing.
        self._changed, self._writing = False, ""
        self._signature: tuple[int, int, int] | None = None
        self._lines = _ManifestLines()  # the manifest's lines, as last written
        self._index: _Index | None = None  # the manifest's paths casefolded (_check_kept)
        if self.root.exists() and not self.root.is_dir():
            raise OutputError(f"{self.root} is a file, not a folder; choose a folder for the site")
        if not self.root.is_dir():
            self._fresh = True
            return
        try:
            old = manifest.read_manifest(self._manifest)
            self._remove_stale_staging()
            litter = (
                p.name.casefold() in _OS_LITTER or p.name == STAGING_NAME
                for p in self.root.iterdir()
            )
            if old is None and not all(litter):
                raise ForeignOutputError(
                    f"{self.root} was not made by followshift (no {MANIFEST_NAME}) and will not "
                    "be touched; use an empty folder or choose another one with --out"
                )
        except OSError as e:
            raise OutputError(f"cannot read {self.root}: {e.strerror or e}") from e
        if old is not None:
            self._old, self._pending, self._preview = old
        else:
            self._fresh = True  # empty but for litter: nothing of ours is there yet

    def remember(self, record: Mapping[str, Stat]) -> None:
        """Takes the record of the commit that made the folder as it is (see __init__)."""
        self._record = dict(record)

    @property
    def record(self) -> Mapping[str, Stat]:
        """The files of the manifest as the last commit left them (see __init__)."""
        return MappingProxyType(self._record)

    @classmethod
    def reopen(cls, previous: Output | None, root: Path) -> Output:
        """`previous` again when it committed into `root` and the folder's manifest is still
        the one it wrote (`watch` keeps it between rebuilds: no manifest to read, no file to
        look for again); else a new Output for root."""
        if previous is not None and previous.root == Path(root) and not previous._staged:
            try:
                st = os.stat(previous._manifest)
            except OSError:
                st = None
            if st is not None and previous._signature == (st.st_ino, st.st_mtime_ns, st.st_size):
                return previous
        return cls(root)

    @property
    def staged(self) -> Mapping[str, Prepared | Path | Kept]:
        return MappingProxyType(self._staged)

    def prepare(self, relpath: str, data: bytes) -> Prepared:
        """Stages the bytes of one output in the staging folder, unless the file on disk already
        has them. Touches nothing but the staging folder, so forked workers may call it; the
        result goes to add(), in the parent, with the same path (which is checked here)."""
        check_relpath(relpath)
        sha = sha256_bytes(data)
        if self._old.get(relpath) == sha and self._holds(relpath, sha, len(data)):
            return Prepared(sha, None)
        if not self._staging_made:  # once, not once a page (a fork inherits the flag)
            try:
                self._staging.mkdir(parents=True, exist_ok=True)
            except OSError as e:
                raise OutputError(self._staging_failure(e)) from e
            self._staging_made = True
        if self._fresh and self._place(relpath, data):
            return Prepared(sha, None, placed=True)
        name = f"{os.getpid()}-{next(self._names)}"
        try:
            with (self._staging / name).open("xb") as handle:
                handle.write(data)
        except OSError as e:
            raise OutputError(self._staging_failure(e)) from e
        return Prepared(sha, name)

    def _place(self, relpath: str, data: bytes) -> bool:
        """Writes the bytes at the path's place in the staging tree; False when something is in
        the way there (the same path staged twice, or a file where a folder must go): the bytes
        are then staged by name, and add() says what is wrong with the path."""
        try:
            return place(self._tree_prefix + relpath.replace("/", os.sep), data, self._tree_dirs)
        except OSError as e:
            raise OutputError(self._staging_failure(e)) from e

    def add(self, relpath: str, data: bytes | Path | Prepared) -> None:
        """Stages one output: bytes, a Path whose bytes are copied at commit, or what
        prepare() made of bytes."""
        # The path of bytes is checked by prepare() below, of a Prepared by the prepare() that
        # made it (for the same path), of a kept file when the manifest was read.
        if isinstance(data, bytes):
            data = self.prepare(relpath, data)
        elif isinstance(data, Path):
            check_relpath(relpath)
        elif not isinstance(data, Prepared | Kept):
            check_relpath(relpath)
            raise TypeError(f"output data for {relpath!r} must be bytes or Path")
        if isinstance(self._staged.get(relpath), Kept):
            raise DuplicateOutputError(f"two outputs want to write {relpath!r}")
        claim(relpath, self._keys, self._dirs)
        self._staged[relpath] = data

    def can_keep(self, relpath: str) -> bool:
        """Whether the old manifest lists `relpath` and the file on disk still holds its bytes."""
        sha = self._old.get(relpath)
        if sha is None:
            return False
        if self._trusted:
            return True  # this object's last commit wrote it or found it in place (watch)
        return self._holds(relpath, sha)

    def _holds(self, relpath: str, sha: str, size: int | None = None) -> bool:
        """Whether the file at relpath holds the bytes of `sha` (of `size` bytes): it is as the
        last commit left it (record), or else its bytes are read and hashed. Never the manifest
        alone: another program (or an old followshift without the lock) may have written it."""
        # Plain strings, not Path: this runs once per unchanged page, 10,000 times a rebuild.
        path = self._root_prefix + relpath.replace("/", os.sep)
        return holds(path, sha, size, self._record.get(relpath))

    def keep(self, relpath: str, checked: bool = False) -> bool:
        """Stages `relpath` as unchanged since the last commit, without its bytes.

        Used when the renderer knows a page's inputs did not change. Returns False (staging
        nothing) unless can_keep() (skipped when `checked`: asked already); the caller then
        stages it with add().
        """
        if not (checked or self.can_keep(relpath)):
            return False
        if relpath in self._staged:
            raise DuplicateOutputError(f"two outputs want to write {relpath!r}")
        # Not checked against the other staged paths here, which costs more than everything
        # else a kept page does: it met all other kept files when it was written, and commit()
        # checks the new files against it.
        self._staged[relpath] = Kept(self._old[relpath])
        return True

    def discard(self) -> None:
        """Drops everything staged; the site folder stays as it was."""
        self._staged.clear()
        self._keys.clear()
        self._dirs.clear()
        self._clean_staging()
        if self._new_root:
            with contextlib.suppress(OSError):
                self.root.rmdir()  # only if empty: made by this build for staging alone

    def _clean_staging(self) -> None:
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staging_made = False
        with contextlib.suppress(OSError):
            self._staging.parent.rmdir()  # unless another build is staging there too

    def _remove_stale_staging(self) -> None:
        # Holding the lock, every staging folder here is a dead build's.
        alone = lock.held(self.root)
        if remove_stale(self.root / STAGING_NAME, STALE_AFTER, alone=alone) and alone:
            remove_half_written(self.root, skip=STAGING_NAME)

    def commit(self, rank: Callable[[str], int] | None = None, preview: bool = False) -> WriteStats:
        """Writes what is staged, prunes stale files and writes the new manifest.

        The order keeps every link working at every moment, for a reader and for a build
        killed at any point: first the files that are new (no page the site has links to them
        yet), then the rewritten ones, each group by `rank` (0 first: what a page links to
        before the page, e.g. photos before posts before timelines before the index), and
        removals last, when no page links to them any more.

        `preview`: this is a `--drafts` build; the manifest says so from the first file written
        until a build without --drafts has completed, so `publish` never takes a folder that
        holds drafts (or may, after a killed commit) for a public site."""
        self._changed, self._writing = False, ""
        try:
            stats = self._commit(rank or (lambda rel: 0), preview)  # no rank: all alike
        except OSError as e:
            raise OutputError(commit_failure(self.root, e, self._writing, self._changed)) from e
        finally:
            self.discard()  # the root stays: rmdir() leaves a folder holding the manifest
        return stats

    def _staging_failure(self, e: OSError) -> str:
        # The file's name would be one in the staging folder: of no use to the reader.
        return f"cannot write {self.root}: {e.strerror or e}; nothing was changed"

    def _commit(self, rank: Callable[[str], int], preview: bool) -> WriteStats:
        self._check_kept()
        self._trusted = False
        synced, self._lines.synced = self._lines.synced, False
        staged = self._staged
        # Kept files (most of them in a rebuild) are in the new manifest as in the old one: only
        # the others are looked at one by one. (_keys holds the paths of those.)
        added = sorted(self._keys.values())
        shas: dict[str, str] = {}
        to_write: list[str] = []
        for rel in added:
            data = staged[rel]
            if isinstance(data, Prepared):  # compared with the disk when it was staged
                shas[rel] = data.sha
                if data.tmp is not None or data.placed:
                    to_write.append(rel)
                continue
            assert isinstance(data, Path)  # kept files are not in _keys
            sha, size = sha256_file(data)
            shas[rel] = sha
            if self._old.get(rel) != sha or not self._holds(rel, sha, size):
                to_write.append(rel)
        stale = sorted({*filterfalse(staged.__contains__, self._old), *self._pending} - shas.keys())
        new = dict(self._old)
        for rel in stale:
            new.pop(rel, None)
        new.update(shas)
        fresh = [rel for rel in added if rel not in self._old]
        # New files first, then those already there (see commit()).
        there = self._old.keys() | self._pending
        to_write.sort(key=lambda rel: (rel in there, rank(rel), rel))

        self.root.mkdir(parents=True, exist_ok=True)
        if to_write:
            # Record the files about to appear first, so a crash never leaves files we wrote that
            # the next build would treat as foreign, nor trusts a hash that never reached disk.
            writing = set(to_write)
            for rel in writing:
                self._old.pop(rel, None)
            self._pending |= writing
            manifest.write_manifest(
                self._manifest,
                self._old,
                self._pending,
                self._lines,
                () if synced else None,
                preview or self._preview,
            )

        # A stale file or folder may stand where a new file or folder must go.
        blocking = [rel for rel in stale if blocks(rel, self._keys, self._dirs)]
        removed = prune(self.root, blocking, self._is_staged_file, self._changing)
        placed = [rel for rel in to_write if getattr(staged[rel], "placed", False)]
        if placed:
            move_tree(self._tree, self.root, placed, self._changing)
        write_staged(
            self.root, self._staging, to_write, staged, self._about_to_write, self._changing
        )
        self._writing = ""
        # The pages that link first, what they link (assets, media) last: a build killed while
        # it removes never leaves a page behind whose stylesheet or photo is already gone.
        leftover = sorted(set(stale) - set(blocking), key=lambda rel: (-rank(rel), rel))
        removed += prune(self.root, leftover, self._is_staged_file, self._changing)
        manifest.write_manifest(
            self._manifest, new, set(), self._lines, to_write if synced else None, preview
        )
        self._old, self._pending, self._preview = new, set(), preview
        self._fresh = False
        self._lines.synced = True
        self._record = record_after(self._record, new, to_write, self._root_prefix)
        if self._index is not None:
            self._index.update(stale, fresh)
        st = os.stat(self._manifest)
        self._signature = (st.st_ino, st.st_mtime_ns, st.st_size)
        self._trusted = True
        return WriteStats(len(to_write), len(new) - len(to_write), removed)

    def _check_kept(self) -> None:
        """The checks of add() between each new file and the kept ones (see keep())."""
        if not self._keys:
            return
        staged = self._staged
        if self._trusted:
            # A file the manifest lists met every kept file at the last commit: only the others
            # are checked, against an index of the manifest kept up to date between rebuilds.
            fresh = [rel for rel in self._keys.values() if rel not in self._old]
            if not fresh:
                return
            if self._index is None:
                self._index = _Index(self._old)
            index = self._index
        else:  # the manifest was read from disk: all new files, against the kept ones only
            kept_paths = [rel for rel, data in staged.items() if isinstance(data, Kept)]
            if not kept_paths:  # a cold build: nothing to meet (0.04 s of its serial end)
                return
            fresh = list(self._keys.values())
            index = _Index(kept_paths)

        manifest.check_against_kept(fresh, index, staged)

    def _changing(self) -> None:  # for the message of a commit that fails later
        self._changed = True

    def _about_to_write(self, rel: str) -> None:  # the file a failure would be about
        self._writing = rel

    def _is_staged_file(self, target: Path, rel: str) -> bool:
        same = self._keys.get(rel.casefold())
        try:
            return same is not None and os.path.samefile(target, below(self.root, same))
        except OSError:
            return False
