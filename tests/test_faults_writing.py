"""The fault-injection suite for writing site/ (issue 15): two writers at once, a build killed
at any moment of its commit, a full disk, a read-only folder, a crafted build state, a page
changed behind followshift's back. Real processes, real kills, real file systems where the
machine allows them (a tmpfs needs root; the tests that need one say so when they skip).
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest

from followshift.build.state import BuildCache
from followshift.content import readcache
from followshift.content.loader import load_site
from followshift.diagnostics import Diagnostics
from followshift.publish.lock import lock_path
from followshift.publish.model import MANIFEST_NAME, STAGING_NAME
from tests.conftest import SHIFT, Run, contents, jpeg, make_site, post_path, site_files, snapshot

NOW = "2026-10-24T23:30"
POSIX = os.name == "posix"


def followshift(*args: str, cwd: Path, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "followshift", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"},
        **kwargs,  # type: ignore[call-overload]
    )


# --- One writer per output folder -----------------------------------------------------------


def draft_site(root: Path) -> Path:
    draft = "---\nstatus: draft\n---\nNog niet publiceren: geheim.\n"
    return make_site(root, site_files({post_path("zevenaar", "2100-concept.md"): draft}))


@contextlib.contextmanager
def watching(root: Path) -> Iterator[subprocess.Popen[str]]:
    """A real `followshift watch` on root, once its first build is in place; killed after."""
    watcher = followshift("watch", "--now", NOW, cwd=root)
    started = threading.Event()

    def read() -> None:
        assert watcher.stderr is not None
        for line in watcher.stderr:
            if " start: " in line:
                started.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert started.wait(60), "watch did not start"
        yield watcher
    finally:
        watcher.kill()
        watcher.wait()
        reader.join(10)
        for stream in (watcher.stdout, watcher.stderr):
            if stream is not None:
                stream.close()


def test_a_build_while_watch_runs_is_refused_and_changes_nothing(tmp_path: Path, run: Run) -> None:
    """`watch` holds the output folder for its whole life: a `build --drafts` started meanwhile
    says who holds it and exits 2, and no draft reaches site/."""
    root = draft_site(tmp_path)
    with watching(root) as watcher:
        before = snapshot(root / "site")

        outcome = run(["build", "--drafts", "--now", NOW], root)

        assert outcome.exit_code == 2
        since = re.search(r"since ([^)]+)\)", outcome.stderr)
        assert since is not None
        assert outcome.lines() == [
            f"site: error: in use by `followshift watch` (process {watcher.pid}, since "
            f"{since.group(1)}); nothing was changed. Wait for it to finish or stop it"
        ]
        assert snapshot(root / "site") == before
        assert "geheim" not in (root / "site" / "index.html").read_text()


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_the_lock_of_a_killed_holder_is_free_at_once(tmp_path: Path, run: Run) -> None:
    """The lock is the system's: kill -9 of its holder releases it, without any waiting."""
    root = draft_site(tmp_path)
    with watching(root) as watcher:
        watcher.send_signal(signal.SIGKILL)
        watcher.wait()

        outcome = run(["build", "--now", NOW], root)

    assert outcome.exit_code == 0, outcome.stderr
    assert not lock_path(root / "site").exists()  # removed when the build let go of it


def test_a_second_serve_is_refused_before_it_listens(tmp_path: Path, run: Run) -> None:
    root = draft_site(tmp_path)
    with watching(root):
        outcome = run(["serve", "--port", "0", "--drafts", "--now", NOW], root)

    assert outcome.exit_code == 2
    assert "in use by `followshift watch`" in outcome.stderr
    assert "serving" not in outcome.stderr


def many_posts(root: Path, count: int, shift: str = SHIFT, word: str = "bericht") -> None:
    teams = ("zevenaar", "neder-betuwe")
    for i in range(count):
        minute = 19 * 60 + i // 4
        name = f"{(minute // 60) % 24:02d}{minute % 60:02d}-{word}-{i:03d}.md"
        path = root / post_path(teams[i % 2], name, shift)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{word.capitalize()} {i} van de avond, met wat tekst erbij.\n")


def test_two_builds_started_together_leave_no_draft_behind(tmp_path: Path, run: Run) -> None:
    """`build --drafts` and `build` started at once on one site: one waits its turn or is
    refused (exit 2); either way, the next plain build publishes exactly what a cold build
    does, with no page of the draft left anywhere."""
    root = draft_site(tmp_path)
    many_posts(root, 300)
    assert run(["build", "--now", NOW], root).exit_code == 0
    cold = tmp_path / "cold"
    assert run(["build", "--now", NOW, "--out", str(cold)], root).exit_code == 0
    (root / "content" / SHIFT / "zevenaar" / "2200-nieuw.md").write_text("Nieuw bericht.\n")
    assert run(["build", "--now", NOW, "--out", str(cold)], root).exit_code == 0

    drafts = followshift("build", "--drafts", "--now", NOW, "--jobs", "1", cwd=root)
    plain = followshift("build", "--now", NOW, "--jobs", "1", cwd=root)
    codes = sorted(p.wait() for p in (drafts, plain))
    for process in (drafts, plain):
        process.communicate()
    after = run(["build", "--now", NOW], root)

    assert codes in ([0, 0], [0, 2])
    assert after.exit_code == 0
    assert contents(root / "site") == contents(cold)


def test_a_page_changed_behind_the_builds_back_is_written_again(tmp_path: Path, run: Run) -> None:
    """The build state never vouches for a file that differs on disk: a page another program
    rewrote (here with the same size, as a draft page of the same length would be) is rewritten
    by the next build, though nothing in content/ changed."""
    root = make_site(tmp_path, site_files())
    assert run(["build", "--now", NOW], root).exit_code == 0
    before = contents(root / "site")
    page = root / "site" / "index.html"
    page.write_bytes(page.read_bytes().replace(b"Volgdienst Oost", b"Volgdienst West"))
    assert page.read_bytes() != before["index.html"]
    post = next((root / "site" / SHIFT / "zevenaar").glob("1915-*/index.html"))
    post.write_bytes(b"x" * post.stat().st_size)

    outcome = run(["build", "--now", NOW], root)

    assert outcome.exit_code == 0
    assert "2 written" in outcome.stderr
    assert contents(root / "site") == before


# --- The build state is data, never code ----------------------------------------------------


class _Boom:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.marker}",))


def test_a_crafted_state_file_runs_no_code(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    cache = tmp_path / "cache"
    env = {"FOLLOWSHIFT_CACHE": str(cache)}
    assert run(["build", "--now", NOW], root, env=env).exit_code == 0
    before = contents(root / "site")
    marker = tmp_path / "ran"
    state = BuildCache.path(cache, root / "site")
    crafted = pickle.dumps(_Boom(str(marker)))
    for path in (state, state.with_suffix(".pickle")):  # this version's name and the old one
        path.write_bytes(crafted)

    outcome = run(["build", "--now", NOW], root, env=env)

    assert outcome.exit_code == 0 and "Traceback" not in outcome.stderr
    assert not marker.exists()
    assert contents(root / "site") == before


@pytest.mark.parametrize(
    "damage",
    ["a number for a text", "an unknown kind", "a list for a record", "deep nesting"],
)
def test_a_state_of_the_wrong_shape_means_a_full_build(
    tmp_path: Path, run: Run, damage: str
) -> None:
    """A state file of this version whose values have the wrong types (crafted, or damaged)
    is not used: the build does everything, without a word, and publishes the same site."""
    root = make_site(tmp_path, site_files())
    env = {"FOLLOWSHIFT_CACHE": str(tmp_path / "cache")}
    assert run(["build", "--now", NOW], root, env=env).exit_code == 0
    before = contents(root / "site")
    state = BuildCache.path(tmp_path / "cache", root / "site")
    version, head, tail, _ = state.read_bytes().split(b"\n")
    doc, rest = json.loads(head), json.loads(tail)
    if damage == "a number for a text":
        doc["entries"][0][4][5] = 5  # a post's Markdown
    elif damage == "an unknown kind":
        doc["contexts"][0] = ["os.system", "touch ran"]
    elif damage == "a list for a record":
        rest["files"]["index.html"] = [[1], 2, 3]
    else:
        doc["contexts"][0] = "deep"
    deep = b"[" * 100_000 + b"]" * 100_000  # more than Python's JSON reader can recurse
    lines = [
        version,
        json.dumps(doc).encode().replace(b'"deep"', deep),
        json.dumps(rest).encode(),
        b"",
    ]
    state.write_bytes(b"\n".join(lines))

    outcome = run(["build", "--now", NOW, "-v"], root, env=env)

    assert outcome.exit_code == 0 and "Traceback" not in outcome.stderr
    assert "; 0 files rendered" not in outcome.stderr  # everything again
    assert contents(root / "site") == before
    assert not (root / "ran").exists()


@pytest.mark.skipif(not POSIX or os.geteuid() != 0, reason="giving a file away needs root")
def test_a_state_file_of_another_user_is_not_used(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    env = {"FOLLOWSHIFT_CACHE": str(tmp_path / "cache")}
    assert run(["build", "--now", NOW, "-v"], root, env=env).exit_code == 0
    assert "; 0 files rendered" in run(["build", "--now", NOW, "-v"], root, env=env).stderr
    before = contents(root / "site")
    os.chown(BuildCache.path(tmp_path / "cache", root / "site"), 4711, -1)

    outcome = run(["build", "--now", NOW, "-v"], root, env=env)

    assert outcome.exit_code == 0 and "; 0 files rendered" not in outcome.stderr  # all again
    assert contents(root / "site") == before


def test_the_state_gives_back_every_post_as_it_was_read(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Posts with photos, blurred regions, drafts, times and warnings come back from the state
    file equal to what reading them makes: the next build reads no post again."""
    # The photos were written a moment ago: the racy-timestamp rule would rightly read them
    # again; this test is about the state's round trip, not about that rule.
    monkeypatch.setattr(readcache, "RACY_NS", 0)
    files = site_files(
        {
            post_path("zevenaar", "2000-foto.md"): (
                "---\ntitle: Foto\nphotos:\n  - file: 2000-foto.jpg\n    alt: Een foto\n"
                "    blur: [[1, 2, 10, 10]]\n---\nMet een foto.\n"
            ),
            post_path("zevenaar", "2000-foto.jpg"): jpeg("2026:10:24 20:00:00"),
            post_path("neder-betuwe", "2130-los.jpg"): jpeg(),
            post_path("neder-betuwe", "2140-concept.md"): "---\nstatus: draft\n---\nConcept.\n",
            post_path("neder-betuwe", "notitie.txt"): "geen bericht\n",
        }
    )
    root = make_site(tmp_path, files)
    cache = tmp_path / "cache"
    assert run(["build", "--now", NOW], root, env={"FOLLOWSHIFT_CACHE": str(cache)}).exit_code == 0

    state = BuildCache.load(cache, root / "site")
    assert len(state.reads.entries) >= 7 and state.files
    with contextlib.chdir(root):  # as the build read them: content/… from the site's folder
        load_site(Path("content"), Diagnostics(), cache=state.reads)

    assert (state.reads.hits, state.reads.misses) == (len(state.reads.entries), 0)


# --- A build killed during its commit ------------------------------------------------------

_LINK = re.compile(rb"""\b(?:href|src)="([^"]*)"|\bsrcset="([^"]*)\"""")


def links(page: Path, root: Path) -> Iterator[str]:
    """The site paths the page links to (its own site only)."""
    base = "/" + page.relative_to(root).as_posix()
    for href, srcset in _LINK.findall(page.read_bytes()):
        for url in [href] if href else [c.split()[0] for c in srcset.split(b",") if c.strip()]:
            text = url.decode()
            parts = urlsplit(text)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # another site, mailto:, or an anchor in the page itself
            path = unquote(urljoin(base, parts.path))
            yield path.lstrip("/") + ("index.html" if path.endswith("/") else "")


def broken_links(site: Path, entries: set[str]) -> list[str]:
    """Links that lead nowhere from the pages a reader can reach: the site's entry points and
    every page it had before (bookmarked), and every page those link to, and so on."""
    seen: set[str] = set()
    todo = [rel for rel in entries if (site / rel).is_file()]
    broken = []
    while todo:
        rel = todo.pop()
        if rel in seen:
            continue
        seen.add(rel)
        for target in links(site / rel, site):
            if not (site / target).is_file():
                broken.append(f"{rel} -> {target}")
            elif target.endswith(".html"):
                todo.append(target)
    return broken


def _pages(site: Path) -> set[str]:
    return (
        {p.relative_to(site).as_posix() for p in site.rglob("*.html")} if site.exists() else set()
    )


def change_a_lot(root: Path) -> None:
    """New posts in every team, a new team, a new shift, removed and edited posts, a new title
    (every page changes): a commit of many files of every kind."""
    many_posts(root, 40, word="later")
    (root / "content" / "teams.yaml").write_text(
        (root / "content" / "teams.yaml").read_text() + "zwolle:\n  name: Team Zwolle\n"
    )
    for i in range(12):
        (root / post_path("zwolle", f"23{i:02d}-zwolle-{i}.md")).parent.mkdir(exist_ok=True)
        (root / post_path("zwolle", f"23{i:02d}-zwolle-{i}.md")).write_text(f"Zwolle {i}.\n")
    shift = "2026-10-23-volgdienst"
    shift_yaml = "title: Halloween\nstart: 2026-10-23 19:00\nend: 2026-10-24 03:00\n"
    make_site(root, {f"content/{shift}/shift.yaml": shift_yaml})
    many_posts(root, 30, shift=shift, word="halloween")
    for path in sorted((root / "content" / SHIFT / "zevenaar").glob("*-bericht-0[0-4]*.md")):
        path.unlink()
    for path in sorted((root / "content" / SHIFT / "neder-betuwe").glob("*-bericht-1*.md"))[:10]:
        path.write_text("Aangepast bericht.\n")
    site_yaml = root / "content" / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("Volgdienst Oost", "Volgdienst Oost-NL"))


def kill_during_commit(root: Path, rng: random.Random, within: float) -> bool:
    """Starts a real build and kills it (SIGKILL) a random moment after its commit began (the
    manifest is rewritten first, with what it is about to write as pending). False when the
    build ended first."""
    manifest = root / "site" / MANIFEST_NAME
    before = manifest.stat().st_ino if manifest.exists() else None
    process = followshift("build", "--now", NOW, "--jobs", "1", cwd=root)
    try:
        while process.poll() is None:
            try:
                now = manifest.stat().st_ino
            except FileNotFoundError:
                now = None
            if now != before:
                time.sleep(rng.uniform(0, within))
                break
        process.send_signal(signal.SIGKILL)
        return process.wait() == -signal.SIGKILL
    finally:
        process.communicate()


def test_the_half_written_files_of_a_build_killed_in_its_commit_are_removed(
    tmp_path: Path, run: Run
) -> None:
    """A build killed while it wrote a photo or the manifest in place leaves a half file under a
    temporary name beside its staging folder; the next build removes both, and only those."""
    root = make_site(tmp_path, site_files())
    assert run(["build", "--now", NOW], root).exit_code == 0
    site = root / "site"
    before = contents(site)
    (site / STAGING_NAME / "4711").mkdir(parents=True)  # the dead build's staging folder
    half = [
        site / f".{MANIFEST_NAME}.0123456789abcdef.tmp",
        site / "assets" / ".x.css.fedcba9876543210.tmp",
    ]
    for path in half:
        path.write_bytes(b"half")
    mine = site / "assets" / ".notes.tmp"  # not a name followshift makes: not its to remove
    mine.write_bytes(b"mine")

    assert run(["build", "--now", NOW], root).exit_code == 0

    assert not any(path.exists() for path in half) and not (site / STAGING_NAME).exists()
    assert mine.read_bytes() == b"mine"
    mine.unlink()
    assert contents(site) == before


@pytest.mark.skipif(not POSIX, reason="SIGKILL is POSIX")
def test_a_build_killed_during_its_commit_leaves_every_link_working(
    tmp_path: Path, run: Run
) -> None:
    """kill -9 at random moments of the commit: every link a reader can follow still leads to
    a page, and the next build clears the dead build's staging at once and publishes exactly
    the site a cold build makes."""
    rng = random.Random(15)
    base = make_site(tmp_path / "base", site_files())
    many_posts(base, 100)
    assert run(["build", "--now", NOW], base).exit_code == 0
    changed = tmp_path / "changed"
    shutil.copytree(base / "content", changed / "content")
    change_a_lot(changed)
    assert run(["build", "--now", NOW, "--out", str(tmp_path / "cold")], changed).exit_code == 0
    cold = contents(tmp_path / "cold")

    root, kills = tmp_path / "work", 0  # one path: the build state is found by the site's path
    for cold_build in (False, False, True):
        for _ in range(3):  # again when the build ended before the kill
            shutil.rmtree(root, ignore_errors=True)
            shutil.copytree(base, root, symlinks=True, ignore=shutil.ignore_patterns("content"))
            shutil.copytree(changed / "content", root / "content")
            if cold_build:  # killed while it moves its tree in: a few renames, be quick
                shutil.rmtree(root / "site")
            entries = {"index.html", "404.html"} | _pages(root / "site")
            if kill_during_commit(root, rng, 0.005 if cold_build else 0.03):
                break
        else:
            continue
        kills += 1
        assert broken_links(root / "site", entries) == []

        outcome = run(["build", "--now", NOW], root)
        assert outcome.exit_code == 0, outcome.stderr
        assert not (root / "site" / STAGING_NAME).exists()
        assert contents(root / "site") == cold
    assert kills >= 2


# --- A full disk, a read-only folder -------------------------------------------------------


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[None]:
    """A file system of `size` mounted at folder, for as long as the block runs."""
    if not POSIX or os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root; no other way fills a disk for real")
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """Makes folder (a mount point, see tmpfs) read-only for real. Root ignores permission
    bits, so as root it is remounted read-only; as anyone else its mode says so."""
    if POSIX and os.geteuid() == 0:
        done = subprocess.run(
            ["mount", "-o", "remount,ro", str(folder)], capture_output=True, text=True
        )
        if done.returncode != 0:
            pytest.skip(f"cannot remount read-only here: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(folder)], check=False)
        return
    modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")] if p.is_dir()}
    for path in modes:
        path.chmod(0o555)
    try:
        yield
    finally:
        for path, mode in modes.items():
            path.chmod(mode)


def big_posts(root: Path, count: int, size: int) -> None:
    for i in range(count):
        text = ("Een lang verslag van de avond. " * (size // 31)) + "\n"
        (root / post_path("zevenaar", f"22{i:02d}-verslag-{i}.md")).write_text(text)


def test_a_full_disk_is_one_line_and_leaves_the_site_as_it_was(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    site = root / "site"
    with tmpfs(site, "1m"):
        assert run(["build", "--now", NOW], root).exit_code == 0
        before = snapshot(site)
        big_posts(root, 30, 40_000)  # some 10 MB of pages, timelines and feeds

        outcome = run(["build", "--now", NOW], root)

        assert outcome.exit_code == 1
        assert outcome.lines() == [
            f"site: error: cannot write {site.name}: No space left on device; nothing was changed"
        ]
        assert snapshot(site) == before  # no page, no staged file, no manifest changed
        for path in root.glob(f"content/{SHIFT}/zevenaar/22*-verslag-*.md"):
            path.unlink()
        assert run(["build", "--now", NOW], root).exit_code == 0  # room again: all is well


def test_a_read_only_output_folder_is_one_line_and_changes_nothing(
    tmp_path: Path, run: Run
) -> None:
    root = make_site(tmp_path, site_files())
    site = root / "site"
    with tmpfs(site, "4m"):
        assert run(["build", "--now", NOW], root).exit_code == 0
        before = snapshot(site)
        (root / post_path("zevenaar", "2200-nieuw.md")).write_text("Een nieuw bericht.\n")
        with read_only(site):
            outcome = run(["build", "--now", NOW], root)
            unchanged = run(["build", "--now", NOW, "--out", "site"], root)

        assert outcome.exit_code == 1
        assert len(outcome.lines()) == 1
        assert re.fullmatch(
            r"site: error: cannot write site: (Read-only file system|Permission denied); "
            r"nothing was changed",
            outcome.lines()[0],
        )
        assert unchanged.exit_code == 1
        assert snapshot(site) == before
