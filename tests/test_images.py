"""Tests of followshift.photos: privacy, orientation, colour, blur, widths, errors, cache.

Every image is made here with Pillow; none is committed.
"""

from __future__ import annotations

import io
import json
import random
import shutil
import struct
import subprocess
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import pillow_heif
import pytest
from PIL import ExifTags, Image, ImageStat
from PIL.PngImagePlugin import PngInfo

import followshift.photos.processor as processor_module
from followshift.photos import (
    ImageError,
    ImageProcessor,
    ImageSettings,
    PhotoRequest,
    PhotoResult,
    probe,
)

SMALL = ImageSettings(widths=(120, 240), og_width=200)
SECRET = "Marnixstraat-42-secret"  # must never appear in a published file


# --- helpers ---------------------------------------------------------------------------


def phone_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 13 Pro"
    exif[ExifTags.Base.Orientation] = orientation
    exif[ExifTags.Base.ImageDescription] = SECRET
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2024:05:04 21:13:05"
    sub[ExifTags.Base.OffsetTimeOriginal] = "+02:00"
    sub[ExifTags.Base.MakerNote] = SECRET.encode() + b"\0" * 32
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 1.25)
    return exif


def noise(size: tuple[int, int], block: int = 1, seed: int = 0) -> Image.Image:
    """Random RGB noise; with block > 1 it is made of block x block squares, which survive
    downscaling (JPEG draft, resizing) as strong variance."""
    small = (max(1, size[0] // block), max(1, size[1] // block))
    data = random.Random(seed).randbytes(small[0] * small[1] * 3)
    return Image.frombytes("RGB", small, data).resize(size, Image.Resampling.NEAREST)


def save_jpeg(path: Path, im: Image.Image, orientation: int = 1, **extra: object) -> Path:
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>{SECRET}</rdf:Description>'
    im.save(
        path,
        "JPEG",
        quality=90,
        exif=phone_exif(orientation).tobytes(),
        xmp=(xmp + "</x:xmpmeta>").encode(),
        comment=SECRET,
        **extra,
    )
    return path


def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def display_p3_icc() -> bytes:
    """A minimal ICC v2 matrix/TRC profile with Display P3's D50-adapted primaries and the
    sRGB tone curve, like the one iPhones embed (no such file ships with any package here)."""

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + _s15(x) + _s15(y) + _s15(z)

    text = b"Display P3 (test)\0"
    srgb_curve = b"para" + bytes(4) + struct.pack(">HH", 3, 0)
    srgb_curve += b"".join(_s15(v) for v in (2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045))
    tags = {
        b"desc": b"desc" + bytes(4) + struct.pack(">I", len(text)) + text + bytes(78),
        b"wtpt": xyz(0.9642, 1.0, 0.8249),
        b"rXYZ": xyz(0.515121, 0.241196, -0.001053),
        b"gXYZ": xyz(0.291977, 0.692245, 0.041885),
        b"bXYZ": xyz(0.157104, 0.066574, 0.784073),
        b"rTRC": srgb_curve,
        b"gTRC": srgb_curve,
        b"bTRC": srgb_curve,
        b"cprt": b"text" + bytes(4) + b"none\0",
    }
    table, body = b"", b""
    start = 128 + 4 + 12 * len(tags)
    for sig, data in tags.items():
        data += bytes(-len(data) % 4)
        table += sig + struct.pack(">II", start + len(body), len(data))
        body += data
    header = struct.pack(">I", start + len(body)) + b"lcms" + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(28)
    header += _s15(0.9642) + _s15(1.0) + _s15(0.8249) + bytes(48)
    return header + struct.pack(">I", len(tags)) + table + body


def process_one(
    tmp_path: Path, source: Path, settings: ImageSettings = SMALL, blur: tuple = ()
) -> PhotoResult:
    request = PhotoRequest(source, blur)
    outcome = ImageProcessor(tmp_path / "cache", settings).process([request], workers=1)
    result = outcome[request]
    assert isinstance(result, PhotoResult), result
    return result


def published(result: PhotoResult) -> list[Path]:
    return [v.path for v in result.variants] + [result.og.path]


def variant(result: PhotoResult, fmt: str, width: int) -> Image.Image:
    (match,) = [v for v in result.variants if v.format == fmt and v.width == width]
    return Image.open(match.path)


def variance(im: Image.Image, box: tuple[int, int, int, int] | None = None) -> float:
    region = im.crop(box) if box else im
    return sum(ImageStat.Stat(region.convert("RGB")).var) / 3


# --- privacy -----------------------------------------------------------------------------


def assert_no_metadata(path: Path) -> None:
    with Image.open(path) as im:
        assert len(im.getexif()) == 0, path
        for key in ("exif", "icc_profile", "xmp", "XML:com.adobe.xmp", "comment", "Comment"):
            assert key not in im.info, (path, key)
    assert SECRET.encode() not in path.read_bytes()


def test_gps_maker_and_xmp_are_stripped(tmp_path: Path) -> None:
    source = save_jpeg(tmp_path / "gps.jpg", noise((600, 400), block=8))
    result = process_one(tmp_path, source)
    for path in published(result):
        assert_no_metadata(path)


@pytest.mark.skipif(shutil.which("exiftool") is None, reason="exiftool not installed")
def test_exiftool_sees_no_metadata(tmp_path: Path) -> None:
    source = save_jpeg(tmp_path / "gps.jpg", noise((600, 400), block=8))
    result = process_one(tmp_path, source)
    files = [str(p) for p in published(result)]
    out = subprocess.run(["exiftool", "-json", "-G1", "-a", *files], capture_output=True)
    # Only what describes the file itself (name, size, codec) may be there.
    allowed = {"SourceFile", "ExifTool", "System", "File", "JFIF", "RIFF", "Composite"}
    for record in json.loads(out.stdout):
        for key in record:
            group, _, tag = key.partition(":")
            assert group in allowed, key
            assert not tag.startswith("GPS") and tag not in ("Make", "Model"), key
            assert group == "System" or "Date" not in tag, key


def test_png_text_chunks_are_dropped(tmp_path: Path) -> None:
    meta = PngInfo()
    meta.add_text("Comment", SECRET)
    meta.add_itxt("Description", SECRET)
    source = tmp_path / "text.png"
    noise((300, 200), block=4).save(source, pnginfo=meta)
    with Image.open(source) as im:
        assert im.info["Comment"] == SECRET  # the chunk is really there
    for path in published(process_one(tmp_path, source)):
        assert_no_metadata(path)


def test_heic_is_processed_and_stripped(tmp_path: Path) -> None:
    source = tmp_path / "phone.heic"
    noise((640, 480), block=16).save(source, "HEIF", exif=phone_exif().tobytes())
    assert probe(source, SMALL).format == "HEIF"
    result = process_one(tmp_path, source)
    assert (result.width, result.height) == (240, 180)
    for path in published(result):
        assert_no_metadata(path)


# --- orientation and colour ----------------------------------------------------------------


def test_orientation_6_comes_out_upright(tmp_path: Path) -> None:
    stored = Image.new("RGB", (400, 300), "white")
    stored.paste((255, 0, 0), (0, 0, 100, 100))  # red in the *stored* top-left corner
    source = save_jpeg(tmp_path / "rotated.jpg", stored, orientation=6)
    result = process_one(tmp_path, source, ImageSettings(widths=(300,), og_width=300))
    assert (result.width, result.height) == (300, 400)
    with variant(result, "jpeg", 300) as im:
        assert im.size == (300, 400)
        # Orientation 6 means "rotate 90° clockwise to view": stored top-left -> top-right.
        right = im.getpixel((280, 20))
        left = im.getpixel((20, 20))
        assert right[0] > 200 and right[1] < 60, right
        assert min(left) > 200, left


def test_display_p3_is_converted_to_srgb(tmp_path: Path) -> None:
    # Pure P3 red lies outside sRGB, so any conversion clips it to (255, 0, 0), exactly the
    # raw value; an in-gamut P3 red shows the conversion instead.
    source = tmp_path / "p3.png"
    Image.new("RGB", (300, 200), (200, 60, 60)).save(source, icc_profile=display_p3_icc())
    result = process_one(tmp_path, source)
    for path in published(result):
        assert_no_metadata(path)
    with variant(result, "webp", 240) as im:
        r, g, b = im.convert("RGB").getpixel((120, 90))
    # In sRGB the same colour is more saturated: about (219, 37, 49).
    assert r >= 212 and g <= 45 and b <= 56, (r, g, b)


def test_srgb_profile_leaves_colours_alone(tmp_path: Path) -> None:
    from PIL import ImageCms

    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = tmp_path / "srgb.png"
    Image.new("RGB", (300, 200), (200, 60, 60)).save(source, icc_profile=srgb)
    with variant(process_one(tmp_path, source), "webp", 240) as im:
        pixel = im.convert("RGB").getpixel((120, 90))
    assert all(abs(a - b) <= 3 for a, b in zip(pixel, (200, 60, 60), strict=True)), pixel


def test_other_modes_and_mpo_are_published_as_rgb(tmp_path: Path) -> None:
    sources = {
        "cmyk.jpg": Image.new("CMYK", (300, 200), (0, 255, 255, 0)),  # red
        "grey16.png": Image.new("I;16", (300, 200), 40000),  # 16-bit, not clipped to white
        "palette.png": Image.new("P", (300, 200), 0),
    }
    sources["palette.png"].putpalette([255, 0, 0])
    for name, im in sources.items():
        im.save(tmp_path / name)
    # iPhone photos with a depth or gain map are MPO: a JPEG with more images appended.
    first = Image.new("RGB", (300, 200), (255, 0, 0))
    first.save(tmp_path / "phone.mpo.jpg", "MPO", save_all=True, append_images=[first])
    with Image.open(tmp_path / "phone.mpo.jpg") as im:
        assert im.format == "MPO"
    for name in [*sources, "phone.mpo.jpg"]:
        with variant(process_one(tmp_path, tmp_path / name), "jpeg", 240) as im:
            assert im.mode == "RGB"
            pixel = im.getpixel((100, 80))
        if name == "grey16.png":
            assert 150 <= pixel[0] <= 160 and pixel[0] == pixel[1] == pixel[2], pixel
        else:
            assert pixel[0] > 240 and pixel[1] < 20 and pixel[2] < 20, (name, pixel)


def test_transparency_is_flattened_onto_white(tmp_path: Path) -> None:
    source = tmp_path / "alpha.png"
    Image.new("RGBA", (300, 200), (0, 0, 0, 0)).save(source)
    with variant(process_one(tmp_path, source), "jpeg", 240) as im:
        assert im.mode == "RGB"
        assert min(im.getpixel((10, 10))) >= 250


# --- blur --------------------------------------------------------------------------------


def test_blur_destroys_the_region_and_keeps_the_rest(tmp_path: Path) -> None:
    source = tmp_path / "noisy.png"
    original = noise((800, 600), block=2)
    original.save(source)
    region = (200, 150, 300, 200)
    settings = ImageSettings(widths=(800,), og_width=800)
    result = process_one(tmp_path, source, settings, blur=(region,))
    inside = (208, 158, 492, 342)  # inset: JPEG blocks at the edge mix in sharp pixels
    outside = (520, 380, 780, 580)
    before_in, before_out = variance(original, inside), variance(original, outside)
    for fmt in ("jpeg", "webp"):
        with variant(result, fmt, 800) as im:
            assert variance(im, inside) < 0.05 * before_in, fmt
            assert variance(im, outside) > 0.6 * before_out, fmt


def test_blur_regions_are_upright_full_resolution_coordinates(tmp_path: Path) -> None:
    # Stored 1600x1200 with orientation 6: upright 1200x1600. Publishing 300 px lets JPEG
    # draft decode at 1/4, so the region must be both rotated and scaled to land right.
    source = save_jpeg(tmp_path / "portrait.jpg", noise((1600, 1200), block=16), orientation=6)
    settings = ImageSettings(widths=(300,), og_width=300)
    result = process_one(tmp_path, source, settings, blur=((0, 0, 600, 800),))
    with variant(result, "jpeg", 300) as im:
        assert im.size == (300, 400)
        top_left, bottom_right = variance(im, (4, 4, 146, 196)), variance(im, (154, 204, 296, 396))
    assert top_left < 0.05 * bottom_right


def test_blur_regions_are_clamped_and_empty_ones_ignored(tmp_path: Path) -> None:
    source = tmp_path / "noisy.png"
    noise((400, 300), block=2).save(source)
    settings = ImageSettings(widths=(400,), og_width=400)
    blur = ((300, 200, 5000, 5000), (10, 10, 0, 50), (-50, -50, 20, 20))
    result = process_one(tmp_path, source, settings, blur=blur)
    with variant(result, "webp", 400) as im:
        assert variance(im, (308, 208, 400, 300)) < 0.05 * variance(im, (20, 20, 280, 180))


# --- widths ------------------------------------------------------------------------------


def test_phone_photo_gets_every_width(tmp_path: Path) -> None:
    source = tmp_path / "big.jpg"
    Image.linear_gradient("L").resize((4032, 3024)).convert("RGB").save(source)
    result = process_one(tmp_path, source, ImageSettings())
    sizes = [(v.format, v.width, v.height) for v in result.variants]
    assert sizes == [
        ("jpeg", 480, 360),
        ("jpeg", 960, 720),
        ("jpeg", 1600, 1200),
        ("webp", 480, 360),
        ("webp", 960, 720),
        ("webp", 1600, 1200),
    ]
    assert (result.width, result.height) == (1600, 1200)
    # The share image is a 1.91:1 window of the photo (photos/share_crop.py).
    assert (result.og.width, result.og.height, result.og.format) == (1200, 628, "jpeg")
    assert [p.name for p in published(result)][-1] == "og.jpg"
    for v in (*result.variants, result.og):
        with Image.open(v.path) as im:
            assert im.size == (v.width, v.height)
            assert im.format == v.format.upper()


def test_widths_above_the_source_are_dropped(tmp_path: Path) -> None:
    source = tmp_path / "600.png"
    noise((600, 400), block=4).save(source)
    result = process_one(tmp_path, source, ImageSettings())
    assert sorted({v.width for v in result.variants}) == [480]
    assert (result.og.width, result.og.height) == (600, 314)  # never enlarged, 1.91:1


def test_source_narrower_than_every_width_is_published_at_its_own_width(tmp_path: Path) -> None:
    source = tmp_path / "300.png"
    noise((300, 200), block=4).save(source)
    result = process_one(tmp_path, source, ImageSettings())
    assert [(v.format, v.width, v.height) for v in result.variants] == [
        ("jpeg", 300, 200),
        ("webp", 300, 200),
    ]
    assert (result.og.width, result.width) == (300, 300)


# --- errors ------------------------------------------------------------------------------


def error_for(tmp_path: Path, source: Path, settings: ImageSettings = SMALL) -> str:
    request = PhotoRequest(source)
    outcome = ImageProcessor(tmp_path / "cache", settings).process([request])[request]
    assert isinstance(outcome, ImageError), outcome
    return str(outcome)


def test_truncated_jpeg_is_an_image_error(tmp_path: Path) -> None:
    whole = save_jpeg(tmp_path / "whole.jpg", noise((600, 400), block=2)).read_bytes()
    source = tmp_path / "cut.jpg"
    source.write_bytes(whole[: len(whole) // 2])
    assert error_for(tmp_path, source) == "image is corrupt or truncated"


def test_text_file_named_jpg_is_an_image_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.jpg"
    source.write_text("shift notes, not a photo\n")
    assert error_for(tmp_path, source) == "not a supported image (JPEG, PNG, WebP, HEIC)"
    with pytest.raises(ImageError, match="not a supported image"):
        probe(source, SMALL)


def test_other_formats_are_rejected(tmp_path: Path) -> None:
    source = tmp_path / "anim.gif"
    Image.new("RGB", (50, 50), "red").save(source)
    assert error_for(tmp_path, source) == "not a supported image (JPEG, PNG, WebP, HEIC)"


def test_too_many_pixels_is_rejected_before_decoding(tmp_path: Path) -> None:
    source = tmp_path / "big.png"
    Image.new("RGB", (200, 100)).save(source)
    limited = ImageSettings(widths=(120,), max_pixels=10_000)
    message = "image has 20,000 pixels, more than the limit of 10,000"
    assert error_for(tmp_path, source, limited) == message
    with pytest.raises(ImageError, match="20,000 pixels"):
        probe(source, limited)


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims a size in its header and has almost no pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(bytes(100))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ((9000, 9000), "image has 81,000,000 pixels, more than the limit of 64,000,000"),
        # Beyond Pillow's own decompression-bomb limit, which fires inside Image.open.
        ((20000, 20000), "image has more pixels than the limit of 64,000,000"),
    ],
)
def test_pixel_limit_is_checked_from_the_header(
    tmp_path: Path, size: tuple[int, int], message: str
) -> None:
    # The data is garbage: reaching the pixel check rather than "corrupt" proves nothing
    # was decoded first.
    source = tmp_path / "bomb.png"
    source.write_bytes(png_header(*size))
    assert error_for(tmp_path, source, ImageSettings()) == message
    with pytest.raises(ImageError) as raised:
        probe(source, ImageSettings())
    assert str(raised.value) == message


def test_malformed_blur_fails_only_its_own_request(tmp_path: Path) -> None:
    source = tmp_path / "p.png"
    noise((200, 150), block=4).save(source)
    bad = PhotoRequest(source, ((1, 2, 3),))  # type: ignore[arg-type]
    good = PhotoRequest(source, ((1, 2, 3, 4),))
    outcomes = ImageProcessor(tmp_path / "cache", SMALL).process([bad, good])
    assert str(outcomes[bad]).startswith("a blur region must be four whole numbers")
    assert isinstance(outcomes[good], PhotoResult)


def test_missing_file_is_an_image_error(tmp_path: Path) -> None:
    assert error_for(tmp_path, tmp_path / "gone.jpg").startswith("cannot read the file")


def test_pool_keeps_failures_per_photo(tmp_path: Path) -> None:
    good = [tmp_path / f"good{i}.png" for i in range(3)]
    for i, path in enumerate(good):
        noise((300, 200), block=4, seed=i).save(path)
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0garbage")
    requests = [PhotoRequest(p) for p in [*good, bad]]
    calls: list[tuple[int, int]] = []
    processor = ImageProcessor(tmp_path / "cache", SMALL)
    outcomes = processor.process(requests, workers=2, progress=lambda d, t: calls.append((d, t)))
    assert list(outcomes) == requests
    assert all(isinstance(outcomes[r], PhotoResult) for r in requests[:3])
    assert isinstance(outcomes[requests[3]], ImageError)
    assert calls == [(1, 4), (2, 4), (3, 4), (4, 4)]


# --- cache -------------------------------------------------------------------------------


def test_second_run_comes_from_the_cache_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = [tmp_path / f"p{i}.png" for i in range(2)]
    for i, path in enumerate(sources):
        noise((300, 200), block=4, seed=i).save(path)
    requests = [PhotoRequest(p) for p in sources]
    processor = ImageProcessor(tmp_path / "cache", SMALL)
    first = processor.process(requests, workers=1)
    files = [p for r in first.values() for p in published(r)]  # type: ignore[arg-type]
    mtimes = [p.stat().st_mtime_ns for p in files]
    for result in first.values():
        assert isinstance(result, PhotoResult)
        assert (result.og.path.parent / "info.json").is_file()
        assert result.og.path.parent.parent.name == result.key[:2]
        assert len(result.key) >= 16

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("a cached photo was opened or rendered")

    monkeypatch.setattr(processor_module, "render_job", no_decoding)
    monkeypatch.setattr(Image, "open", no_decoding)
    second = ImageProcessor(tmp_path / "cache", SMALL).process(requests, workers=1)
    assert second == first
    assert [p.stat().st_mtime_ns for p in files] == mtimes


def test_incomplete_entry_is_rebuilt(tmp_path: Path) -> None:
    source = tmp_path / "p.png"
    noise((300, 200), block=4).save(source)
    result = process_one(tmp_path, source)
    result.variants[0].path.write_bytes(b"half a fi")  # as if a crash cut it short
    again = process_one(tmp_path, source)
    assert again == result
    with Image.open(again.variants[0].path) as im:
        im.load()
    (result.og.path.parent / "info.json").unlink()
    assert process_one(tmp_path, source) == result
    assert not list(result.og.path.parent.glob("*.tmp"))


def test_key_depends_on_bytes_blur_and_settings(tmp_path: Path) -> None:
    source = tmp_path / "p.png"
    noise((300, 200), block=4).save(source)
    copy = tmp_path / "copy.png"
    copy.write_bytes(source.read_bytes())
    base = process_one(tmp_path, source).key
    assert process_one(tmp_path, copy).key == base
    assert process_one(tmp_path, source, blur=((0, 0, 10, 10),)).key != base
    assert process_one(tmp_path, source, ImageSettings(widths=(120, 240), quality=70)).key != base
    # max_pixels only decides acceptance, so it does not invalidate the cache...
    assert (
        process_one(
            tmp_path, source, ImageSettings(widths=(120, 240), og_width=200, max_pixels=10**6)
        ).key
        == base
    )
    # ...but a lowered limit is still enforced on a cache hit.
    tight = ImageSettings(widths=(120, 240), og_width=200, max_pixels=1000)
    assert error_for(tmp_path, source, tight).startswith("image has 60,000 pixels")


def test_prune_removes_unused_entries(tmp_path: Path) -> None:
    sources = [tmp_path / f"p{i}.png" for i in range(3)]
    for i, path in enumerate(sources):
        noise((200, 150), block=4, seed=i).save(path)
    processor = ImageProcessor(tmp_path / "cache", SMALL)
    results = processor.process([PhotoRequest(p) for p in sources], workers=1)
    keys = [r.key for r in results.values() if isinstance(r, PhotoResult)]
    assert processor.prune([keys[0]]) == 2
    assert results[PhotoRequest(sources[0])].og.path.is_file()  # type: ignore[union-attr]
    entries = list((tmp_path / "cache" / "images").glob("*/*"))
    assert [e.name for e in entries] == [keys[0]]
    assert processor.prune([keys[0]]) == 0


# --- probe -------------------------------------------------------------------------------


def test_probe_reads_capture_time_and_upright_size(tmp_path: Path) -> None:
    source = save_jpeg(tmp_path / "p.jpg", Image.new("RGB", (400, 300)), orientation=6)
    info = probe(source, SMALL)
    assert (info.width, info.height, info.format) == (300, 400, "JPEG")
    assert info.taken == datetime(2024, 5, 4, 21, 13, 5)
    assert info.taken_offset == timedelta(hours=2)


def test_probe_without_exif(tmp_path: Path) -> None:
    source = tmp_path / "p.webp"
    Image.new("RGB", (64, 48)).save(source)
    info = probe(source, SMALL)
    assert (info.width, info.height, info.format, info.taken, info.taken_offset) == (
        64,
        48,
        "WEBP",
        None,
        None,
    )


def test_settings_are_validated() -> None:
    with pytest.raises(ValueError):
        ImageSettings(widths=())
    with pytest.raises(ValueError):
        ImageSettings(quality=0)


def test_heif_opener_is_registered() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32)).save(buf, "HEIF")
    assert pillow_heif.is_supported(buf.getvalue())
