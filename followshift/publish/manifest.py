"""The manifest: the list of the files followshift wrote into the output folder, with their
sha256, and the paths an interrupted commit may have written (`pending`). It is what makes a
folder followshift's, and nothing is ever pruned that it does not list.

Written as `json.dumps(doc, sort_keys=True, indent=2)` would write it, but from lines kept
between writes (_ManifestLines), since a rebuild writes it twice and few lines change. The
underscore names are the package's own (local.py and tests use them), not an API.
"""

from __future__ import annotations

import bisect
import contextlib
import json
import operator
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import compress
from json.encoder import encode_basestring_ascii
from pathlib import Path
from typing import NamedTuple

from followshift.publish.files import check_relpath, write_atomic
from followshift.publish.model import DuplicateOutputError, Kept, OutputError

_SHA_RE = re.compile(r"[0-9a-f]{64}")
# Removed files pile up in the kept lines (_ManifestLines) of a long watch; start afresh when
# they outnumber the site twice over. The 1000 spares a small site starting afresh each time
# a handful of its files goes.
MANIFEST_SLACK = 1000


class ManifestDoc(NamedTuple):
    """What a manifest holds: the files with their sha256, the paths an interrupted commit may
    have written, and whether a `--drafts` build made the folder (a preview, which `publish`
    refuses)."""

    files: dict[str, str]
    pending: set[str]
    preview: bool


def read_manifest(path: Path) -> ManifestDoc | None:
    """The manifest at `path`, or None when there is none."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as e:
        raise OutputError(f"cannot read {path}: {e.strerror or e}") from e
    corrupt = f"{path} is corrupt; empty the output folder or choose another one with --out"
    try:
        doc = json.loads(raw.decode("utf-8"))
    except ValueError as e:
        raise OutputError(corrupt) from e
    if not isinstance(doc, dict) or doc.get("generator") != "followshift":
        raise OutputError(corrupt)
    if doc.get("version") != 1:
        raise OutputError(f"{path} has unknown version {doc.get('version')!r}; update followshift")
    files, pending = doc.get("files"), doc.get("pending", [])
    preview = doc.get("preview", False)
    if not isinstance(files, dict) or not isinstance(pending, list) or type(preview) is not bool:
        raise OutputError(corrupt)
    pending = set(pending)
    try:
        # A tampered manifest must not be able to steer pruning outside the folder.
        for rel in [*files, *pending]:
            check_relpath(rel)
    except OutputError as e:
        raise OutputError(corrupt) from e
    if not all(isinstance(sha, str) and _SHA_RE.fullmatch(sha) for sha in files.values()):
        raise OutputError(corrupt)
    return ManifestDoc(
        {rel: sha for rel, sha in files.items() if rel not in pending}, pending, preview
    )


def write_manifest(
    path: Path,
    files: dict[str, str],
    pending: set[str],
    known: _ManifestLines,
    changed: Iterable[str] | None = None,
    preview: bool = False,
) -> None:
    """Writes the manifest at `path` (atomically), unless it holds these bytes already.
    `preview`: the folder holds a `--drafts` build (see ManifestDoc)."""
    data = _manifest_bytes(files, pending, known, changed, preview)
    with contextlib.suppress(FileNotFoundError):
        if path.read_bytes() == data:
            return
    write_atomic(path, data)


def _manifest_bytes(
    files: dict[str, str],
    pending: set[str],
    known: _ManifestLines,
    changed: Iterable[str] | None = None,
    preview: bool = False,
) -> bytes:
    """The manifest as `json.dumps(doc, sort_keys=True, indent=2)` writes it, from the lines of
    `known` where a file's path and sha256 are the same as when it was last written: a rebuild
    writes the manifest twice, with a line for every file of the site, and few lines change.
    `changed`: the only paths whose sha256 may differ from `known` (None: look at all)."""
    quote = encode_basestring_ascii
    ordered = sorted(files)
    too_many = len(known.shas) > 2 * len(files) + MANIFEST_SLACK
    if changed is None or too_many:
        if too_many:  # removed files pile up: start afresh
            known.shas.clear()
            known.lines.clear()
        shas = map(files.__getitem__, ordered)
        # The new or changed files, found without a Python-level loop over all of them.
        changed = compress(ordered, map(operator.ne, shas, map(known.shas.get, ordered)))
    for rel in changed:
        sha = files.get(rel)
        if sha is not None and known.shas.get(rel) != sha:
            known.shas[rel] = sha
            known.lines[rel] = f"    {quote(rel)}: {quote(sha)}"
    # Few copies of a text of a megabyte or two.
    if files:
        body = ",\n".join(map(known.lines.__getitem__, ordered)).encode("ascii")
        out = [b'{\n  "files": {\n', body, b"\n  },\n"]
    else:
        out = [b'{\n  "files": {},\n']
    out.append(b'  "generator": "followshift",\n')
    if pending:
        listed = ",\n".join(f"    {quote(rel)}" for rel in sorted(pending))
        out.append(('  "pending": [\n' + listed + "\n  ],\n").encode("ascii"))
    if preview:  # only then: a site built without --drafts has the manifest it always had
        out.append(b'  "preview": true,\n')
    out.append(b'  "version": 1\n}\n')
    return b"".join(out)


@dataclass
class _ManifestLines:
    shas: dict[str, str] = field(default_factory=dict)
    lines: dict[str, str] = field(default_factory=dict)
    synced: bool = False  # the shas are those of the old manifest (commit() keeps them so)


class _Index:
    """Paths casefolded, to the path and in order: which is in a given folder."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.paths = {rel.casefold(): rel for rel in paths}
        self.order = sorted(self.paths)

    def below(self, folder: str) -> Iterator[str]:
        at = bisect.bisect_left(self.order, folder + "/")
        while at < len(self.order) and self.order[at].startswith(folder + "/"):
            yield self.order[at]
            at += 1

    def update(self, removed: Iterable[str], added: Iterable[str]) -> None:
        for rel in removed:
            folded = rel.casefold()
            if self.paths.pop(folded, None) is not None:
                at = bisect.bisect_left(self.order, folded)
                if at < len(self.order) and self.order[at] == folded:
                    del self.order[at]
        for rel in added:
            folded = rel.casefold()
            if folded not in self.paths:
                bisect.insort(self.order, folded)
            self.paths[folded] = rel


def check_against_kept(fresh: Iterable[str], index: _Index, staged: Mapping[str, object]) -> None:
    """The checks of Output.add() between each new file in `fresh` and the kept files among
    the paths of `index` (those `staged` as Kept): no two paths that differ only in case, no
    file where a kept one's folder is, no folder where a kept file is."""

    def kept(folded: str) -> str | None:
        rel = index.paths.get(folded)
        return rel if rel is not None and isinstance(staged.get(rel), Kept) else None

    for relpath in fresh:
        key = relpath.casefold()
        if (other := kept(key)) is not None:  # the very same path was refused by add()
            raise DuplicateOutputError(f"outputs {other!r} and {relpath!r} differ only in case")
        parts = key.split("/")
        for folder in ("/".join(parts[:i]) for i in range(1, len(parts))):
            if (other := kept(folder)) is not None:
                raise OutputError(f"output {relpath!r} lies inside file {other!r}")
        for inside in index.below(key):
            if (other := kept(inside)) is not None:
                raise OutputError(f"output {relpath!r} is also the folder of {other!r}")


def claim(relpath: str, keys: dict[str, str], dirs: dict[str, str]) -> None:
    """Records a staged path in `keys` (casefolded path -> path) and its folders in `dirs`
    (casefolded folder -> a path inside it). Raises when it meets one there: the same path,
    one that differs only in case, a file where a folder is or a folder where a file is."""
    key = relpath.casefold()
    if key in keys:
        other = keys[key]
        if other == relpath:
            raise DuplicateOutputError(f"two outputs want to write {relpath!r}")
        # One file on Windows and macOS, so the site would differ between platforms.
        raise DuplicateOutputError(f"outputs {other!r} and {relpath!r} differ only in case")
    if key in dirs:
        raise OutputError(f"output {relpath!r} is also the folder of {dirs[key]!r}")
    # The folders it lies in, up to the first one known already: that one's own were
    # checked and recorded when it was, and no file was staged under a known folder's name.
    folders = []
    folder = key.rpartition("/")[0]
    while folder and folder not in dirs:
        if folder in keys:
            raise OutputError(f"output {relpath!r} lies inside file {keys[folder]!r}")
        folders.append(folder)
        folder = folder.rpartition("/")[0]
    keys[key] = relpath
    for folder in folders:
        dirs[folder] = relpath


def blocks(rel: str, keys: Mapping[str, str], dirs: Mapping[str, str]) -> bool:
    """Whether the path `rel` stands where a claimed file or folder must go (see claim)."""
    parts = rel.casefold().split("/")
    folders = ("/".join(parts[:i]) for i in range(1, len(parts)))
    return "/".join(parts) in dirs or any(f in keys for f in folders)
