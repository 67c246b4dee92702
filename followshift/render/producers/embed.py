"""`<shift>/embed/`: a compact timeline of a shift, made to sit in an <iframe> on another site
(a police station's page, a local news site), with a copy-paste snippet on the shift page.

Made only when site.yaml has `embed: allow` (the origins whose pages may frame it; the
`_headers` rule of render/producers/headers.py gives it that frame-ancestors, every other page
'none'). The page shows the newest `EMBED_POSTS` posts in the shift's order and links to the
shift page for the rest; on a live shift live.js keeps it up to date from live.json like the
shift page. Links open in the top window (`<base target="_top">`): a reader who follows one
leaves the host's page for the live blog, not a page inside a small frame.
"""

from __future__ import annotations

from collections.abc import Iterator

from followshift.render.context import RenderContext
from followshift.render.producers.pages import Pages, page

EMBED_POSTS = 20


def embed_url(shift_url: str) -> str:
    return f"{shift_url}embed/"


def files(ctx: RenderContext) -> Pages | Iterator[tuple[str, bytes]]:
    if not ctx.config.embed.enabled:
        return
    for shift in ctx.shifts:
        posts = shift.posts
        shown = posts[::-1][:EMBED_POSTS] if shift.newest_first else posts[:EMBED_POSTS]
        context = {
            "shift": shift.info,
            "posts": shown,
            # Oldest first with more posts than shown: new ones belong on the shift page, not
            # at the end of this one (the timeline's data-partial, as on a numbered page).
            "page": {"newer": not shift.newest_first and len(posts) > EMBED_POSTS},
            "more": len(posts) - len(shown),
        }
        yield page(ctx, "embed.html", embed_url(shift.url), context)
