"""The output writer: followshift owns the site folder through this module alone.

It stages every generated file as it is produced: bytes that differ from what is on disk go to a
temporary file in the staging folder (so a build never holds the whole site in memory, and forked
render workers can stage their pages themselves); commit() then moves each into place with
os.replace, so a reader never sees a half-written file and a failed build publishes nothing.
Into a folder that holds no site yet, files are staged at their own paths in a tree that commit()
moves into place a top-level folder at a time (a cold build's commit then costs a few renames,
not one per page). It leaves files whose bytes did not change untouched, refuses two producers
of one path, keeps a manifest of what followshift wrote, prunes stale files listed in the
previous manifest, and refuses to touch a non-empty folder that followshift did not make.
Nothing is ever deleted that the previous manifest does not list.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import itertools
import json
import operator
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress, filterfalse
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from pathlib import Path
from types import MappingProxyType

from followshift.publish import lock

MANIFEST_NAME = ".followshift-manifest.json"
# Pages waiting for commit(); one subfolder per build. A subfolder left by a build that was
# killed is removed by the next build at once when that one holds the folder's lock (lock.py:
# then no other build of it is alive), else once it is an hour old.
STAGING_NAME = ".followshift-staging"
# How old a crashed build's leftovers (a staging subfolder; a begun build state, build.py)
# must be before a build that does not hold the lock removes them: no live build takes that long.
STALE_AFTER = 3600.0
_CHUNK = 1024 * 1024
_SHA_RE = re.compile(r"[0-9a-f]{64}")
# ':' would name a drive or an NTFS alternate data stream on Windows; NUL is never valid.
_BAD_CHARS = frozenset("\\:\0")
# Litter the file manager drops into any folder it shows; it does not make a folder foreign.
_OS_LITTER = frozenset({".ds_store", "thumbs.db", "desktop.ini"})


class OutputError(Exception):
    """A problem with the output folder the user must fix (message is one line, user-facing)."""


class ForeignOutputError(OutputError):
    """The folder exists, is not empty and has no manifest, so followshift did not make it."""


class DuplicateOutputError(OutputError):
    """Two outputs claim the same path."""


# What a file of the output was like on disk when a commit left it: size, mtime_ns, inode.
# A file that no longer matches was changed by something else, and is not trusted to hold
# the bytes the manifest says it holds until it is read again.
Stat = tuple[int, int, int]


def _stat_of(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


@dataclass(frozen=True)
class WriteStats:
    written: int  # files created or replaced
    unchanged: int  # files whose bytes were already right
    removed: int  # stale files pruned


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# A new file, never one already there: open(path, "xb") without the Python file objects around
# the descriptor, which cost ~5 of the ~23 us of writing a page to a RAM disk.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def _write_new(path: str, data: bytes) -> None:
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def _sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _check_relpath(relpath: object) -> str:
    if not isinstance(relpath, str) or not relpath:
        raise OutputError(f"output path {relpath!r} is empty or not a string")
    if relpath.startswith("/") or _BAD_CHARS & set(relpath):
        raise OutputError(f"output path {relpath!r} must be relative and use '/' only")
    if any(part in ("", ".", "..") for part in relpath.split("/")):
        raise OutputError(f"output path {relpath!r} has an empty, '.' or '..' part")
    if relpath.casefold() == MANIFEST_NAME:
        raise OutputError(f"output path {relpath!r} is reserved for followshift's manifest")
    if relpath.split("/", 1)[0].casefold() == STAGING_NAME:
        raise OutputError(f"output path {relpath!r} is reserved for followshift's staging folder")
    return relpath


def _retry(action: Callable[[], object]) -> None:
    # On Windows a virus scanner or a browser serving the file may hold it open for a moment.
    for delay in (0.05, 0.1, 0.2, 0.4):
        try:
            action()
            return
        except PermissionError:
            time.sleep(delay)
    action()


def _write_atomic(target: Path, data: bytes | Path) -> None:
    # Own temp name instead of tempfile.mkstemp: mkstemp creates mode 0600, which web servers
    # could not read; open() honours the umask like any normally written file.
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        if isinstance(data, Path):
            shutil.copyfile(data, tmp)
        else:
            with tmp.open("xb") as f:
                f.write(data)
        _retry(lambda: os.replace(tmp, target))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _read_manifest(path: Path) -> tuple[dict[str, str], set[str]] | None:
    """Returns (files, pending) or None when there is no manifest."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise OutputError(f"cannot read {path}: {e.strerror or e}") from e
    corrupt = f"{path} is corrupt; empty the output folder or choose another one with --out"
    try:
        doc = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        raise OutputError(corrupt) from e
    if not isinstance(doc, dict) or doc.get("generator") != "followshift":
        raise OutputError(corrupt)
    if doc.get("version") != 1:
        raise OutputError(f"{path} has unknown version {doc.get('version')!r}; update followshift")
    files, pending = doc.get("files"), doc.get("pending", [])
    if not isinstance(files, dict) or not isinstance(pending, list):
        raise OutputError(corrupt)
    pending = set(pending)
    try:
        # A tampered manifest must not be able to steer pruning outside the folder.
        for rel in [*files, *pending]:
            _check_relpath(rel)
    except OutputError as e:
        raise OutputError(corrupt) from e
    if not all(isinstance(sha, str) and _SHA_RE.fullmatch(sha) for sha in files.values()):
        raise OutputError(corrupt)
    return {rel: sha for rel, sha in files.items() if rel not in pending}, pending


class _Kept(str):
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


def _same_rank(relpath: str) -> int:
    return 0


def _is_file(path: Path) -> os.stat_result | None:
    try:
        st = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # the latter: a file stands in for a folder
        return None
    return st if stat.S_ISREG(st.st_mode) else None


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
        self._staged: dict[str, Prepared | Path | _Kept] = {}
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
            old = _read_manifest(self._manifest)
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
            self._old, self._pending = old
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
    def staged(self) -> Mapping[str, Prepared | Path | _Kept]:
        return MappingProxyType(self._staged)

    def prepare(self, relpath: str, data: bytes) -> Prepared:
        """Stages the bytes of one output in the staging folder, unless the file on disk already
        has them. Touches nothing but the staging folder, so forked workers may call it; the
        result goes to add(), in the parent, with the same path (which is checked here)."""
        _check_relpath(relpath)
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
        target = self._tree_prefix + relpath.replace("/", os.sep)
        folder = os.path.dirname(target)
        try:
            if folder not in self._tree_dirs:
                try:
                    os.mkdir(folder)  # one call: its parent is nearly always made already
                except FileNotFoundError:
                    os.makedirs(folder, exist_ok=True)
                except FileExistsError:
                    pass  # by another worker; open() below fails if it is a file
                self._tree_dirs.add(folder)
            _write_new(target, data)
        except (FileExistsError, NotADirectoryError, IsADirectoryError):
            return False
        except OSError as e:
            raise OutputError(self._staging_failure(e)) from e
        return True

    def add(self, relpath: str, data: bytes | Path | Prepared) -> None:
        """Stages one output: bytes, a Path whose bytes are copied at commit, or what
        prepare() made of bytes."""
        # The path of bytes is checked by prepare() below, of a Prepared by the prepare() that
        # made it (for the same path), of a kept file when the manifest was read.
        if isinstance(data, bytes):
            data = self.prepare(relpath, data)
        elif isinstance(data, Path):
            _check_relpath(relpath)
        elif not isinstance(data, Prepared | _Kept):
            _check_relpath(relpath)
            raise TypeError(f"output data for {relpath!r} must be bytes or Path")
        if isinstance(self._staged.get(relpath), _Kept):
            raise DuplicateOutputError(f"two outputs want to write {relpath!r}")
        key = relpath.casefold()
        if key in self._keys:
            other = self._keys[key]
            if other == relpath:
                raise DuplicateOutputError(f"two outputs want to write {relpath!r}")
            # One file on Windows and macOS, so the site would differ between platforms.
            raise DuplicateOutputError(f"outputs {other!r} and {relpath!r} differ only in case")
        if key in self._dirs:
            raise OutputError(f"output {relpath!r} is also the folder of {self._dirs[key]!r}")
        # The folders it lies in, up to the first one known already: that one's own were
        # checked and recorded when it was, and no file was staged under a known folder's name.
        folders = []
        folder = key.rpartition("/")[0]
        while folder and folder not in self._dirs:
            if folder in self._keys:
                raise OutputError(f"output {relpath!r} lies inside file {self._keys[folder]!r}")
            folders.append(folder)
            folder = folder.rpartition("/")[0]
        self._staged[relpath] = data
        self._keys[key] = relpath
        for folder in folders:
            self._dirs[folder] = relpath

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
        try:
            st = os.lstat(path)
        except OSError:
            return False
        if not stat.S_ISREG(st.st_mode) or (size is not None and st.st_size != size):
            return False
        if self._record.get(relpath) == _stat_of(st):
            return True
        try:
            return _sha256_file(Path(path))[0] == sha
        except OSError:
            return False

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
        self._staged[relpath] = _Kept(self._old[relpath])
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
        parent = self.root / STAGING_NAME
        if not parent.is_dir():
            return
        alone = lock.held(self.root)  # then every staging folder here is a dead build's
        for folder in parent.iterdir():
            with contextlib.suppress(OSError):
                if alone or time.time() - folder.stat().st_mtime > STALE_AFTER:
                    shutil.rmtree(folder)
        with contextlib.suppress(OSError):
            parent.rmdir()

    def commit(self, rank: Callable[[str], int] | None = None) -> WriteStats:
        """Writes what is staged, prunes stale files and writes the new manifest.

        The order keeps every link working at every moment, for a reader and for a build
        killed at any point: first the files that are new (no page the site has links to them
        yet), then the rewritten ones, each group by `rank` (0 first: what a page links to
        before the page, e.g. photos before posts before timelines before the index), and
        removals last, when no page links to them any more."""
        self._changed, self._writing = False, ""
        try:
            stats = self._commit(rank or _same_rank)
        except OSError as e:
            raise OutputError(self._failure(e)) from e
        finally:
            self.discard()  # the root stays: rmdir() leaves a folder holding the manifest
        return stats

    def _staging_failure(self, e: OSError) -> str:
        # The file's name would be one in the staging folder: of no use to the reader.
        return f"cannot write {self.root}: {e.strerror or e}; nothing was changed"

    def _failure(self, e: OSError) -> str:
        """One line for a commit that failed (a full disk, a read-only folder)."""
        what = e.strerror or str(e)
        where = (
            f" while writing {self._writing}"
            if self._writing
            else f" ({e.filename})"
            if e.filename
            else ""
        )
        if not self._changed:
            return f"cannot update {self.root}: {what}{where}; nothing was changed"
        return (
            f"cannot update {self.root}: {what}{where}; it was partly updated (every link "
            "still works): build again to complete it"
        )

    def _target(self, relpath: str) -> Path:
        return self.root.joinpath(*relpath.split("/"))

    def _commit(self, rank: Callable[[str], int]) -> WriteStats:
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
            sha, size = _sha256_file(data)
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
            self._write_manifest(self._old, self._pending, () if synced else None)

        # A stale file or folder may stand where a new file or folder must go.
        blocking = [rel for rel in stale if self._blocks(rel)]
        removed = self._prune(blocking)
        placed = [rel for rel in to_write if getattr(staged[rel], "placed", False)]
        if placed:
            self._move_tree(placed)
        made: set[Path] = set()
        for rel in to_write:
            if getattr(staged[rel], "placed", False):
                continue
            target = self._target(rel)
            if target.parent not in made:
                target.parent.mkdir(parents=True, exist_ok=True)
                made.add(target.parent)
            if target.is_dir():
                raise OutputError(f"cannot write {rel!r}: a folder is in its place")
            data = staged[rel]
            self._writing = rel
            if isinstance(data, Prepared):
                source = self._staging / str(data.tmp)
                _retry(lambda source=source, target=target: os.replace(source, target))
            else:
                _write_atomic(target, data)
            self._changed = True
        self._writing = ""
        removed += self._prune(set(stale) - set(blocking))
        self._write_manifest(new, set(), to_write if synced else None)
        self._old, self._pending = new, set()
        self._fresh = False
        self._lines.synced = True
        self._record = self._new_record(new, to_write)
        if self._index is not None:
            self._index.update(stale, fresh)
        st = os.stat(self._manifest)
        self._signature = (st.st_ino, st.st_mtime_ns, st.st_size)
        self._trusted = True
        return WriteStats(len(to_write), len(new) - len(to_write), removed)

    def _new_record(self, files: dict[str, str], written: list[str]) -> dict[str, Stat]:
        """The record (see __init__) after a commit: what each file is like now. A file that
        was not written keeps its entry, which it matched when it was kept (or it was read
        and hashed again, and is looked at now)."""
        old, changed = self._record, set(written)
        record = {rel: old[rel] for rel in files if rel in old and rel not in changed}
        prefix = self._root_prefix
        for rel in files:
            if rel not in record:
                with contextlib.suppress(OSError):
                    record[rel] = _stat_of(os.lstat(prefix + rel.replace("/", os.sep)))
        return record

    def _move_tree(self, placed: list[str]) -> None:
        """Moves the staging tree into the site: each top-level entry by one rename where the
        site has nothing of that name (it held no site when the build began), file by file
        otherwise (another build may have committed there since). In the order of `placed`
        (the order of commit()): an entry goes in when its first file is due."""
        tops: dict[str, list[str]] = {}
        for rel in placed:
            tops.setdefault(rel.split("/", 1)[0], []).append(rel)
        for top, rels in tops.items():
            source, target = self._tree / top, self.root / top
            if not os.path.lexists(target):
                try:
                    _retry(lambda source=source, target=target: os.rename(source, target))
                    self._changed = True
                    continue
                except OSError:
                    if not source.exists():
                        raise
            for rel in rels:
                target = self._target(rel)
                target.parent.mkdir(parents=True, exist_ok=True)
                if target.is_dir():
                    raise OutputError(f"cannot write {rel!r}: a folder is in its place")
                source = self._tree.joinpath(*rel.split("/"))
                _retry(lambda source=source, target=target: os.replace(source, target))
                self._changed = True

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
            kept_paths = [rel for rel, data in staged.items() if isinstance(data, _Kept)]
            if not kept_paths:  # a cold build: nothing to meet (0.04 s of its serial end)
                return
            fresh = list(self._keys.values())
            index = _Index(kept_paths)

        def kept(folded: str) -> str | None:
            rel = index.paths.get(folded)
            return rel if rel is not None and isinstance(staged.get(rel), _Kept) else None

        for relpath in fresh:
            key = relpath.casefold()
            if (other := kept(key)) is not None:  # the very same path was refused by add()
                raise DuplicateOutputError(f"outputs {other!r} and {relpath!r} differ only in case")
            parts = key.split("/")
            for folder in ("/".join(parts[:i]) for i in range(1, len(parts))):
                if (other := kept(folder)) is not None:
                    raise OutputError(f"output {relpath!r} lies inside file {other!r}")
            for inside in index.below(key):
                if (other := kept(inside)) is not None:
                    raise OutputError(f"output {relpath!r} is also the folder of {other!r}")

    def _blocks(self, rel: str) -> bool:
        parts = rel.casefold().split("/")
        folders = ("/".join(parts[:i]) for i in range(1, len(parts)))
        return "/".join(parts) in self._dirs or any(f in self._keys for f in folders)

    def _prune(self, relpaths: Iterable[str]) -> int:
        removed, folders = 0, set()
        for rel in relpaths:
            target = self._target(rel)
            if _is_file(target) is None:
                continue  # already gone, or the user put something else there
            if self._is_staged_file(target, rel):
                continue  # a case-only rename on a case-insensitive disk: it is the new file
            _retry(target.unlink)
            self._changed = True
            removed += 1
            folders.update(p for p in target.parents if self.root in p.parents)
        for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
            # rmdir fails on anything still inside, so files the user put there keep their folder.
            with contextlib.suppress(OSError):
                folder.rmdir()
        return removed

    def _is_staged_file(self, target: Path, rel: str) -> bool:
        same = self._keys.get(rel.casefold())
        try:
            return same is not None and os.path.samefile(target, self._target(same))
        except OSError:
            return False

    def _write_manifest(
        self, files: dict[str, str], pending: set[str], changed: Iterable[str] | None = None
    ) -> None:
        data = _manifest_bytes(files, pending, self._lines, changed)
        with contextlib.suppress(FileNotFoundError):
            if self._manifest.read_bytes() == data:
                return
        _write_atomic(self._manifest, data)


def _manifest_bytes(
    files: dict[str, str],
    pending: set[str],
    known: _ManifestLines,
    changed: Iterable[str] | None = None,
) -> bytes:
    """The manifest as `json.dumps(doc, sort_keys=True, indent=2)` writes it, from the lines of
    `known` where a file's path and sha256 are the same as when it was last written: a rebuild
    writes the manifest twice, with a line for every file of the site, and few lines change.
    `changed`: the only paths whose sha256 may differ from `known` (None: look at all)."""
    quote = encode_basestring_ascii
    ordered = sorted(files)
    if changed is None or len(known.shas) > 2 * len(files) + 1000:
        if len(known.shas) > 2 * len(files) + 1000:  # removed files pile up: start afresh
            known.shas.clear()
            known.lines.clear()
        shas = map(files.__getitem__, ordered)
        # The new or changed files, found without a Python-level loop over all of them.
        changed = compress(ordered, map(operator.ne, shas, map(known.shas.get, ordered)))
    for rel in changed:
        sha = files.get(rel)
        if sha is not None and known.shas.get(rel) != sha:
            known.shas[rel] = sha
            known.lines[rel] = f"    {quote(rel)}: {quote(sha)}"
    # Few copies of a text of a megabyte or two.
    if files:
        body = ",\n".join(map(known.lines.__getitem__, ordered)).encode("ascii")
        out = [b'{\n  "files": {\n', body, b"\n  },\n"]
    else:
        out = [b'{\n  "files": {},\n']
    out.append(b'  "generator": "followshift",\n')
    if pending:
        listed = ",\n".join(f"    {quote(rel)}" for rel in sorted(pending))
        out.append(('  "pending": [\n' + listed + "\n  ],\n").encode("ascii"))
    out.append(b'  "version": 1\n}\n')
    return b"".join(out)


@dataclass
class _ManifestLines:
    shas: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    synced: bool = False  # the shas are those of the old manifest (commit() keeps them so)


class _Index:
    """Paths casefolded, to the path and in order: which is in a given folder."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = {rel.casefold(): rel for rel in paths}
        self.order = sorted(self.paths)

    def below(self, folder: str) -> Iterator[str]:
        at = bisect.bisect_left(self.order, folder + "/")
        while at < len(self.order) and self.order[at].startswith(folder + "/"):
            yield self.order[at]
            at += 1

    def update(self, removed: Iterable[str], added: Iterable[str]) -> None:
        for rel in removed:
            folded = rel.casefold()
            if self.paths.pop(folded, None) is not None:
                at = bisect.bisect_left(self.order, folded)
                if at < len(self.order) and self.order[at] == folded:
                    del self.order[at]
        for rel in added:
            folded = rel.casefold()
            if folded not in self.paths:
                bisect.insort(self.order, folded)
            self.paths[folded] = rel
