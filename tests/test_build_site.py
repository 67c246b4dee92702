"""A valid site builds into the pages, sitemap and assets SPEC §3 lists, in the site's language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import AFTER, SHIFT, Run, article_ids, html_pages, make_site, read, site_files

from followshift import __version__

SITE_YAML_EN = """\
title: Follow shift East
base_url: https://followshift.example.org/
language: en
"""


def test_a_valid_site_builds_every_page_and_exits_0(site: Path, run: Run) -> None:
    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    out = site / "site"
    for rel in [
        "index.html",
        f"{SHIFT}/index.html",
        f"{SHIFT}/zevenaar/index.html",
        f"{SHIFT}/neder-betuwe/index.html",
        f"{SHIFT}/zevenaar/1900-de-dienst-begint/index.html",
        f"{SHIFT}/zevenaar/1915-weekmarkt/index.html",
        f"{SHIFT}/zevenaar/0105-laatste-ronde/index.html",
        f"{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html",
        "teams/zevenaar/index.html",
        "teams/neder-betuwe/index.html",
        "404.html",
        "sitemap.xml",
        "robots.txt",
    ]:
        assert (out / rel).is_file(), f"{rel} missing"
    assert "0 errors" in result.stderr


def test_the_shift_page_shows_every_team_and_post(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)

    page = read(site, f"site/{SHIFT}/index.html")
    assert "Megavolgdienst Oost-Nederland" in page
    assert "<strong>27 teams</strong>" in page
    assert "Team Zevenaar" in page and "Team Neder-Betuwe" in page
    assert set(article_ids(page)) == {
        "zevenaar--1900-de-dienst-begint",
        "zevenaar--1915-weekmarkt",
        "zevenaar--0105-laatste-ronde",
        "neder-betuwe--2000-verkeerscontrole",
    }
    team_page = read(site, f"site/{SHIFT}/neder-betuwe/index.html")
    assert article_ids(team_page) == ["neder-betuwe--2000-verkeerscontrole"]
    assert "Verkeerscontrole in Kesteren." in read(
        site, f"site/{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html"
    )


def test_a_post_is_the_page_heading_on_its_own_page_and_a_subheading_in_timelines(
    site: Path, run: Run
) -> None:
    """One rendering of the post serves every page (article()): level and links must still fit
    the page it lands on."""
    run(["build", "--now", AFTER, "--jobs", "1"], site)

    def headings(page: str) -> list[tuple[str, str]]:
        return re.findall(r'<(h\d) class="post-title[^"]*">[^<]*</(h\d)>', page)

    own = read(site, f"site/{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html")
    assert headings(own) == [("h1", "h1")]
    assert f'href="../../../{SHIFT}/neder-betuwe/2000-verkeerscontrole/"' in own
    for timeline, root in (
        (f"{SHIFT}/index.html", "../"),
        (f"{SHIFT}/neder-betuwe/index.html", "../../"),
    ):
        page = read(site, f"site/{timeline}")
        assert headings(page) and set(headings(page)) == {("h3", "h3")}, timeline
        assert f'href="{root}{SHIFT}/neder-betuwe/2000-verkeerscontrole/"' in page, timeline


def test_the_sitemap_lists_absolute_urls_from_base_url(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)

    sitemap = read(site, "site/sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs, sitemap
    assert all(loc.startswith("https://volgdienst.example.nl/") for loc in locs)
    assert f"https://volgdienst.example.nl/{SHIFT}/zevenaar/1915-weekmarkt/" in locs
    assert "https://volgdienst.example.nl/teams/zevenaar/" in locs
    robots = read(site, "site/robots.txt")
    assert "Sitemap: https://volgdienst.example.nl/sitemap.xml" in robots


def test_theme_assets_get_content_hashed_names_that_pages_link_to(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)

    assets = sorted(p.name for p in (site / "site" / "assets").iterdir())
    css = [name for name in assets if re.fullmatch(r"style\.[0-9a-f]{6,}\.css", name)]
    assert css, assets
    index = read(site, "site/index.html")
    assert f"assets/{css[0]}" in index
    assert "style.css" not in index.replace(css[0], "")


def test_every_html_page_says_call_112_in_an_emergency(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)

    pages = html_pages(site / "site")
    assert len(pages) >= 10
    for page in pages:
        assert "Bij spoed: bel 112" in page.read_text("utf-8"), page


def test_pages_are_dutch_by_default_with_dutch_dates(site: Path, run: Run) -> None:
    run(["build", "--now", AFTER], site)

    page = read(site, f"site/{SHIFT}/index.html")
    assert '<html lang="nl"' in page
    assert "zaterdag 24 oktober 2026" in page


def test_an_english_site_says_call_112_and_writes_english_dates(tmp_path: Path, run: Run) -> None:
    files = site_files({"content/site.yaml": SITE_YAML_EN})
    make_site(tmp_path, files)

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    for page in html_pages(tmp_path / "site"):
        text = page.read_text("utf-8")
        assert '<html lang="en"' in text, page
        assert "In an emergency: call 112" in text, page
        assert "Bij spoed" not in text, page
    shift_page = read(tmp_path, f"site/{SHIFT}/index.html")
    assert "Saturday, October 24, 2026" in shift_page
    assert "zaterdag" not in shift_page


def test_a_missing_teams_yaml_still_builds_with_names_from_folders(
    tmp_path: Path, run: Run
) -> None:
    files = site_files()
    del files["content/teams.yaml"]
    make_site(tmp_path, files)

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert "Neder-Betuwe" in read(tmp_path, f"site/{SHIFT}/index.html")
    assert "Zevenaar" in read(tmp_path, "site/teams/zevenaar/index.html")


def test_the_real_entry_point_python_m_followshift_builds_a_site(site: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    proc = subprocess.run(
        [sys.executable, "-m", "followshift", "build", "--now", AFTER, "--out", "public"],
        cwd=site,
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )

    assert proc.returncode == 0, proc.stderr
    assert (site / "public" / SHIFT / "index.html").is_file()
    assert "built" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_the_real_entry_point_exits_with_each_commands_code_and_all_its_output(
    site: Path,
) -> None:
    """The program ends with os._exit (cli.entry): nothing printed may be lost, and the exit
    code must still say what happened."""

    def program(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "followshift", *args],
            cwd=site, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip

    version = program("--version")
    assert (version.returncode, version.stdout.strip()) == (
        0,
        f"followshift, version {__version__}",
    )
    usage = program("build", "--no-such-option")
    assert usage.returncode == 2 and "No such option" in usage.stderr
    (site / "content" / "site.yaml").write_text("title: [unclosed\n", "utf-8")
    broken = program("check")
    assert broken.returncode == 1
    assert "content/site.yaml:1: error: invalid YAML" in broken.stderr
    assert broken.stderr.rstrip().endswith("2 errors, 0 warnings")  # the last line too
    assert "Traceback" not in broken.stderr


def test_the_version_is_printed(site: Path, run: Run) -> None:
    result = run(["--version"], site)

    assert result.exit_code == 0
    assert re.search(r"followshift, version \d+\.\d+", result.stdout)


def test_a_usage_error_exits_2_without_a_traceback(site: Path, run: Run) -> None:
    for args in (
        ["build", "--now", "tomorrow evening"],
        ["build", "--now", AFTER, "--base-url", "volgdienst.example.nl"],
        ["build", "--no-such-option"],
    ):
        result = run(args, site)
        assert result.exit_code == 2, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (site / "site").exists()


def test_quiet_prints_errors_only_and_verbose_adds_timings(tmp_path: Path, run: Run) -> None:
    files = site_files()
    del files["content/teams.yaml"]  # two warnings: teams named from their folders
    files[f"content/{SHIFT}/zevenaar/2100-kapot.md"] = "---\ntime: 25:99\n---\nKapot.\n"
    make_site(tmp_path, files)

    quiet = run(["build", "--now", AFTER, "-q"], tmp_path)
    verbose = run(["build", "--now", AFTER, "-v", "--out", "other"], tmp_path)

    assert quiet.exit_code == verbose.exit_code == 1
    assert "warning" not in quiet.stderr
    assert quiet.diagnostics("error") and "2100-kapot.md" in quiet.stderr
    assert "built" not in quiet.stderr
    assert "warning:" in verbose.stderr
    assert "timings:" in verbose.stderr


def test_reading_ahead_is_only_a_hint(tmp_path: Path) -> None:
    """read_ahead (posix_fadvise where it exists) returns at once whatever it is given: a
    missing file, a folder, a named pipe that no one writes to, a file without read access."""
    import os

    from followshift.content.files import read_ahead

    post = tmp_path / "1915-post.md"
    post.write_text("Tekst.\n", encoding="utf-8")
    locked = tmp_path / "1916-dicht.md"
    locked.write_text("Dicht.\n", encoding="utf-8")
    locked.chmod(0)
    paths = [post, tmp_path / "1917-weg.md", tmp_path, locked]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "1918-pijp.md")
        paths.append(tmp_path / "1918-pijp.md")

    read_ahead(paths)

    assert post.read_text(encoding="utf-8") == "Tekst.\n"


def test_help_lists_every_command_with_its_summary(tmp_path: Path, run: Run) -> None:
    """The commands are imported only when asked for (cli.COMMANDS): `--help` still names
    each one with its first line, and each runs under its own name."""
    from followshift.cli import COMMANDS

    outcome = run(["--help"], tmp_path)
    assert outcome.exit_code == 0
    listed = outcome.stdout.split("Commands:")[1]
    names = [line.split()[0] for line in listed.splitlines() if line.strip()]
    assert names == sorted(COMMANDS)
    assert "Build content/ into site/." in listed
    assert "Upload what changed in site/ to a bucket" in listed
    for name in COMMANDS:
        assert run([name, "--help"], tmp_path).exit_code == 0, name
