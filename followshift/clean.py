"""Characters that must never leave a content file, and values quoted back in messages.

Control characters (C0 other than tab and newline, DEL, C1) and Unicode noncharacters have no
visible meaning in a post; in a `<title>`, a feed (XML 1.0 forbids most of them) or a URL they
break the output or smuggle in a line (`base_url` with a newline added `Disallow: /` to
robots.txt). YAML refuses them (yamlio), Markdown bodies lose them (frontmatter).

A value quoted back in a diagnostic is cut short and its control characters shown as escapes:
a diagnostic is one line on a terminal, whatever the file holds.
"""

from __future__ import annotations

import re

# C0 except \t and \n, DEL, C1, and the noncharacters U+FDD0-U+FDEF and U+xFFFE/U+xFFFF. The
# last range also matches the (rare) characters of planes 2-16 between those; _bad() sorts them
# out. One range instead of 32 single astral characters keeps the search fast (~3 ns a char,
# against ~30 with the single characters).
_SUSPECT = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff\U0001fffe-\U0010ffff]")

ECHO_CHARS = 60


def _bad(char: str) -> bool:
    code = ord(char)
    return code < 0x1FFFE or code & 0xFFFE == 0xFFFE


def find_control(text: str) -> int | None:
    """The index of the first control character or noncharacter in `text`, or None."""
    found = _SUSPECT.search(text)
    while found is not None:
        if _bad(found[0]):
            return found.start()
        found = _SUSPECT.search(text, found.end())
    return None


def first_control(text: str) -> str | None:
    """The first control character or noncharacter in `text`, as `U+000B`; None if clean."""
    index = find_control(text)
    return None if index is None else f"U+{ord(text[index]):04X}"


def without_controls(text: str, vertical: str = "") -> str:
    """`text` without control characters and noncharacters; a vertical tab or form feed (a
    line break pasted from a word processor) becomes `vertical`."""
    if find_control(text) is None:
        return text
    return _SUSPECT.sub(
        lambda m: (vertical if m[0] in "\x0b\x0c" else "") if _bad(m[0]) else m[0], text
    )


def echo(value: object, limit: int = ECHO_CHARS) -> str:
    """`value` for a message: at most `limit` characters, control characters escaped."""
    text = str(value)
    cut = text[:limit].replace("\n", "\\n")
    shown = _SUSPECT.sub(lambda m: f"\\u{ord(m[0]):04x}" if _bad(m[0]) else m[0], cut)
    return shown + ("…" if len(text) > limit else "")
