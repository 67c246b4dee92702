"""What a member of the public sees (issue 20, the reader's layout), on the example site.

The example site under content/ is the megavolgdienst of the issue: 8 teams through the night
summer time ends. It is built as the issue looked at it, live at 22:30 and again after the end,
in Dutch and in English, and read in Debian's Chromium (no JavaScript unless a test says so):

- on a live shift the newest post starts in the first screen of a 360x740 phone, with the
  description and highlights one tap away; an ended shift reads as a report, oldest first;
- every page offers 112 and the site's other numbers as tap-to-call links;
- the hour that happens twice is labelled, and only that hour, in both languages;
- a post shows its team's avatar and short name, and a correction says when it was made;
- a landscape and a portrait photo side by side are equally high (no empty block);
- the selected team chip is on screen; no word is said twice in a row.

Bad `logo:` and `phones:` settings are one path:LINE diagnostic each.
axe-core and the Nu checker run over every page type in test_standards.py.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIFT, Run, make_site, site_files
from standards_support import Server, chromium_browser, serve

from followshift.cli import main

REPO = Path(__file__).resolve().parent.parent
LIVE = "2026-10-24T22:30"  # the moment the issue was written against
ENDED = "2026-10-25T04:00"
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}


def _build(root: Path, now: str, out: str) -> Path:
    from click.testing import CliRunner

    with contextlib.chdir(root):
        result = CliRunner().invoke(
            main, ["build", "--now", now, "--out", out], env={"SOURCE_DATE_EPOCH": None}
        )
    assert result.exit_code == 0, result.stderr
    assert "0 errors" in result.stderr, result.stderr
    return root / out


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example site built live and after the end, in Dutch and in English."""
    root = tmp_path_factory.mktemp("example")
    shutil.copytree(REPO / "content", root / "content")
    built = {"live": _build(root, LIVE, "live"), "ended": _build(root, ENDED, "ended")}
    settings = root / "content" / "site.yaml"
    settings.write_text(
        settings.read_text("utf-8").replace("language: nl", "language: en"), "utf-8"
    )
    built["live-en"] = _build(root, LIVE, "live-en")
    built["ended-en"] = _build(root, ENDED, "ended-en")
    return built


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def servers(example: dict[str, Path]) -> Iterator[dict[str, Server]]:
    with contextlib.ExitStack() as stack:
        yield {name: stack.enter_context(serve(folder)) for name, folder in example.items()}


@contextlib.contextmanager
def page_of(browser: Any, url: str, viewport: dict[str, int], js: bool = False) -> Iterator[Any]:
    context = browser.new_context(viewport=viewport, java_script_enabled=js)
    try:
        page = context.new_page()
        page.goto(url)
        yield page
    finally:
        context.close()


def html(folder: Path, rel: str) -> str:
    return (folder / rel).read_text("utf-8")


# -- a live shift on a phone ----------------------------------------------------------------------


@pytest.mark.parametrize("path", [f"/{SHIFT}/", f"/{SHIFT}/zevenaar/", f"/{SHIFT}/nijmegen-zuid/"])
@pytest.mark.parametrize("js", [False, True], ids=["no-js", "js"])
def test_on_a_live_shift_the_newest_post_starts_in_the_first_phone_screen(
    browser: Any, servers: dict[str, Server], path: str, js: bool
) -> None:
    with page_of(browser, servers["live"].url(path), PHONE, js) as page:
        first = page.locator("article.post").first
        box = first.bounding_box()
        newest = page.evaluate(
            "() => Math.max(...[...document.querySelectorAll('article.post')]"
            ".map((a) => Date.parse(a.dataset.time)))"
        )
        assert page.evaluate("(a) => Date.parse(a.dataset.time)", first.element_handle()) == newest
        assert box is not None and box["y"] < PHONE["height"], f"newest post starts at {box}"
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_on_a_phone_each_posts_share_button_sits_on_the_line_of_its_time_and_team(
    browser: Any, servers: dict[str, Server]
) -> None:
    """An icon with a 44 px target in the card's corner: no line of its own per post, also
    beside a long team name ("Arnhem-Noord", "Nijmegen-Zuid")."""
    with page_of(browser, servers["live"].url(f"/{SHIFT}/"), PHONE) as page:
        posts = page.locator("article.post").all()
        assert len(posts) > 10
        for post in posts:
            clock = post.locator(".post-time").bounding_box()
            share = post.locator(".share").bounding_box()
            assert clock and share and share["width"] >= 44 and share["height"] >= 44
            middle = clock["y"] + clock["height"] / 2
            assert share["y"] < middle < share["y"] + share["height"], post.get_attribute("id")


def test_the_description_and_highlights_are_one_tap_away_without_javascript(
    browser: Any, servers: dict[str, Server]
) -> None:
    with page_of(browser, servers["live"].url(f"/{SHIFT}/"), PHONE) as page:
        about = page.locator("details.about")
        highlights = page.locator("details.highlights")
        assert not about.get_attribute("open") and not highlights.get_attribute("open")
        assert not page.get_by_text("Let op: vannacht gaat de klok").is_visible()
        assert not highlights.locator("ol").is_visible()

        page.locator("details.about > summary").click()
        assert page.get_by_text("Let op: vannacht gaat de klok").is_visible()
        highlights.locator("summary").click()
        items = highlights.locator("ol > li")
        assert items.count() == 5 and items.first.is_visible()
        assert "Snelheidscontrole in Velp" in items.first.inner_text()


def test_an_ended_shift_reads_as_a_report_highlights_then_oldest_first(
    example: dict[str, Path],
) -> None:
    page = html(example["ended"], f"{SHIFT}/index.html")
    assert '<details class="fold' not in page  # nothing folded away (only the embed code is)
    description = page.index('class="shift-description"')
    highlights = page.index('<section class="highlights"')
    timeline = page.index('<div class="timeline"')
    assert description < highlights < timeline
    times = re.findall(r'<article\b[^>]*data-time="([^"]+)"', page[timeline:])
    assert times[0].startswith("2026-10-24T19:00")
    assert "oudste eerst" in page and "Hieronder leest u het verslag" in page


# -- trust and contact ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", f"/{SHIFT}/", f"/{SHIFT}/zevenaar/1915-weekmarkt/"])
def test_every_page_offers_112_and_the_other_numbers_as_tap_to_call_links(
    browser: Any, servers: dict[str, Server], path: str
) -> None:
    with page_of(browser, servers["live"].url(path), PHONE) as page:
        emergency = page.locator(".emergency a[href='tel:112']")
        assert emergency.inner_text() == "Bij spoed: bel 112"
        box = emergency.bounding_box()
        assert box is not None and box["y"] < 150 and box["height"] >= 40, box  # big, at the top
        other = page.locator(".emergency a[href='tel:09008844']")
        assert other.inner_text() == "Geen spoed, wel politie: 0900-8844"
        assert (other.bounding_box() or {}).get("height", 0) >= 24  # WCAG 2.5.8 target size
        assert page.locator("footer a[href='tel:112']").count() == 1
        assert page.locator("footer a[href='tel:09008844']").count() == 1


def test_the_header_shows_the_default_shield_not_a_css_square(
    browser: Any, servers: dict[str, Server]
) -> None:
    with page_of(browser, servers["live"].url("/"), DESKTOP) as page:
        logo = page.locator(".site-title img.site-logo")
        assert re.search(r"assets/shield\.[0-9a-f]+\.svg$", logo.get_attribute("src") or "")
        assert page.evaluate("(img) => img.complete && img.naturalWidth > 0", logo.element_handle())
        assert page.locator(".site-mark").count() == 0


# -- a timeline you can scan ----------------------------------------------------------------------


def _labels(page: str) -> dict[str, str]:
    """Each post's clock time (as the page shows it, with its UTC offset) → its label or ''."""
    found = re.findall(
        r'class="post-time"[^>]*><time datetime="[^"]*T[^"]*([+-]\d\d:\d\d)">([^<]+)</time>'
        r'(?: <span class="dst">([^<]+)</span>)?',
        page,
    )
    return {f"{shown}{offset}": label for offset, shown, label in found}


@pytest.mark.parametrize(
    ("build", "summer", "winter", "repeated", "plain"),
    [
        ("ended", "zomertijd", "wintertijd", "02:45", "23:20"),
        ("ended-en", "summer time", "winter time", "2:45\u202fAM", "11:20\u202fPM"),
    ],
    ids=["nl", "en"],
)
def test_only_the_hour_that_happens_twice_is_labelled_summer_or_winter_time(
    example: dict[str, Path], build: str, summer: str, winter: str, repeated: str, plain: str
) -> None:
    labels = _labels(html(example[build], f"{SHIFT}/index.html"))
    assert labels[f"{repeated}+02:00"] == summer  # Arnhem-Noord, before the clocks go back
    assert labels[f"{plain}+02:00"] == ""
    labelled = {time for time, label in labels.items() if label}
    twice = {
        t
        for t in labels
        if t.endswith("+01:00")
        and t.replace("+01:00", "")
        in {u.replace("+02:00", "") for u in labels if u.endswith("+02:00")}
    }
    # Every labelled time is in the repeated hour: 02:xx on the night's first or second pass.
    hour = "02:" if build == "ended" else "2:"
    assert labelled and all(t.startswith(hour) for t in labelled), labelled
    assert all(labels[t] == winter for t in labelled if t.endswith("+01:00"))
    assert all(labels[t] == summer for t in labelled if t.endswith("+02:00"))
    assert twice <= labelled
    # The highlights list labels the same way.
    assert f'<span class="dst">{winter}</span>' in html(example[build], f"{SHIFT}/index.html")


def test_each_post_shows_its_teams_avatar_or_initial_and_short_name(
    example: dict[str, Path],
) -> None:
    page = html(example["live"], f"{SHIFT}/index.html")
    teams = re.findall(
        r'<a class="post-team" href="[^"]*/([a-z-]+)/" title="([^"]+)">(<img|<span)[^>]*>'
        r'(?:[A-Z])?(?:</span>)?<span class="post-team-name">([^<]+)</span>',
        page,
    )
    assert len(teams) == page.count("<article ")
    seen = {team: (full, kind, short) for team, full, kind, short in teams}
    assert seen["zevenaar"] == ("Politieteam Zevenaar", "<img", "Zevenaar")  # has an avatar
    assert seen["arnhem-noord"] == ("Politieteam Arnhem-Noord", "<span", "Arnhem-Noord")


def test_a_corrected_post_says_when_it_was_updated(tmp_path: Path, run: Run) -> None:
    root = make_site(
        tmp_path,
        site_files(
            {f"content/{SHIFT}/zevenaar/1930-controle.md": "---\nupdated: '20:10'\n---\nFout.\n"}
        ),
    )
    assert run(["build", "--now", "2026-10-24T21:00"], root).exit_code == 0
    page = html(root / "site", f"{SHIFT}/index.html")
    assert re.search(
        r'<span class="tag tag-updated post-updated">bijgewerkt '
        r'<time datetime="2026-10-24T20:10:00\+02:00">20:10</time></span>',
        page,
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_landscape_and_a_portrait_photo_side_by_side_are_equally_high(
    browser: Any, servers: dict[str, Server], viewport: dict[str, int]
) -> None:
    # Nijmegen-Zuid's meldkamer post: a landscape photo and a portrait one.
    url = servers["ended"].url(f"/{SHIFT}/nijmegen-zuid/2010-meldkamer/")
    with page_of(browser, url, viewport) as page:
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('.photo-row img')].map((img) => {
                 const r = img.getBoundingClientRect();
                 return [img.naturalWidth / img.naturalHeight || img.width / img.height,
                         r.width, r.height, r.top];
               })"""
        )
        shapes = sorted(b[0] for b in boxes)
        assert len(boxes) == 2 and shapes[0] < 1 < shapes[1], boxes  # one of each
        # Each shows whole, in its own shape (nothing cropped to make them fit) ...
        for shape, width, height, _top in boxes:
            assert abs(width / height - shape) < 0.05, boxes
        # ... and equally high, side by side: no empty block under the landscape one.
        heights, tops = [b[2] for b in boxes], [b[3] for b in boxes]
        assert abs(heights[0] - heights[1]) <= 1 and abs(tops[0] - tops[1]) <= 1, boxes
        row = page.locator(".photo-row").bounding_box()
        assert row is not None and abs(row["height"] - heights[0]) <= 1, (row, boxes)


def test_the_selected_team_chip_is_on_screen_on_a_phone(
    browser: Any, servers: dict[str, Server]
) -> None:
    with page_of(browser, servers["live"].url(f"/{SHIFT}/zevenaar/"), PHONE) as page:
        chip = page.locator(".team-filter a[aria-current='page']")
        box = chip.bounding_box()
        assert chip.inner_text().startswith("Zevenaar")
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        # More chips than fit: the row scrolls and says so with a fading edge.
        row = page.locator(".team-filter ul")
        assert page.evaluate("(ul) => ul.scrollWidth > ul.clientWidth", row.element_handle())
        assert "gradient" in page.evaluate(
            "(ul) => getComputedStyle(ul).maskImage || getComputedStyle(ul).webkitMaskImage",
            row.element_handle(),
        )


def test_no_word_is_said_twice(example: dict[str, Path]) -> None:
    live = example["live"]
    team = html(live, "teams/zevenaar/index.html")
    assert team.count(">Politieteam Zevenaar<") == 1  # the heading, no badge above it
    index = html(live, "index.html")
    assert 'class="status' not in index  # "Binnenkort" heading, no "BINNENKORT" badge below
    post = html(live, f"{SHIFT}/zevenaar/1915-weekmarkt/index.html")
    date_line = re.search(r'<p class="post-date">(.*?)</p>', post)
    shown = re.sub(r"<[^>]+>", "", date_line.group(1)) if date_line else ""
    assert shown == "Geplaatst op zaterdag 24 oktober 2026"  # the article shows 19:15
    ended = html(example["ended"], f"{SHIFT}/index.html")
    assert "Deze volgdienst is afgelopen" not in ended.split('class="timeline"')[0]


def test_the_example_site_invites_no_replies(example: dict[str, Path]) -> None:
    for page in (example["ended"]).rglob("*.html"):
        text = page.read_text("utf-8").lower()
        assert "in de reacties" not in text and "lieve reacties" not in text, page


# -- the home page --------------------------------------------------------------------------------


def test_the_home_page_shows_each_live_shift_with_its_latest_photo_and_post(
    browser: Any, servers: dict[str, Server], example: dict[str, Path]
) -> None:
    with page_of(browser, servers["live"].url("/"), DESKTOP) as page:
        card = page.locator(".live-card")
        assert card.count() == 1
        assert "Burenconflict" in card.locator(".latest").inner_text()  # the 22:15 post
        photo = card.locator(".card-photo img")
        assert page.evaluate(
            "(img) => img.complete && img.naturalWidth > 0", photo.element_handle()
        )
        assert "IMG_4711" not in (photo.get_attribute("alt") or "")
        assert "politieauto" in (photo.get_attribute("alt") or "")  # 22:10, the newest photo
        # It uses the width of a desktop screen, photo beside text.
        box = card.bounding_box()
        assert box is not None and box["width"] > 1000
        earlier = page.locator(".shift-list-ended .shift-card .card-photo img")
        assert earlier.count() == 1  # Helmond's first photo
    with page_of(browser, servers["ended"].url("/"), PHONE) as page:
        assert page.locator(".live-card").count() == 0
        assert page.locator(".shift-list-ended .shift-card").count() == 2


# -- logo: and phones: in site.yaml ---------------------------------------------------------------

SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40">'
    b'<rect width="120" height="40" fill="#fff"/></svg>'
)


def _png(text_chunk: bool = True) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 2, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\0" + b"\xff\x00\x00\x80" * 2)
    text = chunk(b"tEXt", b"Author\0Agent J. de Vries") if text_chunk else b""
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + text + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )  # fmt: skip


def _site_with(tmp_path: Path, settings: str, files: dict[str, str | bytes]) -> Path:
    extra: dict[str, str | bytes] = {
        "content/site.yaml": "title: Volgdienst Oost\nbase_url: https://v.example.nl/\n" + settings
    }
    extra.update({f"content/{k}": v for k, v in files.items()})
    return make_site(tmp_path, site_files(extra))


@pytest.mark.parametrize(
    ("logo", "files", "message"),
    [
        ("logo.svg", {}, "logo: 'logo.svg' does not exist (paths are relative to content/)"),
        ("logo.gif", {"logo.gif": b"GIF89a"}, "logo: 'logo.gif' is not an SVG or PNG file"),
        (
            "logo.svg",
            {"logo.svg": SVG.replace(b"<rect", b"<script>alert(1)</script><rect")},
            "logo: 'logo.svg' is not a safe SVG: it has a <script> element",
        ),
        (
            "logo.svg",
            {"logo.svg": SVG.replace(b"<rect", b'<rect onclick="x()"')},
            "logo: 'logo.svg' is not a safe SVG: it has an event attribute onclick=",
        ),
        (
            "logo.svg",
            {"logo.svg": SVG.replace(b"<rect", b'<image href="https://t.example/x.png"/><rect')},
            "logo: 'logo.svg' is not a self-contained SVG: it links to another file",
        ),
        ("logo.svg", {"logo.svg": b"<svg><rect></svg>"}, "logo: 'logo.svg' is not well-formed SVG"),
        (
            "logo.png",
            {"logo.png": _png()[:40]},
            "logo: 'logo.png' is not a PNG image that can be read (corrupt or truncated?)",
        ),
        ("../outside.svg", {}, "logo: '../outside.svg' is outside content/"),
    ],
    ids=["missing", "gif", "script", "event", "external", "broken", "truncated", "outside"],
)
def test_a_bad_logo_is_one_diagnostic_at_its_line_of_site_yaml(
    tmp_path: Path, run: Run, logo: str, files: dict[str, str | bytes], message: str
) -> None:
    (tmp_path / "outside.svg").write_bytes(SVG)
    root = _site_with(tmp_path, f"language: nl\nlogo: {logo}\n", files)
    result = run(["build", "--now", "2026-10-24T21:00"], root)
    # A bad site.yaml publishes nothing (that is said once more, at line 1).
    errors = [e for e in result.diagnostics("error") if "nothing was published" not in e]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith(f"content/site.yaml:4: error: {message}"), errors
    assert "Traceback" not in result.stderr
    assert result.exit_code != 0


@pytest.mark.parametrize(("name", "data"), [("logo.svg", SVG), ("logo.png", _png())])
def test_a_logo_is_published_as_a_hashed_asset_in_the_header(
    tmp_path: Path, run: Run, name: str, data: bytes
) -> None:
    root = _site_with(tmp_path, f"logo: {name}\n", {name: data})
    result = run(["build", "--now", "2026-10-24T21:00"], root)
    assert result.exit_code == 0 and result.diagnostics("error") == [], result.stderr
    page = html(root / "site", "index.html")
    src = re.search(r'<img class="site-logo" src="(assets/logo\.[0-9a-f]+\.(?:svg|png))"', page)
    assert src, page[:2000]
    published = (root / "site" / src.group(1)).read_bytes()
    if name == "logo.svg":
        assert published == SVG and 'width="768" height="256"' in page
    else:  # decoded and written again: no text chunk (no metadata) survives
        assert published.startswith(b"\x89PNG") and b"tEXt" not in published
        assert b"de Vries" not in published


def test_bad_phone_numbers_are_diagnostics_at_their_line(tmp_path: Path, run: Run) -> None:
    settings = (
        "phones:\n"
        "  - label: Geen spoed\n    number: 0900-8844\n"
        "  - label: Typfout\n    number: bel ons\n"
        "  - number: '0800-1234'\n"
    )
    root = _site_with(tmp_path, settings, {})
    result = run(["build", "--now", "2026-10-24T21:00"], root)
    assert result.diagnostics("error")[1:] == [
        "content/site.yaml:7: error: phones: number must be a phone number such as 0900-8844, "
        "not 'bel ons'",
        "content/site.yaml:8: error: phones: each number needs a label: (what it is for)",
    ], result.stderr
