#!/usr/bin/env python3
"""Stamp (or check) the phone EXIF of the example photos under content/.

The example photos must look like photos straight from an officer's iPhone, because
followshift's job is to strip that before publishing: Make/Model, DateTimeOriginal with its
OffsetTimeOriginal (it times photo-only posts; one photo is from after the clocks went back)
and a GPS position near the team's town. One photo is stored sideways with Orientation 6.

The pixels are committed; this script owns only their EXIF. SHOTS is the table of what differs
per photo, read once from the committed files; make_exif() adds what every iPhone 15 writes.
Stamping swaps the JPEG's APP1 segment in place (no re-encode), so on a clean tree it rewrites
nothing. The HEIC is only checked: rewriting HEIF boxes losslessly is not worth the code.

    python scripts/stamp_example_exif.py           # restamp the JPEGs, check the HEIC
    python scripts/stamp_example_exif.py --check   # exit 1, one line per mismatch
"""

from __future__ import annotations

import argparse
import struct
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple

from PIL import Image
from PIL.ExifTags import GPS, GPSTAGS, IFD, TAGS, Base
from PIL.TiffImagePlugin import IFDRational

CONTENT = Path(__file__).resolve().parent.parent / "content"
MEGA = "2026-10-24-megavolgdienst"
HELMOND = "2026-09-18-volgdienst-helmond"
DMS = tuple[int, int, float]  # degrees, minutes, seconds (to 1/100 s)


class Shot(NamedTuple):
    path: str  # relative to content/
    taken: str  # local wall-clock capture time
    offset: str  # +02:00 (CEST) or +01:00 (CET)
    orientation: int  # 6: stored turned, "rotate 90° clockwise to display"
    subsec: str
    shutter: int  # exposure time 1/shutter s
    iso: int
    lat: DMS  # north
    lon: DMS  # east
    altitude: float  # metres, to 1/1000
    heading: float  # degrees, to 1/100
    accuracy: float  # horizontal positioning error, metres, to 1/100


# fmt: off
SHOTS = [
    Shot(f"{HELMOND}/helmond/1900-welkom.jpg", "2026-09-18 19:00:40", "+02:00", 1, "337", 120, 640, (51, 29, 5.55), (5, 39, 12.21), 38.467, 274.19, 10.1),  # noqa: E501
    Shot(f"{HELMOND}/helmond/2000-wijkronde-brandevoort.jpg", "2026-09-18 19:58:36", "+02:00", 1, "604", 60, 1600, (51, 28, 28.23), (5, 39, 57.3), 17.556, 102.82, 9.43),  # noqa: E501
    Shot(f"{HELMOND}/helmond/2150-scootercontrole.jpg", "2026-09-18 21:46:45", "+02:00", 1, "724", 30, 1600, (51, 28, 49.11), (5, 39, 45.44), 19.993, 349.47, 8.8),  # noqa: E501
    Shot(f"{MEGA}/apeldoorn/1930-ook-apeldoorn-doet-mee.jpg", "2026-10-24 19:26:06", "+02:00", 1, "162", 120, 800, (52, 12, 21.28), (5, 58, 31.11), 14.655, 354.63, 9.25),  # noqa: E501
    Shot(f"{MEGA}/arnhem-noord/2100-gestolen-fietsen-terug-2.jpg", "2026-10-24 20:55:01", "+02:00", 1, "670", 40, 800, (51, 59, 37.51), (5, 55, 33.81), 26.46, 155.04, 11.76),  # noqa: E501
    Shot(f"{MEGA}/arnhem-noord/2100-gestolen-fietsen-terug.jpg", "2026-10-24 20:52:34", "+02:00", 1, "106", 60, 640, (51, 59, 51.07), (5, 54, 49.56), 29.534, 83.31, 8.43),  # noqa: E501
    Shot(f"{MEGA}/arnhem-noord/IMG_4802.heic", "2026-10-24 23:40:52", "+02:00", 1, "189", 30, 400, (51, 59, 27.89), (5, 54, 41.76), 22.543, 292.44, 4.68),  # noqa: E501
    Shot(f"{MEGA}/enschede/2015-webcare.jpg", "2026-10-24 20:12:59", "+02:00", 1, "524", 60, 800, (52, 13, 13.93), (6, 54, 7.17), 13.953, 50.97, 7.59),  # noqa: E501
    Shot(f"{MEGA}/enschede/2320-uitgaansgebied.jpg", "2026-10-24 23:17:37", "+02:00", 1, "080", 120, 1600, (52, 12, 59.02), (6, 53, 33.29), 18.944, 59.31, 8.46),  # noqa: E501
    Shot(f"{MEGA}/neder-betuwe/1925-spoedrit-a15.jpg", "2026-10-24 19:24:49", "+02:00", 1, "771", 120, 400, (51, 54, 55.07), (5, 34, 35.82), 8.297, 309.9, 4.57),  # noqa: E501
    Shot(f"{MEGA}/neder-betuwe/2310-alcoholcontrole.jpg", "2026-10-24 23:02:19", "+02:00", 1, "918", 40, 400, (51, 55, 4.14), (5, 35, 10.13), 20.74, 226.3, 8.45),  # noqa: E501
    Shot(f"{MEGA}/nijmegen-zuid/2010-meldkamer-2.jpg", "2026-10-24 20:06:47", "+02:00", 6, "761", 120, 400, (51, 49, 11.07), (5, 48, 16.28), 37.971, 350.17, 6.29),  # noqa: E501
    Shot(f"{MEGA}/nijmegen-zuid/2010-meldkamer.jpg", "2026-10-24 20:04:45", "+02:00", 1, "885", 120, 400, (51, 49, 39.46), (5, 47, 42.95), 34.344, 102.89, 7.25),  # noqa: E501
    Shot(f"{MEGA}/overbetuwe/1945-suus-en-gino.jpg", "2026-10-24 19:41:04", "+02:00", 1, "573", 30, 1600, (51, 55, 26.85), (5, 51, 13.4), 30.241, 25.85, 7.49),  # noqa: E501
    Shot(f"{MEGA}/overbetuwe/2030-avondeten.jpg", "2026-10-24 20:29:27", "+02:00", 1, "416", 40, 1250, (51, 54, 54.19), (5, 50, 29.56), 32.646, 333.0, 7.45),  # noqa: E501
    Shot(f"{MEGA}/overbetuwe/2300-administratie.jpg", "2026-10-24 22:57:57", "+02:00", 1, "983", 40, 1600, (51, 55, 23.31), (5, 51, 18.28), 28.8, 265.94, 10.47),  # noqa: E501
    Shot(f"{MEGA}/rheden/1920-snelheidscontrole-velp.jpg", "2026-10-24 19:18:33", "+02:00", 1, "647", 40, 1250, (51, 59, 51.67), (5, 58, 28.31), 19.215, 316.74, 11.48),  # noqa: E501
    Shot(f"{MEGA}/zevenaar/1900-de-dienst-begint.jpg", "2026-10-24 19:00:58", "+02:00", 1, "938", 30, 1600, (51, 55, 44.58), (6, 4, 38.99), 13.405, 308.28, 6.54),  # noqa: E501
    Shot(f"{MEGA}/zevenaar/1915-weekmarkt-2.jpg", "2026-10-24 19:14:20", "+02:00", 1, "060", 60, 1600, (51, 55, 42.29), (6, 4, 38.15), 16.395, 294.48, 3.15),  # noqa: E501
    Shot(f"{MEGA}/zevenaar/1915-weekmarkt.jpg", "2026-10-24 19:13:50", "+02:00", 1, "196", 30, 1600, (51, 55, 30.28), (6, 4, 31.72), 33.334, 292.71, 7.21),  # noqa: E501
    Shot(f"{MEGA}/zevenaar/IMG_4711.jpg", "2026-10-24 22:10:51", "+02:00", 1, "802", 120, 640, (51, 55, 54.8), (6, 3, 54.86), 29.58, 250.24, 4.95),  # noqa: E501
    Shot(f"{MEGA}/zevenaar/de-dienst-zit-erop.jpg", "2026-10-25 02:48:52", "+01:00", 1, "174", 60, 1600, (51, 55, 25.86), (6, 3, 53.96), 29.049, 333.6, 7.27),  # noqa: E501
]
# fmt: on


def _r(x: float, den: int) -> IFDRational:
    return IFDRational(round(x * den), den)


def _dms(v: DMS) -> tuple[IFDRational, IFDRational, IFDRational]:
    return IFDRational(v[0], 1), IFDRational(v[1], 1), _r(v[2], 100)


def make_exif(shot: Shot, stored_size: tuple[int, int]) -> Image.Exif:
    """The EXIF an iPhone 15 writes, with this shot's time, place and orientation."""
    when = datetime.strptime(shot.taken, "%Y-%m-%d %H:%M:%S")
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    for tag, value in [(Base.Make, "Apple"), (Base.Model, "iPhone 15"), (Base.Software, "18.6.2")]:
        exif[tag] = value
    exif[Base.DateTime] = stamp
    exif[Base.Orientation] = shot.orientation
    exif[Base.XResolution] = exif[Base.YResolution] = IFDRational(72, 1)
    exif[Base.ResolutionUnit] = 2
    exif[Base.HostComputer] = "iPhone 15"
    sub = exif.get_ifd(IFD.Exif)
    sub.update({Base.ExposureTime: IFDRational(1, shot.shutter), Base.FNumber: IFDRational(16, 10)})
    sub.update({Base.ExposureProgram: 2, Base.ISOSpeedRatings: shot.iso, Base.ExifVersion: b"0232"})
    for tag in (Base.DateTimeOriginal, Base.DateTimeDigitized):
        sub[tag] = stamp
    for tag in (Base.OffsetTime, Base.OffsetTimeOriginal, Base.OffsetTimeDigitized):
        sub[tag] = shot.offset
    sub[Base.SubsecTimeOriginal] = sub[Base.SubsecTimeDigitized] = shot.subsec
    sub.update({Base.Flash: 16, Base.FocalLength: IFDRational(603, 100), Base.ColorSpace: 65535})
    sub[Base.ExifImageWidth], sub[Base.ExifImageHeight] = stored_size
    sub.update({Base.SensingMethod: 2, Base.SceneType: b"\x01", Base.FocalLengthIn35mmFilm: 26})
    sub[Base.LensMake] = "Apple"
    sub[Base.LensModel] = "iPhone 15 back dual wide camera 6.03mm f/1.6"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps.update({GPS.GPSLatitudeRef: "N", GPS.GPSLatitude: _dms(shot.lat)})
    gps.update({GPS.GPSLongitudeRef: "E", GPS.GPSLongitude: _dms(shot.lon)})
    gps.update({GPS.GPSAltitudeRef: b"\x00", GPS.GPSAltitude: _r(shot.altitude, 1000)})
    sign = 1 if shot.offset[0] == "+" else -1
    utc = when - sign * timedelta(hours=int(shot.offset[1:3]), minutes=int(shot.offset[4:6]))
    gps[GPS.GPSTimeStamp] = tuple(IFDRational(v, 1) for v in (utc.hour, utc.minute, utc.second))
    gps[GPS.GPSDateStamp] = utc.strftime("%Y:%m:%d")
    gps.update({GPS.GPSSpeedRef: "K", GPS.GPSSpeed: IFDRational(0, 1)})
    gps.update({GPS.GPSImgDirectionRef: "T", GPS.GPSImgDirection: _r(shot.heading, 100)})
    gps[GPS.GPSHPositioningError] = _r(shot.accuracy, 100)
    return exif


def tags(exif: Image.Exif) -> dict[str, object]:
    """Every tag by name, the sub-IFDs flattened; the IFD pointers are offsets, not content."""
    found: dict[str, object] = {
        TAGS.get(k, str(k)): v for k, v in exif.items() if k not in (IFD.Exif, IFD.GPSInfo)
    }
    found.update((TAGS.get(k, str(k)), v) for k, v in exif.get_ifd(IFD.Exif).items())
    found.update((GPSTAGS.get(k, str(k)), v) for k, v in exif.get_ifd(IFD.GPSInfo).items())
    return found


def app1_payload(exif: Image.Exif) -> bytes:
    data = exif.tobytes()
    return data if data.startswith(b"Exif\0\0") else b"Exif\0\0" + data


def splice(jpeg: bytes, payload: bytes) -> bytes:
    """The JPEG with its Exif APP1 segment replaced (or added after SOI/APP0); scan untouched."""
    at, insert = 2, 2
    while at + 4 <= len(jpeg) and jpeg[at] == 0xFF and jpeg[at + 1] not in (0xDA, 0xD9):
        (length,) = struct.unpack(">H", jpeg[at + 2 : at + 4])
        end = at + 2 + length
        if jpeg[at + 1] == 0xE1 and jpeg[at + 4 : at + 10] == b"Exif\0\0":
            return jpeg[:at] + _segment(payload) + jpeg[end:]
        if jpeg[at + 1] == 0xE0:  # JFIF must stay first
            insert = end
        at = end
    return jpeg[:insert] + _segment(payload) + jpeg[insert:]


def _segment(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def mismatches(shot: Shot) -> list[str]:
    """One line per tag where the committed photo differs from the table."""
    path = CONTENT / shot.path
    if not path.is_file():
        return [f"{shot.path}: missing"]
    if path.suffix == ".heic":
        import pillow_heif

        pillow_heif.register_heif_opener()
    with Image.open(path) as image:
        have, size = tags(image.getexif()), image.size
    want = tags(make_exif(shot, size))
    return [
        f"{shot.path}: {name} is {have.get(name)!r}, the table says {want.get(name)!r}"
        for name in sorted(have.keys() | want.keys())
        if have.get(name) != want.get(name)
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only, write nothing")
    args = parser.parse_args(argv)
    problems: list[str] = []
    for shot in SHOTS:
        path = CONTENT / shot.path
        if not args.check and path.suffix == ".jpg" and path.is_file():
            data = path.read_bytes()
            with Image.open(path) as image:
                stamped = splice(data, app1_payload(make_exif(shot, image.size)))
            if stamped != data:
                path.write_bytes(stamped)
                print(f"stamped {shot.path}")
        problems += mismatches(shot)
    print(*problems, sep="\n", file=sys.stderr, end="\n" if problems else "")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
