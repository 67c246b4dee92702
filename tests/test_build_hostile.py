"""Hostile input is contained: safe YAML, sanitised Markdown, photos confined to their shift."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from conftest import (
    AFTER,
    SHIFT,
    SITE_YAML,
    Outcome,
    Run,
    jpeg,
    make_site,
    post_path,
    read,
    site_files,
)


def build_with_post(tmp_path: Path, run: Run, name: str, text: str) -> Outcome:
    make_site(tmp_path, site_files({post_path("zevenaar", name): text}))
    return run(["build", "--now", AFTER], tmp_path)


def test_a_python_object_tag_in_front_matter_is_an_error_and_never_runs(
    tmp_path: Path, run: Run
) -> None:
    marker = tmp_path / "pwned"
    text = f'---\ntitle: x\ntime: !!python/object/apply:os.system ["touch {marker}"]\n---\nx\n'

    result = build_with_post(tmp_path, run, "2100-tag.md", text)

    assert not marker.exists()
    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1
    assert errors[0].startswith(f"content/{SHIFT}/zevenaar/2100-tag.md:3: error: ")
    assert "Traceback" not in result.stderr
    assert (tmp_path / "site" / SHIFT / "index.html").is_file()


def test_a_python_object_tag_in_site_yaml_is_an_error_and_never_runs(
    tmp_path: Path, run: Run
) -> None:
    marker = tmp_path / "pwned"
    site_yaml = SITE_YAML + f'description: !!python/object/apply:os.system ["touch {marker}"]\n'
    make_site(tmp_path, site_files({"content/site.yaml": site_yaml}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert not marker.exists()
    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert any(e.startswith("content/site.yaml:3: error: ") for e in errors), errors
    assert not (tmp_path / "site").exists()


def test_a_duplicate_key_is_an_error_on_the_line_of_the_second(tmp_path: Path, run: Run) -> None:
    text = "---\ntime: 21:00\ntitle: Een\ntime: 22:00\n---\nTwee keer tijd.\n"

    result = build_with_post(tmp_path, run, "dubbel.md", text)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1
    assert errors[0].startswith(f"content/{SHIFT}/zevenaar/dubbel.md:4: error: ")
    assert "duplicate" in errors[0] and "time" in errors[0]
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "dubbel").exists()


def test_a_duplicate_key_in_shift_yaml_is_an_error(tmp_path: Path, run: Run) -> None:
    shift = "title: A\nstart: 2026-10-24 19:00\nend: 2026-10-25 03:00\ntitle: B\n"
    make_site(tmp_path, site_files({f"content/{SHIFT}/shift.yaml": shift}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    assert result.diagnostics("error")[0].startswith(f"content/{SHIFT}/shift.yaml:4: error: ")


MARKDOWN_ATTACKS = """\
Gewone tekst.

<script>alert("xss-script")</script>

<img src="x.png" onerror="alert('xss-img')">

<a href="#" onclick="alert('xss-click')">klik</a>

[link](javascript:alert('xss-link'))

<a href="JaVaScRiPt:alert('xss-mixed')">mixed</a>

[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

<iframe src="https://evil.example/"></iframe>

<style>body{display:none}</style>

<div style="position:fixed">stijl</div>
"""


def test_scripts_event_handlers_and_dangerous_links_are_removed(tmp_path: Path, run: Run) -> None:
    result = build_with_post(tmp_path, run, "2100-aanval.md", MARKDOWN_ATTACKS)

    assert result.exit_code == 0, result.stderr
    for page in (
        read(tmp_path, f"site/{SHIFT}/zevenaar/2100-aanval/index.html"),
        read(tmp_path, f"site/{SHIFT}/index.html"),
        read(tmp_path, f"site/{SHIFT}/zevenaar/index.html"),
    ):
        assert "Gewone tekst." in page
        assert "alert(" not in page
        lowered = page.lower()
        for needle in ("onerror", "onclick", "javascript:", "data:text", "<iframe"):
            assert needle not in lowered, needle
        # The theme's own images (logo, team avatars) are fine; none comes from the post.
        bodies = re.findall(r'<div class="post-body">(.*?)</div>', page, re.S)
        assert bodies and all("<img" not in body.lower() for body in bodies)
        assert "display:none" not in page
        assert 'style="' not in page


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings_publish_the_same_page(
    tmp_path: Path, run: Run, newline: str
) -> None:
    text = "---\ntitle: Markt\n---\nEerste regel  \nmet een harde breuk.\n\n- een\n- twee\n"
    unix = build_with_post(tmp_path / "unix", run, "2100-markt.md", text)
    other = build_with_post(tmp_path / "other", run, "2100-markt.md", text.replace("\n", newline))

    assert (unix.exit_code, other.exit_code) == (0, 0), other.stderr
    page = f"site/{SHIFT}/zevenaar/2100-markt/index.html"
    assert read(tmp_path / "other", page) == read(tmp_path / "unix", page)
    assert "<br" in read(tmp_path / "unix", page)


def test_a_post_that_is_not_utf8_is_an_error_of_its_own(tmp_path: Path, run: Run) -> None:
    ansi = "Café en één fiets.\n".encode("cp1252")  # saved by an old Windows editor
    make_site(tmp_path, site_files({post_path("zevenaar", "2100-ansi.md"): ansi}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    assert f"{post_path('zevenaar', '2100-ansi.md')}:1: error: not UTF-8 text" in result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "1915-weekmarkt" / "index.html").is_file()


def test_external_links_get_rel_noopener(tmp_path: Path, run: Run) -> None:
    text = "Lees meer op [politie.nl](https://www.politie.nl/nieuws) of bel 0900-8844.\n"

    result = build_with_post(tmp_path, run, "2100-link.md", text)

    assert result.exit_code == 0, result.stderr
    page = read(tmp_path, f"site/{SHIFT}/zevenaar/2100-link/index.html")
    assert '<a href="https://www.politie.nl/nieuws" rel="noopener">politie.nl</a>' in page


@pytest.mark.parametrize(
    "file",
    ["../../../etc/passwd", "/etc/passwd", "../../site.yaml", "../../../../../../../../etc/hosts"],
)
def test_a_photo_path_outside_the_shift_folder_is_an_error(
    tmp_path: Path, run: Run, file: str
) -> None:
    text = f"---\ntitle: Foto\nphotos:\n  - file: {file}\n    alt: Iets\n---\nTekst.\n"

    result = build_with_post(tmp_path, run, "2100-foto.md", text)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"content/{SHIFT}/zevenaar/2100-foto.md:4: error: ")
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2100-foto").exists()
    assert "root:" not in "".join(p.read_text("utf-8", "replace") for p in _files(tmp_path))


def test_a_photo_elsewhere_in_the_same_shift_is_allowed(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, {f"content/{SHIFT}/zevenaar/fotos/markt.jpg": jpeg()})
    text = "---\nphotos:\n  - file: ../zevenaar/fotos/markt.jpg\n    alt: De markt\n---\nTekst.\n"

    result = build_with_post(tmp_path, run, "2100-foto.md", text)

    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2100-foto" / "index.html").is_file()


def _symlink_or_skip(link: Path, target: Path) -> None:
    try:
        os.symlink(target, link)
    except (OSError, NotImplementedError) as exc:  # Windows without developer mode
        pytest.skip(f"symlinks not supported here: {exc}")


def test_a_same_stem_photo_that_is_a_symlink_out_of_the_shift_is_an_error(
    tmp_path: Path, run: Run
) -> None:
    secret = tmp_path / "elders" / "geheim.jpg"
    make_site(tmp_path, {"elders/geheim.jpg": jpeg("2026:10:24 21:00:00")})
    make_site(tmp_path, site_files({post_path("zevenaar", "2100-foto.md"): "Met foto.\n"}))
    _symlink_or_skip(tmp_path / post_path("zevenaar", "2100-foto.jpg"), secret)

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1, result.stderr
    assert "2100-foto" in errors[0]
    assert "outside" in errors[0]
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2100-foto").exists()


def test_a_listed_photo_that_is_a_symlink_out_of_the_shift_is_an_error(
    tmp_path: Path, run: Run
) -> None:
    secret = tmp_path / "elders" / "geheim.jpg"
    make_site(tmp_path, {"elders/geheim.jpg": jpeg()})
    text = "---\nphotos:\n  - file: link.jpg\n    alt: Iets\n---\nTekst.\n"
    make_site(tmp_path, site_files({post_path("zevenaar", "2100-foto.md"): text}))
    _symlink_or_skip(tmp_path / post_path("zevenaar", "link.jpg"), secret)

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert any(e.startswith(f"content/{SHIFT}/zevenaar/2100-foto.md:3: error: ") for e in errors)
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "2100-foto").exists()


def test_a_lone_photo_that_is_a_symlink_out_of_the_shift_is_an_error(
    tmp_path: Path, run: Run
) -> None:
    secret = tmp_path / "elders" / "geheim.jpg"
    make_site(tmp_path, {"elders/geheim.jpg": jpeg("2026:10:24 21:00:00")})
    make_site(tmp_path, site_files())
    _symlink_or_skip(tmp_path / post_path("zevenaar", "IMG_0001.jpg"), secret)

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    assert any("IMG_0001.jpg" in e for e in result.diagnostics("error"))
    assert not (tmp_path / "site" / SHIFT / "zevenaar" / "img-0001").exists()


def _files(root: Path) -> list[Path]:
    return [p for p in (root / "site").rglob("*") if p.is_file()]
