"""Value types of the photo pipeline: settings, requests, results and the one error type.

This module owns the data shapes the build sees; it does no image work itself. A leaf: the
typed site.yaml (config/site.py) carries its `images:` as ImageSettings, and the reader's
probe, the photo stage, `new` and the state file (build/statefile.py) take them from there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

Region = tuple[int, int, int, int]


@dataclass(frozen=True)
class ImageSettings:
    """How photos are published; every field except max_pixels changes the output files.

    site.yaml sets widths, quality and max_pixels (`SiteConfig.images`); og_width is fixed."""

    widths: tuple[int, ...] = (480, 960, 1600)  # published widths, never upscaled
    quality: int = 80  # JPEG and WebP quality
    max_pixels: int = 64_000_000  # larger images are rejected (decompression bombs)
    og_width: int = 1200  # one extra JPEG for og:image

    def __post_init__(self) -> None:
        # Fail at configuration time rather than deep inside a worker process.
        if not self.widths or any(w < 1 for w in self.widths):
            raise ValueError("ImageSettings.widths must be a non-empty tuple of positive ints")
        if not 1 <= self.quality <= 100:
            raise ValueError("ImageSettings.quality must be between 1 and 100")
        if self.max_pixels < 1 or self.og_width < 1:
            raise ValueError("ImageSettings.max_pixels and og_width must be positive")


class ImageError(Exception):
    """A problem of one photo; the message is one short user-facing line.

    Examples: 'not a supported image (JPEG, PNG, WebP, HEIC)', 'image is corrupt or
    truncated', 'image has 80,000,000 pixels, more than the limit of 64,000,000'.
    """


@dataclass(frozen=True)
class ProbeInfo:
    """What the content reader needs to know about a photo without decoding it."""

    width: int  # upright size (after EXIF orientation)
    height: int
    format: str  # "JPEG" | "PNG" | "WEBP" | "HEIF"
    taken: datetime | None  # EXIF DateTimeOriginal (naive local time) if present
    taken_offset: timedelta | None  # from OffsetTimeOriginal, if present


@dataclass(frozen=True)
class PhotoRequest:
    """One photo to publish.

    ``blur`` holds (x, y, w, h) regions in the pixel coordinates of the *upright original*
    image: the photo as any photo viewer shows it (EXIF orientation applied) at its full
    original resolution, origin top-left. Regions are clamped to the image; empty ones are
    ignored.
    """

    source: Path
    blur: tuple[Region, ...] = ()


@dataclass(frozen=True)
class VariantFile:
    """One published file in the cache."""

    width: int
    height: int
    format: str  # "webp" | "jpeg"
    path: Path  # the file in the cache


@dataclass(frozen=True)
class PhotoResult:
    """Every published file of one photo."""

    key: str  # content hash of source bytes, blur, output settings and pipeline version
    width: int  # upright size of the largest published variant
    height: int
    variants: tuple[VariantFile, ...]  # each width x {webp, jpeg}, sorted by (format, width)
    og: VariantFile  # a JPEG og_width wide (or the source width when smaller)
