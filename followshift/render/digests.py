"""Content digests of the values pages are made from: what the render memo keys pages by.

A view (views.py, media.py) is `Digested`: it computes its digest once, from its fields, the
first time it is asked, and keeps it. In `watch` the views of unchanged content are the very
same objects from one rebuild to the next (ViewCache), so they bring their digests with them:
a page's key costs a few attribute reads instead of serialising every post again. Nothing is
remembered by object identity, so nothing here can outlive or mistake an object.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import operator
import pickle
from datetime import datetime
from enum import Enum
from functools import cached_property


def hash16(data: bytes) -> bytes:
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
        return hash16(b"s" + value.encode())
    if isinstance(value, datetime):  # always aware here; the offset is part of the text
        return hash16(b"d" + value.isoformat().encode())
    if value is None or isinstance(value, bool | int | Enum):
        return hash16(b"v" + repr(value).encode())
    return hash16(_canonical(value))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}
_own_digest = operator.attrgetter("digest")


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


def digest(value: object) -> bytes:
    """The content digest of `value`: equal values, equal digests (a view's is its own)."""
    if isinstance(value, Digested):
        return value.digest
    if isinstance(value, tuple | list):
        try:  # a timeline: every item a view, read in one C-level sweep
            joined = b"".join(map(_own_digest, value))
        except AttributeError:  # plain values among them: one by one
            joined = b"".join(map(digest, value))
        return hash16(b"T" + joined)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _fields(value)
    return _leaf(value)  # small values: cheaper to hash again than to remember


def _fields(value: object) -> bytes:
    """A dataclass by its type and fields. Plain fields go in as tagged bytes, hashed once with
    the rest: a post's view has a dozen strings and times, and a hash for each was most of a
    rebuild's page keys."""
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
            parts.append(b"h" + digest(item))
    return hash16(b"".join(parts))


class Digested:
    """A frozen dataclass that knows its own content digest, computed once.

    Not a field: it is not part of the value (nor of equality), only a function of it."""

    @cached_property
    def digest(self) -> bytes:
        return _fields(self)
