"""Finding faces in a photo, and telling which of them no blur region covers.

This module owns the face detector (OpenCV's frontal-face Haar cascade, which ships inside the
opencv-python-headless wheel: nothing is downloaded at run time), its settings and version, and
the rule for "covered". It is optional: without the `faces` extra, ``available()`` is False and
nothing is detected. Detection runs in the photo workers (photos/variants.py) or the face stage
(photos/faces.py); results are cached by the photo's content (photos/cache.py).

A detector misses faces (turned away, small, in shadow) and sometimes sees one where there is
none: a warning helps the reviewer, it never replaces looking. docs/privacy.md has the figures.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

Region = tuple[int, int, int, int]  # x, y, width, height in the upright original

# Part of the cache key of a detection: bump when the detector or its settings change, so
# every photo is looked at again.
DETECTOR_VERSION = "haar-frontalface-alt/1"
CASCADE = "haarcascade_frontalface_alt.xml"
# Detection runs on the photo reduced to this longest side: a face of ~2 % of the width
# (a person across a street on a 12 MP photo) still spans the cascade's 24-pixel window, and
# a 12 MP photo takes ~0.1 s instead of ~1 s.
DETECT_SIDE = 1280
SCALE_FACTOR = 1.1
MIN_NEIGHBOURS = 4
# A face counts as blurred when at least this share of its box lies inside blur regions: a
# region drawn by thumb on a phone is never exact, and the edge of a box is hair or background.
COVERED = 0.8
INSTALL_HINT = "face detection is not installed (pip install 'followshift[faces]')"


@functools.cache
def _cascade() -> Any:
    """The classifier, loaded once per process (a worker loads it on its first photo)."""
    import cv2

    classifier = cv2.CascadeClassifier(cv2.data.haarcascades + CASCADE)  # type: ignore[attr-defined]
    if classifier.empty():  # an OpenCV build without its data files (OpenCV 5 has none)
        raise ImportError(f"{CASCADE} is missing from this OpenCV")
    return classifier


@functools.cache
def available() -> bool:
    """Whether the detector can run here (the `faces` extra installed, with its model)."""
    try:
        _cascade()
    except (ImportError, AttributeError):
        return False
    return True


def detect(image: Image.Image, full: tuple[int, int]) -> tuple[Region, ...]:
    """The faces in an upright image, as boxes in the coordinates of the upright original of
    size `full` (the image may be a reduced decode of it). Call only when available()."""
    import numpy as np

    gray = image.convert("L")
    scale = min(1.0, DETECT_SIDE / max(gray.size))
    if scale < 1.0:
        size = (max(1, round(gray.width * scale)), max(1, round(gray.height * scale)))
        gray = gray.resize(size)
    import cv2

    pixels = cv2.equalizeHist(np.asarray(gray, dtype=np.uint8))
    found = _cascade().detectMultiScale(
        pixels, scaleFactor=SCALE_FACTOR, minNeighbors=MIN_NEIGHBOURS, minSize=(24, 24)
    )
    sx = full[0] / gray.width
    sy = full[1] / gray.height
    boxes = []
    for x, y, w, h in sorted((tuple(int(v) for v in box) for box in found), key=_reading):
        left, top = math.floor(x * sx), math.floor(y * sy)
        boxes.append((left, top, math.ceil((x + w) * sx) - left, math.ceil((y + h) * sy) - top))
    return tuple(boxes)


def _reading(box: tuple[int, ...]) -> tuple[int, int]:
    return box[1], box[0]  # top to bottom, then left to right: "face 1" is stable


def covered_share(face: Region, regions: Iterable[Region]) -> float:
    """How much of the face's box lies inside the union of the regions (0..1).

    Sampled on a 10 × 10 grid of points: overlapping regions are counted once, and a tenth
    is precise enough for a threshold of 80 %.
    """
    x, y, w, h = face
    boxes = [(rx, ry, rx + rw, ry + rh) for rx, ry, rw, rh in regions if rw > 0 and rh > 0]
    if w <= 0 or h <= 0 or not boxes:
        return 0.0
    inside = 0
    for i in range(10):
        px = x + (i + 0.5) * w / 10
        for j in range(10):
            py = y + (j + 0.5) * h / 10
            inside += any(x0 <= px < x1 and y0 <= py < y1 for x0, y0, x1, y1 in boxes)
    return inside / 100


def uncovered(faces: Sequence[Region], regions: Sequence[Region]) -> tuple[Region, ...]:
    """The faces that the blur regions do not cover."""
    return tuple(face for face in faces if covered_share(face, regions) < COVERED)
