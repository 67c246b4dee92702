"""The HTML pages: the index, each shift's timelines and post pages, the team pages, the 404 page.

One function per kind of page; each says which template renders it and with what, and reads
only the RenderContext. Paths and URLs come from `routes`; links in pages are relative to the
page (`root` is the way back). The pages come in segments (`segments`), where the page shares
of a cold build (render/shares.py) start.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, cast

from followshift.content.model import Status
from followshift.render import routes
from followshift.render.context import RenderContext
from followshift.render.memo import REUSED, Reused
from followshift.render.paging import listings
from followshift.render.views import ShiftCard, ShiftView, shift_card

# Post pages per memo group (PageMemo.group): a group whose posts and neighbours are unchanged
# is kept whole with one key, so an edit re-renders at most this many post pages, while an
# unchanged 10,000-post shift costs ~160 group keys instead of 10,000 page keys.
POST_RUN = 64
LAZY = ' loading="lazy" decoding="async"'
SKIPPED = cast(Reused, object())  # another share's page (never written: it is skipped)
NOT_FOUND = {"not_found": True}  # the 404 page's context

# Pages as they are made (REUSED: kept as they are), and a run of them with its number of posts.
Pages = Iterator[tuple[str, bytes | Reused]]
Segment = tuple[int, Callable[[RenderContext], Pages]]


def files(ctx: RenderContext) -> Pages:
    """Every HTML page, in order."""
    for _posts, pages in segments(ctx):
        yield from pages(ctx)


def segments(ctx: RenderContext) -> list[Segment]:
    """The HTML pages in order, in segments that page shares start at (render/shares.py): the
    index, each shift (with its number of posts), the team pages and the 404 page. Each
    segment's pages are made with the context it is given (a share's has its own memo)."""
    found: list[Segment] = [(0, lambda c: iter([page(c, "index.html", "", index_context(c))]))]
    for shift in ctx.shifts:
        found.append((len(shift.posts), partial(_shift_group, shift=shift)))
    found.append((0, _site_pages))
    return found


def _shift_group(ctx: RenderContext, shift: ShiftView) -> Pages:
    # Every page of a shift is made from its view alone (and what the fingerprint covers).
    pages = partial(shift_pages, ctx, shift)
    return ctx.memo.group(f"shift {shift.id}", {"shift": shift}, pages)


def _site_pages(ctx: RenderContext) -> Pages:
    for team_id in ctx.teams_with_posts:
        yield page(ctx, "team.html", routes.team_url(team_id), team_context(ctx, team_id))
    yield page(ctx, "404.html", "404.html", NOT_FOUND)


def worth_sharing(ctx: RenderContext, jobs: int, least: int) -> bool:
    """Whether to render the pages in `jobs` shares: only when at least `least` pages will be
    rendered: a cold build, one after a theme or settings change (the 404 page's key depends
    on nothing else), or one whose output folder lost its pages (site/ removed, the cache
    kept); not a rebuild of a few pages."""
    if jobs < 2:
        return False
    memo = ctx.memo
    if memo.previous.get("404.html") != memo.key("404.html", NOT_FOUND):
        return sum(len(shift.posts) for shift in ctx.shifts) >= least
    paths = (routes.page_file(p.url) for shift in ctx.shifts for p in shift.posts)
    # Stops counting at `least`: a rebuild of a few pages asks every page once (a stat each).
    missing = (path for path in paths if path not in memo.previous or not memo.can_reuse(path))
    return sum(1 for _ in itertools.islice(missing, least)) >= least


def shift_pages(ctx: RenderContext, shift: ShiftView) -> Pages:
    per_page = ctx.config.per_page
    if not ctx.watching:
        # A post's article is needed by its shift's pages only (timelines, its own page):
        # a one-off build keeps one shift's articles at a time, not the whole site's.
        ctx.templates.forget_articles()
    # Numbered pages see only the stable ShiftRef (no counts, no last update), so a new
    # post leaves every page but the newest and the index as they are.
    for listing in listings(shift.url, shift.posts, per_page, shift.newest_first):
        index = listing.number is None
        context: dict[str, object] = {
            "shift": shift.info if index else shift.ref,
            "page": listing,
            "highlights": shift.highlights if index else (),
        }
        yield page(ctx, "shift.html", listing.url, context)
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
            yield page(ctx, "team_shift.html", listing.url, context)
    # Post pages in runs: a run's pages are made from its posts and their two neighbours.
    posts = shift.posts
    for start in range(0, len(posts), POST_RUN):
        inputs = {"shift": shift.ref, "posts": posts[max(0, start - 1) : start + POST_RUN + 1]}
        pages = partial(post_pages, ctx, shift, start, start + POST_RUN)
        yield from ctx.memo.group(f"posts {shift.id} {start}", inputs, pages)


def post_pages(ctx: RenderContext, shift: ShiftView, start: int, end: int) -> Pages:
    posts = shift.posts
    for index in range(start, min(end, len(posts))):
        post = posts[index]
        newer = posts[index + 1] if index + 1 < len(posts) else None
        older = posts[index - 1] if index > 0 else None
        context = {
            "shift": shift.ref,
            "post": post,
            "newer": newer.link if newer is not None else None,
            "older": older.link if older is not None else None,
        }
        yield page(ctx, "post.html", post.url, context)


def page(
    ctx: RenderContext, template: str, url: str, context: dict[str, Any]
) -> tuple[str, bytes | Reused]:
    """Renders one page, unless the memo says last build's output for it still stands."""
    path = routes.page_file(url)
    if ctx.take is not None and not ctx.take(path):
        return path, SKIPPED
    root = ctx.site_path if template == "404.html" else routes.root_prefix(url)
    # root and url follow from the path, which the key is stored under: not hashed.
    if ctx.memo.reuse(path, ctx.memo.key(template, context)):
        return path, REUSED
    config = ctx.config
    full = {"root": root, "url": url, **context}
    full |= {"site": config, "canonical": config.base_url + url, "assets": ctx.assets}
    html = ctx.templates.render(template, full)
    # The first photo of a page loads at once; photos are written lazy by the templates.
    return path, html.replace(LAZY, "", 1).encode("utf-8")


# -- contexts ---------------------------------------------------------------------------------


def index_context(ctx: RenderContext) -> dict[str, Any]:
    """The home page: live shifts with their newest post and photo; upcoming shifts soonest
    first; earlier shifts newest first, with their first photo (views.shift_card)."""

    def by(status: Status) -> list[ShiftCard]:
        return [shift_card(s) for s in ctx.shifts if s.status is status]

    return {
        "live": by(Status.LIVE),
        "upcoming": sorted(by(Status.UPCOMING), key=lambda c: c.info.start),
        "ended": sorted(by(Status.ENDED), key=lambda c: c.info.start, reverse=True),
    }


def team_context(ctx: RenderContext, team_id: str) -> dict[str, Any]:
    appearances = [
        (shift.info, st, shift.team_posts(team_id))
        for shift in sorted(ctx.shifts, key=lambda s: s.start, reverse=True)
        for st in shift.teams
        if st.team.id == team_id
    ]
    return {"team": ctx.teams[team_id], "appearances": appearances}
