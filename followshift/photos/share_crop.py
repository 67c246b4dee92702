"""Where a photo's share image (og:image) is cut out: 1.91:1, the shape every network shows.

A photo of any other shape would be cropped by each network on its own (a portrait phone photo
to a strip across the middle, often through someone's face). So the pipeline cuts the share
image itself: the widest 1.91:1 window the photo holds, centred; and when the photo has blur
regions, the window nearest the centre that shows none of them (a share card that is mostly a
pixelated face or number plate says nothing). When every window would show blur, the one that
shows the least of it. The window is cut from the pixels after blurring, so blur stays blur.
"""

from __future__ import annotations

from collections.abc import Sequence

RATIO = 1.91  # width : height of og:image (Facebook, LinkedIn, X's large card)

Box = tuple[int, int, int, int]  # left, top, right, bottom


def window(size: tuple[int, int], blurred: Sequence[Box] = ()) -> Box:
    """The 1.91:1 box of an image of `size` to publish as its share image."""
    width, height = size
    if width >= height * RATIO:  # a panorama: full height, move sideways
        span, length = max(1, round(height * RATIO)), width
        spans = [(left, right) for left, _, right, _ in blurred]
    else:  # portrait, square, landscape: full width, move up or down
        span, length = max(1, round(width / RATIO)), height
        spans = [(top, bottom) for _, top, _, bottom in blurred]
    offset = _offset(length, min(span, length), spans)
    if width >= height * RATIO:
        return offset, 0, offset + min(span, length), height
    return 0, offset, width, offset + min(span, length)


def _offset(length: int, span: int, blurred: Sequence[tuple[int, int]]) -> int:
    centre = (length - span) // 2
    if not blurred:
        return centre

    def shown(offset: int) -> int:  # how much blur the window at `offset` shows
        return sum(max(0, min(b, offset + span) - max(a, offset)) for a, b in blurred)

    # The window only changes what it shows where one of its edges meets a region's edge: the
    # best offset is the centre or one of those places.
    candidates = {centre, 0, length - span}
    for a, b in blurred:
        candidates.update((a - span, b, a, b - span))
    valid = [c for c in candidates if 0 <= c <= length - span]
    return min(valid, key=lambda c: (shown(c), abs(c - centre), c))


def output_size(box: Box, scale: float, most: int) -> tuple[int, int]:
    """The share image's size: the window's width in the original's pixels (`scale` from the
    decoded image), at most `most` wide, never upscaled; 1.91:1."""
    width = max(1, min(most, round((box[2] - box[0]) * scale)))
    return width, max(1, round(width / RATIO))
