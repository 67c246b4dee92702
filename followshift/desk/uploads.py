"""Photos sent from a phone: limited in number and size, decoded before anything is written.

A photo is accepted only when Pillow (with pillow-heif for HEIC) decodes it completely as JPEG,
PNG, WebP or HEIC within the site's pixel limit (`images.max_pixels`), the check the build makes
(photos.probe) included. Its name and suffix come from what it is, never from the name the phone
sent. It waits in the desk's own folder until `new_post` copies it beside the post, and is then
removed. GPS and other metadata stay in content/ as sent; the build publishes photos without any
(photos/ writes new files from the pixels).
"""

from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from typing import IO, TYPE_CHECKING

from followshift.config.site import SiteConfig
from followshift.desk import DeskError

if TYPE_CHECKING:
    from followshift.photos import ImageSettings

MAX_PHOTOS = 4
MAX_PHOTO_BYTES = 20 * 1024 * 1024  # a 48-megapixel HEIC is ~8 MB, a JPEG of it ~15 MB
MAX_REQUEST_BYTES = MAX_PHOTOS * MAX_PHOTO_BYTES + 1024 * 1024  # the form's text besides
SUFFIXES = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "HEIF": ".heic"}
PREVIEW_WIDTH = 640


class UploadError(DeskError):
    pass


class TooLarge(UploadError):
    pass


def settings_of(config: SiteConfig) -> ImageSettings:
    from followshift.photos import ImageSettings

    images = config.images
    return ImageSettings(widths=images.widths, quality=images.quality, max_pixels=images.max_pixels)


def accept(stream: IO[bytes], folder: Path, config: SiteConfig) -> Path:
    """Checks one uploaded photo and keeps it in `folder` under a name of its own."""
    from followshift.photos import ImageError, probe
    from followshift.photos.decode import load_upright

    data = stream.read(MAX_PHOTO_BYTES + 1)
    if len(data) > MAX_PHOTO_BYTES:
        raise TooLarge(f"too large (at most {MAX_PHOTO_BYTES >> 20} MB)")
    if not data:
        raise UploadError("empty file")
    settings = settings_of(config)
    try:  # every pixel decoded (JPEG at a reduced scale): a renamed text file fails here
        image, _ = load_upright(io.BytesIO(data), settings, lambda w, h: PREVIEW_WIDTH)
        image.close()
    except ImageError as exc:
        raise UploadError(str(exc)) from None
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stem = secrets.token_hex(12)
    temp = folder / f"{stem}.part"
    try:
        with temp.open("xb") as handle:
            handle.write(data)
        info = probe(temp, settings)  # the build's own check: a file cut short, the format
        path = folder / f"{stem}{SUFFIXES[info.format]}"
        os.replace(temp, path)
    except ImageError as exc:
        raise UploadError(str(exc)) from None
    except OSError as exc:
        raise UploadError(f"cannot be kept: {exc.strerror or exc}") from None
    finally:
        temp.unlink(missing_ok=True)
    return path


def preview(path: Path, config: SiteConfig) -> bytes:
    """A small upright JPEG of a photo for the desk's pages, without any metadata (HEIC too,
    which browsers do not show)."""
    from followshift.photos import ImageError
    from followshift.photos.decode import load_upright

    settings = settings_of(config)
    try:
        image, _ = load_upright(path, settings, lambda w, h: min(w, PREVIEW_WIDTH))
    except ImageError as exc:
        raise UploadError(str(exc)) from None
    with image:
        image.thumbnail((PREVIEW_WIDTH, PREVIEW_WIDTH * 2))
        out = io.BytesIO()
        image.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()
