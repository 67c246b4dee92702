"""Rendering in forked worker processes (`--jobs`): the same site, byte for byte, as one process;
a template error in a worker is reported like any other; nothing is left in the staging folder.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from followshift.build import schedule
from followshift.build.state import BuildCache
from followshift.content import loader, readcache, split
from followshift.content.loader import load_site, load_team_folder
from followshift.content.readcache import ReadCache
from followshift.diagnostics import Diagnostics
from followshift.publish.model import STAGING_NAME
from followshift.render.markdown import MarkdownRenderer, render_markdown
from followshift.render.markdown import _key as markdown_key
from tests.conftest import SHIFT, Run, contents, jpeg, make_site, post_path, site_files

pytestmark = pytest.mark.skipif(not schedule.can_fork(), reason="workers are forked on Linux only")

NOW = "2026-10-24T23:30"
POSTS = schedule.FORK_MIN_WORK + 50  # enough for the build to fork its workers


def big_site(root: Path) -> Path:
    files = site_files()
    for i in range(POSTS):
        team = ("zevenaar", "neder-betuwe")[i % 2]
        minute = 19 * 60 + i // 3
        name = f"{(minute // 60) % 24:02d}{minute % 60:02d}-bericht-{i:03d}.md"
        quote = ' "Rustig"' if i % 7 == 0 else ""  # some posts need smart quotes
        files[post_path(team, name)] = f"Bericht **{i}** van de avond.{quote}\n"
    return make_site(root, files)


def add_big_shift(root: Path) -> None:
    shift = "2026-10-17-volgdienst"
    (root / "content" / shift).mkdir()
    (root / "content" / shift / "shift.yaml").write_text(
        "title: Volgdienst Halloween\nstart: 2026-10-17 19:00\nend: 2026-10-18 03:00\n"
    )
    for i in range(POSTS):
        folder = root / "content" / shift / ("zevenaar", "neder-betuwe")[i % 2]
        folder.mkdir(exist_ok=True)
        minute = 19 * 60 + i // 3
        name = f"{(minute // 60) % 24:02d}{minute % 60:02d}-halloween-{i:03d}.md"
        (folder / name).write_text(f"Halloween, bericht {i}.\n")


def build(run: Run, root: Path, out: str, jobs: int, *extra: str) -> tuple[int, str]:
    outcome = run(
        ["build", "--now", NOW, "--out", out, "--jobs", str(jobs), "-v", *extra],
        root,
        env={"FOLLOWSHIFT_CACHE": str(root / f"cache-{out}")},
    )
    return outcome.exit_code, outcome.stdout + outcome.stderr


def test_workers_build_the_same_site_as_one_process(tmp_path: Path, run: Run) -> None:
    root = big_site(tmp_path)
    code_one, _ = build(run, root, "one", 1)
    code_two, log = build(run, root, "two", 2)

    assert (code_one, code_two) == (0, 0)
    assert "2 processes" in log  # the workers really ran
    one, two = contents(root / "one"), contents(root / "two")
    assert len(one) > POSTS
    assert one == two
    assert not (root / "two" / STAGING_NAME).exists()


def test_workers_leave_the_next_build_the_same_page_keys_and_groups_as_one_process(
    tmp_path: Path, run: Run
) -> None:
    """The build state from a build with workers (their page keys and the memo groups each
    share saw whole, merged in the build process) is the one a single process leaves: a
    rebuild after either skips the same pages and groups."""
    root = big_site(tmp_path)
    add_big_shift(root)
    assert build(run, root, "one", 1)[0] == build(run, root, "two", 2)[0] == 0

    one = BuildCache.load(root / "cache-one", root / "one")
    two = BuildCache.load(root / "cache-two", root / "two")

    assert len(one.page_groups) > 4 and one.page_groups == two.page_groups
    assert len(one.page_keys) > 2 * POSTS and one.page_keys == two.page_keys


def test_workers_starting_on_different_shifts_build_the_same_site(tmp_path: Path, run: Run) -> None:
    """With two big shifts, the second process starts on the second one (pages.py, segments);
    the site is the one a single process builds, and the next build finds it all unchanged."""
    root = big_site(tmp_path)
    add_big_shift(root)
    code_one, _ = build(run, root, "one", 1)
    code_two, log = build(run, root, "two", 2)
    code_again, again = build(run, root, "two", 2)

    assert (code_one, code_two, code_again) == (0, 0, 0)
    assert "2 processes" in log
    assert contents(root / "one") == contents(root / "two")
    assert "0 files rendered" in again


def test_a_theme_change_is_rendered_by_workers_over_an_existing_site(
    tmp_path: Path, run: Run
) -> None:
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        (Path(__file__).parents[1] / "themes/default/templates/post.html")
        .read_text()
        .replace('<div class="single">', '<div class="single" data-theme="eigen">')
    )
    code, log = build(run, root, "site", 2)
    assert build(run, root, "cold", 1)[0] == 0

    assert code == 0 and "2 processes" in log
    assert contents(root / "site") == contents(root / "cold")
    pages = list((root / "site").rglob("*-bericht-*/index.html"))
    assert len(pages) == POSTS and all('data-theme="eigen"' in p.read_text() for p in pages)


def test_a_template_error_in_a_worker_is_one_line_and_publishes_nothing(
    tmp_path: Path, run: Run
) -> None:
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    before = contents(root / "site")
    (root / "templates").mkdir()
    (root / "templates/post.html").write_text(
        '{% extends "base.html" %}\n{% block content %}\n{{ post.no_such_field.x }}\n'
        "{% endblock %}\n"
    )
    code, log = build(run, root, "site", 2)

    assert code == 1
    errors = [line for line in log.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert "post.html:3: error: template error" in errors[0]
    assert "Traceback" not in log
    assert contents(root / "site") == before
    assert not (root / "site" / STAGING_NAME).exists()
    # The build state begun while the workers rendered (BuildCache.snapshot) is not left behind.
    assert [p.name for p in (root / "cache-site" / "state").iterdir()] == [state_name(root)]


def test_a_state_file_left_by_a_killed_build_is_removed_by_the_next_build(
    tmp_path: Path, run: Run
) -> None:
    """A build killed outright (SIGKILL, power cut) cannot remove the state file it began;
    the next build of the same output does, at once: it holds the output's lock, so no other
    build of it is alive. Another output's is left until it is an hour old."""
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    folder = root / "cache-site" / "state"
    dead = folder / f".{state_name(root)}.99991.tmp"
    other = BuildCache.path(root / "cache-site", root / "other").name
    old, young = folder / f".{other}.99992.tmp", folder / f".{other}.99993.tmp"
    for file in (dead, old, young):
        file.write_bytes(b"x" * 1000)
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    (root / "templates").mkdir()  # a theme change: every page is rendered by the workers again
    (root / "templates/post.html").write_text(
        (Path(__file__).parents[1] / "themes/default/templates/post.html")
        .read_text()
        .replace('<div class="single">', '<div class="single" data-x="1">')
    )

    code, log = build(run, root, "site", 2)

    assert code == 0 and "2 processes" in log
    assert sorted(p.name for p in folder.iterdir()) == sorted([state_name(root), young.name])


def state_name(root: Path) -> str:
    return BuildCache.path(root / "cache-site", root / "site").name


@pytest.mark.parametrize("damage", ["truncated", "garbage", "old format"])
def test_a_damaged_build_state_means_a_full_build_of_the_same_site(
    tmp_path: Path, run: Run, damage: str
) -> None:
    """The state a build leaves for the next (written in two steps by a build with workers) is
    only a shortcut: damaged, the next build does everything, without a word, and publishes
    the same site."""
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    before = contents(root / "site")
    state = root / "cache-site" / "state" / state_name(root)
    data = state.read_bytes()
    state.write_bytes(
        {
            "truncated": data[: len(data) // 2],
            "garbage": b"not a pickle" + data[12:],
            "old format": pickle.dumps(("0.0.1-3", {"reads": None})),
        }[damage]
    )

    code, log = build(run, root, "site", 2)

    assert code == 0 and "Traceback" not in log
    assert "2 processes" in log and "; 0 files rendered" not in log  # everything again
    assert contents(root / "site") == before
    assert "; 0 files rendered" in build(run, root, "site", 2)[1]  # a good state again


def test_a_big_new_shift_beside_kept_ones_is_rendered_by_workers(tmp_path: Path, run: Run) -> None:
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    code, log = build(run, root, "site", 2)
    assert code == 0 and "0 files rendered" in log  # nothing changed: nothing rendered

    # A second big shift: the workers render it while the first shift's pages are kept.
    add_big_shift(root)
    code, log = build(run, root, "site", 2)
    assert build(run, root, "cold", 1)[0] == 0

    assert code == 0 and "2 processes" in log
    assert contents(root / "site") == contents(root / "cold")


def test_a_removed_output_folder_with_the_cache_kept_is_rendered_by_workers(
    tmp_path: Path, run: Run
) -> None:
    """`rm -rf site` (the cache kept) is a cold build for the pages: every one is missing, so
    the workers render them, as on a first build, and the site is the same."""
    root = big_site(tmp_path)
    assert build(run, root, "site", 2)[0] == 0
    before = contents(root / "site")
    shutil.rmtree(root / "site")

    code, log = build(run, root, "site", 2)

    assert code == 0 and "2 processes" in log
    assert contents(root / "site") == before


def test_markdown_is_shared_by_the_build_and_a_worker() -> None:
    """render_all: the build process first does its own work (`meanwhile`, once, in itself),
    then both processes draw runs of texts until none is left; every text is rendered as
    the build would render it."""
    renderer = MarkdownRenderer({})
    texts = [f'Bericht **{i}** -- "rustig"... [meer](https://x.nl/{i})' for i in range(500)]
    called: list[int] = []
    renderer.render_all(texts, 2, meanwhile=lambda: called.append(os.getpid()))

    assert called == [os.getpid()]
    assert len(renderer.memory) == len(texts) > schedule.FORK_MIN_WORK
    for text in texts:
        assert renderer.memory[markdown_key(text)] == render_markdown(text)
    assert not multiprocessing.active_children()


KILLED_WORKER = """
import os, signal, sys
from followshift.build import schedule
from followshift.build.state import BuildCache
from followshift.content import loader, split
from followshift.content.loader import load_site, load_team_folder
from followshift.content.readcache import ReadCache
from followshift.diagnostics import Diagnostics
from followshift.diagnostics import SiteError

def task(k):
    if k == 1:
        os.kill(os.getpid(), signal.SIGKILL)  # as the kernel's out-of-memory killer does
    return k

workers = schedule.Forked(task, 2)
try:
    workers.results()
except SiteError as exc:
    print(exc.diagnostic.format())
    sys.exit(1)
"""


def _python(code: str) -> subprocess.CompletedProcess[str]:
    # In a process of its own with a time limit: the failure this guards against is a hang.
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_a_killed_render_worker_is_an_error_not_a_hang() -> None:
    outcome = _python(KILLED_WORKER)

    assert outcome.returncode == 1, outcome.stderr
    assert "error: a worker process ended while rendering (out of memory?)" in outcome.stdout
    assert "--jobs 1" in outcome.stdout
    assert "Traceback" not in outcome.stderr


# -- a first read of a big site is shared with a worker (content/split.py) -----------------------


def _split_site(root: Path) -> Path:
    """Two shifts of 450 posts; in the last team folder, the worker's, a broken post, a stray
    file, a photo post (read with Pillow) and a post in error; a stray file at shift level."""
    big_site(root)
    add_big_shift(root)
    folder = root / "content" / SHIFT / "zevenaar"
    (folder / "2000-kapot.md").write_text("---\ntitle: [niet gesloten\n---\nTekst.\n")
    (folder / "notities.txt").write_text("niet voor de site\n")
    (folder / "2010-foto.md").write_text("Een foto.\n")
    (folder / "2010-foto.jpg").write_bytes(jpeg("2026:10:24 20:10:00"))
    (folder / "2020-leeg.md").write_text("")
    (root / "content" / SHIFT / "lees-mij.txt").write_text("x\n")
    return root / "content"


def _shift_folders(content: Path) -> list[Path]:
    return sorted(p.parent for p in content.glob("*/shift.yaml"))


def test_a_first_read_shared_with_a_worker_gives_the_same_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The photo was written a moment ago: a read cache would (rightly) not trust its signature
    # and read its post again next time (readcache.RACY_NS). Nothing changes here while reading.
    monkeypatch.setattr(readcache, "RACY_NS", 0)
    content = _split_site(tmp_path)
    mine = split.plan(_shift_folders(content))
    assert content / SHIFT / "zevenaar" in mine  # the worker reads the troubled folder

    one, two = Diagnostics(), Diagnostics()
    one_cache, two_cache = ReadCache(), ReadCache()
    site_one = load_site(content, one, cache=one_cache, jobs=1)
    site_two = load_site(content, two, cache=two_cache, jobs=2)

    assert site_two == site_one
    assert sum(len(shift.posts) for shift in site_two.shifts) > 2 * schedule.FORK_MIN_WORK
    assert [d.format() for d in two.sorted()] == [d.format() for d in one.sorted()]
    assert len(two.items) == len(one.items)  # nothing reported twice
    messages = " ".join(d.format() for d in two.items)
    assert "2000-kapot.md" in messages and "notities.txt" in messages
    assert "lees-mij.txt" in messages and "2020-leeg.md" in messages
    assert any(post.photos for shift in site_two.shifts for post in shift.posts)
    # The read cache left for the next build is the same: it reads nothing again.
    assert two_cache.entries == one_cache.entries
    assert (two_cache.misses, two_cache.hits) == (one_cache.misses, 0)
    again = load_site(content, Diagnostics(), cache=two_cache, jobs=2)
    assert again == site_one
    assert (two_cache.misses, two_cache.hits) == (0, one_cache.misses)


def test_a_read_worker_that_dies_leaves_its_folders_to_the_build_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = _split_site(tmp_path)
    expected = load_site(content, Diagnostics(), jobs=1)
    parent = os.getpid()
    died = tmp_path / "the worker died"

    def dying(*args: object) -> object:
        if os.getpid() != parent:
            died.touch()
            os._exit(9)  # as a worker killed by the system would
        return load_team_folder(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(loader, "load_team_folder", dying)
    diags = Diagnostics()
    assert load_site(content, diags, jobs=2) == expected
    assert died.exists()  # a worker really was reading
    assert not multiprocessing.active_children()
