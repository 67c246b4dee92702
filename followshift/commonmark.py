"""Markdown as followshift reads it: the unsanitised HTML pulldown-cmark writes for a text with
this project's options (`convert`), and whether a text nests too deeply to be published
(`nesting_problem`).

A leaf: rendering turns the HTML into a post's body (render/markdown.py sanitises it), and
reading refuses a post nested too deeply as an error of its file (content/posts.py). Both must
read the Markdown the same way, so the conversion and the check live here, below both, beside
the measure they share (nesting.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyromark

from followshift.clean import without_controls
from followshift.nesting import MAX_DEPTH, MAX_OPEN_FORMATTING, TooDeep, balance, line_of

# pulldown-cmark's options: GitHub's tables and ~~strikethrough~~, and typographic quotes,
# dashes and ellipses. Raw HTML always passes through it: sanitise() decides what of it stays,
# with the same allow-list as for the rest.
OPTIONS = (
    pyromark.Options.ENABLE_TABLES
    | pyromark.Options.ENABLE_STRIKETHROUGH
    | pyromark.Options.ENABLE_SMART_PUNCTUATION
)

# A heading tag in the output; its level goes one down (# Kop -> <h2>), up to <h6>.
_HEADING = re.compile(r"<(/?)h([1-6])(?=[\s>])")
# Dutch elision: an apostrophe that starts a word ('s avonds, 's-Hertogenbosch, 't, 'n, 'k, '80)
# is not an opening quote. CommonMark's smart punctuation reads it as one (‘); it is ’.
_ELISION = re.compile(r"‘(?=[stnk](?![^\W\d_])|\d\d(?!\d))")


def _heading_down(match: re.Match[str]) -> str:
    return f"<{match[1]}h{min(int(match[2]) + 1, 6)}"


def convert(text: str) -> str:
    """Markdown -> HTML, not yet sanitised: CommonMark with tables and strikethrough."""
    html = pyromark.html(text, options=OPTIONS)
    if "<h" in html:
        html = _HEADING.sub(_heading_down, html)
    if "‘" in html:
        html = _ELISION.sub("’", html)
    return html


# -- Markdown nested too deeply: an error of its post ------------------------------------------

# Raw HTML begins with "<" and a letter, "/", "!" or "?" (CommonMark 6.6); autolinks too.
_RAW_HTML = re.compile(r"<[A-Za-z/!?]")
# What may open Markdown containers at the start of a line: list markers, ">" and indentation.
_LINE_PREFIX = re.compile(r"^[ \t>*+\-0-9.)]*", re.MULTILINE)
_INLINE = "*_~[`"  # what may open emphasis, strikethrough, links and code
_BLOCK_ELEMENTS = 10  # p, pre and code, a table's table, thead, tr and th: fewer than this
_CONTAINERS = MAX_DEPTH - MAX_OPEN_FORMATTING - _BLOCK_ELEMENTS
_DEEP_LINE = re.compile(rf"^[ >*+\-0-9.)]{{{_CONTAINERS + 1}}}", re.MULTILINE)


@dataclass(frozen=True)
class NestingProblem:
    line: int  # in the text, from 1
    message: str


def nesting_problem(text: str) -> NestingProblem | None:
    """Why `text` cannot be published, if it nests too deeply for the sanitiser; else None.

    Ordinary text is cleared without rendering it: without raw HTML, its nesting is at most
    the longest run of list markers, ">" and indentation (a tab counting 4) starting a line,
    plus a few block elements, plus the markup characters of one block. Other text is rendered
    and measured as render_markdown does."""
    text = without_controls(text)
    if _shallow(text):
        return None
    try:
        balance(convert(text))
    except TooDeep as exc:
        events = pyromark.events_with_range(text, options=OPTIONS)
        return NestingProblem(line_of(events, text), f"Markdown nested too deeply: {exc.message}")
    return None


def _shallow(text: str) -> bool:
    if _RAW_HTML.search(text):
        return False
    if "\t" in text:  # a tab indents by up to 4 columns
        if max(len(p) + 3 * p.count("\t") for p in _LINE_PREFIX.findall(text)) > _CONTAINERS:
            return False
    elif _DEEP_LINE.search(text):
        return False
    if sum(map(text.count, _INLINE)) <= MAX_OPEN_FORMATTING:
        return True
    return max(sum(map(block.count, _INLINE)) for block in text.split("\n\n")) <= (
        MAX_OPEN_FORMATTING
    )
