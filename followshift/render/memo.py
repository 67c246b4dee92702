"""Which outputs need rendering: one whose inputs did not change is not rendered again.

An output's key is a digest of its template name, its whole context (the view objects the
template can see) and one build-wide fingerprint (followshift's version, every theme file, the
site settings, the asset names). Templates see nothing else, so an unchanged key means unchanged
bytes; that is what lets `watch` touch only the pages a new post affects, and a rebuild with
nothing changed render nothing. Tests compare such builds with cold builds byte for byte.

The values are hashed by render/digests.py: each view computes its digest once and keeps it. In
`watch`, the views of unchanged posts are the very same objects from one rebuild to the next, so
a page's key costs a few attribute reads instead of serialising every post again.

Pages made from the same few inputs form a group (`PageMemo.group`: every page of a shift, made
from its view alone; the pages of a run of posts): when a group's key is the same as last time,
its pages are kept without computing the key of each one. That keeps a rebuild of a site of
10,000 posts proportional to what changed, not to the size of the site.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, TypeVar

from followshift.render.digests import digest, hash16

T = TypeVar("T")


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
        previous_groups: Mapping[str, Group] | None = None,
    ) -> None:
        self.fingerprint = hash16(fingerprint)
        self.previous = previous or {}
        self.can_reuse = can_reuse or (lambda _path: False)
        self.keys: dict[str, str] = {}  # this build's keys, for the next one
        self.previous_groups = previous_groups or {}
        self.groups: dict[str, Group] = {}  # this build's groups, for the next one
        self.owns: Callable[[str], bool] | None = None  # a share's pages (for_share)
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
        return digest(value)

    def for_share(self, owns: Callable[[str], bool]) -> PageMemo:
        """A memo for one page share (a forked worker, or share 0 in the build process): the
        same fingerprint, last build's keys and groups, but this share's own keys
        and groups, for the pages it `owns`."""
        share = copy.copy(self)  # shares previous, previous_groups and can_reuse
        share.keys, share.groups, share._open = {}, {}, []
        share.rendered = share.reused = 0
        share.owns = owns
        return share

    def key(self, template: str, context: Mapping[str, Any]) -> str:
        parts = [self.fingerprint, template.encode()]
        for name in sorted(context):
            parts += [name.encode(), digest(context[name])]
        return hash16(b"\0".join(parts)).hex()

    def reuse(self, path: str, key: str) -> bool:
        """Records the key; True when the output from last time can stand as it is."""
        self.keys[path] = key
        if self.previous.get(path) == key and self.can_reuse(path):
            self.reused += 1
            return True
        self.rendered += 1
        return False
