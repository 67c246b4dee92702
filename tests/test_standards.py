"""SPEC §3 Standards, checked by the real checkers on a built fixture site of every page type.

- valid HTML: the Nu HTML Checker (vnu.jar, run with Java);
- WCAG 2.1 AA: axe-core in Debian's Chromium driven by Playwright, light and dark, phone and
  desktop widths, in Dutch and in English (the fixture site is built in both; the Nu checker
  reads both too); plus the skip link, `lang`, `<time datetime>`, team badge contrast, reduced
  motion and print, which axe does not judge;
- a strict Content Security Policy: every page loads from a local server that sends the policy
  of the shipped `_headers` file, with no console error, no policy violation, no failed request;
- screenshots of every page type for a person to look at, in test-artifacts/screenshots/.

Where the tools come from, and why a missing one skips locally but fails in CI: see
standards_support.py. One build, one server of each kind and one browser serve the whole module.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import SHIFT, html_pages, make_site
from standards_support import (
    AWKWARD_COLOURS,
    CSP,
    EMBED_CSP,
    LANGUAGE,
    LANGUAGES,
    NOW,
    PAGES,
    SCHEMES,
    SCREENSHOTS,
    WIDTHS,
    Server,
    axe_script,
    chromium_browser,
    contrast_ratio,
    contrast_with_white,
    fixture_files,
    header_rules,
    headers_file,
    headers_for,
    missing,
    serve,
    team_colours,
    vnu_jar,
)

from followshift.cli import main

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
HEIGHT = 800
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]

# Collects Content-Security-Policy violations from the very start of every document.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'}`);
});
"""

# Scrolls through the page so lazy images load, then waits until every image has settled.
LOAD_EVERY_IMAGE = """
async () => {
  for (const img of document.images) img.loading = 'eager';
  window.scrollTo(0, document.body.scrollHeight);
  await Promise.all([...document.images].map((img) => img.decode().catch(() => null)));
  window.scrollTo(0, 0);
}
"""

# Every visible element that has text of its own, with its computed text colour.
PRINTED_TEXT_COLOURS = """
() => [...document.body.querySelectorAll('*')]
  .filter((el) => el.checkVisibility()
    && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()))
  .map((el) => [el.textContent.trim().slice(0, 40), getComputedStyle(el).color])
"""

# -- the site, the servers, the browser ------------------------------------------------------------


def build_fixture(tmp_path_factory: pytest.TempPathFactory, language: str) -> Path:
    """The fixture site of every page type in `language`; returns site/."""
    root = make_site(tmp_path_factory.mktemp(f"standards-{language}"), fixture_files(language))
    with contextlib.chdir(root):
        result = CliRunner().invoke(
            main, ["build", "--now", NOW], env={"SOURCE_DATE_EPOCH": None}, catch_exceptions=False
        )
    assert result.exit_code == 0, result.stderr
    assert "0 errors, 0 warnings" in result.stderr, result.stderr
    return root / "site"


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture site in the site language (LANGUAGE), built once for the module."""
    return build_fixture(tmp_path_factory, LANGUAGE)


@pytest.fixture(scope="module")
def fixture_sites(tmp_path_factory: pytest.TempPathFactory, fixture_site: Path) -> dict[str, Path]:
    """The fixture site in every language the theme speaks (LANGUAGES)."""
    others = {lang: build_fixture(tmp_path_factory, lang) for lang in LANGUAGES if lang != LANGUAGE}
    return {LANGUAGE: fixture_site, **others}


@pytest.fixture(scope="module")
def plain_servers(fixture_sites: dict[str, Path]) -> Iterator[dict[str, Server]]:
    with contextlib.ExitStack() as stack:
        yield {lang: stack.enter_context(serve(site)) for lang, site in fixture_sites.items()}


@pytest.fixture(scope="module")
def csp_server(fixture_site: Path) -> Iterator[Server]:
    """Serves site/ with the headers the shipped _headers file gives each URL."""
    rules = header_rules(headers_file(fixture_site))
    with serve(fixture_site, lambda path: headers_for(rules, path)) as server:
        yield server


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@dataclass(frozen=True)
class AxePage:
    page: Any
    source: str  # axe.min.js


@pytest.fixture(scope="module")
def axe_page(browser: Any) -> Iterator[AxePage]:
    """One page in a context that bypasses the CSP (only this one), so axe-core can be injected."""
    source = axe_script()
    if source is None:
        missing("axe-core not found (pip install axe-playwright-python, or FOLLOWSHIFT_AXE_JS)")
    context = browser.new_context(bypass_csp=True)
    try:
        yield AxePage(context.new_page(), source.read_text(encoding="utf-8"))
    finally:
        context.close()


@contextlib.contextmanager
def new_page(browser: Any, **options: Any) -> Iterator[Any]:
    """A page in its own context under the CSP (never bypassed), closed afterwards."""
    context = browser.new_context(**options)
    try:
        yield context.new_page()
    finally:
        context.close()


# -- valid HTML -----------------------------------------------------------------------------------


def test_every_page_is_valid_html_for_the_nu_html_checker(fixture_sites: dict[str, Path]) -> None:
    jar = vnu_jar()
    if jar is None:
        missing("vnu.jar not found (npm install vnu-jar, see .ci/run; or FOLLOWSHIFT_VNU_JAR)")
    java = shutil.which("java")
    if java is None:
        missing("java not found (apt-get install default-jre-headless)")
    pages = [page for site in fixture_sites.values() for page in html_pages(site)]
    fixture_site = fixture_sites[LANGUAGE]
    extra = sorted(fixture_site.glob("assets/*.css")) + sorted(fixture_site.glob("assets/*.svg"))
    assert len(pages) >= len(PAGES) * len(LANGUAGES)
    assert any(p.name.startswith("logo.") for p in extra)  # the site's own logo too

    result = subprocess.run(
        [
            java,
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            "--also-check-css",
            "--also-check-svg",
            *map(str, pages + extra),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    try:
        messages = json.loads(result.stderr)["messages"]
    except (ValueError, KeyError):
        pytest.fail(f"vnu.jar gave no JSON report (exit {result.returncode}):\n{result.stderr}")
    report = [
        f"{m.get('url', '?').split('/site/')[-1]}:{m.get('lastLine', '?')}: "
        f"{m.get('type')}: {m.get('message')} «{m.get('extract', '').strip()}»"
        for m in messages
    ]
    assert report == [], "\n".join(report)
    assert result.returncode == 0, result.stderr


# -- accessibility --------------------------------------------------------------------------------


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_axe_violations(
    axe_page: AxePage,
    plain_servers: dict[str, Server],
    language: str,
    name: str,
    scheme: str,
    width: int,
) -> None:
    page = axe_page.page
    page.emulate_media(color_scheme=scheme)
    page.set_viewport_size({"width": width, "height": HEIGHT})
    page.goto(plain_servers[language].url(PAGES[name]))
    page.evaluate(axe_page.source)

    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )

    report = [
        f"{v['id']} ({v['impact']}): {v['help']} → "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"])
        for v in results["violations"]
    ]
    assert report == [], f"{name} ({language}), {scheme}, {width}px:\n" + "\n".join(report)


@pytest.mark.parametrize("name", ["index", "shift-live", "post-gallery", "404"])
def test_the_skip_link_comes_first_is_visible_on_focus_and_moves_focus_to_main(
    browser: Any, csp_server: Server, name: str
) -> None:
    with new_page(browser, viewport={"width": 360, "height": HEIGHT}) as page:
        page.goto(csp_server.url(PAGES[name]))
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => {
              const el = document.activeElement, box = el.getBoundingClientRect();
              const style = getComputedStyle(el);
              return {cls: el.className, href: el.getAttribute('href'), top: box.top,
                      bottom: box.bottom, outline: style.outlineStyle,
                      outlineWidth: parseFloat(style.outlineWidth)};
            }"""
        )
        assert focused["cls"] == "skip-link" and focused["href"] == "#main", focused
        assert 0 <= focused["top"] < focused["bottom"] <= HEIGHT, "skip link not shown on focus"
        assert focused["outline"] != "none" and focused["outlineWidth"] >= 2, "no visible focus"

        page.keyboard.press("Enter")

        assert page.evaluate("document.activeElement.id") == "main"
        assert page.evaluate("document.activeElement.tagName") == "MAIN"


class _PageFacts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.times: list[dict[str, str | None]] = []
        self.icons: list[str] = []
        self.meta_csp: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "time":
            self.times.append(a)
        elif tag == "link" and "icon" in (a.get("rel") or "").split():
            self.icons.append(a.get("href") or "")
        elif tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.meta_csp = a.get("content")


def page_facts(path: Path) -> _PageFacts:
    facts = _PageFacts()
    facts.feed(path.read_text(encoding="utf-8"))
    return facts


def test_every_page_declares_the_site_language_and_a_favicon(fixture_site: Path) -> None:
    for path in html_pages(fixture_site):
        facts = page_facts(path)
        assert facts.lang == LANGUAGE, path
        assert facts.icons, f"{path}: no favicon"
        if path.name != "404.html":  # 404.html links from the site root, for any URL
            for href in facts.icons:
                assert (path.parent / href).resolve().is_file(), f"{path}: {href}"


ISO_WITH_OFFSET = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")


def test_every_time_element_has_a_machine_readable_datetime_with_an_offset(
    fixture_site: Path,
) -> None:
    seen = 0
    for path in html_pages(fixture_site):
        for attrs in page_facts(path).times:
            seen += 1
            value = attrs.get("datetime") or ""
            assert ISO_WITH_OFFSET.fullmatch(value), f"{path}: <time datetime={value!r}>"
    assert seen > 20


def test_team_badge_text_contrast_is_at_least_4_5_for_any_team_colour(
    fixture_site: Path, browser: Any, csp_server: Server
) -> None:
    [css] = fixture_site.glob("assets/teams.*.css")
    colours = team_colours(css.read_text(encoding="utf-8"))

    for team, given in AWKWARD_COLOURS.items():
        background, text = colours[team]
        assert background.lower() == given
        assert contrast_ratio(background, text) >= 4.5, f"{team}: {text} on {background}"
    for team, (background, text) in colours.items():
        assert contrast_ratio(background, text) >= 4.5, f"{team}: {text} on {background}"

    # And the browser paints exactly those colours where a post shows its team without an
    # avatar: its initial on the team colour.
    with new_page(browser) as page:
        page.goto(csp_server.url(PAGES["shift-live"]))
        painted = page.evaluate(
            """(teams) => Object.fromEntries(teams.map((t) => {
              const s = getComputedStyle(document.querySelector(`.post .avatar-initial.team-${t}`));
              return [t, [s.backgroundColor, s.color]];
            }))""",
            list(AWKWARD_COLOURS),
        )
    for team in AWKWARD_COLOURS:
        assert painted[team] == [rgb(c) for c in colours[team]], team


def rgb(colour: str) -> str:
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return "rgb({}, {}, {})".format(*(int(h[i : i + 2], 16) for i in (0, 2, 4)))


def test_reduced_motion_leaves_nothing_moving(browser: Any, csp_server: Server) -> None:
    with new_page(browser, reduced_motion="reduce") as page:
        for name in ("shift-live", "post-gallery"):
            page.goto(csp_server.url(PAGES[name]))
            page.hover(".post-team")
            moving = page.evaluate(
                """() => {
                  const seconds = (v) => v.split(',').map((s) => parseFloat(s) || 0);
                  const busy = [...document.querySelectorAll('*')].filter((el) => {
                    const s = getComputedStyle(el);
                    return s.animationName !== 'none'
                      || seconds(s.transitionDuration).some((d) => d > 0);
                  }).map((el) => el.tagName + '.' + el.className);
                  return {animations: document.getAnimations().length, busy};
                }"""
            )
            assert moving == {"animations": 0, "busy": []}, name


def test_dark_mode_follows_the_colour_scheme(browser: Any, csp_server: Server) -> None:
    backgrounds = {}
    for scheme in SCHEMES:
        with new_page(browser, color_scheme=scheme) as page:
            page.goto(csp_server.url(PAGES["shift-live"]))
            backgrounds[scheme] = page.evaluate(
                "[getComputedStyle(document.body).backgroundColor,"
                " getComputedStyle(document.body).color]"
            )
    assert backgrounds["light"] != backgrounds["dark"]
    luminance = {s: sum(map(int, re.findall(r"\d+", bg[0])[:3])) for s, bg in backgrounds.items()}
    assert luminance["dark"] < luminance["light"]


def test_print_shows_a_clean_chronological_report(browser: Any, csp_server: Server) -> None:
    with new_page(browser) as page:
        page.emulate_media(media="print", color_scheme="dark")
        page.goto(csp_server.url(PAGES["shift-ended"]))
        assert page.locator(".team-filter").count() == 1
        assert page.locator(".team-filter").is_hidden()
        assert page.locator(".skip-link").is_hidden()
        posts = page.locator("article.post")
        assert posts.count() >= 2 and all(p.is_visible() for p in posts.all())
        times = posts.locator(".post-time time").evaluate_all(
            "(els) => els.map((e) => e.getAttribute('datetime'))"
        )
        assert times == sorted(times), "an ended shift prints oldest first"
        # Dark ink on white paper, whatever the reader's colour scheme on screen.
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") == (
            "rgb(255, 255, 255)"
        )
        pale = [
            (text, colour)
            for text, colour in page.evaluate(PRINTED_TEXT_COLOURS)
            if contrast_with_white(colour) < 4.5
        ]
        assert pale == [], "text that would be too pale on paper"

        page.goto(csp_server.url(PAGES["post-gallery"]))
        assert page.locator(".post-nav").count() == 1
        assert page.locator(".post-nav").is_hidden()
        assert page.locator("article.post").is_visible()


# -- the Content Security Policy ------------------------------------------------------------------


def test_the_shipped_headers_give_every_url_one_cache_rule_and_the_strict_policy(
    fixture_site: Path,
) -> None:
    source = headers_file(fixture_site)
    assert source.parent == fixture_site, "the build publishes _headers"
    text = source.read_text(encoding="utf-8")
    assert "{{" not in text and "{%" not in text and "{#" not in text, "Jinja left in _headers"
    rules = header_rules(source)
    urls = [
        "/" + p.relative_to(fixture_site).as_posix()
        for p in sorted(fixture_site.rglob("*"))
        if p.is_file()
    ]
    urls = [re.sub(r"(^|/)index\.html$", r"\1", u) for u in urls if "/." not in u]
    # Feeds and live.json come from other producers; their URLs are fixed by SPEC §3.
    urls += [
        "/feed.xml",
        "/feed.json",
        f"/{SHIFT}/feed.xml",
        f"/{SHIFT}/feed.json",
        f"/{SHIFT}/zevenaar/feed.xml",
        f"/{SHIFT}/zevenaar/feed.json",
        f"/{SHIFT}/live.json",
    ]
    for url in urls:
        headers = headers_for(rules, url)
        # One policy each (two would both apply): the embed page's lets the allowed sites frame it.
        policy = EMBED_CSP if url.endswith("/embed/") else CSP
        assert headers.get("Content-Security-Policy") == policy, url
        assert headers.get("X-Content-Type-Options") == "nosniff", url
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", url
        assert headers.get("Permissions-Policy") == "camera=(), microphone=(), geolocation=()"
        cache = headers.get("Cache-Control")
        if url.startswith(("/assets/", "/media/")):
            assert cache == "public, max-age=31536000, immutable", url
        elif url.endswith("/live.json"):
            assert cache == "no-cache", url
        else:
            assert cache == "public, max-age=60", url


def test_the_meta_policy_agrees_with_the_header_policy(fixture_site: Path) -> None:
    header = policy(CSP)  # the embed page's header differs in frame-ancestors only
    for path in html_pages(fixture_site):
        meta = page_facts(path).meta_csp
        assert meta is not None, f"{path}: no CSP <meta>"
        # frame-ancestors has no effect in <meta> (and Chromium logs an error for it).
        assert policy(meta) == {k: v for k, v in header.items() if k != "frame-ancestors"}, path


def policy(text: str) -> dict[str, str]:
    parts = (d.strip().split(None, 1) for d in text.split(";") if d.strip())
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


@pytest.mark.parametrize("name", PAGES)
def test_every_page_works_under_the_strict_csp_header(
    browser: Any, csp_server: Server, name: str
) -> None:
    problems: list[str] = []
    with new_page(browser, viewport={"width": 1280, "height": HEIGHT}) as page:
        page.add_init_script(CSP_LISTENER)
        url = csp_server.url(PAGES[name])
        page.on("console", lambda m: console_problem(m, name, url, problems))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: http_problem(r, name, url, problems))

        response = page.goto(url)
        page.evaluate(LOAD_EVERY_IMAGE)
        page.wait_for_load_state("networkidle")

        assert response is not None and response.status == (404 if name == "404" else 200)
        policy = EMBED_CSP if name == "embed" else CSP
        assert response.headers.get("content-security-policy") == policy
        problems += page.evaluate("window.__cspViolations")
        broken = page.evaluate(
            "[...document.images].filter((i) => !i.naturalWidth).map((i) => i.currentSrc)"
        )
        styled = page.evaluate("[...document.styleSheets].filter((s) => s.cssRules.length).length")
        found = list(problems)  # before closing, which may cut off a request in flight
    assert found == [], "\n".join(found)
    assert broken == [], "images that did not load"
    assert styled >= 2, "the theme and team stylesheets must apply"


def http_problem(response: Any, name: str, url: str, problems: list[str]) -> None:
    if response.status >= 400 and not (name == "404" and response.url == url):
        problems.append(f"HTTP {response.status}: {response.url}")


def console_problem(message: Any, name: str, url: str, problems: list[str]) -> None:
    if message.type not in {"error", "warning"}:
        return
    # The browser reports the 404 status of the 404 page itself; that one is expected.
    if name == "404" and message.location.get("url") == url and "404" in message.text:
        return
    problems.append(f"console {message.type}: {message.text}")


def test_the_timeline_is_readable_without_javascript(
    browser: Any, csp_server: Server, fixture_site: Path
) -> None:
    published = len(
        re.findall(r"<article\b", (fixture_site / SHIFT / "index.html").read_text("utf-8"))
    )
    assert published >= 5
    with new_page(browser, java_script_enabled=False) as page:
        page.goto(csp_server.url(PAGES["shift-live"]))
        posts = page.locator("article.post")
        assert posts.count() == published
        assert all(p.is_visible() for p in posts.all())
        assert page.locator("article.post .post-body").first.is_visible()
        assert page.locator("article.post img").first.is_visible()


# -- screenshots for a person ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def screen_pages(browser: Any) -> Iterator[dict[str, Any]]:
    """One page per colour scheme, under the CSP like a visitor's, reused for every screenshot."""
    contexts = {scheme: browser.new_context(color_scheme=scheme) for scheme in SCHEMES}
    try:
        yield {scheme: context.new_page() for scheme, context in contexts.items()}
    finally:
        for context in contexts.values():
            context.close()


@pytest.mark.parametrize("name", PAGES)
def test_screenshots_of_every_page_type(
    screen_pages: dict[str, Any], csp_server: Server, name: str
) -> None:
    """Writes test-artifacts/screenshots/<page>-<device>-<width>-<scheme>.png (CI keeps them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme, page in screen_pages.items():
        for label, width in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": HEIGHT})
            page.goto(csp_server.url(PAGES[name]))
            page.evaluate(LOAD_EVERY_IMAGE)
            target = SCREENSHOTS / f"{name}-{label}-{width}-{scheme}.png"
            page.screenshot(path=str(target), full_page=True)
            assert target.stat().st_size > 1000
