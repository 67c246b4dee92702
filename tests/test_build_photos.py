"""Photo publishing seen through `followshift build`: what a reader gets, and what never leaks.

Every photo here is a real (tiny) image made with Pillow: a solid colour with a little seeded
noise, so that different photos never share bytes. Pages are read with the standard library's
HTML parser; published files are opened again with Pillow (and exiftool, when installed).
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pillow_heif
import pytest
from conftest import (
    AFTER,
    DURING,
    SHIFT,
    SITE_YAML,
    Outcome,
    Run,
    article_ids,
    make_site,
    post_path,
    read,
    site_files,
    snapshot,
)
from PIL import ExifTags, Image, ImageCms, ImageStat

SHIFT_PAGE = f"{SHIFT}/index.html"
BASE_URL = "https://volgdienst.example.nl/"


# -- images ----------------------------------------------------------------------------------


def picture(
    size: tuple[int, int],
    colour: tuple[int, int, int] = (40, 90, 160),
    *,
    noise: float = 0.1,
    seed: int = 1,
) -> Image.Image:
    """A solid colour with `noise` (0..1) of seeded uniform grey noise blended in."""
    base = Image.new("RGB", size, colour)
    grain = Image.frombytes("L", size, random.Random(seed).randbytes(size[0] * size[1]))
    return Image.blend(base, Image.merge("RGB", (grain, grain, grain)), noise)


def encode(image: Image.Image, fmt: str = "JPEG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def photo(
    size: tuple[int, int] = (320, 240),
    colour: tuple[int, int, int] = (40, 90, 160),
    *,
    noise: float = 0.1,
    seed: int = 1,
) -> bytes:
    return encode(picture(size, colour, noise=noise, seed=seed), quality=85)


SECRET_XMP = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
    b'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
    b"<dc:description>Geheime locatie Markt 1</dc:description>"
    b"</rdf:Description></rdf:RDF></x:xmpmeta>"
    b'<?xpacket end="w"?>'
)


def phone_photo(size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG as phones and apps write it: GPS, Make/Model, capture time, XMP, IPTC, a comment,
    an ICC profile."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Apple"
    exif[ExifTags.Base.Model] = "iPhone 15 Pro"
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    sub[ExifTags.Base.DateTimeOriginal] = "2026:10:24 21:30:00"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (51.0, 55.0, 30.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (6.0, 4.0, 12.0)
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        picture(size, (150, 120, 60), seed=7),
        exif=exif,
        xmp=SECRET_XMP,
        comment=b"Adres verdachte: Markt 1, Zevenaar",
        icc_profile=icc,
        quality=85,
    )
    return data[:2] + iptc_segment(b"Kenteken 12-ABC-3, Markt 1") + data[2:]


def iptc_segment(caption: bytes) -> bytes:
    """An APP13 "Photoshop 3.0" segment holding an IPTC caption (what news apps write)."""
    iptc = b"\x1c\x02\x78" + len(caption).to_bytes(2, "big") + caption
    if len(iptc) % 2:
        iptc += b"\x00"
    resource = b"8BIM\x04\x04\x00\x00" + len(iptc).to_bytes(4, "big") + iptc
    payload = b"Photoshop 3.0\x00" + resource
    return b"\xff\xed" + (len(payload) + 2).to_bytes(2, "big") + payload


def sideways_photo() -> bytes:
    """Pixels stored 200x100 (left half red, right half blue) with EXIF Orientation 6.

    Orientation 6 means "rotate 90 degrees clockwise to view": the stored left edge is the
    top of the photo, so upright it is 100x200 with red on top and blue below.
    """
    stored = Image.new("RGB", (200, 100), (220, 20, 20))
    stored.paste((20, 20, 220), (100, 0, 200, 100))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    return encode(stored, exif=exif, quality=90)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pixels(path: Path) -> int:
    with Image.open(path) as image:
        return image.width * image.height


def files_equal_to(folder: Path, source: bytes) -> list[str]:
    """Every file under folder (hidden ones too) whose bytes are exactly `source`."""
    digest = sha256(source)
    return [
        p.relative_to(folder).as_posix()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and sha256(p.read_bytes()) == digest
    ]


# -- site, build, output ---------------------------------------------------------------------


def build(root: Path, run: Run, *args: str, env: dict[str, str | None] | None = None) -> Outcome:
    """`followshift build --now AFTER` (unless args give --now) with the default cache folder."""
    now = [] if "--now" in args else ["--now", AFTER]
    environment: dict[str, str | None] = {"FOLLOWSHIFT_CACHE": None}
    environment.update(env or {})
    return run(["build", *now, *args], root, env=environment)


def media_folders(root: Path) -> list[str]:
    media = root / "site" / "media"
    return sorted(p.name for p in media.iterdir() if p.is_dir()) if media.is_dir() else []


def media_files(root: Path) -> list[Path]:
    media = root / "site" / "media"
    return sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []


def site_url(page: str, url: str) -> str:
    """A link on `page` (a path under site/) as a path under site/."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(page), url))


def srcset(value: str) -> list[tuple[str, int]]:
    entries = []
    for item in value.split(","):
        url, width = item.split()
        assert width.endswith("w"), value
        entries.append((url, int(width[:-1])))
    return entries


@dataclass(frozen=True)
class Shown:
    """One <img> as the page shows it, with what surrounds it."""

    img: dict[str, str]
    sources: tuple[dict[str, str], ...]  # the <source>s of its <picture>
    in_picture: bool
    link: str | None  # href of the <a> around it
    box_classes: tuple[str, ...]  # classes of the nearest element with class "photos"


_VOID = {"img", "source", "meta", "link", "br", "hr", "input", "wbr"}


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict[str, str], list[dict[str, str]]]] = []
        self.images: list[Shown] = []
        self.metas: list[dict[str, str]] = []

    def _nearest(self, tag: str) -> tuple[str, dict[str, str], list[dict[str, str]]] | None:
        return next((entry for entry in reversed(self.stack) if entry[0] == tag), None)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "meta":
            self.metas.append(values)
        elif tag == "source":
            pic = self._nearest("picture")
            if pic is not None:
                pic[2].append(values)
        elif tag == "img":
            pic = self._nearest("picture")
            link = self._nearest("a")
            box = next(
                (e for e in reversed(self.stack) if "photos" in e[1].get("class", "").split()),
                None,
            )
            self.images.append(
                Shown(
                    img=values,
                    sources=tuple(pic[2]) if pic else (),
                    in_picture=pic is not None,
                    link=link[1].get("href") if link else None,
                    box_classes=tuple(box[1]["class"].split()) if box else (),
                )
            )
        if tag not in _VOID:
            self.stack.append((tag, values, []))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return


def read_page(root: Path, page: str) -> _PageReader:
    reader = _PageReader()
    reader.feed(read(root / "site", page))
    reader.close()
    return reader


def photos_on(root: Path, page: str) -> list[Shown]:
    """The post photos on a page (each <img> inside a <picture>), in document order."""
    return [shown for shown in read_page(root, page).images if shown.in_picture]


def folder_of(page: str, url: str) -> str:
    """The media folder (its name) a URL on `page` points into."""
    path = site_url(page, url)
    assert path.startswith("media/"), (page, url)
    return path.split("/")[1]


def post_page(team: str, stem: str) -> str:
    return f"{SHIFT}/{team}/{stem}/index.html"


def post_with_photos(*entries: str) -> str:
    """A post file whose front matter lists photos; each entry is already YAML."""
    return f"---\nphotos:\n{''.join(entries)}---\nEen bericht met foto.\n"


def entry(file: str, alt: str | None = None, blur: str | None = None) -> str:
    text = f"  - file: {file}\n"
    if alt is not None:
        text += f"    alt: {alt}\n"
    if blur is not None:
        text += f"    blur: {blur}\n"
    return text


# -- 1. metadata never leaves the building ----------------------------------------------------


def _phone_photo_site(root: Path, run: Run) -> bytes:
    source = phone_photo()
    make_site(
        root,
        site_files(
            {
                post_path("zevenaar", "2130-markt.md"): post_with_photos(
                    entry("2130-markt.jpg", alt="Agenten op de markt")
                ),
                post_path("zevenaar", "2130-markt.jpg"): source,
            }
        ),
    )
    result = build(root, run)
    assert result.exit_code == 0, result.stderr
    return source


def test_a_phone_photo_is_published_only_as_reencoded_variants_without_any_metadata(
    tmp_path: Path, run: Run
) -> None:
    source = _phone_photo_site(tmp_path, run)
    with Image.open(io.BytesIO(source)) as original:  # the source really carries it all
        exif = original.getexif()
        assert exif[ExifTags.Base.Make] == "Apple"
        assert exif.get_ifd(ExifTags.IFD.GPSInfo)
        assert {"xmp", "comment", "icc_profile", "photoshop"} <= original.info.keys()

    assert files_equal_to(tmp_path / "site", source) == []
    published = [p for p in media_files(tmp_path) if p.suffix in (".jpg", ".webp")]
    assert {p.suffix for p in published} == {".jpg", ".webp"}
    for path in published:
        with Image.open(path) as image:
            assert image.format == ("JPEG" if path.suffix == ".jpg" else "WEBP"), path
            assert len(image.getexif()) == 0, path
            leaked = {"icc_profile", "xmp", "exif", "comment", "photoshop"} & image.info.keys()
            assert not leaked, (path, leaked)
        data = path.read_bytes()
        assert b"Markt 1" not in data and b"iPhone" not in data and b"12-ABC" not in data, path


def test_exiftool_finds_no_location_camera_or_capture_time_in_published_media(
    tmp_path: Path, run: Run
) -> None:
    exiftool = shutil.which("exiftool")
    if exiftool is None:
        pytest.skip("exiftool is not installed")
    _phone_photo_site(tmp_path, run)

    media = tmp_path / "site" / "media"
    original = tmp_path / post_path("zevenaar", "2130-markt.jpg")
    report = subprocess.run(
        [exiftool, "-json", "-G", "-r", str(media), str(original)],
        capture_output=True,
        text=True,
        check=True,
    )
    records = json.loads(report.stdout)
    [source] = [r for r in records if Path(r["SourceFile"]) == original]
    # exiftool does see what the phone wrote into the original ...
    seen = {"EXIF:Make", "EXIF:DateTimeOriginal", "EXIF:GPSLatitude", "IPTC:Caption-Abstract"}
    assert seen <= set(source), sorted(source)
    records.remove(source)
    assert len(records) == len(media_files(tmp_path)) > 0
    # ... and none of it in anything published.
    for record in records:
        for key in record:
            group, _, tag = key.rpartition(":")
            assert not tag.startswith("GPS"), (record["SourceFile"], key)
            assert tag not in {"Make", "Model", "DateTimeOriginal", "Comment"}, (
                record["SourceFile"],
                key,
            )
            assert group not in {"EXIF", "XMP", "IPTC", "ICC_Profile", "MakerNotes"}, (
                record["SourceFile"],
                key,
            )


# -- 2. orientation --------------------------------------------------------------------------


def test_a_sideways_phone_photo_appears_upright(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-rechtop.md"): "Staand gefotografeerd.\n",
                post_path("zevenaar", "2130-rechtop.jpg"): sideways_photo(),
            }
        ),
    )

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    page = post_page("zevenaar", "2130-rechtop")
    [shown] = photos_on(tmp_path, page)
    width, height = int(shown.img["width"]), int(shown.img["height"])
    assert height > width
    assert height * 100 == width * 200
    jpegs = [p for p in media_files(tmp_path) if p.suffix == ".jpg"]
    assert jpegs
    largest = max(jpegs, key=pixels)
    with Image.open(largest) as image:
        assert image.height > image.width
        rgb = image.convert("RGB")
        top = rgb.getpixel((image.width // 2, image.height // 4))
        bottom = rgb.getpixel((image.width // 2, image.height * 3 // 4))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 150 and top[2] < 100, top  # red on top, as the officer saw it
    assert bottom[2] > 150 and bottom[0] < 100, bottom


# -- 3. responsive markup --------------------------------------------------------------------


def _markup_site(root: Path) -> None:
    make_site(
        root,
        site_files(
            {
                post_path("zevenaar", "1915-weekmarkt.md"): post_with_photos(
                    entry("1915-weekmarkt.jpg", alt="Kramen op de weekmarkt"),
                    entry("1915-weekmarkt-2.jpg", alt="Een agent bij de viskraam"),
                ),
                post_path("zevenaar", "1915-weekmarkt.jpg"): photo((1000, 600), seed=1),
                post_path("zevenaar", "1915-weekmarkt-2.jpg"): photo(
                    (300, 200), (160, 60, 40), seed=2
                ),
                post_path("neder-betuwe", "2000-verkeerscontrole.md"): post_with_photos(
                    entry("2000-verkeerscontrole.jpg", alt="Een controlepost langs de N233")
                ),
                post_path("neder-betuwe", "2000-verkeerscontrole.jpg"): photo(
                    (400, 300), (60, 140, 60), seed=3
                ),
            }
        ),
    )


def test_a_photo_is_a_picture_with_webp_and_jpeg_srcsets_never_upscaled(
    tmp_path: Path, run: Run
) -> None:
    _markup_site(tmp_path)

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    shown = photos_on(tmp_path, SHIFT_PAGE)
    market = next(s for s in shown if s.img["alt"] == "Kramen op de weekmarkt")
    [webp] = market.sources
    assert webp["type"] == "image/webp"
    assert [w for _, w in srcset(webp["srcset"])] == [480, 960]
    assert all(url.endswith(".webp") for url, _ in srcset(webp["srcset"]))
    assert webp["sizes"]
    jpegs = srcset(market.img["srcset"])
    assert [w for _, w in jpegs] == [480, 960]  # the source is 1000 px: no 1600
    assert all(url.endswith(".jpg") for url, _ in jpegs)
    assert market.img["sizes"]
    assert (market.img["width"], market.img["height"]) == ("960", "576")
    for url, width in [*jpegs, *srcset(webp["srcset"])]:
        path = tmp_path / "site" / site_url(SHIFT_PAGE, url)
        with Image.open(path) as image:
            assert image.width == width, url
    # Nothing anywhere in media/ is wider than its source.
    for path in media_files(tmp_path):
        if path.suffix in (".jpg", ".webp"):
            with Image.open(path) as image:
                assert image.width <= 1000, path


def test_only_the_first_photo_of_a_page_loads_eagerly(tmp_path: Path, run: Run) -> None:
    _markup_site(tmp_path)

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    shown = photos_on(tmp_path, SHIFT_PAGE)
    assert len(shown) == 3
    first, *later = shown
    assert "loading" not in first.img
    for other in later:
        assert other.img.get("loading") == "lazy", other.img
        assert other.img.get("decoding") == "async", other.img
    # On a post's own page its photo is the first one: not lazy.
    [own] = photos_on(tmp_path, post_page("neder-betuwe", "2000-verkeerscontrole"))
    assert "loading" not in own.img


def test_each_photo_links_to_its_largest_jpeg_and_two_photos_make_a_gallery(
    tmp_path: Path, run: Run
) -> None:
    _markup_site(tmp_path)

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    shown = photos_on(tmp_path, SHIFT_PAGE)
    for item in shown:
        assert item.link is not None, item.img
        target = site_url(SHIFT_PAGE, item.link)
        widest = max(srcset(item.img["srcset"]), key=lambda pair: pair[1])
        assert target == site_url(SHIFT_PAGE, widest[0])
        assert target.endswith(".jpg") and (tmp_path / "site" / target).is_file()
    by_alt = {s.img["alt"]: s for s in shown}
    assert "is-gallery" in by_alt["Kramen op de weekmarkt"].box_classes
    assert "is-gallery" in by_alt["Een agent bij de viskraam"].box_classes
    assert "is-gallery" not in by_alt["Een controlepost langs de N233"].box_classes


# -- 4. alt text -----------------------------------------------------------------------------


def test_alt_comes_from_front_matter_and_a_missing_alt_gets_a_fallback_and_a_warning(
    tmp_path: Path, run: Run
) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "1915-weekmarkt.md"): post_with_photos(
                    entry("1915-weekmarkt.jpg", alt="Twee agenten tussen de kramen"),
                    entry("1915-weekmarkt-2.jpg"),
                ),
                post_path("zevenaar", "1915-weekmarkt.jpg"): photo(seed=1),
                post_path("zevenaar", "1915-weekmarkt-2.jpg"): photo(seed=2),
            }
        ),
    )

    checked = run(["check", "--now", AFTER], tmp_path)
    built = build(tmp_path, run)

    assert checked.exit_code == 0, checked.stderr
    missing = [w for w in checked.diagnostics("warning") if "alt" in w]
    assert len(missing) == 1, checked.stderr
    assert "1915-weekmarkt-2.jpg" in missing[0]
    assert missing[0].startswith(post_path("zevenaar", "1915-weekmarkt.md"))
    assert built.exit_code == 0, built.stderr
    alts = [s.img["alt"] for s in photos_on(tmp_path, post_page("zevenaar", "1915-weekmarkt"))]
    assert alts == ["Twee agenten tussen de kramen", "Foto van Team Zevenaar om 19:15"]


# -- 5. sharing ------------------------------------------------------------------------------


def test_a_post_page_shares_an_absolute_og_image_that_exists(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-markt.md"): "Op de markt.\n",
                post_path("zevenaar", "2130-markt.jpg"): photo((1300, 700), seed=4),
            }
        ),
    )

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    metas = read_page(tmp_path, post_page("zevenaar", "2130-markt")).metas
    [og] = [m["content"] for m in metas if m.get("property") == "og:image"]
    assert og.startswith(BASE_URL + "media/"), og
    assert og.endswith("/og.jpg"), og
    path = tmp_path / "site" / og.removeprefix(BASE_URL)
    assert path.is_file()
    with Image.open(path) as image:
        assert image.format == "JPEG"
        assert image.width <= 1300


# -- 6. nothing stale ------------------------------------------------------------------------


@pytest.mark.parametrize("removed", ["photo", "post"])
def test_removing_a_photo_or_its_post_removes_its_media_at_the_next_build(
    tmp_path: Path, run: Run, removed: str
) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-markt.md"): "Op de markt.\n",
                post_path("zevenaar", "2130-markt.jpg"): photo(seed=5),
                post_path("neder-betuwe", "2200-blijft.md"): "Blijft staan.\n",
                post_path("neder-betuwe", "2200-blijft.jpg"): photo(seed=6),
            }
        ),
    )
    first = build(tmp_path, run)
    assert first.exit_code == 0, first.stderr
    [kept] = photos_on(tmp_path, post_page("neder-betuwe", "2200-blijft"))
    kept_folder = folder_of(post_page("neder-betuwe", "2200-blijft"), kept.img["src"])
    assert len(media_folders(tmp_path)) == 2

    team = tmp_path / "content" / SHIFT / "zevenaar"
    (team / "2130-markt.jpg").unlink()
    if removed == "post":
        (team / "2130-markt.md").unlink()
    second = build(tmp_path, run)

    assert second.exit_code == 0, second.stderr
    assert media_folders(tmp_path) == [kept_folder]
    if removed == "photo":
        assert photos_on(tmp_path, post_page("zevenaar", "2130-markt")) == []


# -- 7. scheduled and draft posts ------------------------------------------------------------


def test_photos_of_scheduled_and_draft_posts_appear_only_once_the_post_is_public(
    tmp_path: Path, run: Run
) -> None:
    draft = "---\nstatus: draft\n---\nNog niet klaar.\n"
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2030-nu.md"): "Nu al te zien.\n",
                post_path("zevenaar", "2030-nu.jpg"): photo(colour=(30, 30, 200), seed=8),
                post_path("zevenaar", "2200-straks.md"): "Later vanavond.\n",
                post_path("zevenaar", "2200-straks.jpg"): photo(colour=(200, 30, 30), seed=9),
                post_path("neder-betuwe", "1930-concept.md"): draft,
                post_path("neder-betuwe", "1930-concept.jpg"): photo(colour=(30, 200, 30), seed=10),
            }
        ),
    )

    during = build(tmp_path, run, "--now", DURING)

    assert during.exit_code == 0, during.stderr
    assert len(media_folders(tmp_path)) == 1  # only the 20:30 post is public at 21:00
    [now_photo] = photos_on(tmp_path, post_page("zevenaar", "2030-nu"))
    assert media_folders(tmp_path) == [
        folder_of(post_page("zevenaar", "2030-nu"), now_photo.img["src"])
    ]

    later = build(tmp_path, run, "--now", AFTER)

    assert later.exit_code == 0, later.stderr
    assert len(media_folders(tmp_path)) == 2  # the 22:00 post is public now; the draft is not
    [scheduled] = photos_on(tmp_path, post_page("zevenaar", "2200-straks"))
    assert folder_of(post_page("zevenaar", "2200-straks"), scheduled.img["src"]) in (
        media_folders(tmp_path)
    )
    assert not (tmp_path / "site" / post_page("neder-betuwe", "1930-concept")).exists()

    (tmp_path / post_path("neder-betuwe", "1930-concept.md")).write_text("Klaar.\n")
    published = build(tmp_path, run, "--now", AFTER)

    assert published.exit_code == 0, published.stderr
    assert len(media_folders(tmp_path)) == 3
    [drafted] = photos_on(tmp_path, post_page("neder-betuwe", "1930-concept"))
    assert folder_of(post_page("neder-betuwe", "1930-concept"), drafted.img["src"]) in (
        media_folders(tmp_path)
    )


# -- 8, 9. broken and oversized photos -------------------------------------------------------


def _assert_only_that_post_failed(root: Path, result: Outcome, stem: str, photo_name: str) -> None:
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr
    errors = result.diagnostics("error")
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(post_path("zevenaar", f"{stem}.md") + ":"), errors
    assert photo_name in errors[0], errors
    assert not (root / "site" / post_page("zevenaar", stem)).exists()
    ids = article_ids(read(root / "site", SHIFT_PAGE))
    assert f"zevenaar--{stem}" not in ids
    assert {
        "zevenaar--1900-de-dienst-begint",
        "zevenaar--1915-weekmarkt",
        "zevenaar--0105-laatste-ronde",
        "neder-betuwe--2000-verkeerscontrole",
    } <= set(ids)


@pytest.mark.parametrize("kind", ["truncated JPEG", "text file named .jpg"])
def test_a_corrupt_photo_is_an_error_of_its_post_and_the_other_posts_are_published(
    tmp_path: Path, run: Run, kind: str
) -> None:
    whole = photo((400, 300), seed=11)
    data = whole[: len(whole) // 2] if kind == "truncated JPEG" else b"Dit is geen foto.\n"
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2100-foto.md"): "Een foto.\n",
                post_path("zevenaar", "2100-foto.jpg"): data,
            }
        ),
    )

    result = build(tmp_path, run)

    _assert_only_that_post_failed(tmp_path, result, "2100-foto", "2100-foto.jpg")
    assert media_folders(tmp_path) == []


def test_the_photo_stage_says_which_posts_failed_and_the_model_leaves_them_out(
    tmp_path: Path,
) -> None:
    """The stage decides (PublishedPhotos.failed); Site.without applies it. Shifts without a
    failed post stay the same objects, so the renderer's view cache keeps them."""
    from datetime import UTC, datetime

    from followshift.content.loader import load_site
    from followshift.diagnostics import Diagnostics
    from followshift.photos import ProbeInfo
    from followshift.photos.stage import process_photos

    whole = photo((400, 300), seed=11)
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2100-foto.md"): "Een foto.\n",
                post_path("zevenaar", "2100-foto.jpg"): whole[: len(whole) // 2],
                "content/2026-11-07-tweede/shift.yaml": (
                    "title: Tweede\nstart: 2026-11-07 19:00\nend: 2026-11-08 01:00\n"
                ),
                "content/2026-11-07-tweede/zevenaar/1930-rustig.md": "Rustig.\n",
            }
        ),
    )
    diags = Diagnostics()
    # A reader that lets the photo through, as one that passes the probe but does not decode.
    site = load_site(
        tmp_path / "content", diags, prober=lambda _: ProbeInfo(400, 300, "JPEG", None, None)
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)  # every post public
    published = process_photos(site, now, False, site.config.images, diags)

    assert published.failed == {(SHIFT, "zevenaar", "2100-foto")}
    [error] = diags.errors
    assert error.message.startswith("photo 2100-foto.jpg: "), error
    published_site = site.without(published.failed)
    [before] = [s for s in site.shifts if s.id == SHIFT]
    [after] = [s for s in published_site.shifts if s.id == SHIFT]
    assert [p.id for p in before.posts if p.id not in {x.id for x in after.posts}] == ["2100-foto"]
    [other] = [s for s in site.shifts if s.id != SHIFT]
    assert other in published_site.shifts and other.posts
    assert all(
        a is b for a, b in zip(site.shifts, published_site.shifts, strict=True) if a.id != SHIFT
    )
    assert site.without(frozenset()) is site


def test_a_photo_over_max_pixels_is_an_error_of_its_post(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                "content/site.yaml": SITE_YAML + "images:\n  max_pixels: 10000\n",
                post_path("zevenaar", "2100-groot.md"): "Een te grote foto.\n",
                post_path("zevenaar", "2100-groot.jpg"): photo((200, 200), seed=12),
                post_path("neder-betuwe", "2000-verkeerscontrole.jpg"): photo((64, 64), seed=13),
            }
        ),
    )

    result = build(tmp_path, run)

    _assert_only_that_post_failed(tmp_path, result, "2100-groot", "2100-groot.jpg")
    assert len(media_folders(tmp_path)) == 1  # the small photo of the other post


# -- 10. the cache ---------------------------------------------------------------------------


def _cache_site(root: Path) -> None:
    make_site(
        root,
        site_files(
            {
                post_path("zevenaar", "2130-markt.md"): "Op de markt.\n",
                post_path("zevenaar", "2130-markt.jpg"): photo((600, 400), seed=14),
            }
        ),
    )


def test_a_second_build_reuses_the_cache_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    _cache_site(tmp_path)
    first = build(tmp_path, run)
    assert first.exit_code == 0, first.stderr
    cache = tmp_path / ".followshift-cache"
    assert any(p.is_file() for p in cache.rglob("*")), "no cache beside content/"
    media_before = snapshot(tmp_path / "site" / "media")
    # Not state/: the read cache trusts a photo written a moment ago only once it is older
    # than timestamps are coarse (readcache.RACY_NS), so it records it again.
    cache_before = snapshot(cache / "images")
    assert media_before

    second = build(tmp_path, run)

    assert second.exit_code == 0, second.stderr
    assert re.search(r"\b0 written\b", second.stderr), second.stderr
    assert snapshot(tmp_path / "site" / "media") == media_before  # bytes and mtime_ns
    assert snapshot(cache / "images") == cache_before  # nothing was rendered again


def test_followshift_cache_moves_the_cache_folder(tmp_path: Path, run: Run) -> None:
    _cache_site(tmp_path)
    elsewhere = tmp_path / "elders" / "cache"

    result = build(tmp_path, run, env={"FOLLOWSHIFT_CACHE": str(elsewhere)})

    assert result.exit_code == 0, result.stderr
    assert media_folders(tmp_path)
    assert any(p.is_file() for p in elsewhere.rglob("*"))
    assert not (tmp_path / ".followshift-cache").exists()


# -- 11. one photo, two posts ----------------------------------------------------------------


def test_a_photo_used_by_two_posts_is_published_once_and_shown_by_both(
    tmp_path: Path, run: Run
) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-samen.md"): post_with_photos(
                    entry("2130-samen.jpg", alt="Beide teams bij de brug")
                ),
                post_path("zevenaar", "2130-samen.jpg"): photo(seed=15),
                post_path("neder-betuwe", "2135-samen.md"): post_with_photos(
                    entry("../zevenaar/2130-samen.jpg", alt="Samen met Zevenaar bij de brug")
                ),
            }
        ),
    )

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    assert len(media_folders(tmp_path)) == 1
    [folder] = media_folders(tmp_path)
    for team, stem in (("zevenaar", "2130-samen"), ("neder-betuwe", "2135-samen")):
        page = post_page(team, stem)
        [shown] = photos_on(tmp_path, page)
        assert folder_of(page, shown.img["src"]) == folder
        assert (tmp_path / "site" / site_url(page, shown.img["src"])).is_file()


# -- 12. avatars -----------------------------------------------------------------------------


def test_a_team_avatar_is_published_through_the_pipeline(tmp_path: Path, run: Run) -> None:
    avatar = phone_photo((300, 300))
    teams = "zevenaar:\n  name: Team Zevenaar\n  avatar: avatars/zevenaar.jpg\n"
    make_site(
        tmp_path,
        site_files({"content/teams.yaml": teams, "content/avatars/zevenaar.jpg": avatar}),
    )

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    page = "teams/zevenaar/index.html"
    avatars = [s for s in read_page(tmp_path, page).images if "avatar" in s.img.get("class", "")]
    assert len(avatars) == 1, avatars
    src = site_url(page, avatars[0].img["src"])
    assert src.startswith("media/") and src.endswith(".jpg"), src
    with Image.open(tmp_path / "site" / src) as image:
        assert image.format == "JPEG"
        assert image.width <= 200 and image.height <= 200  # small, not the 300 px original
        assert len(image.getexif()) == 0
    assert files_equal_to(tmp_path / "site", avatar) == []


# -- 13. HEIC --------------------------------------------------------------------------------


def test_an_iphone_heic_photo_is_published_as_jpeg_and_webp(tmp_path: Path, run: Run) -> None:
    pillow_heif.register_heif_opener()
    heic = tmp_path / "bron.heic"
    picture((320, 240), (90, 60, 140), seed=16).save(heic, format="HEIF")
    source = heic.read_bytes()
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-iphone.md"): post_with_photos(
                    entry("2130-iphone.heic", alt="Een foto van een iPhone")
                ),
                post_path("zevenaar", "2130-iphone.heic"): source,
            }
        ),
    )

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    page = post_page("zevenaar", "2130-iphone")
    [shown] = photos_on(tmp_path, page)
    formats = {}
    for url, _ in [*srcset(shown.img["srcset"]), *srcset(shown.sources[0]["srcset"])]:
        with Image.open(tmp_path / "site" / site_url(page, url)) as image:
            formats[url.rsplit(".", 1)[1]] = image.format
            assert image.size == (320, 240)
    assert formats == {"jpg": "JPEG", "webp": "WEBP"}
    assert not any(p.suffix.lower() in (".heic", ".heif") for p in media_files(tmp_path))
    assert files_equal_to(tmp_path / "site", source) == []


# -- 14. blur --------------------------------------------------------------------------------


def _stddev(image: Image.Image, box: tuple[int, int, int, int]) -> float:
    stat = ImageStat.Stat(image.convert("L").crop(box))
    return stat.stddev[0]


def _scaled(box: tuple[int, int, int, int], factor: float) -> tuple[int, int, int, int]:
    left, top, right, bottom = box
    return (
        round(left * factor),
        round(top * factor),
        round(right * factor),
        round(bottom * factor),
    )


def test_a_blur_region_is_flat_in_every_published_file_while_the_rest_stays_sharp(
    tmp_path: Path, run: Run
) -> None:
    source_image = picture((1000, 800), (120, 120, 120), noise=0.8, seed=17)
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "2130-kenteken.md"): post_with_photos(
                    entry(
                        "2130-kenteken.jpg",
                        alt="Een auto bij de controle",
                        blur="[[100, 100, 300, 200]]",
                    )
                ),
                post_path("zevenaar", "2130-kenteken.jpg"): encode(source_image, quality=90),
            }
        ),
    )
    inside = (130, 130, 370, 270)  # the blurred region, away from its edges
    outside = (600, 400, 900, 700)  # never blurred
    noisy = _stddev(source_image, inside)
    assert noisy > 20

    result = build(tmp_path, run)

    assert result.exit_code == 0, result.stderr
    # Every width of the whole photo; the share image (og.jpg) is a 1.91:1 window of it, tested
    # in test_share_image.py.
    published = [
        p for p in media_files(tmp_path) if p.suffix in (".jpg", ".webp") and p.stem != "og"
    ]
    assert len(published) >= 3
    for path in published:
        with Image.open(path) as image:
            factor = image.width / 1000
            blurred = _stddev(image, _scaled(inside, factor))
            sharp = _stddev(image, _scaled(outside, factor))
        assert blurred < 0.1 * noisy, (path.name, blurred, noisy)
        # Downscaling averages some noise away, but the unblurred area stays clearly noisy.
        assert sharp > 0.25 * _stddev(source_image, outside), (path.name, sharp)
        assert sharp > 5 * blurred, (path.name, sharp, blurred)
