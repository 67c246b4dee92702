"""The build state on disk, as plain data: JSON that can describe values but never run code.

The state (build.state.BuildCache) was a pickle, and unpickling a crafted file runs any code it
names:
a `.followshift-cache/` committed to a repository, or left writable in a shared folder, would
have run code in the build of whoever built next. This module writes the same values as JSON
and reads them back into followshift's own types only (posts, photos, diagnostics, image
settings, paths, times), checking every field's type as it goes; anything else in the file
makes it unreadable, which only means a full build.

The file is three lines, each one JSON document: the version; the read posts (written in
slices, so that no whole copy of them is held in memory) and their
rendered Markdown (written while the pages render, see BuildCache.snapshot); the page keys and
groups and the record of the output's files (written after the commit).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import fields
from datetime import datetime, timezone
from itertools import chain
from pathlib import Path
from typing import IO, Any, TypeVar, cast, get_args

from followshift.build import collector
from followshift.content.model import Photo, Post, PostStatus
from followshift.content.readcache import Entry, ReadCache, Signature
from followshift.diagnostics import Diagnostic, Level
from followshift.photos.model import ImageSettings
from followshift.render.memo import Group

Record = dict[str, tuple[int, int, int]]  # output path -> size, mtime_ns, inode (output.py)


class BadState(ValueError):
    """The file is not a state this version wrote."""


class Unstorable(TypeError):
    """A value the state cannot hold (the state is then not written: only a shortcut)."""


_SLICE = 2_000  # posts or Markdown texts written at a time (_write_head)


def _dumps(doc: object) -> bytes:
    # ensure_ascii: a file name that is not UTF-8 (a lone surrogate) round-trips as an escape.
    return json.dumps(doc, separators=(",", ":")).encode("ascii") + b"\n"


def write_head(
    handle: IO[bytes], version: str, reads: ReadCache, markdown: dict[bytes, str]
) -> None:
    with collector.paused():
        _write_head(handle, version, reads, markdown)


def _write_head(
    handle: IO[bytes], version: str, reads: ReadCache, markdown: dict[bytes, str]
) -> None:
    # Written in slices of _SLICE posts, not as one document: a whole one is a list, a string
    # and its bytes at once (~80 MB each at 50,000 posts), made while the workers render,
    # where they add up to the build's peak memory. The bytes are the same JSON.
    contexts: dict[object, int] = {}
    handle.write(_dumps(version))
    handle.write(b'{"entries":[')
    items = list(reads.entries.items())
    for start in range(0, len(items), _SLICE):
        entries = []
        for key, entry in items[start : start + _SLICE]:
            # A team folder's posts share one context (its shift, times, settings): stored once.
            number = contexts.setdefault(entry.context, len(contexts))
            # The post's own file is named once (it is also its first dependency and source).
            deps = [x for dep in entry.deps for x in ("" if dep[0] == key else dep[0], *dep[1:])]
            post = None if entry.post is None else _post(entry.post, key)
            found = None if entry.digest is None else entry.digest.hex()
            diagnostics = [_diagnostic(d) for d in entry.diagnostics]
            entries.append([key, number, found, deps, post, diagnostics])
        handle.write(b"," if start else b"")
        handle.write(_dumps(entries)[1:-2])  # without the brackets and the newline
    handle.write(b'],"contexts":' + _dumps(list(map(_value, contexts)))[:-1])
    handle.write(b',"markdown":{')
    texts = list(markdown.items())
    for start in range(0, len(texts), _SLICE):
        part = {k.hex(): v for k, v in texts[start : start + _SLICE]}
        handle.write(b"," if start else b"")
        handle.write(_dumps(part)[1:-2])
    handle.write(b"}}\n")


def write_tail(
    handle: IO[bytes], page_keys: dict[str, str], page_groups: dict[str, Group], record: Record
) -> None:
    handle.write(_dumps({"page_keys": page_keys, "page_groups": page_groups, "files": record}))


State = tuple[ReadCache, dict[bytes, str], dict[str, str], dict[str, Group], Record]


def read_own(path: Path) -> bytes:
    """The file's bytes, if this user owns it (POSIX): a state another user wrote is not
    used, not even as data: it could vouch for posts that differ from content/."""
    with path.open("rb") as handle:
        owner, me = os.fstat(handle.fileno()).st_uid, getattr(os, "geteuid", None)
        if me is not None and owner != me():
            raise BadState(f"{path} belongs to another user")
        return handle.read()


def read(data: bytes, version: str) -> State:
    """The values write_head and write_tail wrote; BadState for anything else."""
    try:
        lines = data.split(b"\n")
        if len(lines) != 4 or lines[3] or json.loads(lines[0]) != version:
            raise BadState("not a state of this version")
        with collector.paused():
            head, tail = json.loads(lines[1]), json.loads(lines[2])
            return (*_read_head(head), *_read_tail(tail))
    except BadState:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError) as exc:
        raise BadState(str(exc)) from None


def _read_head(head: dict[str, Any]) -> tuple[ReadCache, dict[bytes, str]]:
    contexts = [_from_value(c) for c in head["contexts"]]
    entries: dict[str, Entry] = {}
    for key, number, found, deps, post, diagnostics in head["entries"]:
        if type(key) is not str or type(number) is not int or number < 0:
            raise BadState("entry")
        if found is not None and type(found) is not str:
            raise BadState("digest")
        if type(deps) is not list or len(deps) % _SIGNATURE:
            raise BadState("dependencies")
        paths, numbers = deps[::_SIGNATURE], [deps[i::_SIGNATURE] for i in range(1, _SIGNATURE)]
        _only(str, paths)
        for column in numbers:
            _only(int, column)
        entries[key] = _make(Entry, _ENTRY_FIELDS, (
            contexts[number],
            None if found is None else bytes.fromhex(found),
            tuple(zip([p or key for p in paths], *numbers, strict=True)),
            None if post is None else _from_post(post, key),
            tuple(map(_from_diagnostic, diagnostics)) if diagnostics else (),
        ))  # fmt: skip
    markdown = head["markdown"]  # (the keys of a JSON object are always strings)
    _only(str, markdown.values())
    return ReadCache(entries=entries), dict(
        zip(map(bytes.fromhex, markdown), markdown.values(), strict=True)
    )


def _read_tail(tail: dict[str, Any]) -> tuple[dict[str, str], dict[str, Group], Record]:
    keys = tail["page_keys"]
    _only(str, keys.values())
    groups: dict[str, Group] = {
        name: (_str(key), _strs(paths), _strs(inner))
        for name, (key, paths, inner) in tail["page_groups"].items()
    }
    files = tail["files"]
    _only(list, files.values())
    if not set(map(len, files.values())) <= {3}:
        raise BadState("file record")
    _only(int, chain.from_iterable(files.values()))
    record: Record = dict(zip(files, map(tuple, files.values()), strict=True))
    return keys, groups, record


_T = TypeVar("_T")
_POST_FIELDS = tuple(f.name for f in fields(Post))
_ENTRY_FIELDS = tuple(f.name for f in fields(Entry))
_SIGNATURE = len(get_args(Signature))  # a dependency's path and its numbers (readcache.signature)
if hasattr(Post, "__post_init__") or hasattr(Entry, "__post_init__"):  # see _make
    raise TypeError("statefile._make would skip the checks of Post or Entry")


def _make(cls: type[_T], names: tuple[str, ...], values: tuple[object, ...]) -> _T:
    """An instance of a frozen dataclass from its field values, as unpickling makes one: its
    __init__ sets each field through object.__setattr__, which cost more than the rest of
    reading a post (10,000 of them). Only for classes without __post_init__ checks."""
    made = object.__new__(cls)
    made.__dict__.update(zip(names, values, strict=True))
    return made


def _only(kind: type, values: Iterable[object]) -> None:
    """Every value is exactly of `kind` (checked in C: this runs over thousands)."""
    if not set(map(type, values)) <= {kind}:
        raise BadState(f"expected only {kind.__name__} values")


def _str(value: object) -> str:
    if type(value) is not str:
        raise BadState("expected a string")
    return value


def _int(value: object) -> int:
    if type(value) is not int:
        raise BadState("expected a number")
    return value


def _strs(values: list[object]) -> tuple[str, ...]:
    return tuple(map(_str, values))


def _bool(value: object) -> bool:
    if type(value) is not bool:
        raise BadState("expected true or false")
    return value


def _time(value: object) -> datetime:
    moment = datetime.fromisoformat(_str(value))
    if moment.tzinfo is None:
        raise BadState("a time without an offset")
    return moment


def _iso(moment: datetime) -> str:
    if type(moment.tzinfo) is not timezone:  # a ZoneInfo would come back as a fixed offset
        raise Unstorable(f"cannot store a time in {moment.tzinfo!r}")
    return moment.isoformat()


def _post(post: Post, key: str) -> list[object]:
    source = str(post.source)
    return [
        post.id, post.shift_id, post.team_id, "" if source == key else source, _iso(post.time),
        post.body, post.title, post.author, [_photo(p) for p in post.photos], post.pinned,
        post.draft, None if post.updated is None else _iso(post.updated), post.line_offset,
        post.status.value,
    ]  # fmt: skip


def _from_post(fields: list[Any], key: str) -> Post:
    (id_, shift, team, source, time, body, title, author, photos, pinned, draft, updated,
     offset, status) = fields  # fmt: skip
    # One test for the plain fields (10,000 posts: a call for each would cost more).
    if not (
        type(id_) is str and type(shift) is str and type(team) is str and type(source) is str
        and type(body) is str and type(title) is str and type(author) is str
        and type(pinned) is bool and type(draft) is bool and type(offset) is int
        and type(photos) is list
    ):  # fmt: skip
        raise BadState("post")
    return _make(Post, _POST_FIELDS, (
        id_, shift, team, Path(source or key), _time(time), body, title, author,
        tuple(map(_from_photo, photos)) if photos else (), pinned, draft,
        None if updated is None else _time(updated), offset, _post_status(status),
    ))  # fmt: skip


_POST_STATUSES = {s.value: s for s in PostStatus}


def _post_status(value: object) -> PostStatus:
    status = _POST_STATUSES.get(value) if type(value) is str else None
    if status is None:
        raise BadState("post status")
    return status


def _photo(photo: Photo) -> list[object]:
    blur = [list(region) for region in photo.blur]
    return [str(photo.source), photo.alt, photo.width, photo.height, blur, photo.alt_given]


def _from_photo(fields: list[Any]) -> Photo:
    source, alt, width, height, blur, given = fields
    regions = tuple((_int(a), _int(b), _int(c), _int(d)) for a, b, c, d in blur)
    return Photo(Path(_str(source)), _str(alt), _int(width), _int(height), regions, _bool(given))


def _diagnostic(d: Diagnostic) -> list[object]:
    return [None if d.path is None else str(d.path), d.line, d.level.value, d.message]


def _from_diagnostic(fields: list[Any]) -> Diagnostic:
    path, line, level, message = fields
    return Diagnostic(
        None if path is None else Path(_str(path)),
        None if line is None else _int(line),
        Level(_str(level)),
        _str(message),
    )


# The values a read context is made of (loader.load_team_folder): plain values, tuples, times,
# paths and the image settings, each as a list tagged with its kind.
def _value(value: object) -> object:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is tuple:
        return ["t", *map(_value, value)]  # type: ignore[call-overload]
    if kind is datetime:
        return ["d", _iso(value)]  # type: ignore[arg-type]
    if isinstance(value, Path):
        return ["p", str(value)]
    if kind is ImageSettings:
        s: ImageSettings = value  # type: ignore[assignment]
        return ["i", _value(s.widths), s.quality, s.max_pixels, s.og_width]
    raise Unstorable(f"cannot store a {kind.__name__} in the build state")


def _from_value(value: object) -> object:
    kind = type(value)
    if value is None or kind is str or kind is int or kind is bool:
        return value
    if kind is not list or not value:
        raise BadState("unknown value")
    tag, *rest = cast(list[object], value)  # a list: checked just above
    decode: Callable[..., object] | None = _DECODERS.get(tag)
    if decode is None:
        raise BadState(f"unknown kind {tag!r}")
    return decode(*rest)


def _settings(widths: object, quality: object, max_pixels: object, og_width: object) -> object:
    found = _from_value(widths)
    if type(found) is not tuple or not all(type(w) is int for w in found):
        raise BadState("image widths")
    return ImageSettings(found, _int(quality), _int(max_pixels), _int(og_width))


_DECODERS: dict[object, Callable[..., object]] = {
    "t": lambda *items: tuple(map(_from_value, items)),
    "d": _time,
    "p": lambda path: Path(_str(path)),
    "i": _settings,
}
