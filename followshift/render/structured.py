"""What a page tells machines about itself: schema.org JSON-LD, sharing tags and feed links.

This module owns the data behind `partials/meta.html`: the description, Open Graph and Twitter
card values, the `<link rel="alternate">` feeds, and the JSON-LD (`LiveBlogPosting` on shift and
team-in-shift timelines, `BlogPosting` on post pages). `Structured(...).page_meta` is the
`page_meta()` Jinja global; templates pass it what their page shows. Everything is derived from
those objects, never from the rest of the site, so a page changes only when what it shows
changes. Drafts (shown in a `--drafts` preview) are never described.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Protocol

from markupsafe import Markup

from followshift.config.site import SiteConfig
from followshift.render import routes
from followshift.render.context import Gettext
from followshift.render.locale import Formatter
from followshift.render.syndication import (
    FeedLink,
    excerpt,
    feed_link,
    headline,
    photo_alt,
    plain_text,
    syndicated,
)
from followshift.render.views import PostView, TeamView

LIVE_BLOG_UPDATES = 50
DESCRIPTION_LENGTH = 200
HEADLINE_LENGTH = 110  # Google truncates longer headlines
OG_LOCALES = {"nl": "nl_NL", "en": "en_GB"}
SHARE_IMAGE = "share.png"  # the theme's default share image, 1200×630
SHARE_SIZE = (1200, 630)
# Post updates whose JSON text is kept (_update_json): a few shifts' worth, ~6 MB.
UPDATES_KEPT = 1 << 12


class ShiftLike(Protocol):
    """What a page knows of its shift (ShiftInfo on timelines, ShiftRef on post pages)."""

    id: str
    title: str
    url: str
    start: datetime
    end: datetime


class ListingLike(Protocol):
    """One page of a timeline: its posts in display order; number None on the index."""

    number: int | None
    posts: Sequence[PostView]


@dataclass(frozen=True)
class ShareImage:
    url: str  # absolute
    alt: str
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class PageMeta:
    title: str  # og:title: the page's subject, without the site name
    description: str
    type: str  # og:type
    locale: str  # og:locale
    image: ShareImage | None
    published: str  # article:published_time; "" unless type is article
    modified: str
    feeds: tuple[FeedLink, ...]  # most specific first; the site feed last
    json_ld: Markup  # "" when the page has none


# json.dumps() with any option makes a new encoder per call: a third of the time for a post's.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON that is safe inside `<script type="application/ld+json">`.

    `<`, `>` and `&` only occur inside JSON strings, where their \\u escapes mean the same, so
    no `</script>` or `<!--` can end or bend the element, whatever an officer typed.
    """
    return Markup(_safe_json(data))


def _safe_json(data: dict[str, Any]) -> str:
    """json_ld()'s text. The escapes replace single characters, so the text of an object can
    be pieced together from the safe text of its parts (Structured._update_json)."""
    text = _ENCODER.encode(data)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Structured:
    """Page metadata from the settings of one build: everything it reads is given here and
    stays the same while it lives (the site's settings, its formatter, the theme's catalog and
    the hashed asset names)."""

    def __init__(
        self,
        config: SiteConfig,
        formatter: Formatter,
        gettext: Gettext,
        assets: Mapping[str, str],
    ) -> None:
        self.config = config
        self.formatter = formatter
        self.gettext = gettext
        self.assets = assets
        self._last_text = ("", "")  # (html, its plain text): a post page needs it twice
        self._feed_links: dict[tuple[str, str], FeedLink] = {}
        self._updates: dict[bytes, str] = {}  # _update_json, by the post view's digest

    def _feed_link(self, folder: str, title: str) -> FeedLink:
        """feed_link(), made once per timeline: every post page of a shift links its feeds."""
        link = self._feed_links.get((folder, title))
        if link is None:
            link = self._feed_links[folder, title] = feed_link(folder, title)
        return link

    @property
    def base(self) -> str:
        return self.config.base_url

    def iso(self, instant: datetime) -> str:
        return self.formatter.iso(instant)

    # -- the one entry point for templates -------------------------------------------------------

    def page_meta(
        self,
        post: PostView | None = None,
        shift: ShiftLike | None = None,
        team: TeamView | None = None,
        page: ListingLike | None = None,
        appearances: Iterable[tuple[Any, Any, Sequence[PostView]]] | None = None,
        not_found: bool = False,
    ) -> PageMeta:
        """The metadata of a page, from the objects it shows (the names of its context)."""
        if post is not None and shift is not None:
            return self._post_page(post, shift)
        if shift is not None:
            return self._timeline_page(shift, team, page)
        if team is not None:
            posts = [p for _, _, posts in appearances or () for p in posts]
            return self._team_page(team, posts)
        return self._site_page(not_found)

    # -- kinds of page ---------------------------------------------------------------------------

    def _post_page(self, post: PostView, shift: ShiftLike) -> PageMeta:
        title = headline(post, self.formatter)
        text = self._text(post)
        image = self._post_image(post) if post.photos else self._default_image
        return PageMeta(
            title=title,
            description=excerpt(text, DESCRIPTION_LENGTH) or self._alts(post) or title,
            type="article",
            locale=self._locale,
            image=image,
            published=self.iso(post.time),
            modified=self.iso(post.modified),
            feeds=(self._feed_link(shift.url, shift.title), self._site_feed),
            json_ld=Markup("") if post.draft else self._post_json_ld(post, shift),
        )

    def _timeline_page(
        self, shift: ShiftLike, team: TeamView | None, page: ListingLike | None
    ) -> PageMeta:
        config = self.config
        title = f"{team.name} · {shift.title}" if team else shift.title
        url = routes.team_in_shift_url(shift.id, team.id) if team else shift.url
        shown = syndicated(page.posts, len(page.posts)) if page is not None else []
        updates = shown[:LIVE_BLOG_UPDATES]
        with_photo = next((p for p in shown if p.photos), None)
        image = self._post_image(with_photo) if with_photo else self._default_image
        description = _description(shift) or config.description or title
        published = self.iso(shift.start)
        modified = self.iso(max((p.modified for p in updates), default=shift.start))
        # Numbered pages are the archive of the same live blog: it is described on its index.
        blog = Markup("")
        if page is None or page.number is None:
            head = self._live_blog_head(shift, url, title, description, image, modified)
            blog = self._live_blog_json_ld(head, updates)
        return PageMeta(
            title=title,
            description=excerpt(description, DESCRIPTION_LENGTH),
            type="article",
            locale=self._locale,
            image=image,
            published=published,
            modified=modified,
            feeds=(self._feed_link(url, title), self._site_feed),
            json_ld=blog,
        )

    def _team_page(self, team: TeamView, posts: Sequence[PostView]) -> PageMeta:
        config = self.config
        newest = syndicated((p for p in posts if p.photos), 1)
        image = self._post_image(newest[0]) if newest else self._default_image
        about = " · ".join(part for part in (team.name, team.region) if part)
        return PageMeta(
            title=team.name,
            description=excerpt(config.description or about, DESCRIPTION_LENGTH),
            type="website",
            locale=self._locale,
            image=image,
            published="",
            modified="",
            feeds=(self._site_feed,),
            json_ld=Markup(""),
        )

    def _site_page(self, not_found: bool) -> PageMeta:
        config = self.config
        title = self.gettext("Page not found") if not_found else config.title
        return PageMeta(
            title=title,
            description=excerpt(config.description or config.title, DESCRIPTION_LENGTH),
            type="website",
            locale=self._locale,
            image=self._default_image,
            published="",
            modified="",
            feeds=(self._site_feed,),
            json_ld=Markup(""),
        )

    # -- JSON-LD ---------------------------------------------------------------------------------

    def live_blog(
        self,
        shift: ShiftLike,
        url: str,
        title: str,
        description: str,
        image: ShareImage | None,
        updates: Sequence[PostView],
        modified: str,
    ) -> dict[str, Any]:
        """A `LiveBlogPosting` as Google documents it for live coverage."""
        data = self._live_blog_head(shift, url, title, description, image, modified)
        data["liveBlogUpdate"] = [self.update(p) for p in updates]
        return data

    def _live_blog_json_ld(self, head: dict[str, Any], updates: Sequence[PostView]) -> Markup:
        """json_ld(live_blog(...)), with each update's text made once (_update_json)."""
        items = ",".join([self._update_json(p) for p in updates])
        return Markup(f'{_safe_json(head)[:-1]},"liveBlogUpdate":[{items}]}}')

    def _live_blog_head(
        self,
        shift: ShiftLike,
        url: str,
        title: str,
        description: str,
        image: ShareImage | None,
        modified: str,
    ) -> dict[str, Any]:
        absolute = self.base + url
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "LiveBlogPosting",
            "@id": absolute,
            "url": absolute,
            "mainEntityOfPage": absolute,
            "headline": excerpt(title, HEADLINE_LENGTH),
            "description": description,
            "inLanguage": self.config.language,
            "coverageStartTime": self.iso(shift.start),
            "coverageEndTime": self.iso(shift.end),
            "datePublished": self.iso(shift.start),
            "dateModified": modified,
            "author": self._publisher,
            "publisher": self._publisher,
        }
        if image:
            data["image"] = image.url
        return data

    def update(self, post: PostView) -> dict[str, Any]:
        """One post as a `BlogPosting`: what liveBlogUpdate lists and a post page describes."""
        data: dict[str, Any] = {
            "@type": "BlogPosting",
            "headline": excerpt(headline(post, self.formatter), HEADLINE_LENGTH),
            "url": self.base + post.url,
            "datePublished": self.iso(post.time),
            "dateModified": self.iso(post.modified),
            "articleBody": self._text(post) or self._alts(post) or headline(post, self.formatter),
            "author": self._author(post),
        }
        if post.photos:
            data["image"] = self.base + post.photos[0].og
        return data

    def post_posting(self, post: PostView, shift: ShiftLike) -> dict[str, Any]:
        data: dict[str, Any] = {"@context": "https://schema.org", **self.update(post)}
        data.update(self._posting_tail(post, shift))  # an "image" list keeps update()'s place
        return data

    def _post_json_ld(self, post: PostView, shift: ShiftLike) -> Markup:
        """json_ld(post_posting(...)): the post's update text (_update_json) and the rest."""
        if len(post.photos) > 1:  # its "image" is a list, in the middle of update()'s text
            return json_ld(self.post_posting(post, shift))
        tail = _safe_json(self._posting_tail(post, shift))
        body = self._update_json(post)[1:-1]
        return Markup(f'{{"@context":"https://schema.org",{body},{tail[1:]}')

    def _posting_tail(self, post: PostView, shift: ShiftLike) -> dict[str, Any]:
        """What a post page's `BlogPosting` says beyond update(), in its order."""
        absolute = self.base + post.url
        data: dict[str, Any] = {"@id": absolute, "mainEntityOfPage": absolute}
        data["inLanguage"] = self.config.language
        if len(post.photos) > 1:
            data["image"] = [self.base + photo.og for photo in post.photos]
        data["publisher"] = self._publisher
        data["isPartOf"] = {
            "@type": "LiveBlogPosting",
            "@id": self.base + shift.url,
            "url": self.base + shift.url,
            "headline": excerpt(shift.title, HEADLINE_LENGTH),
        }
        return data

    def _update_json(self, post: PostView) -> str:
        """The safe JSON text of update(post), made once per version of a post: its page, its
        shift's timeline and its team's in that shift all describe it (a third of the JSON-LD
        work of a cold build of many small shifts). Emptied now and then, as a watch leaves
        old versions behind."""
        text = self._updates.get(post.digest)
        if text is None:
            if len(self._updates) >= UPDATES_KEPT:
                self._updates.clear()
            text = self._updates[post.digest] = _safe_json(self.update(post))
        return text

    def _author(self, post: PostView) -> dict[str, Any]:
        team = {"@type": "Organization", "name": post.team.name, "url": self.base + post.team.url}
        if post.author:
            return {"@type": "Person", "name": post.author, "affiliation": team}
        return team

    @cached_property
    def _publisher(self) -> dict[str, Any]:
        config = self.config
        return {"@type": "Organization", "name": config.title, "url": config.base_url}

    # -- shared pieces ---------------------------------------------------------------------------

    def _post_image(self, post: PostView) -> ShareImage:
        photo = post.photos[0]
        return ShareImage(
            self.base + photo.og,
            photo_alt(photo, post, self.gettext, self.formatter),
            *photo.og_size,
        )

    @cached_property
    def _default_image(self) -> ShareImage | None:
        path = self.assets.get(SHARE_IMAGE)
        if path is None:  # a theme without one: a summary card, no image
            return None
        return ShareImage(self.base + path, self.config.title, *SHARE_SIZE)

    def _alts(self, post: PostView) -> str:
        alts = (photo_alt(p, post, self.gettext, self.formatter) for p in post.photos)
        return excerpt(" ".join(alts), DESCRIPTION_LENGTH)

    def _text(self, post: PostView) -> str:
        html, text = self._last_text
        if html != post.html:
            text = plain_text(post.html)
            self._last_text = (post.html, text)
        return text

    @cached_property
    def _site_feed(self) -> FeedLink:
        return feed_link("", self.config.title)

    @cached_property
    def _locale(self) -> str:
        language = self.config.language
        return OG_LOCALES.get(language, language)


def _description(shift: ShiftLike) -> str:
    """The shift's own description as text; a post page's ShiftRef has none."""
    html = getattr(shift, "description_html", "")
    return plain_text(html) if isinstance(html, str) else ""
