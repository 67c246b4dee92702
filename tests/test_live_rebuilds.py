"""The shortcuts `watch` takes to rebuild in time proportional to what changed, not to the site.

`watch` tells the read which paths changed (ReadCache.touch), so unchanged folders are not even
listed again; whole shifts whose posts did not change keep their Shift and view objects, and the
render memo keeps all their pages at once (PageMemo.group); the output folder is kept open
between rebuilds (Output.reopen). Each test here makes a change the way officers and the comms
team do — in an ENDED shift too, whose pages are the bulk of a big site and are skipped as a
whole — tells the state what changed exactly as the watcher would, and compares every byte with
a cold build.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DURING, SHIFT, jpeg, make_site, post_path, site_files

from followshift.build.pipeline import BuildOptions, BuildResult, build
from followshift.build.state import BuildCache
from followshift.content import readcache
from followshift.publish import manifest
from followshift.publish.local import Output
from followshift.publish.manifest import _manifest_bytes, _ManifestLines
from followshift.publish.model import DuplicateOutputError, OutputError
from followshift.render.memo import REUSED, PageMemo
from followshift.watch import OVERFLOW_LOGGER, Watcher, _Overflow

ENDED = "2026-10-10-volgdienst"
ENDED_YAML = """\
title: Volgdienst Arnhem
start: 2026-10-10 19:00
end: 2026-10-11 03:00
description: Een rustige avond.
"""
LATER = "2026-10-24T21:30"  # the live shift's scheduled post (21:10) is public by then


def ended_posts(n: int) -> dict[str, str]:
    """n posts in the ended shift, over three teams: more than one run of post pages."""
    files = {}
    for i in range(n):
        team = ("zevenaar", "neder-betuwe", "duiven")[i % 3]
        minute = 19 * 60 + i * 3
        name = f"{(minute // 60) % 24:02d}{minute % 60:02d}-bericht-{i:03d}.md"
        files[post_path(team, name, ENDED)] = f"Bericht nummer {i} van de avond.\n"
    return files


def two_shifts(root: Path) -> Path:
    files = site_files(ended_posts(150))
    files["content/site.yaml"] += "per_page: 10\n"
    files[f"content/{ENDED}/shift.yaml"] = ENDED_YAML
    files[post_path("zevenaar", "2110-gepland.md")] = "---\ntime: '21:10'\n---\nStraks.\n"
    return make_site(root, files)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def cold(root: Path, now: str) -> dict[str, bytes]:
    out = root / "cold"
    result = build(BuildOptions(content=root / "content", out=out, now=now), cache=BuildCache())
    assert result.published, result.diagnostics.items
    return tree(out)


class Live:
    """A site rebuilt the way `watch` rebuilds it: one BuildCache, told what changed."""

    def __init__(self, root: Path, now: str = DURING) -> None:
        self.root = root
        self.now = now
        self.cache = BuildCache.for_watch()
        assert self.rebuild().published

    def rebuild(self, *touched: str | Path, now: str | None = None) -> BuildResult:
        self.cache.touch(self.root / rel for rel in touched)  # absolute ones stay so
        options = BuildOptions(self.root / "content", self.root / "site", now or self.now)
        return build(options, cache=self.cache)

    def equals_cold(self, now: str | None = None) -> None:
        site = tree(self.root / "site")
        expected = cold(self.root, now or self.now)
        differing = sorted(
            p for p in site.keys() | expected.keys() if site.get(p) != expected.get(p)
        )
        assert differing == []


def write(root: Path, rel: str, text: str | bytes) -> str:
    make_site(root, {rel: text})
    return rel


def rename(root: Path, old: str, new: str) -> tuple[str, str]:
    (root / new).parent.mkdir(parents=True, exist_ok=True)
    os.replace(root / old, root / new)
    return old, new


def remove(root: Path, rel: str) -> str:
    (root / rel).unlink()
    return rel


A_POST = post_path("duiven", "1906-bericht-002.md", ENDED)
A_FOLDER = f"content/{ENDED}/neder-betuwe"


def _delete_team_folder(root: Path) -> tuple[str, ...]:
    removed = [str(p.relative_to(root)) for p in (root / A_FOLDER).iterdir()]
    for rel in removed:
        (root / rel).unlink()
    (root / A_FOLDER).rmdir()
    return (*removed, A_FOLDER)


# Each edit changes files and returns the paths the watcher would hear of.
EDITS: dict[str, Callable[[Path], tuple[str, ...]]] = {
    "a post dropped in the ended shift": lambda root: (
        write(root, post_path("zevenaar", "2001-nagekomen.md", ENDED), "Nagekomen.\n"),
    ),
    "a post corrected in the ended shift": lambda root: (
        write(root, A_POST, "---\ntitle: Gecorrigeerd\npinned: true\n---\nAnders.\n"),
    ),
    "a post deleted in the ended shift": lambda root: (remove(root, A_POST),),
    "a post renamed in the ended shift": lambda root: rename(
        root, A_POST, post_path("duiven", "1906-nieuwe-naam.md", ENDED)
    ),
    "a post moved to another team": lambda root: rename(
        root, A_POST, post_path("zevenaar", "1906-bericht-002.md", ENDED)
    ),
    "a photo added in the ended shift": lambda root: (
        write(root, post_path("duiven", "1906-bericht-002.jpg", ENDED), jpeg(size=(64, 40))),
    ),
    "a team folder deleted": _delete_team_folder,
    "a new team folder": lambda root: (
        write(root, post_path("epe", "2200-epe.md", ENDED), "Epe doet mee.\n"),
        f"content/{ENDED}/epe",
    ),
    "the ended shift renamed": lambda root: rename(
        root, f"content/{ENDED}", "content/2026-10-11-volgdienst"
    ),
    "the ended shift's title": lambda root: (
        write(root, f"content/{ENDED}/shift.yaml", ENDED_YAML.replace("Arnhem", "Ede")),
    ),
    "site.yaml": lambda root: (
        write(
            root,
            "content/site.yaml",
            (root / "content/site.yaml").read_text().replace("per_page: 10", "per_page: 7"),
        ),
    ),
    "teams.yaml": lambda root: (
        write(
            root,
            "content/teams.yaml",
            (root / "content/teams.yaml").read_text().replace("Team Zevenaar", "Zevenaar"),
        ),
    ),
    "a template override": lambda root: (
        write(root, "templates/post.html", _post_template().replace('"single"', '"single" id=x')),
    ),
    "a post dropped in the live shift": lambda root: (
        write(root, post_path("neder-betuwe", "2050-live.md"), "Live.\n"),
    ),
}


def _post_template() -> str:
    default = Path(__file__).resolve().parents[1] / "themes/default/templates/post.html"
    text = default.read_text(encoding="utf-8")
    assert '"single"' in text
    return text


@pytest.mark.parametrize("edit", EDITS, ids=list(EDITS))
def test_a_watch_rebuild_after_an_edit_equals_a_cold_build(tmp_path: Path, edit: str) -> None:
    live = Live(two_shifts(tmp_path))
    assert live.rebuild().stats.written == 0  # nothing changed: nothing written
    touched = EDITS[edit](tmp_path)
    assert live.rebuild(*touched).published
    live.equals_cold()


def test_many_watch_rebuilds_in_a_row_equal_a_cold_build(tmp_path: Path) -> None:
    live = Live(two_shifts(tmp_path))
    for edit in EDITS:
        again = () if (tmp_path / A_POST).exists() else (write(tmp_path, A_POST, "Terug.\n"),)
        touched = EDITS[edit](tmp_path)
        assert live.rebuild(*again, *touched).published, edit
    live.equals_cold()


def test_the_clock_alone_publishes_a_scheduled_post(tmp_path: Path) -> None:
    live = Live(two_shifts(tmp_path))
    assert "2110-gepland" not in json.dumps(sorted(tree(tmp_path / "site")))
    live.rebuild(now=LATER)
    assert (tmp_path / "site" / SHIFT / "zevenaar" / "2110-gepland" / "index.html").exists()
    live.equals_cold(LATER)


def test_a_drop_in_the_live_shift_skips_the_ended_shift_as_a_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = Live(two_shifts(tmp_path))
    keys = stats = 0
    original_key, original_signature = PageMemo.key, readcache.signature

    def key(self: PageMemo, *args: object) -> str:
        nonlocal keys
        keys += 1
        return original_key(self, *args)  # type: ignore[arg-type]

    def signature(path: Path | str) -> readcache.Signature:
        nonlocal stats
        stats += 1
        return original_signature(path)

    monkeypatch.setattr(PageMemo, "key", key)
    monkeypatch.setattr(readcache, "signature", signature)
    result = live.rebuild(write(tmp_path, post_path("zevenaar", "2055-live.md"), "Live.\n"))
    # The ended shift's ~190 pages and 150 post files are not looked at one by one.
    assert result.files > 220
    assert keys < 60, keys
    assert stats <= 5, stats
    assert result.rendered < 30
    live.equals_cold()


def test_a_change_the_watcher_did_not_report_is_read_after_an_overflow(tmp_path: Path) -> None:
    """The contract: watch reports every change; when events were lost (the kernel's queue
    overflowed), the whole content folder counts as changed and everything is read again."""
    live = Live(two_shifts(tmp_path))
    write(tmp_path, A_POST, "Stilletjes veranderd.\n")
    live.rebuild()  # not told: the folder is taken as it was
    assert (
        b"Stilletjes"
        not in (
            tmp_path / "site" / ENDED / "duiven" / "1906-bericht-002" / "index.html"
        ).read_bytes()
    )
    live.rebuild("content")
    live.equals_cold()


def test_an_overflow_logged_by_watchdog_makes_the_watcher_read_everything(tmp_path: Path) -> None:
    root = two_shifts(tmp_path)
    options = BuildOptions(root / "content", root / "site", DURING)
    watcher = Watcher(options, lambda _rebuild: None)
    record = logging.LogRecord(
        OVERFLOW_LOGGER, logging.WARNING, __file__, 1,
        "Inotify queue overflowed; filesystem events were lost", None, None,
    )  # fmt: skip
    assert _Overflow(watcher).filter(record)
    assert root / "content" in watcher._touched
    assert watcher._pending_since is not None  # and a rebuild is due


def test_a_symlinked_post_is_stat_ed_at_every_rebuild(tmp_path: Path) -> None:
    """A symlink's target may change without an event in the symlink's folder."""
    root = two_shifts(tmp_path)
    target = root / "content" / "_gedeeld" / "elders.md"  # outside content/ it is refused
    target.parent.mkdir()
    target.write_text("Eerste versie.\n")
    os.symlink(target, root / post_path("zevenaar", "2045-link.md"))
    live = Live(root)
    target.write_text("Tweede versie.\n")
    live.rebuild()
    page = root / "site" / SHIFT / "zevenaar" / "2045-link" / "index.html"
    assert "Tweede versie." in page.read_text(encoding="utf-8")


@pytest.mark.parametrize("told", ["real", "alias"])
def test_a_change_is_matched_however_its_folders_are_named(tmp_path: Path, told: str) -> None:
    """macOS reports /private/var/… for a site under /var/…: paths match by their real folders."""
    real = two_shifts(tmp_path / "real")
    alias = tmp_path / "alias"
    os.symlink(real, alias)
    live = Live(alias if told == "real" else real)
    write(real, A_POST, "Via een omweg.\n")
    live.rebuild((real if told == "real" else alias) / A_POST)  # the other name than Live's
    page = real / "site" / ENDED / "duiven" / "1906-bericht-002" / "index.html"
    assert "Via een omweg." in page.read_text(encoding="utf-8")


def test_a_symlinked_shift_folder_is_read_at_every_rebuild(tmp_path: Path) -> None:
    """Files behind a symlinked folder may change without an event in that folder."""
    root = two_shifts(tmp_path / "site")
    elsewhere = root / "content" / "_elders"  # outside content/ it is refused
    os.replace(root / "content" / ENDED, elsewhere)
    os.symlink(elsewhere, root / "content" / ENDED)
    live = Live(root)
    (elsewhere / "duiven" / "1906-bericht-002.md").write_text("Achter een link.\n")
    live.rebuild()  # not told
    page = root / "site" / ENDED / "duiven" / "1906-bericht-002" / "index.html"
    assert "Achter een link." in page.read_text(encoding="utf-8")


# -- the render memo's groups ---------------------------------------------------------------------


def test_a_group_with_the_same_key_is_kept_without_asking_its_pages() -> None:
    made: list[str] = []

    def pages(m: PageMemo) -> list[tuple[str, object]]:
        out = []
        for name in ("a", "b"):
            if m.reuse(name, m.key("page", {"name": name})):
                out.append((name, REUSED))
            else:
                made.append(name)
                out.append((name, b"bytes"))
        return out

    first = PageMemo(b"fp")
    assert list(first.group("g", {"v": 1}, lambda: pages(first))) == [
        ("a", b"bytes"),
        ("b", b"bytes"),
    ]
    second = PageMemo(b"fp", first.keys, lambda _p: True, previous_groups=first.groups)
    made.clear()
    assert list(second.group("g", {"v": 1}, lambda: pytest.fail("asked"))) == [
        ("a", REUSED),
        ("b", REUSED),
    ]
    assert second.keys == first.keys and second.groups == first.groups
    # Another key: the pages are asked one by one (and kept, their own keys being the same).
    third = PageMemo(b"fp", second.keys, lambda _p: True, previous_groups=second.groups)
    assert list(third.group("g", {"v": 2}, lambda: pages(third))) == [("a", REUSED), ("b", REUSED)]
    assert made == []
    # A page no longer in place: the group is not kept as a whole.
    fourth = PageMemo(b"fp", third.keys, lambda p: p != "b", previous_groups=third.groups)
    assert list(fourth.group("g", {"v": 2}, lambda: pages(fourth))) == [
        ("a", REUSED),
        ("b", b"bytes"),
    ]


def test_a_kept_group_keeps_the_groups_inside_it() -> None:
    def outer(m: PageMemo) -> object:
        def inner() -> list[tuple[str, object]]:
            m.reuse("p", m.key("page", {}))
            return [("p", b"x")]

        return lambda: list(m.group("inner", {"i": 1}, inner))

    first = PageMemo(b"fp")
    list(first.group("outer", {"o": 1}, outer(first)))  # type: ignore[arg-type]
    second = PageMemo(b"fp", first.keys, lambda _p: True, previous_groups=first.groups)
    list(second.group("outer", {"o": 1}, outer(second)))  # type: ignore[arg-type]
    assert set(second.groups) == {"outer", "inner"}
    third = PageMemo(b"fp", second.keys, lambda _p: True, previous_groups=second.groups)
    assert list(third.group("outer", {"o": 2}, outer(third))) == [("p", REUSED)]  # type: ignore[arg-type]
    assert third.groups["inner"] == first.groups["inner"]


# -- the output folder kept open -------------------------------------------------------------------


def test_an_output_is_kept_open_until_another_build_writes_the_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"one")
    out.commit()
    assert Output.reopen(out, site) is out
    assert out.can_keep("index.html")
    other = Output(site)  # e.g. a `followshift build` into the same folder
    other.add("index.html", b"two")
    other.commit()
    again = Output.reopen(out, site)
    assert again is not out
    assert again.can_keep("index.html")


def test_an_open_output_trusts_its_own_files(tmp_path: Path) -> None:
    """Kept open, an Output does not look for its files again (10,000 stats a rebuild): a page
    deleted by hand meanwhile comes back when its inputs change or the watcher restarts."""
    site = tmp_path / "site"
    out = Output(site)
    out.add("a/index.html", b"a")
    out.commit()
    (site / "a" / "index.html").unlink()
    assert Output.reopen(out, site).can_keep("a/index.html")
    assert not Output(site).can_keep("a/index.html")


@pytest.mark.parametrize("kept_open", [True, False], ids=["kept open", "opened again"])
def test_a_new_file_is_checked_against_kept_ones_at_commit(tmp_path: Path, kept_open: bool) -> None:
    site = tmp_path / "site"
    out = Output(site)
    for rel in ("a/index.html", "b", "C/x.html", "d/e/f.html"):
        out.add(rel, b"x")
    out.commit()

    def reopen() -> Output:
        return Output.reopen(out, site) if kept_open else Output(site)

    for kept, new, error in [
        ("a/index.html", "a/index.html/more", OutputError),  # inside a kept file
        ("b", "b/c.html", OutputError),
        ("C/x.html", "c", OutputError),  # a kept file's folder, but for the case
        ("C/x.html", "c/X.html", DuplicateOutputError),  # differs only in case
        ("d/e/f.html", "D/E", OutputError),
    ]:
        again = reopen()
        assert again.keep(kept)
        again.add(new, b"y")
        with pytest.raises(error):
            again.commit()
        again.discard()
    # Not kept (stale), such a file is no conflict: it is removed to make way.
    again = reopen()
    again.keep("a/index.html")
    again.add("b/c.html", b"y")
    again.commit()
    assert (site / "b" / "c.html").read_bytes() == b"y"
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()) == [
        ".followshift-manifest.json",
        "a/index.html",
        "b/c.html",
    ]
    with pytest.raises(DuplicateOutputError):
        again = reopen()
        again.keep("b/c.html")
        again.add("b/c.html", b"z")


@pytest.mark.parametrize(
    ("files", "pending"),
    [
        ({}, set()),
        ({}, {"a"}),
        ({"a": "0" * 64}, set()),
        ({'é/x"y\\z\u2028/index.html': "1" * 64, "b": "2" * 64, "B": "3" * 64}, {"p", "ü"}),
    ],
)
def test_the_manifest_is_written_as_json_dumps_writes_it(
    files: dict[str, str], pending: set[str]
) -> None:
    doc: dict[str, object] = {"generator": "followshift", "version": 1, "files": files}
    if pending:
        doc["pending"] = sorted(pending)
    expected = (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode("utf-8")
    lines = _ManifestLines()
    assert _manifest_bytes(files, pending, lines) == expected
    changed = {**files, "new": "4" * 64, **dict.fromkeys(list(files)[:1], "5" * 64)}
    doc["files"] = changed
    expected = (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert _manifest_bytes(changed, pending, lines) == expected
    # Told which paths changed (commit() knows), the others' lines are taken as they were.
    again = {**changed, "newer": "6" * 64, "new": "7" * 64}
    doc["files"] = again
    expected = (json.dumps(doc, sort_keys=True, indent=2) + "\n").encode("utf-8")
    assert _manifest_bytes(again, pending, lines, ["newer", "new"]) == expected


def test_a_watch_rebuild_does_not_read_the_manifest_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = Live(two_shifts(tmp_path))

    def read_manifest(path: Path) -> object:
        raise AssertionError(f"{path} read again")

    monkeypatch.setattr(manifest, "read_manifest", read_manifest)
    result = live.rebuild(write(tmp_path, post_path("zevenaar", "2056-live.md"), "Live.\n"))
    assert result.stats.written > 0
