"""Tests for the output writer: what lands in site/, what is left alone and what is refused."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest

from followshift.publish.local import Output
from followshift.publish.model import (
    MANIFEST_NAME,
    STAGING_NAME,
    DuplicateOutputError,
    ForeignOutputError,
    OutputError,
    WriteStats,
)


def build(root: Path, files: dict[str, bytes | Path]) -> WriteStats:
    out = Output(root)
    for relpath, data in files.items():
        out.add(relpath, data)
    return out.commit()


def manifest(root: Path) -> dict[str, object]:
    return json.loads((root / MANIFEST_NAME).read_text("utf-8"))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_writes_files_and_manifest_into_a_new_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    stats = build(site, {"index.html": b"<h1>live</h1>", "2024/a/index.html": b"post"})

    assert (site / "index.html").read_bytes() == b"<h1>live</h1>"
    assert (site / "2024" / "a" / "index.html").read_bytes() == b"post"
    assert stats == WriteStats(written=2, unchanged=0, removed=0)
    text = (site / MANIFEST_NAME).read_text("utf-8")
    assert text.endswith("}\n")
    assert json.loads(text) == {
        "generator": "followshift",
        "version": 1,
        "files": {
            "2024/a/index.html": hashlib.sha256(b"post").hexdigest(),
            "index.html": hashlib.sha256(b"<h1>live</h1>").hexdigest(),
        },
    }


def test_second_build_with_same_bytes_rewrites_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    files: dict[str, bytes | Path] = {"index.html": b"same", "feed.xml": b"<rss/>"}
    build(site, files)
    before = {p: p.stat().st_mtime_ns for p in site.iterdir()}
    # Make any rewrite visible even on file systems with coarse timestamps.
    for p in before:
        os.utime(p, ns=(1_000_000_000, 1_000_000_000))
    before = {p: p.stat().st_mtime_ns for p in site.iterdir()}

    stats = build(site, files)

    assert stats == WriteStats(written=0, unchanged=2, removed=0)
    assert {p: p.stat().st_mtime_ns for p in site.iterdir()} == before


def test_changed_bytes_are_replaced_and_counted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"old", "about.html": b"about"})

    stats = build(site, {"index.html": b"new!", "about.html": b"about"})

    assert (site / "index.html").read_bytes() == b"new!"
    assert stats == WriteStats(written=1, unchanged=1, removed=0)
    assert manifest(site)["files"]["index.html"] == hashlib.sha256(b"new!").hexdigest()


def test_same_size_change_is_still_written(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"aaaa"})

    stats = build(site, {"index.html": b"bbbb"})

    assert (site / "index.html").read_bytes() == b"bbbb"
    assert stats.written == 1


def test_file_deleted_by_hand_is_written_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"page"})
    (site / "index.html").unlink()

    stats = build(site, {"index.html": b"page"})

    assert (site / "index.html").read_bytes() == b"page"
    assert stats.written == 1


def test_stale_file_and_its_emptied_folder_are_removed(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"home", "old/post/index.html": b"gone soon"})

    stats = build(site, {"index.html": b"home"})

    assert not (site / "old").exists()
    assert stats == WriteStats(written=0, unchanged=1, removed=1)
    assert manifest(site)["files"] == {"index.html": hashlib.sha256(b"home").hexdigest()}


def test_file_put_into_site_by_hand_survives_pruning_with_its_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"home", "media/a.jpg": b"jpeg"})
    (site / "media" / "notes.txt").write_bytes(b"mine")
    (site / "robots.txt").write_bytes(b"User-agent: *")

    stats = build(site, {"index.html": b"home"})

    assert stats.removed == 1
    assert not (site / "media" / "a.jpg").exists()
    assert (site / "media" / "notes.txt").read_bytes() == b"mine"
    assert (site / "robots.txt").read_bytes() == b"User-agent: *"


def test_a_stale_file_may_become_a_folder_and_back(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"a": b"file"})

    build(site, {"a/b": b"nested"})
    assert (site / "a" / "b").read_bytes() == b"nested"

    build(site, {"a": b"file again"})
    assert (site / "a").read_bytes() == b"file again"


def test_foreign_non_empty_folder_is_refused_and_left_untouched(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "docs").mkdir(parents=True)
    (site / "docs" / "thesis.odt").write_bytes(b"years of work")
    (site / "index.html").write_bytes(b"someone else's")
    before = snapshot(site)

    with pytest.raises(ForeignOutputError, match="not made by followshift") as info:
        Output(site)

    assert "\n" not in str(info.value)
    assert "--out" in str(info.value)
    assert snapshot(site) == before


def test_empty_existing_folder_is_accepted(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()

    build(site, {"index.html": b"home"})

    assert (site / "index.html").read_bytes() == b"home"


def test_folder_holding_only_file_manager_litter_counts_as_empty(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / ".DS_Store").write_bytes(b"finder")

    build(site, {"index.html": b"home"})

    assert (site / ".DS_Store").read_bytes() == b"finder"
    assert (site / "index.html").read_bytes() == b"home"


def test_a_file_where_the_folder_should_be_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.write_bytes(b"not a folder")

    with pytest.raises(OutputError, match="not a folder"):
        Output(site)


def test_same_path_added_twice_is_refused_by_name(tmp_path: Path) -> None:
    out = Output(tmp_path / "site")
    out.add("a/index.html", b"one")

    with pytest.raises(DuplicateOutputError, match=re.escape("a/index.html")):
        out.add("a/index.html", b"two")


def test_paths_differing_only_in_case_are_refused(tmp_path: Path) -> None:
    out = Output(tmp_path / "site")
    out.add("Photo.jpg", b"one")

    with pytest.raises(DuplicateOutputError, match="case"):
        out.add("photo.jpg", b"two")


def test_a_file_cannot_also_be_the_folder_of_another(tmp_path: Path) -> None:
    out = Output(tmp_path / "site")
    out.add("a/b", b"x")
    with pytest.raises(OutputError):
        out.add("a", b"y")

    out2 = Output(tmp_path / "site2")
    out2.add("a", b"y")
    with pytest.raises(OutputError):
        out2.add("a/b", b"x")


@pytest.mark.parametrize(
    "relpath",
    [
        "../escape.html",
        "a/../../escape.html",
        "/etc/passwd",
        "a\\b.html",
        "C:/x.html",
        "a//b.html",
        "a/./b.html",
        "",
        "dir/",
        MANIFEST_NAME,
    ],
)
def test_unsafe_paths_are_refused(tmp_path: Path, relpath: str) -> None:
    out = Output(tmp_path / "site")

    with pytest.raises(OutputError):
        out.add(relpath, b"x")

    assert out.staged == {}


def test_path_data_is_copied_from_the_file(tmp_path: Path) -> None:
    source = tmp_path / "cache" / "big.mp4"
    source.parent.mkdir()
    payload = os.urandom(3 * 1024 * 1024 + 17)
    source.write_bytes(payload)
    site = tmp_path / "site"

    stats = build(site, {"media/big.mp4": source})

    assert (site / "media" / "big.mp4").read_bytes() == payload
    assert manifest(site)["files"]["media/big.mp4"] == hashlib.sha256(payload).hexdigest()
    assert stats.written == 1
    assert build(site, {"media/big.mp4": source}).unchanged == 1


def test_discard_writes_nothing(tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"broken site")

    out.discard()

    assert out.staged == {}
    assert not site.exists()


def test_discard_keeps_the_published_site_as_it_was(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"published"})
    before = snapshot(site)
    out = Output(site)
    out.add("index.html", b"broken")

    out.discard()

    assert snapshot(site) == before


def test_no_temp_files_remain_after_commit(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"one", "a/b.html": b"two"})
    build(site, {"index.html": b"three", "a/b.html": b"four"})

    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]
    assert sorted(snapshot(site)) == sorted([MANIFEST_NAME, "a/b.html", "index.html"])


def test_missing_source_file_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"ok")
    out.add("media/missing.jpg", tmp_path / "does-not-exist.jpg")

    with pytest.raises(OutputError, match="does-not-exist"):
        out.commit()

    assert not site.exists()


def fail_midway(monkeypatch: pytest.MonkeyPatch) -> None:
    """Makes copying a Path item die after writing half of it, like a full disk."""

    def copyfile(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"half")
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr("followshift.publish.files.shutil.copyfile", copyfile)


def test_failed_write_leaves_no_temp_file_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"jpeg")
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"ok")
    out.add("media/photo.jpg", source)
    fail_midway(monkeypatch)

    with pytest.raises(OutputError, match="No space left") as info:
        out.commit()

    assert "\n" not in str(info.value)
    assert not [p for p in site.rglob("*") if p.name.endswith(".tmp")]
    assert not (site / "media" / "photo.jpg").exists()


def test_replace_is_retried_while_another_program_holds_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_replace = os.replace
    calls: list[str] = []

    def flaky_replace(src: str, dst: str) -> None:
        calls.append(str(dst))
        if len(calls) == 1:
            raise PermissionError(13, "The process cannot access the file", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr("followshift.publish.files.os.replace", flaky_replace)
    site = tmp_path / "site"

    build(site, {"index.html": b"home"})

    assert (site / "index.html").read_bytes() == b"home"


def test_corrupt_manifest_is_an_output_error(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / MANIFEST_NAME).write_text("{not json", "utf-8")

    with pytest.raises(OutputError, match="corrupt"):
        Output(site)


def test_manifest_pointing_outside_the_folder_is_corrupt(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_bytes(b"keep me")
    doc = {"generator": "followshift", "version": 1, "files": {"../victim.txt": "0" * 64}}
    (site / MANIFEST_NAME).write_text(json.dumps(doc), "utf-8")

    with pytest.raises(OutputError, match="corrupt"):
        Output(site)
    assert victim.read_bytes() == b"keep me"


def test_interrupted_build_leaves_a_folder_the_next_build_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "photo.jpg"
    source.write_bytes(b"jpeg")
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"home")
    out.add("media/photo.jpg", source)
    fail_midway(monkeypatch)
    with pytest.raises(OutputError):
        out.commit()
    monkeypatch.undo()
    assert (site / "index.html").exists()

    # index.html landed before the failure: the next build knows it is ours and prunes it.
    stats = build(site, {"other.html": b"other"})

    assert not (site / "index.html").exists()
    assert (site / "other.html").read_bytes() == b"other"
    assert stats.removed == 1
    assert manifest(site) == {
        "generator": "followshift",
        "version": 1,
        "files": {"other.html": hashlib.sha256(b"other").hexdigest()},
    }


def test_staged_files_wait_outside_the_site_until_commit(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"one"})
    out = Output(site)
    out.add("index.html", b"two")
    out.add("a/new.html", b"new")

    assert (site / "index.html").read_bytes() == b"one"  # a reader still sees the old page
    assert not (site / "a").exists()
    out.commit()
    files = snapshot(site)
    assert sorted(files) == [MANIFEST_NAME, "a/new.html", "index.html"]
    assert (files["a/new.html"], files["index.html"]) == (b"new", b"two")
    assert not (site / STAGING_NAME).exists()


def test_discard_leaves_no_staging_and_no_new_folder(tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = Output(site)
    out.add("index.html", b"one")
    out.discard()

    assert not site.exists()


def test_a_crashed_builds_staging_is_removed_once_stale(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"one"})
    old = site / STAGING_NAME / "1234-dead"
    fresh = site / STAGING_NAME / "5678-busy"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "1234-0").write_bytes(b"half")
    os.utime(old, (time.time() - 7200, time.time() - 7200))

    build(site, {"index.html": b"two"})

    assert not old.exists()
    assert fresh.exists()  # another build may still be using it


def test_the_staging_folder_name_is_reserved(tmp_path: Path) -> None:
    out = Output(tmp_path / "site")
    with pytest.raises(OutputError, match="reserved"):
        out.add(f"{STAGING_NAME}/x.html", b"x")


def test_a_first_build_stages_a_tree_and_moves_it_in_whole(tmp_path: Path) -> None:
    site = tmp_path / "site"
    out = Output(site)
    for rel in ("index.html", "2024/a/index.html", "2024/b/index.html", "assets/x.css"):
        out.add(rel, rel.encode())
    (staging,) = (site / STAGING_NAME).iterdir()  # this build's
    staged = [p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()]
    assert sorted(staged) == [
        "tree/2024/a/index.html", "tree/2024/b/index.html", "tree/assets/x.css", "tree/index.html"
    ]  # fmt: skip
    assert not (site / "2024").exists()  # nothing is in the site before commit

    assert out.commit() == WriteStats(written=4, unchanged=0, removed=0)

    assert sorted(snapshot(site)) == sorted(
        [MANIFEST_NAME, "index.html", "2024/a/index.html", "2024/b/index.html", "assets/x.css"]
    )
    assert snapshot(site)["2024/b/index.html"] == b"2024/b/index.html"
    assert not (site / STAGING_NAME).exists()


def test_a_first_build_into_an_empty_folder_keeps_the_litter(tmp_path: Path) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / ".DS_Store").write_bytes(b"finder")
    build(site, {"index.html": b"home", "a/b.html": b"b"})

    assert snapshot(site) == {
        ".DS_Store": b"finder",
        MANIFEST_NAME: (site / MANIFEST_NAME).read_bytes(),
        "a/b.html": b"b",
        "index.html": b"home",
    }


def test_a_folder_that_appeared_during_a_first_build_is_merged_file_by_file(
    tmp_path: Path,
) -> None:
    site = tmp_path / "site"
    out = Output(site)
    out.add("a/new.html", b"new")
    out.add("b.html", b"b")
    (site / "a").mkdir()  # put there by hand (or another build) while this one ran
    (site / "a" / "hand.txt").write_bytes(b"mine")

    out.commit()

    assert (site / "a" / "new.html").read_bytes() == b"new"
    assert (site / "a" / "hand.txt").read_bytes() == b"mine"
    assert (site / "b.html").read_bytes() == b"b"


def test_the_tree_refuses_what_the_flat_staging_refuses(tmp_path: Path) -> None:
    out = Output(tmp_path / "site")
    out.add("x/index.html", b"one")
    with pytest.raises(DuplicateOutputError):
        out.add("x/index.html", b"two")
    with pytest.raises(OutputError, match="inside file"):
        out.add("x/index.html/deeper.html", b"three")
    out.commit()

    assert (tmp_path / "site" / "x" / "index.html").read_bytes() == b"one"


def test_a_second_build_stages_by_name_again(tmp_path: Path) -> None:
    site = tmp_path / "site"
    build(site, {"index.html": b"one"})
    out = Output(site)
    out.add("a/new.html", b"new")

    staged = [p for p in (site / STAGING_NAME).rglob("*") if p.is_file()]
    assert [p.name for p in staged] != ["new.html"]  # by a name of its own, not in a tree
    out.commit()
    assert (site / "a" / "new.html").read_bytes() == b"new"
