"""How deeply HTML nests, found in time proportional to its length, and the HTML rewritten so
that the sanitiser reads exactly what was measured.

Why: nh3 (Ammonia, on the html5ever parser) takes time proportional to the length of a text
times the depth of its open elements, because every new block looks down the stack of open
elements for a <p> to close: a Markdown list nested 40,000 deep (80 kB of "- - - ...") took
148 s. And html5ever re-opens the formatting elements left open (<b>, <i>, ...) inside each
block that follows, so 1 MB of tags left open grew to 222 MB of HTML in 12 s.

`balance()` reads the HTML once, as a tokenizer does, and writes it back in a form with a
single reading in every context: start tags with double-quoted attributes, end tags, and text
with each "<" escaped; comments, script and style dropped; the words of elements whose content
is raw text (<textarea>, <xmp>, ...) kept as text. `Tree` follows html5ever's stack of open
elements from those tokens, popping an element only where html5ever certainly pops it too, so
its depth and its count of formatting elements left open are upper bounds (up to a small
factor: html5ever adds <tbody> and <tr> inside tables) of what the sanitiser will face.
`line_of` takes the same measure along the Markdown's events, to say on which line it fails.

A leaf: rendering (render/markdown.py) and the reader's check of a post (commonmark.py
`nesting_problem`) take the same measure.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 100  # elements inside one another; a list nested 10 deep is 20 of them
MAX_OPEN_FORMATTING = 12  # <b>, <i>, <a>, ... open at once, each re-opened after every block


class TooDeep(Exception):
    """The HTML nests deeper than the limits; `offset` is where, in the HTML read."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


# -- the categories of the HTML parsing algorithm (WHATWG, "The stack of open elements") -------


def _names(text: str) -> frozenset[str]:
    return frozenset(text.split())


_HEADINGS = _names("h1 h2 h3 h4 h5 h6")
# Never pushed: void elements (and <col>, which html5ever ignores outside a table).
VOID = _names(
    "area base basefont bgsound br col embed hr image img input keygen link meta param source "
    "track wbr"
)
FORMATTING = _names("a b big code em font i nobr s small strike strong tt u")
SPECIAL = _HEADINGS | _names(
    "address applet area article aside base basefont bgsound blockquote body br button caption "
    "center col colgroup dd details dialog dir div dl dt embed fieldset figcaption figure footer "
    "form frame frameset head header hgroup hr html iframe img input keygen li link listing main "
    "marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script "
    "search section select source style summary table tbody td template textarea tfoot th thead "
    "title tr track ul wbr xmp mi mo mn ms mtext annotation-xml foreignobject desc"
)
# Elements that end "has an element in scope": an end tag never pops across them.
BOUNDARIES = _names(
    "applet caption html table td th marquee object template mi mo mn ms mtext annotation-xml "
    "foreignobject desc title"
)
# Elements whose start puts a marker in the list of active formatting elements.
MARKERS = _names("applet marquee object template td th caption")
# End tags that pop everything above their element when it is in scope (the classic list).
_POP_THROUGH = _HEADINGS | _names(
    "address article aside blockquote button center details dir div dl fieldset figcaption "
    "figure footer header hgroup listing main menu nav ol pre section summary ul p li dd dt "
    "applet marquee object"
)
# Start tags that close an open <p> first (checked only when it is the current node).
_CLOSES_P = _HEADINGS | _names(
    "address article aside blockquote center details dialog dir div dl fieldset figcaption "
    "figure footer header hgroup main menu nav ol p section summary ul pre listing li dd dt "
    "plaintext xmp"
)


@dataclass
class _Frame:
    """The formatting elements opened since a marker (td, th, object, ...), by name."""

    position: int  # of the marker element in the stack; -1 for the whole fragment
    counts: dict[str, int] = field(default_factory=dict)


class Tree:
    """html5ever's stack of open elements as an upper bound, in constant time per tag.

    An element is popped only when html5ever pops it too: by its own end tag when no element
    in between would stop html5ever, or by the few implied ends that hold whatever else is
    open (a <p> or <li> closed by the next one). Formatting elements are also counted apart,
    as html5ever's list of active formatting elements, since those are re-opened after each
    block that closes them.
    """

    def __init__(self) -> None:
        self.stack: list[str] = []
        self._where: dict[str, list[int]] = {}
        self._specials: list[int] = []
        self._bounds: list[int] = []
        self._lists: list[int] = []  # ul, ol: the bounds of an </li>
        self._buttons: list[int] = []  # the bounds of a </p>
        self._frames: list[_Frame] = [_Frame(-1)]
        self.formatting = 0

    def start(self, name: str, offset: int = 0) -> None:
        if name in VOID:
            return
        stack = self.stack
        if stack:
            top = stack[-1]
            if top == "p" and name in _CLOSES_P:
                self._pop_to(len(stack) - 1)
                top = stack[-1] if stack else ""
            if name == top == "li" or (name in ("dd", "dt") and top in ("dd", "dt")):
                self._pop_to(len(stack) - 1)
        position = len(stack)
        stack.append(name)
        self._where.setdefault(name, []).append(position)
        if name in SPECIAL:
            self._specials.append(position)
        if name in BOUNDARIES:
            self._bounds.append(position)
        if name in ("ul", "ol"):
            self._lists.append(position)
        elif name == "button":
            self._buttons.append(position)
        if name in FORMATTING:
            counts = self._frames[-1].counts
            counts[name] = counts.get(name, 0) + 1
            self.formatting += 1
            if self.formatting > MAX_OPEN_FORMATTING:
                raise TooDeep(
                    f"more than {MAX_OPEN_FORMATTING} bold, italic, link or other inline"
                    " elements open at once (nested, or HTML tags such as <b> never closed)",
                    offset,
                )
        if name in MARKERS:
            self._frames.append(_Frame(position))
        if len(stack) > MAX_DEPTH:
            raise TooDeep(
                f"more than {MAX_DEPTH} lists, quotes or HTML elements inside one another",
                offset,
            )

    def end(self, name: str) -> None:
        places = self._where.get(name)
        if not places:
            if name in FORMATTING:
                self._forget_formatting(name, None)
            return
        at = places[-1]
        above = _last(self._specials) > at
        if name in FORMATTING:
            # The adoption agency: with nothing special above, it pops to the element.
            if not above:
                self._pop_to(at)
                self._forget_formatting(name, at)
        elif name not in SPECIAL:
            if not above:  # "any other end tag": up the stack until a special element
                self._pop_to(at)
        elif name in _POP_THROUGH:
            bound = _last(self._bounds)
            if name == "li":
                bound = max(bound, _last(self._lists))
            elif name == "p":
                bound = max(bound, _last(self._buttons))
            if bound <= at:  # (applet, marquee and object bound themselves)
                self._pop_to(at)
        elif at == len(self.stack) - 1:  # other special elements: only as the current node
            self._pop_to(at)

    def _forget_formatting(self, name: str, at: int | None) -> None:
        """An end tag that removed `name` from html5ever's list of formatting elements.

        When the element is not open here (it was closed with the block around it), html5ever
        removes its entry only if no element since the last marker could keep it there."""
        frame = self._frames[-1]
        count = frame.counts.get(name, 0)
        if count == 0 or (at is None and _last(self._specials) > frame.position):
            return
        frame.counts[name] = count - 1
        self.formatting -= 1

    def _pop_to(self, position: int) -> None:
        stack, where = self.stack, self._where
        while len(stack) > position:
            name = stack.pop()
            at = len(stack)
            where[name].pop()
            for places in (self._specials, self._bounds, self._lists, self._buttons):
                if places and places[-1] == at:
                    places.pop()
            frame = self._frames[-1]
            if frame.position == at:
                self.formatting -= sum(frame.counts.values())
                self._frames.pop()


def _last(places: list[int]) -> int:
    return places[-1] if places else -1


# -- reading HTML as html5ever's tokenizer does, and writing it back with one reading ----------

_WS = "\t\n\f\r "
_NAME = rf"[A-Za-z][^{_WS}/>]*+"
_VALUE = rf"""[{_WS}]*+=[{_WS}]*+("[^"]*+"|'[^']*+'|[^{_WS}>]++)?+"""
_ATTR = rf"([^{_WS}/>][^{_WS}/>=]*+)(?:{_VALUE})?+"  # a name, and perhaps =value
_ATTRS = rf"(?:[{_WS}/]++|{_ATTR})*+".replace("(", "(?:").replace("(?:?:", "(?:")
_TOKEN = re.compile(
    r"<(?:"
    r"!--(?:-?>|.*?--!?>|.*)"  # a comment, with html5ever's <!--> and <!--->; open to the end
    r"|[!?][^>]*+>?"  # <!DOCTYPE>, <![CDATA[, <?php: bogus comments, to the first ">"
    rf"|/(?:({_NAME}){_ATTRS}>?|[^>]*+>?)"  # an end tag; </> and </ 3> are dropped
    rf"|({_NAME})({_ATTRS})>?"  # a start tag
    r")",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(_ATTR)
_SIMPLE_NAME = re.compile(r"[a-z][a-z0-9_.:-]*\Z")
# Dropped with their content, as nh3 drops them (clean_content_tags).
_DROPPED = frozenset({"script", "style"})
# Raw text: the words up to the end tag are text, never markup; RCDATA decodes entities.
_RAW_TEXT = frozenset({"xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"})
_RCDATA = frozenset({"textarea", "title"})

START, END, TEXT = 0, 1, 2


def tokens(html: str) -> Iterator[tuple[int, str, str, int]]:
    """(kind, name, canonical text, offset) for each start tag, end tag and run of text.

    The canonical text has one reading in every context, so a parser given the joined
    texts sees these tokens and no others."""
    pos, length = 0, len(html)
    search = _TOKEN.search
    while pos < length:
        match = search(html, pos)
        if match is None:
            yield TEXT, "", html[pos:].replace("<", "&lt;"), pos
            return
        begin = match.start()
        if begin > pos:
            yield TEXT, "", html[pos:begin].replace("<", "&lt;"), pos
        pos = match.end()
        if match[2] is None:
            if match[1] is not None and match[0].endswith(">"):
                name = match[1].lower()
                yield END, name, f"</{name}>", begin
            continue  # comments, doctypes and the like, dropped as nh3 drops them
        if not match[0].endswith(">"):
            return  # a tag still open at the end: html5ever drops it and all after it
        name = match[2].lower()
        if name in _DROPPED or name in _RAW_TEXT or name in _RCDATA:
            if name == "plaintext":
                close = None
            else:
                close = re.compile(rf"</{name}(?=[{_WS}/>])", re.IGNORECASE).search(html, pos)
            words = html[pos : close.start() if close else length]
            if name not in _DROPPED:
                if name in _RCDATA:
                    yield TEXT, "", words.replace("<", "&lt;"), pos
                else:
                    yield TEXT, "", words.replace("&", "&amp;").replace("<", "&lt;"), pos
            if close is None:
                return
            end = _TOKEN.match(html, close.start())
            pos = end.end() if end else length
            continue
        yield START, name, f"<{name}{_attributes(match[3])}>", begin


def _attributes(text: str) -> str:
    """The attributes as ` name="value"`: plain names only (nh3 keeps no other), the first of
    each name (as html5ever does), the value as written with its quotes escaped."""
    if not text.strip(_WS + "/"):
        return ""
    seen: set[str] = set()
    parts = []
    for match in _ATTRIBUTE.finditer(text):
        name = match[1].lower()
        if name in seen or not _SIMPLE_NAME.match(name):
            continue
        seen.add(name)
        value = match[2] or ""
        if value[:1] in ('"', "'"):
            value = value[1:-1]
        parts.append(f' {name}="{value.replace(chr(34), "&quot;")}"')
    return "".join(parts)


def balance(html: str) -> str:
    """`html` as the sanitiser should read it; raises TooDeep where it nests too deeply.

    A text of at most MAX_DEPTH tags cannot nest deeper than that, nor leave many elements
    open to re-open: it is returned as it is, without being read here."""
    if html.count("<") <= MAX_DEPTH:
        return html
    tree = Tree()
    parts = []
    for kind, name, text, offset in tokens(html):
        if kind == START:
            tree.start(name, offset)
        elif kind == END:
            tree.end(name)
        parts.append(text)
    return "".join(parts)


# -- where in the Markdown ------------------------------------------------------------------

# The elements pulldown-cmark writes for the start of a Markdown element (a list: see below).
_ELEMENTS = {
    "Paragraph": ("p",),
    "Heading": ("h2",),
    "BlockQuote": ("blockquote",),
    "CodeBlock": ("pre", "code"),
    "HtmlBlock": (),
    "Item": ("li",),
    "Table": ("table",),
    "TableHead": ("thead", "tr"),
    "TableRow": ("tr",),
    "TableCell": ("td",),
    "Emphasis": ("em",),
    "Strong": ("strong",),
    "Strikethrough": ("del",),
    "Link": ("a",),
    "Image": (),
}


def line_of(events: Iterable[tuple[object, Any]], text: str) -> int:
    """The line of `text` where it first nests too deeply: the measure of `balance`, taken
    along pulldown-cmark's events of it (pyromark.events_with_range), which know where in the
    text they come from. 1 if not found."""
    tree = Tree()
    opened: list[tuple[str, ...]] = []
    block: list[tuple[str, int]] = []  # an HTML block's lines, read as one piece at its end

    def raw(pieces: list[tuple[str, int]]) -> None:
        starts = []
        offset = 0
        for piece, _ in pieces:
            starts.append(offset)
            offset += len(piece)
        for kind, name, _, at in tokens("".join(piece for piece, _ in pieces)):
            if kind == START:
                try:
                    tree.start(name)
                except TooDeep:
                    raise TooDeep("", pieces[bisect.bisect_right(starts, at) - 1][1]) from None
            elif kind == END:
                tree.end(name)

    try:
        for event, where in events:
            if not isinstance(event, dict):  # "SoftBreak", "Rule": no element to open
                continue
            kind, value = next(iter(event.items()))
            if kind == "Start":
                element = value if isinstance(value, str) else next(iter(value))
                if element == "List":
                    names: tuple[str, ...] = ("ul",) if value["List"] is None else ("ol",)
                else:
                    names = _ELEMENTS.get(element, ("div",))
                opened.append(names)
                for name in names:
                    try:
                        tree.start(name)
                    except TooDeep:
                        raise TooDeep("", where["start"]) from None
            elif kind == "End":
                if block:
                    raw(block)
                    block.clear()
                for name in reversed(opened.pop() if opened else ()):
                    tree.end(name)
            elif kind == "Html":
                block.append((value, where["start"]))
            elif kind == "InlineHtml":
                raw([(value, where["start"])])
            elif kind == "Code":
                raw([("<code></code>", where["start"])])
    except TooDeep as exc:
        return text.count("\n", 0, exc.offset) + 1
    return 1
