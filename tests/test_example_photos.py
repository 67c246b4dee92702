"""The example photos under content/ keep the phone EXIF that scripts/stamp_example_exif.py lists.

The example site shows followshift stripping what a phone writes, so its photos must carry it:
GPS, camera and capture time. The table in the script and the committed photos must not drift.
"""

from __future__ import annotations

import importlib.util
import struct
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pillow_heif
from PIL import ExifTags, Image

REPO = Path(__file__).resolve().parent.parent
SCRIPT = REPO / "scripts" / "stamp_example_exif.py"


def _stamper() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stamp_example_exif", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_example_photos_match_the_exif_table() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_the_table_lists_every_example_photo() -> None:
    listed = {shot.path for shot in _stamper().SHOTS}
    content = REPO / "content"
    on_disk = {
        str(p.relative_to(content)) for p in content.rglob("*") if p.suffix in (".jpg", ".heic")
    }
    assert listed == on_disk


def test_stamping_rewrites_no_byte_of_a_committed_jpeg() -> None:
    """Cut the EXIF out and stamp it back from the table alone: the very same file comes out."""
    stamper = _stamper()
    jpegs = [shot for shot in stamper.SHOTS if shot.path.endswith(".jpg")]
    assert jpegs
    for shot in jpegs:
        path = REPO / "content" / shot.path
        data = path.read_bytes()
        start = data.index(b"Exif\0\0") - 4  # the APP1 marker and length
        assert data[start : start + 2] == b"\xff\xe1", shot.path
        (length,) = struct.unpack(">H", data[start + 2 : start + 4])
        bare = data[:start] + data[start + 2 + length :]
        with Image.open(path) as image:
            payload = stamper.app1_payload(stamper.make_exif(shot, image.size))
        assert stamper.splice(bare, payload) == data, shot.path
        assert stamper.splice(data, payload) == data, shot.path


def test_every_example_photo_carries_what_followshift_must_strip() -> None:
    pillow_heif.register_heif_opener()
    orientations: dict[str, int] = {}
    for shot in _stamper().SHOTS:
        with Image.open(REPO / "content" / shot.path) as image:
            exif = image.getexif()
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert exif[ExifTags.Base.Make] == "Apple", shot.path
        assert exif[ExifTags.Base.Model] == "iPhone 15", shot.path
        assert sub[ExifTags.Base.DateTimeOriginal] and sub[ExifTags.Base.OffsetTimeOriginal]
        assert gps[ExifTags.GPS.GPSLatitudeRef] == "N", shot.path
        assert 50.7 < float(gps[ExifTags.GPS.GPSLatitude][0]) < 53.6, shot.path  # NL
        assert gps[ExifTags.GPS.GPSLongitude], shot.path
        orientations[shot.path.rsplit("/", 1)[1]] = exif[ExifTags.Base.Orientation]
    # the sideways-stored portrait and a photo from after the clocks went back
    assert orientations["2010-meldkamer-2.jpg"] == 6
    assert {shot.offset for shot in _stamper().SHOTS} == {"+02:00", "+01:00"}
