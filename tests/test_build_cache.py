"""The photo cache beside content/: reused across builds, pruned only when asked."""

from __future__ import annotations

from pathlib import Path

from conftest import DURING, Run, jpeg, make_site, post_path, site_files


def cache_entries(root: Path) -> list[Path]:
    return sorted(p for p in (root / ".followshift-cache").rglob("info.json"))


def test_prune_cache_removes_variants_of_photos_no_longer_published(tmp_path: Path, run: Run):
    photo_a = post_path("zevenaar", "1915-weekmarkt.jpg")
    photo_b = post_path("zevenaar", "1900-de-dienst-begint.jpg")
    make_site(tmp_path, site_files({photo_a: jpeg(size=(64, 48)), photo_b: jpeg(size=(80, 40))}))
    assert run(["build", "--now", DURING], tmp_path).exit_code == 0
    assert len(cache_entries(tmp_path)) == 2

    (tmp_path / photo_b).unlink()
    outcome = run(["build", "--now", DURING], tmp_path)
    assert outcome.exit_code == 0
    assert len(cache_entries(tmp_path)) == 2, "without --prune-cache the cache is kept"

    outcome = run(["build", "--now", DURING, "--prune-cache"], tmp_path)
    assert outcome.exit_code == 0
    assert "1 unused cached photos pruned" in outcome.stderr
    assert len(cache_entries(tmp_path)) == 1
    assert len(list((tmp_path / "site" / "media").iterdir())) == 1
