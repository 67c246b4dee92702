"""sitemap.xml (with lastmod) and robots.txt."""

from __future__ import annotations

import html
from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from followshift.render import routes
from followshift.render.memo import REUSED, Reused
from followshift.render.views import ShiftView

if TYPE_CHECKING:
    from followshift.render.producers.pages import SiteRenderer


def sitemap_files(r: SiteRenderer) -> Iterator[tuple[str, bytes | Reused]]:
    inputs = {"base": r.site.config.base_url, "shifts": tuple((s.url, s.posts) for s in r.shifts)}
    reuse = r.memo.reuse("sitemap.xml", r.memo.key("sitemap.xml", inputs))
    yield "sitemap.xml", REUSED if reuse else sitemap(r)
    yield "robots.txt", robots(r)


def sitemap(r: SiteRenderer) -> bytes:
    base = r.site.config.base_url
    entries: list[tuple[str, datetime | None]] = [("", last_update(r.shifts))]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
        *_lines(r, base, entries),
    ]
    # A shift's lines come from its view alone: a view kept from the last build keeps them.
    lines.extend(_shift_lines(r, base, shift) for shift in r.shifts)
    entries = [(routes.team_url(t), last_update(r.shifts, t)) for t in r.teams_with_posts()]
    lines.extend(_lines(r, base, entries))
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def _lines(r: SiteRenderer, base: str, entries: list[tuple[str, datetime | None]]) -> list[str]:
    lines = []
    for url, modified in entries:
        lastmod = f"<lastmod>{r.formatter.iso(modified)}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{html.escape(base + url, quote=False)}</loc>{lastmod}</url>")
    return lines


def _shift_lines(r: SiteRenderer, base: str, shift: ShiftView) -> str:
    key = ("sitemap", base, r.formatter.tz)
    text = shift.memo.get(key)
    if text is None:
        entries: list[tuple[str, datetime | None]] = [(shift.url, shift.last_update)]
        for st in shift.teams:
            entries.append((st.url, _team_updates(shift)[st.team.id]))
        lines = _lines(r, base, entries)
        for post in shift.posts:  # a post's line is kept with its view (a live shift's changes)
            line = post.memo.get(key)
            if line is None:
                line = post.memo[key] = _lines(r, base, [(post.url, post.modified)])[0]
            lines.append(line)  # type: ignore[arg-type]
        text = shift.memo[key] = "\n".join(lines)
    return text  # type: ignore[return-value]


def _team_updates(shift: ShiftView) -> dict[str, datetime]:
    """Each team's last update in the shift, made once per shift view."""
    updates = shift.memo.get("team updates")
    if updates is None:
        found: dict[str, datetime] = {}
        for post in shift.posts:
            team = post.team.id
            if team not in found or post.modified > found[team]:
                found[team] = post.modified
        updates = shift.memo["team updates"] = found
    return updates  # type: ignore[return-value]


def last_update(shifts: list[ShiftView], team_id: str | None = None) -> datetime | None:
    if team_id is None:
        return max((s.last_update for s in shifts if s.last_update is not None), default=None)
    times = [u for s in shifts if (u := _team_updates(s).get(team_id)) is not None]
    return max(times, default=None)


def robots(r: SiteRenderer) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {r.site.config.base_url}sitemap.xml\n".encode()
