"""Splitting a post file into YAML front matter and Markdown body.

Control characters never reach a page or a feed: in the front matter the YAML reader refuses
them (an error with its line); from the body they are left out (a vertical tab or form feed, as
pasted from a word processor, becomes a space), and `control_line` says where the first was.
"""

from __future__ import annotations

from dataclasses import dataclass

from followshift.clean import find_control, without_controls
from followshift.yamlio import YamlError, YamlMap, load_yaml


@dataclass(frozen=True)
class Parsed:
    meta: YamlMap
    body: str
    body_line: int  # the file line where the Markdown body starts
    control_line: int | None = None  # the file line of the first control character left out


def _clean_body(body: str, body_line: int) -> tuple[str, int | None]:
    index = find_control(body)
    if index is None:
        return body, None
    line = body_line + body.count("\n", 0, index)
    # A space for the two that separate words, nothing for the rest: no line moves.
    return without_controls(body, vertical=" "), line


def split_front_matter(text: str) -> Parsed:
    """`---` YAML `---` (or `...`) then Markdown. A file without `---` on line 1 is all body."""
    # NUL never belongs in text, and the renderer uses it as a placeholder.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        body, control_line = _clean_body(text, 1)
        return Parsed(YamlMap({}, {}, 1), body, 1, control_line)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            meta = load_yaml("\n".join(lines[1:index]), line_offset=1)
            if meta is None:
                meta = YamlMap({}, {}, 2)
            if not isinstance(meta, YamlMap):
                raise YamlError("front matter must be a mapping of key: value lines", 2)
            body, control_line = _clean_body("\n".join(lines[index + 1 :]), index + 2)
            return Parsed(meta, body, index + 2, control_line)
    raise YamlError("front matter starts with --- on line 1 but is never closed with ---", 1)
