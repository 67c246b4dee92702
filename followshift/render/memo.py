"""Which outputs need rendering: one whose inputs did not change is not rendered again.

An output's key is a digest of its template name, its whole context (the view objects the
template can see) and one build-wide fingerprint (followshift's version, every theme file, the
site settings, the asset names). Templates see nothing else, so an unchanged key means unchanged
bytes; that is what lets `watch` touch only the pages a new post affects, and a rebuild with
nothing changed render nothing. Tests compare such builds with cold builds byte for byte.

Digests of view objects are remembered by object identity (`Digests`). In `watch`, the views of
unchanged posts are the very same objects from one rebuild to the next, so a page's key costs a
few dictionary lookups instead of serialising every post again.

Pages made from the same few inputs form a group (`PageMemo.group`: every page of a shift, made
from its view alone; the pages of a run of posts): when a group's key is the same as last time,
its pages are kept without computing the key of each one. That keeps a rebuild of a site of
10,000 posts proportional to what changed, not to the size of the site.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import io
import operator
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar, cast

T = TypeVar("T")


def _hash(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


def _canonical(value: object) -> bytes:
    """Bytes that depend on the value only. Plain pickle writes an object met twice as a
    back-reference, so equal values could differ by which objects happen to be shared; fast mode
    turns that memo off."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: the values here are trees of frozen values, never cyclic
    pickler.dump(value)
    return buffer.getvalue()


def _leaf(value: object) -> bytes:
    if isinstance(value, str):
        return _hash(b"s" + value.encode())
    if isinstance(value, datetime):  # always aware here; the offset is part of the text
        return _hash(b"d" + value.isoformat().encode())
    if value is None or isinstance(value, bool | int | Enum):
        return _hash(b"v" + repr(value).encode())
    return _hash(_canonical(value))


_first, _second = operator.itemgetter(0), operator.itemgetter(1)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


class Digests:
    """Content digests of frozen view objects, remembered by identity across builds.

    An entry keeps its object alive, so an id cannot be reused by another object while it is
    remembered; entries not used by a build are dropped after it (`sweep`).
    """

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, bytes]] = {}
        self._used: set[int] = set()

    def __call__(self, value: object) -> bytes:
        key = id(value)
        hit = self._memo.get(key)
        if hit is not None and hit[0] is value:
            self._used.add(key)
            return hit[1]
        if isinstance(value, tuple | list):
            joined = self._remembered(value)
            if joined is None and len(value) > 16:  # e.g. a timeline with one new post
                hits = map(self._memo.get, map(id, value))
                for item, hit in zip(value, hits, strict=True):
                    if hit is None or hit[0] is not item:
                        self(item)
                joined = self._remembered(value)
            if joined is None:  # not all remembered (plain values): one by one
                joined = b"".join(self(item) for item in value)
            digest = _hash(b"T" + joined)
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            # Plain fields go in as tagged bytes, hashed once with the rest: a post's view has
            # a dozen strings and times, and a hash for each was most of a rebuild's page keys.
            parts = [type(value).__qualname__.encode()]
            for name in _field_names(type(value)):
                item = getattr(value, name)
                kind = type(item)
                if kind is str:
                    data = item.encode()
                    parts.append(b"s%d:%b" % (len(data), data))
                elif item is None or kind is bool or kind is int:
                    parts.append(b"v%b;" % repr(item).encode())
                elif kind is datetime:  # always aware here; the offset is part of the text
                    parts.append(b"d%b;" % item.isoformat().encode())
                else:
                    parts.append(b"h" + self(item))
            digest = _hash(b"".join(parts))
        else:
            return _leaf(value)  # small values: cheaper to hash again than to remember
        self._memo[key] = (value, digest)
        self._used.add(key)
        return digest

    def _remembered(self, items: tuple[object, ...] | list[object]) -> bytes | None:
        """The digests of `items` joined, when every one is remembered: a timeline's posts,
        found in one C-level sweep instead of a call per post."""
        ids = list(map(id, items))
        found = list(map(self._memo.get, ids))
        if None in found:
            return None
        hits = cast("list[tuple[object, bytes]]", found)  # no None, just checked
        if not all(map(operator.is_, map(_first, hits), items)):
            return None
        self._used.update(ids)
        return b"".join(map(_second, hits))

    def sweep(self) -> None:
        self._memo = {k: v for k, v in self._memo.items() if k in self._used}
        self._used = set()


class Reused:
    """Stands in for the bytes of an output that was kept as it is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REUSED"

    def __reduce__(self) -> str:
        return "REUSED"  # unpickles as the one instance: workers send it to the build process


REUSED = Reused()


# A group as last built: its key, its outputs (in order) and the groups inside it.
Group = tuple[str, tuple[str, ...], tuple[str, ...]]


class PageMemo:
    def __init__(
        self,
        fingerprint: bytes,
        previous: Mapping[str, str] | None = None,
        can_reuse: Callable[[str], bool] | None = None,
        digests: Digests | None = None,
        previous_groups: Mapping[str, Group] | None = None,
    ) -> None:
        self.fingerprint = _hash(fingerprint)
        self.previous = previous or {}
        self.can_reuse = can_reuse or (lambda _path: False)
        self.digests = digests or Digests()
        self.keys: dict[str, str] = {}  # this build's keys, for the next one
        self.previous_groups = previous_groups or {}
        self.groups: dict[str, Group] = {}  # this build's groups, for the next one
        self.owns: Callable[[str], bool] | None = None  # set in a page worker (pages.py)
        self._open: list[list[str]] = []  # the groups being made: the names of their inner ones
        self.rendered = 0
        self.reused = 0

    def group(
        self,
        name: str,
        inputs: Mapping[str, Any],
        produce: Callable[[], Iterable[tuple[str, T]]],
    ) -> Iterator[tuple[str, T | Reused]]:
        """The outputs of `produce()`, pages made from `inputs` alone (and the fingerprint).

        When the group's key is last build's and each of its outputs is still in place, they
        are all kept as they are (REUSED), without making or asking each page. A group's name
        is unique in a build; groups may nest.
        """
        key = self.key(name, inputs)
        if self._open:
            self._open[-1].append(name)
        old = self.previous_groups.get(name)
        if old is not None and old[0] == key:
            paths = old[1]
            keys = [self.previous.get(path) for path in paths]
            if None not in keys and all(map(self.can_reuse, paths)):
                self.keys.update(zip(paths, keys, strict=True))  # type: ignore[arg-type]
                self._carry(name, old)
                self.reused += len(paths)
                for path in paths:
                    yield path, REUSED
                return
        made: list[str] = []
        self._open.append([])
        try:
            for path, data in produce():
                made.append(path)
                yield path, data
        finally:
            inner = self._open.pop()
        # Every output went through reuse() (in a page worker: every output it renders).
        if all(path in self.keys for path in made if self.owns is None or self.owns(path)):
            self.groups[name] = (key, tuple(made), tuple(inner))

    def _carry(self, name: str, group: Group) -> None:
        """A kept group stays as it was, with the groups inside it."""
        self.groups[name] = group
        for inner in group[2]:
            if (found := self.previous_groups.get(inner)) is not None:
                self._carry(inner, found)

    def digest(self, value: object) -> bytes:
        """The content digest of a view (or any value a page is made from): what producers key
        what they derive from one view by (render.context.Derived)."""
        return self.digests(value)

    def for_share(self, owns: Callable[[str], bool]) -> PageMemo:
        """A memo for one page share (a forked worker, or share 0 in the build process): the
        same fingerprint, last build's keys and groups and digests, but this share's own keys
        and groups, for the pages it `owns`."""
        share = copy.copy(self)  # shares previous, previous_groups, can_reuse and digests
        share.keys, share.groups, share._open = {}, {}, []
        share.rendered = share.reused = 0
        share.owns = owns
        return share

    def key(self, template: str, context: Mapping[str, Any]) -> str:
        parts = [self.fingerprint, template.encode()]
        for name in sorted(context):
            parts += [name.encode(), self.digests(context[name])]
        return _hash(b"\0".join(parts)).hex()

    def reuse(self, path: str, key: str) -> bool:
        """Records the key; True when the output from last time can stand as it is."""
        self.keys[path] = key
        if self.previous.get(path) == key and self.can_reuse(path):
            self.reused += 1
            return True
        self.rendered += 1
        return False
