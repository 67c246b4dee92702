"""Changes to a post file made by the comms team: status, pin, title, text and alt texts.

Two ways of editing, each for its purpose:

- `set_keys` changes top-level keys (`status:`, `pinned:`) line by line and leaves every other
  line as the author wrote it, comments included: approve and withdraw work on any post, also
  one written by hand.
- `rewrite` writes the whole front matter again from its values (title, text and alt texts
  edited at the desk). Comments in the front matter are not kept; the desk's own posts have none.

Every write is atomic (a temporary dotfile, which build and watch ignore, then a rename), and
refused when the file changed since it was read: a correction made meanwhile is never lost.
"""

from __future__ import annotations

import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from followshift.content.frontmatter import split_front_matter
from followshift.content.model import PostStatus
from followshift.desk import DeskError
from followshift.diagnostics import display_path
from followshift.scaffold.names import yaml_str
from followshift.yamlio import YamlError, YamlMap


@dataclass(frozen=True)
class PostFile:
    """A post file as read: its bytes (to detect a change meanwhile) and what they say."""

    path: Path
    raw: bytes
    meta: YamlMap
    body: str
    front: list[str] | None  # the front matter's lines without the `---` markers, or None
    rest: list[str]  # the lines after the front matter (all lines when it has none)

    @property
    def status(self) -> str:
        value = self.meta.get("status")
        return str(value).strip() if value is not None else "published"


def post_path(content: Path, given: Path | str) -> Path:
    """A post file named on the command line: `SHIFT/TEAM/NAME.md` inside the content folder
    (relative to it or to the working folder), a regular file, never a link out of it."""
    path = Path(given)
    candidates = [path] if path.is_absolute() else [path, content / path]
    root = content.resolve()
    for candidate in candidates:
        try:
            resolved = candidate.resolve(strict=True)
            inside = resolved.relative_to(root)
        except (OSError, ValueError):
            continue
        if len(inside.parts) != 3 or resolved.suffix.lower() != ".md":
            raise DeskError("not a post: a post is content/SHIFT/TEAM/NAME.md", display_path(path))
        if candidate.is_symlink() or not resolved.is_file():
            raise DeskError("not a regular file", display_path(path))
        return resolved
    raise DeskError(f"no such post in {display_path(content)}", display_path(path))


def read_post_file(path: Path) -> PostFile:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DeskError(f"cannot be read: {exc.strerror or exc}", display_path(path)) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DeskError("not UTF-8 text", display_path(path)) from None
    try:
        parsed = split_front_matter(text)
    except YamlError as exc:
        raise DeskError(exc.message, display_path(path), exc.line) from None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[0].rstrip() == "---":
        close = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
        return PostFile(path, raw, parsed.meta, parsed.body, lines[1:close], lines[close + 1 :])
    return PostFile(path, raw, parsed.meta, parsed.body, None, lines)


_PLAIN = frozenset(PostStatus)  # `status: review` as people write it, not quoted


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return str(value) if value in _PLAIN else yaml_str(value)
    # A list such as blur:, a mapping such as privacy: {ok: …}: JSON is YAML flow style.
    return json.dumps(value, ensure_ascii=False)


def _key_lines(key: str, value: Any) -> list[str]:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        lines = [f"{key}:"]
        for item in value:
            for index, (k, v) in enumerate(item.items()):
                lines.append(f"{'  - ' if index == 0 else '    '}{k}: {_scalar(v)}")
        return lines
    return [f"{key}: {_scalar(value)}"]


def _top_level(front: list[str], key: str) -> tuple[int, int] | None:
    """Where a top-level key's lines are in the front matter: [start, end)."""
    pattern = re.compile(rf"{re.escape(key)}\s*:")
    for start, line in enumerate(front):
        if pattern.match(line):
            end = start + 1
            while end < len(front) and (front[end][:1] in (" ", "\t") or not front[end].strip()):
                end += 1
            return start, end
    return None


def set_keys(post: PostFile, changes: Mapping[str, Any]) -> None:
    """Sets (or with None removes) top-level keys, every other line as it was; atomic."""
    front = list(post.front) if post.front is not None else []
    for key, value in changes.items():
        where = _top_level(front, key)
        new = [] if value is None else _key_lines(key, value)
        if where is None:
            front.extend(new)
        else:
            front[where[0] : where[1]] = new
    _write(post, front, post.rest)


def rewrite(
    post: PostFile,
    *,
    title: str | None = None,
    body: str | None = None,
    alts: Mapping[str, str] | None = None,
    blur: Mapping[str, list[list[int]]] | None = None,
) -> None:
    """The desk's edit: a new title ("" removes it), text, alt texts and blur regions (both
    by photo file name; no regions removes `blur:`)."""
    meta: dict[str, Any] = dict(post.meta)
    if title is not None:
        if title:
            meta["title"] = title
        else:
            meta.pop("title", None)
    if alts or blur:
        alts, blur = alts or {}, blur or {}
        photos = meta.get("photos")
        if not isinstance(photos, list):
            raise DeskError("this post lists no photos: edit its alt texts in the file")
        listed = []
        for item in photos:
            item = dict(item) if isinstance(item, dict) else item
            if isinstance(item, dict) and item.get("file") in alts:
                item["alt"] = alts[str(item["file"])]
            if isinstance(item, dict) and item.get("file") in blur:
                regions = blur[str(item["file"])]
                if regions:
                    item["blur"] = regions
                else:
                    item.pop("blur", None)
            listed.append(item)
        meta["photos"] = listed
    front = [line for key, value in meta.items() for line in _key_lines(key, value)]
    rest = post.rest if body is None else body.replace("\r\n", "\n").strip("\n").split("\n")
    _write(post, front, rest)


def _write(post: PostFile, front: list[str], rest: list[str]) -> None:
    text = "\n".join(["---", *front, "---", *rest]).rstrip("\n") + "\n"
    try:
        split_front_matter(text)  # what is written must read back
    except YamlError as exc:
        raise DeskError(f"the edit would break the file: {exc.message}", post.path) from None
    write_atomic(post.path, text.encode("utf-8"), post.raw)


def write_atomic(path: Path, data: bytes, expect: bytes | None) -> None:
    """Replaces `path` by `data` in one rename, unless it no longer holds `expect`."""
    if expect is not None:
        try:
            if path.read_bytes() != expect:
                raise DeskError(
                    "the file changed while it was being edited; look again and retry",
                    display_path(path),
                )
        except OSError as exc:
            raise DeskError(f"cannot be read: {exc.strerror or exc}", display_path(path)) from None
    # A dotfile: build and watch ignore it (content/files.py is_temporary).
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise DeskError(f"cannot be written: {exc.strerror or exc}", display_path(path)) from None
