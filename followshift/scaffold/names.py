"""What a new post is called and how it is written: `HHMM-<slug>.md`, never over anything.

The slug comes from the title, else from the first words of the text (at most 6 words), else it
is `bericht`; at most 50 characters, cut at a hyphen. A name already used in the team folder
(any file whose id is that name, or photos numbered after it) moves the post to `…-2.md`,
`…-3.md`. Files are created whole (written under a temporary name, then linked into place) and
exclusively, so a build never reads half a post and even a post written at the same moment by
someone else is never overwritten.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from typing import BinaryIO

import yaml

from followshift.content.files import is_temporary
from followshift.diagnostics import display_path
from followshift.naming import slugify
from followshift.scaffold import ScaffoldError
from followshift.yamlio import YamlError, YamlMap, load_yaml

DEFAULT_SLUG = "bericht"
SLUG_WORDS = 6
SLUG_CHARS = 50
_MAX_TRIES = 999
_WIDE = 2**31 - 1  # no line folding in dumped YAML strings


@dataclass
class Plan:
    """Everything about the post except its final name."""

    folder: Path
    base: str
    clock: time
    text: str  # the body, or the whole text when it brings its own front matter
    own_front_matter: bool
    keys: list[tuple[str, str]] = field(default_factory=list)  # (key, YAML value), in order
    photos: list[tuple[Path, str]] = field(default_factory=list)


def post_slug(title: str | None, text: str) -> str:
    """The name part after HHMM: from the title, else the first words of the text, else
    `bericht`; at most 50 characters, cut at a hyphen."""
    if title and slugify(title):
        return _shorten(slugify(title))
    words = re.sub(r"\]\([^)]*\)|<[^>]*>|https?://\S+", " ", text).split()
    slug = slugify(" ".join(words[:SLUG_WORDS]))
    return _shorten(slug) if slug else DEFAULT_SLUG


def _shorten(slug: str) -> str:
    if len(slug) <= SLUG_CHARS:
        return slug
    cut = slug[: SLUG_CHARS + 1].rfind("-")
    return (slug[:cut] if cut > 0 else slug[:SLUG_CHARS]).strip("-")


def _taken(stem: str, folder: Path) -> bool:
    """Whether a post named `stem` would clash with what is there: a file with that id, or
    photos numbered after it (`stem-2.jpg`), which it would claim."""
    numbered = re.compile(re.escape(stem) + r"-\d{1,3}")
    for name in os.listdir(folder):
        if is_temporary(name):
            continue
        other = slugify(Path(name).stem)
        if other == stem or numbered.fullmatch(other):
            return True
    return False


def _photo_name(stem: str, index: int, photo: Path) -> str:
    number = "" if index == 1 else f"-{index}"
    return f"{stem}{number}{photo.suffix.lower()}"


def _render(plan: Plan, stem: str) -> str:
    lines = [f"{key}: {value}" for key, value in plan.keys]
    if plan.photos:
        lines.append("photos:")
        for index, (photo, alt) in enumerate(plan.photos, start=1):
            lines.append(f"  - file: {yaml_str(_photo_name(stem, index, photo))}")
            if alt:
                lines.append(f"    alt: {yaml_str(alt)}")
    text = plan.text.strip("\n")
    if plan.own_front_matter:
        first, _, rest = text.partition("\n")
        text = "\n".join([first, *lines, rest]) if lines else text
    elif lines:
        text = "\n".join(["---", *lines, "---", text])
    return text.rstrip() + "\n"


@dataclass(frozen=True)
class Written:
    path: Path
    photos: tuple[Path, ...]


def write(plan: Plan) -> Written:
    for attempt in range(1, _MAX_TRIES + 1):
        stem = plan.base if attempt == 1 else f"{plan.base}-{attempt}"
        if _taken(stem, plan.folder):
            continue
        path = plan.folder / f"{stem}.md"
        try:
            # The post first: a build that runs meanwhile sees a post waiting for its photos
            # (an error of that post), never a lone photo published without its alt text.
            _create(path, _render(plan, stem).encode("utf-8"))
        except FileExistsError:
            continue
        copied: list[Path] = []
        try:
            for index, (photo, _) in enumerate(plan.photos, start=1):
                target = plan.folder / _photo_name(stem, index, photo)
                with photo.open("rb") as source:
                    _create(target, source)
                copied.append(target)
        except FileExistsError:
            for mine in [path, *copied]:  # only what this call created
                mine.unlink()
            continue
        return Written(path, tuple(copied))
    raise ScaffoldError(f"no free name for {plan.base}.md in {display_path(plan.folder)}")


def _create(path: Path, data: bytes | BinaryIO) -> None:
    """Creates `path` whole or not at all, never over an existing file (FileExistsError): it
    is written under a temporary dotfile name (which build and watch ignore), then linked into
    place, so a build that runs meanwhile (the desk writes while watch runs) never reads half
    a post. Where the file system has no links (FAT, some shares) it is created in place."""
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temp.open("xb") as out:
            if isinstance(data, bytes):
                out.write(data)
            else:
                shutil.copyfileobj(data, out)
            out.flush()
            os.fsync(out.fileno())
        try:
            # Windows: a rename never replaces a file; elsewhere a link does not either.
            if os.name == "nt":
                os.rename(temp, path)
            else:
                os.link(temp, path)
            return
        except FileExistsError:
            raise
        except OSError:
            pass
        with path.open("xb") as out, temp.open("rb") as written:
            shutil.copyfileobj(written, out)
    finally:
        temp.unlink(missing_ok=True)


def yaml_str(value: str) -> str:
    """A double-quoted YAML string that reads back as exactly `value`."""
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=_WIDE).strip()
    # PyYAML escapes characters beyond the BMP (emoji); put them back where that is safe.
    readable = re.sub(
        r"(\\\\)|\\U([0-9A-Fa-f]{8})",
        lambda m: m[1] or (chr(int(m[2], 16)) if chr(int(m[2], 16)).isprintable() else m[0]),
        dumped,
    )
    try:
        data = load_yaml(f"v: {readable}\n")
        if isinstance(data, YamlMap) and data.get("v") == value:
            return readable
    except YamlError:
        pass
    return dumped
