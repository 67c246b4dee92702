"""The floor of a followshift build: the same site with every page template one line long.

Everything else runs as in a real build: reading and checking every post, the views and their
Markdown, the feeds, live.json, the sitemap, the memo's keys, writing every file. What is left
out is only what the theme's templates do for each page (the layout, the article, the head
metadata). So its time is what no work on the templates can take away: when the floor alone
takes longer than a target, the target cannot be met by faster pages.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from common import Result

# The page templates of the default theme (themes/default/templates), each replaced by a line
# that still makes every page's file different.
PAGE_TEMPLATES = (
    "index.html",
    "shift.html",
    "team_shift.html",
    "post.html",
    "team.html",
    "404.html",
    "embed.html",
    "withdrawn.html",
)


def floor_site(content: Path) -> Path:
    """A site folder beside the corpus's with the one-line templates in `templates/` (the
    site's own overrides, docs/theming.md) and the corpus's content: a link to it, or a copy
    where links cannot be made."""
    root = content.parent.parent / "followshift-floor"
    templates = root / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    for name in PAGE_TEMPLATES:
        (templates / name).write_text("<p>{{ url }}</p>\n", encoding="utf-8")
    linked = root / "content"
    if linked.is_symlink():
        return root
    if linked.exists():  # a copy from an earlier run: the corpus may have been written anew
        shutil.rmtree(linked)
    try:
        linked.symlink_to(content, target_is_directory=True)
    except OSError:  # Windows without the right to make links
        shutil.copytree(content, linked)
    return root


def floor_line(results: list[Result], workload: str) -> list[str]:
    """The floor and the whole build, each as a ratio to Hugo's cold build."""

    def median(tool: str) -> float | None:
        found = next((r for r in results if r.workload == workload and r.tool == tool), None)
        return found.median if found and found.runs else None

    floor, full, hugo = median("followshift-floor"), median("followshift"), median("hugo")
    if not (floor and hugo):
        return []
    whole = f"; the whole build {full / hugo:.2f}×" if full else ""
    return [
        f"{workload}: followshift with one-line page templates (all but the theme's work) / "
        f"Hugo = {floor / hugo:.2f}× ({floor:.2f} s vs {hugo:.2f} s){whole}"
    ]
