"""Opening photos safely: format allow-list, pixel limit, EXIF orientation and capture time.

This module owns everything that touches the *source* file: which formats are accepted,
the decompression-bomb guard (checked from the header, before any pixel is decoded),
JPEG draft decoding, turning the pixels upright, and ``probe``, which also refuses a file cut
short (complete.py), so that `check` finds every photo the photo stage would refuse.
"""

from __future__ import annotations

import re
import struct
import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import pillow_heif
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from .complete import is_complete
from .model import ImageError, ImageSettings, ProbeInfo

# Registering at import time runs once per process (the import system guarantees it),
# including in every pool worker, which imports this module to unpickle its job.
pillow_heif.register_heif_opener()

UNSUPPORTED = "not a supported image (JPEG, PNG, WebP, HEIC)"
CORRUPT = "image is corrupt or truncated"
TRUNCATED = "image is truncated: the file ends before the image does (still being copied?)"
# Capture times outside these years are a camera's unset clock (0000:00:00, 1904, 2080…), and
# year 1 overflowed Python's datetime when the site's UTC offset was applied.
_CAPTURE_YEARS = range(1970, 3000)

# Image.open IDs to try. The "JPEG" opener also yields MPO files (iPhone photos with a
# depth map or gain map), which decode like JPEG.
_OPEN_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
_KIND = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "WEBP": "WEBP", "HEIF": "HEIF"}

# What Pillow and its plugins raise on malformed data while decoding.
DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    RuntimeError,
)

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def too_many_pixels(pixels: int, limit: int) -> ImageError:
    return ImageError(f"image has {pixels:,} pixels, more than the limit of {limit:,}")


def open_image(source: Path | IO[bytes], settings: ImageSettings) -> ImageFile.ImageFile:
    """Opens the header only and enforces the format allow-list and the pixel limit."""
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own fixed limit; ours (settings.max_pixels) is checked
            # below and is the one the user configured.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(source, formats=_OPEN_FORMATS)
    except Image.DecompressionBombError:
        limit = settings.max_pixels
        raise ImageError(f"image has more pixels than the limit of {limit:,}") from None
    except UnidentifiedImageError:
        raise ImageError(UNSUPPORTED) from None
    except (FileNotFoundError, PermissionError, IsADirectoryError) as exc:
        raise ImageError(f"cannot read the file ({exc.strerror})") from None
    except DECODE_ERRORS:
        raise ImageError(CORRUPT) from None
    if im.format not in _KIND:  # a plugin registered under another ID by someone else
        im.close()
        raise ImageError(UNSUPPORTED)
    pixels = im.width * im.height
    if pixels > settings.max_pixels:
        im.close()
        raise too_many_pixels(pixels, settings.max_pixels)
    return im


def header_exif(im: Image.Image) -> Image.Exif:
    """EXIF available without decoding pixels; empty when there is none or it is broken."""
    # PngImageFile.getexif() decodes the whole image when the eXIf chunk comes after the
    # pixel data; probe must stay cheap, and such PNGs are not phone photos anyway.
    if im.format == "PNG" and "exif" not in im.info:
        return Image.Exif()
    try:
        return im.getexif()
    except DECODE_ERRORS:
        return Image.Exif()


def orientation(exif: Image.Exif) -> int:
    value = exif.get(ExifTags.Base.Orientation, 1)
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def upright_size(size: tuple[int, int], orient: int) -> tuple[int, int]:
    # Orientations 5-8 rotate by 90 degrees (optionally mirrored), so width and height swap.
    return (size[1], size[0]) if orient >= 5 else size


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ") or None


def capture_time(exif: Image.Exif) -> tuple[datetime | None, timedelta | None]:
    """DateTimeOriginal as a naive local datetime and OffsetTimeOriginal as a timedelta."""
    try:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
    except DECODE_ERRORS:
        return None, None
    taken = offset = None
    text = _exif_text(sub.get(ExifTags.Base.DateTimeOriginal))
    if text:
        try:
            taken = datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")
        except ValueError:  # e.g. the "0000:00:00 00:00:00" some cameras write
            taken = None
        if taken is not None and taken.year not in _CAPTURE_YEARS:
            taken = None
    text = _exif_text(sub.get(ExifTags.Base.OffsetTimeOriginal))
    match = _OFFSET.match(text) if text else None
    if match:
        sign = -1 if match[1] == "-" else 1
        offset = sign * timedelta(hours=int(match[2]), minutes=int(match[3]))
    return taken, offset


def probe(path: Path, settings: ImageSettings) -> ProbeInfo:
    """Cheap check used while reading content: opens the header only (no full decode).

    Rejects unsupported formats, too many pixels and files cut short, and reads the EXIF
    capture time. Raises ImageError.
    """
    path = Path(path)
    with open_image(path, settings) as im:
        kind = _KIND[str(im.format)]
        try:
            with path.open("rb") as fp:
                complete = is_complete(fp, kind)
        except OSError as exc:
            raise ImageError(f"cannot read the file ({exc.strerror or exc})") from None
        if not complete:
            raise ImageError(TRUNCATED)
        exif = header_exif(im)
        width, height = upright_size(im.size, orientation(exif))
        taken, offset = capture_time(exif)
        return ProbeInfo(width, height, kind, taken, offset)


def load_upright(
    source: Path | IO[bytes],
    settings: ImageSettings,
    largest_width: Callable[[int, int], int],
) -> tuple[Image.Image, tuple[int, int]]:
    """Decodes the photo once, upright, as small as the largest published width allows.

    ``largest_width(upright_w, upright_h)`` says how wide the biggest output will be.
    Returns the decoded upright image (possibly reduced by JPEG draft mode) and the upright
    size of the *original*, which is the coordinate space of blur regions.
    """
    im = open_image(source, settings)
    try:
        if im.format in ("JPEG", "MPO"):
            orient = orientation(header_exif(im))
            full = upright_size(im.size, orient)
            target_w = largest_width(*full)
            target_h = max(1, round(target_w * full[1] / full[0]))
            # draft() works on the stored (not yet rotated) pixels, so ask in stored terms.
            # It only reduces by 2, 4 or 8 while staying at least as big as asked, i.e.
            # only when the largest output is at most half the source.
            im.draft("RGB", upright_size((target_w, target_h), orient))
            im.load()
            ImageOps.exif_transpose(im, in_place=True)
            return im, full
        im.load()
        ImageOps.exif_transpose(im, in_place=True)
        return im, im.size
    except ImageError:
        im.close()
        raise
    except Image.DecompressionBombError:
        im.close()
        raise too_many_pixels(im.width * im.height, settings.max_pixels) from None
    except DECODE_ERRORS:
        im.close()
        raise ImageError(CORRUPT) from None
