"""File operations of the publisher: path checks, exclusive and atomic writes, retries, hashing,
moving the staging tree in, pruning, and what a file is like on disk (its Stat). No state of
their own: Output (local.py) decides what to do, and these do it."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Callable, Collection, Iterable, Mapping
from pathlib import Path

from followshift.publish.model import MANIFEST_NAME, STAGING_NAME, OutputError, Prepared, Stat

_CHUNK = 1024 * 1024
# ':' would name a drive or an NTFS alternate data stream on Windows; NUL is never valid.
_BAD_CHARS = frozenset("\\:\0")
# A new file, never one already there: open(path, "xb") without the Python file objects around
# the descriptor, which cost ~5 of the ~23 us of writing a page to a RAM disk.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stat_of(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def write_new(path: str, data: bytes) -> None:
    fd = os.open(path, _NEW_FILE, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def check_relpath(relpath: object) -> str:
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


def retry(action: Callable[[], object]) -> None:
    # On Windows a virus scanner or a browser serving the file may hold it open for a moment.
    for delay in (0.05, 0.1, 0.2, 0.4):
        try:
            action()
            return
        except PermissionError:
            time.sleep(delay)
    action()


_TEMPORARY = re.compile(r"\..+\.[0-9a-f]{16}\.tmp")  # what write_atomic names its half files


def write_atomic(target: Path, data: bytes | Path) -> None:
    # Own temp name instead of tempfile.mkstemp: mkstemp creates mode 0600, which web servers
    # could not read; open() honours the umask like any normally written file.
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        if isinstance(data, Path):
            shutil.copyfile(data, tmp)
        else:
            with tmp.open("xb") as f:
                f.write(data)
        retry(lambda: os.replace(tmp, target))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def is_file(path: Path) -> os.stat_result | None:
    try:
        st = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # the latter: a file stands in for a folder
        return None
    return st if stat.S_ISREG(st.st_mode) else None


def below(root: Path, relpath: str) -> Path:
    """The path of output `relpath` in the folder `root`."""
    return root.joinpath(*relpath.split("/"))


def holds(path: str, sha: str, size: int | None, recorded: Stat | None) -> bool:
    """Whether the file at `path` holds the bytes of `sha` (of `size` bytes): it is as a commit
    left it (`recorded`), or else its bytes are read and hashed."""
    try:
        st = os.lstat(path)
    except OSError:
        return False
    if not stat.S_ISREG(st.st_mode) or (size is not None and st.st_size != size):
        return False
    if recorded == stat_of(st):
        return True
    try:
        return sha256_file(Path(path))[0] == sha
    except OSError:
        return False


def move_tree(tree: Path, root: Path, placed: list[str], changed: Callable[[], None]) -> None:
    """Moves the staging `tree` into the site `root`: each top-level entry by one rename where
    the site has nothing of that name (it held no site when the build began), file by file
    otherwise (another build may have committed there since). In the order of `placed`
    (the order of commit()): an entry goes in when its first file is due. Calls `changed`
    after each move, so a failure later can say the site was partly updated."""
    tops: dict[str, list[str]] = {}
    for rel in placed:
        tops.setdefault(rel.split("/", 1)[0], []).append(rel)
    for top, rels in tops.items():
        source, target = tree / top, root / top
        if not os.path.lexists(target):
            try:
                retry(functools.partial(os.rename, source, target))
                changed()
                continue
            except OSError:
                if not source.exists():
                    raise
        for rel in rels:
            target = below(root, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                raise OutputError(f"cannot write {rel!r}: a folder is in its place")
            retry(functools.partial(os.replace, below(tree, rel), target))
            changed()


def prune(
    root: Path,
    relpaths: Iterable[str],
    is_new: Callable[[Path, str], bool],
    changed: Callable[[], None],
) -> int:
    """Removes the files at `relpaths` in `root` and the folders they leave empty; returns how
    many it removed. Skips what is not a file, and what `is_new` says is a new file's."""
    removed = 0
    folders: set[Path] = set()
    for rel in relpaths:
        target = below(root, rel)
        if is_file(target) is None:
            continue  # already gone, or the user put something else there
        if is_new(target, rel):
            continue  # a case-only rename on a case-insensitive disk: it is the new file
        retry(target.unlink)
        changed()
        removed += 1
        folders.update(p for p in target.parents if root in p.parents)
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        # rmdir fails on anything still inside, so files the user put there keep their folder.
        with contextlib.suppress(OSError):
            folder.rmdir()
    return removed


def record_after(
    old: Mapping[str, Stat], files: Collection[str], written: Iterable[str], root: str
) -> dict[str, Stat]:
    """What each of `files` is like on disk after a commit that wrote `written` into the folder
    `root` (a path string ending in os.sep). A file that was not written keeps its entry in
    `old`, which it matched when it was kept (or it was read and hashed again, and is looked
    at now)."""
    changed = set(written)
    record = {rel: old[rel] for rel in files if rel in old and rel not in changed}
    for rel in files:
        if rel not in record:
            with contextlib.suppress(OSError):
                record[rel] = stat_of(os.lstat(root + rel.replace("/", os.sep)))
    return record


def place(target: str, data: bytes, made: set[str]) -> bool:
    """Writes the bytes as the new file `target`, making its folder unless it is in `made`
    (and adding it there); False when something is in the way (the file exists, or a file is
    where a folder must go)."""
    folder = os.path.dirname(target)
    try:
        if folder not in made:
            try:
                os.mkdir(folder)  # one call: its parent is nearly always made already
            except FileNotFoundError:
                os.makedirs(folder, exist_ok=True)
            except FileExistsError:
                pass  # by another worker; open() below fails if it is a file
            made.add(folder)
        write_new(target, data)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        return False
    return True


def remove_stale(parent: Path, stale_after: float, alone: bool) -> bool:
    """Removes the subfolders of `parent` older than `stale_after` seconds (all of them when
    `alone`), then `parent` if that leaves it empty. True when it removed any."""
    if not parent.is_dir():
        return False
    removed = False
    for folder in parent.iterdir():
        with contextlib.suppress(OSError):
            if alone or time.time() - folder.stat().st_mtime > stale_after:
                shutil.rmtree(folder)
                removed = True
    with contextlib.suppress(OSError):
        parent.rmdir()
    return removed


def remove_half_written(root: Path, skip: str) -> None:
    """The temporary files of a build killed during its commit (its staging folder still
    existed then): a half-written copy of a photo or of the manifest, which no link leads to
    but which `publish` would otherwise upload. Only names write_atomic makes are removed."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != skip]
        for name in files:
            if _TEMPORARY.fullmatch(name):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(folder, name))


def write_staged(
    root: Path,
    staging: Path,
    rels: list[str],
    staged: Mapping[str, object],
    writing: Callable[[str], None],
    wrote: Callable[[], None],
) -> None:
    """Puts each staged file of `rels` in its place under `root`, in that order: moved from the
    staging folder (a Prepared file) or written atomically (a Path's bytes); those already
    placed in a moved tree are skipped. `writing(rel)` is told each path before it is written
    and `wrote()` after (for the message of a failure)."""
    made: set[Path] = set()
    for rel in rels:
        data = staged[rel]
        if getattr(data, "placed", False):
            continue
        target = below(root, rel)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        if target.is_dir():
            raise OutputError(f"cannot write {rel!r}: a folder is in its place")
        writing(rel)
        if isinstance(data, Prepared):
            retry(functools.partial(os.replace, staging / str(data.tmp), target))
        else:
            assert isinstance(data, Path)  # bytes were made Prepared, kept ones are not here
            write_atomic(target, data)
        wrote()
