"""Face warnings: a photo with a face that no blur region covers is a warning in `check`, and
blurring it removes the warning; the detector runs once per photo (cached by content)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import DURING, Run, make_site, post_path, site_files

from followshift.privacy import faces

pytestmark = pytest.mark.skipif(not faces.available(), reason="the faces extra is not installed")

# The top of scikit-image's astronaut (NASA, public domain), 512 × 288, one face.
ASTRONAUT = (Path(__file__).parent / "data" / "astronaut.jpg").read_bytes()
FACE = [150, 20, 125, 155]  # Eileen Collins' face, forehead to chin, with a margin


def _site(tmp_path: Path, blur: str = "") -> Path:
    post = (
        "---\ntitle: Bezoek\nphotos:\n  - file: 1915-bezoek.jpg\n    alt: Een astronaut\n"
        f"{blur}---\nOp bezoek.\n"
    )
    return make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "1915-bezoek.md"): post,
                post_path("zevenaar", "1915-bezoek.jpg"): ASTRONAUT,
            }
        ),
    )


def test_covered_share_counts_overlapping_regions_once() -> None:
    face = (0, 0, 100, 100)
    assert faces.covered_share(face, []) == 0
    assert faces.covered_share(face, [(0, 0, 50, 100), (0, 0, 50, 100)]) == 0.5
    assert faces.covered_share(face, [(0, 0, 50, 100), (50, 0, 50, 100)]) == 1
    assert faces.uncovered([face], [(0, 0, 100, 85)]) == ()
    assert faces.uncovered([face], [(0, 0, 100, 70)]) == (face,)


def test_the_detector_finds_the_face_in_upright_coordinates() -> None:
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(ASTRONAUT)).convert("RGB")
    found = faces.detect(image, image.size)
    assert len(found) == 1
    x, y, w, _ = found[0]
    assert 140 <= x <= 200 and 20 <= y <= 80 and 80 <= w <= 140
    # A reduced decode reports boxes in the coordinates of the original.
    half = image.resize((256, 144))
    (hx, _, hw, _) = faces.detect(half, image.size)[0]
    assert abs(hx - x) < 20 and abs(hw - w) < 25


def test_an_unblurred_face_is_a_warning_and_blurring_it_removes_it(
    tmp_path: Path, run: Run
) -> None:
    site = _site(tmp_path)
    result = run(["check", "--now", DURING], site)
    warnings = result.diagnostics("warning")
    assert warnings == [
        f"{post_path('zevenaar', '1915-bezoek.md')}:4: warning: photo 1915-bezoek.jpg: "
        "1 face not blurred"
    ], result.stderr
    assert result.exit_code == 0
    assert run(["check", "--strict", "--now", DURING], site).exit_code != 0

    blurred = _site(tmp_path / "b", blur=f"    blur: [{FACE}]\n".replace("'", ""))
    result = run(["check", "--now", DURING], blurred)
    assert result.diagnostics("warning") == [], result.stderr
    # Half a face blurred is still a face.
    half = _site(tmp_path / "c", blur="    blur: [[150, 20, 125, 60]]\n")
    assert len(run(["check", "--now", DURING], half).diagnostics("warning")) == 1


def test_detection_is_cached_by_content_and_done_in_the_photo_workers(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path)
    cache = tmp_path / "cache"
    env = {"FOLLOWSHIFT_CACHE": str(cache)}
    built = run(["build", "--now", DURING, "--out", str(tmp_path / "out")], site, env)
    assert built.exit_code == 0 and "1 face not blurred" in built.stderr
    assert len(list((cache / "faces").rglob("*.json"))) == 1

    calls = []
    detect = faces.detect
    monkeypatch.setattr(faces, "detect", lambda *a: calls.append(a) or detect(*a))
    again = run(["check", "--now", DURING], site, env)
    assert "1 face not blurred" in again.stderr and calls == []  # from the cache
    # Blurring does not change the photo's bytes: still no detection, and no warning.
    post = site / post_path("zevenaar", "1915-bezoek.md")
    post.write_text(post.read_text().replace("---\nOp", "    blur: [[150, 20, 125, 155]]\n---\nOp"))
    assert run(["check", "--now", DURING], site, env).diagnostics("warning") == []
    assert calls == []


def test_check_says_once_when_the_detector_is_not_installed(
    tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = _site(tmp_path)
    monkeypatch.setattr(faces, "available", lambda: False)
    result = run(["check", "--now", DURING], site)
    assert result.stderr.count("face detection is not installed") == 1
    assert result.diagnostics("warning") == [] and result.exit_code == 0
    assert run(["check", "--strict", "--now", DURING], site).exit_code == 0
