"""Writes a deterministic corpus of phone-like photos for bench_processor.py.

Each photo is a 4032x3024 JPEG (12 MP, like an iPhone) of shapes on a gradient with
film-grain noise, so that it compresses like a real photo (about 2-4 MB at quality 92),
carrying the EXIF a phone writes: Make/Model, DateTimeOriginal + OffsetTimeOriginal, GPS,
a maker note, and Orientation 6 (held upright) on every fourth photo.

    python bench/photos/make_corpus.py bench/corpus --posts 270 --seed 1
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import datetime, timedelta
from pathlib import Path

from PIL import ExifTags, Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 4032, 3024
GRAIN = 0.16  # share of the noise layer; tuned so files land at ~2-4 MB
START = datetime(2024, 5, 4, 21, 0, 0)


def _colour(rng: random.Random) -> tuple[int, int, int]:
    return (rng.randrange(256), rng.randrange(256), rng.randrange(256))


def _scene(rng: random.Random) -> Image.Image:
    # A sky-to-street gradient: large smooth areas like most photos have.
    top, bottom = _colour(rng), _colour(rng)
    gradient = Image.linear_gradient("L").resize((WIDTH, HEIGHT))
    size = (WIDTH, HEIGHT)
    im = Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), gradient)
    draw = ImageDraw.Draw(im)
    for _ in range(rng.randrange(25, 45)):
        x, y = rng.randrange(-400, WIDTH), rng.randrange(-400, HEIGHT)
        w, h = rng.randrange(60, 1400), rng.randrange(60, 1400)
        shape = rng.choice(("rectangle", "ellipse", "polygon", "line"))
        if shape == "rectangle":
            draw.rectangle((x, y, x + w, y + h), fill=_colour(rng))
        elif shape == "ellipse":
            draw.ellipse((x, y, x + w, y + h), fill=_colour(rng))
        elif shape == "polygon":
            points = [(x + rng.randrange(w), y + rng.randrange(h)) for _ in range(5)]
            draw.polygon(points, fill=_colour(rng))
        else:
            draw.line((x, y, x + w, y + h), fill=_colour(rng), width=rng.randrange(4, 40))
    # Real lenses are not razor sharp.
    return im.filter(ImageFilter.GaussianBlur(1.5))


def _grain(rng: random.Random) -> Image.Image:
    # Noise made at half size and enlarged: sensor grain is a little soft, not per-pixel.
    size = (WIDTH // 2, HEIGHT // 2)
    noise = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return noise.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR)


def _exif(rng: random.Random, index: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 13 Pro"
    exif[ExifTags.Base.Software] = "17.4.1"
    exif[ExifTags.Base.Orientation] = 6 if index % 4 == 3 else 1
    taken = START + timedelta(seconds=index * 97 + rng.randrange(60))
    stamp = taken.strftime("%Y:%m:%d %H:%M:%S")
    exif[ExifTags.Base.DateTime] = stamp
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = stamp
    sub[ExifTags.Base.OffsetTimeOriginal] = "+02:00"
    sub[ExifTags.Base.MakerNote] = b"Apple iOS\x00" + rng.randbytes(600)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat, lon = 52.37 + rng.uniform(-0.05, 0.05), 4.89 + rng.uniform(-0.05, 0.05)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (float(int(lat)), float(int(lat * 60 % 60)), lat * 3600 % 60)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (float(int(lon)), float(int(lon * 60 % 60)), lon * 3600 % 60)
    return exif


def make_photo(path: Path, seed: int, index: int) -> None:
    rng = random.Random(f"{seed}:{index}")
    im = Image.blend(_scene(rng), _grain(rng), GRAIN)
    im.save(path, "JPEG", quality=92, exif=_exif(rng, index).tobytes())


def photo_path(folder: Path, seed: int, index: int) -> Path:
    return folder / f"photo-s{seed}-{index:04d}.jpg"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write photo-sSEED-NNNN.jpg into")
    parser.add_argument("--posts", type=int, default=270, help="number of photos")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for index in range(args.posts):
        path = photo_path(args.out, args.seed, index)
        if not path.exists():  # the corpus is deterministic, so existing files are reusable
            make_photo(path, args.seed, index)
        print(f"\r{index + 1}/{args.posts}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
