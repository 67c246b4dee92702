"""sitemap.xml (with lastmod) and robots.txt."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from followshift.render import routes
from followshift.render.memo import REUSED, Reused
from followshift.render.views import ShiftView

if TYPE_CHECKING:
    from followshift.render.pages import SiteRenderer


def sitemap_files(r: SiteRenderer) -> Iterator[tuple[str, bytes | Reused]]:
    inputs = {"base": r.site.config.base_url, "shifts": tuple((s.url, s.posts) for s in r.shifts)}
    reuse = r.memo.reuse("sitemap.xml", r.memo.key("sitemap.xml", inputs))
    yield "sitemap.xml", REUSED if reuse else sitemap(r)
    yield "robots.txt", robots(r)


def sitemap(r: SiteRenderer) -> bytes:
    base = r.site.config.base_url
    entries: list[tuple[str, datetime | None]] = [("", last_update(r.shifts))]
    for shift in r.shifts:
        entries.append((shift.url, shift.last_update))
        for st in shift.teams:
            entries.append((st.url, max(p.modified for p in shift.team_posts(st.team.id))))
        entries.extend((p.url, p.modified) for p in shift.posts)
    for team_id in r.teams_with_posts():
        entries.append((routes.team_url(team_id), last_update(r.shifts, team_id)))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for url, modified in entries:
        lastmod = f"<lastmod>{r.formatter.iso(modified)}</lastmod>" if modified else ""
        lines.append(f"<url><loc>{escape(base + url)}</loc>{lastmod}</url>")
    lines.append("</urlset>")
    return ("\n".join(lines) + "\n").encode()


def last_update(shifts: list[ShiftView], team_id: str | None = None) -> datetime | None:
    times = [p.modified for s in shifts for p in s.posts if team_id is None or p.team.id == team_id]
    return max(times, default=None)


def robots(r: SiteRenderer) -> bytes:
    return f"User-agent: *\nAllow: /\nSitemap: {r.site.config.base_url}sitemap.xml\n".encode()
