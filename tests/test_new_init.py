"""`followshift new` and `followshift init`, through the command line.

Every `new` passes `--now` (or SOURCE_DATE_EPOCH), so the file names never depend on the clock of
the machine; what a post becomes is checked by building it with the real `followshift build`.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
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
    snapshot,
)

from followshift.cli import main
from followshift.commands import new as commands_new
from followshift.content.frontmatter import split_front_matter

NOW = "2026-10-24T21:07"
STAMP = "---\ntime: 21:07:00\n---\n"  # what `new` writes first: the time, to the second
TEAM_DIR = f"content/{SHIFT}/zevenaar"


def run_with_input(args: list[str], cwd: Path, stdin: str) -> Outcome:
    """Like the `run` fixture, with text on stdin."""
    with contextlib.chdir(cwd):
        result = CliRunner().invoke(
            main,
            args,
            input=stdin,
            env={"SOURCE_DATE_EPOCH": None, "EDITOR": None, "VISUAL": None},
            catch_exceptions=False,
        )
    return Outcome(result.exit_code, result.stdout, result.stderr)


def new(run: Run, root: Path, *args: str, now: str | None = NOW) -> Outcome:
    extra = ["--now", now] if now else []
    return run(["new", SHIFT, "zevenaar", *args, *extra], root)


def written(outcome: Outcome, root: Path) -> Path:
    """The path `new` printed on stdout (alone on its line), checked to exist."""
    assert outcome.exit_code == 0, outcome.stderr
    lines = outcome.stdout.splitlines()
    assert len(lines) == 1, outcome.stdout
    path = root / lines[0]
    assert path.is_file()
    return path


def front_matter(path: Path) -> dict[str, object]:
    return dict(split_front_matter(path.read_text(encoding="utf-8")).meta)


def build(run: Run, root: Path, now: str = AFTER) -> Outcome:
    outcome = run(["build", "--now", now], root)
    assert outcome.exit_code == 0, outcome.stderr
    return outcome


def post_page(root: Path, stem: str, team: str = "zevenaar") -> str:
    return read(root, f"site/{SHIFT}/{team}/{stem}/index.html")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_site(tmp_path, site_files())


# --- time stamping and naming -----------------------------------------------------------------


def test_argument_text_is_stamped_with_now(run: Run, root: Path) -> None:
    outcome = new(run, root, "Verkeerscontrole op de A12 bij Duiven.")
    path = written(outcome, root)
    assert path == root / post_path("zevenaar", "2107-verkeerscontrole-op-de-a12-bij-duiven.md")
    assert path.read_text(encoding="utf-8") == STAMP + "Verkeerscontrole op de A12 bij Duiven.\n"
    assert outcome.stderr == ""
    build(run, root)
    page = post_page(root, path.stem)
    assert '<time datetime="2026-10-24T21:07:00+02:00">21:07</time>' in page


def test_now_in_utc_is_stamped_in_the_site_time_zone(run: Run, root: Path) -> None:
    path = written(new(run, root, "Rustig.", now="2026-10-24T19:07+00:00"), root)
    assert path.name == "2107-rustig.md"


def test_the_site_time_zone_is_used(run: Run, root: Path) -> None:
    make_site(root, {"content/site.yaml": SITE_YAML + "timezone: Europe/London\n"})
    path = written(new(run, root, "Rustig.", now="2026-10-24T19:07+00:00"), root)
    assert path.name == "2007-rustig.md"


def test_a_broken_time_zone_is_a_content_error(run: Run, root: Path) -> None:
    make_site(root, {"content/site.yaml": "timezone: Mars/Base\n"})
    before = snapshot(root)
    outcome = new(run, root, "Tekst.")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("error: content/site.yaml:1: timezone:")
    assert snapshot(root) == before


def test_source_date_epoch_is_the_clock_too(run: Run, root: Path) -> None:
    # 2026-10-24T19:30:00Z is 21:30 in Amsterdam (summer time).
    outcome = run(
        ["new", SHIFT, "zevenaar", "Koffie."], root, env={"SOURCE_DATE_EPOCH": "1792870200"}
    )
    assert written(outcome, root).name == "2130-koffie.md"


def test_time_option_names_the_file(run: Run, root: Path) -> None:
    path = written(new(run, root, "Later geschreven.", "--time", "20:45"), root)
    assert path.name == "2045-later-geschreven.md"
    assert "time" not in front_matter(path)
    build(run, root)
    assert '<time datetime="2026-10-24T20:45:00+02:00">' in post_page(root, path.stem)


def test_time_after_midnight_lands_on_the_next_day(run: Run, root: Path) -> None:
    path = written(new(run, root, "Nachtronde.", "--time", "0140"), root)
    assert path.name == "0140-nachtronde.md"
    build(run, root)
    assert '<time datetime="2026-10-25T01:40:00+02:00">' in post_page(root, path.stem)


def test_bad_time_is_a_usage_error(run: Run, root: Path) -> None:
    before = snapshot(root)
    outcome = new(run, root, "Tekst.", "--time", "25:10")
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("error: --time:")
    assert snapshot(root) == before


def test_slug_takes_the_first_words_and_stays_short(run: Run, root: Path) -> None:
    text = (
        "Op de **Markt** in [Zevenaar](https://www.example.nl/zevenaar) staan we nu met heel "
        "veel collega's."
    )
    path = written(new(run, root, text), root)
    assert path.name == "2107-op-de-markt-in-zevenaar-staan.md"
    long_title = "Een heel erg lange titel " * 6
    path = written(new(run, root, "x", "--title", long_title), root)
    slug = path.stem.removeprefix("2107-")
    assert len(slug) <= 50 and not slug.endswith("-")
    assert slug.startswith("een-heel-erg-lange-titel-een")


def test_a_post_without_words_is_a_bericht(run: Run, root: Path) -> None:
    assert written(new(run, root, "👍 !!"), root).name == "2107-bericht.md"


def test_the_doubled_hour_gets_a_time_with_offset(run: Run, root: Path) -> None:
    # The night summer time ends: 02:30 happens at +02:00 and again at +01:00.
    first = written(new(run, root, "Eerste keer.", now="2026-10-25T02:30+02:00"), root)
    second = written(new(run, root, "Tweede keer.", now="2026-10-25T02:30+01:00"), root)
    assert first.name.startswith("0230-") and second.name.startswith("0230-")
    assert front_matter(first)["time"] == "2026-10-25T02:30:00+02:00"
    assert front_matter(second)["time"] == "2026-10-25T02:30:00+01:00"
    outcome = build(run, root)
    assert "0230" not in outcome.stderr  # no "occurs twice" warning: the offset says which


# --- where the text comes from --------------------------------------------------------------


def test_text_from_stdin(root: Path) -> None:
    outcome = run_with_input(
        ["new", SHIFT, "zevenaar", "--now", NOW], root, "Uit een script.\r\nTweede regel.\n"
    )
    path = written(outcome, root)
    assert path.name == "2107-uit-een-script-tweede-regel.md"
    assert path.read_text(encoding="utf-8") == STAMP + "Uit een script.\nTweede regel.\n"


def test_dash_reads_stdin(root: Path) -> None:
    outcome = run_with_input(["new", SHIFT, "zevenaar", "-", "--now", NOW], root, "Via stdin.")
    assert written(outcome, root).read_text(encoding="utf-8") == STAMP + "Via stdin.\n"


def test_empty_stdin_and_nothing_else_is_nothing_to_post(root: Path) -> None:
    before = snapshot(root)
    outcome = run_with_input(["new", SHIFT, "zevenaar", "--now", NOW], root, "  \n")
    assert outcome.exit_code == 2
    assert "nothing to post" in outcome.stderr
    assert outcome.stdout == ""
    assert snapshot(root) == before


def test_title_only_from_empty_stdin_is_a_post(root: Path, run: Run) -> None:
    outcome = run_with_input(["new", SHIFT, "zevenaar", "--title", "Pauze", "--now", NOW], root, "")
    path = written(outcome, root)
    assert path.read_text(encoding="utf-8") == '---\ntime: 21:07:00\ntitle: "Pauze"\n---\n'
    assert "nothing" not in build(run, root).stderr


def _editor(tmp_path: Path) -> str:
    script = tmp_path / "fake-editor.sh"
    script.write_text('#!/bin/sh\nprintf "Geschreven in de editor.\\n" > "$1"\n', encoding="utf-8")
    script.chmod(0o755)
    return str(script)


@pytest.mark.skipif(sys.platform == "win32", reason="the fake editor is a POSIX shell script")
def test_text_from_editor_on_a_terminal(
    run: Run, root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(commands_new, "_stdin_is_terminal", lambda: True)
    outcome = run(
        ["new", SHIFT, "zevenaar", "--now", NOW],
        root,
        env={"EDITOR": _editor(tmp_path), "VISUAL": None},
    )
    path = written(outcome, root)
    assert path.name == "2107-geschreven-in-de-editor.md"
    assert path.read_text(encoding="utf-8") == STAMP + "Geschreven in de editor.\n"


@pytest.mark.skipif(sys.platform == "win32", reason="the fake editor is a POSIX shell script")
def test_edit_flag_opens_the_editor_without_a_terminal(
    run: Run, root: Path, tmp_path: Path
) -> None:
    outcome = run(
        ["new", SHIFT, "zevenaar", "--edit", "--title", "Uit de editor", "--now", NOW],
        root,
        env={"EDITOR": _editor(tmp_path), "VISUAL": None},
    )
    path = written(outcome, root)
    assert path.name == "2107-uit-de-editor.md"
    assert path.read_text(encoding="utf-8").endswith("---\nGeschreven in de editor.\n")


# --- front matter ---------------------------------------------------------------------------


TRICKY = 'Let op: "gladheid" & <b>ijzel</b> #A12 \\ {x} [y] 🚔'


def test_title_and_author_round_trip_through_a_build(run: Run, root: Path) -> None:
    path = written(
        new(run, root, "Rijd voorzichtig.", "--title", TRICKY, "--author", "Agent #1: Bo"),
        root,
    )
    assert path.name == "2107-let-op-gladheid-b-ijzel-b-a12-x-y.md"
    meta = front_matter(path)
    assert meta == {"time": "21:07:00", "title": TRICKY, "author": "Agent #1: Bo"}
    build(run, root)
    page = post_page(root, path.stem)
    heading = re.search(r'<h1 class="post-title">(.*?)</h1>', page)
    assert heading and html.unescape(heading[1]) == TRICKY
    assert "<b>ijzel</b>" not in page
    assert '<time datetime="2026-10-24T21:07:00+02:00">21:07</time>' in page
    shift_page = read(root, f"site/{SHIFT}/index.html")
    assert f'id="zevenaar--{path.stem}"' in shift_page


def test_text_with_its_own_front_matter_gets_the_given_keys(run: Run, root: Path) -> None:
    text = "---\npinned: true\n---\nEen aanhouding.\n"
    args = ["new", SHIFT, "zevenaar", "--title", "Aanhouding", "--now", NOW]
    path = written(run_with_input(args, root, text), root)
    assert path.name == "2107-aanhouding.md"
    assert front_matter(path) == {"pinned": True, "time": "21:07:00", "title": "Aanhouding"}
    assert split_front_matter(path.read_text(encoding="utf-8")).body == "Een aanhouding.\n"
    assert "0 errors" in build(run, root).stderr


def test_a_key_given_twice_is_refused(root: Path) -> None:
    args = ["new", SHIFT, "zevenaar", "--title", "Twee", "--now", NOW]
    outcome = run_with_input(args, root, "---\ntitle: Een\n---\nTekst.\n")
    assert outcome.exit_code == 2
    assert "already has title:" in outcome.stderr


# --- photos ---------------------------------------------------------------------------------


def test_photos_are_copied_with_matching_names(run: Run, root: Path, tmp_path: Path) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    first, second = phone / "IMG_0001.JPG", phone / "IMG_0002.jpeg"
    first.write_bytes(jpeg(size=(64, 48)))
    second.write_bytes(jpeg(size=(40, 30)))
    outcome = new(
        run,
        root,
        "Controle bij de brug.",
        "--photo",
        str(first),
        "--alt",
        'Agent bij een "brug"',
        "--photo",
        str(second),
        "--alt",
        "Een auto",
    )
    path = written(outcome, root)
    stem = path.stem
    assert stem == "2107-controle-bij-de-brug"
    copies = [path.with_name(f"{stem}.jpg"), path.with_name(f"{stem}-2.jpeg")]
    assert [c.read_bytes() for c in copies] == [first.read_bytes(), second.read_bytes()]
    assert front_matter(path)["photos"] == [
        {"file": f"{stem}.jpg", "alt": 'Agent bij een "brug"'},
        {"file": f"{stem}-2.jpeg", "alt": "Een auto"},
    ]
    assert first.exists() and second.exists()  # copied, not moved
    outcome = build(run, root)
    assert "0 errors, 0 warnings" in outcome.stderr
    page = post_page(root, stem)
    assert (
        'alt="Agent bij een &#34;brug&#34;"' in page
        or 'alt="Agent bij een &quot;brug&quot;"' in page
    )


def test_a_photo_without_alt_warns(run: Run, root: Path, tmp_path: Path) -> None:
    photo = tmp_path / "foto.png"
    photo.write_bytes(jpeg())  # a JPEG named .png: the build reads what it is, not its name
    outcome = new(run, root, "--photo", str(photo))
    path = written(outcome, root)
    assert path.name == "2107-bericht.md"
    assert path.with_name("2107-bericht.png").is_file()
    assert "warning: photo foto.png has no alt text" in outcome.stderr
    assert front_matter(path) == {"time": "21:07:00", "photos": [{"file": "2107-bericht.png"}]}


@pytest.mark.parametrize(
    ("name", "message"), [("notes.txt", "is not a photo"), ("missing.jpg", "does not exist")]
)
def test_bad_photos_are_refused(
    run: Run, root: Path, tmp_path: Path, name: str, message: str
) -> None:
    if name != "missing.jpg":
        (tmp_path / name).write_text("x", encoding="utf-8")
    before = snapshot(root)
    outcome = new(run, root, "Tekst.", "--photo", str(tmp_path / name))
    assert outcome.exit_code == 2
    assert message in outcome.stderr
    assert snapshot(root) == before


def test_more_alts_than_photos_is_a_usage_error(run: Run, root: Path) -> None:
    outcome = new(run, root, "Tekst.", "--alt", "Een foto")
    assert outcome.exit_code == 2
    assert "--alt" in outcome.stderr


# --- never overwrite ------------------------------------------------------------------------


def test_the_same_minute_twice_gives_a_second_name(run: Run, root: Path) -> None:
    first = written(new(run, root, "Bericht een.", "--title", "Controle"), root)
    original = first.read_bytes()
    outcome = new(run, root, "Bericht twee.", "--title", "Controle")
    second = written(outcome, root)
    assert (first.name, second.name) == ("2107-controle.md", "2107-controle-2.md")
    assert "note: 2107-controle.md is taken" in outcome.stderr
    assert first.read_bytes() == original
    third = written(new(run, root, "Bericht drie.", "--title", "Controle"), root)
    assert third.name == "2107-controle-3.md"
    outcome = build(run, root)
    assert "0 errors" in outcome.stderr


def test_existing_files_and_their_photos_are_never_touched(
    run: Run, tmp_path: Path, root: Path
) -> None:
    # A post with two photos, and a lone phone photo whose name the new post would take.
    make_site(
        root,
        {
            f"{TEAM_DIR}/2107-controle.md": "Eerste.\n",
            f"{TEAM_DIR}/2107-controle.jpg": jpeg(size=(20, 20)),
            f"{TEAM_DIR}/2107-controle-2.jpg": jpeg(size=(21, 21)),
            f"{TEAM_DIR}/2107-brug.jpg": jpeg(size=(22, 22)),
        },
    )
    before = snapshot(root / "content")
    photo = tmp_path / "nieuw.jpg"
    photo.write_bytes(jpeg(size=(30, 30)))
    one = written(new(run, root, "Tweede.", "--title", "Controle", "--photo", str(photo)), root)
    two = written(
        new(run, root, "Derde.", "--title", "Brug", "--alt", "x", "--photo", str(photo)), root
    )
    # -2 is a photo of the first post, so the new one is -3; the lone photo keeps its name.
    assert one.name == "2107-controle-3.md"
    assert one.with_name("2107-controle-3.jpg").read_bytes() == photo.read_bytes()
    assert two.name == "2107-brug-2.md"
    after = snapshot(root / "content")
    assert {k: v for k, v in after.items() if k in before} == before
    assert "0 errors" in build(run, root).stderr


def test_a_file_created_meanwhile_is_not_overwritten(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race: the name looked free, but someone wrote it before us."""
    from followshift.scaffold import names

    team = root / TEAM_DIR
    real_taken = names._taken

    def racing(stem: str, folder: Path) -> bool:
        free = not real_taken(stem, folder)
        if free and stem == "2107-race":
            (folder / f"{stem}.md").write_text("Van iemand anders.\n", encoding="utf-8")
        return not free

    monkeypatch.setattr(names, "_taken", racing)
    outcome = run_with_input(
        ["new", SHIFT, "zevenaar", "Van mij.", "--title", "Race", "--now", NOW], root, ""
    )
    assert written(outcome, root).name == "2107-race-2.md"
    assert (team / "2107-race.md").read_text(encoding="utf-8") == "Van iemand anders.\n"


# --- shifts and teams -----------------------------------------------------------------------


def test_unknown_shift_lists_the_known_ones(run: Run, root: Path) -> None:
    make_site(root, {"content/2026-12-12-volgdienst/shift.yaml": "title: x\n"})
    before = snapshot(root)
    outcome = run(["new", "2026-10-24-megavolgdiens", "zevenaar", "Tekst.", "--now", NOW], root)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    [line] = outcome.stderr.splitlines()
    assert line.startswith("error: unknown shift '2026-10-24-megavolgdiens'")
    assert f"did you mean '{SHIFT}'" in line
    assert f"known shifts: {SHIFT}, 2026-12-12-volgdienst" in line
    assert snapshot(root) == before


def test_a_folder_without_shift_yaml_is_not_a_shift(run: Run, root: Path) -> None:
    (root / "content" / "avatars").mkdir()
    outcome = run(["new", "avatars", "zevenaar", "Tekst.", "--now", NOW], root)
    assert outcome.exit_code == 2
    assert "unknown shift 'avatars'" in outcome.stderr


def test_missing_content_folder(run: Run, tmp_path: Path) -> None:
    outcome = run(["new", SHIFT, "zevenaar", "Tekst.", "--now", NOW], tmp_path)
    assert outcome.exit_code == 2
    assert "no content folder" in outcome.stderr


def test_content_option(run: Run, tmp_path: Path) -> None:
    make_site(tmp_path / "elders", site_files())
    outcome = run(
        ["new", SHIFT, "zevenaar", "Hier.", "--content", "elders/content", "--now", NOW], tmp_path
    )
    assert written(outcome, tmp_path) == tmp_path / "elders" / post_path("zevenaar", "2107-hier.md")


@pytest.mark.parametrize(
    ("team", "slug"), [("Zevenaar", "zevenaar"), ("Neder Betuwe", "neder-betuwe")]
)
def test_a_team_must_be_an_id(run: Run, root: Path, team: str, slug: str) -> None:
    before = snapshot(root)
    outcome = run(["new", SHIFT, team, "Tekst.", "--now", NOW], root)
    assert outcome.exit_code == 2
    assert f"e.g. '{slug}'" in outcome.stderr
    assert snapshot(root) == before


def test_path_like_team_is_refused(run: Run, root: Path) -> None:
    outcome = run(["new", SHIFT, "../zevenaar", "Tekst.", "--now", NOW], root)
    assert outcome.exit_code == 2
    assert not (root / "content" / "zevenaar").exists()


def test_a_new_team_gets_a_folder_and_a_warning(run: Run, root: Path) -> None:
    outcome = run(["new", SHIFT, "zevenar", "Tekst.", "--now", NOW], root)
    path = written(outcome, root)
    assert path == root / post_path("zevenar", "2107-tekst.md")
    assert "warning: team 'zevenar' is not in teams.yaml (did you mean 'zevenaar'?)" in (
        outcome.stderr
    )


def test_a_time_outside_the_shift_warns(run: Run, root: Path) -> None:
    outcome = new(run, root, "Een week later.", now="2026-10-31T21:07")
    written(outcome, root)
    assert "outside shift" in outcome.stderr


# --- init -----------------------------------------------------------------------------------


def test_init_then_build_has_no_errors_or_warnings(run: Run, tmp_path: Path) -> None:
    outcome = run(["init", "mijn-site", "--now", "2026-11-06T10:00"], tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    assert "cd mijn-site && followshift build" in outcome.stdout
    site = tmp_path / "mijn-site"
    shift = "2026-11-06-volgdienst"
    assert (site / "content" / shift / "shift.yaml").is_file()
    gitignore = (site / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in gitignore and ".followshift-cache/" in gitignore
    built = run(["build", "--strict", "--now", "2026-11-06T23:00"], site)
    assert built.exit_code == 0, built.stderr
    assert built.lines() == [built.lines()[-1]]  # the summary only
    assert "3 posts public" in built.stderr and "0 errors, 0 warnings" in built.stderr
    timeline = read(site, f"site/{shift}/index.html")
    assert 'alt="Tekening van een witte politieauto' in timeline
    # and an officer can post into it straight away
    posted = run(
        ["new", shift, "voorbeeld", "Eerste echte bericht.", "--now", "2026-11-06T22:10"], site
    )
    assert written(posted, site).name == "2210-eerste-echte-bericht.md"


def test_init_with_the_real_clock_builds_cleanly(run: Run, tmp_path: Path) -> None:
    outcome = run(["init", "site-van-vandaag"], tmp_path)
    assert outcome.exit_code == 0, outcome.stderr
    built = run(["build", "--strict"], tmp_path / "site-van-vandaag")
    assert built.exit_code == 0, built.stderr
    assert "0 errors, 0 warnings" in built.stderr


def test_init_into_an_empty_folder_or_a_fresh_git_repository(run: Run, tmp_path: Path) -> None:
    (tmp_path / "leeg").mkdir()
    assert run(["init", "leeg", "--now", NOW], tmp_path).exit_code == 0
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert run(["init", "repo", "--now", NOW], tmp_path).exit_code == 0
    assert (tmp_path / "repo" / "content" / "site.yaml").is_file()


def test_init_refuses_a_non_empty_folder(run: Run, tmp_path: Path) -> None:
    target = make_site(tmp_path / "bestaand", {"notities.txt": "van mij\n"})
    before = snapshot(target)
    outcome = run(["init", "bestaand", "--now", NOW], tmp_path)
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("error: bestaand is not empty")
    assert snapshot(target) == before
    assert sorted(os.listdir(target)) == ["notities.txt"]


def test_init_refuses_a_file(run: Run, tmp_path: Path) -> None:
    (tmp_path / "bestand").write_text("x", encoding="utf-8")
    outcome = run(["init", "bestand"], tmp_path)
    assert outcome.exit_code == 2
    assert (tmp_path / "bestand").read_text(encoding="utf-8") == "x"
