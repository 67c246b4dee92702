"""<shift>/live.json: what a reading browser polls for new, changed and removed posts.

The newest `LIVE_WINDOW` posts of the shift, oldest first, each with its article HTML rendered
by the same template as the timeline, so the script inserts markup and never builds any. Links
in that HTML are relative to live.json itself (it sits beside the shift's index); the script
resolves them against the JSON's URL, so they work on the team pages one folder deeper too.

Removed posts are implied: a post on the page that is at least as new as `since` and not in
`posts` was retracted. `poll` is the suggested interval in seconds, 0 once the shift is not
live, which stops polling. A page whose newest post is older than `since` may lack posts that
fell out of the window: the script then offers a reload instead of inserting (docs/live.md).

Every reader fetches this file every `poll` seconds, so it holds only what an open page needs:
20 posts (a busy megavolgdienst posts about 10 a minute; a reader polling every 10 s needs one
or two), compact JSON, `pinned` only when true (the notifications of live.js).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from followshift.content.model import Status
from followshift.render.context import RenderContext
from followshift.render.memo import REUSED
from followshift.render.producers import OutputFile
from followshift.render.views import ShiftView

LIVE_WINDOW = 20
POLL_SECONDS = 10


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    for shift in ctx.shifts:
        path = f"{shift.url}live.json"
        inputs = {
            "shift": shift.ref,
            "posts": shift.posts[-LIVE_WINDOW:],
            "count": shift.post_count,
        }
        if ctx.memo.reuse(path, ctx.memo.key("live.json", inputs)):
            yield path, REUSED
        else:
            yield path, live_json(ctx, shift)


def live_json(ctx: RenderContext, shift: ShiftView) -> bytes:
    window = shift.posts[-LIVE_WINDOW:]
    posts = []
    for post in window:
        html = str(ctx.article(post, "h3", "../"))
        entry: dict[str, object] = {
            "id": post.anchor,
            "team": post.team.id,
            "time": ctx.formatter.iso(post.time),
            "modified": ctx.formatter.iso(post.modified),
        }
        if post.pinned:
            entry["pinned"] = True
        entry["html"] = html.strip()
        posts.append(entry)
    doc = {
        "version": 1,
        "shift": shift.id,
        "status": shift.status.value,
        "poll": POLL_SECONDS if shift.status is Status.LIVE else 0,
        "updated": ctx.formatter.iso(shift.last_update) if shift.last_update else None,
        "since": posts[0]["time"] if posts else None,
        "count": shift.post_count,
        "posts": posts,
    }
    # Compact: read by a script, never by a person (the HTML inside is most of the bytes).
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    return (text + "\n").encode("utf-8")
