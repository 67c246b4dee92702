"""Markdown → sanitised HTML.

pulldown-cmark (Rust; the CommonMark parser of Zola, mdBook and rustdoc, through the pyromark
bindings) renders CommonMark with GitHub's tables and strikethrough; nh3 (Ammonia) sanitises
with an allow-list: no script, style, iframe or img (photos go through the photo pipeline,
never a raw <img> to an original), no on* attributes, only http(s)/mailto/tel links, and every
link gets rel="noopener"; a link whose address was refused becomes its words. Control characters
and Unicode noncharacters never get through (XML, and so an Atom feed, cannot carry them), and
Markdown nested too deeply for the sanitiser to finish in time is refused (see `nesting`).
"""

from __future__ import annotations

import hashlib
import html as html_text
import re
from collections.abc import Callable, Iterable
from typing import Any

import nh3

from followshift.clean import without_controls
from followshift.commonmark import convert
from followshift.nesting import TooDeep, balance

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "del",
    "ins",
    "mark",
    "small",
    "sub",
    "sup",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h2",
    "h3",
    "h4",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


class MarkdownRenderer:
    """Markdown → safe HTML, remembering results by the text's digest.

    The memory is a plain dict so a build can hand it to the next one (watch keeps it; build
    stores it in the cache folder): a post's Markdown is rendered once, not once per build.
    """

    RUN = 32  # texts a process of render_all() draws at a time: ~0.6 ms of work

    def __init__(self, memory: dict[bytes, str] | None = None) -> None:
        self.memory = memory if memory is not None else {}
        # Each text's digest, by the text: a post's body is looked up twice in a cold build
        # (by render_all and by its view), and hashing it again cost 3 us each time, in the
        # build's serial part; a str remembers its own hash(). One build's texts only: a
        # renderer lives for one build.
        self._keys: dict[str, bytes] = {}

    def key(self, text: str) -> bytes:
        key = self._keys.get(text)
        if key is None:
            key = self._keys[text] = _key(text)
        return key

    def __call__(self, text: str) -> str:
        if not text.strip():
            return ""
        key = self.key(text)
        html = self.memory.get(key)
        if html is None:
            html = self.memory[key] = render_markdown(text)
        return html

    def render_all(
        self, texts: Iterable[str], jobs: int, meanwhile: Callable[[], object] | None = None
    ) -> None:
        """Renders the texts not remembered yet in `jobs` forked workers, when there are enough
        of them to be worth it (a cold build); otherwise __call__ renders each when asked.

        The build process calls `meanwhile()` first (work of its own that the workers will
        inherit at their next fork), then joins in. The texts go in runs of RUN, each process
        drawing the next as it finishes one, so the processes end together however long that
        took."""
        from followshift.build import schedule

        memory, key = self.memory, self.key
        todo = {k: text for text in texts if text.strip() and (k := key(text)) not in memory}
        if jobs < 2 or len(todo) < schedule.FORK_MIN_WORK:
            return
        keys, sources = list(todo), list(todo.values())
        runs = schedule.Counter()

        def share(k: int) -> list[tuple[int, list[str]]]:
            if k == 0 and meanwhile is not None:
                meanwhile()
            done = []
            while (start := runs.next() * self.RUN) < len(sources):
                done.append(
                    (start, [render_markdown(t) for t in sources[start : start + self.RUN]])
                )
            return done

        for done in schedule.run(share, jobs):
            for start, htmls in done:
                memory.update(zip(keys[start : start + self.RUN], htmls, strict=True))


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def render_markdown(text: str) -> str:
    """Safe HTML for a post body or shift description.

    Text nested too deeply (which `nesting_problem` reports as an error of its post) comes out
    as plain paragraphs: the words stay readable and the sanitiser never sees the nesting."""
    text = without_controls(text)
    if not text.strip():
        return ""
    try:
        html = balance(convert(text))
    except TooDeep:
        return "\n".join(
            f"<p>{html_text.escape(block.strip(), quote=False)}</p>"
            for block in _BLANK_LINE.split(text)
            if block.strip()
        )
    return sanitise(html)


def cleaner(**options: Any) -> nh3.Cleaner:
    """An nh3 sanitiser with this project's allow-list (and `options`, e.g. an attribute_filter).

    Made once and reused: nh3.clean() converts the allow-list to Rust for every call, which
    took more than half of its time for a short post (32 -> 13 us a post).
    """
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        clean_content_tags={"script", "style"},
        **options,
    )


_CLEANER = cleaner()


def sanitise(html: str) -> str:
    clean = _CLEANER.clean(html)
    if (without := without_controls(clean)) is not clean:
        # From a character reference (&#1;) in raw HTML; cleaned again, since a link without
        # them can read differently ("java&#1;script:").
        clean = _CLEANER.clean(without)
    if _DEAD_LINK.search(clean):
        clean = _unwrap_dead_links(clean)
    return clean.strip()


# -- links whose address the sanitiser refused -------------------------------------------------

# A start tag <a ...> without an href (nh3 gave it rel="noopener" all the same), found with the
# attributes as nh3 writes them: ` name="value"`, a quote inside a value written as &quot;.
_DEAD_LINK = re.compile(r'<a(?![^>]*\shref=")[\s>]')
_LINK_TAG = re.compile(r'<a((?: [a-z:-]+="[^"]*")*)>|</a>')


def _unwrap_dead_links(html: str) -> str:
    """Each <a> without an href replaced by its content: rel= on such a link is invalid HTML,
    and a reader would take it for a link that does not work."""
    parts: list[str] = []
    kept: list[bool] = []  # for each <a> open at this point, whether it stays
    pos = 0
    for match in _LINK_TAG.finditer(html):
        if match[0] == "</a>":
            keep = kept.pop() if kept else True
        else:
            keep = ' href="' in match[1]
            kept.append(keep)
        if not keep:
            parts.append(html[pos : match.start()])
            pos = match.end()
    parts.append(html[pos:])
    return "".join(parts)


# Paragraphs, for text nested too deeply to render as Markdown.
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
