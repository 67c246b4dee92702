"""The share image (og:image) of a post with a photo: 1.91:1 whatever the photo's shape, cut
around the photo's centre or, with blur regions, where it shows none of them; blur stays blur;
no metadata. Built through the real pipeline with the CLI (issue 20, item 4)."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

from conftest import DURING, SHIFT, Run, make_site, post_path, read, site_files
from PIL import ExifTags, Image, ImageDraw

from followshift.photos.share_crop import RATIO, window

BANDS = [(200, 30, 30), (30, 160, 30), (30, 30, 200), (230, 200, 40)]  # top to bottom


def banded(size: tuple[int, int], exif: bool = True) -> bytes:
    """A photo of horizontal bands of BANDS, each with fine black-and-white stripes (detail
    that blurring destroys), with EXIF (GPS) that must not survive."""
    width, height = size
    image = Image.new("RGB", size)
    draw = ImageDraw.Draw(image)
    band = height / len(BANDS)
    for n, colour in enumerate(BANDS):
        draw.rectangle([0, round(n * band), width, round((n + 1) * band)], fill=colour)
    for x in range(0, width, 6):  # vertical stripes across everything
        draw.line([x, 0, x, height], fill=(255, 255, 255), width=2)
    buffer = io.BytesIO()
    data = Image.Exif()
    if exif:
        data.get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitude] = (52.0, 1.0, 2.0)
        data[ExifTags.Base.Make] = "PhoneMaker"
    image.save(buffer, "JPEG", quality=95, exif=data)
    return buffer.getvalue()


def post_with_photo(blur: str = "") -> str:
    return (
        "---\ntitle: Portret\nphotos:\n  - file: 2030-portret.jpg\n"
        f"    alt: Een agent bij de auto\n{blur}---\nEen foto.\n"
    )


def og_of(root: Path, rel: str) -> tuple[Image.Image, dict[str, str]]:
    html = read(root, rel)
    meta = dict(re.findall(r'<meta property="(og:image[^"]*)" content="([^"]*)"', html))
    path = meta["og:image"].split("volgdienst.example.nl/", 1)[1]
    return Image.open(root / "site" / path), meta


def test_a_portrait_photo_gets_a_191_to_1_share_image_from_its_centre(
    tmp_path: Path, run: Run
) -> None:
    files = site_files(
        {
            post_path("zevenaar", "2030-portret.md"): post_with_photo(),
            post_path("zevenaar", "2030-portret.jpg"): banded((900, 1600)),
        }
    )
    root = make_site(tmp_path, files)
    assert run(["build", "--now", DURING], root).exit_code == 0

    image, meta = og_of(root, f"site/{SHIFT}/zevenaar/2030-portret/index.html")
    width, height = image.size
    assert (width, height) == (900, round(900 / RATIO))  # never upscaled to 1200
    assert (meta["og:image:width"], meta["og:image:height"]) == (str(width), str(height))
    # The middle of the photo: the second and third bands, none of the first or last.
    top, bottom = image.getpixel((3, 5)), image.getpixel((3, height - 6))
    assert close(top, BANDS[1]) and close(bottom, BANDS[2]), (top, bottom)
    # No metadata: no EXIF at all (GPS, maker), no XMP or ICC comments.
    assert not image.getexif()
    assert not {"exif", "xmp", "comment"} & set(image.info)


def test_the_share_image_moves_off_a_blurred_area_and_else_keeps_it_pixelated(
    tmp_path: Path, run: Run
) -> None:
    # Blur over the middle of a portrait photo: a window above or below it shows none of it.
    small = "    blur: [[0, 700, 900, 200]]\n"
    # Blur over most of the photo: every window shows some; the blur must stay blur.
    large = "    blur: [[0, 200, 900, 1200]]\n"
    for name, blur in (("small", small), ("large", large)):
        files = site_files(
            {
                post_path("zevenaar", "2030-portret.md"): post_with_photo(blur),
                post_path("zevenaar", "2030-portret.jpg"): banded((900, 1600)),
            }
        )
        root = make_site(tmp_path / name, files)
        assert run(["build", "--now", DURING], root).exit_code == 0
        image, _ = og_of(root, f"site/{SHIFT}/zevenaar/2030-portret/index.html")
        assert abs(image.size[0] / image.size[1] - RATIO) < 0.01
        rows = [stripes(image, y) for y in range(2, image.size[1] - 2, 4)]
        if name == "small":
            # Nearest the centre without blur: just above the region, every row still sharp.
            assert min(rows) > 30, "the share image shows part of the blurred area"
        else:
            # The window with the least blur still shows some: there the stripes are gone.
            assert min(rows) < 15, "a blurred area is sharp in the share image"
            assert max(rows) > 30


def stripes(image: Image.Image, y: int) -> float:
    """How much the row at y alternates (the fine stripes): high when sharp, ~0 when blurred."""
    grey = image.convert("L")
    values = [grey.getpixel((x, y)) for x in range(grey.size[0])]
    return sum(abs(a - b) for a, b in itertools.pairwise(values)) / len(values)


def close(colour: tuple[int, ...], expected: tuple[int, int, int]) -> bool:
    # Between stripes: the band's colour, give or take JPEG.
    return all(abs(a - b) < 40 for a, b in zip(colour, expected, strict=False))


def test_the_window_is_centred_and_avoids_blur_nearest_the_centre() -> None:
    assert window((1200, 1600)) == (0, 486, 1200, 1114)  # portrait: a band across the middle
    assert window((4000, 1000)) == (1045, 0, 2955, 1000)  # panorama: full height, centred
    assert window((1910, 1000)) == (0, 0, 1910, 1000)  # already 1.91:1: all of it
    # A face in the middle: the nearest window without it (here just below it).
    assert window((1200, 1600), [(400, 650, 800, 850)]) == (0, 850, 1200, 1478)
    # Blur over the lower half: the free window nearest the centre, just above it.
    assert window((1200, 1600), [(0, 700, 1200, 1600)]) == (0, 72, 1200, 700)
    # Nowhere free: the window with the least blur in it.
    assert window((1200, 1600), [(0, 300, 1200, 1350)]) == (0, 0, 1200, 628)
