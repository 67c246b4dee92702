"""A small labelled set of photos for the face detector, made from images scikit-image ships.

- `astronaut` (one face, frontal) and `camera` (one face, in profile, an eye at the
  viewfinder) are labelled by hand, boxes from forehead to chin;
- 10 "crowd" sheets tile the 100 face crops of the LFW subset scikit-image ships (25 × 25
  grey pixels each, enlarged 4 ×) on a grey background, 10 faces a sheet, each crop labelled;
- 10 sheets of its 100 non-face crops and 14 photos without a human face (a cat, coffee, a
  rocket, a motorcycle, coins, a clock, the moon, text…) give the false alarms.

`python tests/faces_support.py` prints the figures that docs/privacy.md quotes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from PIL import Image

Region = tuple[int, int, int, int]
CROP = 100  # an LFW crop enlarged to this size
GAP = 60

HAND_LABELLED: dict[str, list[Region]] = {
    # Eileen Collins: forehead to chin, ear to ear.
    "astronaut": [(160, 30, 105, 135)],
    # The cameraman's face in profile, eye at the viewfinder.
    "camera": [(175, 85, 75, 110)],
}
NO_FACES = [
    "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "coins.png",
    "clock_motion.png", "moon.png", "brick.png", "grass.png", "gravel.png", "horse.png",
    "text.png", "page.png", "hubble_deep_field.jpg",
]  # fmt: skip


def _sheet(crops: Sequence[object], kind: str) -> tuple[Image.Image, list[Region]]:
    import numpy as np

    columns = 5
    rows = (len(crops) + columns - 1) // columns
    sheet = Image.new("L", (GAP + columns * (CROP + GAP), GAP + rows * (CROP + GAP)), 128)
    boxes = []
    for n, crop in enumerate(crops):
        tile = Image.fromarray((np.asarray(crop) * 255).astype(np.uint8)).resize(
            (CROP, CROP), Image.Resampling.BICUBIC
        )
        x = GAP + (n % columns) * (CROP + GAP)
        y = GAP + (n // columns) * (CROP + GAP)
        sheet.paste(tile, (x, y))
        boxes.append((x, y, CROP, CROP))
    return sheet.convert("RGB"), boxes if kind == "faces" else []


def labelled_set() -> Iterator[tuple[str, Image.Image, list[Region]]]:
    """(name, upright RGB image, face boxes) for every image of the set."""
    import numpy as np
    from skimage import data

    for name, faces in HAND_LABELLED.items():
        yield name, Image.fromarray(np.asarray(getattr(data, name)())).convert("RGB"), faces
    lfw = data.lfw_subset()  # the first 100 are faces, the other 100 are not
    for start in range(0, 100, 10):
        image, boxes = _sheet(lfw[start : start + 10], "faces")
        yield f"lfw-faces-{start // 10 + 1}", image, boxes
    for start in range(100, 200, 10):
        image, _ = _sheet(lfw[start : start + 10], "other")
        yield f"lfw-other-{start // 10 - 9}", image, []
    folder = Path(data.__file__).parent  # the files inside the wheel: no download
    for name in NO_FACES:
        with Image.open(folder / name) as image:
            yield name.split(".")[0], image.convert("RGB"), []


def iou(a: Region, b: Region) -> float:
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    union = aw * ah + bw * bh - w * h
    return w * h / union if union else 0.0


def score(
    detect: Callable[[Image.Image, tuple[int, int]], Sequence[Region]],
) -> dict[str, tuple[int, int, int]]:
    """(hits, misses, false alarms) per image: a detection hits a labelled face when their
    boxes overlap by at least 30 % (intersection over union); each face is hit at most once."""
    results = {}
    for name, image, faces in labelled_set():
        found = list(detect(image, image.size))
        hits = 0
        for face in faces:
            match = next((f for f in found if iou(f, face) >= 0.3), None)
            if match is not None:
                hits += 1
                found.remove(match)
        results[name] = (hits, len(faces) - hits, len(found))
    return results


if __name__ == "__main__":
    from followshift.privacy import faces as detector

    totals = [0, 0, 0]
    for name, (hits, misses, alarms) in score(detector.detect).items():
        print(f"{name:22} hits {hits:3}  misses {misses:3}  false alarms {alarms:3}")
        totals = [totals[0] + hits, totals[1] + misses, totals[2] + alarms]
    print(f"{'total':22} hits {totals[0]:3}  misses {totals[1]:3}  false alarms {totals[2]:3}")
