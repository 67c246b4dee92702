"""Whether a photo file is all there, from its structure, without decoding a pixel.

``probe`` opens only a photo's header, so a photo cut short (a phone still syncing it, a copy
that was interrupted) passed `check` and the read stage, and only the photo stage of `build`,
which decodes it, found it broken. Decoding in the probe would cost 30-70 ms a 12 MP photo on
every build, cached or not; walking the file's structure costs microseconds (a JPEG ends with its
EOI marker) to a few milliseconds (a JPEG with data after its image, walked marker by marker).
What a walk refuses, the decoder refuses too (files cut at several places all fail to load),
with one deliberate exception: a PNG that lacks only its final 12-byte IEND chunk, which Pillow
would still decode, is refused as cut short. A walk that cannot tell (a box running to the end of
the file) lets the file pass, and the photo stage still decodes it as before.
"""

from __future__ import annotations

import os
import re
from typing import IO

# A JPEG marker: FF then a code that is not a stuffed zero, a restart marker or more fill.
# Inside entropy-coded data only FF00 and FFD0-FFD7 occur, so this finds the end of a scan.
_JPEG_MARKER = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")
_JPEG_EOI = 0xD9
_JPEG_TEM = 0x01
_PNG_IEND = b"\x00\x00\x00\x00IEND\xaeB`\x82"
_HEIF_IMAGE_BOXES = (b"ftyp", b"meta", b"mdat", b"idat", b"moov")


def is_complete(fp: IO[bytes], kind: str) -> bool:
    """Whether the file of `kind` ("JPEG", "PNG", "WEBP", "HEIF") ends where its image says it
    does. Reads from the start of `fp`; formats without a check count as complete."""
    size = os.fstat(fp.fileno()).st_size
    if kind == "JPEG":
        return _jpeg(fp, size)
    if kind == "PNG":
        return _png(fp, size)
    if kind == "WEBP":
        fp.seek(4)
        return int.from_bytes(fp.read(4), "little") + 8 <= size
    if kind == "HEIF":
        return _boxes(fp, size)
    return True


def _jpeg(fp: IO[bytes], size: int) -> bool:
    # A camera's JPEG ends with its EOI (FFD9), which entropy-coded data cannot contain.
    fp.seek(max(0, size - 2))
    if fp.read(2) == b"\xff\xd9":
        return True
    # Data after the image (an MPO's second image, a maker's trailer) or a file cut short:
    # walk the first image's segments to its EOI, as the decoder does.
    fp.seek(0)
    data = fp.read()
    pos = 2
    while True:
        found = _JPEG_MARKER.search(data, pos)
        if found is None:
            return False
        code = data[found.start() + 1]
        pos = found.end()
        if code == _JPEG_EOI:
            return True
        if code == _JPEG_TEM:  # the one marker without a length besides SOI, EOI and RSTn
            continue
        if pos + 2 > len(data):
            return False
        pos += int.from_bytes(data[pos : pos + 2], "big")  # the length counts itself
        if pos > len(data):
            return False
        # After SOS (FFDA) the scan's entropy-coded data follows, up to the next marker.


def _png(fp: IO[bytes], size: int) -> bool:
    fp.seek(max(0, size - len(_PNG_IEND)))
    if fp.read() == _PNG_IEND:
        return True
    pos = 8  # after the signature
    while pos + 8 <= size:
        fp.seek(pos)
        head = fp.read(8)
        if head[4:8] == b"IEND":
            return True
        pos += 12 + int.from_bytes(head[:4], "big")  # length, type, data, CRC
    return False


def _boxes(fp: IO[bytes], size: int) -> bool:
    """ISO base media (HEIF): the boxes that hold the image must fit in the file. Bytes after
    them that do not (a trailer of some program) are not read by the decoder either."""
    pos = 0
    while pos + 8 <= size:
        fp.seek(pos)
        head = fp.read(16)
        length = int.from_bytes(head[:4], "big")
        if length == 0:  # the last box runs to the end of the file
            return True
        if length == 1:  # a 64-bit size follows the type
            length = int.from_bytes(head[8:16], "big")
        if pos + max(length, 8) > size:
            return head[4:8] not in _HEIF_IMAGE_BOXES
        if length < 8:
            return True  # not a box: trailing bytes
        pos += length
    return True
