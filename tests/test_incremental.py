"""Incremental builds produce exactly what a cold build does, and touch only what changed.

A cold build here means: a fresh output folder and a fresh cache. Each test changes content the
way officers and the comms team do (a new post, a correction, a deletion, a new team colour, a
renamed shift, a template edit) and compares every byte of every file.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AFTER, DURING, SHIFT, Run, jpeg, make_site, post_path, site_files

from followshift.build.pipeline import BuildOptions, build
from followshift.build.state import BuildCache


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def cold_build(root: Path, run: Run, now: str, name: str) -> dict[str, bytes]:
    out = root / f"cold-{name}"
    cache = root / f"cache-{name}"
    outcome = run(
        ["build", "--now", now, "--out", str(out)], root, env={"FOLLOWSHIFT_CACHE": str(cache)}
    )
    assert outcome.exit_code in (0, 1), outcome.stderr
    return tree(out)


def many_posts(n: int) -> dict[str, str]:
    files = {}
    for i in range(n):
        team = ("zevenaar", "neder-betuwe")[i % 2]
        minute = 19 * 60 + i
        name = f"{(minute // 60) % 24:02d}{minute % 60:02d}-bericht-{i:03d}.md"
        files[post_path(team, name)] = f"Bericht nummer {i}.\n"
    return files


EDITS = {
    "a new post": lambda root: (root / post_path("zevenaar", "2030-nieuw.md")).write_text(
        "Een nieuw bericht.\n"
    ),
    "a correction": lambda root: (root / post_path("zevenaar", "1915-weekmarkt.md")).write_text(
        "---\ntitle: Weekmarkt\npinned: true\nupdated: 21:40\n---\nGecorrigeerd bericht.\n"
    ),
    "a deleted post": lambda root: (
        root / post_path("zevenaar", "1900-de-dienst-begint.md")
    ).unlink(),
    "a new photo": lambda root: (root / post_path("zevenaar", "1915-weekmarkt.jpg")).write_bytes(
        jpeg(size=(120, 80))
    ),
    "a team colour": lambda root: (root / "content/teams.yaml").write_text(
        (root / "content/teams.yaml").read_text().replace("#1f3b73", "#ffcc00")
    ),
    "a shift title": lambda root: (root / f"content/{SHIFT}/shift.yaml").write_text(
        (root / f"content/{SHIFT}/shift.yaml").read_text().replace("Megavolgdienst", "Volgdienst")
    ),
    "a template override": lambda root: (
        (root / "templates").mkdir()
        or (root / "templates/404.html").write_text(
            '{% extends "base.html" %}{% block content %}<h1>Weg</h1>{% endblock %}'
        )
    ),
    "a broken post": lambda root: (root / post_path("zevenaar", "2040-kapot.md")).write_text(
        "---\ntime: 25:61\n---\nKapot.\n"
    ),
}


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_a_rebuild_after_an_edit_equals_a_cold_build(tmp_path: Path, run: Run, edit: str):
    make_site(tmp_path, site_files(many_posts(30)))
    assert run(["build", "--now", DURING], tmp_path).exit_code == 0

    EDITS[edit](tmp_path)
    outcome = run(["build", "--now", DURING], tmp_path)
    assert outcome.exit_code in (0, 1), outcome.stderr

    assert tree(tmp_path / "site") == cold_build(tmp_path, run, DURING, "after")


def test_a_rebuild_at_a_later_clock_equals_a_cold_build(tmp_path: Path, run: Run):
    """Status and scheduled posts depend on the clock, not only on files."""
    make_site(tmp_path, site_files(many_posts(30)))
    assert run(["build", "--now", DURING], tmp_path).exit_code == 0
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    assert tree(tmp_path / "site") == cold_build(tmp_path, run, AFTER, "later")


def test_watch_style_rebuilds_in_memory_equal_a_cold_build(tmp_path: Path, run: Run):
    """The state `watch` keeps between rebuilds gives the same bytes as a cold build."""
    make_site(tmp_path, site_files(many_posts(30)))
    options = BuildOptions(content=tmp_path / "content", out=tmp_path / "site", now=DURING)
    state = BuildCache()
    assert build(options, cache=state).published
    for edit in ("a new post", "a correction", "a deleted post", "a team colour"):
        EDITS[edit](tmp_path)
        assert build(options, cache=state).published
    assert tree(tmp_path / "site") == cold_build(tmp_path, run, DURING, "memory")


def test_a_rebuild_with_nothing_changed_renders_and_writes_nothing(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files(many_posts(30)))
    assert run(["build", "--now", DURING], tmp_path).exit_code == 0
    outcome = run(["build", "--now", DURING, "-v"], tmp_path)
    assert "0 files rendered" in outcome.stderr
    assert " 0 written" in outcome.stderr


def test_adding_a_post_to_a_long_shift_rewrites_a_bounded_number_of_files(tmp_path: Path, run: Run):
    files = site_files(many_posts(400))
    files["content/site.yaml"] += "per_page: 20\n"
    make_site(tmp_path, files)
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    total = len(tree(tmp_path / "site"))

    (tmp_path / post_path("zevenaar", "0230-nog-een.md")).write_text("Nog een bericht.\n")
    outcome = run(["build", "--now", AFTER, "-v"], tmp_path)
    written = int(outcome.stderr.split(" written")[0].rsplit("(", 1)[1].split()[-1])
    # The post's page, its neighbours, the last pages of the shift and team timelines, the
    # indexes, team pages, feeds, sitemap: a few dozen at most, not the ~470 files of the site.
    assert written <= 30, outcome.stderr
    assert total > 400
    assert tree(tmp_path / "site") == cold_build(tmp_path, run, AFTER, "long")
