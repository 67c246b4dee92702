"""A post's text warnings (docs/privacy.md, "Text warnings"): where in the post file each
finding of followshift/privacy/text.py is, and the front matter that acknowledges them,
`privacy: {ok: "reason"}`.

The reader (content/posts.py) reports them as warnings of the post; the desk shows the same
findings to the officer and the comms team (desk/privacy_view.py asks `file_findings`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from followshift.privacy.text import Finding, scan
from followshift.yamlio import YamlMap

ACK_EXAMPLE = 'privacy: {ok: "why this may be published"}'


class AckError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True)
class Located:
    """A finding and its line in the post file."""

    finding: Finding
    line: int
    where: str  # "title", "text" or "alt text of photo N"
    photo: int = 0  # N, for an alt text

    @property
    def message(self) -> str:
        return self.finding.message


def acknowledged(meta: YamlMap) -> str:
    """The reason given under `privacy: {ok: …}`, "" when there is none; AckError for a
    `privacy:` that says ok without a reason, or anything else."""
    if "privacy" not in meta:
        return ""
    line = meta.line_of("privacy")
    value = meta["privacy"]
    if isinstance(value, YamlMap):
        for key in value:
            if key != "ok":
                raise AckError(f"privacy: unknown key '{key}' (known: ok)", value.line_of(key))
        reason = value.get("ok")
        if isinstance(reason, str) and reason.strip():
            return reason.strip()
        line = value.line_of("ok")
    raise AckError(f"privacy: needs the reason it may be published: {ACK_EXAMPLE}", line)


def _photo_alts(meta: YamlMap) -> Iterable[tuple[int, str, int]]:
    entries = meta.get("photos")
    if not isinstance(entries, list):
        return
    for number, entry in enumerate(entries, 1):
        if isinstance(entry, YamlMap) and isinstance(entry.get("alt"), str):
            yield number, entry["alt"], entry.line_of("alt")


def file_findings(
    meta: YamlMap, body: str, body_line: int, allowed_numbers: Iterable[str] = ()
) -> list[Located]:
    """Every text warning of a post file: title, alt texts (front matter order), then the
    text, each with the line of the file it is on."""
    allowed = tuple(allowed_numbers)
    found: list[Located] = []
    title: Any = meta.get("title")
    if isinstance(title, str):
        found += [Located(f, meta.line_of("title"), "title") for f in scan(title, allowed)]
    for number, alt, line in _photo_alts(meta):
        where = f"alt text of photo {number}"
        found += [Located(f, line + f.line - 1, where, number) for f in scan(alt, allowed)]
    found += [Located(f, body_line + f.line - 1, "text") for f in scan(body, allowed)]
    return found
