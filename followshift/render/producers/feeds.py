"""Atom and JSON Feed 1.1 files: the whole site, each shift, each team within a shift.

This module owns the feed files and their paths, and what a syndicated post says about itself
(its headline, its text, its photos' alt text, its absolute URLs), which `structured` reuses for
JSON-LD. Only published posts are syndicated: never a draft (even in a `--drafts` preview) and
never a scheduled post (those are not in the views at all). Nothing here reads the clock: a
feed's `updated` is its newest entry's modification time, so a build is reproducible.
"""

from __future__ import annotations

import functools
import heapq
import html
import json
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from markupsafe import Markup

from followshift.render.locale import Formatter, load_translations
from followshift.render.markdown import cleaner
from followshift.render.media import PhotoView
from followshift.render.memo import REUSED, Reused
from followshift.render.views import PostView, ShiftView

if TYPE_CHECKING:
    from followshift.render.producers.pages import SiteRenderer

ATOM_FILE = "feed.xml"
JSON_FILE = "feed.json"
ATOM_TYPE = "application/atom+xml"
JSON_TYPE = "application/feed+json"
ATOM_NS = "http://www.w3.org/2005/Atom"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
SITE_ENTRIES = 50
TIMELINE_ENTRIES = 100  # a shift's and a team-in-shift's feed
# The instant of an empty site's feed: a fixed value, never the build clock.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# XML 1.0 cannot carry these at all, not even escaped; Markdown passes them through.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_TAG = re.compile("<[^>]*>")  # from a "<" to the first ">" after it, as striptags

Gettext = Callable[[str], str]


# -- what a syndicated post says about itself ---------------------------------------------------


def _newest(post: PostView) -> tuple[datetime, str, str, str]:
    return (post.time, post.shift_id, post.team.id, post.id)


def syndicated(posts: Iterable[PostView], limit: int) -> list[PostView]:
    """The newest `limit` published posts, newest first; ties in a fixed order."""
    # The same as sorting all and taking the first `limit`, in time proportional to the posts.
    return heapq.nlargest(limit, (p for p in posts if not p.draft), key=_newest)


def _shift_syndicated(shift: ShiftView, team_id: str | None, limit: int) -> tuple[PostView, ...]:
    """syndicated() of a shift's (or a team's in it) posts, made once per shift view."""
    key = ("syndicated", team_id, limit)
    chosen = shift.memo.get(key)
    if chosen is None:
        posts = shift.posts if team_id is None else shift.team_posts(team_id)
        chosen = shift.memo[key] = tuple(syndicated(posts, limit))
    return chosen  # type: ignore[return-value]


def _shift_subtitle(shift: ShiftView) -> str:
    subtitle = shift.memo.get("subtitle")
    if subtitle is None:
        subtitle = shift.memo["subtitle"] = plain_text(shift.description_html)
    return subtitle  # type: ignore[return-value]


def headline(post: PostView, formatter: Formatter) -> str:
    """The post's title, or "<team>, <time>" as its page heading says when it has none."""
    return post.title or f"{post.team.name}, {formatter.time(post.time)}"


# Enough for the newest posts of every timeline of a live shift (what its JSON-LD and feeds ask
# for at each rebuild); a cold build asks once for every post (its page), and 32,768 entries
# held ~60 MB in each rendering process at 50,000 posts.
@functools.lru_cache(maxsize=1 << 12)
def plain_text(fragment: str) -> str:
    """Sanitised HTML as one line of text: tags dropped, entities decoded, spaces collapsed.

    What `Markup(fragment).striptags()` gives, with the spaces that decoded entities make
    collapsed too. Without comments (sanitised HTML has none) the tags go in one regular
    expression pass instead of MarkupSafe's loop, which copies the text once per tag: a third
    of the time of a post page's metadata (tests compare the two).

    Remembered: every timeline page (JSON-LD) asks it of each of its posts, at every rebuild.
    """
    if "<!--" in fragment:
        return " ".join(Markup(fragment).striptags().split())
    return " ".join(html.unescape(_TAG.sub("", fragment)).split())


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word boundary with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,.;:") + "…"


def photo_alt(photo: PhotoView, post: PostView, gettext: Gettext, formatter: Formatter) -> str:
    """The officer's alt text, else the fallback the photo on the page has."""
    if photo.alt:
        return photo.alt
    fallback = gettext("Photo by %(team)s at %(time)s")
    return fallback % {"team": post.team.name, "time": formatter.time(post.time)}


def theme_gettext(r: SiteRenderer) -> Gettext:
    """The theme's UI catalog, for the few words (alt fallbacks) that appear outside pages."""
    return _catalog(tuple(r.theme.locale_dirs), r.formatter.language, r.theme.fingerprint)


@functools.lru_cache(maxsize=8)
def _catalog(locale_dirs: tuple[Path, ...], language: str, fingerprint: str) -> Gettext:
    """Compiled once, not at every rebuild of `watch`: the theme's fingerprint covers its .po
    files, so an edited catalog is compiled again."""
    return load_translations(list(locale_dirs), language).gettext


def absolute_html(fragment: str, base: str) -> str:
    """The post's sanitised HTML with every href/src resolved against `base` (its permalink).

    A feed is read away from the site, where relative links would point nowhere. The fragment
    goes through the same allow-list again, so nothing the page would not show gets in.
    """
    return _ABSOLUTE(fragment, base)


class _Absolute:
    """One sanitiser for every entry (see markdown.cleaner), whose attribute filter resolves
    links against the base of the fragment being cleaned, kept per thread."""

    def __init__(self) -> None:
        self._local = threading.local()
        self._cleaner = cleaner(attribute_filter=self._resolve)

    def _resolve(self, _tag: str, attribute: str, value: str) -> str:
        return urljoin(self._local.base, value) if attribute in ("href", "src") else value

    def __call__(self, fragment: str, base: str) -> str:
        self._local.base = base
        return self._cleaner.clean(fragment)


_ABSOLUTE = _Absolute()


# -- one entry, as both formats need it --------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    id: str  # the permalink: stable while a post's time or text is corrected
    title: str
    published: str  # local time with offset
    updated: str
    author: str
    author_url: str
    team_id: str
    team_name: str
    content_html: str
    image: str  # the first photo's og JPEG, absolute; "" without photos


def entry(post: PostView, base_url: str, formatter: Formatter, gettext: Gettext) -> Entry:
    permalink = base_url + post.url
    parts = [absolute_html(post.html, permalink)] if post.html else []
    for photo in post.photos:
        alt = html.escape(photo_alt(photo, post, gettext, formatter), quote=True)
        parts.append(
            f'<p><img src="{html.escape(base_url + photo.full, quote=True)}"'
            f' width="{photo.width}" height="{photo.height}" alt="{alt}"></p>'
        )
    team = post.team
    return Entry(
        id=permalink,
        title=headline(post, formatter),
        published=formatter.iso(post.time),
        updated=formatter.iso(post.modified),
        author=f"{post.author} ({team.name})" if post.author else team.name,
        author_url=base_url + team.url,
        team_id=team.id,
        team_name=team.name,
        content_html="\n".join(parts),
        image=base_url + post.photos[0].og if post.photos else "",
    )


@dataclass(frozen=True)
class Feed:
    folder: str  # "" for the site, "<shift>/", "<shift>/<team>/": the page the feed follows
    title: str
    subtitle: str
    updated: str
    entries: tuple[Entry, ...]


# -- the producer --------------------------------------------------------------------------------


def feed_files(r: SiteRenderer) -> Iterator[tuple[str, bytes | Reused]]:
    """`feed.xml` and `feed.json` beside the site index, each shift and each team in a shift."""
    gettext = theme_gettext(r)
    config = r.site.config
    # A post is in up to three feeds, and in watch its view is kept from one rebuild to the
    # next: its entry is made once.
    made = (
        "feed entry",
        config.base_url,
        r.formatter.language,
        r.formatter.tz,
        r.theme.fingerprint,
    )

    def entry_of(post: PostView) -> Entry:
        found = post.memo.get(made)
        if found is None:
            found = entry(post, config.base_url, r.formatter, gettext)
            if r.options.watching:  # a one-off build needs each entry in one or two feeds
                post.memo[made] = found
        return found  # type: ignore[return-value]

    def make(folder: str, title: str, subtitle: str, chosen: tuple[PostView, ...],
             empty: datetime) -> Feed | str:  # fmt: skip
        """The feed of the `chosen` posts (syndicated()), or only its folder when last build's
        files still stand (render memo)."""
        inputs = {"folder": folder, "title": title, "subtitle": subtitle,
                  "posts": chosen, "empty": empty}  # fmt: skip
        key = r.memo.key("feed", inputs)
        kept = [r.memo.reuse(folder + name, key) for name in (ATOM_FILE, JSON_FILE)]
        if all(kept):
            return folder
        newest = max((p.modified for p in chosen), default=empty)
        entries = tuple(entry_of(p) for p in chosen)
        return Feed(folder, title, subtitle, r.formatter.iso(newest), entries)

    def feeds() -> Iterator[Feed | str]:
        # The site's newest are among the newest of each shift (SITE_ENTRIES <= TIMELINE_ENTRIES).
        newest = (p for shift in r.shifts for p in _shift_syndicated(shift, None, TIMELINE_ENTRIES))
        yield make(
            "",
            config.title,
            config.description,
            tuple(syndicated(newest, SITE_ENTRIES)),
            min((shift.start for shift in r.shifts), default=EPOCH),
        )
        for shift in r.shifts:
            subtitle = _shift_subtitle(shift)
            chosen = _shift_syndicated(shift, None, TIMELINE_ENTRIES)
            yield make(shift.url, f"{shift.title} · {config.title}", subtitle, chosen, shift.start)
            for shift_team in shift.teams:
                yield make(
                    shift_team.url,
                    f"{shift_team.team.name} · {shift.title} · {config.title}",
                    subtitle,
                    _shift_syndicated(shift, shift_team.team.id, TIMELINE_ENTRIES),
                    shift.start,
                )

    # One feed at a time: made, written and let go (all of a site's feeds at once held ~20,000
    # entries with their HTML at 50,000 posts).
    for feed in feeds():
        if isinstance(feed, str):
            yield feed + ATOM_FILE, REUSED
            yield feed + JSON_FILE, REUSED
        else:
            yield feed.folder + ATOM_FILE, atom(feed, r)
            yield feed.folder + JSON_FILE, json_feed(feed, r)


# -- Atom (RFC 4287) -----------------------------------------------------------------------------


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def atom(feed: Feed, r: SiteRenderer) -> bytes:
    """The feed, laid out as ElementTree writes it after ET.indent(space=" "): each element on
    its own line, one space deeper per level."""
    config = r.site.config
    page = config.base_url + feed.folder
    icons = [("icon", "favicon.svg"), ("logo", "share.png")]
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
        *(_leaf(tag, config.base_url + r.assets[name]) for tag, name in icons if name in r.assets),
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
    ElementTree's pure-Python serialiser took 60 µs an entry, this takes 8 µs (a test
    compares the two on hostile entries)."""
    lines = [
        _leaf("id", item.id),
        _leaf("title", item.title),
        _leaf("link", rel="alternate", type="text/html", href=item.id),
        *(
            [_leaf("link", rel="enclosure", type="image/jpeg", href=item.image)]
            if item.image
            else []
        ),
        _leaf("published", item.published),
        _leaf("updated", item.updated),
        "<author>",
        " " + _leaf("name", item.author),
        " " + _leaf("uri", item.author_url),
        "</author>",
        _leaf("category", term=item.team_id, label=item.team_name),
        _leaf("content", item.content_html, type="html"),
    ]
    return "<entry>\n  " + "\n  ".join(lines) + "\n </entry>"


# ElementTree's escaping of an attribute value beyond & < > (which html.escape does): what
# xml.sax.saxutils.escape(value, entities) does, without importing xml.sax.saxutils, which
# imports urllib.request, http.client and ssl (27 ms of every start of a build).
_ATTRIBUTE = str.maketrans({'"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})


def _leaf(tag: str, text: str = "", **attributes: str) -> str:
    """An element without children as ElementTree writes it: `<tag a="v">text</tag>`, or
    `<tag a="v" />` when it has no text."""
    start, text = _start(tag, **attributes), _xml(text)
    return f"{start}>{html.escape(text, quote=False)}</{tag}>" if text else f"{start} />"


def _start(tag: str, **attributes: str) -> str:
    """`<tag a="v"`: a start tag without its end."""
    return f"<{tag}" + "".join(
        f' {k}="{html.escape(_xml(v), quote=False).translate(_ATTRIBUTE)}"'
        for k, v in attributes.items()
    )


# -- JSON Feed 1.1 -------------------------------------------------------------------------------


def json_feed(feed: Feed, r: SiteRenderer) -> bytes:
    """Compact JSON: a feed is read by programs, and the C encoder that writes it without
    indentation is several times faster than the pure-Python one that indents."""
    config = r.site.config
    page = config.base_url + feed.folder
    data: dict[str, Any] = {
        "version": JSON_FEED_VERSION,
        "title": feed.title,
        "home_page_url": page,
        "feed_url": page + JSON_FILE,
    }
    if feed.subtitle:
        data["description"] = feed.subtitle
    if "favicon.svg" in r.assets:
        data["favicon"] = config.base_url + r.assets["favicon.svg"]
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


# -- links from pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    """A `<link rel="alternate">` pair: paths relative to the site root."""

    title: str
    atom: str
    json: str


def feed_link(folder: str, title: str) -> FeedLink:
    return FeedLink(title, folder + ATOM_FILE, folder + JSON_FILE)
