"""What of content/ may be read, and reading it so that no file can hang or swamp the build.

Only content is published (SPEC §4). An item that a symlink leads outside the content folder is
refused, never opened: `ln -s /proc/self/environ 2100-env.md` would otherwise publish the build's
environment (CI tokens) on the post page, the timelines and the feeds. So is anything that is not
a regular file: opening a named pipe blocks until something writes to it (forever, in a build),
and a device may never end. A file is looked at before it is opened (lstat, and stat of where a
symlink leads), opened without blocking and without following a symlink swapped in since, looked
at again on the open handle, and read up to a limit, never further.

Symlinks that stay inside content/ are allowed: a team folder shared by two shifts, a post kept
in one place. Photos are held to their shift folder (posts.py). The folders above a file are
checked once, when the loader meets them (`folder_problem`), not again for every file.

A leaf (it imports nothing of followshift): config/ reads shift.yaml and content/ reads posts
through it, so neither needs the other for it. `decode_text` turns what it read into text.
"""

from __future__ import annotations

import errno
import os
import stat
from functools import lru_cache
from pathlib import Path

# A post is a short update: the longest of a real shift are a few kilobytes. 256 KiB is fifty
# times that, and bounds what one post adds to its page, two timelines, the feeds and live.json
# (which every reader polls): a 50 MB post took 42 s and 2 GB to build and made an 82 MB
# live.json. shift.yaml, whose description is Markdown too, has the same limit.
MAX_BYTES = 256 * 1024

OUTSIDE = "is a symlink leading outside content/; it is not read (only content is published)"
SPECIAL = "is not a regular file (a named pipe, device or socket); it is not read"

# Not blocking (a pipe swapped in after the check), no controlling terminal, no symlink in the
# last part: the checks below looked at what the symlink led to, and that is what is opened.
# Windows has none of these (and no named pipes in the file system), but needs O_BINARY.
_FLAGS = os.O_RDONLY
for _name in ("O_NONBLOCK", "O_NOCTTY", "O_NOFOLLOW", "O_CLOEXEC", "O_BINARY"):
    _FLAGS |= getattr(os, _name, 0)


class Refused(Exception):
    """Why an item of content/ is not read; the message completes "path: error: …"."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def read_file(
    path: Path, content: Path, limit: int = MAX_BYTES, hint: str = "", plain: bool = False
) -> bytes:
    """The bytes of the file at `path`, a file under the content folder `content` whose folders
    were checked already. Raises Refused when it may not or cannot be read, or is over `limit`
    bytes (`hint` then says what to do).

    `plain`: the folder's listing said it is a regular file, not a symlink (os.scandir knows
    without a system call). It is not looked at before it is opened then (10,000 lstat calls
    were a sixth of a rebuild's read), only on the open handle: opened without blocking and
    without following a symlink, a named pipe or symlink swapped in since is still refused."""
    target, before = (os.fspath(path), None) if plain else _regular_file(path, content)
    try:
        fd = os.open(target, _FLAGS)
    except OSError as exc:
        raise _unreadable(exc) from None
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or not _same_file(before, opened):
            raise Refused(SPECIAL if not stat.S_ISREG(opened.st_mode) else _SWAPPED)
        if opened.st_size > limit:
            raise Refused(_too_large(opened.st_size, limit, hint))
        chunks: list[bytes] = []
        total = 0
        want = opened.st_size + 1  # one more: a file that grew since is noticed at once
        while chunk := os.read(fd, want):
            chunks.append(chunk)
            total += len(chunk)
            if total > limit:
                raise Refused(_too_large(total, limit, hint))
            if total == opened.st_size < want:  # all of it, and less than asked: the end
                break
            want = limit + 1 - total
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
    except OSError as exc:
        raise _unreadable(exc) from None
    finally:
        os.close(fd)


def regular_file(path: Path, content: Path) -> None:
    """Raises Refused unless `path` is a regular file, or a symlink to one inside `content`:
    for files that others open by name (photos: Pillow)."""
    _regular_file(path, content)


def folder_problem(path: Path, content: Path) -> str | None:
    """Why the folder at `path` (found in a folder already checked) may not be read: a symlink
    leading outside `content`. None when it may."""
    if not os.path.islink(path):
        return None
    try:
        real = os.path.realpath(path, strict=True)
    except OSError as exc:
        return _unreadable(exc).message
    return None if is_inside(real, content) else OUTSIDE


def is_inside(real: str, content: Path) -> bool:
    """Is the real path `real` the content folder or inside it?"""
    root = _real_root(os.path.abspath(content))  # the key: not a relative name
    real = os.path.normcase(real)
    return real == root or real.startswith(root if root.endswith(os.sep) else root + os.sep)


def is_folder(entry: os.DirEntry[str]) -> bool:
    """entry.is_dir(), but False where it raises: a symlink that leads in a circle."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def is_file(entry: os.DirEntry[str]) -> bool:
    """entry.is_file(), but False where it raises."""
    try:
        return entry.is_file()
    except OSError:
        return False


@lru_cache(maxsize=8)
def _real_root(content: str) -> str:
    return os.path.normcase(os.path.realpath(content))


_SWAPPED = "was replaced while it was being opened; it is read again at the next build"


def _regular_file(path: Path, content: Path) -> tuple[str, os.stat_result]:
    """The path to open (where a symlink leads) and what it is, or Refused."""
    try:
        found = os.lstat(path)
    except OSError as exc:
        raise _unreadable(exc) from None
    target = os.fspath(path)
    if stat.S_ISLNK(found.st_mode):
        try:
            target = os.path.realpath(path, strict=True)
            if not is_inside(target, content):
                raise Refused(OUTSIDE)
            found = os.stat(target)
        except OSError as exc:
            raise _unreadable(exc) from None
    if stat.S_ISDIR(found.st_mode):
        raise Refused("is a folder, not a file")
    if not stat.S_ISREG(found.st_mode):
        raise Refused(SPECIAL)
    return target, found


def _same_file(a: os.stat_result | None, b: os.stat_result) -> bool:
    if a is None or not (a.st_ino and b.st_ino):  # not known on every file system
        return True
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


def _too_large(size: int, limit: int, hint: str) -> str:
    message = f"is {_size(size)}; at most {_size(limit)} is read"
    return f"{message} ({hint})" if hint else message


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB"
    return f"{n / 1024:.0f} KB" if n >= 1024 else f"{n} bytes"


def _unreadable(exc: OSError) -> Refused:
    if exc.errno == errno.ELOOP:
        return Refused("is a symlink that leads in a circle; it is not read")
    if isinstance(exc, FileNotFoundError):
        return Refused("cannot be read: it (or where its symlink leads) does not exist")
    if isinstance(exc, IsADirectoryError):
        return Refused("is a folder, not a file")
    return Refused(f"cannot be read: {exc.strerror or exc}")


def decode_text(data: bytes) -> str:
    """A file's bytes as UTF-8 text with universal newlines, as `path.read_text("utf-8")` reads
    it, at under half the cost: the text layer decodes in chunks and scans for line endings,
    which was a third of reading 10,000 posts. Raises UnicodeDecodeError."""
    text = data.decode("utf-8")
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text
