"""The model → every output file as bytes: pages, assets, sitemap, robots.txt.

One function per kind of page; each says which template renders it and with what. Paths and
URLs come from `routes`; links in pages are relative to the page (`root` is the way back).
"""

from __future__ import annotations

import functools
import hashlib
import pickle
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, cast

from markupsafe import Markup

from followshift import __version__
from followshift.build import schedule
from followshift.content.model import Site, Status
from followshift.photos.stage import PublishedPhotos
from followshift.render import routes
from followshift.render.colors import text_on
from followshift.render.context import Derived, Gettext, RenderContext
from followshift.render.locale import Formatter, load_translations
from followshift.render.markdown import MarkdownRenderer
from followshift.render.media import media_files
from followshift.render.memo import REUSED, Digests, Group, PageMemo, Reused
from followshift.render.paging import listings
from followshift.render.producers import OutputFile, feeds, live, sitemap, withdrawn
from followshift.render.structured import Structured
from followshift.render.templates import Templates
from followshift.render.theme import Theme
from followshift.render.view_cache import ViewCache, site_views
from followshift.render.views import PostView, ShiftInfo, ShiftView, TeamView


@dataclass(frozen=True)
class RenderOptions:
    now: datetime
    drafts: bool = False
    photos: PublishedPhotos = field(default_factory=lambda: PublishedPhotos({}, {}))
    previous_keys: Mapping[str, str] = field(default_factory=dict)  # the last build's page keys
    previous_groups: Mapping[str, Group] = field(default_factory=dict)  # and its page groups
    can_reuse: Callable[[str], bool] | None = None  # is that output still in place?
    # Forked workers for Markdown and pages (followshift.build.schedule); a worker hands each page's
    # bytes to `prepare` (Output.prepare: staged to disk) and sends back only what it returns.
    jobs: int = 1
    prepare: Callable[[str, bytes], object] | None = None
    # A watch: things made for one page are worth remembering for the next rebuild.
    watching: bool = False
    markdown: MarkdownRenderer | None = None  # rendered Markdown from earlier builds
    # Kept in memory between rebuilds by `watch`: views, their digests, rendered articles.
    views: ViewCache | None = None
    digests: Digests | None = None
    articles: dict[bytes, str] | None = None
    derived: Derived | None = None  # what producers make from one view (render.context)
    templates: dict[tuple[object, ...], tuple[Formatter, Templates]] | None = None
    # Work of the build process's own, done while forked workers render the pages, where
    # its time is shared with them (BuildCache.snapshot).
    meanwhile: Callable[[], object] | None = None


# Stand for a page's `root` and the heading's tag name in article HTML rendered once per build
# (NUL never occurs in content: the reader removes it).
ROOT_MARK = "\x00root\x00"
HEADING_MARK = "\x00heading\x00"
# Post pages per memo group (PageMemo.group): a group whose posts and neighbours are unchanged
# is kept whole with one key, so an edit re-renders at most this many post pages, while an
# unchanged 10,000-post shift costs ~160 group keys instead of 10,000 page keys.
POST_RUN = 64
# `watch` keeps the rendered articles (one per post) between rebuilds, and each edit leaves the
# old version behind. The store is emptied once it holds ARTICLE_VERSIONS per post, plus
# ARTICLE_SLACK so that a small site is not emptied every few edits: memory stays a small
# multiple of the site's, and what emptying costs (rendering every article again) is rare.
ARTICLE_VERSIONS = 4
ARTICLE_SLACK = 16
LAZY = ' loading="lazy" decoding="async"'
_SKIPPED = cast(Reused, object())  # another worker's page (never written: it is skipped)
NOT_FOUND = {"not_found": True}  # the 404 page's context


# Pages as they are made (REUSED: kept as they are), and a run of them with its number of posts.
Pages = Iterator[tuple[str, bytes | Reused]]
Segment = tuple[int, Callable[[], Pages]]


@dataclass(frozen=True)
class Share:
    """What a page worker sends back: its pages as staged, their keys and memo groups (share
    0, in the build process, its groups whole; the others only each group's key: a group's
    pages and inner groups are the same in every share, and a worker's full groups were half
    the bytes it sent back)."""

    records: list[tuple[str, object]]
    keys: dict[str, str]
    groups: dict[str, Group] | dict[str, str]
    rendered: int


def theme_gettext(theme: Theme, language: str) -> Gettext:
    """The theme's UI catalog, for the few words (alt fallbacks) that appear outside pages."""
    return _catalog(tuple(theme.locale_dirs), language, theme.fingerprint)


@functools.lru_cache(maxsize=8)
def _catalog(locale_dirs: tuple[Path, ...], language: str, fingerprint: str) -> Gettext:
    """Compiled once, not at every rebuild of `watch`: the theme's fingerprint covers its .po
    files, so an edited catalog is compiled again."""
    return load_translations(list(locale_dirs), language).gettext


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    stem, dot, suffix = name.rpartition(".")
    return f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"


class SiteRenderer:
    def __init__(self, site: Site, theme: Theme, options: RenderOptions) -> None:
        self.site = site
        self.options = options
        # A watcher keeps the Jinja environment (compiled templates) while the theme and the
        # language stay the same (any changed template file changes the fingerprint).
        cache = options.templates if options.templates is not None else {}
        key = (theme.fingerprint, tuple(theme.template_dirs), site.config.language,
               site.config.timezone)  # fmt: skip
        if key not in cache:
            cache.clear()
            formatter = Formatter(site.config.language, site.config.tz)
            cache[key] = (formatter, Templates(theme, formatter))
        self.formatter, self.templates = cache[key]
        self.theme = theme
        self.views = options.views or ViewCache()
        if options.markdown is not None and options.jobs > 1:
            options.markdown.render_all(self._texts(), options.jobs, self.templates.preload)
        self.teams, self.shifts = site_views(
            site, options.now, options.drafts, options.photos, options.markdown, self.views
        )
        self.assets: dict[str, str] = {}
        self.asset_bytes: dict[str, bytes] = {}
        self._collect_assets()
        # Until the environment is built per render fingerprint (it is kept while only the
        # theme, language and zone stay the same), page_meta is bound here at every build.
        self.gettext = theme_gettext(theme, self.formatter.language)
        self.templates.page_meta = Structured(
            site.config, self.formatter, self.gettext, self.assets
        ).page_meta
        fingerprint = pickle.dumps(
            (__version__, theme.fingerprint, site.config, sorted(self.assets.items())), protocol=5
        )
        self._articles = options.articles if options.articles is not None else {}
        self.templates.article = self.article
        self.memo = PageMemo(
            fingerprint,
            options.previous_keys,
            options.can_reuse,
            options.digests,
            options.previous_groups,
        )
        posts = sum(len(s.posts) for s in self.shifts)
        if len(self._articles) > ARTICLE_VERSIONS * (posts + ARTICLE_SLACK):
            self._articles.clear()  # edits leave old versions behind; start afresh now and then

        # In a page share: the pages this process takes (see schedule.Claims), a counter per
        # segment.
        self._share: schedule.Claims | None = None
        self._counters: list[schedule.Counter] = []
        self.processes = 1  # that render the pages

    @functools.cached_property
    def ctx(self) -> RenderContext:
        """This renderer's members as the RenderContext producers are moving to. An adapter:
        it goes when the renderer does (the producers then get a context made by the build)."""
        options = self.options
        return RenderContext(
            config=self.site.config,
            formatter=self.formatter,
            gettext=self.gettext,
            shifts=tuple(self.shifts),
            teams=self.teams,
            teams_with_posts=tuple(self.teams_with_posts()),
            assets=self.assets,
            asset_files=self.asset_bytes,
            media=self._media(),
            templates=self.templates,
            article=self.article,
            memo=self.memo,
            derived=options.derived if options.derived is not None else Derived(options.watching),
            site_path=self.site_path(),
            withdrawn=withdrawn.urls(self.site, self.options.now),
        )

    def _texts(self) -> Iterator[str]:
        for shift in self.site.shifts:
            yield shift.description
            for post in shift.public_posts(self.options.now, self.options.drafts):
                yield post.body

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

    def render_all(self) -> Iterator[tuple[str, bytes | Path | Reused | object]]:
        """Every output file. Each producer is one kind of output; add new kinds here.

        With `jobs` > 1 and enough posts, the HTML pages are rendered by forked workers while
        this process makes the rest; their pages come last, as what `prepare` returned.
        """
        if not self._worth_forking():
            yield from self.asset_bytes.items()
            yield from self.media_files()
            yield from self.html_pages()
            yield from self._other_files()
            return
        self.processes = self.options.jobs
        # Before the fork: shared by every share.
        self._counters = [schedule.Counter() for _ in self._segments()]
        workers = schedule.Forked(self._render_share, self.options.jobs)
        try:
            if self.options.meanwhile is not None:
                self.options.meanwhile()
            yield from self.asset_bytes.items()
            yield from self.media_files()
            yield from self._other_files()
            shares = [self._render_share(0), *workers.results()]
        finally:
            workers.close()
        for share in shares:
            self.memo.keys.update(share.keys)
            self.memo.rendered += share.rendered
        # A group is whole when each share saw its own pages of it go through the memo.
        first, *others = (share.groups for share in shares)
        self.memo.groups.update(
            (name, group) for name, group in first.items()
            if all(other.get(name) == group[0] for other in others)
        )  # fmt: skip
        for share in shares:
            yield from share.records

    def _worth_forking(self) -> bool:
        """Only when many pages will be rendered: a cold build, or one after a theme or settings
        change (the 404 page's key depends on nothing else); not a rebuild of a few pages."""
        if self.options.jobs < 2:
            return False
        previous = self.memo.previous
        if previous.get("404.html") != self.memo.key("404.html", NOT_FOUND):
            return sum(len(shift.posts) for shift in self.shifts) >= schedule.FORK_MIN_WORK
        new = (p for shift in self.shifts for p in shift.posts)
        return sum(routes.page_file(p.url) not in previous for p in new) >= schedule.FORK_MIN_WORK

    def _other_files(self) -> Iterator[OutputFile]:
        yield from sitemap.files(self.ctx)
        yield from live.files(self.ctx)
        yield from feeds.files(self.ctx)
        yield from withdrawn.files(self.ctx)

    def _render_share(self, k: int) -> Share:
        """Share k of n of the HTML pages, staged by `prepare`; their page keys and groups.

        Each share starts at its own segment (see _first_segment) and walks on from there,
        wrapping round: two processes start on different shifts, so each renders the articles
        of its own shift's posts once, instead of both needing most of every shift's articles
        (a post's article is on its page and on two timelines). Where they meet, they share
        the rest of that segment's pages as they come.
        """
        memo = self.memo
        saved = memo.keys, memo.groups, memo.rendered
        claimed: set[str] = set()
        memo.keys, memo.groups, memo.rendered, memo.owns = {}, {}, 0, claimed.__contains__
        prepare = self.options.prepare
        records: list[tuple[str, object]] = []
        segments = self._segments()
        first = self._first_segment(k, segments)
        try:
            for number in [*range(first, len(segments)), *range(first)]:
                self._share = schedule.Claims(self._counters[number], claimed)
                for path, data in segments[number][1]():
                    if data is _SKIPPED:
                        continue
                    if path not in claimed and k != 0:  # kept with its whole group: by share 0
                        continue
                    if isinstance(data, bytes):
                        data = prepare(path, data) if prepare else None
                    records.append((path, data))
            groups = memo.groups if k == 0 else {name: g[0] for name, g in memo.groups.items()}
            return Share(records, memo.keys, groups, memo.rendered)
        finally:
            memo.keys, memo.groups, memo.rendered = saved
            memo.owns = None
            self._share = None

    def _first_segment(self, k: int, segments: list[Segment]) -> int:
        """The segment share k starts at: the one whose start is nearest to k/n of the way
        through the posts (share 0: the first)."""
        total = sum(posts for posts, _ in segments)
        goal = total * k / self.options.jobs
        start, best, best_distance = 0, 0, float("inf")
        for number, (posts, _) in enumerate(segments):
            if abs(start - goal) < best_distance:
                best, best_distance = number, abs(start - goal)
            start += posts
        return best

    def _media(self) -> dict[str, Path]:
        """Media path -> the cached variant file; one photo used by two posts is published once."""
        media: dict[str, Path] = {}
        for result in [*self.options.photos.photos.values(), *self.options.photos.avatars.values()]:
            media.update((path, v.path) for path, v in media_files(result).items())
        return media

    def media_files(self) -> Iterator[tuple[str, Path | Reused]]:
        for path, source in sorted(self._media().items()):
            # Media paths are content-addressed: the same path is the same bytes.
            yield path, REUSED if self.memo.reuse(path, path) else source

    def html_pages(self) -> Pages:
        for _posts, pages in self._segments():
            yield from pages()

    def _segments(self) -> list[Segment]:
        """The HTML pages in order, in segments that page shares start at (_render_share):
        the index, each shift (with its number of posts), the team pages and the 404 page."""
        segments: list[Segment] = [
            (0, lambda: iter([self.page("index.html", "", self.index_context())]))
        ]
        for shift in self.shifts:
            # Every page of a shift is made from its view alone (and what the fingerprint covers).
            pages = partial(self.shift_pages, shift)
            group = partial(self.memo.group, f"shift {shift.id}", {"shift": shift}, pages)
            segments.append((len(shift.posts), group))
        segments.append((0, self._site_pages))
        return segments

    def _site_pages(self) -> Pages:
        for team_id in self.teams_with_posts():
            yield self.page("team.html", routes.team_url(team_id), self.team_context(team_id))
        yield self.page("404.html", "404.html", NOT_FOUND)

    def shift_pages(self, shift: ShiftView) -> Iterator[tuple[str, bytes | Reused]]:
        per_page = self.site.config.per_page
        if not self.options.watching:
            # A post's article is needed by its shift's pages only (timelines, its own page):
            # a one-off build keeps one shift's articles at a time, not the whole site's.
            self._articles.clear()
        # Numbered pages see only the stable ShiftRef (no counts, no last update), so a new
        # post leaves every page but the newest and the index as they are.
        for listing in listings(shift.url, shift.posts, per_page, shift.newest_first):
            index = listing.number is None
            context: dict[str, object] = {
                "shift": shift.info if index else shift.ref,
                "page": listing,
                "highlights": shift.highlights if index else (),
            }
            yield self.page("shift.html", listing.url, context)
        for shift_team in shift.teams:
            posts = shift.team_posts(shift_team.team.id)
            for listing in listings(shift_team.url, posts, per_page, shift.newest_first):
                index = listing.number is None
                context = {
                    "shift": shift.info if index else shift.ref,
                    "team": shift_team.team,
                    "page": listing,
                    "highlights": tuple(p for p in posts if p.pinned) if index else (),
                }
                yield self.page("team_shift.html", listing.url, context)
        # Post pages in runs: a run's pages are made from its posts and their two neighbours.
        posts = shift.posts
        for start in range(0, len(posts), POST_RUN):
            inputs = {"shift": shift.ref, "posts": posts[max(0, start - 1) : start + POST_RUN + 1]}
            pages = partial(self.post_pages, shift, start, start + POST_RUN)
            yield from self.memo.group(f"posts {shift.id} {start}", inputs, pages)

    def post_pages(
        self, shift: ShiftView, start: int, end: int
    ) -> Iterator[tuple[str, bytes | Reused]]:
        posts = shift.posts
        for index in range(start, min(end, len(posts))):
            post = posts[index]
            newer = posts[index + 1] if index + 1 < len(posts) else None
            older = posts[index - 1] if index > 0 else None
            context = {
                "shift": shift.ref,
                "post": post,
                "newer": self.views.link(newer),
                "older": self.views.link(older),
            }
            yield self.page("post.html", post.url, context)

    def page(self, template: str, url: str, context: dict[str, Any]) -> tuple[str, bytes | Reused]:
        """Renders one page, unless the memo says last build's output for it still stands."""
        path = routes.page_file(url)
        if self._share is not None and not self._share.take(path):
            return path, _SKIPPED
        root = self.site_path() if template == "404.html" else routes.root_prefix(url)
        # root and url follow from the path, which the key is stored under: not hashed.
        if self.memo.reuse(path, self.memo.key(template, context)):
            return path, REUSED
        full = {"root": root, "url": url, **context}
        full |= {
            "site": self.site.config,
            "canonical": self.site.config.base_url + url,
            "assets": self.assets,
        }
        html = self.templates.render(template, full)
        # The first photo of a page loads at once; photos are written lazy by the templates.
        return path, html.replace(LAZY, "", 1).encode("utf-8")

    def article(self, post: PostView, heading: str, root: str) -> Markup:
        """A post's article HTML, rendered once per build and placed at any page depth with
        any heading level (its post page's h1, a timeline's h3)."""
        # By content and the build fingerprint (theme, settings): valid across rebuilds.
        key = self.memo.fingerprint + self.memo.digests(post)
        html = self._articles.get(key)
        if html is None:
            context = {"post": post, "root": ROOT_MARK, "heading": HEADING_MARK}
            html = self._articles[key] = self.templates.render("partials/post.html", context)
        return Markup(html.replace(ROOT_MARK, root).replace(HEADING_MARK, heading))

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
