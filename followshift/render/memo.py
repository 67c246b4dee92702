"""Which pages need rendering: a page whose inputs did not change is not rendered again.

A page's key is a digest of its template name, its whole context (the view objects the template
can see) and one build-wide fingerprint (followshift's version, every theme file, the site
settings, the asset names). Templates see nothing else, so an unchanged key means unchanged
bytes; that is what lets `watch` touch only the pages a new post affects, and a rebuild with
nothing changed render nothing. Tests compare such builds with cold builds byte for byte.
"""

from __future__ import annotations

import hashlib
import io
import pickle
from collections.abc import Callable, Mapping
from typing import Any


def _canonical(value: object) -> bytes:
    """Bytes that depend on the values only. Plain pickle writes an object met twice as a
    back-reference, so equal contexts could differ by which objects happen to be shared (a
    freshly read post versus one from the cache); fast mode turns that memo off."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=5)
    pickler.fast = True  # no memo: contexts are trees of frozen values, never cyclic
    pickler.dump(value)
    return buffer.getvalue()


class Reused:
    """Stands in for the bytes of a page that was kept as it is."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "REUSED"


REUSED = Reused()


class PageMemo:
    def __init__(
        self,
        fingerprint: bytes,
        previous: Mapping[str, str] | None = None,
        can_reuse: Callable[[str], bool] | None = None,
    ) -> None:
        self.fingerprint = fingerprint
        self.previous = previous or {}
        self.can_reuse = can_reuse or (lambda _path: False)
        self.keys: dict[str, str] = {}  # this build's keys, for the next one
        self.rendered = 0
        self.reused = 0

    def key(self, template: str, context: Mapping[str, Any]) -> str:
        digest = hashlib.blake2b(self.fingerprint, digest_size=16)
        digest.update(template.encode())
        digest.update(_canonical(sorted(context.items())))
        return digest.hexdigest()

    def reuse(self, path: str, key: str) -> bool:
        """Records the key; True when the output from last time can stand as it is."""
        self.keys[path] = key
        if self.previous.get(path) == key and self.can_reuse(path):
            self.reused += 1
            return True
        self.rendered += 1
        return False
