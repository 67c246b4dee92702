"""The writer's guarantees seen through the command line: stale files go, unchanged files stay,
builds are reproducible, foreign folders are refused, `check` writes nothing, links are stable."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import (
    AFTER,
    DURING,
    SHIFT,
    Run,
    contents,
    jpeg,
    make_site,
    post_path,
    read,
    snapshot,
)


def test_deleting_a_post_removes_its_page_and_folder_at_the_next_build(
    site: Path, run: Run
) -> None:
    run(["build", "--now", AFTER], site)
    folder = site / "site" / SHIFT / "zevenaar" / "1915-weekmarkt"
    assert (folder / "index.html").is_file()

    (site / post_path("zevenaar", "1915-weekmarkt.md")).unlink()
    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert not folder.exists()
    for page in (site / "site").rglob("*"):
        if page.is_file():
            assert "1915-weekmarkt" not in page.read_text("utf-8", "replace"), page


def test_deleting_a_teams_last_post_removes_the_team_pages(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)
    (site / post_path("neder-betuwe", "2000-verkeerscontrole.md")).unlink()
    (site / "content" / SHIFT / "neder-betuwe").rmdir()

    run(["build", "--now", AFTER], site)

    assert not (site / "site" / SHIFT / "neder-betuwe").exists()
    assert not (site / "site" / "teams" / "neder-betuwe").exists()
    assert "neder-betuwe" not in read(site, f"site/{SHIFT}/index.html")


def test_a_second_build_with_the_same_now_rewrites_no_file(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)
    before = snapshot(site / "site")
    time.sleep(0.02)

    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert snapshot(site / "site") == before  # same bytes and same mtime_ns
    assert "0 written" in result.stderr


def test_adding_a_post_leaves_unrelated_pages_untouched(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)
    before = snapshot(site / "site")
    time.sleep(0.02)
    make_site(site, {post_path("zevenaar", "2200-nieuw.md"): "Nieuw bericht.\n"})

    run(["build", "--now", AFTER], site)

    after = snapshot(site / "site")
    for untouched in (
        f"{SHIFT}/zevenaar/1900-de-dienst-begint/index.html",
        "teams/neder-betuwe/index.html",
        "404.html",
    ):
        assert after[untouched] == before[untouched], untouched
    assert after["robots.txt"] == before["robots.txt"]
    assert f"{SHIFT}/zevenaar/2200-nieuw/index.html" in after


def test_two_builds_of_the_same_content_and_now_are_byte_identical(site: Path, run: Run) -> None:
    make_site(site, {post_path("zevenaar", "2130-foto.md"): "Met foto.\n"})
    make_site(site, {post_path("zevenaar", "2130-foto.jpg"): jpeg("2026:10:24 21:30:00")})

    first = run(["build", "--now", AFTER, "--out", "one"], site)
    second = run(["build", "--now", AFTER, "--out", "two"], site)

    assert first.exit_code == second.exit_code == 0, first.stderr
    one, two = contents(site / "one"), contents(site / "two")
    assert one.keys() == two.keys()
    for rel in one:
        assert one[rel] == two[rel], rel


def test_source_date_epoch_gives_the_same_site_as_the_equivalent_now(site: Path, run: Run) -> None:
    now = datetime(2026, 10, 25, 4, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    epoch = str(int(now.timestamp()))

    by_now = run(["build", "--now", AFTER, "--out", "by-now"], site)
    by_epoch = run(["build", "--out", "by-epoch"], site, env={"SOURCE_DATE_EPOCH": epoch})

    assert by_now.exit_code == by_epoch.exit_code == 0, by_epoch.stderr
    assert contents(site / "by-now") == contents(site / "by-epoch")


def test_now_wins_over_source_date_epoch(site: Path, run: Run) -> None:
    during = datetime(2026, 10, 24, 21, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
    env = {"SOURCE_DATE_EPOCH": str(int(during.timestamp()))}

    run(["build", "--now", AFTER, "--out", "both"], site, env=env)
    run(["build", "--now", AFTER, "--out", "now-only"], site)

    assert contents(site / "both") == contents(site / "now-only")


def test_source_date_epoch_decides_what_is_scheduled(site: Path, run: Run) -> None:
    during = datetime(2026, 10, 24, 21, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))

    result = run(["build"], site, env={"SOURCE_DATE_EPOCH": str(int(during.timestamp()))})

    assert result.exit_code == 0, result.stderr
    assert (site / "site" / SHIFT / "zevenaar" / "1915-weekmarkt" / "index.html").is_file()
    assert not (site / "site" / SHIFT / "zevenaar" / "0105-laatste-ronde").exists()


def test_now_with_an_offset_equals_now_in_the_site_time_zone(site: Path, run: Run) -> None:
    run(["build", "--now", "2026-10-24T21:00", "--out", "local"], site)
    run(["build", "--now", "2026-10-24T19:00:00Z", "--out", "utc"], site)

    assert contents(site / "local") == contents(site / "utc")


def test_a_foreign_non_empty_out_folder_is_refused_and_left_untouched(site: Path, run: Run) -> None:
    make_site(site, {"www/index.html": "<p>De oude site</p>", "www/foto/kat.jpg": b"\xff\xd8"})
    before = snapshot(site / "www")

    result = run(["build", "--now", AFTER, "--out", "www"], site)

    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert "www" in result.stderr
    assert snapshot(site / "www") == before


def test_an_empty_out_folder_is_accepted(site: Path, run: Run) -> None:
    (site / "leeg").mkdir()

    result = run(["build", "--now", AFTER, "--out", "leeg"], site)

    assert result.exit_code == 0, result.stderr
    assert (site / "leeg" / "index.html").is_file()


def test_files_a_user_added_to_site_are_never_deleted(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)
    make_site(site, {"site/google1234.html": "verification", f"site/{SHIFT}/eigen.txt": "mijn"})
    (site / post_path("zevenaar", "1915-weekmarkt.md")).unlink()

    run(["build", "--now", AFTER], site)

    assert read(site, "site/google1234.html") == "verification"
    assert read(site, f"site/{SHIFT}/eigen.txt") == "mijn"


def test_check_writes_nothing(site: Path, run: Run) -> None:
    before = snapshot(site)

    result = run(["check", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert not (site / "site").exists()
    assert snapshot(site) == before
    assert "checked" in result.stderr


def test_check_reports_errors_with_exit_1_and_still_writes_nothing(site: Path, run: Run) -> None:
    make_site(site, {post_path("zevenaar", "2030-kapot.md"): "---\ntime: 99:99\n---\nx\n"})

    result = run(["check", "--now", AFTER], site)

    assert result.exit_code == 1
    assert any("2030-kapot.md:2" in e for e in result.diagnostics("error"))
    assert not (site / "site").exists()


def test_correcting_the_time_of_a_post_keeps_its_url(site: Path, run: Run) -> None:
    path = site / post_path("zevenaar", "1915-weekmarkt.md")
    run(["build", "--now", AFTER], site)
    page = site / "site" / SHIFT / "zevenaar" / "1915-weekmarkt" / "index.html"
    assert 'datetime="2026-10-24T19:15:00+02:00"' in page.read_text("utf-8")

    path.write_text("---\ntitle: Weekmarkt\ntime: 19:40\n---\nOp de weekmarkt.\n", "utf-8")
    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert 'datetime="2026-10-24T19:40:00+02:00"' in page.read_text("utf-8")
    posts = sorted(p.parent.name for p in (site / "site" / SHIFT / "zevenaar").glob("*/index.html"))
    assert posts == ["0105-laatste-ronde", "1900-de-dienst-begint", "1915-weekmarkt"]


def test_post_urls_come_from_the_file_name_as_a_slug(site: Path, run: Run) -> None:
    make_site(site, {post_path("zevenaar", "2200 Controle Café (2).md"): "Koffie.\n"})

    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert (site / "site" / SHIFT / "zevenaar" / "2200-controle-cafe-2" / "index.html").is_file()


def test_base_url_option_overrides_site_yaml_in_the_sitemap(site: Path, run: Run) -> None:
    result = run(["build", "--now", AFTER, "--base-url", "https://preview.example.org/test"], site)

    assert result.exit_code == 0, result.stderr
    locs = re.findall(r"<loc>([^<]+)</loc>", read(site, "site/sitemap.xml"))
    assert locs
    assert all(loc.startswith("https://preview.example.org/test/") for loc in locs), locs
    assert "volgdienst.example.nl" not in read(site, "site/sitemap.xml")
    assert "Sitemap: https://preview.example.org/test/sitemap.xml" in read(site, "site/robots.txt")
    canonical = read(site, f"site/{SHIFT}/index.html")
    assert f'href="https://preview.example.org/test/{SHIFT}/"' in canonical


def test_the_summary_counts_what_was_written_unchanged_and_removed(site: Path, run: Run) -> None:
    first = run(["build", "--now", DURING], site)
    (site / post_path("zevenaar", "1900-de-dienst-begint.md")).unlink()
    second = run(["build", "--now", DURING], site)

    assert re.search(r"\b0 unchanged\b", first.lines()[-1])
    assert re.search(r"\b[1-9]\d* removed\b", second.lines()[-1])
    assert "0 errors" in second.lines()[-1]


def test_sync_and_editor_temporaries_are_ignored_without_warnings(site: Path, run: Run) -> None:
    team = f"content/{SHIFT}/zevenaar"
    make_site(
        site,
        {
            f"{team}/.DS_Store": b"\x00\x00",
            f"{team}/.2100-half.md.swp": b"\x00swap",
            f"{team}/2100-half.md.part": "---\ntitle: half gesync",
            f"{team}/.syncthing.2100-foto.jpg.tmp": b"\xff\xd8",
            f"{team}/~$2100-notitie.md": b"\x00lock",
            f"{team}/2100-half.sync-conflict-20261024-210000-ABC.md": "Conflict.\n",
        },
    )

    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert result.diagnostics("warning") == []
    published = {p.name for p in (site / "site" / SHIFT / "zevenaar").iterdir()}
    published -= {"page", "feed.xml", "feed.json"}
    assert sorted(published) == [
        "0105-laatste-ronde",
        "1900-de-dienst-begint",
        "1915-weekmarkt",
        "index.html",
    ]


def test_an_out_path_that_is_a_file_is_a_usage_error(site: Path, run: Run) -> None:
    (site / "notes.txt").write_text("niet overschrijven", "utf-8")

    result = run(["build", "--now", AFTER, "--out", "notes.txt"], site)

    assert result.exit_code == 2
    assert "notes.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert read(site, "notes.txt") == "niet overschrijven"


def test_an_invalid_source_date_epoch_is_a_usage_error_not_a_traceback(site: Path) -> None:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "gisteren"}
    proc = subprocess.run(
        [sys.executable, "-m", "followshift", "build"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )

    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "SOURCE_DATE_EPOCH" in proc.stderr
    assert not (site / "site").exists()
