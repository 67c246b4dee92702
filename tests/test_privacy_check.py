"""Text warnings in `check` and `build` (docs/privacy.md, "Text warnings"): one line each with
the matched text and the real line of the file; `--strict` fails; `privacy: {ok: …}`
acknowledges; site.yaml's allowed numbers are left alone; the output does not change."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import AFTER, SITE_YAML, Run, contents, make_site, post_path, site_files

POST = post_path("zevenaar", "2115-aanhouding.md")
TEXT = (
    "---\n"
    "title: Aanhouding bij 06-12345678\n"
    "photos:\n"
    "  - file: 2115-aanhouding.jpg\n"
    "    alt: Een auto met kenteken GB-123-H\n"
    "---\n"
    "Aanhouding op de Dorpsstraat 12a.\n"
    "\n"
    "Vragen? Mail jan@example.nl, of bel 112 of 0900-8844.\n"
)


def _site(tmp_path: Path, text: str = TEXT, site_yaml: str = SITE_YAML) -> Path:
    from tests.conftest import jpeg

    files = site_files(
        {
            POST: text,
            post_path("zevenaar", "2115-aanhouding.jpg"): jpeg(),
            "content/site.yaml": site_yaml,
        }
    )
    return make_site(tmp_path, files)


def test_check_warns_with_the_line_and_the_text(tmp_path: Path, run: Run) -> None:
    root = _site(tmp_path)
    result = run(["check", "--now", AFTER], root)
    assert result.exit_code == 0
    assert sorted(result.diagnostics("warning")) == sorted(
        [
            f'{POST}:2: warning: possible phone number "06-12345678" (privacy)',
            f'{POST}:5: warning: possible licence plate "GB-123-H" (privacy)',
            f'{POST}:7: warning: possible street and house number "Dorpsstraat 12a" (privacy)',
            f'{POST}:9: warning: possible e-mail address "jan@example.nl" (privacy)',
        ]
    )
    assert run(["check", "--now", AFTER, "--strict"], root).exit_code == 1


def test_acknowledged_post_is_quiet(tmp_path: Path, run: Run) -> None:
    text = TEXT.replace("---\ntitle", '---\nprivacy:\n  ok: "Nummer van de wijkpost"\ntitle', 1)
    result = run(["check", "--now", AFTER, "--strict"], _site(tmp_path, text))
    assert result.exit_code == 0, result.stderr
    assert result.diagnostics("warning") == []


def test_acknowledgement_without_a_reason_is_an_error(tmp_path: Path, run: Run) -> None:
    for ack, line in (("privacy: ok\n", 2), ("privacy:\n  ok:\n", 3), ("privacy: {ok: ' '}\n", 2)):
        root = _site(
            tmp_path / str(line) / ack[9:11].strip(), TEXT.replace("---\n", "---\n" + ack, 1)
        )
        result = run(["check", "--now", AFTER], root)
        assert result.exit_code == 1
        (error,) = result.diagnostics("error")
        assert error.startswith(f"{POST}:{line}: error: privacy: needs the reason"), error


def test_allowed_numbers_from_site_yaml(tmp_path: Path, run: Run) -> None:
    site_yaml = SITE_YAML + "privacy:\n  allowed_numbers: ['+31 6 1234 5678']\n"
    result = run(["check", "--now", AFTER], _site(tmp_path, site_yaml=site_yaml))
    assert not any("phone number" in line for line in result.diagnostics("warning"))
    assert len(result.diagnostics("warning")) == 3


def test_the_sites_own_phones_are_allowed_numbers(tmp_path: Path, run: Run) -> None:
    """A number the site shows on every page (site.yaml `phones:`) is no one's private one."""
    site_yaml = SITE_YAML + "phones:\n  - label: Wijkteam\n    number: '+31 6 1234 5678'\n"
    result = run(["check", "--now", AFTER], _site(tmp_path, site_yaml=site_yaml))
    assert not any("phone number" in line for line in result.diagnostics("warning"))
    assert len(result.diagnostics("warning")) == 3


def test_bad_allowed_numbers_are_a_site_error(tmp_path: Path, run: Run) -> None:
    site_yaml = SITE_YAML + "privacy:\n  allowed_numbers: [bel mij]\n  allowed: []\n"
    result = run(["check", "--now", AFTER], _site(tmp_path, site_yaml=site_yaml))
    assert result.exit_code == 1
    assert any("allowed_numbers: must be a list of phone numbers" in e for e in result.lines())


def test_warnings_do_not_change_the_output(tmp_path: Path, run: Run) -> None:
    warned = _site(tmp_path / "a")
    acked = _site(
        tmp_path / "b", TEXT.replace("---\ntitle", "---\nprivacy: {ok: bewust}\ntitle", 1)
    )
    for root in (warned, acked):
        assert run(["build", "--now", AFTER], root).exit_code == 0
    assert contents(warned / "site") == contents(acked / "site")


def test_a_misspelt_acknowledgement_acknowledges_nothing(tmp_path: Path, run: Run) -> None:
    text = TEXT.replace("---\ntitle", "---\nprivasy: {ok: bewust}\ntitle", 1)
    result = run(["check", "--now", AFTER], _site(tmp_path, text))
    warnings = result.diagnostics("warning")
    assert f"{POST}:2: warning: unknown key 'privasy'" in warnings[0]
    assert sum("(privacy)" in w for w in warnings) == 4
