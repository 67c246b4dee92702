"""The model → every output file as bytes: pages, assets, sitemap, robots.txt.

One function per kind of page; each says which template renders it and with what. Paths and
URLs come from `routes`; links in pages are relative to the page (`root` is the way back).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from followshift.content.model import Site, Status
from followshift.photos import PublishedPhotos
from followshift.render import routes
from followshift.render.colors import text_on
from followshift.render.locale import Formatter
from followshift.render.media import media_files
from followshift.render.sitemap import sitemap_files
from followshift.render.templates import Templates
from followshift.render.theme import Theme
from followshift.render.paging import listings
from followshift.render.views import ShiftInfo, ShiftView, TeamView, post_link, site_views


@dataclass(frozen=True)
class RenderOptions:
    now: datetime
    drafts: bool = False
    photos: PublishedPhotos = field(default_factory=lambda: PublishedPhotos({}, {}))


class FirstPhoto:
    """Per page: the first photo loads eagerly, every later one lazily."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self) -> bool:
        first, self.seen = not self.seen, True
        return first


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    stem, dot, suffix = name.rpartition(".")
    return f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"


class SiteRenderer:
    def __init__(self, site: Site, theme: Theme, options: RenderOptions) -> None:
        self.site = site
        self.options = options
        self.formatter = Formatter(site.config.language, site.config.tz)
        self.templates = Templates(theme, self.formatter)
        self.theme = theme
        self.teams, self.shifts = site_views(site, options.now, options.drafts, options.photos)
        self.assets: dict[str, str] = {}
        self.asset_bytes: dict[str, bytes] = {}
        self._collect_assets()

    # -- assets -------------------------------------------------------------------------------

    def _collect_assets(self) -> None:
        for name, path in self.theme.static_files.items():
            self._add_asset(name, path.read_bytes())
        self._add_asset("teams.css", self._teams_css())

    def _add_asset(self, name: str, data: bytes) -> None:
        out = hashed_name(name, data)
        self.assets[name] = out
        self.asset_bytes[out] = data

    def _teams_css(self) -> bytes:
        """Badge colours as classes: a strict CSP allows no inline style attributes."""
        rules = ["/* team badge colours, generated from teams.yaml */"]
        for team_id, team in self.site.teams.items():
            rules.append(
                f".team-{team_id}{{--team-bg:{team.color};--team-fg:{text_on(team.color)}}}"
            )
        return ("\n".join(rules) + "\n").encode()

    # -- pages --------------------------------------------------------------------------------

    def render_all(self) -> Iterator[tuple[str, bytes | Path]]:
        """Every output file. Each producer is one kind of output; add new kinds here."""
        yield from self.asset_bytes.items()
        yield from self.media_files()
        yield from self.html_pages()
        yield from sitemap_files(self)

    def media_files(self) -> Iterator[tuple[str, Path]]:
        media: dict[str, Path] = {}  # one photo used by two posts is published once
        for result in [*self.options.photos.photos.values(), *self.options.photos.avatars.values()]:
            media.update((path, v.path) for path, v in media_files(result).items())
        yield from sorted(media.items())

    def html_pages(self) -> Iterator[tuple[str, bytes]]:
        yield self.page("index.html", "", self.index_context())
        for shift in self.shifts:
            yield from self.shift_pages(shift)
        for team_id in self.teams_with_posts():
            yield self.page("team.html", routes.team_url(team_id), self.team_context(team_id))
        yield self.page("404.html", "404.html", {"not_found": True})

    def shift_pages(self, shift: ShiftView) -> Iterator[tuple[str, bytes]]:
        per_page = self.site.config.per_page
        for listing in listings(shift.url, shift.posts, per_page, shift.newest_first):
            highlights = shift.highlights if listing.number is None else ()
            context = {"shift": shift.info, "page": listing, "highlights": highlights}
            yield self.page("shift.html", listing.url, context)
        for shift_team in shift.teams:
            posts = shift.team_posts(shift_team.team.id)
            for listing in listings(shift_team.url, posts, per_page, shift.newest_first):
                highlights = tuple(p for p in posts if p.pinned) if listing.number is None else ()
                context = {"shift": shift.info, "team": shift_team.team, "page": listing,
                           "highlights": highlights}  # fmt: skip
                yield self.page("team_shift.html", listing.url, context)
        for index, post in enumerate(shift.posts):
            newer = shift.posts[index + 1] if index + 1 < len(shift.posts) else None
            older = shift.posts[index - 1] if index > 0 else None
            context = {"shift": shift.ref, "post": post, "newer": post_link(newer),
                       "older": post_link(older)}  # fmt: skip
            yield self.page("post.html", post.url, context)

    def page(self, template: str, url: str, context: dict[str, Any]) -> tuple[str, bytes]:
        path = routes.page_file(url)
        root = self.site_path() if template == "404.html" else routes.root_prefix(url)
        full = {
            "site": self.site.config,
            "root": root,
            "url": url,
            "canonical": self.site.config.base_url + url,
            "assets": self.assets,
            "first_photo": FirstPhoto(),
            **context,
        }
        return path, self.templates.render(template, full).encode("utf-8")

    def site_path(self) -> str:
        """The base URL's path: the 404 page is served at any depth, so it links absolutely."""
        from urllib.parse import urlsplit

        return urlsplit(self.site.config.base_url).path or "/"

    # -- contexts -----------------------------------------------------------------------------

    def index_context(self) -> dict[str, Any]:
        def by(status: Status) -> list[ShiftInfo]:
            return [s.info for s in self.shifts if s.status is status]

        return {
            "live": by(Status.LIVE),
            "upcoming": by(Status.UPCOMING),
            "ended": sorted(by(Status.ENDED), key=lambda s: s.start, reverse=True),
        }

    def teams_with_posts(self) -> list[str]:
        return sorted({st.team.id for shift in self.shifts for st in shift.teams})

    def team_context(self, team_id: str) -> dict[str, Any]:
        team: TeamView = self.teams[team_id]
        appearances = [
            (shift.info, st, shift.team_posts(team_id))
            for shift in sorted(self.shifts, key=lambda s: s.start, reverse=True)
            for st in shift.teams
            if st.team.id == team_id
        ]
        return {"team": team, "appearances": appearances}

    # -- machine-readable ---------------------------------------------------------------------
