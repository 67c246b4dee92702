"""Long timelines in pages with stable boundaries.

Posts are cut into chunks of `per_page` counted from the OLDEST post, so a new post (which is
almost always the newest) only changes the last chunk: adding one post rewrites a bounded
number of pages however long the shift. Every chunk k has its own page `<timeline>/page/<k>/`;
the timeline's index shows the two chunks at the start of the reading order (the newest two
while a shift is live, the first two of an ended report) and links on to the rest. Everything
works as plain links, without JavaScript.
"""

from __future__ import annotations

from dataclasses import dataclass

from followshift.render.views import PostView


@dataclass(frozen=True)
class Listing:
    """One page of a timeline, posts already in display order."""

    url: str
    number: int | None  # None: the timeline's index (no page count: it would change them all)
    posts: tuple[PostView, ...]
    older: str | None  # URL (below the site root) of the page with older posts
    newer: str | None


def page_url(base: str, number: int) -> str:
    return f"{base}page/{number}/"


def listings(
    base: str, posts: tuple[PostView, ...], per_page: int, newest_first: bool
) -> list[Listing]:
    """The index (first) and every chunk page of a timeline whose URL is `base`."""
    chunks = [posts[i : i + per_page] for i in range(0, len(posts), per_page)]
    n = len(chunks)

    def ordered(selected: list[tuple[PostView, ...]]) -> tuple[PostView, ...]:
        flat = tuple(p for chunk in selected for p in chunk)
        return tuple(reversed(flat)) if newest_first else flat

    if newest_first:
        on_index = set(range(max(1, n - 1), n + 1))
        index_older = page_url(base, n - 2) if n >= 3 else None
        index = Listing(base, None, ordered(chunks[max(0, n - 2) :]), index_older, None)
    else:
        on_index = set(range(1, min(2, n) + 1))
        index_newer = page_url(base, 3) if n >= 3 else None
        index = Listing(base, None, ordered(chunks[:2]), None, index_newer)

    def link(k: int) -> str | None:
        if not 1 <= k <= n:
            return None
        return base if k in on_index else page_url(base, k)

    pages = [index]
    for k, chunk in enumerate(chunks, start=1):
        older = link(k - 1)
        newer = link(k + 1)
        pages.append(Listing(page_url(base, k), k, ordered([chunk]), older, newer))
    return pages
