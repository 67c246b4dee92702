"""What each file of the site is for a bucket: its HTTP headers (Content-Type, Cache-Control) and
its order group, in which it is uploaded so that no reader follows a link to a missing object.

An object store sends the headers stored with each object; a CDN in front keeps a copy for as
long as Cache-Control allows. So the rules here are the whole caching policy of a published
site (docs/publishing.md explains the numbers; docs/hosting.md gives the same policy for
nginx and `_headers`). The security headers (CSP, nosniff, …) are the CDN's to add: an
object store cannot send them.
"""

from __future__ import annotations

from typing import NamedTuple

# Content-hashed names (assets/style.<hash>.css; media/<hash of the photo's bytes, its blur
# regions and every image setting>/960.webp): a changed file gets a new name, so a copy may be
# kept for good.
IMMUTABLE = "public, max-age=31536000, immutable"
# Pages, feeds, the sitemap: a new post reaches every reader (and every CDN edge) within a
# minute, and an edge asks the bucket at most once a minute per page.
SHORT = "public, max-age=60"
# What reading browsers poll during a live shift: an edge may answer from its copy for 5 s and,
# while it fetches a fresh one, for 15 s more; a crowd of pollers costs the bucket about one
# request per edge every 5 s (docs/publishing.md has the arithmetic).
LIVE = "public, max-age=5, stale-while-revalidate=15"
# followshift's own record in the bucket (remote.py): never kept by a cache.
PRIVATE = "private, no-store"

_TYPES = {
    "html": "text/html; charset=utf-8",
    "css": "text/css; charset=utf-8",
    "js": "text/javascript; charset=utf-8",
    "json": "application/json; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "svg": "image/svg+xml; charset=utf-8",
    "webp": "image/webp",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "avif": "image/avif",
    "ico": "image/x-icon",
    "webmanifest": "application/manifest+json; charset=utf-8",
    "woff2": "font/woff2",
}
_BY_NAME = {
    "feed.xml": "application/atom+xml; charset=utf-8",
    "feed.json": "application/feed+json; charset=utf-8",
    "_headers": "text/plain; charset=utf-8",
}


class Headers(NamedTuple):
    content_type: str
    cache_control: str


def content_type(rel: str) -> str:
    name = rel.rpartition("/")[2]
    if name in _BY_NAME:
        return _BY_NAME[name]
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    return _TYPES.get(ext, "application/octet-stream")


def headers_for(rel: str) -> Headers:
    """The headers of the site file `rel` (a path relative to site/, '/'-separated)."""
    top = rel.partition("/")[0]
    name = rel.rpartition("/")[2]
    if top in ("assets", "media") and "/" in rel:
        cache = IMMUTABLE
    elif name == "live.json":
        cache = LIVE
    else:
        cache = SHORT
    return Headers(content_type(rel), cache)


# The order groups, uploaded one after another (the files of one group in parallel): what a
# page links to before the page, each page before the pages that list it, the entry points
# last, live.json (what open pages poll, which links to post pages) after everything.
GROUPS = (
    "photos, assets and host files",
    "post pages",
    "team timelines",
    "team pages across shifts",
    "shift timelines",
    "feeds",
    "sitemap",
    "index, robots.txt",
    "404 page",
    "live.json",
)


def group_of(rel: str) -> int:
    """The order group of the site file `rel` (an index into GROUPS): what a page links to
    before the page, each page before the pages that list it, the entry points last. The
    order of the uploads to a bucket, and of the writes of a build's commit into site/
    (publish/local.py: new files by it, stale ones removed in reverse)."""
    top, _, rest = rel.partition("/")
    name = rel.rpartition("/")[2]
    if name == "live.json":
        return 9
    if name in ("feed.xml", "feed.json"):
        return 5
    if not rest:  # a file at the top of the site
        return {"sitemap.xml": 6, "index.html": 7, "robots.txt": 7, "404.html": 8}.get(top, 0)
    if top in ("media", "assets"):
        return 0
    if top == "teams":
        return 3
    parts = rest.split("/")  # inside a shift folder
    if len(parts) == 1 or parts[0] == "page":
        return 4
    if len(parts) == 2 or parts[1] == "page":
        return 2
    return 1
