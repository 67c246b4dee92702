"""What a syndicated post says about itself: its headline, its text, its photos' alt text, its
absolute URLs, and its entry as both feed formats need it; and the links pages make to feeds.

The feeds (render/producers/feeds.py) and the pages' metadata (render/structured.py) both
read this module; it reads neither. Only published posts are syndicated: never a draft (even in
a `--drafts` preview) and never a scheduled post (those are not in the views at all).
"""

from __future__ import annotations

import functools
import heapq
import html
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from markupsafe import Markup

from followshift.render.context import Gettext
from followshift.render.locale import Formatter
from followshift.render.markdown import cleaner
from followshift.render.media import PhotoView
from followshift.render.views import PostLink, PostView

__all__ = [
    "ATOM_FILE",
    "JSON_FILE",
    "SITE_ENTRIES",
    "TIMELINE_ENTRIES",
    "Entry",
    "FeedLink",
    "Gettext",
    "absolute_html",
    "entry",
    "excerpt",
    "feed_link",
    "headline",
    "photo_alt",
    "plain_text",
    "syndicated",
]

ATOM_FILE = "feed.xml"
JSON_FILE = "feed.json"
SITE_ENTRIES = 50
TIMELINE_ENTRIES = 100  # a shift's and a team-in-shift's feed

_TAG = re.compile("<[^>]*>")  # from a "<" to the first ">" after it, as striptags


# -- what a syndicated post says about itself ---------------------------------------------------


def _newest(post: PostView) -> tuple[datetime, str, str, str]:
    return (post.time, post.shift_id, post.team.id, post.id)


def syndicated(posts: Iterable[PostView], limit: int) -> list[PostView]:
    """The newest `limit` published posts, newest first; ties in a fixed order."""
    # The same as sorting all and taking the first `limit`, in time proportional to the posts.
    return heapq.nlargest(limit, (p for p in posts if not p.draft), key=_newest)


def headline(post: PostView | PostLink, formatter: Formatter) -> str:
    """The post's title, or "<team>, <time>" as its page heading says when it has none (the
    templates' `headline` filter)."""
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


# -- links from pages ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedLink:
    """A `<link rel="alternate">` pair: paths relative to the site root."""

    title: str
    atom: str
    json: str


def feed_link(folder: str, title: str) -> FeedLink:
    return FeedLink(title, folder + ATOM_FILE, folder + JSON_FILE)
