"""Atom and JSON Feed 1.1 files, read back with real parsers (feedparser, json + the 1.1 spec).

Sites are built through the CLI with a fixed `--now`. Content URLs are checked with feedparser's
own URL resolving switched off, so a relative URL in a feed cannot pass for an absolute one.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import feedparser
from conftest import AFTER, SHIFT, Run, jpeg, make_site, post_path, read, site_files

BASE = "https://volgdienst.example.nl/"
LIVE = "2026-10-24T21:50"  # the shift is live; 01:05 and 02:40 are still scheduled
LATER = "2026-11-01T12:00"

EXTRA: dict[str, str | bytes] = {
    post_path("zevenaar", "2030-controle.md"): (
        "---\ntitle: Controle\nauthor: Wijkagent Marieke\nupdated: 2026-10-24 21:45\n---\n"
        "Lees [de tips](../1915-weekmarkt/), [mail ons](mailto:zevenaar@example.nl)"
        " of [kijk hier](#kaart).\n"
    ),
    post_path("zevenaar", "2100-markt.md"): (
        "---\nphotos:\n  - file: 2100-markt.jpg\n    alt: Een kraam op de markt\n---\n"
        "Op de markt.\n"
    ),
    post_path("zevenaar", "2100-markt.jpg"): jpeg(size=(64, 40)),
    post_path("zevenaar", "0240-nacht.md"): (
        "---\ntime: 2026-10-25T02:40+01:00\n---\nNa het terugzetten van de klok.\n"
    ),
    post_path("neder-betuwe", "2110-concept.md"): "---\nstatus: draft\n---\nNog niet af.\n",
}

FEEDS = ["", f"{SHIFT}/", f"{SHIFT}/zevenaar/", f"{SHIFT}/neder-betuwe/"]


def build(root: Path, run: Run, now: str = AFTER, *args: str) -> None:
    result = run(["build", "--now", now, *args], root)
    assert result.exit_code == 0, result.stderr


def fixture_site(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return make_site(root, site_files({**EXTRA, **(extra or {})}))


def atom(root: Path, folder: str, out: str = "site") -> Any:
    """The parsed Atom feed of `folder`, exactly as written: no URL resolving, no sanitising."""
    data = (root / out / folder / "feed.xml").read_bytes()
    parsed = feedparser.parse(data, resolve_relative_uris=False, sanitize_html=False)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    return parsed


def json_feed(root: Path, folder: str) -> dict[str, Any]:
    return json.loads(read(root, f"site/{folder}feed.json"))


def many_posts(count: int) -> dict[str, str | bytes]:
    """`count` Zevenaar posts three minutes apart from 19:00 (120 end at 00:57)."""
    files: dict[str, str | bytes] = {}
    for i in range(count):
        minutes = (19 * 60 + 3 * i) % (24 * 60)
        files[post_path("zevenaar", f"{minutes // 60:02d}{minutes % 60:02d}-bericht-{i}.md")] = (
            f"Bericht {i}.\n"
        )
    return files


def by_id(entries: list[Any]) -> dict[str, Any]:
    return {entry.id: entry for entry in entries}


def permalink(team: str, stem: str) -> str:
    return f"{BASE}{SHIFT}/{team}/{stem}/"


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.urls.extend(v for k, v in attrs if k in ("href", "src") and v)
        if tag == "img":
            self.images.append(found)


def urls_in(html: str) -> _Urls:
    parser = _Urls()
    parser.feed(html)
    return parser


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.alternates: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "link" and found.get("rel") == "alternate":
            self.alternates.append(found)


def alternates(root: Path, page: str) -> list[tuple[str | None, str]]:
    parser = _Links()
    parser.feed(read(root, f"site/{page}"))
    # Resolved as a browser would, relative to the page's URL; the result is below BASE.
    return [
        (link["type"], urljoin(BASE + page, link["href"] or "").removeprefix(BASE))
        for link in parser.alternates
    ]


# -- Atom ----------------------------------------------------------------------------------------


def test_the_site_each_shift_and_each_team_in_it_have_a_valid_atom_feed(
    tmp_path: Path, run: Run
) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    for folder in FEEDS:
        feed = atom(tmp_path, folder).feed
        assert feed.id == BASE + folder
        links = {link.rel: link for link in feed.links}
        assert links["self"].href == f"{BASE}{folder}feed.xml"
        assert links["self"].type == "application/atom+xml"
        assert links["alternate"].href == BASE + folder
        assert feed.title
    assert atom(tmp_path, "").feed.title == "Volgdienst Oost"
    assert atom(tmp_path, f"{SHIFT}/zevenaar/").feed.title.startswith(
        "Team Zevenaar · Megavolgdienst Oost-Nederland"
    )


def test_feeds_hold_the_right_posts_newest_first(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    site = [e.id for e in atom(tmp_path, "").entries]
    assert site[0] == permalink("zevenaar", "0240-nacht")
    assert len(site) == 7  # the fixture's four, three more; never the draft
    shift = [e.id for e in atom(tmp_path, f"{SHIFT}/").entries]
    assert shift == site
    team = [e.id for e in atom(tmp_path, f"{SHIFT}/neder-betuwe/").entries]
    assert team == [permalink("neder-betuwe", "2000-verkeerscontrole")]


def test_an_entry_carries_permalink_times_with_offset_author_and_team(
    tmp_path: Path, run: Run
) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    entries = by_id(atom(tmp_path, f"{SHIFT}/").entries)
    checked = entries[permalink("zevenaar", "2030-controle")]
    assert checked.link == permalink("zevenaar", "2030-controle")
    assert checked.title == "Controle"
    assert checked.published == "2026-10-24T20:30:00+02:00"
    assert checked.author == "Wijkagent Marieke (Team Zevenaar)"
    assert checked.author_detail.href == f"{BASE}teams/zevenaar/"
    assert [t.term for t in checked.tags] == ["zevenaar"]
    untitled = entries[permalink("zevenaar", "1900-de-dienst-begint")]
    assert untitled.title == "Team Zevenaar, 19:00"
    assert untitled.author == "Team Zevenaar"
    after_the_clock_change = entries[permalink("zevenaar", "0240-nacht")]
    assert after_the_clock_change.published == "2026-10-25T02:40:00+01:00"


def test_a_corrected_post_is_updated_and_the_feed_is_as_new_as_its_newest_change(
    tmp_path: Path, run: Run
) -> None:
    files = site_files(EXTRA)
    # Without the night's posts, the newest change is the 21:45 correction of a 20:30 post.
    del files[post_path("zevenaar", "0240-nacht.md")]
    del files[post_path("zevenaar", "0105-laatste-ronde.md")]
    make_site(tmp_path, files)
    build(tmp_path, run)

    parsed = atom(tmp_path, f"{SHIFT}/zevenaar/")
    corrected = by_id(parsed.entries)[permalink("zevenaar", "2030-controle")]
    assert corrected.published == "2026-10-24T20:30:00+02:00"
    assert corrected.updated == "2026-10-24T21:45:00+02:00"
    plain = by_id(parsed.entries)[permalink("zevenaar", "1915-weekmarkt")]
    assert plain.updated == plain.published
    assert parsed.feed.updated == "2026-10-24T21:45:00+02:00"


def test_content_is_sanitised_html_with_only_absolute_urls(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    entries = by_id(atom(tmp_path, "").entries)
    for entry in entries.values():
        [content] = entry.content
        assert content.type == "text/html"
        for url in urls_in(content.value).urls:
            assert url.startswith((BASE, "mailto:")), (entry.id, url)
    links = urls_in(entries[permalink("zevenaar", "2030-controle")].content[0].value).urls
    assert links == [
        permalink("zevenaar", "1915-weekmarkt"),
        "mailto:zevenaar@example.nl",
        permalink("zevenaar", "2030-controle") + "#kaart",
    ]
    weekmarkt = entries[permalink("zevenaar", "1915-weekmarkt")].content[0].value
    assert "<strong>weekmarkt</strong>" in weekmarkt


def test_a_photo_is_in_the_content_at_full_size_and_its_og_jpeg_is_the_enclosure(
    tmp_path: Path, run: Run
) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    entry = by_id(atom(tmp_path, f"{SHIFT}/zevenaar/").entries)[permalink("zevenaar", "2100-markt")]
    [image] = urls_in(entry.content[0].value).images
    assert image["alt"] == "Een kraam op de markt"
    assert (image["width"], image["height"]) == ("64", "40")
    assert str(image["src"]).startswith(BASE + "media/")
    assert (tmp_path / "site" / str(image["src"]).removeprefix(BASE)).is_file()
    [enclosure] = entry.enclosures
    assert enclosure.type == "image/jpeg"
    assert enclosure.href.startswith(BASE + "media/") and enclosure.href.endswith("/og.jpg")
    assert (tmp_path / "site" / enclosure.href.removeprefix(BASE)).is_file()
    no_photo = by_id(atom(tmp_path, f"{SHIFT}/zevenaar/").entries)[
        permalink("zevenaar", "1915-weekmarkt")
    ]
    assert no_photo.enclosures == []


def test_drafts_and_scheduled_posts_never_appear_in_any_feed(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run, LIVE, "--drafts")

    draft_page = tmp_path / "site" / SHIFT / "neder-betuwe" / "2110-concept" / "index.html"
    assert draft_page.is_file()  # the preview shows the draft …
    hidden = {
        permalink("neder-betuwe", "2110-concept"),  # draft
        permalink("zevenaar", "0105-laatste-ronde"),  # scheduled
        permalink("zevenaar", "0240-nacht"),  # scheduled
    }
    for folder in FEEDS:
        ids = {e.id for e in atom(tmp_path, folder).entries}
        ids |= {item["id"] for item in json_feed(tmp_path, folder)["items"]}
        assert not ids & hidden, folder  # … the feeds never do
        raw = read(tmp_path, f"site/{folder}feed.xml") + read(tmp_path, f"site/{folder}feed.json")
        assert "Nog niet af" not in raw and "Na het terugzetten" not in raw
    assert len(atom(tmp_path, "").entries) == 5


def test_an_untitled_post_is_named_by_team_and_time_in_the_site_language(
    tmp_path: Path, run: Run
) -> None:
    english = "title: Follow shift East\nbase_url: https://volgdienst.example.nl/\nlanguage: en\n"
    fixture_site(tmp_path, {"content/site.yaml": english})
    build(tmp_path, run)

    parsed = atom(tmp_path, "")
    titles = {e.id: e.title for e in parsed.entries}
    assert re.fullmatch(
        r"Team Zevenaar, 7:00\s?PM", titles[permalink("zevenaar", "1900-de-dienst-begint")]
    )
    assert parsed.feed.language == "en"
    assert json_feed(tmp_path, "")["language"] == "en"


def test_text_that_is_not_xml_still_makes_a_well_formed_feed(tmp_path: Path, run: Run) -> None:
    hostile = (
        "---\ntitle: '<b>]]> & \"quotes\"'\n---\n"
        "Bell \x07 and <script>alert(1)</script> & <em>nadruk</em>.\n"
    )
    fixture_site(tmp_path, {post_path("zevenaar", "2040-rare-tekens.md"): hostile})
    build(tmp_path, run)

    entry = by_id(atom(tmp_path, "").entries)[permalink("zevenaar", "2040-rare-tekens")]
    assert entry.title == '<b>]]> & "quotes"'
    assert "<script>" not in entry.content[0].value
    assert "<em>nadruk</em>" in entry.content[0].value
    item = next(i for i in json_feed(tmp_path, "")["items"] if i["id"] == entry.id)
    assert item["title"] == '<b>]]> & "quotes"'


def test_the_site_feed_keeps_the_newest_50_and_a_shift_or_team_feed_the_newest_100(
    tmp_path: Path, run: Run
) -> None:
    make_site(tmp_path, site_files(many_posts(120)))
    build(tmp_path, run)

    site = atom(tmp_path, "").entries
    shift = atom(tmp_path, f"{SHIFT}/").entries
    team = atom(tmp_path, f"{SHIFT}/zevenaar/").entries
    assert (len(site), len(shift), len(team)) == (50, 100, 100)
    assert site[0].id == permalink("zevenaar", "0105-laatste-ronde")
    assert [e.id for e in shift[:50]] == [e.id for e in site]
    published = [datetime.fromisoformat(e.published) for e in shift]
    assert published == sorted(published, reverse=True)
    assert len(json_feed(tmp_path, "")["items"]) == 50
    assert len(json_feed(tmp_path, f"{SHIFT}/zevenaar/")["items"]) == 100


# -- JSON Feed 1.1 -------------------------------------------------------------------------------


def test_every_json_feed_has_the_fields_json_feed_1_1_requires(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    for folder in FEEDS:
        feed = json_feed(tmp_path, folder)
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert isinstance(feed["title"], str) and feed["title"]
        assert feed["home_page_url"] == BASE + folder
        assert feed["feed_url"] == f"{BASE}{folder}feed.json"
        assert feed["language"] == "nl"
        assert all(isinstance(a["name"], str) for a in feed["authors"])
        assert "author" not in feed  # the 1.0 field
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["id"] == item["url"]
            assert item["url"].startswith(BASE + SHIFT + "/")
            assert isinstance(item["content_html"], str)
            for key in ("date_published", "date_modified"):
                assert datetime.fromisoformat(item[key]).utcoffset() is not None, item[key]
            assert item["authors"] and all(a["name"] for a in item["authors"])
            assert "author" not in item
        atom_ids = [e.id for e in atom(tmp_path, folder).entries]
        assert [item["id"] for item in feed["items"]] == atom_ids


def test_json_feed_items_carry_corrections_photos_and_authors(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    items = {item["id"]: item for item in json_feed(tmp_path, f"{SHIFT}/zevenaar/")["items"]}
    checked = items[permalink("zevenaar", "2030-controle")]
    assert checked["title"] == "Controle"
    assert checked["date_published"] == "2026-10-24T20:30:00+02:00"
    assert checked["date_modified"] == "2026-10-24T21:45:00+02:00"
    assert checked["authors"] == [
        {"name": "Wijkagent Marieke (Team Zevenaar)", "url": f"{BASE}teams/zevenaar/"}
    ]
    assert f'href="{permalink("zevenaar", "1915-weekmarkt")}"' in checked["content_html"]
    market = items[permalink("zevenaar", "2100-markt")]
    assert market["image"].startswith(BASE + "media/") and market["image"].endswith("/og.jpg")
    assert (tmp_path / "site" / market["image"].removeprefix(BASE)).is_file()
    assert "image" not in checked


# -- reproducible, and linked from pages ---------------------------------------------------------


def test_feeds_are_byte_identical_whatever_the_build_clock(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run, AFTER)
    build(tmp_path, run, LATER, "--out", "site2")

    for folder in FEEDS:
        for name in ("feed.xml", "feed.json"):
            first = (tmp_path / "site" / folder / name).read_bytes()
            assert first == (tmp_path / "site2" / folder / name).read_bytes(), folder + name


def test_pages_link_their_feeds_as_alternates(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    site = [("application/atom+xml", "feed.xml"), ("application/feed+json", "feed.json")]
    shift = [(t, f"{SHIFT}/{name}") for t, name in site]
    team = [(t, f"{SHIFT}/zevenaar/{name}") for t, name in site]
    assert alternates(tmp_path, "index.html") == site
    assert alternates(tmp_path, f"{SHIFT}/index.html") == shift + site
    assert alternates(tmp_path, f"{SHIFT}/zevenaar/index.html") == team + site
    assert alternates(tmp_path, f"{SHIFT}/zevenaar/1915-weekmarkt/index.html") == shift + site
    assert alternates(tmp_path, "teams/zevenaar/index.html") == site
    for page in ["index.html", f"{SHIFT}/zevenaar/index.html", "404.html"]:
        for _, target in alternates(tmp_path, page):
            assert (tmp_path / "site" / target).is_file(), (page, target)


# -- plain text of a post (descriptions, JSON-LD articleBody, JSON Feed content_text) ----------


def _plain_text_by_markupsafe(fragment: str) -> str:
    """What plain_text() gave before it stripped tags itself: MarkupSafe's striptags()."""
    from markupsafe import Markup

    return re.sub(r"\s+", " ", Markup(fragment).striptags()).strip()


PLAIN_TEXT_CASES = [
    "<p>Een <strong>vette</strong> melding &amp; een <a href='x'>link</a>.</p>\n<p>Twee</p>",
    "collega&rsquo;s &ldquo;quote&rdquo; &hellip; &ndash; &#8212; &#x2014; &nbsp;x&nbsp;&nbsp;y",
    "1 < 2 en 3 > 2 <b>vet</b> en a<b en c>d",
    "los < zonder sluiting",
    "x<y>z<w",
    "&amp &lt\xa0x; &foo\xa0bar; &amp\rx &#32;&#10;&#9; &#xa0; &notit; &ampx",
    "regel\r\nregel\x0bregel\x0cregel\u2028regel\u3000regel\x1cx\x85y",
    "<!-- commentaar <b>met tag</b> --> na <!--> <!---> <i>x</i> <!-- open",
    "  \n <p>  spaties  </p>\n  ",
    "",
]


def test_plain_text_is_what_markupsafe_striptags_gives() -> None:
    import random

    from followshift.content.loader import load_site
    from followshift.diagnostics import Diagnostics
    from followshift.render.markdown import render_markdown
    from followshift.render.syndication import plain_text

    example = Path(__file__).resolve().parent.parent / "content"
    site = load_site(example, Diagnostics())
    fragments = [render_markdown(p.body) for s in site.shifts for p in s.posts]
    rng = random.Random(20261122)
    alphabet = ["<", ">", "!--", "-->", "&", ";", "#", "amp", "lt", "nbsp", "x", "9", " ", "\n",
                "\r", "\t", "\xa0", "\u2003", "<p>", "</p>", "é", "&#10;", "&#xa0;"]  # fmt: skip
    fuzz = ["".join(rng.choices(alphabet, k=rng.randint(0, 40))) for _ in range(3000)]
    for fragment in [*PLAIN_TEXT_CASES, *fragments, *fuzz]:
        assert plain_text.__wrapped__(fragment) == _plain_text_by_markupsafe(fragment), fragment


def test_str_split_and_regex_agree_on_what_whitespace_is() -> None:
    """plain_text collapses with str.split(); the regex `\\s` it replaced must mean the same."""
    space = re.compile(r"\s")
    for code in range(0x110000):
        char = chr(code)
        assert char.isspace() == bool(space.match(char)), hex(code)


def _atom_entry_by_elementtree(item: Any) -> str:
    """What _atom_entry() gave before it wrote the entry itself: ElementTree, indented."""
    from xml.etree import ElementTree as ET

    from followshift.render.producers.feeds import _xml

    def add(parent: Any, tag: str, text: str | None = None, **attributes: str) -> Any:
        element = ET.SubElement(parent, tag, {k: _xml(v) for k, v in attributes.items()})
        if text is not None:
            element.text = _xml(text)
        return element

    element = ET.Element("entry")
    add(element, "id", item.id)
    add(element, "title", item.title)
    add(element, "link", rel="alternate", type="text/html", href=item.id)
    if item.image:
        add(element, "link", rel="enclosure", type="image/jpeg", href=item.image)
    add(element, "published", item.published)
    add(element, "updated", item.updated)
    author = add(element, "author")
    add(author, "name", item.author)
    add(author, "uri", item.author_url)
    add(element, "category", term=item.team_id, label=item.team_name)
    add(element, "content", item.content_html, type="html")
    ET.indent(element, space=" ", level=1)
    return ET.tostring(element, encoding="unicode")


def test_an_atom_entry_is_written_as_elementtree_writes_it() -> None:
    """Entries are written directly (8 µs instead of ElementTree's 60): the same text, for
    every character XML escapes or cannot carry, in text and in attributes, and empty."""
    import random
    from dataclasses import fields

    from followshift.render.producers.feeds import _atom_entry
    from followshift.render.syndication import Entry

    rng = random.Random(20261122)
    alphabet = ["&", "<", ">", '"', "'", "\r", "\n", "\t", "\x00", "\x0b", "\ufffe", "]]>",
                "&amp;", "é", "’", " ", "a", "<p>", "</p>", "\u2028", "\U0001f46e"]  # fmt: skip
    names = [f.name for f in fields(Entry)]
    for _ in range(2000):
        values = {n: "".join(rng.choices(alphabet, k=rng.choice([0, 1, 3, 12]))) for n in names}
        item = Entry(**values)
        assert _atom_entry.__wrapped__(item) == _atom_entry_by_elementtree(item), item
