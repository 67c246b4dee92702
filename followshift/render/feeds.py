"""Atom and JSON Feed 1.1 files: the whole site, each shift, each team within a shift.

This module owns the feed files and their paths, and what a syndicated post says about itself
(its headline, its text, its photos' alt text, its absolute URLs), which `structured` reuses for
JSON-LD. Only published posts are syndicated: never a draft (even in a `--drafts` preview) and
never a scheduled post (those are not in the views at all). Nothing here reads the clock: a
feed's `updated` is its newest entry's modification time, so a build is reproducible.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from xml.etree import ElementTree as ET

import nh3
from markupsafe import Markup

from followshift.render.locale import Formatter, load_translations
from followshift.render.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES
from followshift.render.media import PhotoView
from followshift.render.memo import REUSED, Reused
from followshift.render.views import PostView

if TYPE_CHECKING:
    from followshift.render.pages import SiteRenderer

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
_SPACE = re.compile(r"\s+")

Gettext = Callable[[str], str]


# -- what a syndicated post says about itself ---------------------------------------------------


def syndicated(posts: Iterable[PostView], limit: int) -> list[PostView]:
    """The newest `limit` published posts, newest first; ties in a fixed order."""
    public = [p for p in posts if not p.draft]
    public.sort(key=lambda p: (p.time, p.shift_id, p.team.id, p.id), reverse=True)
    return public[:limit]


def headline(post: PostView, formatter: Formatter) -> str:
    """The post's title, or "<team>, <time>" as its page heading says when it has none."""
    return post.title or f"{post.team.name}, {formatter.time(post.time)}"


def plain_text(fragment: str) -> str:
    """Sanitised HTML as one line of text: tags dropped, entities decoded, spaces collapsed."""
    return _SPACE.sub(" ", Markup(fragment).striptags()).strip()


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
    return load_translations(r.theme.locale_dirs, r.formatter.language).gettext


def absolute_html(fragment: str, base: str) -> str:
    """The post's sanitised HTML with every href/src resolved against `base` (its permalink).

    A feed is read away from the site, where relative links would point nowhere. The fragment
    goes through the same allow-list again, so nothing the page would not show gets in.
    """

    def resolve(_tag: str, attribute: str, value: str) -> str:
        return urljoin(base, value) if attribute in ("href", "src") else value

    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener",
        strip_comments=True,
        clean_content_tags={"script", "style"},
        attribute_filter=resolve,
    )


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
    made: dict[str, Entry] = {}  # a post is in up to three feeds: make its entry once

    def entry_of(post: PostView) -> Entry:
        if post.url not in made:
            made[post.url] = entry(post, config.base_url, r.formatter, gettext)
        return made[post.url]

    def make(folder: str, title: str, subtitle: str, posts: Sequence[PostView], limit: int,
             empty: datetime) -> Feed | str:  # fmt: skip
        """The feed, or only its folder when last build's files still stand (render memo)."""
        chosen = syndicated(posts, limit)
        inputs = {"folder": folder, "title": title, "subtitle": subtitle,
                  "posts": tuple(chosen), "empty": empty}  # fmt: skip
        key = r.memo.key("feed", inputs)
        kept = [r.memo.reuse(folder + name, key) for name in (ATOM_FILE, JSON_FILE)]
        if all(kept):
            return folder
        newest = max((p.modified for p in chosen), default=empty)
        entries = tuple(entry_of(p) for p in chosen)
        return Feed(folder, title, subtitle, r.formatter.iso(newest), entries)

    feeds = [
        make(
            "",
            config.title,
            config.description,
            [p for shift in r.shifts for p in shift.posts],
            SITE_ENTRIES,
            min((shift.start for shift in r.shifts), default=EPOCH),
        )
    ]
    for shift in r.shifts:
        feeds.append(
            make(
                shift.url,
                f"{shift.title} · {config.title}",
                plain_text(shift.description_html),
                shift.posts,
                TIMELINE_ENTRIES,
                shift.start,
            )
        )
        for shift_team in shift.teams:
            feeds.append(
                make(
                    shift_team.url,
                    f"{shift_team.team.name} · {shift.title} · {config.title}",
                    plain_text(shift.description_html),
                    shift.team_posts(shift_team.team.id),
                    TIMELINE_ENTRIES,
                    shift.start,
                )
            )
    for feed in feeds:
        if isinstance(feed, str):
            yield feed + ATOM_FILE, REUSED
            yield feed + JSON_FILE, REUSED
        else:
            yield feed.folder + ATOM_FILE, atom(feed, r)
            yield feed.folder + JSON_FILE, json_feed(feed, r)


# -- Atom (RFC 4287) -----------------------------------------------------------------------------


def _xml(text: str) -> str:
    return _NOT_XML.sub("", text)


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def atom(feed: Feed, r: SiteRenderer) -> bytes:
    config = r.site.config
    page = config.base_url + feed.folder
    root = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": config.language})
    _add(root, "id", page)
    _add(root, "title", feed.title)
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle)
    _add(root, "updated", feed.updated)
    _add(root, "link", rel="self", type=ATOM_TYPE, href=page + ATOM_FILE)
    _add(root, "link", rel="alternate", type="text/html", href=page)
    author = _add(root, "author")
    _add(author, "name", config.title)
    _add(author, "uri", config.base_url)
    _add(root, "generator", "followshift")
    if "favicon.svg" in r.assets:
        _add(root, "icon", config.base_url + r.assets["favicon.svg"])
    if "share.png" in r.assets:
        _add(root, "logo", config.base_url + r.assets["share.png"])
    for item in feed.entries:
        element = _add(root, "entry")
        _add(element, "id", item.id)
        _add(element, "title", item.title)
        _add(element, "link", rel="alternate", type="text/html", href=item.id)
        if item.image:
            _add(element, "link", rel="enclosure", type="image/jpeg", href=item.image)
        _add(element, "published", item.published)
        _add(element, "updated", item.updated)
        author = _add(element, "author")
        _add(author, "name", item.author)
        _add(author, "uri", item.author_url)
        _add(element, "category", term=item.team_id, label=item.team_name)
        _add(element, "content", item.content_html, type="html")
    ET.indent(root, space=" ")
    text = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")


# -- JSON Feed 1.1 -------------------------------------------------------------------------------


def json_feed(feed: Feed, r: SiteRenderer) -> bytes:
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
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
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
