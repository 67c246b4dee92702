"""`status: review` and `withdrawn`, `review:` in site.yaml / shift.yaml, and the commands
`review`, `approve` and `withdraw`, run for real on a small site."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DURING, SHIFT, SITE_YAML, Run, article_ids, make_site, read, site_files

REVIEW_POST = f"content/{SHIFT}/zevenaar/2030-aanhouding.md"
REVIEW_TEXT = "---\ntime: '20:30:15'\ntitle: Aanhouding\nstatus: review\n---\nEen aanhouding.\n"
ANCHOR = "zevenaar--2030-aanhouding"
PAGE = f"{SHIFT}/zevenaar/2030-aanhouding/index.html"


def review_site(tmp_path: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return make_site(tmp_path, site_files({REVIEW_POST: REVIEW_TEXT, **(extra or {})}))


def public_everywhere(root: Path) -> dict[str, bool]:
    site = root / "site"
    return {
        "shift": ANCHOR in article_ids(read(root, f"site/{SHIFT}/index.html")),
        "page": (site / PAGE).is_file() and "Een aanhouding" in (site / PAGE).read_text(),
        "feed": "2030-aanhouding" in read(root, f"site/{SHIFT}/feed.xml"),
        "live": ANCHOR in read(root, f"site/{SHIFT}/live.json"),
        "sitemap": "2030-aanhouding" in read(root, "site/sitemap.xml"),
    }


def test_a_post_waiting_for_review_is_never_published(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    result = run(["build", "--now", DURING], root)
    assert result.exit_code == 0, result.stderr
    assert not any(public_everywhere(root).values())
    assert "1 waiting for review" in result.stderr


def test_check_counts_posts_waiting_for_review(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    result = run(["check", "--now", DURING], root)
    assert result.exit_code == 0
    assert "3 posts public, 1 scheduled, 1 waiting for review" in result.stderr


def test_a_drafts_preview_shows_a_post_waiting_for_review(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    assert run(["build", "--now", DURING, "--drafts"], root).exit_code == 0
    assert ANCHOR in article_ids(read(root, f"site/{SHIFT}/index.html"))


def test_a_wrong_status_names_every_status(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path, {REVIEW_POST: "---\nstatus: revieuw\n---\nTekst.\n"})
    result = run(["check", "--now", DURING], root)
    assert result.exit_code == 1
    assert any(
        "2030-aanhouding.md:2: error: status: must be published, draft, review or withdrawn" in line
        for line in result.lines()
    ), result.stderr


def test_approve_publishes_and_keeps_the_rest_of_the_file(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    result = run(["approve", REVIEW_POST.removeprefix("content/"), "--by", "comms"], root)
    assert result.exit_code == 0, result.stderr
    text = read(root, REVIEW_POST)
    assert text == REVIEW_TEXT.replace("status: review", "status: published")
    assert run(["build", "--now", DURING], root).exit_code == 0
    assert all(public_everywhere(root).values())


def test_approve_refuses_a_post_that_does_not_wait(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    other = f"content/{SHIFT}/zevenaar/1900-de-dienst-begint.md"
    before = read(root, other)
    result = run(["approve", other], root)
    assert result.exit_code == 1
    assert result.lines() == [f"{other}: error: is not waiting for review (status: published)"], (
        result.stderr
    )
    assert read(root, other) == before


def test_approve_refuses_paths_outside_the_posts(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    (tmp_path / "elsewhere.md").write_text("---\nstatus: review\n---\nx\n")
    for path in ["../elsewhere.md", "content/site.yaml", f"content/{SHIFT}/shift.yaml", "nope.md"]:
        result = run(["approve", path], root)
        assert result.exit_code == 1, path
        assert len(result.lines()) == 1 and ": error: " in result.stderr, result.stderr
    assert "status: review" in (tmp_path / "elsewhere.md").read_text()


def test_withdraw_takes_a_post_off_everywhere_and_leaves_a_notice(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path, {REVIEW_POST: REVIEW_TEXT.replace("review", "published")})
    assert run(["build", "--now", DURING], root).exit_code == 0
    assert all(public_everywhere(root).values())

    result = run(["withdraw", REVIEW_POST, "--reason", "Verkeerde foto"], root)
    assert result.exit_code == 0, result.stderr
    assert "status: withdrawn" in read(root, REVIEW_POST)
    built = run(["build", "--now", DURING, "--drafts"], root)  # not even a preview shows it
    assert built.exit_code == 0, built.stderr
    assert "1 withdrawn" in built.stderr
    assert not any(v for k, v in public_everywhere(root).items() if k != "page")
    notice = read(root, f"site/{PAGE}")
    assert "Bericht ingetrokken" in notice and "Een aanhouding" not in notice
    assert "Aanhouding" not in notice
    assert '<meta name="robots" content="noindex">' in notice
    assert f'href="../../../{SHIFT}/"' in notice
    live = json.loads(read(root, f"site/{SHIFT}/live.json"))
    assert ANCHOR not in [p["id"] for p in live["posts"]]


def test_withdraw_needs_a_reason(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    result = run(["withdraw", REVIEW_POST, "--reason", " "], root)
    assert result.exit_code == 2
    assert "status: review" in read(root, REVIEW_POST)


def test_review_lists_what_waits_per_team(tmp_path: Path, run: Run) -> None:
    root = review_site(tmp_path)
    result = run(["review"], root)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"{SHIFT}/zevenaar: 1 waiting",
        f"  {REVIEW_POST}  Aanhouding",
        "1 post waiting for review",
    ]


def test_review_in_site_and_shift_yaml_is_checked(tmp_path: Path, run: Run) -> None:
    from followshift.desk.review import review_mode

    root = make_site(
        tmp_path,
        site_files({"content/site.yaml": SITE_YAML + "review: four-eyes\n"}),
    )
    assert review_mode(root / "content", SHIFT) == "four-eyes"
    shift_yaml = root / "content" / SHIFT / "shift.yaml"
    shift_yaml.write_text(shift_yaml.read_text() + "review: none\n")
    assert review_mode(root / "content", SHIFT) == "none"

    (root / "content" / "site.yaml").write_text(SITE_YAML + "review: always\n")
    result = run(["check", "--now", DURING], root)
    assert result.exit_code == 1
    assert (
        "content/site.yaml:3: error: review: must be one of none, required, four-eyes, "
        "not 'always'" in result.stderr
    )


def test_a_rebuild_after_withdraw_equals_a_cold_build(tmp_path: Path, run: Run) -> None:
    """The incremental path (build state in .followshift-cache) gives the cold build's bytes."""
    import shutil

    from conftest import contents

    published = REVIEW_TEXT.replace("review", "published")
    warm = review_site(tmp_path / "warm", {REVIEW_POST: published})
    assert run(["build", "--now", DURING], warm).exit_code == 0
    assert run(["withdraw", REVIEW_POST, "--reason", "x"], warm).exit_code == 0
    assert run(["build", "--now", DURING], warm).exit_code == 0

    cold = tmp_path / "cold"
    shutil.copytree(warm / "content", cold / "content")
    assert run(["build", "--now", DURING], cold).exit_code == 0
    manifest = ".followshift-manifest.json"
    assert {k: v for k, v in contents(warm / "site").items() if k != manifest} == {
        k: v for k, v in contents(cold / "site").items() if k != manifest
    }


def test_two_decisions_at_once_on_one_post_one_wins(tmp_path: Path) -> None:
    """Approve and return on what both read, at the same moment: exactly one is done, the other
    is told the post changed meanwhile (issue 18 review: both used to "succeed")."""
    import threading
    from collections.abc import Callable
    from functools import partial

    from followshift.desk import DeskError
    from followshift.desk.edits import read_post_file
    from followshift.desk.review import approve, send_back

    def race(acts: dict[str, Callable[[], None]]) -> tuple[list[str], list[str]]:
        done: list[str] = []
        refused: list[str] = []
        start = threading.Barrier(len(acts))

        def decide(name: str, act: Callable[[], None]) -> None:
            start.wait()
            try:
                act()
                done.append(name)
            except DeskError as exc:
                refused.append(exc.message)

        threads = [threading.Thread(target=decide, args=item) for item in acts.items()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return done, refused

    path = tmp_path / "0000-x.md"
    for _ in range(60):
        path.write_text("---\nstatus: review\n---\nHallo.\n")
        first, second = read_post_file(path), read_post_file(path)
        done, refused = race({
            "published": partial(approve, first, by="A", author="H", mode="required", editors=()),
            "draft": partial(send_back, second),
        })  # fmt: skip
        assert len(done) == 1, done
        assert refused == [
            "the file changed meanwhile (someone else changed it); look again and retry"
        ]
        assert f"status: {done[0]}" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000-x.md"]  # no lock or temp left


def test_a_decision_waits_for_another_process_and_sees_its_change(tmp_path: Path) -> None:
    """The command line and the desk are two processes: the lock is the system's, not only a
    thread lock, so a decision waits for the other's write and then finds it."""
    import subprocess
    import sys

    import pytest

    from followshift.desk import DeskError
    from followshift.desk.edits import read_post_file
    from followshift.desk.review import send_back

    path = tmp_path / "0000-x.md"
    path.write_text("---\nstatus: review\n---\nHallo.\n")
    stale = read_post_file(path)
    holder = (
        "import sys, time; from pathlib import Path\n"
        "from followshift.desk.locking import post_lock\n"
        "p = Path(sys.argv[1])\n"
        "with post_lock(p):\n"
        "    print('held', flush=True); time.sleep(1.0)\n"
        "    p.write_text(p.read_text().replace('status: review', 'status: withdrawn'))\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", holder, str(path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None and child.stdout.readline() == "held\n"
        with pytest.raises(DeskError, match="changed meanwhile"):
            send_back(stale)
    finally:
        assert child.wait(timeout=30) == 0
        if child.stdout is not None:
            child.stdout.close()
    assert "status: withdrawn" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0000-x.md"]
