"""sitemap.xml (with lastmod) and robots.txt: the files crawlers read (`_headers`: headers.py)."""

from __future__ import annotations

import html
from collections.abc import Iterator, Sequence
from datetime import datetime

from followshift.render import routes
from followshift.render.context import RenderContext
from followshift.render.memo import REUSED
from followshift.render.producers import OutputFile
from followshift.render.views import PostView, ShiftView


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    inputs = {"base": ctx.config.base_url, "shifts": tuple((s.url, s.posts) for s in ctx.shifts)}
    reuse = ctx.memo.reuse("sitemap.xml", ctx.memo.key("sitemap.xml", inputs))
    yield "sitemap.xml", REUSED if reuse else sitemap(ctx)
    yield "robots.txt", robots(ctx)


def sitemap(ctx: RenderContext) -> bytes:
    base = ctx.config.base_url
    entries: list[tuple[str, datetime | None]] = [("", last_update(ctx, ctx.shifts))]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *_lines(ctx, base, entries),
    ]
    # A shift's lines come from its view alone: in watch they are kept while it is unchanged.
    lines.extend(_shift_lines(ctx, base, shift) for shift in ctx.shifts)
    entries = [(routes.team_url(t), last_update(ctx, ctx.shifts, t)) for t in ctx.teams_with_posts]
    lines.extend(_lines(ctx, base, entries))
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def _lines(ctx: RenderContext, base: str, entries: list[tuple[str, datetime | None]]) -> list[str]:
    lines = []
    for url, modified in entries:
        lastmod = f"<lastmod>{ctx.formatter.iso(modified)}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{html.escape(base + url, quote=False)}</loc>{lastmod}</url>")
    return lines


def _shift_lines(ctx: RenderContext, base: str, shift: ShiftView) -> str:
    made = ("sitemap", base, ctx.formatter.tz)

    def post_line(post: PostView) -> str:
        def make() -> str:
            return _lines(ctx, base, [(post.url, post.modified)])[0]

        # A post's line is kept in watch (a live shift's changes); a one-off build makes each
        # line once and needs no key for it.
        if not ctx.derived.retain:
            return make()
        return ctx.derived.get((*made, ctx.memo.digest(post)), make)

    def make() -> str:
        entries: list[tuple[str, datetime | None]] = [(shift.url, shift.last_update)]
        for st in shift.teams:
            entries.append((st.url, _team_updates(ctx, shift)[st.team.id]))
        lines = _lines(ctx, base, entries)
        lines.extend(post_line(post) for post in shift.posts)
        return "\n".join(lines)

    return ctx.derived.get((*made, ctx.memo.digest(shift)), make)


def _team_updates(ctx: RenderContext, shift: ShiftView) -> dict[str, datetime]:
    """Each team's last update in the shift, made once per shift view."""

    def make() -> dict[str, datetime]:
        found: dict[str, datetime] = {}
        for post in shift.posts:
            team = post.team.id
            if team not in found or post.modified > found[team]:
                found[team] = post.modified
        return found

    return ctx.derived.get(("team updates", ctx.memo.digest(shift)), make)


def last_update(
    ctx: RenderContext, shifts: Sequence[ShiftView], team_id: str | None = None
) -> datetime | None:
    if team_id is None:
        return max((s.last_update for s in shifts if s.last_update is not None), default=None)
    times = [u for s in shifts if (u := _team_updates(ctx, s).get(team_id)) is not None]
    return max(times, default=None)


def robots(ctx: RenderContext) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {ctx.config.base_url}sitemap.xml\n".encode()
