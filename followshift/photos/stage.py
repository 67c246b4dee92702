"""The photo stage: which photos are published, and what happens when one fails.

Only photos of posts that are public at the build's clock are processed: a scheduled or draft
post's photo must not appear in media/ before the post does. A photo that fails here (it passed
the cheap probe while reading but does not decode) is an error of its post, and the post is
left out — never published with a broken or original image. The stage only decides that
(`PublishedPhotos.failed`); the pipeline leaves those posts out of the model with
`Site.without`, so the stage never builds a Site.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from followshift.content.model import Photo, Post, PostKey, Site
from followshift.diagnostics import Diagnostics
from followshift.photos.model import ImageError, ImageSettings, PhotoRequest, PhotoResult

if TYPE_CHECKING:
    from followshift.photos.processor import ImageProcessor

CACHE_DIR = ".followshift-cache"
AVATAR_SETTINGS = ImageSettings(widths=(96, 192), quality=85, og_width=192)


def _processor(cache: Path, settings: ImageSettings, faces: bool = False) -> ImageProcessor:
    # Imported here, not at the top: the processor imports Pillow (~0.1 s), which a site
    # without photos, `check` and `new` need not pay.
    from followshift.photos.processor import ImageProcessor

    return ImageProcessor(cache, settings, faces)


def _detecting() -> bool:
    from followshift.privacy import faces

    return faces.available()


def request_for(photo: Photo) -> PhotoRequest:
    return PhotoRequest(photo.source, photo.blur)


@dataclass(frozen=True)
class PublishedPhotos:
    """What the photo stage decided: the variants of each published photo and avatar, and the
    posts to leave out because one of their photos failed (each an error already reported)."""

    photos: dict[PhotoRequest, PhotoResult]
    avatars: dict[str, PhotoResult]  # team id → avatar variants
    failed: frozenset[PostKey] = field(default_factory=frozenset)


def process_photos(
    site: Site,
    now: datetime,
    drafts: bool,
    settings: ImageSettings,
    diags: Diagnostics,
    progress: Callable[[int, int], None] | None = None,
) -> PublishedPhotos:
    """Publishes the photos of the posts public at `now` and the teams' avatars."""
    cache = cache_dir(site.root)
    wanted: dict[PhotoRequest, list[Post]] = {}
    for shift in site.shifts:
        for post in shift.public_posts(now, drafts):
            for photo in post.photos:
                wanted.setdefault(request_for(photo), []).append(post)
    results = (  # no photos: Pillow is not even imported
        _processor(cache, settings, _detecting()).process(list(wanted), progress=progress)
        if wanted
        else {}
    )

    failed: set[PostKey] = set()
    done: dict[PhotoRequest, PhotoResult] = {}
    for request, outcome in results.items():
        if isinstance(outcome, ImageError):
            for post in wanted[request]:
                diags.error(post.source, f"photo {request.source.name}: {outcome}")
                failed.add(post.where)
        else:
            done[request] = outcome
    return PublishedPhotos(done, _avatars(site, cache, diags), frozenset(failed))


def _avatars(site: Site, cache: Path, diags: Diagnostics) -> dict[str, PhotoResult]:
    requests = {t.id: PhotoRequest(t.avatar) for t in site.teams.values() if t.avatar}
    if not requests:
        return {}
    results = _processor(cache, AVATAR_SETTINGS).process(list(requests.values()), workers=1)
    avatars = {}
    for team_id, request in requests.items():
        outcome = results[request]
        if isinstance(outcome, ImageError):
            diags.error(site.content / "teams.yaml", f"{team_id}: avatar: {outcome}")
        else:
            avatars[team_id] = outcome
    return avatars


def prune_cache(site: Site, published: PublishedPhotos, settings: ImageSettings) -> int:
    """Removes cached variants that this build did not use (old photos, old settings).

    Explicit (`build --prune-cache`), not automatic: a preview with --drafts or a later --now
    would otherwise have to make the variants of unpublished posts again.
    """
    keep = [r.key for r in [*published.photos.values(), *published.avatars.values()]]
    return _processor(cache_dir(site.root), settings).prune(keep)


def cache_dir(root: Path) -> Path:
    """`.followshift-cache` in the folder that holds content/ (git-ignored); FOLLOWSHIFT_CACHE
    overrides it (CI, benchmarks)."""
    override = os.environ.get("FOLLOWSHIFT_CACHE")
    return Path(override) if override else root / CACHE_DIR
