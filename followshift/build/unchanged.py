"""A `build` with nothing changed since the last one: recognised before anything is loaded.

A rebuild of 10,000 posts with nothing changed still loaded the build state (20 MB of JSON,
0.23 s), read every post (0.25 s), made every view and page key (0.33 s) and wrote nothing:
most of a second to learn that site/ is right. This module learns it from the files alone.

When a build has published with no diagnostic at all, `Survey.finish` leaves a small file
beside the build state: what every input was like when that build began (each post by the
digest of the bytes the build itself read, read-cache entries; every other small file by a
digest of its bytes; photos and other large files by their stat signature, one younger than
RACY_NS vouching for nothing, as in the read cache), the settings that shape the output
(options, environment, followshift's own files and its libraries' versions), the window of
time in which the clock changes nothing (no shift starts or ends, no scheduled post becomes
public: the same rules as render/view_cache.py), what the summary said, and the record of
site/'s files after the commit.

The next `build` (not `check`, `watch` or `--prune-cache`) compares: every input file's bytes
read again (a correction of the same size whose modification time was kept is still seen,
issue 15), the same settings, the clock inside the window, site/'s files as the commit left
them (a page changed behind the build's back is not trusted), no folder left in site/ by a
killed build. Only when all of that holds is nothing done; otherwise the file is removed
first and the build runs in full. Only ever a shortcut: without the file a build does
everything, with the same output.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import followshift
from followshift.build import statefile
from followshift.build.state import BuildCache, state_version
from followshift.content.model import PostCounts
from followshift.content.readcache import RACY_NS, ReadCache
from followshift.naming import POST_SUFFIXES
from followshift.photos.stage import cache_dir
from followshift.publish.model import MANIFEST_NAME, WriteStats
from followshift.render.theme import builtin_themes
from followshift.times import resolve_now

if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions, BuildResult
    from followshift.content.model import Site

# Files up to this size are compared by their bytes; larger ones (photos) by stat signature.
SMALL = 256 * 1024
_FORMAT = 2  # 2: the summary counts posts waiting for review and withdrawn ones
# The libraries whose version may change the bytes of a page.
_LIBRARIES = ("jinja2", "markupsafe", "pyromark", "nh3", "yaml", "PIL", "babel")
Stat = tuple[int, int, int]


def _stat_token(st: os.stat_result, began: int) -> str:
    """A large file's signature; one that changed too shortly before `began` vouches for
    nothing (the racy-git rule of the read cache)."""
    if max(st.st_mtime_ns, st.st_ctime_ns) >= began - RACY_NS:
        return "racy"
    return f"s{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_size}:{st.st_ino}"


def _bytes_token(path: str) -> str:
    """A digest of the file's bytes (os.open and os.read: half the time of open() for the
    10,000 small files a rebuild reads here)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_BINARY", 0))
    except OSError:
        return "unreadable"
    try:
        hasher = hashlib.blake2b(digest_size=16)
        while chunk := os.read(fd, 1 << 20):
            hasher.update(chunk)
        return "d" + hasher.hexdigest()
    except OSError:
        return "unreadable"
    finally:
        os.close(fd)


def _walk(
    root: str, began: int, token: Callable[[str, os.DirEntry[str]], str], follow_out: bool = True
) -> dict[str, str]:
    """Every file and folder under `root` with a token for what it holds (`token`). A folder
    behind a symlink is named by its target, and walked only when that lies outside `root`
    (once: a loop of links ends), since what lies inside is walked where it is. Not in
    content/: a link leading out of it is an error of the build (confine.py), so a build that
    left this file had none, and a new one changes the link's token; walking it would only
    cost time (a link to `/` would walk the disk)."""
    found: dict[str, str] = {}
    real_root = os.path.realpath(root)
    visited: set[str] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            found[folder] = "unreadable"
            continue
        found[folder] = "folder"
        for entry in entries:
            path = entry.path
            try:
                if entry.is_file(follow_symlinks=False):  # most of them: one test
                    found[path] = token(path, entry)
                elif entry.is_dir(follow_symlinks=False):
                    stack.append(path)
                elif entry.is_symlink():
                    found[path + "\0link"] = os.readlink(path)
                    if entry.is_dir():
                        real = os.path.realpath(path)
                        if follow_out and not _under(real, real_root) and real not in visited:
                            visited.add(real)
                            stack.append(path)
                    elif entry.is_file():
                        found[path] = token(path, entry)
                    else:
                        found[path] = "dangling"
                else:
                    found[path] = "special"
            except OSError:
                found[path] = "unreadable"
    return found


def _token(path: str, entry: os.DirEntry[str], began: int) -> str:
    """A small file by its bytes, a large one (a photo) by its stat signature."""
    info = entry.stat()
    return _bytes_token(path) if info.st_size <= SMALL else _stat_token(info, began)


def _settings(options: BuildOptions) -> str:
    """What besides the input files shapes the output: options, environment, followshift's
    own files (an edited checkout) and its libraries."""
    began = time.time_ns()
    package = os.path.dirname(os.path.abspath(followshift.__file__))
    code: list[tuple[str, str]] = []
    for folder, folders, files in os.walk(package):
        folders[:] = sorted(f for f in folders if f != "__pycache__")
        for name in sorted(files):
            if not name.endswith((".pyc", ".pyo")):
                path = os.path.join(folder, name)
                with contextlib.suppress(OSError):
                    code.append((path, _stat_token(os.stat(path), began)))
    env = sorted(
        (k, v)
        for k, v in os.environ.items()
        if k.startswith("FOLLOWSHIFT_") or k in ("TZ", "LANG", "LC_ALL", "LC_TIME")
    )
    # A library by its package's file (another version is another file): a module's
    # __version__ is deprecated in some of them. Found, not imported: the survey runs before
    # the stages import them (pipeline._run), and finish() after.
    libraries = [
        (name, _stat_token(os.stat(where), began) if where else None)
        for name in _LIBRARIES
        for where in [_library_file(name)]
    ]
    described = [
        state_version(), sys.version, str(Path(options.content).resolve()),
        str(Path(options.out).resolve()), options.source_date_epoch, options.drafts,
        options.strict, options.base_url, env, libraries, code,
    ]  # fmt: skip
    return hashlib.blake2b(json.dumps(described).encode(), digest_size=16).hexdigest()


def _library_file(name: str) -> str | None:
    """The file a top-level package is imported from, whether or not it is imported yet."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    return spec.origin if spec is not None else None


def _roots(options: BuildOptions) -> list[tuple[str, bool]]:
    """The folders a build reads: content/, the site's own themes and templates, and the
    built-in themes; each with whether a symlinked folder leading out of it is walked (not
    out of content/, see _walk)."""
    content = Path(options.content)
    folders = [content, content.parent / "themes", content.parent / "templates", builtin_themes()]
    return [(str(f), f is not content) for f in folders if f.exists()]


def _outputs_intact(out: str, stored: dict[str, Any]) -> bool:
    """site/ as the last commit left it: the same names at the top (no staging left by a
    killed build), the manifest and every file with the size, time and inode recorded."""
    try:
        if sorted(os.listdir(out)) != stored["listing"]:
            return False
        st = os.lstat(os.path.join(out, MANIFEST_NAME))
        if [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino] != stored["manifest"]:
            return False
        prefix = out + os.sep
        for relpath, (size, mtime, inode) in stored["files"].items():
            st = os.lstat(prefix + relpath.replace("/", os.sep))
            if st.st_size != size or st.st_mtime_ns != mtime or st.st_ino != inode:
                return False
    except (OSError, KeyError, TypeError, ValueError):
        return False
    return True


@dataclass
class Survey:
    """One build's look at its inputs before it reads them (`begin`), the check that nothing
    changed (`unchanged`) and, after a clean publish, the file for the next build (`finish`)."""

    options: BuildOptions
    path: Path
    state: Path  # the build state beside it: another one (damaged, replaced) is distrusted
    began: int = field(default_factory=time.time_ns)
    inputs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def begin(cls, options: BuildOptions) -> Survey | None:
        """None when the build is not one this applies to (see the module)."""
        if not options.write or options.prune_cache:
            return None
        state = BuildCache.path(cache_dir(Path(options.content).parent), options.out)
        # In a folder of its own: the state folder holds state files only (state._remove_dead).
        return cls(options, state.parent.parent / "unchanged" / state.name, state)

    def unchanged(self, result: BuildResult) -> bool:
        """True, with `result` filled as the full build would have filled it, when nothing
        changed since the build that left the file. Otherwise the file is removed (a build
        that fails from here on leaves none that vouches for an older site/), and the inputs
        are surveyed as they are before this build reads them, for `finish`."""
        start = time.perf_counter()
        with contextlib.suppress(OSError, ValueError, statefile.BadState):
            stored = json.loads(statefile.read_own(self.path))
            with contextlib.suppress(KeyError, TypeError, ValueError, IndexError, AttributeError):
                if self._same(stored, result):
                    result.timings["unchanged"] = time.perf_counter() - start
                    return True
            with contextlib.suppress(OSError):
                self.path.unlink()
        # Post files: only whether they are there; finish() puts in the digest of the bytes
        # the build read (a post read by the build), or leaves it (a file it does not read).
        began = self.began
        for root, follow_out in _roots(self.options):
            self.inputs.update(_walk(root, began, lambda path, entry: (
                "post" if _is_post(path) else _token(path, entry, began)
            ), follow_out))  # fmt: skip
        return False

    def _same(self, stored: dict[str, Any], result: BuildResult) -> bool:
        if stored["format"] != _FORMAT or stored["settings"] != _settings(self.options):
            return False
        now = resolve_now(self.options.now, self.options.source_date_epoch, ZoneInfo(stored["tz"]))
        built = datetime.fromisoformat(stored["built"])
        until = None if stored["until"] is None else datetime.fromisoformat(stored["until"])
        if now < built or (until is not None and now >= until):
            return False
        if _signature(self.state) != stored["state"]:
            return False
        if not _outputs_intact(str(self.options.out), stored["output"]):
            return False
        inputs: dict[str, str] = stored["inputs"]
        began = self.began
        found: dict[str, str] = {}
        for root, follow_out in _roots(self.options):
            found.update(_walk(root, began, lambda path, entry: (
                _checked(path, entry, inputs.get(path), began)
            ), follow_out))  # fmt: skip
        if found != inputs:
            return False
        *counts, files, unchanged = stored["summary"]
        result.published = True
        result.now = now
        result.files = files
        result.stats = WriteStats(written=0, unchanged=unchanged, removed=0)
        result.counts = PostCounts(*counts)
        return True

    def finish(
        self,
        site: Site,
        now: datetime,
        reads: ReadCache,
        result: BuildResult,
        record: Mapping[str, Stat],
    ) -> None:
        """Leaves the file for the next build, when this one published with nothing to
        report. A post is described by the digest of the bytes this build read (its read
        cache entry), every other file as it was before the build read it (`unchanged`), so
        an edit made while the build ran is seen by the next one."""
        stats = result.stats
        if result.diagnostics.items or stats is None or not result.published or not self.inputs:
            return
        with contextlib.suppress(OSError, ValueError, TypeError, AttributeError):
            self._write(site, now, reads, result.files, stats, record)

    def _write(
        self,
        site: Site,
        now: datetime,
        reads: ReadCache,
        files: int,
        stats: WriteStats,
        record: Mapping[str, Stat],
    ) -> None:
        inputs = dict(self.inputs)
        for key, entry in reads.entries.items():
            if not entry.digest:  # a lone photo (b""): its file speaks for itself
                continue
            if inputs.get(key) != "post":  # a post that came since the survey (or unknown)
                return
            inputs[key] = "d" + entry.digest.hex()
        out = str(self.options.out)
        st = os.lstat(os.path.join(out, MANIFEST_NAME))
        drafts = self.options.drafts
        boundaries = [
            moment
            for shift in site.shifts
            for moment in (shift.start, shift.end, shift.next_publication(now, drafts))
            if moment is not None and moment > now
        ]
        stored = {
            "format": _FORMAT,
            "settings": _settings(self.options),
            "tz": site.config.tz.key,
            "built": now.isoformat(),
            "until": min(boundaries).isoformat() if boundaries else None,
            "summary": [
                *site.counts(now, drafts),
                files,
                stats.written + stats.unchanged,
            ],
            "output": {
                "listing": sorted(os.listdir(out)),
                "manifest": [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino],
                "files": dict(record),
            },
            "inputs": inputs,
            "state": _signature(self.state),
        }
        temp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        temp.parent.mkdir(parents=True, exist_ok=True)
        for left in temp.parent.glob(f".{self.path.name}.*.tmp"):  # by a killed build: this
            left.unlink()  # build holds the output's lock, so no other build of it is alive
        try:
            temp.write_text(json.dumps(stored, separators=(",", ":")), encoding="ascii")
            os.replace(temp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise


def _checked(path: str, entry: os.DirEntry[str], stored: str | None, began: int) -> str:
    """The token of a file as the stored one was made: a post the last build did not read
    by whether it is there, one it read by its bytes (no stat needed), others by _token."""
    if stored == "post":
        return stored
    if stored is not None and stored.startswith("d") and _is_post(path):
        return _bytes_token(path)
    return _token(path, entry, began)


def _signature(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


_POST_ENDINGS = tuple(POST_SUFFIXES)


def _is_post(path: str) -> bool:
    return path.lower().endswith(_POST_ENDINGS)


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root + os.sep)
