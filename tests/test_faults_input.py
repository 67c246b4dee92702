"""Fault injection, hostile and mistyped input (issue 15): YAML, settings, times, photos, `new`.

Every case runs the real command line on a small site in tmp_path. A crash fails the test with
its traceback (the `run` fixture does not catch exceptions), so "no traceback" is implicit.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from xml.etree import ElementTree

import pytest
from conftest import (
    AFTER,
    SHIFT,
    SHIFT_YAML,
    SITE_YAML,
    TEAMS_YAML,
    Outcome,
    Run,
    article_ids,
    html_pages,
    jpeg,
    make_site,
    post_path,
    read,
    site_files,
    snapshot,
)

POST = post_path("zevenaar", "2110-melding.md")
SHIFT_FILE = f"content/{SHIFT}/shift.yaml"


def build(run: Run, root: Path, *args: str) -> Outcome:
    return run(["build", "--now", AFTER, *args], root)


def errors_of(outcome: Outcome, path: str) -> list[str]:
    """The errors of one file, without the line that says site.yaml stopped the build."""
    return [
        line
        for line in outcome.diagnostics("error")
        if line.startswith(f"{path}:") and "has errors; nothing was published" not in line
    ]


def whole_file(path: str, message: str) -> str:
    """A pattern for an error of a whole file: with or without its line."""
    return re.escape(path) + r"(:\d+)?: error: " + re.escape(message)


def billion_laughs(levels: int = 9) -> str:
    """A "billion laughs" document: 9**levels values once its aliases are expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    return "\n".join(lines) + "\n"


# --- 7. YAML in bounded time and memory ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "text", "alias_line"),
    [
        # The first alias past the bound: the 4th line (`d:`), a line later in front matter.
        ("content/site.yaml", SITE_YAML + billion_laughs(), 6),
        ("content/teams.yaml", TEAMS_YAML + billion_laughs(), 11),
        (SHIFT_FILE, SHIFT_YAML + billion_laughs(), 8),
        (POST, "---\n" + billion_laughs() + "---\nTekst.\n", 5),
    ],
    ids=["site.yaml", "teams.yaml", "shift.yaml", "front-matter"],
)
def test_a_billion_laughs_is_an_error_at_its_alias_found_at_once(
    tmp_path: Path, run: Run, path: str, text: str, alias_line: int
) -> None:
    make_site(tmp_path, site_files({path: text}))

    started = time.perf_counter()
    outcome = build(run, tmp_path)
    seconds = time.perf_counter() - started

    assert seconds < 1.0
    assert outcome.exit_code == 1
    errors = errors_of(outcome, path)
    assert len(errors) == 1, outcome.stderr
    assert errors[0].startswith(f"{path}:{alias_line}: error: aliases (*name) repeat more than")


def test_an_alias_used_as_a_key_is_an_error_with_a_short_line(tmp_path: Path, run: Run) -> None:
    # It used to make a 312 MB warning line (and a MemoryError) from `str()` of the key.
    teams = TEAMS_YAML + billion_laughs(2) + "? *b\n: x\n"  # 81 values as one key
    make_site(tmp_path, site_files({"content/teams.yaml": teams}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    assert max(len(line) for line in outcome.lines()) < 300
    assert errors_of(outcome, "content/teams.yaml") == [
        "content/teams.yaml:10: error: a key must be a name, not a list or a mapping"
    ]


@pytest.mark.parametrize(
    "text",
    [
        "---\nx: " + "[" * 500 + "]" * 500 + "\n---\nTekst.\n",
        "---\n" + "".join(" " * i + "a:\n" for i in range(400)) + " " * 400 + "b\n---\nTekst.\n",
        "---\nx: &x\n  - *x\n---\nTekst.\n",
    ],
    ids=["flow", "block", "recursive-alias"],
)
def test_yaml_nested_absurdly_deep_is_an_error_of_its_post(
    tmp_path: Path, run: Run, text: str
) -> None:
    make_site(tmp_path, site_files({POST: text}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = errors_of(outcome, POST)
    assert re.search(r":\d+: error: (nested more than 32 levels|an alias \(\*name\) inside)", error)
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "1915-weekmarkt" / "index.html").is_file()


# --- 10. check finds what build finds; one bad setting does not drop a team -------------------


@pytest.mark.parametrize("cut", [0.5, 0.99, -2], ids=["half", "tail", "no-eoi"])
def test_a_truncated_jpeg_is_an_error_in_check_as_in_build(
    tmp_path: Path, run: Run, cut: float
) -> None:
    photo = jpeg(size=(640, 480))
    end = int(len(photo) * cut) if cut > 0 else int(cut)
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2110-foto.md"): "Een foto.\n",
                post_path("zevenaar", "2110-foto.jpg"): photo[:end],
            }
        ),
    )

    checked = run(["check", "--now", AFTER], tmp_path)
    built = build(run, tmp_path)

    expected = whole_file(post_path("zevenaar", "2110-foto.md"), "photo 2110-foto.jpg: image is ")
    for outcome in (checked, built):
        assert outcome.exit_code == 1
        errors = outcome.diagnostics("error")
        assert len(errors) == 1, outcome.stderr
        assert re.match(expected, errors[0])
        assert "truncated" in errors[0]
    assert checked.diagnostics("error") == built.diagnostics("error")


def test_a_bad_team_colour_is_an_error_and_the_team_stays(tmp_path: Path, run: Run) -> None:
    teams = TEAMS_YAML.replace('color: "#1f3b73"', "color: blauw")
    make_site(tmp_path, site_files({"content/teams.yaml": teams}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = outcome.diagnostics("error")
    assert error.startswith("content/teams.yaml:4: error: zevenaar: color must be a hex colour")
    assert "not in teams.yaml" not in outcome.stderr
    page = read(tmp_path, "site/teams/zevenaar/index.html")
    assert "Team Zevenaar" in page
    assert "Gelderland-Midden" in page  # the rest of its settings are kept


# --- 12. no traceback: folders for files, clocks out of range --------------------------------


def test_site_yaml_that_is_a_folder_is_a_site_error(tmp_path: Path, run: Run) -> None:
    files = site_files()
    del files["content/site.yaml"]
    make_site(tmp_path, files)
    (tmp_path / "content" / "site.yaml").mkdir()

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    assert errors_of(outcome, "content/site.yaml") == [
        "content/site.yaml:1: error: is a folder; site.yaml must be a file"
    ]
    assert not (tmp_path / "site").exists()


def test_teams_yaml_that_is_a_folder_is_an_error_of_teams_yaml(tmp_path: Path, run: Run) -> None:
    files = site_files()
    del files["content/teams.yaml"]
    make_site(tmp_path, files)
    (tmp_path / "content" / "teams.yaml").mkdir()

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    assert outcome.diagnostics("error") == [
        "content/teams.yaml:1: error: is a folder; teams.yaml must be a file"
    ]
    assert (tmp_path / "site" / SHIFT / "index.html").is_file()


@pytest.mark.parametrize("command", ["build", "check", "new", "init"])
@pytest.mark.parametrize(
    ("env", "args", "message"),
    [
        ({"SOURCE_DATE_EPOCH": "99999999999999999999"}, [], "is after the year 2999"),
        ({"SOURCE_DATE_EPOCH": "32503680000"}, [], "is after the year 2999"),
        ({}, ["--now", "0001-01-01T00:00"], "is not a year from 1970 to 2999"),
        ({}, ["--now", "9999-12-31T23:59+14:00"], "is not a year from 1970 to 2999"),
    ],
    ids=["epoch-huge", "epoch-3000", "now-year-1", "now-year-9999"],
)
def test_a_clock_out_of_range_is_a_usage_error(
    tmp_path: Path, run: Run, command: str, env: dict[str, str], args: list[str], message: str
) -> None:
    make_site(tmp_path, site_files())
    before = snapshot(tmp_path)
    where = {
        "build": ["build"],
        "check": ["check"],
        "new": ["new", SHIFT, "zevenaar", "Tekst."],
        "init": ["init", "nieuw"],
    }[command]

    outcome = run([*where, *args], tmp_path, env=env)

    assert outcome.exit_code == 2
    [error] = [line for line in outcome.lines() if line.startswith("Error:")]
    assert message in error
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    ("path", "text", "line", "message"),
    [
        (SHIFT_FILE, SHIFT_YAML.replace("2026-10-24 19:00", "0001-01-01 00:00"), 2, "start: '0001"),
        (SHIFT_FILE, SHIFT_YAML + "delay: 99999999999999h\n", 5, "delay: '99999999999999h' is"),
        ("content/site.yaml", SITE_YAML + "delay: 999999999999999999\n", 3, "delay: '99999"),
        (POST, "---\ntime: 0001-01-01 00:00\n---\nTekst.\n", 2, "time: '0001-01-01 00:00' is"),
    ],
    ids=["shift-start-year-1", "shift-delay-huge", "site-delay-huge", "post-time-year-1"],
)
def test_times_and_delays_out_of_range_are_errors_of_their_file(
    tmp_path: Path, run: Run, path: str, text: str, line: int, message: str
) -> None:
    make_site(tmp_path, site_files({path: text}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = errors_of(outcome, path)
    assert error.startswith(f"{path}:{line}: error: {message}")


def test_a_camera_clock_of_year_one_is_ignored(tmp_path: Path, run: Run) -> None:
    # A lone photo is timed by its EXIF capture time; year 1 overflowed when the zone was applied.
    photo = jpeg(taken="0001:01:01 00:00:01")
    make_site(tmp_path, site_files({post_path("zevenaar", "IMG_0001.jpg"): photo}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = outcome.diagnostics("error")
    assert re.match(whole_file(post_path("zevenaar", "IMG_0001.jpg"), "no time"), error)


# --- 13. control characters never reach a page, a feed or a URL -------------------------------

CONTROLS = ["\\x01", "\\0", "\\v", "\\x85", "\\uFFFE", "\\uFDD0", "\\U0001FFFF", "\\x1b[31m"]


@pytest.mark.parametrize("escape", CONTROLS)
def test_a_control_character_in_front_matter_is_an_error_at_its_line(
    tmp_path: Path, run: Run, escape: str
) -> None:
    text = f'---\nauthor: Hein\ntitle: "Ongeval{escape} op de A15"\n---\nTekst.\n'
    make_site(tmp_path, site_files({POST: text}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = errors_of(outcome, POST)
    assert error.startswith(f"{POST}:3: error: control character U+")
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2110-melding").exists()
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "1915-weekmarkt" / "index.html").is_file()


def test_a_control_character_in_site_yaml_is_a_site_error(tmp_path: Path, run: Run) -> None:
    site_yaml = 'title: "Volgdienst Oost\\x01"\nbase_url: https://volgdienst.example.nl/\n'
    make_site(tmp_path, site_files({"content/site.yaml": site_yaml}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = errors_of(outcome, "content/site.yaml")
    assert error.startswith("content/site.yaml:1: error: control character U+0001")
    assert not (tmp_path / "site").exists()


def test_control_characters_in_a_post_body_are_left_out(tmp_path: Path, run: Run) -> None:
    body = "Ongeval\x0bop de A15.\x01\x1b[31m Rood\ufffe.\n"
    make_site(tmp_path, site_files({POST: body}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 0, outcome.stderr
    page = read(tmp_path, f"site/{SHIFT}/zevenaar/2110-melding/index.html")
    assert "Ongeval op de A15.[31m Rood." in page
    for path in [*html_pages(tmp_path / "site"), *(tmp_path / "site").rglob("feed.*")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe]", text), path
    ElementTree.parse(tmp_path / "site" / SHIFT / "feed.xml")  # well-formed XML 1.0


@pytest.mark.parametrize(
    "url",
    [
        "https://volgdienst.example.nl/\nDisallow: /",
        "https://volgdienst.example.nl/ x",
        'https://volgdienst.example.nl/"><script>',
        "https://volgdienst.example.nl/?utm=1",
        "https:///pad",
        "javascript:alert(1)",
    ],
)
def test_a_base_url_that_is_not_a_plain_absolute_url_is_refused(
    tmp_path: Path, run: Run, url: str
) -> None:
    # A JSON string is a YAML double-quoted string: "\n" in it is a newline.
    make_site(tmp_path, site_files({"content/site.yaml": f"base_url: {json.dumps(url)}\n"}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    [error] = errors_of(outcome, "content/site.yaml")
    assert error.startswith("content/site.yaml:1: error: base_url: must be an absolute http(s)")
    assert not (tmp_path / "site").exists()  # no robots.txt with a `Disallow: /` line

    # The same address given on the command line is a usage error.
    make_site(tmp_path, {"content/site.yaml": SITE_YAML})
    outcome = run(["build", "--now", AFTER, "--base-url", url], tmp_path)
    assert outcome.exit_code == 2
    assert "--base-url" in outcome.stderr
    assert not (tmp_path / "site").exists()


# --- 16. posts of one minute keep the order they were written in ------------------------------


def test_new_writes_the_time_to_the_second_so_one_minute_keeps_its_order(
    tmp_path: Path, run: Run
) -> None:
    make_site(tmp_path, site_files())
    first = run(
        ["new", SHIFT, "neder-betuwe", "--title", "Ongeval op de A15", "Ongeval.", "--now",
         "2026-10-24T20:40:10"],
        tmp_path,
    )  # fmt: skip
    second = run(
        ["new", SHIFT, "neder-betuwe", "--title", "A15 weer vrij", "Weg weer vrij.", "--now",
         "2026-10-24T20:40:50"],
        tmp_path,
    )  # fmt: skip
    assert first.exit_code == 0 and second.exit_code == 0
    assert Path(first.stdout.strip()).name == "2040-ongeval-op-de-a15.md"
    assert "time: 20:40:10\n" in read(tmp_path, first.stdout.strip())
    assert "time: 20:40:50\n" in read(tmp_path, second.stdout.strip())

    assert build(run, tmp_path).exit_code == 0
    ids = article_ids(read(tmp_path, f"site/{SHIFT}/index.html"))  # ended: oldest first
    assert ids.index("neder-betuwe--2040-ongeval-op-de-a15") < ids.index(
        "neder-betuwe--2040-a15-weer-vrij"
    )
    page = read(tmp_path, f"site/{SHIFT}/neder-betuwe/2040-a15-weer-vrij/index.html")
    assert '<time datetime="2026-10-24T20:40:50+02:00">20:40</time>' in page


def test_new_time_option_takes_seconds(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files())

    outcome = run(
        ["new", SHIFT, "zevenaar", "Tekst.", "--time", "21:07:42", "--now", AFTER], tmp_path
    )

    assert outcome.exit_code == 0, outcome.stderr
    assert Path(outcome.stdout.strip()).name == "2107-tekst.md"
    assert read(tmp_path, outcome.stdout.strip()) == "---\ntime: 21:07:42\n---\nTekst.\n"


# --- 17. `time: 19.30`, typos in keys, `new --photo` that is no photo -------------------------


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("19.30", "19:30:00"),
        ("20.10", "20:10:00"),
        ("1930", "19:30:00"),
        ("19:30:15", "19:30:15"),
        ("2026-10-24 19:30:15", "19:30:15"),
    ],
)
def test_a_time_with_a_dot_or_seconds_is_read_as_a_clock(
    tmp_path: Path, run: Run, written: str, shown: str
) -> None:
    post = post_path("zevenaar", "melding.md")
    make_site(tmp_path, site_files({post: f"---\ntime: {written}\nupdated: 21.00\n---\nTekst.\n"}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 0, outcome.stderr
    page = read(tmp_path, f"site/{SHIFT}/zevenaar/melding/index.html")
    assert f'datetime="2026-10-24T{shown}+02:00"' in page
    assert 'datetime="2026-10-24T21:00:00+02:00"' in page  # updated: 21.00


def test_a_time_that_is_not_a_clock_says_so(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({POST: "---\ntime: 19.3\n---\nTekst.\n"}))

    outcome = build(run, tmp_path)

    assert errors_of(outcome, POST) == [
        f"{POST}:2: error: time: '19.3' is not a time such as 19:15 or 2026-10-24 19:15"
    ]


@pytest.mark.parametrize(
    ("path", "text", "line", "message"),
    [
        ("content/site.yaml", SITE_YAML + "langauge: en\n", 3,
         "unknown key 'langauge' in site.yaml; did you mean 'language'?"),
        ("content/site.yaml", SITE_YAML + "images:\n  qualty: 90\n", 4,
         "unknown key 'qualty' in images; did you mean 'quality'?"),
        ("content/teams.yaml", TEAMS_YAML + "  colour: '#8a1c1c'\n", 8,
         "neder-betuwe: unknown key 'colour'; did you mean 'color'?"),
        (SHIFT_FILE, SHIFT_YAML + "dealy: 15m\n", 5, "unknown key 'dealy'; did you mean 'delay'?"),
        (POST, "---\nstauts: draft\n---\nGeheim.\n", 2,
         "unknown key 'stauts'; did you mean 'status'?"),
        (POST, "---\ntijd: 21:10\n---\nTekst.\n", 2, "unknown key 'tijd'; did you mean 'time'?"),
        (POST, "---\nTitle: Melding\n---\nTekst.\n", 2,
         "unknown key 'Title'; did you mean 'title'?"),
    ],
    ids=["site", "site-images", "teams", "shift", "post-status", "post-dutch", "post-case"],
)  # fmt: skip
def test_a_likely_typo_of_a_key_is_an_error_naming_the_key_meant(
    tmp_path: Path, run: Run, path: str, text: str, line: int, message: str
) -> None:
    make_site(tmp_path, site_files({path: text}))

    outcome = build(run, tmp_path, "-q")

    assert outcome.exit_code == 1
    assert errors_of(outcome, path) == [f"{path}:{line}: error: {message}"]
    if path == POST:  # never published with a key silently dropped (here: a draft made public)
        assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2110-melding").exists()
    if path == SHIFT_FILE:  # never published without its delay
        assert not (tmp_path / "site" / SHIFT).exists()
    if path == "content/site.yaml":
        assert not (tmp_path / "site").exists()


def test_only_a_likely_typo_is_an_error_other_unknown_keys_stay_warnings(
    tmp_path: Path, run: Run
) -> None:
    text = "---\nnotities: bel terug\nstauts: draft\n---\nGeheim.\n"
    make_site(tmp_path, site_files({POST: text}))

    outcome = build(run, tmp_path)

    assert outcome.exit_code == 1
    assert outcome.diagnostics("warning") == [
        f"{POST}:2: warning: unknown key 'notities' (known: time, title, author, photos, "
        "pinned, status, updated)"
    ]
    assert outcome.diagnostics("error") == [
        f"{POST}:3: error: unknown key 'stauts'; did you mean 'status'?"
    ]


@pytest.mark.parametrize(
    "front_matter",
    [
        f"{'x' * 1000}: 1",  # an unknown key, as long as YAML allows a key to be
        f'time: "{"y" * 100_000}"',
        f"time: {'9' * 5000}",  # more digits than Python converts to a number
    ],
    ids=["key", "text", "digits"],
)
def test_an_echoed_value_is_cut_short(tmp_path: Path, run: Run, front_matter: str) -> None:
    make_site(tmp_path, site_files({POST: f"---\n{front_matter}\n---\nTekst.\n"}))

    outcome = build(run, tmp_path)

    assert outcome.diagnostics("error") or outcome.diagnostics("warning")
    assert max(len(line) for line in outcome.lines()) < 300


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"Boodschappenlijst: melk, brood\n", "not a supported image"),
        (jpeg(size=(640, 480))[:2000], "image is truncated"),
    ],
    ids=["text", "truncated"],
)
def test_new_refuses_a_photo_the_build_would_refuse(
    tmp_path: Path, run: Run, data: bytes, message: str
) -> None:
    make_site(tmp_path, site_files())
    photo = tmp_path / "foto.jpg"
    photo.write_bytes(data)
    before = snapshot(tmp_path / "content")

    outcome = run(
        ["new", SHIFT, "zevenaar", "Tekst.", "--photo", str(photo), "--alt", "x", "--now", AFTER],
        tmp_path,
    )

    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert outcome.stderr.startswith("error: --photo: foto.jpg: ")
    assert message in outcome.stderr
    assert len(outcome.lines()) == 1
    assert snapshot(tmp_path / "content") == before
