"""Splitting a post file into YAML front matter and Markdown body."""

from __future__ import annotations

from dataclasses import dataclass

from followshift.content.yamlio import YamlError, YamlMap, load_yaml


@dataclass(frozen=True)
class Parsed:
    meta: YamlMap
    body: str
    body_line: int  # the file line where the Markdown body starts


def split_front_matter(text: str) -> Parsed:
    """`---` YAML `---` (or `...`) then Markdown. A file without `---` on line 1 is all body."""
    # NUL never belongs in text, and the renderer uses it as a placeholder.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").replace("\0", "")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return Parsed(YamlMap({}, {}, 1), text, 1)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in ("---", "..."):
            meta = load_yaml("\n".join(lines[1:index]), line_offset=1)
            if meta is None:
                meta = YamlMap({}, {}, 2)
            if not isinstance(meta, YamlMap):
                raise YamlError("front matter must be a mapping of key: value lines", 2)
            return Parsed(meta, "\n".join(lines[index + 1 :]), index + 2)
    raise YamlError("front matter starts with --- on line 1 but is never closed with ---", 1)
