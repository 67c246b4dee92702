"""What the bucket holds, as far as followshift is concerned: its own manifest object, the
listing of the prefix it is checked against, and the per-object mark that tells its objects from
anyone else's.

The manifest is one JSON object at `<prefix>.followshift/manifest.json`: for each object that
followshift published, its sha256 (the local manifest's, so a file need not be read to know it
is unchanged), the ETag the store gave it, its size and its header set; and `pending`, the keys
a publish was about to write when it began. It is trusted only where the listing agrees (same
ETag, same size), so a lost manifest, a tampered one, or an object changed by someone else is
noticed. Every object followshift uploads also carries `x-amz-meta-followshift-sha256`, its own
proof of origin: with the manifest lost, the objects that are followshift's are found by it,
and nothing else is ever overwritten or deleted. No page of a site lives under `.followshift/`
(no path a build makes starts with a dot), and the object is stored `private, no-store`;
docs/publishing.md says how to keep a CDN from serving the folder at all.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from followshift.publish.client import Client, StoreError, describe
from followshift.publish.rules import PRIVATE, Headers
from followshift.publish.target import RemoteError, Target

STATE_FOLDER = ".followshift/"
MANIFEST_KEY = STATE_FOLDER + "manifest.json"
# The keys a publish is about to write, before it writes them: a small object of its own, so
# that a publish of one post does not first rewrite the whole manifest (2 MB for 10,000 pages)
# only to add a few keys to it. The manifest written at the end takes them over (and, after a
# failure, keeps those whose fate is not known as its own `pending`); then this one goes.
PENDING_KEY = STATE_FOLDER + "pending.json"
MARK = "followshift-sha256"  # user metadata: x-amz-meta-followshift-sha256
_SHA = re.compile(r"[0-9a-f]{64}")
# The listing's ranges (see Remote._list): as many keys of the manifest each, and a page holds
# that many and SLACK more, so a range with a few keys the manifest does not know still takes
# one request. (A page holds 1,000 keys at most.)
SPAN = 900
SLACK = 100


@dataclass(frozen=True, slots=True)
class Entry:
    """An object followshift published: what it holds and how it is served."""

    sha: str
    etag: str  # without quotes, as the store gave it for the upload
    size: int
    headers: Headers


@dataclass(frozen=True, slots=True)
class Listed:
    etag: str
    size: int


@dataclass(frozen=True, slots=True)
class Head:
    """An object as HeadObject shows it."""

    sha: str | None  # followshift's mark, or None: not an object followshift published
    etag: str
    size: int
    headers: Headers


@dataclass
class RemoteView:
    """The bucket under the prefix as a plan sees it."""

    entries: dict[str, Entry] = field(default_factory=dict)  # the manifest (relative paths)
    pending: set[str] = field(default_factory=set)
    listing: dict[str, Listed] = field(default_factory=dict)  # every object (relative paths)
    manifest: str = "found"  # "found", "missing" or "unreadable"
    pending_object: bool = False  # PENDING_KEY is in the bucket (a publish did not finish)


def _etag(value: str) -> str:
    return value.strip('"')


def parse_manifest(raw: bytes) -> tuple[dict[str, Entry], set[str]] | None:
    """The manifest's entries and pending keys; None when it is not a manifest followshift
    wrote (then nothing in it is trusted)."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("generator") != "followshift" or doc.get("version") != 1:
            return None
        headers = [Headers(str(ct), str(cc)) for ct, cc in doc["headers"]]
        entries = {}
        for rel, (sha, etag, size, index) in doc["objects"].items():
            if not (isinstance(rel, str) and _valid_rel(rel) and isinstance(sha, str)):
                return None
            if not (_SHA.fullmatch(sha) and isinstance(etag, str) and type(size) is int):
                return None
            entries[rel] = Entry(sha, etag, size, headers[index])
        pending = set(doc.get("pending", []))
        if not all(isinstance(rel, str) and _valid_rel(rel) for rel in pending):
            return None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError):
        return None
    return entries, pending


def parse_pending(raw: bytes) -> set[str] | None:
    """The keys of a pending object; None when it is not one followshift wrote."""
    try:
        doc = json.loads(raw.decode("utf-8"))
        if doc.get("generator") != "followshift" or doc.get("version") != 1:
            return None
        pending = doc["pending"]
        if not isinstance(pending, list):
            return None
        if not all(isinstance(rel, str) and _valid_rel(rel) for rel in pending):
            return None
    except (ValueError, TypeError, KeyError, AttributeError):
        return None
    return set(pending)


def pending_bytes(pending: Iterable[str]) -> bytes:
    doc = {"generator": "followshift", "version": 1, "pending": sorted(pending)}
    return (json.dumps(doc, sort_keys=True) + "\n").encode("utf-8")


def _valid_rel(rel: str) -> bool:
    parts = rel.split("/")
    return bool(rel) and not rel.startswith(STATE_FOLDER) and "" not in parts and ".." not in parts


def manifest_bytes(entries: Mapping[str, Entry], pending: Iterable[str]) -> bytes:
    """The manifest object's bytes (compact: one line per object, header sets numbered)."""
    sets = sorted({e.headers for e in entries.values()})
    number = {h: i for i, h in enumerate(sets)}
    objects = {
        rel: [e.sha, e.etag, e.size, number[e.headers]] for rel, e in sorted(entries.items())
    }
    doc: dict[str, Any] = {
        "generator": "followshift",
        "version": 1,
        "headers": [list(h) for h in sets],
        "objects": objects,
    }
    if pending:
        doc["pending"] = sorted(pending)
    lines = [f"{json.dumps(rel)}: {json.dumps(v)}" for rel, v in objects.items()]
    head = {k: v for k, v in doc.items() if k != "objects"}
    text = json.dumps(head, sort_keys=True)[:-1] + ', "objects": {\n' + ",\n".join(lines) + "\n}}\n"
    return text.encode("utf-8")


class Remote:
    """The bucket's requests for one target, on a kept client (thread-safe)."""

    split = True  # list in ranges at once (see _list); bench_listing.py compares both ways

    def __init__(self, client: Client, target: Target, workers: int) -> None:
        self.client = client
        self.target = target
        self.workers = workers

    def fail(self, exc: BaseException, doing: str) -> RemoteError:
        return RemoteError(f"{doing}: {describe(exc, self.client.secrets)}")

    def view(self) -> RemoteView:
        """The manifest and the pending keys, then the listing of the prefix they are checked
        against."""
        view = RemoteView()
        prefix = self.target.prefix
        raw = self._get(MANIFEST_KEY)
        if raw is None:
            view.manifest = "missing"
        else:
            parsed = parse_manifest(raw)
            if parsed is None:
                view.manifest = "unreadable"
            else:
                view.entries, view.pending = parsed
        raw = self._get(PENDING_KEY)
        if raw is not None:
            view.pending_object = True
            keys = parse_pending(raw)
            if keys is not None:
                view.pending |= keys
        state = prefix + STATE_FOLDER
        try:
            for key, etag, size in self._list(sorted(view.entries)):
                if not key.startswith(state):
                    view.listing[key[len(prefix) :]] = Listed(_etag(etag), size)
        except StoreError as exc:
            raise self.fail(exc, f"cannot read {self.target.url}") from None
        if raw is not None and keys is None:
            # Which keys a publish was writing is not known: every object the manifest does not
            # vouch for (its ETag and size) is asked; those the manifest does hold what it says.
            view.pending |= {
                rel
                for rel, seen in view.listing.items()
                if (e := view.entries.get(rel)) is None
                or (e.etag, e.size) != (seen.etag, seen.size)
            }
        # Another followshift site published below this prefix (its own record is there) is
        # not this site's to judge, even if this site's record is lost: its objects carry the
        # mark too.
        nested = tuple(
            rel[: -len(MANIFEST_KEY)] for rel in view.listing if rel.endswith("/" + MANIFEST_KEY)
        )
        if nested:
            view.listing = {k: v for k, v in view.listing.items() if not k.startswith(nested)}
        return view

    def _get(self, name: str) -> bytes | None:
        """The bytes of a state object (MANIFEST_KEY, PENDING_KEY); None when there is none."""
        try:
            return self.client.get(self.target.prefix + name)
        except StoreError as exc:
            raise self.fail(exc, f"cannot read {self.target.url}") from None

    def _list(self, known: list[str]) -> list[tuple[str, str, int]]:
        """Every object under the prefix: (key, ETag, size), in key order.

        ListObjectsV2 pages follow one another (each needs the last one's token), so a site of
        10,000 objects took 11 round trips in a row. The keys the manifest names split the key
        space into ranges of about one page each, and every range is listed on its own, all at
        once: a range starts after a known key (StartAfter) and runs up to and including the
        next boundary, however many pages that takes, so the ranges together cover every key,
        also those the manifest does not know. Without a manifest: one range, the whole prefix.
        """
        bounds = known[SPAN - 1 :: SPAN] if self.split else []
        if bounds and bounds[-1] == known[-1]:
            bounds.pop()  # the last range is open-ended anyway
        starts: list[str | None] = [None, *bounds]
        ends: list[str | None] = [*bounds, None]
        prefix = self.target.prefix
        ranges = [
            (None if a is None else prefix + a, None if b is None else prefix + b)
            for a, b in zip(starts, ends, strict=True)
        ]
        if len(ranges) == 1:
            return self._list_range(*ranges[0])
        with ThreadPoolExecutor(min(self.workers, len(ranges))) as pool:
            parts = list(pool.map(lambda r: self._list_range(*r), ranges))
        return [obj for part in parts for obj in part]

    def _list_range(self, after: str | None, last: str | None) -> list[tuple[str, str, int]]:
        """The objects with keys in (after, last] (None: from the start, to the end)."""
        out: list[tuple[str, str, int]] = []
        for obj in self.client.listing(self.target.prefix, after):
            if last is not None and obj[0] > last:
                break
            out.append(obj)
        return out

    def heads(self, rels: Iterable[str]) -> dict[str, Head | None]:
        """HeadObject of each (in parallel); None for an object that is gone."""
        rels = list(rels)
        if not rels:
            return {}
        with ThreadPoolExecutor(self.workers) as pool:
            return dict(zip(rels, pool.map(self.head, rels), strict=True))

    def head(self, rel: str) -> Head | None:
        try:
            got = self.client.head(self.target.key(rel))
        except StoreError as exc:
            raise self.fail(exc, f"cannot read {self.target.url}{rel}") from None
        if got is None:
            return None
        sha = got.metadata.get(MARK)
        return Head(
            sha if sha and _SHA.fullmatch(sha) else None,
            got.etag,
            got.size,
            Headers(got.content_type, got.cache_control),
        )

    def write_manifest(self, entries: Mapping[str, Entry], pending: Iterable[str]) -> None:
        try:
            self.client.put(
                self.target.prefix + MANIFEST_KEY,
                manifest_bytes(entries, pending),
                "application/json; charset=utf-8",
                PRIVATE,
            )
        except StoreError as exc:
            raise self.fail(exc, f"cannot write {self.target.url}{MANIFEST_KEY}") from None

    def write_pending(self, pending: Iterable[str]) -> None:
        """Records the keys a publish is about to write (PENDING_KEY), before it writes them."""
        try:
            self.client.put(
                self.target.prefix + PENDING_KEY,
                pending_bytes(pending),
                "application/json; charset=utf-8",
                PRIVATE,
            )
        except StoreError as exc:
            raise self.fail(exc, f"cannot write {self.target.url}{PENDING_KEY}") from None

    def drop_pending(self) -> None:
        """Removes PENDING_KEY, once the manifest holds what it said. A failure is let pass:
        a pending object left behind costs the next publish a few HeadObjects, nothing more."""
        with contextlib.suppress(StoreError):
            self.client.delete([self.target.prefix + PENDING_KEY])
