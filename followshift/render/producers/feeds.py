"""Atom and JSON Feed 1.1 files: the whole site, each shift, each team within a shift.

This module owns the feed files and their serialisation; what a syndicated post says about
itself (headline, text, alt text, absolute URLs, its entry) is render/syndication.py. Nothing
here reads the clock: a feed's `updated` is its newest entry's modification time, so a build is
reproducible.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from followshift.render.context import RenderContext
from followshift.render.memo import REUSED
from followshift.render.producers import OutputFile
from followshift.render.syndication import (
    ATOM_FILE,
    JSON_FILE,
    SITE_ENTRIES,
    TIMELINE_ENTRIES,
    Entry,
    entry,
    plain_text,
    syndicated,
)
from followshift.render.views import PostView, ShiftView

ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
# The instant of an empty site's feed: a fixed value, never the build clock.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# XML 1.0 cannot carry these at all, not even escaped; Markdown passes them through.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _shift_syndicated(
    ctx: RenderContext, shift: ShiftView, team_id: str | None, limit: int
) -> tuple[PostView, ...]:
    """syndicated() of a shift's (or a team's in it) posts, made once per shift view: the
    site's feed and the shift's ask for the same."""

    def make() -> tuple[PostView, ...]:
        posts = shift.posts if team_id is None else shift.team_posts(team_id)
        return tuple(syndicated(posts, limit))

    key = ("syndicated", ctx.memo.digest(shift), team_id, limit)
    return ctx.derived.get(key, make)


def _shift_subtitle(ctx: RenderContext, shift: ShiftView) -> str:
    key = ("subtitle", ctx.memo.digest(shift))
    return ctx.derived.get(key, lambda: plain_text(shift.description_html))


@dataclass(frozen=True)
class Feed:
    folder: str  # "" for the site, "<shift>/", "<shift>/<team>/": the page the feed follows
    title: str
    subtitle: str
    updated: str
    entries: tuple[Entry, ...]


# -- the producer --------------------------------------------------------------------------------


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    """`feed.xml` and `feed.json` beside the site index, each shift and each team in a shift."""
    config = ctx.config
    # A post is in up to three feeds, and in watch its entry is kept from one rebuild to the
    # next, by its view's digest and the build fingerprint (settings, theme: its catalog); a
    # one-off build needs each entry in one or two feeds only and does not hold them.
    made = ("feed entry", ctx.memo.fingerprint)
    # A one-off build holds the entries of one shift at a time: a post is in its shift's feed
    # and its team's (and perhaps the site's), and its entry is made once for them (an entry
    # sanitises the post's HTML again: 4,000 of 14,000 were made twice at TEXT-10k-weekly).
    shift_entries: dict[str, Entry] = {}

    def entry_of(post: PostView) -> Entry:
        def make() -> Entry:
            return entry(post, config.base_url, ctx.formatter, ctx.gettext)

        if not ctx.derived.retain:  # not kept beyond the shift: the URL names the post
            found = shift_entries.get(post.url)
            if found is None:
                found = shift_entries[post.url] = make()
            return found
        return ctx.derived.get((*made, ctx.memo.digest(post)), make, keep=True)

    def make(folder: str, title: str, subtitle: str, chosen: tuple[PostView, ...],
             empty: datetime) -> Feed | str:  # fmt: skip
        """The feed of the `chosen` posts (syndicated()), or only its folder when last build's
        files still stand (render memo)."""
        inputs = {"folder": folder, "title": title, "subtitle": subtitle,
                  "posts": chosen, "empty": empty}  # fmt: skip
        key = ctx.memo.key("feed", inputs)
        kept = [ctx.memo.reuse(folder + name, key) for name in (ATOM_FILE, JSON_FILE)]
        if all(kept):
            return folder
        newest = max((p.modified for p in chosen), default=empty)
        entries = tuple(entry_of(p) for p in chosen)
        return Feed(folder, title, subtitle, ctx.formatter.iso(newest), entries)

    def feeds() -> Iterator[Feed | str]:
        # The site's newest are among the newest of each shift (SITE_ENTRIES <= TIMELINE_ENTRIES).
        newest = (
            p for shift in ctx.shifts for p in _shift_syndicated(ctx, shift, None, TIMELINE_ENTRIES)
        )
        yield make(
            "",
            config.title,
            config.description,
            tuple(syndicated(newest, SITE_ENTRIES)),
            min((shift.start for shift in ctx.shifts), default=EPOCH),
        )
        for shift in ctx.shifts:
            shift_entries.clear()
            subtitle = _shift_subtitle(ctx, shift)
            chosen = _shift_syndicated(ctx, shift, None, TIMELINE_ENTRIES)
            yield make(shift.url, f"{shift.title} · {config.title}", subtitle, chosen, shift.start)
            for shift_team in shift.teams:
                yield make(
                    shift_team.url,
                    f"{shift_team.team.name} · {shift.title} · {config.title}",
                    subtitle,
                    _shift_syndicated(ctx, shift, shift_team.team.id, TIMELINE_ENTRIES),
                    shift.start,
                )

    # One feed at a time: made, written and let go (all of a site's feeds at once held ~20,000
    # entries with their HTML at 50,000 posts).
    for feed in feeds():
        if isinstance(feed, str):
            yield feed + ATOM_FILE, REUSED
            yield feed + JSON_FILE, REUSED
        else:
            yield feed.folder + ATOM_FILE, atom(feed, ctx)
            yield feed.folder + JSON_FILE, json_feed(feed, ctx)


# -- Atom (RFC 4287) -----------------------------------------------------------------------------


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom(feed: Feed, ctx: RenderContext) -> bytes:
    """The feed, laid out as ElementTree writes it after ET.indent(space=" "): each element on
    its own line, one space deeper per level."""
    config = ctx.config
    page = config.base_url + feed.folder
    icons = [("icon", "favicon.svg"), ("logo", "share.png")]
    assets = ctx.assets
    lines = [
        _leaf("id", page),
        _leaf("title", feed.title),
        *([_leaf("subtitle", feed.subtitle)] if feed.subtitle else []),
        _leaf("updated", feed.updated),
        _leaf("link", rel="self", type=ATOM_TYPE, href=page + ATOM_FILE),
        _leaf("link", rel="alternate", type="text/html", href=page),
        "<author>",
        " " + _leaf("name", config.title),
        " " + _leaf("uri", config.base_url),
        "</author>",
        _leaf("generator", "followshift"),
        *(_leaf(tag, config.base_url + assets[name]) for tag, name in icons if name in assets),
        # Each entry is written once (and remembered: a post stays in its feeds over many
        # rebuilds).
        *(_atom_entry(item) for item in feed.entries),
    ]
    root = _start("feed", xmlns=ATOM_NS, **{"xml:lang": config.language})
    text = root + ">\n " + "\n ".join(lines) + "\n</feed>"
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


# A shift's feeds share their entries (the shift's, each team's in it: ~1,400): enough for
# those; 8,192 entries held ~20 MB in the build process at 50,000 posts.
@functools.lru_cache(maxsize=1 << 11)
def _atom_entry(item: Entry) -> str:
    """One <entry>, laid out and escaped as ElementTree writes it after ET.indent() at one
    level deep, without tail. Written directly because a feed's entries are most of its work:
    ElementTree's pure-Python serialiser took 60 µs an entry; one string instead of a _leaf()
    call per element takes a third less again (47 -> 32 µs, both in one process, one after
    the other). A test compares it with ElementTree on hostile entries."""
    href = _attribute(item.id)
    image = (
        f'\n  <link rel="enclosure" type="image/jpeg" href="{_attribute(item.image)}" />'
        if item.image
        else ""
    )
    return (
        f"<entry>\n  {_element('id', item.id)}\n  {_element('title', item.title)}"
        f'\n  <link rel="alternate" type="text/html" href="{href}" />{image}'
        f"\n  {_element('published', item.published)}\n  {_element('updated', item.updated)}"
        f"\n  <author>\n   {_element('name', item.author)}\n   {_element('uri', item.author_url)}"
        f'\n  </author>\n  <category term="{_attribute(item.team_id)}"'
        f' label="{_attribute(item.team_name)}" />'
        f"\n  {_element('content', item.content_html, _HTML_TYPE)}\n </entry>"
    )


_HTML_TYPE = ' type="html"'


def _element(tag: str, text: str, attributes: str = "") -> str:
    """`<tag>text</tag>` with the text escaped, or `<tag />` when it has none."""
    text = _xml(text)
    if not text:
        return f"<{tag}{attributes} />"
    return f"<{tag}{attributes}>{html.escape(text, quote=False)}</{tag}>"


def _attribute(value: str) -> str:
    """An attribute's value escaped as ElementTree does."""
    return html.escape(_xml(value), quote=False).translate(_ATTRIBUTE)


# ElementTree's escaping of an attribute value beyond & < > (which html.escape does): what
# xml.sax.saxutils.escape(value, entities) does, without importing xml.sax.saxutils, which
# imports urllib.request, http.client and ssl (27 ms of every start of a build).
_ATTRIBUTE = str.maketrans({'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def _leaf(tag: str, text: str = "", **attributes: str) -> str:
    """An element without children as ElementTree writes it: `<tag a="v">text</tag>`, or
    `<tag a="v" />` when it has no text."""
    return _element(tag, text, _attributes(attributes))


def _start(tag: str, **attributes: str) -> str:
    """`<tag a="v"`: a start tag without its end."""
    return f"<{tag}{_attributes(attributes)}"


def _attributes(attributes: dict[str, str]) -> str:
    return "".join(f' {k}="{_attribute(v)}"' for k, v in attributes.items())


# -- JSON Feed 1.1 -------------------------------------------------------------------------------


def json_feed(feed: Feed, ctx: RenderContext) -> bytes:
    """Compact JSON: a feed is read by programs, and the C encoder that writes it without
    indentation is several times faster than the pure-Python one that indents."""
    config = ctx.config
    page = config.base_url + feed.folder
    data: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": page,
        "feed_url": page + JSON_FILE,
    }
    if feed.subtitle:
        data["description"] = feed.subtitle
    if "favicon.svg" in ctx.assets:
        data["favicon"] = config.base_url + ctx.assets["favicon.svg"]
    data["authors"] = [{"name": config.title, "url": config.base_url}]
    data["language"] = config.language
    data["items"] = [_json_item(item) for item in feed.entries]
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")


def _json_item(item: Entry) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": item.id,
        "url": item.id,
        "title": item.title,
        "content_html": item.content_html,
        "date_published": item.published,
        "date_modified": item.updated,
        "authors": [{"name": item.author, "url": item.author_url}],
        "tags": [item.team_name],
    }
    if item.image:
        data["image"] = item.image
    return data
