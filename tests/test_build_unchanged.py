"""A `build` with nothing changed does nothing (build/unchanged.py), and only then.

Each test first makes sure the shortcut is really taken (`-v` prints `unchanged`), then
changes one thing a stat signature or a page key would not show, and asserts that the next
build publishes it, byte for byte as a cold build would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from conftest import AFTER, BEFORE, DURING, SHIFT, Run, make_site, post_path, site_files

from followshift.content.readcache import RACY_NS
from followshift.publish.model import STAGING_NAME

POST = post_path("zevenaar", "2100-aanhouding.md")


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".followshift-manifest.json"
    }


def age(root: Path) -> None:
    """Every input older than RACY_NS, as it is when nobody is editing."""
    old = time.time_ns() - 2 * RACY_NS
    for path in (root / "content").rglob("*"):
        os.utime(path, ns=(old, old))


def cold(root: Path, run: Run, now: str, tmp: Path) -> dict[str, bytes]:
    """site/ of a cold build of root's content at `now`, made elsewhere."""
    other = tmp / "cold"
    shutil.rmtree(other, ignore_errors=True)
    shutil.copytree(root / "content", other / "content", symlinks=True)
    assert run(["build", "--now", now], other).exit_code == 0
    return tree(other / "site")


def build(root: Path, run: Run, now: str = AFTER) -> str:
    outcome = run(["build", "-v", "--now", now], root)
    assert outcome.exit_code == 0, outcome.stderr
    return outcome.stderr


def shortcut_taken(root: Path, run: Run, now: str = AFTER) -> None:
    full = build(root, run, now)
    assert "timings: unchanged" not in full
    again = build(root, run, now)
    assert "timings: unchanged" in again
    # The same summary as the full build printed.
    assert again.splitlines()[-1].split("(")[0] == full.splitlines()[-1].split("(")[0]
    assert " 0 written," in again.splitlines()[-1]


def test_nothing_changed_leaves_site_as_it_is_with_the_same_summary(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files({POST: "Jan Jansen.\n"}))
    age(tmp_path)
    first = build(tmp_path, run)
    second = build(tmp_path, run)  # full, but nothing to write
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*")}
    third = build(tmp_path, run)
    assert "timings: unchanged" not in first
    assert "timings: unchanged" in third
    assert third.splitlines()[-1] == second.splitlines()[-1]
    assert " 0 written," in third.splitlines()[-1]
    assert first.splitlines()[-1].split("(")[0] == third.splitlines()[-1].split("(")[0]
    assert {p: p.stat().st_mtime_ns for p in (tmp_path / "site").rglob("*")} == before
    assert tree(tmp_path / "site") == cold(tmp_path, run, AFTER, tmp_path / "x")


def test_a_same_length_edit_that_keeps_its_mtime_is_published(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files({POST: "Jan Jansen.\n"}))
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    post = tmp_path / POST
    before = post.stat()
    post.write_text("Een man 32.\n")
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert "timings: unchanged" not in build(tmp_path, run)
    page = tmp_path / "site" / SHIFT / "zevenaar" / "2100-aanhouding" / "index.html"
    assert "Een man 32." in page.read_text()
    assert tree(tmp_path / "site") == cold(tmp_path, run, AFTER, tmp_path / "x")


def test_a_same_length_shift_yaml_edit_that_keeps_its_mtime_is_published(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files())
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    yaml = tmp_path / "content" / SHIFT / "shift.yaml"
    before = yaml.stat()
    text = yaml.read_text()
    yaml.write_text(text.replace("Megavolgdienst", "Megavolgdiensd"))
    os.utime(yaml, ns=(before.st_atime_ns, before.st_mtime_ns))
    build(tmp_path, run)
    assert "Megavolgdiensd" in (tmp_path / "site" / SHIFT / "index.html").read_text()
    assert tree(tmp_path / "site") == cold(tmp_path, run, AFTER, tmp_path / "x")


def test_a_page_changed_behind_the_builds_back_is_rewritten(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files())
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    page = tmp_path / "site" / SHIFT / "index.html"
    right = page.read_bytes()
    page.write_bytes(right.replace(b"Zevenaar", b"Zevenaaa"))
    assert "timings: unchanged" not in build(tmp_path, run)
    assert page.read_bytes() == right


def test_a_new_post_and_a_removed_one_are_published(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files())
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    make_site(tmp_path, {POST: "Nieuw.\n"})
    build(tmp_path, run)
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2100-aanhouding" / "index.html").is_file()
    (tmp_path / POST).unlink()
    build(tmp_path, run)
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2100-aanhouding").exists()
    assert tree(tmp_path / "site") == cold(tmp_path, run, AFTER, tmp_path / "x")


def test_the_clock_passing_a_shifts_start_or_end_rebuilds(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files())
    age(tmp_path)
    shortcut_taken(tmp_path, run, BEFORE)  # upcoming
    for now in (DURING, AFTER):  # live, then ended
        assert "timings: unchanged" not in build(tmp_path, run, now)
        assert tree(tmp_path / "site") == cold(tmp_path, run, now, tmp_path / "x")


def test_a_scheduled_post_is_published_when_its_time_comes(tmp_path: Path, run: Run):
    later = post_path("zevenaar", "2230-later.md")
    make_site(tmp_path, site_files({later: "Straks.\n"}))
    age(tmp_path)
    shortcut_taken(tmp_path, run, "2026-10-24T22:00")  # live, 22:30 not yet public
    assert "timings: unchanged" in build(tmp_path, run, "2026-10-24T22:10")  # nothing due
    build(tmp_path, run, "2026-10-24T22:31")
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2230-later" / "index.html").is_file()
    assert tree(tmp_path / "site") == cold(tmp_path, run, "2026-10-24T22:31", tmp_path / "x")


def test_other_options_and_a_theme_edit_rebuild(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files({post_path("zevenaar", "2100-concept.md"): (
        "---\nstatus: draft\n---\nConcept.\n"
    )}))  # fmt: skip
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    outcome = run(["build", "-v", "--drafts", "--now", AFTER], tmp_path)
    assert "timings: unchanged" not in outcome.stderr
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2100-concept" / "index.html").is_file()
    build(tmp_path, run)
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2100-concept").exists()
    # A template of the site's own (templates/ beside content/) is an input too.
    make_site(tmp_path, {"templates/.keep": ""})
    assert "timings: unchanged" not in build(tmp_path, run)


def test_a_killed_builds_staging_folder_is_cleaned_up(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files())
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    left = tmp_path / "site" / STAGING_NAME / "4711-dead"
    left.mkdir(parents=True)
    assert "timings: unchanged" not in build(tmp_path, run)
    assert not left.exists()


def test_a_build_with_warnings_reports_them_every_time(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files({"content/teams.yaml": "zevenaar:\n  name: Z\n"}))
    age(tmp_path)
    first = run(["build", "--now", AFTER], tmp_path)
    second = run(["build", "-v", "--now", AFTER], tmp_path)
    third = run(["build", "-v", "--now", AFTER], tmp_path)
    assert second.exit_code == third.exit_code == first.exit_code
    assert first.diagnostics("warning") + first.diagnostics("error")
    for later in (second, third):
        assert later.diagnostics("warning") == first.diagnostics("warning")
        assert later.diagnostics("error") == first.diagnostics("error")
        assert "timings: unchanged" not in later.stderr


def test_a_later_clock_that_changes_nothing_is_the_same_as_a_cold_build(tmp_path: Path, run: Run):
    """Inside the window (the shift ended, nothing scheduled), the time of the build does
    not change a byte: what the shortcut leaves is what a cold build at that time makes."""
    make_site(tmp_path, site_files({post_path("zevenaar", "2230-later.md"): "Straks.\n"}))
    build(tmp_path, run, AFTER)
    later = "2027-03-01T12:00"
    assert "timings: unchanged" in build(tmp_path, run, later)
    assert tree(tmp_path / "site") == cold(tmp_path, run, later, tmp_path / "x")
    assert "timings: unchanged" not in build(tmp_path, run, DURING)  # the clock went back
    assert tree(tmp_path / "site") == cold(tmp_path, run, DURING, tmp_path / "x")


def test_a_folder_symlinked_out_of_content_after_a_clean_build_is_still_an_error(
    tmp_path: Path, run: Run
):
    """The shortcut never hides what a full build reports: a team folder that is a symlink
    leading out of content/ (issue 15) is refused on the next build, and the folder behind
    it is neither read nor published."""
    make_site(tmp_path, site_files({POST: "Jan Jansen.\n"}))
    age(tmp_path)
    shortcut_taken(tmp_path, run)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "2200-geheim.md").write_text("Geheim verslag.\n", encoding="utf-8")
    (tmp_path / "content" / SHIFT / "duiven").symlink_to(outside, target_is_directory=True)
    outcome = run(["build", "-v", "--now", AFTER], tmp_path)
    assert outcome.exit_code == 1
    assert "timings: unchanged" not in outcome.stderr
    assert "symlink" in outcome.stderr and "duiven" in outcome.stderr
    published = b"".join(tree(tmp_path / "site").values())
    assert b"Geheim verslag" not in published


def test_the_real_command_takes_the_shortcut_each_build_a_new_process(tmp_path: Path) -> None:
    """As a user runs it: `python -m followshift build`, every build a new process. The survey
    runs before the stages have imported their libraries and is recorded after, so it must
    describe the libraries the same either way (in-process tests above cannot see this: there
    every library is imported long before)."""
    make_site(tmp_path, site_files({POST: "Jan Jansen.\n"}))
    age(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}

    def build_process() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "followshift", "build", "-v", "--now", AFTER],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stderr

    first = build_process()
    # A third build, in case followshift's own files were edited within RACY_NS of the first
    # (a racy file vouches for nothing until it is older).
    later = [build_process(), build_process()]
    assert "timings: unchanged" not in first
    assert "timings: unchanged" in later[-1]
    assert later[-1].splitlines()[-1].split("(")[0] == first.splitlines()[-1].split("(")[0]
