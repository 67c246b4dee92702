"""Irreversible blurring of the regions the team marked (faces, plates, house numbers).

This module owns mapping blur regions from the upright original's coordinates onto the
decoded (possibly draft-reduced) image and destroying the information inside them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PIL import Image, ImageFilter

from .model import ImageError, Region

# The region's longest side is reduced to this many blocks: coarse enough that a face
# becomes a handful of colour patches, so nothing recognisable survives to be "unblurred".
BLOCKS = 8


def check_regions(blur: Iterable[Iterable[int]]) -> tuple[Region, ...]:
    """The blur regions as a tuple of (x, y, w, h) ints; ImageError for anything else.

    Checked before the cache key is made, so one malformed request fails on its own.
    """
    message = "a blur region must be four whole numbers: x, y, width, height"
    checked = []
    try:
        for region in blur:
            values = tuple(region)
            # type() rather than isinstance(): True is an int too, but not a coordinate.
            if len(values) != 4 or not all(type(v) is int for v in values):
                raise ImageError(message)
            checked.append((values[0], values[1], values[2], values[3]))
    except TypeError:  # not iterable
        raise ImageError(message) from None
    return tuple(checked)


def scale_regions(
    regions: Iterable[Region], original: tuple[int, int], decoded: tuple[int, int]
) -> list[tuple[int, int, int, int]]:
    """Maps (x, y, w, h) regions of the upright original onto the decoded image.

    Returns clamped (left, top, right, bottom) boxes; empty regions are dropped. Boxes are
    rounded outwards so that draft reduction never leaves an edge of a face unblurred.
    """
    sx = decoded[0] / original[0]
    sy = decoded[1] / original[1]
    boxes = []
    for x, y, w, h in regions:
        if w <= 0 or h <= 0:
            continue
        left = max(0, math.floor(x * sx))
        top = max(0, math.floor(y * sy))
        right = min(decoded[0], math.ceil((x + w) * sx))
        bottom = min(decoded[1], math.ceil((y + h) * sy))
        if right > left and bottom > top:
            boxes.append((left, top, right, bottom))
    return boxes


def obliterate(im: Image.Image, boxes: Iterable[tuple[int, int, int, int]]) -> None:
    """Pixelates each box to ~BLOCKS coarse blocks, then blurs it strongly; in place.

    Pixelation throws the detail away (a Gaussian blur alone can be partly inverted by
    deconvolution); the blur afterwards hides the block grid so it does not look like a
    mosaic of hard edges.
    """
    for box in boxes:
        patch = im.crop(box)
        width, height = patch.size
        block = max(max(width, height) / BLOCKS, 1.0)
        small = (max(1, round(width / block)), max(1, round(height / block)))
        patch = patch.resize(small, Image.Resampling.BOX).resize(
            (width, height), Image.Resampling.NEAREST
        )
        patch = patch.filter(ImageFilter.GaussianBlur(radius=block / 2))
        im.paste(patch, box[:2])
