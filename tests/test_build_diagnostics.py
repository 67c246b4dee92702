"""Diagnostics: `path:line: error|warning: message`, one broken post never blocks the others."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    AFTER,
    SHIFT,
    SHIFT_YAML,
    SITE_YAML,
    TEAMS_YAML,
    Run,
    article_ids,
    jpeg,
    make_site,
    post_path,
    read,
    site_files,
)

BROKEN_POSTS = {
    # name: (text, line of the offending key, words the message must contain)
    "2100-yaml.md": ("---\ntitle: Kapot\nauthor: Hein: agent\n---\nTekst.\n", 3, "YAML"),
    "2101-flow.md": ("---\ntitle: Kapot\ntime: [19:15\n---\nTekst.\n", 3, "YAML"),
    "2102-tijd.md": ("---\ntitle: Kapot\ntime: 25:99\n---\nTekst.\n", 3, "time"),
    "2103-status.md": ("---\ntitle: K\npinned: true\nstatus: klaar\n---\nT.\n", 4, "status"),
    "2104-pinned.md": ("---\npinned: misschien\n---\nT.\n", 2, "pinned"),
    "2105-updated.md": ("---\ntitle: K\nupdated: gisteren\n---\nT.\n", 3, "updated"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_POSTS))
def test_a_broken_post_is_reported_with_its_line_and_the_others_publish(
    tmp_path: Path, run: Run, name: str
) -> None:
    text, line, word = BROKEN_POSTS[name]
    make_site(tmp_path, site_files({post_path("zevenaar", name): text}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"content/{SHIFT}/zevenaar/{name}:{line}: error: "), errors[0]
    assert word.lower() in errors[0].lower()
    page = read(tmp_path, f"site/{SHIFT}/index.html")
    assert len(article_ids(page)) == 4
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / name.removesuffix(".md")).exists()
    assert "Traceback" not in result.stderr


def test_every_broken_post_is_reported_in_one_run_then_a_summary(tmp_path: Path, run: Run) -> None:
    extra = {post_path("zevenaar", name): text for name, (text, _, _) in BROKEN_POSTS.items()}
    make_site(tmp_path, site_files(extra))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == len(BROKEN_POSTS)
    for name in BROKEN_POSTS:
        assert any(name in e for e in errors), name
    summary = result.lines()[-1]
    assert f"{len(BROKEN_POSTS)} errors" in summary


def test_paths_in_diagnostics_are_relative_to_the_current_folder(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files({post_path("zevenaar", "2102-tijd.md"): BROKEN_POSTS["2102-tijd.md"][0]}),
    )

    result = run(["check", "--content", ".", "--now", AFTER], tmp_path / "content")

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1
    assert errors[0].startswith(f"{SHIFT}/zevenaar/2102-tijd.md:3: error: ")


def test_an_unknown_key_in_site_yaml_is_a_warning_with_its_line(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({"content/site.yaml": SITE_YAML + "kleur: blauw\n"}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = result.diagnostics("warning")
    assert len(warnings) == 1
    assert warnings[0].startswith("content/site.yaml:3: warning: ")
    assert "kleur" in warnings[0]
    assert (tmp_path / "site" / "index.html").is_file()


def test_an_unknown_key_in_a_post_is_a_warning_with_its_line(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {post_path("zevenaar", "2110-typo.md"): "---\ntitle: T\nnotitie: Hein\n---\nTekst.\n"}
        ),
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = result.diagnostics("warning")
    assert len(warnings) == 1
    assert warnings[0].startswith(f"content/{SHIFT}/zevenaar/2110-typo.md:3: warning: ")
    assert "notitie" in warnings[0]
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2110-typo" / "index.html").is_file()


def test_an_unknown_key_in_shift_yaml_is_a_warning_with_its_line(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "opmerking: x\n"}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = result.diagnostics("warning")
    assert len(warnings) == 1
    assert warnings[0].startswith(f"content/{SHIFT}/shift.yaml:5: warning: ")
    assert "opmerking" in warnings[0]


def test_a_team_missing_from_teams_yaml_is_named_from_its_folder_with_a_warning(
    tmp_path: Path, run: Run
) -> None:
    teams = TEAMS_YAML.split("neder-betuwe:")[0]
    make_site(tmp_path, site_files({"content/teams.yaml": teams}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = result.diagnostics("warning")
    assert len(warnings) == 1
    assert "neder-betuwe" in warnings[0]
    assert "teams.yaml" in warnings[0]
    page = read(tmp_path, f"site/{SHIFT}/neder-betuwe/index.html")
    assert "Neder-Betuwe" in page
    assert "Neder-Betuwe" in read(tmp_path, "site/teams/neder-betuwe/index.html")


def test_check_warns_about_a_team_missing_from_teams_yaml(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({"content/teams.yaml": TEAMS_YAML.split("neder-betuwe:")[0]}))

    result = run(["check", "--now", AFTER], tmp_path)

    assert result.exit_code == 0
    assert any("neder-betuwe" in w for w in result.diagnostics("warning"))


HOSTILE_CONTENT: dict[str, dict[str, str | bytes]] = {
    "not utf-8": {post_path("zevenaar", "2100-bin.md"): b"\xff\xfe\x00 bad bytes"},
    "corrupt photo": {post_path("zevenaar", "2100-foto.jpg"): b"not a jpeg at all"},
    "truncated photo": {
        post_path("zevenaar", "2100-foto.md"): "Foto.\n",
        post_path("zevenaar", "2100-foto.jpg"): jpeg("2026:10:24 21:00:00")[:200],
    },
    "unclosed front matter": {post_path("zevenaar", "2100-open.md"): "---\ntitle: x\n"},
    "front matter list": {post_path("zevenaar", "2100-lijst.md"): "---\n- a\n- b\n---\nx\n"},
    "empty post": {post_path("zevenaar", "2100-leeg.md"): ""},
    "photos not a list": {post_path("zevenaar", "2100-f.md"): "---\nphotos: 12\n---\nx\n"},
    "missing photo": {
        post_path("zevenaar", "2100-f.md"): "---\nphotos:\n  - file: weg.jpg\n---\nx\n"
    },
    "bad blur": {
        post_path("zevenaar", "2100-f.md"): (
            "---\nphotos:\n  - file: 2100-f.jpg\n    alt: Foto\n    blur: [a, b]\n---\nx\n"
        ),
        post_path("zevenaar", "2100-f.jpg"): jpeg(),
    },
    "shift.yaml is a list": {f"content/{SHIFT}/shift.yaml": "- title\n- start\n"},
    "shift.yaml without end": {
        f"content/{SHIFT}/shift.yaml": "title: X\nstart: 2026-10-24 19:00\n"
    },
    "shift ends before it starts": {
        f"content/{SHIFT}/shift.yaml": "title: X\nstart: 2026-10-24 19:00\nend: 2026-10-24 18:00\n"
    },
    "bad order": {f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "order: random\n"},
    "bad delay": {f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "delay: soms\n"},
    "teams.yaml broken": {"content/teams.yaml": "zevenaar: [\n"},
    "team colour not hex": {"content/teams.yaml": "zevenaar:\n  name: Z\n  color: blue\n"},
    "uppercase team folder": {f"content/{SHIFT}/Zevenaar Oost/1900-x.md": "x\n"},
}


@pytest.mark.parametrize("case", sorted(HOSTILE_CONTENT))
def test_broken_content_is_an_error_line_never_a_traceback(
    tmp_path: Path, run: Run, case: str
) -> None:
    make_site(tmp_path, site_files(HOSTILE_CONTENT[case]))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = result.diagnostics("error")
    assert errors, result.stderr
    assert all(e.startswith("content/") for e in errors), errors
    assert (tmp_path / "site" / "index.html").is_file()


def test_a_missing_content_folder_is_one_clear_line(tmp_path: Path, run: Run) -> None:
    result = run(["build", "--content", "nergens", "--now", AFTER], tmp_path)

    assert result.exit_code in (1, 2)
    assert "nergens" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "site").exists()
