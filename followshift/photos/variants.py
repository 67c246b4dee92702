"""Rendering one photo: decode once, clean, blur, resize and encode every published file.

This module owns the per-photo work that runs in a pool worker (or in-process): which
widths are published, resampling, encoder settings, and writing the files of one cache
entry. ``render_job`` never raises; it returns an ImageError instead.
"""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from .blur import obliterate, scale_regions
from .cache import (
    entry_dir,
    faces_key,
    key_for_bytes,
    read_faces,
    write_atomic,
    write_faces,
    write_info,
)
from .colour import to_srgb
from .decode import load_upright
from .model import ImageError, ImageSettings, PhotoResult, Region, VariantFile

log = logging.getLogger(__name__)

# libwebp effort, 0 (fastest) .. 6 (smallest). Measured at quality 80 on 12 MP phone-like
# photos (bench/photos/README.md): 2 gets the files ~15 % smaller than 0-1 on smooth photos,
# while 3+ (rate-distortion passes) cost about three times the encode time for ~2 % more.
# Changing it (or anything else about the output) needs a cache.PIPELINE_VERSION bump.
WEBP_METHOD = 2
_RESAMPLE = Image.Resampling.LANCZOS


@dataclass(frozen=True)
class Job:
    """What a worker needs; small, so that submitting hundreds of them costs nothing."""

    source: Path
    blur: tuple[Region, ...]
    settings: ImageSettings
    cache_dir: Path
    faces: bool = False  # also look for faces (privacy/faces.py) while the photo is decoded


def plan(upright_width: int, settings: ImageSettings) -> tuple[list[int], int]:
    """Published widths (ascending, never upscaled) and the og:image width."""
    widths = sorted({w for w in settings.widths if w <= upright_width})
    # A photo narrower than every configured width is still published, at its own width.
    return widths or [upright_width], min(settings.og_width, upright_width)


def _largest_output(upright_w: int, upright_h: int, settings: ImageSettings) -> int:
    widths, og = plan(upright_w, settings)
    return max(*widths, og)


def _encode(im: Image.Image, fmt: str, quality: int) -> bytes:
    im.info = {}  # never let an encoder pick up metadata carried along by resize()
    buf = io.BytesIO()
    if fmt == "jpeg":
        im.save(buf, "JPEG", quality=quality, optimize=True, progressive=True)
    else:
        im.save(buf, "WEBP", quality=quality, method=WEBP_METHOD)
    return buf.getvalue()


def _size_for(width: int, full: tuple[int, int]) -> tuple[int, int]:
    return width, max(1, round(width * full[1] / full[0]))


def published_pixels(
    data: bytes, blur: tuple[Region, ...], settings: ImageSettings, faces_cache: Path | None
) -> tuple[dict[int, Image.Image], list[int], int, tuple[int, int]]:
    """The blurred, resized pixels of every published width and the og:image width, the
    published widths, the og width and the upright size of the original.

    The one way published pixels are made: `render` encodes them, the desk's preview shows
    them. With `faces_cache`, the faces are detected (before anything is blurred) into it."""
    decoded, full = load_upright(
        io.BytesIO(data), settings, lambda w, h: _largest_output(w, h, settings)
    )
    rgb = to_srgb(decoded)
    if faces_cache is not None:  # decoded here anyway: the face stage then finds it cached
        remember_faces(data, rgb, full, faces_cache)
    # Blur at (near) full resolution, before any resizing, so no variant ever holds a
    # sharper copy of the region than the others.
    obliterate(rgb, scale_regions(blur, full, rgb.size))

    widths, og_width = plan(full[0], settings)
    targets = sorted({*widths, og_width}, reverse=True)
    top_size = _size_for(targets[0], full)
    # Only ever encode plain images made here, never the decoder's object with its
    # format-specific attributes (EXIF, APP segments) still attached.
    top = rgb.copy() if rgb.size == top_size else rgb.resize(top_size, _RESAMPLE)
    del decoded, rgb  # free the full-size pixels before encoding
    # Smaller sizes come from the largest one: resampling 1600 px is far cheaper than
    # resampling the decoded original again, and Lanczos from there looks the same.
    resized = {
        w: top if w == targets[0] else top.resize(_size_for(w, full), _RESAMPLE) for w in targets
    }
    return resized, widths, og_width, full


def preview(
    data: bytes, blur: tuple[Region, ...], settings: ImageSettings, width: int
) -> tuple[bytes, tuple[int, int]]:
    """The published JPEG of the largest published width up to `width` (else the smallest),
    byte for byte as `render` makes it, and the upright size of the original: the desk shows
    a blur exactly as it will be published."""
    resized, widths, _, full = published_pixels(data, blur, settings, None)
    shown = max((w for w in widths if w <= width), default=widths[0])
    return _encode(resized[shown], "jpeg", settings.quality), full


def render(
    data: bytes,
    blur: tuple[Region, ...],
    settings: ImageSettings,
    cache: Path,
    faces: bool = False,
) -> PhotoResult:
    """Makes every published file of one photo and records it in the cache; with `faces`,
    also the faces in it (before anything is blurred), in the cache's faces/ part."""
    # The key comes from the very bytes that get decoded, so a file edited while the build
    # runs can never end up cached under the key of its previous content.
    key = key_for_bytes(data, blur, settings)
    resized, widths, og_width, full = published_pixels(
        data, blur, settings, cache if faces else None
    )

    def size_for(width: int) -> tuple[int, int]:
        return _size_for(width, full)

    directory = entry_dir(cache, key)
    directory.mkdir(parents=True, exist_ok=True)
    jpegs: dict[int, bytes] = {}
    variants = []
    for fmt, suffix in (("jpeg", "jpg"), ("webp", "webp")):
        for width in widths:
            data_out = _encode(resized[width], fmt, settings.quality)
            if fmt == "jpeg":
                jpegs[width] = data_out
            path = directory / f"{width}.{suffix}"
            write_atomic(path, data_out)
            variants.append(VariantFile(*size_for(width), fmt, path))
    og_bytes = jpegs.get(og_width) or _encode(resized[og_width], "jpeg", settings.quality)
    og_path = directory / "og.jpg"
    write_atomic(og_path, og_bytes)

    result = PhotoResult(
        key=key,
        width=widths[-1],
        height=size_for(widths[-1])[1],
        variants=tuple(variants),  # already sorted by (format, width): "jpeg" < "webp"
        og=VariantFile(*size_for(og_width), "jpeg", og_path),
    )
    write_info(directory, result, full[0] * full[1])
    return result


def remember_faces(data: bytes, upright: Image.Image, full: tuple[int, int], cache: Path) -> None:
    """Detects the faces of a decoded photo into the cache, unless they are there already.

    Never fails the photo: a detector problem only means no face warnings for it."""
    from followshift.privacy import faces

    try:
        key = faces_key(data, faces.DETECTOR_VERSION)
        if read_faces(cache, key) is None:
            write_faces(cache, key, faces.detect(upright, full))
    except Exception:  # the photo is published all the same
        log.exception("face detection failed")


def render_job(job: Job) -> PhotoResult | ImageError:
    """Pool entry point: one photo's outcome; an error stays with this photo only."""
    try:
        try:
            data = job.source.read_bytes()
        except OSError as exc:
            return ImageError(f"cannot read the file ({exc.strerror or exc})")
        return render(data, job.blur, job.settings, job.cache_dir, job.faces)
    except ImageError as exc:
        return exc
    except MemoryError:
        return ImageError("not enough memory to process this image")
    except Exception as exc:  # a bug or an unexpected library error: keep the build going
        log.exception("processing %s failed", job.source)
        return ImageError(f"image could not be processed ({type(exc).__name__})")
