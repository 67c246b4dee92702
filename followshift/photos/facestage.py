"""The face stage: a warning for each photo of a post with faces that no blur region covers.

Every post that is not withdrawn is looked at, drafts and posts waiting for review first of
all: they are what the reviewer decides on. The faces of a photo come from the cache
(photos/cache.py, keyed by the photo's bytes), which the photo workers fill while they render
(photos/variants.py); photos not rendered yet (not public yet, or `check`) are looked at here,
in the photo pool when there are several. Warnings never change what is published.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from concurrent.futures import as_completed
from dataclasses import dataclass
from pathlib import Path

from followshift.content.model import Post, PostStatus, Site
from followshift.diagnostics import Diagnostics
from followshift.photos.model import ImageError, ImageSettings, Region

log = logging.getLogger(__name__)

# (path, size, mtime, inode) → faces key: `watch` rebuilds would otherwise hash every photo
# again on every change of any post.
_KEYS: dict[tuple[str, int, int, int], str] = {}
_KEYS_MAX = 100_000


@dataclass(frozen=True)
class FaceJob:
    source: Path
    key: str
    settings: ImageSettings
    cache_dir: Path


def detect_job(job: FaceJob) -> tuple[Region, ...] | None:
    """Pool entry point: decodes one photo, finds its faces and caches them; None when the
    photo cannot be decoded (the photo stage or `check` reports that already)."""
    from followshift.privacy import faces

    from .cache import write_faces
    from .decode import load_upright

    side = faces.DETECT_SIDE
    try:
        image, full = load_upright(
            job.source, job.settings, lambda w, h: min(w, max(1, round(side * w / max(w, h))))
        )
        with image:
            found = faces.detect(image, full)
        write_faces(job.cache_dir, job.key, found)
        return found
    except (ImageError, OSError):
        return None
    except Exception:  # a detector problem costs this photo its warning, not the build
        log.exception("face detection of %s failed", job.source)
        return None


def faces_key(path: Path) -> str:
    from followshift.privacy.faces import DETECTOR_VERSION

    from .cache import faces_key_for_file

    st = os.stat(path)
    memo = (str(path), st.st_size, st.st_mtime_ns, st.st_ino)
    key = _KEYS.get(memo)
    if key is None:
        if len(_KEYS) >= _KEYS_MAX:
            _KEYS.clear()
        key = _KEYS[memo] = faces_key_for_file(path, DETECTOR_VERSION)
    return key


def faces_of(
    sources: list[Path], settings: ImageSettings, cache_dir: Path, workers: int = 1
) -> dict[Path, tuple[Region, ...]]:
    """The faces of each photo (cached, else detected); photos that cannot be read are left out."""
    from followshift.build import schedule

    from .cache import read_faces

    found: dict[Path, tuple[Region, ...]] = {}
    todo: list[FaceJob] = []
    for source in dict.fromkeys(sources):
        try:
            key = faces_key(source)
        except OSError:
            continue
        cached = read_faces(cache_dir, key)
        if cached is None:
            todo.append(FaceJob(source, key, settings, cache_dir))
        else:
            found[source] = cached
    parallel = min(workers, len(todo))
    if parallel <= 1:
        outcomes: Iterator[tuple[FaceJob, tuple[Region, ...] | None]] = (
            (job, detect_job(job)) for job in todo
        )
        found.update((job.source, faces) for job, faces in outcomes if faces is not None)
        return found
    pool = schedule.photo_pool(parallel)
    try:
        futures = {pool.submit(detect_job, job): job for job in todo}
        for future in as_completed(futures):
            try:
                result = future.result()
            except Exception:  # a worker that died: no warning for its photo
                continue
            if result is not None:
                found[futures[future].source] = result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return found


def face_warnings(
    site: Site, settings: ImageSettings, cache_dir: Path, diags: Diagnostics, workers: int = 1
) -> bool:
    """Warns about each photo with faces outside its blur regions; False when the detector
    is not installed (and the site has photos), so that `check` can say so once."""
    from followshift.privacy import faces

    posts = [
        post
        for shift in site.shifts
        for post in shift.posts
        if post.photos and post.status is not PostStatus.WITHDRAWN
    ]
    if not posts:
        return True
    if not faces.available():
        return False
    found = faces_of(
        [p.source for post in posts for p in post.photos], settings, cache_dir, workers
    )
    for post in posts:
        for photo in post.photos:
            boxes = faces.uncovered(found.get(photo.source, ()), photo.blur)
            if boxes:
                what = "1 face" if len(boxes) == 1 else f"{len(boxes)} faces"
                diags.warning(
                    post.source,
                    f"photo {photo.source.name}: {what} not blurred",
                    photo_line(post, photo.source.name),
                )
    return True


def photo_line(post: Post, name: str) -> int | None:
    """The front-matter line that names the photo (read only when there is a warning)."""
    try:
        lines = post.source.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() in ("---", "..."):
            break
        if name in line:
            return number
    return None
