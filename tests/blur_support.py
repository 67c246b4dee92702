"""Helpers of the blur tests: a photo stored sideways (EXIF Orientation 6) with a face in it,
sent by an officer through the desk, and how pixelated an area of a picture is."""

from __future__ import annotations

import io
from pathlib import Path

from desk_support import SHIFT_NOW, Client
from PIL import Image, ImageOps

# The top of scikit-image's astronaut (NASA, public domain): 512 × 288 upright, one face.
UPRIGHT = Image.open(Path(__file__).parent / "data" / "astronaut.jpg").convert("RGB")


def sideways_jpeg() -> bytes:
    """UPRIGHT stored turned a quarter to the left, with Orientation 6 saying "turn it right",
    as a phone held upright writes it: the stored pixels are 288 × 512."""
    stored = UPRIGHT.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=92, exif=exif.tobytes())
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert ImageOps.exif_transpose(check).size == UPRIGHT.size
    return data


def send_photo(client: Client, data: bytes, text: str = "Bezoek op het bureau.") -> None:
    fields = {**client.form(), "shift": SHIFT_NOW, "title": "", "text": text}
    fields["alt1"] = "Een astronaut in oranje pak"
    sent = client.post("/send", fields, {"photo1": ("IMG_0001.JPG", data)})
    assert sent.status == 200, sent.text


def block_variance(image: Image.Image, box: tuple[int, int, int, int], block: int = 8) -> float:
    """The mean variance of the grey values within block × block squares inside box
    (left, top, right, bottom): detail gives a high value, pixelation a low one."""
    from statistics import fmean, pvariance

    grey = image.convert("L")
    left, top, right, bottom = box
    values = []
    for y in range(top, bottom - block + 1, block):
        for x in range(left, right - block + 1, block):
            square = grey.crop((x, y, x + block, y + block))
            values.append(pvariance(list(square.tobytes())))
    return fmean(values)
