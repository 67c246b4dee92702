"""Fault injection, reading: what a real shift's content/ throws at the reader.

Symlinks out of content/, named pipes, /dev/zero, symlink loops, a 50 MB post, names that give
no URL or that site/ uses itself, a missing or broken shift.yaml, and edits that a stat
signature cannot see. Each is an error of its own item, reported by `check` exactly as by
`build`, with a line, found at once; the rest of the site is published, and nothing from
outside content/ reaches site/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import AFTER, SHIFT, Outcome, Run, jpeg, make_site, post_path, site_files

from followshift import photos as images
from followshift.config.site import load_config
from followshift.content.loader import load_site
from followshift.content.readcache import ReadCache
from followshift.diagnostics import Diagnostics
from followshift.naming import SITE_FOLDERS, TIMELINE_FOLDERS

SECRET = "GEHEIM-CI-TOKEN-5f3a9c"
COMMANDS = ("check", "build")
OTHER_SHIFT = "2026-10-31-volgdienst"
TIMED = "---\ntime: 21:00\n---\nEen bericht.\n"
OTHER_SHIFT_YAML = "title: Halloween\nstart: 2026-10-31 19:00\nend: 2026-11-01 03:00\n"


def published(root: Path) -> bytes:
    """Every byte of site/ (and nothing of the cache beside it)."""
    return b"".join(p.read_bytes() for p in sorted((root / "site").rglob("*")) if p.is_file())


def post_page(root: Path, team: str, post_id: str) -> Path:
    return root / "site" / SHIFT / team / post_id / "index.html"


def the_rest_is_published(root: Path) -> None:
    for team, post_id in (
        ("zevenaar", "1915-weekmarkt"),
        ("neder-betuwe", "2000-verkeerscontrole"),
    ):
        assert post_page(root, team, post_id).is_file()


def symlink_or_skip(link: Path, target: Path | str) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError) as exc:  # Windows without developer mode
        pytest.skip(f"symlinks not supported here: {exc}")


def run_bounded(args: list[str], cwd: Path) -> Outcome:
    """The real program in a process of its own, with a time limit and (Linux) a memory limit:
    what these tests guard against is a hang, or a read that never ends."""

    def limit_memory() -> None:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))

    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    done = subprocess.run(
        [sys.executable, "-m", "followshift", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        preexec_fn=limit_memory if sys.platform == "linux" else None,
        check=False,
    )
    return Outcome(done.returncode, done.stdout, done.stderr)


def only_error(outcome: Outcome, where: str, says: str) -> None:
    """Exit status 1 and exactly one error: `where:1: error: …says…`; no traceback."""
    assert outcome.exit_code == 1, outcome.stderr
    assert "Traceback" not in outcome.stderr
    errors = outcome.diagnostics("error")
    assert len(errors) == 1, outcome.stderr
    assert errors[0].startswith(f"{where}:1: error: "), errors
    assert says in errors[0], errors


# -- only content is published: symlinks out of content/ ----------------------------------------


def _leak_post(root: Path, item: str) -> str:
    """A post holding SECRET outside content/, and a symlink in content/ that leads to it (or
    to its team or shift folder). Returns the symlink's path."""
    elsewhere = root / "elders"
    make_site(
        root,
        {
            "elders/2100-geheim.md": f"Het token is {SECRET}.\n",
            "elders/team/2100-geheim.md": f"Het token is {SECRET}.\n",
            "elders/shift/shift.yaml": OTHER_SHIFT_YAML,
            "elders/shift/zevenaar/2100-geheim.md": f"Het token is {SECRET}.\n",
        },
    )
    links = {
        "post": (post_path("zevenaar", "2100-env.md"), elsewhere / "2100-geheim.md"),
        "team folder": (f"content/{SHIFT}/duiven", elsewhere / "team"),
        "shift folder": (f"content/{OTHER_SHIFT}", elsewhere / "shift"),
    }
    link, target = links[item]
    symlink_or_skip(root / link, target)
    return link


@pytest.mark.parametrize("item", ["post", "team folder", "shift folder"])
def test_an_item_symlinked_out_of_content_is_an_error_and_its_secret_is_published_nowhere(
    tmp_path: Path, run: Run, item: str
) -> None:
    make_site(tmp_path, site_files())
    link = _leak_post(tmp_path, item)

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        only_error(outcome, link, "is a symlink leading outside content/")

    assert SECRET.encode() not in published(tmp_path)
    the_rest_is_published(tmp_path)


def test_a_symlink_that_stays_inside_content_is_published(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({"content/_gedeeld/2100-gedeeld.md": "Gedeeld bericht.\n"}))
    symlink_or_skip(
        tmp_path / post_path("zevenaar", "2100-gedeeld.md"), Path("../../_gedeeld/2100-gedeeld.md")
    )

    outcome = run(["build", "--now", AFTER], tmp_path)

    assert outcome.exit_code == 0, outcome.stderr
    assert "Gedeeld bericht." in post_page(tmp_path, "zevenaar", "2100-gedeeld").read_text()


# -- special files, /dev/zero, loops: an error of the file, found at once -----------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes (Windows)")


@needs_fifo
@pytest.mark.parametrize(
    ("name", "reported"),
    [
        ("2100-pijp.md", "2100-pijp.md"),  # a post
        ("IMG_0001.jpg", "IMG_0001.jpg"),  # a lone photo
        ("1915-weekmarkt.jpg", "1915-weekmarkt.md"),  # a photo of a post: an error of the post
    ],
)
def test_a_named_pipe_posing_as_a_post_or_photo_is_an_error_found_at_once(
    tmp_path: Path, name: str, reported: str
) -> None:
    make_site(tmp_path, site_files())
    os.mkfifo(tmp_path / post_path("zevenaar", name))

    for command in COMMANDS:
        outcome = run_bounded([command, "--now", AFTER], tmp_path)
        only_error(outcome, post_path("zevenaar", reported), "is not a regular file")
    assert post_page(tmp_path, "zevenaar", "1900-de-dienst-begint").is_file()


@needs_fifo
def test_a_named_pipe_as_a_team_avatar_is_an_error_of_teams_yaml(tmp_path: Path) -> None:
    files = site_files()
    files["content/teams.yaml"] += "  avatar: logos/zevenaar.jpg\n"  # under neder-betuwe
    make_site(tmp_path, files)
    (tmp_path / "content" / "logos").mkdir()
    os.mkfifo(tmp_path / "content" / "logos" / "zevenaar.jpg")

    for command in COMMANDS:
        outcome = run_bounded([command, "--now", AFTER], tmp_path)
        only_error(outcome, "content/teams.yaml", "neder-betuwe: avatar is not a regular file")
    the_rest_is_published(tmp_path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
@pytest.mark.parametrize("name", ["2100-nul.md", "2100-nul.jpg"])
def test_a_symlink_to_dev_zero_is_an_error_not_a_read_without_end(tmp_path: Path, name: str):
    make_site(tmp_path, site_files())
    symlink_or_skip(tmp_path / post_path("zevenaar", name), "/dev/zero")

    for command in COMMANDS:
        outcome = run_bounded([command, "--now", AFTER], tmp_path)
        assert outcome.exit_code == 1, outcome.stderr
        errors = outcome.diagnostics("error")
        assert len(errors) == 1 and errors[0].startswith(post_path("zevenaar", name) + ":1:")
    the_rest_is_published(tmp_path)


@pytest.mark.parametrize("name", ["2100-kring.md", "2100-kring.jpg"])
def test_a_symlink_loop_is_an_error_of_its_file(tmp_path: Path, run: Run, name: str) -> None:
    make_site(tmp_path, site_files())
    symlink_or_skip(tmp_path / post_path("zevenaar", name), name)  # it leads to itself

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        assert outcome.exit_code == 1, outcome.stderr
        errors = outcome.diagnostics("error")
        assert len(errors) == 1, outcome.stderr
        assert errors[0].startswith(post_path("zevenaar", name) + ":1: error: ")
        assert "circle" in errors[0] or "does not exist" in errors[0]
    the_rest_is_published(tmp_path)


def test_a_50_mb_post_is_an_error_found_in_bounded_time(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files())
    with (tmp_path / post_path("zevenaar", "2100-lang.md")).open("wb") as handle:
        handle.write(b"Een heel lang bericht.\n")
        handle.truncate(50 * 1024 * 1024)  # sparse: made at once

    for command in COMMANDS:
        started = time.perf_counter()
        outcome = run([command, "--now", AFTER], tmp_path)
        assert time.perf_counter() - started < 10
        only_error(outcome, post_path("zevenaar", "2100-lang.md"), "is 50.0 MB; at most 256 KB")
    assert not post_page(tmp_path, "zevenaar", "2100-lang").exists()
    assert (tmp_path / "site" / SHIFT / "live.json").stat().st_size < 100_000
    the_rest_is_published(tmp_path)


# -- names: no URL, or one that site/ uses itself -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("🚓.md", "---\ntime: 21:00\n---\nAchtervolging.\n"),
        ("---.md", "---\ntime: 21:00\n---\nStreepjes.\n"),
        ("📷.jpg", jpeg("2026:10:24 21:00:00")),
    ],
)
def test_a_file_name_that_gives_no_url_is_an_error_of_that_file(
    tmp_path: Path, run: Run, name: str, data: str | bytes
) -> None:
    make_site(tmp_path, site_files({post_path("zevenaar", name): data}))

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        only_error(outcome, post_path("zevenaar", name), "file name gives no URL")
        assert "use letters or digits, e.g. 1915-weekmarkt." in outcome.stderr
    the_rest_is_published(tmp_path)


@pytest.mark.parametrize(
    ("where", "files"),
    [
        (f"content/{SHIFT}/page", {post_path("page", "2100-bericht.md"): "In de page-map.\n"}),
        (post_path("zevenaar", "page.md"), {post_path("zevenaar", "page.md"): TIMED}),
        *(
            (
                f"content/{name}",
                {
                    f"content/{name}/shift.yaml": OTHER_SHIFT_YAML,
                    f"content/{name}/zevenaar/2100-bericht.md": "In een gereserveerde map.\n",
                },
            )
            for name in ("teams", "assets", "media")
        ),
    ],
)  # fmt: skip
def test_a_folder_or_file_name_that_site_uses_itself_is_an_error_of_that_item(
    tmp_path: Path, run: Run, where: str, files: dict[str, str]
) -> None:
    make_site(tmp_path, site_files({**files, post_path("zevenaar", "1930-foto.jpg"): jpeg()}))
    (tmp_path / post_path("zevenaar", "1930-foto.md")).write_text("Met foto (media/).\n")

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        only_error(outcome, where, "is a folder name the site uses itself")
    the_rest_is_published(tmp_path)
    assert post_page(tmp_path, "zevenaar", "1930-foto").is_file()


def test_the_reserved_names_are_every_folder_site_writes_beside_shifts_teams_and_posts(
    tmp_path: Path, run: Run
) -> None:
    """naming.py names them once; this keeps the list true to what a build writes."""
    files = site_files({post_path("zevenaar", "1930-foto.jpg"): jpeg()})
    files[post_path("zevenaar", "1930-foto.md")] = "Met foto.\n"
    files["content/site.yaml"] += "per_page: 5\n"  # numbered pages everywhere
    for minute in range(10, 22):
        files[post_path("zevenaar", f"22{minute}-bericht.md")] = "Nog een bericht.\n"
    make_site(tmp_path, files)
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    site = tmp_path / "site"

    def own_folders(folder: Path, content: Path) -> set[str]:
        ids = {p.name for p in content.iterdir() if p.is_dir()} | {
            p.stem.lower() for p in content.iterdir() if p.suffix == ".md"
        }
        return {
            p.name
            for p in folder.iterdir()
            if p.name not in ids and not re.search(r"[._]", p.name)  # no id has a dot or _
        }

    content = tmp_path / "content"
    assert own_folders(site, content) == SITE_FOLDERS
    assert own_folders(site / SHIFT, content / SHIFT) == TIMELINE_FOLDERS
    zevenaar = content / SHIFT / "zevenaar"
    assert own_folders(site / SHIFT / "zevenaar", zevenaar) == TIMELINE_FOLDERS


# -- shift.yaml -----------------------------------------------------------------------------------


def test_a_shift_folder_with_posts_but_no_shift_yaml_is_an_error(tmp_path: Path, run: Run):
    make_site(tmp_path, site_files({f"content/{OTHER_SHIFT}/zevenaar/2000-spook.md": "Boe.\n"}))

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        only_error(outcome, f"content/{OTHER_SHIFT}", "has posts but no shift.yaml")
    the_rest_is_published(tmp_path)


def test_every_problem_of_a_shift_yaml_is_reported_at_once(tmp_path: Path, run: Run) -> None:
    shift_yaml = "titel: Halloween\nstart: 2026-10-31 19:00\nend: 2026-10-31 18:00\n"
    make_site(
        tmp_path,
        site_files(
            {
                f"content/{OTHER_SHIFT}/shift.yaml": shift_yaml,
                f"content/{OTHER_SHIFT}/zevenaar/2000-spook.md": "Boe.\n",
            }
        ),
    )

    for command in COMMANDS:
        errors = run([command, "--now", AFTER], tmp_path).diagnostics("error")
        where = f"content/{OTHER_SHIFT}/shift.yaml"
        assert any(e.startswith(where) and "title: is required" in e for e in errors), errors
        assert f"{where}:3: error: end: must be after start" in errors, errors
    the_rest_is_published(tmp_path)


def test_a_folder_named_shift_yaml_is_an_error_of_its_shift_not_a_traceback(
    tmp_path: Path, run: Run
) -> None:
    make_site(tmp_path, site_files({f"content/{OTHER_SHIFT}/zevenaar/2000-spook.md": "Boe.\n"}))
    (tmp_path / f"content/{OTHER_SHIFT}/shift.yaml").mkdir()

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        only_error(outcome, f"content/{OTHER_SHIFT}/shift.yaml", "is a folder, not a file")
    the_rest_is_published(tmp_path)


# -- every diagnostic carries a line ------------------------------------------------------------

_DIAGNOSTIC = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): (error|warning): ")


def test_every_diagnostic_names_a_line_of_at_least_one(tmp_path: Path, run: Run) -> None:
    outside = tmp_path / "elders" / "geheim.jpg"
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "geen-tijd.md"): "Wanneer was dit?\n",  # no time
                post_path("zevenaar", "1900-de-dienst-begint.jpg"): b"geen foto",  # not an image
                post_path("duiven", "2000-onbekend-team.md"): "Wie zijn wij?\n",  # no teams.yaml
                post_path("zevenaar", "notities.txt"): "niet voor de site\n",  # ignored
                post_path("zevenaar", "2100-foto.md"): "Met foto.\n",
                "elders/geheim.jpg": jpeg(),
            }
        ),
    )
    symlink_or_skip(tmp_path / post_path("zevenaar", "2100-foto.jpg"), outside)  # out of shift

    for command in COMMANDS:
        outcome = run([command, "--now", AFTER], tmp_path)
        problems = outcome.diagnostics("error") + outcome.diagnostics("warning")
        assert len(problems) >= 5, outcome.stderr
        for line in problems:
            found = _DIAGNOSTIC.match(line)
            assert found and int(found["line"]) >= 1, line
        no_time = [p for p in problems if "geen-tijd.md" in p]
        assert "time: 19:30" in no_time[0]


# -- an edit is never lost ----------------------------------------------------------------------


def test_a_same_length_correction_that_keeps_its_mtime_is_published(tmp_path: Path, run: Run):
    """What a sync tool, `touch -r` or a coarse clock does: same size, same modification time."""
    post = tmp_path / post_path("zevenaar", "2100-aanhouding.md")
    make_site(tmp_path, site_files({post_path("zevenaar", "2100-aanhouding.md"): "Jan Jansen.\n"}))
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    before = post.stat()

    post.write_text("Een man 32.\n")
    assert post.stat().st_size == before.st_size
    os.utime(post, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0

    assert b"Jan Jansen" not in published(tmp_path)
    assert "Een man 32." in post_page(tmp_path, "zevenaar", "2100-aanhouding").read_text()


def _reader_hook(root: Path, during: object) -> object:
    """A prober that does the real work, after `during` (a change made while the read runs)."""
    config = load_config(root / "content" / "site.yaml", Diagnostics())
    settings = config.images

    def probe(path: Path) -> images.ProbeInfo:
        info = images.probe(path, settings)
        during()  # type: ignore[operator]
        return info

    return probe


@pytest.mark.parametrize("watching", [False, True], ids=["build", "watch"])
def test_a_correction_written_while_the_read_runs_is_read_by_the_next(
    tmp_path: Path, watching: bool
) -> None:
    post = tmp_path / post_path("zevenaar", "2100-aanhouding.md")
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2100-aanhouding.md"): "Verdachte: Jan Jansen.\n",
                post_path("zevenaar", "2100-aanhouding.jpg"): jpeg(),
            }
        ),
    )
    content = tmp_path / "content"
    cache = ReadCache(tracking=watching)

    def correct() -> None:
        if "Jansen" in post.read_text():
            post.write_text("Verdachte: een man (32).\n")

    load_site(content, Diagnostics(), prober=_reader_hook(tmp_path, correct), cache=cache)
    cache.touch([post])  # what the watcher heard while the read ran
    site = load_site(content, Diagnostics(), cache=cache)

    bodies = [p.body for shift in site.shifts for p in shift.posts if p.id == "2100-aanhouding"]
    assert bodies == ["Verdachte: een man (32).\n"]


def test_a_photo_replaced_in_place_with_its_mtime_kept_is_read_again(tmp_path: Path, run: Run):
    """A lone photo is timed by its EXIF capture time: the replacement's time is published."""
    photo = tmp_path / post_path("zevenaar", "IMG_0001.jpg")
    first, second = jpeg("2026:10:24 21:00:00"), jpeg("2026:10:24 21:47:00")
    assert len(first) == len(second)
    make_site(tmp_path, site_files({post_path("zevenaar", "IMG_0001.jpg"): first}))
    before = photo.stat()
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns - 10**10))  # not just written
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    before = photo.stat()

    with photo.open("r+b") as handle:  # in place: the same file, size and mtime
        handle.write(second)
    os.utime(photo, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0

    assert "21:47" in post_page(tmp_path, "zevenaar", "img-0001").read_text()


def test_a_photo_changed_while_the_read_runs_is_read_by_the_next(tmp_path: Path) -> None:
    """Its signature, taken after the read, shows the changed file: it must not vouch for it."""
    photo = tmp_path / post_path("zevenaar", "IMG_0001.jpg")
    first, second = jpeg("2026:10:24 21:00:00"), jpeg("2026:10:24 21:47:00")
    make_site(tmp_path, site_files({post_path("zevenaar", "IMG_0001.jpg"): first}))
    old = photo.stat().st_mtime_ns - 10**10
    os.utime(photo, ns=(old, old))
    content = tmp_path / "content"
    cache = ReadCache()

    def replace() -> None:
        if photo.read_bytes() == first:
            photo.write_bytes(second)
            os.utime(photo, ns=(old, old))  # as a sync tool keeps it

    load_site(content, Diagnostics(), prober=_reader_hook(tmp_path, replace), cache=cache)
    site = load_site(content, Diagnostics(), cache=cache)

    times = [p.time for shift in site.shifts for p in shift.posts if p.id == "img-0001"]
    assert times == [datetime(2026, 10, 24, 19, 47, tzinfo=UTC)]  # 21:47 in Amsterdam
