"""The "withdrawn" notice: what a withdrawn post's own URL shows instead of the post.

A post withdrawn by the comms team (`status: withdrawn`, written by `followshift withdraw` or the
desk) is in no view, so no timeline, feed, sitemap or live.json has it. Readers who follow a
shared link to it get this short notice rather than a 404, so the link does not look broken and
nothing of the post is repeated. Only a post that was public before it was withdrawn (its time
plus the delay has passed) gets one: a post withdrawn while waiting for review never had a URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from followshift.content.model import PostStatus, Site
from followshift.render import routes
from followshift.render.context import RenderContext
from followshift.render.memo import REUSED
from followshift.render.producers import OutputFile

TEMPLATE = "withdrawn.html"


def urls(site: Site, now: datetime) -> tuple[str, ...]:
    """The URLs of the posts that were public once and are withdrawn now, sorted."""
    return tuple(
        sorted(
            routes.post_url(post)
            for shift in site.shifts
            for post in shift.posts
            if post.status is PostStatus.WITHDRAWN and post.public_from(shift.delay) <= now
        )
    )


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    for url in ctx.withdrawn:
        path = routes.page_file(url)
        shift_url = url.split("/", 1)[0] + "/"
        context = {"shift_url": shift_url, "withdrawn": True}
        if ctx.memo.reuse(path, ctx.memo.key(TEMPLATE, context)):
            yield path, REUSED
            continue
        root = routes.root_prefix(url)
        full = {
            "root": root,
            "url": url,
            **context,
            "site": ctx.config,
            "canonical": ctx.config.base_url + url,
            "assets": ctx.assets,
        }
        yield path, ctx.templates.render(TEMPLATE, full).encode("utf-8")
