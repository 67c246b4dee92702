"""site.yaml's `logo:` and `phones:`: what the page header and the emergency line show.

The logo is an SVG or a PNG in content/. It is read, checked and made safe here, when site.yaml
is loaded, so a bad logo is one diagnostic at its line of site.yaml and never a broken image on
every page. Both kinds are published as a content-hashed asset (render/producers/assets.py):

- an SVG must be well-formed XML with an <svg> root and nothing active or outside itself: no
  scripts, event attributes, <foreignObject>, DTD, or links to anything but its own #ids. A
  browser never runs scripts of an SVG shown through <img>, but the file also has its own URL;
- a PNG is decoded by Pillow and written again, without its text chunks (no metadata is
  published), scaled down to at most LOGO_HEIGHT pixels high.

The phones are the other numbers a reader may need besides 112 (e.g. 0900-8844, the police's
non-emergency line), each with a label, shown as tap-to-call `tel:` links.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

from followshift.clean import echo
from followshift.diagnostics import Diagnostics
from followshift.yamlio import YamlMap

LOGO_HEIGHT = 256  # the header shows it 40 px high: room for 3x screens and a taller slot
LOGO_BYTES = 1_000_000
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{1,24}")


@dataclass(frozen=True)
class Logo:
    """The logo as published: its asset name (logo.svg or logo.png), bytes and shape."""

    name: str
    data: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Phone:
    """A number to call, as written (0900-8844) and as a tel: URL (tel:09008844)."""

    label: str
    number: str

    @property
    def href(self) -> str:
        digits = re.sub(r"[^0-9]", "", self.number)
        return f"tel:{'+' if self.number.startswith('+') else ''}{digits}"


class LogoError(ValueError):
    """Why a logo cannot be used: one line for the diagnostic."""


def load_logo(value: Any, content: Path) -> Logo:
    """The checked logo at `value` (a path relative to content/); LogoError otherwise."""
    if not isinstance(value, str) or not value.strip():
        raise LogoError("must be the path of an SVG or PNG file relative to content/")
    rel = value.strip()
    candidate = content / rel
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise LogoError(f"'{echo(rel)}' does not exist (paths are relative to content/)") from None
    if Path(rel).is_absolute() or not real.is_relative_to(content.resolve()):
        raise LogoError(f"'{echo(rel)}' is outside content/")
    suffix = candidate.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise LogoError(f"'{echo(rel)}' is not an SVG or PNG file")
    if not real.is_file():
        raise LogoError(f"'{echo(rel)}' is not a file")
    try:
        data = real.read_bytes()
    except OSError as exc:
        raise LogoError(f"'{echo(rel)}' cannot be read: {exc.strerror or exc}") from None
    if len(data) > LOGO_BYTES:
        raise LogoError(f"'{echo(rel)}' is larger than {LOGO_BYTES // 1000} kB")
    try:
        return _svg(data) if suffix == ".svg" else _png(data)
    except LogoError as exc:
        raise LogoError(f"'{echo(rel)}' {exc}") from None


def _svg(data: bytes) -> Logo:
    text = data.decode("utf-8", errors="replace")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise LogoError("is not a plain SVG: it has a DTD or entities")
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise LogoError(f"is not well-formed SVG: {exc}") from None
    if root.tag != f"{_SVG_NS}svg":
        raise LogoError('is not an SVG: its root must be <svg xmlns="http://www.w3.org/2000/svg">')
    for element in root.iter():
        name = element.tag.rpartition("}")[2].lower()
        if name in ("script", "foreignobject", "iframe", "embed", "object", "handler"):
            raise LogoError(f"is not a safe SVG: it has a <{name}> element")
        for attr, attr_value in element.attrib.items():
            local = attr.rpartition("}")[2].lower()
            if local.startswith("on"):
                raise LogoError(f"is not a safe SVG: it has an event attribute {local}=")
            if (local == "href" or attr == _XLINK_HREF) and not attr_value.startswith("#"):
                raise LogoError("is not a self-contained SVG: it links to another file")
        if name == "style" and re.search(r"url\(\s*['\"]?(?!#)|@import", element.text or ""):
            raise LogoError("is not a self-contained SVG: its style loads another file")
    width, height = _svg_size(root)
    return Logo("logo.svg", data, width, height)


def _svg_size(root: ElementTree.Element) -> tuple[int, int]:
    """The logo's shape from viewBox (or width/height), for the <img> size attributes."""
    box = re.split(r"[\s,]+", root.get("viewBox", "").strip())
    try:
        if len(box) == 4:
            width, height = float(box[2]), float(box[3])
        else:
            width = float(re.sub(r"px$", "", root.get("width", "")))
            height = float(re.sub(r"px$", "", root.get("height", "")))
    except ValueError:
        raise LogoError("has no size: give the <svg> a viewBox") from None
    if width <= 0 or height <= 0:
        raise LogoError("has an empty viewBox")
    scale = LOGO_HEIGHT / height
    return max(1, round(width * scale)), LOGO_HEIGHT


def _png(data: bytes) -> Logo:
    from PIL import Image  # only a site with a PNG logo pays for Pillow here

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise LogoError("is not a PNG image")
            if image.width * image.height > 16_000_000:
                raise LogoError("has more than 16 million pixels")
            image.load()
            picture = image.convert("RGBA")
    except LogoError:
        raise
    except Exception:  # Pillow raises many kinds for a broken file
        raise LogoError("is not a PNG image that can be read (corrupt or truncated?)") from None
    if picture.height > LOGO_HEIGHT:
        width = max(1, round(picture.width * LOGO_HEIGHT / picture.height))
        picture = picture.resize((width, LOGO_HEIGHT), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "PNG", optimize=True)  # a new file: none of the original's chunks
    return Logo("logo.png", out.getvalue(), picture.width, picture.height)


def load_phones(value: Any, path: Path, line: int, diagnostics: Diagnostics) -> tuple[Phone, ...]:
    """`phones:` — a list of {label:, number:}; each bad entry is an error at its line."""
    shape = "phones: must be a list of {label: …, number: …}, e.g. number: 0900-8844"
    if not isinstance(value, list):
        diagnostics.error(path, shape, line)
        return ()
    phones = []
    for item in value:
        where = item.line if isinstance(item, YamlMap) else line
        if not isinstance(item, YamlMap):
            diagnostics.error(path, shape, where)
            continue
        label, number = item.get("label"), item.get("number")
        if not isinstance(label, str) or not label.strip():
            diagnostics.error(path, "phones: each number needs a label: (what it is for)", where)
            continue
        text = str(number).strip() if isinstance(number, str | int) else ""
        if not _PHONE.fullmatch(text) or sum(c.isdigit() for c in text) < 3:
            diagnostics.error(
                path,
                f"phones: number must be a phone number such as 0900-8844, not '{echo(number)}'",
                item.line_of("number"),
            )
            continue
        phones.append(Phone(label.strip(), text))
    return tuple(phones)
