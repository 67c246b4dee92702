"""Which outputs need rendering: one whose inputs did not change is not rendered again.

An output's key is a digest of its template name, its whole context (the view objects the
template can see) and one build-wide fingerprint (followshift's version, every theme file, the
site settings, the asset names). Templates see nothing else, so an unchanged key means unchanged
bytes; that is what lets `watch` touch only the pages a new post affects, and a rebuild with
nothing changed render nothing. Tests compare such builds with cold builds byte for byte.

Digests of view objects are remembered by object identity (`Digests`). In `watch`, the views of
unchanged posts are the very same objects from one rebuild to the next, so a page's key costs a
few dictionary lookups instead of serialising every post again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import pickle
from collections.abc import Callable, Mapping
from datetime import datetime
from enum import Enum
from typing import Any


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
            digest = _hash(b"T" + b"".join(self(item) for item in value))
        elif dataclasses.is_dataclass(value) and not isinstance(value, type):
            parts = [type(value).__qualname__.encode()]
            parts += [self(getattr(value, f.name)) for f in dataclasses.fields(value)]
            digest = _hash(b"".join(parts))
        else:
            return _leaf(value)  # small values: cheaper to hash again than to remember
        self._memo[key] = (value, digest)
        self._used.add(key)
        return digest

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


class PageMemo:
    def __init__(
        self,
        fingerprint: bytes,
        previous: Mapping[str, str] | None = None,
        can_reuse: Callable[[str], bool] | None = None,
        digests: Digests | None = None,
    ) -> None:
        self.fingerprint = _hash(fingerprint)
        self.previous = previous or {}
        self.can_reuse = can_reuse or (lambda _path: False)
        self.digests = digests or Digests()
        self.keys: dict[str, str] = {}  # this build's keys, for the next one
        self.rendered = 0
        self.reused = 0

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
