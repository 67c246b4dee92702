"""What pages tell search engines and share previews, read back with extruct.

JSON-LD (schema.org LiveBlogPosting and BlogPosting) and Open Graph come from `extruct`, the
extractor crawlers use; Twitter card tags, canonical links and the raw script text come from the
standard library's HTML parser. Sites are built through the CLI with a fixed `--now`.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import extruct
from conftest import AFTER, SHIFT, Run, html_pages, jpeg, make_site, post_path, read, site_files
from PIL import Image

BASE = "https://volgdienst.example.nl/"
LIVE = "2026-10-24T21:50"

EXTRA: dict[str, str | bytes] = {
    post_path("zevenaar", "2030-controle.md"): (
        "---\ntitle: Controle\nauthor: Wijkagent Marieke\nupdated: 2026-10-24 21:45\n---\n"
        "Een <em>controle</em> op [de markt](../1915-weekmarkt/).\n"
    ),
    post_path("zevenaar", "2100-markt.md"): (
        "---\nphotos:\n  - file: 2100-markt.jpg\n    alt: Een kraam op de markt\n---\n"
        "Op de markt.\n"
    ),
    post_path("zevenaar", "2100-markt.jpg"): jpeg(size=(64, 40)),
    post_path("neder-betuwe", "2110-concept.md"): "---\nstatus: draft\n---\nNog niet af.\n",
}
PUBLIC_AFTER = 6  # the fixture's four posts and two of EXTRA's; never the draft


def build(root: Path, run: Run, now: str = AFTER, *args: str) -> None:
    result = run(["build", "--now", now, *args], root)
    assert result.exit_code == 0, result.stderr


def fixture_site(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    return make_site(root, site_files({**EXTRA, **(extra or {})}))


def permalink(team: str, stem: str) -> str:
    return f"{BASE}{SHIFT}/{team}/{stem}/"


def json_ld(root: Path, page: str) -> list[dict[str, Any]]:
    html = read(root, f"site/{page}")
    return extruct.extract(html, base_url=BASE + page, syntaxes=["json-ld"])["json-ld"]


def one(root: Path, page: str, kind: str) -> dict[str, Any]:
    [item] = json_ld(root, page)
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == kind
    return item


def open_graph(root: Path, page: str) -> dict[str, str]:
    html = read(root, f"site/{page}")
    [og] = extruct.extract(html, base_url=BASE + page, syntaxes=["opengraph"])["opengraph"]
    properties = og["properties"]
    keys = [key for key, _ in properties]
    assert len(keys) == len(set(keys)), keys  # every property once
    return dict(properties)


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.names: dict[str, str] = {}
        self.canonical: list[str] = []
        self.scripts: list[str] = []
        self._in_json_ld = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "meta" and found.get("name"):
            self.names[str(found["name"])] = str(found.get("content"))
        if tag == "link" and found.get("rel") == "canonical":
            self.canonical.append(str(found["href"]))
        self._in_json_ld = tag == "script" and found.get("type") == "application/ld+json"

    def handle_data(self, data: str) -> None:
        if self._in_json_ld:
            self.scripts.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._in_json_ld = False


def head(root: Path, page: str) -> _Head:
    parser = _Head()
    parser.feed(read(root, f"site/{page}"))
    return parser


def file_of(root: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    path = root / "site" / url.removeprefix(BASE)
    assert path.is_file(), url
    return path


def many_posts(count: int) -> dict[str, str | bytes]:
    """`count` Zevenaar posts three minutes apart from 19:00."""
    files: dict[str, str | bytes] = {}
    for i in range(count):
        minutes = (19 * 60 + 3 * i) % (24 * 60)
        files[post_path("zevenaar", f"{minutes // 60:02d}{minutes % 60:02d}-bericht-{i}.md")] = (
            f"Bericht {i}.\n"
        )
    return files


# -- JSON-LD -------------------------------------------------------------------------------------


def test_a_shift_page_is_a_live_blog_posting_with_coverage_times_and_updates(
    tmp_path: Path, run: Run
) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    blog = one(tmp_path, f"{SHIFT}/index.html", "LiveBlogPosting")
    assert blog["url"] == blog["@id"] == f"{BASE}{SHIFT}/"
    assert blog["headline"] == "Megavolgdienst Oost-Nederland"
    assert blog["description"] == "Een avond mee met 27 teams."
    # The shift ends after the clocks went back: the end has the winter offset.
    assert blog["coverageStartTime"] == blog["datePublished"] == "2026-10-24T19:00:00+02:00"
    assert blog["coverageEndTime"] == "2026-10-25T03:00:00+01:00"
    assert blog["dateModified"] == "2026-10-25T01:05:00+02:00"
    assert blog["publisher"] == {"@type": "Organization", "name": "Volgdienst Oost", "url": BASE}
    updates = blog["liveBlogUpdate"]
    assert len(updates) == PUBLIC_AFTER
    assert [u["url"] for u in updates][:2] == [
        permalink("zevenaar", "0105-laatste-ronde"),
        permalink("zevenaar", "2100-markt"),
    ]
    for update in updates:
        assert update["@type"] == "BlogPosting"
        for key in ("headline", "url", "datePublished", "dateModified", "articleBody", "author"):
            assert update[key], (key, update)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", update["datePublished"])
        assert "<" not in update["articleBody"]


def test_live_blog_updates_carry_corrections_photos_and_authors(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    updates = {
        u["url"]: u
        for u in one(tmp_path, f"{SHIFT}/index.html", "LiveBlogPosting")["liveBlogUpdate"]
    }
    checked = updates[permalink("zevenaar", "2030-controle")]
    assert checked["headline"] == "Controle"
    assert checked["datePublished"] == "2026-10-24T20:30:00+02:00"
    assert checked["dateModified"] == "2026-10-24T21:45:00+02:00"
    assert checked["articleBody"] == "Een controle op de markt."
    assert checked["author"]["@type"] == "Person"
    assert checked["author"]["name"] == "Wijkagent Marieke"
    assert checked["author"]["affiliation"]["name"] == "Team Zevenaar"
    assert "image" not in checked
    untitled = updates[permalink("neder-betuwe", "2000-verkeerscontrole")]
    assert untitled["headline"] == "Team Neder-Betuwe, 20:00"
    assert untitled["author"] == {
        "@type": "Organization",
        "name": "Team Neder-Betuwe",
        "url": f"{BASE}teams/neder-betuwe/",
    }
    market = updates[permalink("zevenaar", "2100-markt")]
    assert file_of(tmp_path, market["image"]).name == "og.jpg"


def test_a_team_in_a_shift_is_a_live_blog_of_that_teams_posts(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    blog = one(tmp_path, f"{SHIFT}/neder-betuwe/index.html", "LiveBlogPosting")
    assert blog["url"] == f"{BASE}{SHIFT}/neder-betuwe/"
    assert blog["headline"] == "Team Neder-Betuwe · Megavolgdienst Oost-Nederland"
    assert blog["coverageStartTime"] == "2026-10-24T19:00:00+02:00"
    assert blog["coverageEndTime"] == "2026-10-25T03:00:00+01:00"
    assert blog["dateModified"] == "2026-10-24T20:00:00+02:00"
    assert [u["url"] for u in blog["liveBlogUpdate"]] == [
        permalink("neder-betuwe", "2000-verkeerscontrole")
    ]


def test_a_live_shift_lists_its_newest_50_posts_as_updates(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files(many_posts(120)))
    build(tmp_path, run, "2026-10-25T01:30")

    updates = one(tmp_path, f"{SHIFT}/index.html", "LiveBlogPosting")["liveBlogUpdate"]
    assert len(updates) == 50
    assert updates[0]["url"] == permalink("zevenaar", "0105-laatste-ronde")
    assert updates[1]["url"] == permalink("zevenaar", "0057-bericht-119")
    published = [u["datePublished"] for u in updates]
    assert published == sorted(published, reverse=True)  # one offset all night: text order
    # Older pages of the timeline are its archive: the live blog is described once.
    assert json_ld(tmp_path, f"{SHIFT}/page/1/index.html") == []


def test_a_post_page_is_a_blog_posting_that_is_part_of_its_live_blog(
    tmp_path: Path, run: Run
) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    post = one(tmp_path, f"{SHIFT}/zevenaar/2030-controle/index.html", "BlogPosting")
    assert post["url"] == post["@id"] == permalink("zevenaar", "2030-controle")
    assert post["headline"] == "Controle"
    assert post["datePublished"] == "2026-10-24T20:30:00+02:00"
    assert post["dateModified"] == "2026-10-24T21:45:00+02:00"
    assert post["author"]["name"] == "Wijkagent Marieke"
    assert post["isPartOf"]["@type"] == "LiveBlogPosting"
    assert post["isPartOf"]["url"] == f"{BASE}{SHIFT}/"
    assert post["publisher"]["name"] == "Volgdienst Oost"
    photo = one(tmp_path, f"{SHIFT}/zevenaar/2100-markt/index.html", "BlogPosting")
    assert file_of(tmp_path, photo["image"]).name == "og.jpg"
    assert json_ld(tmp_path, "index.html") == []
    assert json_ld(tmp_path, "teams/zevenaar/index.html") == []


def test_drafts_and_scheduled_posts_never_appear_in_json_ld(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run, LIVE, "--drafts")

    draft = f"{SHIFT}/neder-betuwe/2110-concept/index.html"
    assert "Nog niet af" in read(tmp_path, f"site/{draft}")  # the preview shows the draft …
    assert json_ld(tmp_path, draft) == []  # … but never describes it
    for page in [f"{SHIFT}/index.html", f"{SHIFT}/neder-betuwe/index.html"]:
        urls = [u["url"] for u in one(tmp_path, page, "LiveBlogPosting")["liveBlogUpdate"]]
        assert permalink("neder-betuwe", "2110-concept") not in urls
        assert permalink("zevenaar", "0105-laatste-ronde") not in urls  # scheduled
    shift = one(tmp_path, f"{SHIFT}/index.html", "LiveBlogPosting")
    assert len(shift["liveBlogUpdate"]) == 5


def test_json_ld_is_safe_inside_its_script_element_whatever_was_typed(
    tmp_path: Path, run: Run
) -> None:
    title = "</script><script>alert(1)</script> & <!-- -->"
    hostile = f"---\ntitle: '{title}'\n---\nTekst met </script> erin.\n"
    fixture_site(tmp_path, {post_path("zevenaar", "2040-rare-tekens.md"): hostile})
    build(tmp_path, run)

    for page in [f"{SHIFT}/zevenaar/2040-rare-tekens/index.html", f"{SHIFT}/index.html"]:
        [script] = head(tmp_path, page).scripts
        assert "<" not in script and ">" not in script and "&" not in script
    post = one(tmp_path, f"{SHIFT}/zevenaar/2040-rare-tekens/index.html", "BlogPosting")
    assert post["headline"] == title


# -- Open Graph, Twitter, canonical --------------------------------------------------------------


def test_every_page_has_open_graph_and_twitter_card_tags(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    pages = [p.relative_to(tmp_path / "site").as_posix() for p in html_pages(tmp_path / "site")]
    assert len(pages) >= 12
    for page in pages:
        og = open_graph(tmp_path, page)
        names = head(tmp_path, page).names
        for key in ("og:type", "og:title", "og:description", "og:image", "og:site_name"):
            assert og.get(key), (page, key)
        assert og["og:site_name"] == "Volgdienst Oost"
        assert og["og:locale"] == "nl_NL"
        file_of(tmp_path, og["og:image"])
        assert names["description"] == og["og:description"]
        assert names["twitter:card"] == "summary_large_image"
        assert names["twitter:title"] == og["og:title"]
        assert names["twitter:image"] == og["og:image"]
        if page != "404.html":
            assert head(tmp_path, page).canonical == [og["og:url"]], page
            assert og["og:url"] == BASE + re.sub(r"index\.html$", "", page)


def test_share_tags_say_what_each_page_is(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    index = open_graph(tmp_path, "index.html")
    assert (index["og:type"], index["og:title"]) == ("website", "Volgdienst Oost")
    post = open_graph(tmp_path, f"{SHIFT}/zevenaar/2030-controle/index.html")
    assert (post["og:type"], post["og:title"]) == ("article", "Controle")
    assert post["og:description"] == "Een controle op de markt."
    assert post["article:modified_time"] == "2026-10-24T21:45:00+02:00"
    untitled = open_graph(tmp_path, f"{SHIFT}/zevenaar/1900-de-dienst-begint/index.html")
    assert untitled["og:title"] == "Team Zevenaar, 19:00"
    team = open_graph(tmp_path, f"{SHIFT}/zevenaar/index.html")
    assert team["og:title"] == "Team Zevenaar · Megavolgdienst Oost-Nederland"
    assert team["og:description"] == "Een avond mee met 27 teams."


def test_a_timeline_shares_its_newest_photo_and_a_post_its_first(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    post = open_graph(tmp_path, f"{SHIFT}/zevenaar/2100-markt/index.html")
    assert file_of(tmp_path, post["og:image"]).name == "og.jpg"
    assert post["og:image:alt"] == "Een kraam op de markt"
    for page in [
        f"{SHIFT}/index.html",
        f"{SHIFT}/zevenaar/index.html",
        "teams/zevenaar/index.html",
    ]:
        assert open_graph(tmp_path, page)["og:image"] == post["og:image"], page


def test_pages_without_a_photo_share_the_default_image(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files())
    build(tmp_path, run)

    for page in [
        "index.html",
        f"{SHIFT}/index.html",
        f"{SHIFT}/zevenaar/1915-weekmarkt/index.html",
    ]:
        og = open_graph(tmp_path, page)
        path = file_of(tmp_path, og["og:image"])
        assert re.fullmatch(r"share\.[0-9a-f]+\.png", path.name)
        assert (og["og:image:width"], og["og:image:height"]) == ("1200", "630")
        assert head(tmp_path, page).names["twitter:card"] == "summary_large_image"
    with Image.open(path) as image:
        assert image.size == (1200, 630)
    assert path.stat().st_size < 40_000


def test_an_english_site_shares_in_british_english(tmp_path: Path, run: Run) -> None:
    english = "title: Follow shift East\nbase_url: https://volgdienst.example.nl/\nlanguage: en\n"
    fixture_site(tmp_path, {"content/site.yaml": english})
    build(tmp_path, run)

    og = open_graph(tmp_path, f"{SHIFT}/zevenaar/1900-de-dienst-begint/index.html")
    assert og["og:locale"] == "en_GB"
    assert re.fullmatch(r"Team Zevenaar, 7:00\sPM", og["og:title"])
    assert one(tmp_path, f"{SHIFT}/index.html", "LiveBlogPosting")["inLanguage"] == "en"


def test_the_sitemap_gives_each_page_its_last_change_with_offset(tmp_path: Path, run: Run) -> None:
    fixture_site(tmp_path)
    build(tmp_path, run)

    sitemap = read(tmp_path, "site/sitemap.xml")
    lastmod = dict(re.findall(r"<loc>([^<]+)</loc><lastmod>([^<]+)</lastmod>", sitemap))
    assert lastmod[permalink("zevenaar", "2030-controle")] == "2026-10-24T21:45:00+02:00"
    assert lastmod[f"{BASE}{SHIFT}/"] == "2026-10-25T01:05:00+02:00"
