"""The plan of one publish: which objects to upload, which to give new headers, which to
delete, in which order; and the site/ it is made from, with the checks that refuse a site that
must not go public (a `--drafts` preview, a half-built site) or a bucket whose objects are not
followshift's to overwrite.

A plan reads no file of the site: the local manifest gives each file's sha256, and a file is
unchanged when the bucket's manifest gives the same sha256 and the listing agrees with the
manifest (same ETag and size) and its headers are today's. So a publish with nothing changed
costs one listing and one manifest read, however big the site.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from followshift.publish.manifest import read_manifest
from followshift.publish.model import MANIFEST_NAME, OutputError
from followshift.publish.remote import STATE_FOLDER, Entry, Head, RemoteView
from followshift.publish.rules import GROUPS, Headers, group_of, headers_for
from followshift.publish.target import Target, TargetError

# More removals than this in one publish are refused unless --max-deletes allows them: a
# wrong --out, or a build of another content folder, pointed at a bucket full of posts would
# otherwise take the whole site offline. A retracted post with photos removes a few dozen
# objects (its page and 7 files a photo); a shift taken down on purpose needs the flag.
MAX_DELETES = 250


class RefusedError(TargetError):
    """The site or the bucket may not be published as they are (exit 2, nothing changed)."""


@dataclass(frozen=True)
class LocalSite:
    """What followshift built in site/: each file's sha256 and size."""

    root: Path
    files: dict[str, str]
    sizes: dict[str, int]


def read_site(root: Path) -> LocalSite:
    """The files followshift built into `root`, as its manifest lists them. Refuses (exit 2) a
    folder without a manifest, a `--drafts` preview, a half-built site and a listed file that
    is missing."""
    root = Path(root)
    try:
        doc = read_manifest(root / MANIFEST_NAME)
    except OutputError as exc:
        raise RefusedError(str(exc)) from None
    if doc is None:
        raise RefusedError(
            f"{root} holds no site built by followshift (no {MANIFEST_NAME}); "
            "run `followshift build` first"
        )
    if doc.preview:
        raise RefusedError(
            f"{root} is a preview built with --drafts and is never published; "
            "build it again without --drafts"
        )
    if doc.pending:
        raise RefusedError(
            f"{root} was left half-built by an interrupted build; run `followshift build` first"
        )
    sizes: dict[str, int] = {}
    prefix = str(root) + os.sep
    for rel in doc.files:
        if rel.startswith(STATE_FOLDER):
            raise RefusedError(f"{rel}: the folder {STATE_FOLDER} is followshift's in the bucket")
        try:
            sizes[rel] = os.stat(prefix + rel.replace("/", os.sep)).st_size
        except OSError:
            raise RefusedError(
                f"{root}/{rel} is missing; run `followshift build` to complete the site"
            ) from None
    return LocalSite(root, doc.files, sizes)


@dataclass(frozen=True, slots=True)
class Step:
    """One object to send: new or changed bytes, or (`copy`) the same bytes, sent again
    because only its headers changed."""

    rel: str
    sha: str
    size: int
    headers: Headers
    group: int
    copy: bool = False


@dataclass
class Plan:
    target: Target
    site: LocalSite
    steps: list[Step] = field(default_factory=list)  # in order: by group, then by path
    deletes: list[str] = field(default_factory=list)
    keep: dict[str, Entry] = field(default_factory=dict)  # verified, unchanged
    owned: set[str] = field(default_factory=set)  # ours but content unknown (pending-like)
    foreign: int = 0  # objects under the prefix that followshift did not publish: kept
    notes: list[str] = field(default_factory=list)
    max_deletes: int = MAX_DELETES  # < 0: no limit
    view: RemoteView = field(default_factory=RemoteView)

    @property
    def uploads(self) -> list[Step]:
        return [s for s in self.steps if not s.copy]

    @property
    def copies(self) -> list[Step]:
        return [s for s in self.steps if s.copy]

    @property
    def refusal(self) -> str | None:
        if 0 <= self.max_deletes < len(self.deletes):
            return (
                f"this publish would delete {len(self.deletes)} objects from "
                f"{self.target.url}, more than --max-deletes {self.max_deletes} allows; "
                "nothing was changed. Check --out and the target, then allow it with "
                f"--max-deletes {len(self.deletes)}"
            )
        return None

    def groups(self) -> list[list[Step]]:
        out: list[list[Step]] = [[] for _ in GROUPS]
        for step in self.steps:
            out[step.group].append(step)
        return [g for g in out if g]

    def describe(self) -> list[str]:
        """The plan, one line per object, for --dry-run."""
        sent = sum(s.size for s in self.uploads)
        lines = [
            f"plan for {self.target.url}: upload {len(self.uploads)} ({_size(sent)}), "
            f"update headers of {len(self.copies)}, delete {len(self.deletes)}, "
            f"{len(self.keep)} unchanged, {self.foreign} not followshift's (kept)"
        ]
        for step in self.steps:
            what = "headers" if step.copy else "upload "
            lines.append(f"  {what} {step.rel}  ({GROUPS[step.group]}; {step.headers[1]})")
        lines.extend(f"  delete  {rel}" for rel in self.deletes)
        return lines


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if n < 1024 or unit == "MB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def make_plan(
    site: LocalSite,
    target: Target,
    view: RemoteView,
    heads: Callable[[Iterable[str]], dict[str, Head | None]],
    max_deletes: int = MAX_DELETES,
) -> Plan:
    """Compares the site with the bucket. `heads` asks the store for objects whose owner the
    manifest and the listing cannot tell (after a lost manifest, or a changed object)."""
    plan = Plan(target, site, max_deletes=max_deletes, view=view)
    entries, listing = view.entries, view.listing
    if view.manifest != "found" and listing:
        plan.notes.append(
            f"{target.url}{STATE_FOLDER}manifest.json is {view.manifest}: "
            f"checking the {len(listing)} objects under the prefix one by one"
        )

    def verified(rel: str) -> Entry | None:
        entry, seen = entries.get(rel), listing.get(rel)
        if entry is None or seen is None or rel in view.pending:
            return None
        return entry if (seen.etag, seen.size) == (entry.etag, entry.size) else None

    # Objects whose owner is not plain from the manifest and the listing: ask each one.
    unsure = [
        rel
        for rel in listing
        if verified(rel) is None
        and (rel in site.files or view.manifest != "found" or rel in entries or rel in view.pending)
    ]
    asked = heads(unsure) if unsure else {}
    conflicts = []
    for rel in sorted(site.files):
        sha, size, wanted = site.files[rel], site.sizes[rel], headers_for(rel)
        entry = verified(rel)
        if entry is None and rel in asked:
            head = asked[rel]
            if head is not None and head.sha is None and rel not in entries:
                conflicts.append(rel)  # someone else's object where a page of the site goes
                continue
            if head is not None and head.sha is not None:
                plan.owned.add(rel)
                if (head.sha, head.size) == (sha, size):
                    entry = Entry(head.sha, head.etag, head.size, head.headers)
        if entry is not None and entry.sha == sha and entry.size == size:
            if entry.headers == wanted:
                plan.keep[rel] = entry
            else:
                plan.steps.append(Step(rel, sha, size, wanted, group_of(rel), copy=True))
                plan.keep[rel] = entry  # until the copy is done
            continue
        plan.steps.append(Step(rel, sha, size, wanted, group_of(rel)))
    if conflicts:
        more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
        raise RefusedError(
            f"{target.url}{conflicts[0]}{more} was not published by followshift and would be "
            "overwritten; remove it or publish to another prefix"
        )
    for rel in sorted(listing):
        if rel in site.files:
            continue
        if verified(rel) is not None:
            plan.deletes.append(rel)
        elif rel in asked and (head := asked[rel]) is not None and head.sha is not None:
            plan.deletes.append(rel)  # ours by its mark, though not (or no longer) listed
        else:
            plan.foreign += 1
    plan.steps.sort(key=lambda s: (s.group, s.rel))
    return plan
