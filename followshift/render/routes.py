"""Where everything lives in site/: one place for every output path and URL.

URLs are directory URLs relative to the site root (`<shift>/<team>/<post>/`); pages turn them
into links relative to themselves so the site works under any base path and from a file system.
The folders site/ uses itself beside content's folders (assets, media, teams, page) are named
in naming.py, since the reader refuses them as names of content.
"""

from __future__ import annotations

from followshift.content.model import Post, Shift, Team


def shift_url(shift: Shift | str) -> str:
    return f"{shift if isinstance(shift, str) else shift.id}/"


def team_in_shift_url(shift_id: str, team_id: str) -> str:
    return f"{shift_id}/{team_id}/"


def post_url(post: Post) -> str:
    return f"{post.shift_id}/{post.team_id}/{post.id}/"


def team_url(team: Team | str) -> str:
    return f"teams/{team if isinstance(team, str) else team.id}/"


def page_file(url: str) -> str:
    """The file that serves a directory URL: `a/b/` → `a/b/index.html`."""
    return f"{url}index.html" if url.endswith("/") or not url else url


def post_anchor(post: Post) -> str:
    """Unique on a combined timeline: two teams may both have `1900-de-dienst-begint`."""
    return f"{post.team_id}--{post.id}"


def root_prefix(url: str) -> str:
    """`../..` style prefix from a page at `url` back to the site root."""
    depth = url.count("/")
    return "../" * depth
