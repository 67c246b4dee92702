"""Markdown → sanitised HTML.

Python-Markdown renders, nh3 (Ammonia) sanitises with an allow-list: no script, style, iframe or
img (photos go through the photo pipeline, never a raw <img> to an original), no on* attributes,
only http(s)/mailto/tel links, and every link gets rel="noopener".
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

import markdown as md
import nh3
from markdown import util
from markdown.extensions import Extension
from markdown.extensions.sane_lists import SaneListExtension
from markdown.extensions.smarty import SmartyExtension
from markdown.extensions.tables import TableExtension
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

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
_EXTENSIONS = ["sane_lists", "tables", "smarty", "toc"]
# toc's baselevel shifts headings down one level: a post's "# Kop" must not become a second <h1>
# on the page. The ids it adds are dropped by the sanitiser (they would collide between posts).
_CONFIG = {
    "smarty": {"substitutions": {"left-double-quote": "“", "right-double-quote": "”"}},
    "toc": {"baselevel": 2},
}
_CLASSES: dict[str, type[Extension]] = {
    "sane_lists": SaneListExtension,
    "tables": TableExtension,
    "smarty": SmartyExtension,
    "toc": TocExtension,
}


def _extensions() -> list[Extension]:
    """_EXTENSIONS as objects with their _CONFIG. Given a name, Python-Markdown looks it up
    among every installed package's entry points (importing importlib.metadata and reading
    each package's metadata): 25 ms of every start, more with more packages installed."""
    return [_CLASSES[name](**_CONFIG.get(name, {})) for name in _EXTENSIONS]


class MarkdownRenderer:
    """Markdown → safe HTML, remembering results by the text's digest.

    The memory is a plain dict so a build can hand it to the next one (watch keeps it; build
    stores it in the cache folder): a post's Markdown is rendered once, not once per build.
    """

    RUN = 32  # texts a process of render_all() draws at a time: ~6 ms of work

    def __init__(self, memory: dict[bytes, str] | None = None) -> None:
        self.memory = memory if memory is not None else {}
        # Each text's digest, by the text: a post's body is looked up three times in a cold
        # build (by the prefetch, render_all and its view), and hashing it again cost 3 us
        # each time, in the build's serial parts; a str remembers its own hash(). One build's
        # texts only: a renderer lives for one build.
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
        from followshift import parallel

        memory, key = self.memory, self.key
        todo = {k: text for text in texts if text.strip() and (k := key(text)) not in memory}
        if jobs < 2 or len(todo) < parallel.MIN_TEXTS:
            return
        keys, sources = list(todo), list(todo.values())
        runs = parallel.Counter()

        def share(k: int) -> list[tuple[int, list[str]]]:
            if k == 0 and meanwhile is not None:
                meanwhile()
            done = []
            while (start := runs.next() * self.RUN) < len(sources):
                done.append(
                    (start, [render_markdown(t) for t in sources[start : start + self.RUN]])
                )
            return done

        for done in parallel.run(share, jobs):
            for start, htmls in done:
                memory.update(zip(keys[start : start + self.RUN], htmls, strict=True))


class Prefetch:
    """Markdown rendered by a forked worker while the build process is still reading the site.

    Reading runs in one process and Markdown is what comes next, so a second core would sit
    idle during the read: the worker takes the texts of each team folder as it is read. It is
    given a batch only while it has at most one other waiting (it converts slower than the
    reader reads); whatever it is not given is rendered by render_all() afterwards, as before.
    Only for a cold build (nothing rendered yet): a rebuild has its Markdown already. Only an
    optimisation: the same texts give the same HTML wherever they are rendered.
    """

    BATCH = 64

    def __init__(self, renderer: MarkdownRenderer, jobs: int) -> None:
        from followshift import parallel

        self._memory = renderer.memory
        self._key = renderer.key
        self._on = jobs > 1 and parallel.can_fork() and not renderer.memory
        self._pool: Any = None
        self._batch: list[str] = []
        self._sent: list[tuple[list[str], Any]] = []
        self._done = 0  # batches at the front of _sent known to be finished (done in order)

    def add(self, posts: Iterable[Any]) -> None:
        """Texts just read (the posts of a team folder)."""
        if not self._on:
            return
        self._batch += [post.body for post in posts if post.body.strip()]
        while len(self._batch) >= self.BATCH:
            texts, self._batch = self._batch[: self.BATCH], self._batch[self.BATCH :]
            sent = self._sent
            while self._done < len(sent) and sent[self._done][1].done():
                self._done += 1
            if len(sent) - self._done < 2:
                self._send(texts)
            # else: left for render_all()

    def _send(self, texts: list[str]) -> None:
        if self._pool is None:
            from followshift import parallel

            self._pool = parallel.pool(1)
        self._sent.append((texts, self._pool.submit(_render_batch, texts)))

    def finish(self) -> None:
        """Takes what the worker made (waiting for the batches it was given) and ends it. If it
        was killed or failed, what it did not deliver is rendered later like the rest (where a
        real error in the Markdown is then reported as usual)."""
        from followshift import parallel

        finished = False
        try:
            for texts, result in self._sent:
                self._memory.update(zip(map(self._key, texts), result.result(), strict=True))
            finished = True
        except Exception:  # BrokenProcessPool, or anything the worker raised: only a head start
            pass
        finally:
            self._sent = []
            self._batch = []
            if self._pool is not None:
                if finished:
                    self._pool.shutdown(wait=True)
                else:  # killed, or an error or Ctrl-C in the build: do not wait for it
                    parallel.stop(self._pool)
                self._pool = None


def _render_batch(texts: list[str]) -> list[str]:
    return [render_markdown(text) for text in texts]


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


# What each of Python-Markdown's own inline patterns needs in a text to match at all: its regular
# expression cannot match text that contains none of these. A pattern not named here (an
# extension's) is always tried.
INLINE_TRIGGERS: dict[str, tuple[str, ...]] = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  \n",),
    "html": ("<",),
    "entity": ("&",),
    "not_strong": ("*", "_"),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "strong_em": ("*", "_"),
}

# The same for smarty's patterns (quotes, dashes, ellipses; angled quotes are off), by the
# names smarty registers them under: "smarty-quotes-N" is the N-th of its quote expressions.
_SINGLE, _DOUBLE = ("'",), ('"',)
SMARTY_TRIGGERS: dict[str, tuple[str, ...]] = {
    "smarty-em-dashes": ("---",),
    "smarty-en-dashes": ("--",),
    "smarty-ellipses": ("...",),
    **{
        f"smarty-quotes-{n}": needs
        for n, needs in enumerate(
            [
                _SINGLE,  # a quote opening the text, followed by punctuation
                _DOUBLE,
                ("\"'",),  # double quote sets
                ("'\"",),
                ("'\"",),
                ("\"'",),
                _SINGLE,  # decade abbreviation ('80s)
                _SINGLE,  # opening, closing, remaining single quotes
                _SINGLE,
                _SINGLE,
                _SINGLE,
                _DOUBLE,  # opening, closing, remaining double quotes
                _DOUBLE,
                _DOUBLE,
                _DOUBLE,
            ]
        )
    },
}


def _any_of(triggers: Iterable[tuple[str, ...] | None]) -> re.Pattern[str]:
    """An expression that finds any of these triggers in a text."""
    every = sorted({needed for needs in triggers if needs for needed in needs})
    return re.compile("|".join(map(re.escape, every)))


# Every pattern of smarty matches one of these: a text without any is left as it is.
_SMARTY_TRIGGER = _any_of(SMARTY_TRIGGERS.values())


class _SkippingInline(InlineProcessor):
    """An inline pass trying on each piece of text only the patterns that can match it.

    The stock pass tries every pattern on every text and tail of the tree, one after another,
    which is most of the cost of converting a short post: fourteen patterns in the main pass
    and fifteen in smarty's, and a typical piece of text has a `*`, a `[` or an apostrophe but
    none of `` ` \\ < & " ``. A pattern is skipped only when none of its trigger strings occurs
    in the text (TRIGGERS, by the pattern's registered name); matching replaces text with
    placeholders made of none of them, so it cannot make a trigger appear. The stock loop
    otherwise, unchanged: the output is the stock output (tests compare them).
    """

    TRIGGERS: ClassVar[dict[str, tuple[str, ...]]] = {}

    def use(self, patterns: Any) -> None:
        """Sets the patterns this pass applies (a Registry), with their triggers."""
        self.inlinePatterns = patterns
        self._triggers: list[tuple[str, ...] | None] = [None] * len(patterns)
        for name, needs in self.TRIGGERS.items():
            if name in patterns:
                self._triggers[patterns.get_index_for_name(name)] = needs
        # Any trigger of any pattern; None when a pattern has none (it is always tried).
        self._anything = None if None in self._triggers else _any_of(self._triggers)

    def run(self, tree: Any, ancestors: list[str] | None = None) -> Any:
        """The stock pass, unless no text or tail in the tree has a trigger of any pattern:
        then the stock pass would hand every piece back unchanged, after walking the tree,
        mapping its parents and rebuilding each text (about 40 us a post, for the half of the
        posts that have nothing for smarty)."""
        anything = self._anything
        if anything is None:
            return super().run(tree, ancestors)
        for element in tree.iter():
            text, tail = element.text, element.tail
            if (text and anything.search(text)) or (tail and anything.search(tail)):
                return super().run(tree, ancestors)
        return tree

    # The stock method is private (name-mangled); tests check that this still overrides it.
    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:
        if isinstance(data, util.AtomicString):
            return data
        if self._anything is not None and self._anything.search(data) is None:
            return data  # most pieces of text: nothing any pattern needs
        patterns, triggers = self.inlinePatterns, self._triggers
        apply = self._InlineProcessor__applyPattern  # type: ignore[attr-defined]
        count = len(patterns)
        startIndex = 0
        while patternIndex < count:
            needs = triggers[patternIndex]
            if needs is not None:
                for needed in needs:
                    if needed in data:
                        break
                else:  # none of them: the pattern cannot match
                    patternIndex += 1
                    startIndex = 0
                    continue
            pattern = patterns[patternIndex]
            data, matched, startIndex = apply(pattern, data, patternIndex, startIndex)
            if not matched:
                patternIndex += 1
        return data


class _MainInline(_SkippingInline):
    TRIGGERS = INLINE_TRIGGERS


class _SmartyInline(_SkippingInline):
    TRIGGERS = SMARTY_TRIGGERS


# The same for block processors, by their registered names: the test of each cannot be true for
# a block that contains none of these (a multi-line regular expression searched over the whole
# block, for every block of every post, where the literal it needs is rarely there). The
# reference processor's test is always true: its run() finds no "[id]: url" without "]:".
BLOCK_TRIGGERS: dict[str, tuple[str, ...]] = {
    "table": ("|",),
    "hashheader": ("#",),
    "setextheader": ("\n=", "\n-"),
    "hr": ("-", "_", "*"),
    "quote": (">",),
}
REFERENCE_TRIGGER = "]:"


def _skip_block_tests(parser: md.Markdown) -> None:
    """Gives each block processor named in BLOCK_TRIGGERS a test that is false at once for a
    block without its trigger, and the reference processor a run() that does nothing for one
    without "]:" (the stock one takes the block, finds nothing and puts it back). Set on the
    instances: the classes stay stock. Tests compare the output with the stock parser's."""
    processors = parser.parser.blockprocessors
    for name, needs in BLOCK_TRIGGERS.items():
        if name in processors:
            processor = processors[name]
            processor.test = _guarded_test(processor.test, needs)  # type: ignore[method-assign]
    if "reference" in processors:
        reference = processors["reference"]
        stock_run = reference.run

        def run(parent: Any, blocks: list[str]) -> bool:
            return REFERENCE_TRIGGER in blocks[0] and stock_run(parent, blocks)

        reference.run = run  # type: ignore[method-assign]


def _skip_html_blocks(parser: md.Markdown) -> None:
    """The raw-HTML preprocessor runs Python's HTMLParser over the whole text; a text with no
    "<" and no "&" has no tag, comment or reference for it to find, and comes out unchanged
    (the parser hands it all to handle_data, which keeps it as it is)."""
    html_block = parser.preprocessors["html_block"]
    stock_run = html_block.run

    def run(lines: list[str]) -> list[str]:
        for line in lines:
            if "<" in line or "&" in line:
                return stock_run(lines)
        return lines

    html_block.run = run  # type: ignore[method-assign]


def _guarded_test(test: Any, needs: tuple[str, ...]) -> Any:
    def guarded(parent: Any, block: str) -> bool:
        for needed in needs:
            if needed in block:
                return test(parent, block)  # type: ignore[no-any-return]
        return False

    return guarded


class _Toc(TocTreeprocessor):
    """toc's pass, skipped for a text with no heading and no `[TOC]` marker: it would change
    nothing in it (it gives headings their level and id, and puts a table of contents in
    place of the marker)."""

    def run(self, doc: Any) -> None:
        marker = self.marker
        for element in doc.iter():
            tag = element.tag
            if isinstance(tag, str) and self.header_rgx.match(tag):
                return super().run(doc)
            if marker and element.text and element.text.strip() == marker:
                return super().run(doc)
        return None


def _parser() -> md.Markdown:
    parser = md.Markdown(extensions=_extensions(), output_format="html")
    main = _MainInline(parser)
    main.use(parser.inlinePatterns)
    parser.treeprocessors.register(main, "inline", 20)  # the stock priority
    smarty = _SmartyInline(parser)
    smarty.use(parser.treeprocessors["smarty"].inlinePatterns)
    parser.treeprocessors.register(smarty, "smarty", 6)  # smarty's own priority
    # The same object with its settings (baselevel), with the skipping run().
    parser.treeprocessors["toc"].__class__ = _Toc
    _skip_block_tests(parser)
    _skip_html_blocks(parser)
    return parser


_PARSER = _parser()


def render_markdown(text: str) -> str:
    """Safe HTML for a post body or shift description.

    One parser is reused (reset between texts): setting up Python-Markdown's extensions costs
    more than converting a short post.
    """
    if not text.strip():
        return ""
    return sanitise(_PARSER.reset().convert(text))


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
    return _CLEANER.clean(html).strip()
