"""Whether the tools of a run did the same work, and what CPU time each used: lines for the
summary of bench_text.py."""

from __future__ import annotations

import os
import re
import statistics
from pathlib import Path

from common import Result

# A post's page is a folder named as the post's file (HHMM-slug-NNNNN) with an index.html.
_POST_FOLDER = re.compile(r"^\d{4}-.+-\d{5}$")


def post_pages_note(label: str, tool: str, output: Path, posts: int) -> str:
    """Equal work: every tool must make a page for each of the corpus's posts. Hugo skipped
    the posts dated after today until it was given --buildFuture (TEXT-50k-weekly's last
    51 shifts), which made its runs a quarter lighter than followshift's."""
    made = sum(
        1
        for folder, _dirs, files in os.walk(output)
        if "index.html" in files and _POST_FOLDER.match(os.path.basename(folder))
    )
    if made == posts:
        return f"{label}: {tool} made a page for each of the {posts} posts"
    return f"UNEQUAL WORK: {label}: {tool} made {made} post pages for {posts} posts"


def cpu_line(results: list[Result], workload: str) -> list[str]:
    """The CPU time of each tool's runs (medians of user and system seconds), beside wall
    time: on this VM the kernel's share of writing thousands of new files varies ~10× from
    run to run (its memory is handed back to the host when idle), user time hardly."""
    shown = [r for r in results if r.workload == workload and r.runs and r.runs[0].user_s]
    if not shown:
        return []

    def user(r: Result) -> float:
        return statistics.median(run.user_s for run in r.runs)

    def system(r: Result) -> float:
        return statistics.median(run.sys_s for run in r.runs)

    hugo = next((r for r in shown if r.tool == "hugo"), None)
    parts = []
    for r in shown:
        ratio = f", user ×hugo {user(r) / user(hugo):.2f}×" if hugo and r is not hugo else ""
        parts.append(f"{r.tool} user {user(r):.2f} s, sys {system(r):.2f} s{ratio}")
    return [f"{workload}, CPU (medians): " + "; ".join(parts)]
