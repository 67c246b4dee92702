"""Site-level errors and --strict publish nothing and leave site/ exactly as it was."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import (
    AFTER,
    DURING,
    SHIFT,
    SITE_YAML,
    Run,
    make_site,
    post_path,
    read,
    site_files,
    snapshot,
)


@pytest.fixture
def built(site: Path, run: Run) -> Path:
    """The small site, built once at DURING; later builds use AFTER, which changes pages."""
    result = run(["build", "--now", DURING], site)
    assert result.exit_code == 0, result.stderr
    time.sleep(0.01)  # a rewrite would get a visibly different mtime
    return site


BROKEN_SITE_YAML = {
    "invalid yaml": "title: [Volgdienst\nbase_url: https://volgdienst.example.nl/\n",
    "bad timezone": SITE_YAML + "timezone: Europe/Amsterdm\n",
    "unsupported language": SITE_YAML + "language: fr\n",
    "relative base_url": "title: X\nbase_url: volgdienst.example.nl\n",
    "not a mapping": "- title\n- base_url\n",
    "bad image quality": SITE_YAML + "images:\n  quality: 500\n",
    "unknown theme": SITE_YAML + "theme: bestaat-niet\n",
}


@pytest.mark.parametrize("case", sorted(BROKEN_SITE_YAML))
def test_a_broken_site_yaml_publishes_nothing_and_leaves_site_byte_identical(
    built: Path, run: Run, case: str
) -> None:
    before = snapshot(built / "site")
    (built / "content" / "site.yaml").write_text(BROKEN_SITE_YAML[case], encoding="utf-8")

    result = run(["build", "--now", AFTER], built)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    errors = result.diagnostics("error")
    assert errors, result.stderr
    assert any(e.startswith("content/site.yaml") for e in errors), errors
    assert snapshot(built / "site") == before


def test_a_site_yaml_error_points_at_the_line_of_the_bad_setting(built: Path, run: Run) -> None:
    (built / "content" / "site.yaml").write_text(
        SITE_YAML + "timezone: Europe/Amsterdm\n", encoding="utf-8"
    )

    result = run(["build", "--now", AFTER], built)

    errors = result.diagnostics("error")
    assert any(
        e.startswith("content/site.yaml:3: error: ") and "Europe/Amsterdm" in e for e in errors
    ), errors
    assert "unchanged" in result.lines()[-1]


def test_a_broken_site_template_override_publishes_nothing(built: Path, run: Run) -> None:
    before = snapshot(built / "site")
    make_site(
        built,
        {"templates/shift.html": '{% extends "base.html" %}\n{% block content %}\n{% if %}\n'},
    )

    result = run(["build", "--now", AFTER], built)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    errors = result.diagnostics("error")
    assert any(e.startswith("templates/shift.html:3: error: ") for e in errors), result.stderr
    assert snapshot(built / "site") == before


def test_a_site_template_that_fails_while_rendering_publishes_nothing(
    built: Path, run: Run
) -> None:
    before = snapshot(built / "site")
    make_site(
        built,
        {
            "templates/post.html": (
                '{% extends "base.html" %}\n{% block content %}{{ post.no_such_thing.x }}'
                "{% endblock %}\n"
            )
        },
    )

    result = run(["build", "--now", AFTER], built)

    assert result.exit_code == 1
    assert "Traceback" not in result.stderr
    assert any("templates/post.html" in e for e in result.diagnostics("error")), result.stderr
    assert snapshot(built / "site") == before


def test_a_valid_site_template_override_is_used(site: Path, run: Run) -> None:
    make_site(
        site,
        {
            "templates/404.html": (
                '{% extends "base.html" %}\n{% block content %}'
                "<p>Deze pagina is van de eigen site.</p>{% endblock %}\n"
            )
        },
    )

    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    page = read(site, "site/404.html")
    assert "Deze pagina is van de eigen site." in page
    assert "Bij spoed: bel 112" in page  # the theme's base.html still wraps it


def test_a_site_template_override_wins_over_a_theme_kept_with_the_site(
    site: Path, run: Run
) -> None:
    make_site(
        site,
        {
            "content/site.yaml": SITE_YAML + "theme: eigen\n",
            "themes/eigen/templates/404.html": (
                '{% extends "base.html" %}{% block content %}<p>uit het thema</p>{% endblock %}\n'
            ),
            "templates/404.html": (
                '{% extends "base.html" %}{% block content %}<p>uit de site</p>{% endblock %}\n'
            ),
        },
    )

    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    page = read(site, "site/404.html")
    assert "uit de site" in page
    assert "uit het thema" not in page
    assert (site / "site" / SHIFT / "index.html").is_file()  # the rest falls back to default


def test_strict_publishes_nothing_when_there_is_a_warning(built: Path, run: Run) -> None:
    before = snapshot(built / "site")
    (built / "content" / "site.yaml").write_text(SITE_YAML + "kleur: blauw\n", encoding="utf-8")

    strict = run(["build", "--strict", "--now", AFTER], built)

    assert strict.exit_code == 1
    assert any("kleur" in w for w in strict.diagnostics("warning"))
    assert snapshot(built / "site") == before

    relaxed = run(["build", "--now", AFTER], built)

    assert relaxed.exit_code == 0
    assert snapshot(built / "site") != before


def test_strict_publishes_nothing_when_a_post_is_broken(built: Path, run: Run) -> None:
    before = snapshot(built / "site")
    make_site(built, {post_path("zevenaar", "2030-kapot.md"): "---\ntime: 99:99\n---\nx\n"})

    result = run(["build", "--strict", "--now", AFTER], built)

    assert result.exit_code == 1
    assert snapshot(built / "site") == before
    assert "unchanged" in result.lines()[-1]


def test_strict_on_a_fresh_site_creates_no_output_folder(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({"content/site.yaml": SITE_YAML + "kleur: blauw\n"}))

    result = run(["build", "--strict", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    assert not (tmp_path / "site").exists()


def test_strict_with_clean_content_publishes_and_exits_0(site: Path, run: Run) -> None:
    result = run(["build", "--strict", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    assert (site / "site" / SHIFT / "index.html").is_file()
