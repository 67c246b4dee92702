"""Live updates in a real browser: themes/default/static/live.js polling <shift>/live.json.

Each test builds a small live shift with the CLI, serves site/ from a local threaded HTTP server
with the headers of the shipped `_headers` file (so the strict Content Security Policy applies),
opens it in Debian's Chromium through Playwright, then lets a post land, change or disappear by
editing content/ and building again with a later `--now`, exactly as an editor would.

The script polls every FOLLOWSHIFT_POLL_MS (set by an init script) instead of live.json's 20 s.
Every page must load without console errors and without CSP violations.

Chromium or Playwright missing: the module is skipped locally and fails in CI (CI=true); see
standards_support.py for where the browser comes from.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from conftest import AFTER, DURING, SHIFT, Run, article_ids, make_site, read, site_files
from standards_support import (
    Server,
    chromium_browser,
    header_rules,
    headers_file,
    headers_for,
)
from standards_support import serve as serve_folder

POLL_MS = 300
PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 900}
LATER = "2026-10-24T21:30"

# Before any page script: the test interval, a CSP violation log, and a switchable
# document.visibilityState (Chromium keeps test pages "visible" otherwise).
INIT_SCRIPT = f"""
window.FOLLOWSHIFT_POLL_MS = {POLL_MS};
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
(() => {{
  let state = "visible";
  Object.defineProperty(Document.prototype, "visibilityState",
    {{ configurable: true, get: () => state }});
  Object.defineProperty(Document.prototype, "hidden",
    {{ configurable: true, get: () => state !== "visible" }});
  window.__setVisibility = (value) => {{
    state = value;
    document.dispatchEvent(new Event("visibilitychange"));
  }};
}})();
"""

# Longer posts, so that a phone has a timeline to scroll through.
FILLER = "\n\n".join(
    [
        "Een melding van een verdachte situatie bij een bedrijventerrein; de eenheid rijdt erheen.",
        "Ter plaatse blijkt het om een bewoner te gaan die zijn eigen loods controleert.",
        "Daarna verder met de surveillance door de wijk, waar het rustig is.",
    ]
)
EXTRA_POSTS = {
    f"content/{SHIFT}/neder-betuwe/1930-melding.md": FILLER + "\n",
    f"content/{SHIFT}/zevenaar/1945-surveillance.md": FILLER + "\n",
    f"content/{SHIFT}/neder-betuwe/2010-snelheid.md": FILLER + "\n",
    f"content/{SHIFT}/zevenaar/2020-fietsers.md": FILLER + "\n",
    f"content/{SHIFT}/neder-betuwe/2030-overlast.md": FILLER + "\n",
    f"content/{SHIFT}/zevenaar/2040-koffie.md": FILLER + "\n",
}


def post_file(team: str, name: str) -> str:
    return f"content/{SHIFT}/{team}/{name}.md"


def anchor(team: str, name: str) -> str:
    return f"{team}--{name}"


_TIMELINE_ITEM = re.compile(
    r'<p class="day"><span>([^<]*)</span></p>|<article\b[^>]*\bid="([^"]+)"'
)


def built_structure(site: LiveSite, path: str = "") -> list[str]:
    """What a freshly built page shows: the structure a live page must end up with."""
    html = read(site.root, f"site/{SHIFT}/{path}index.html")
    return [f"day:{day}" if day else post for day, post in _TIMELINE_ITEM.findall(html)]


# -- the browser, the site, the server ------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@dataclass
class LiveSite:
    """A site folder being edited and rebuilt while a local server serves its site/."""

    root: Path
    run: Run
    server: Server

    def write(self, rel: str, text: str) -> None:
        make_site(self.root, {rel: text})

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()

    def build(self, now: str) -> None:
        outcome = self.run(["build", "--now", now], self.root)
        assert outcome.exit_code == 0, outcome.stderr

    def url(self, path: str = "") -> str:
        return self.server.url(f"/{SHIFT}/{path}")


@dataclass(frozen=True)
class Stage:
    """One server for the module; `site` is a symlink that each test points at its own site/."""

    server: Server
    site: Path


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    base = tmp_path_factory.mktemp("live-server")
    link = base / "site"
    link.symlink_to(base, target_is_directory=True)
    # The built site's own _headers (rendered from the theme's), read at each request, as a
    # host sends them.
    with serve_folder(
        link, lambda path: headers_for(header_rules(headers_file(link)), path)
    ) as server:
        yield Stage(server, link)


def live_site(
    stage: Stage, tmp_path: Path, run: Run, extra: dict[str, str] | None = None
) -> LiveSite:
    """Builds the fixture site (plus `extra`) live at DURING and serves it."""
    root = make_site(tmp_path, site_files({**EXTRA_POSTS, **(extra or {})}))
    outcome = run(["build", "--now", DURING], root)
    assert outcome.exit_code == 0, outcome.stderr
    stage.site.unlink()
    stage.site.symlink_to(root / "site", target_is_directory=True)
    return LiveSite(root, run, stage.server)


@pytest.fixture
def live(stage: Stage, tmp_path: Path, run: Run) -> LiveSite:
    """The fixture site, live at DURING (newest first), served under the shipped headers."""
    return live_site(stage, tmp_path, run)


@dataclass
class Reader:
    """One browser tab on a live page, with what it requested and what went wrong in it."""

    page: Any
    polls: list[float] = field(default_factory=list)  # when live.json was requested
    errors: list[str] = field(default_factory=list)

    def wait(self, js: str, arg: Any = None, timeout: float = 5000) -> None:
        self.page.wait_for_function(js, arg=arg, timeout=timeout)

    def wait_polls(self, count: int, timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.polls) < count:
            assert time.monotonic() < deadline, f"only {len(self.polls)} polls of live.json"
            self.page.wait_for_timeout(50)

    def ids(self) -> list[str]:
        return self.page.eval_on_selector_all(".timeline > article", "els => els.map(e => e.id)")

    def top(self, article_id: str) -> float:
        return self.page.evaluate(
            "id => document.getElementById(id).getBoundingClientRect().top", article_id
        )

    def structure(self) -> list[str]:
        """The timeline as the reader sees it: article ids and `day:<text>` lines, in order."""
        return self.page.eval_on_selector_all(
            ".timeline > article, .timeline > .day",
            "els => els.map(e => e.matches('.day') ? 'day:' + e.textContent : e.id)",
        )

    def status(self) -> str:
        return self.page.text_content(".live-status") or ""

    def assert_clean(self, allow: Callable[[str], bool] = lambda message: False) -> None:
        csp = self.page.evaluate("window.__csp || []")
        assert csp == [], f"CSP violations: {csp}"
        errors = [e for e in self.errors if not allow(e)]
        assert errors == [], f"console errors: {errors}"


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Reader]]:
    contexts: list[Any] = []

    def _open(url: str, viewport: dict[str, int] = DESKTOP, javascript: bool = True) -> Reader:
        context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
        contexts.append(context)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        reader = Reader(page)
        page.on(
            "request",
            lambda r: reader.polls.append(time.monotonic()) if "live.json" in r.url else None,
        )
        page.on("console", lambda m: reader.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: reader.errors.append(f"uncaught: {e}"))
        response = page.goto(url)
        assert response is not None and response.ok, url
        return reader

    yield _open
    for context in contexts:
        context.close()


# -- new posts ------------------------------------------------------------------------------------

NEW_POST = post_file("zevenaar", "2120-achtervolging")
NEW_ID = anchor("zevenaar", "2120-achtervolging")


def test_a_new_post_waits_behind_a_button_announced_in_the_title_and_politely(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url(), PHONE)
    page = reader.page
    title = page.title()
    before = reader.ids()
    page.evaluate("id => document.getElementById(id).scrollIntoView()", before[3])
    reader.wait_polls(1)
    assert page.locator(".live-bar").is_hidden()

    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)

    button = page.get_by_role("button", name="1 nieuw bericht")
    button.wait_for(state="visible", timeout=5000)
    assert page.title() == f"(1) {title}"
    assert page.get_attribute(".live-status", "aria-live") == "polite"
    assert "1 nieuw bericht" in reader.status()
    assert reader.ids() == before, "a new post was inserted while the reader was scrolled down"
    assert button.bounding_box()["y"] >= 0, "the button is not in view"

    button.click()
    assert reader.ids() == [NEW_ID, *before]
    assert page.locator(".live-bar").is_hidden()
    assert page.title() == title
    new = page.locator(f"#{NEW_ID}")
    assert new.evaluate("el => el === document.activeElement"), "focus stays on a hidden button"
    box = new.bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"], "the new post is not in view"
    # live.json's links are relative to live.json: they must work from the page.
    href = new.locator(".post-time").get_attribute("href")
    assert href == live.url("zevenaar/2120-achtervolging/")
    assert page.request.get(href).ok
    reader.assert_clean()


def test_at_the_top_of_a_newest_first_timeline_a_new_post_appears_at_once(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url())
    page = reader.page
    # The reader's clock: 21:23 in the Netherlands, three minutes after the new post.
    page.clock.set_fixed_time("2026-10-24T19:23:00Z")
    title = page.title()
    reader.wait_polls(1)

    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)

    reader.wait("id => document.querySelector('.timeline > article').id === id", NEW_ID)
    assert page.locator(".live-bar").is_hidden()
    assert page.title() == title
    assert "1 nieuw bericht" in reader.status()
    new = page.locator(f"#{NEW_ID}")
    assert new.locator(".post-body").inner_text() == "Een korte achtervolging door het centrum."
    # A relative time beside the clock time; the absolute time stays.
    assert new.locator(".post-ago").inner_text() == "3 min. geleden"
    assert new.locator(".post-time time").inner_text() == "21:20"
    assert new.locator(".post-time time").get_attribute("datetime") == "2026-10-24T21:20:00+02:00"
    assert "21:20" in (new.locator(".post-time").get_attribute("title") or "")
    # Posts older than an hour keep only their clock time.
    assert page.locator(f"#{anchor('zevenaar', '1900-de-dienst-begint')} .post-ago").count() == 0
    reader.assert_clean()


@pytest.mark.parametrize("native", [False, True], ids=["script-only", "with-native-anchoring"])
def test_the_reader_keeps_their_place_while_posts_above_change(
    live: LiveSite, open_page: Callable[..., Reader], native: bool
) -> None:
    """The article being read stays where it is while a post above grows and another goes.

    Safari has no native scroll anchoring: with Chromium's switched off the script alone must
    do it; with it on, the two must not both correct (and move the page twice as far)."""
    reader = open_page(live.url(), PHONE)
    page = reader.page
    if not native:
        page.evaluate("document.body.style.overflowAnchor = 'none'")
    ids = reader.ids()
    grown, gone, read_now = ids[0], ids[1], ids[4]
    page.evaluate("id => document.getElementById(id).scrollIntoView()", read_now)
    page.evaluate("window.scrollBy(0, -120)")
    reader.wait_polls(1)
    top = reader.top(read_now)
    assert 100 < top < 140

    team, name = grown.split("--")
    longer = "\n\n".join([FILLER] * 3)
    live.write(post_file(team, name), f'---\nupdated: "21:25"\n---\n{longer}\n')
    team, name = gone.split("--")
    live.delete(post_file(team, name))
    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)

    reader.wait("id => !document.getElementById(id)", gone)
    assert page.locator(f"#{grown} .post-updated").count() == 1
    assert abs(reader.top(read_now) - top) <= 2, "the article being read moved"
    assert page.get_by_role("button", name="1 nieuw bericht").is_visible()
    assert "bijgewerkt" in reader.status() and "verwijderd" in reader.status()
    reader.assert_clean()


def test_a_corrected_post_is_replaced_in_place(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url())
    page = reader.page
    corrected = anchor("zevenaar", "1945-surveillance")
    before = reader.ids()
    reader.wait_polls(1)

    live.write(
        post_file("zevenaar", "1945-surveillance"),
        '---\nupdated: "21:10"\n---\nCorrectie: het was een **bedrijfsloods**.\n',
    )
    live.build(LATER)

    body = page.locator(f"#{corrected} .post-body")
    reader.wait(
        "id => document.querySelector(`#${id} .post-body`).textContent.includes('Correctie')",
        corrected,
    )
    assert body.inner_text() == "Correctie: het was een bedrijfsloods."
    assert page.locator(f"#{corrected} .post-updated time").inner_text() == "21:10"
    assert reader.structure() == built_structure(live)
    assert reader.ids() == before
    assert "Een bericht is bijgewerkt." in reader.status()
    reader.assert_clean()


def test_a_retracted_post_disappears(live: LiveSite, open_page: Callable[..., Reader]) -> None:
    reader = open_page(live.url())
    page = reader.page
    retracted = anchor("neder-betuwe", "2000-verkeerscontrole")
    before = reader.ids()
    assert retracted in before
    reader.wait_polls(1)

    live.delete(post_file("neder-betuwe", "2000-verkeerscontrole"))
    live.build(LATER)

    reader.wait("id => !document.getElementById(id)", retracted)
    assert reader.ids() == [i for i in before if i != retracted]
    assert reader.structure() == built_structure(live)
    assert "Een bericht is verwijderd." in reader.status()
    assert page.locator(".live-bar").is_hidden()
    reader.assert_clean()


def test_a_team_page_only_receives_its_own_teams_posts(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url("zevenaar/"))
    page = reader.page
    before = reader.ids()
    assert before and all(i.startswith("zevenaar--") for i in before)
    reader.wait_polls(1)

    live.write(post_file("neder-betuwe", "2115-controle"), "Een controle in Kesteren.\n")
    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)

    reader.wait("id => !!document.getElementById(id)", NEW_ID)
    reader.wait_polls(len(reader.polls) + 2)  # and nothing else arrives later
    assert reader.ids() == [NEW_ID, *before]
    assert reader.structure() == built_structure(live, "zevenaar/")
    href = page.locator(f"#{NEW_ID} .post-time").get_attribute("href")
    assert href == live.url("zevenaar/2120-achtervolging/")
    assert page.request.get(href).ok
    badge = page.locator(f"#{NEW_ID} .post-team").get_attribute("href")
    assert badge == live.url("zevenaar/")
    reader.assert_clean()


def test_an_oldest_first_timeline_gets_new_posts_at_the_end(
    stage: Stage, tmp_path: Path, run: Run, open_page: Callable[..., Reader]
) -> None:
    shift_yaml = site_files()[f"content/{SHIFT}/shift.yaml"]
    extra = {f"content/{SHIFT}/shift.yaml": f"{shift_yaml}order: oldest-first\n"}
    site = live_site(stage, tmp_path, run, extra)
    reader = open_page(site.url(), PHONE)
    page = reader.page
    before = reader.ids()
    assert before == sorted(before, key=lambda i: i.split("--")[1])
    reader.wait_polls(1)

    site.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    site.build(LATER)

    button = page.get_by_role("button", name="1 nieuw bericht")
    button.wait_for(state="visible", timeout=5000)
    assert reader.ids() == before, "oldest first: new posts wait for the reader"
    button.click()
    assert reader.ids() == [*before, NEW_ID]
    box = page.locator(f"#{NEW_ID}").bounding_box()
    assert box is not None and 0 <= box["y"] < PHONE["height"]
    reader.assert_clean()


def test_after_midnight_a_post_comes_with_its_day_line_and_leaves_with_it(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    """The shift runs past midnight, so the page has a line per day; the script's line for the
    new day must read exactly as the build's (Intl in the browser, Babel in the build)."""
    reader = open_page(live.url())
    before = reader.structure()
    assert before[0] == "day:zaterdag 24 oktober 2026"
    reader.wait_polls(1)

    after_midnight = post_file("zevenaar", "0010-na-middernacht")
    live.write(after_midnight, "Na middernacht wordt het rustiger.\n")
    live.build("2026-10-25T00:15")
    reader.wait("id => !!document.getElementById(id)", anchor("zevenaar", "0010-na-middernacht"))
    assert reader.structure() == built_structure(live)
    assert reader.structure()[:2] == [
        "day:zondag 25 oktober 2026",
        anchor("zevenaar", "0010-na-middernacht"),
    ]

    live.delete(after_midnight)
    live.build("2026-10-25T00:20")
    reader.wait("() => document.querySelectorAll('.timeline > .day').length === 1")
    assert reader.structure() == built_structure(live) == before
    reader.assert_clean()


SHORT_POSTS = {post_file("zevenaar", f"19{m:02d}-ronde"): "Een ronde.\n" for m in range(5, 60, 10)}


@pytest.mark.parametrize("order", ["newest-first", "oldest-first"])
def test_a_long_timeline_only_receives_the_posts_that_belong_on_its_index(
    stage: Stage, tmp_path: Path, run: Run, open_page: Callable[..., Reader], order: str
) -> None:
    """Five posts a page: newest first, the index shows the ten newest, and the older posts in
    live.json are not "new"; oldest first, the index shows the ten oldest and links on, so new
    posts belong on a later page and only corrections reach it."""
    shift_yaml = site_files()[f"content/{SHIFT}/shift.yaml"]
    extra = {
        **SHORT_POSTS,
        "content/site.yaml": f"{site_files()['content/site.yaml']}per_page: 5\n",
        f"content/{SHIFT}/shift.yaml": f"{shift_yaml}order: {order}\n",
    }
    site = live_site(stage, tmp_path, run, extra)
    reader = open_page(site.url())
    page = reader.page
    before = reader.ids()
    assert len(before) == 10
    reader.wait_polls(2)
    assert page.locator(".live-bar").is_hidden()

    corrected = before[-1]
    team, name = corrected.split("--")
    site.write(post_file(team, name), '---\nupdated: "21:10"\n---\nCorrectie.\n')
    site.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    site.build(LATER)

    reader.wait("id => document.getElementById(id).textContent.includes('Correctie')", corrected)
    reader.wait_polls(len(reader.polls) + 2)
    if order == "newest-first":
        assert reader.ids() == [NEW_ID, *before]  # at the top: inserted at once
    else:
        assert reader.ids() == before
        assert page.locator(".live-bar").is_hidden()
        assert reader.structure() == built_structure(site)
    reader.assert_clean()


# -- when not to poll ----------------------------------------------------------------------------


def test_polling_stops_for_good_once_the_shift_has_ended(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url())
    page = reader.page
    reader.wait_polls(2)

    live.build(AFTER)

    reader.wait("() => document.querySelector('.live-status').textContent.includes('afgelopen')")
    polls = len(reader.polls)
    page.wait_for_timeout(6 * POLL_MS)
    assert len(reader.polls) == polls, "live.json was polled after the shift ended"
    page.evaluate("window.__setVisibility('hidden'); window.__setVisibility('visible')")
    page.wait_for_timeout(3 * POLL_MS)
    assert len(reader.polls) == polls, "coming back to the tab polled an ended shift"
    reader.assert_clean()


def test_a_hidden_tab_does_not_poll_and_polls_at_once_when_shown_again(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url())
    page = reader.page
    reader.wait_polls(2)

    page.evaluate("window.__setVisibility('hidden')")
    page.wait_for_timeout(POLL_MS)  # a request already under way may still be reported
    polls = len(reader.polls)
    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)
    page.wait_for_timeout(6 * POLL_MS)
    assert len(reader.polls) == polls, "live.json was polled while the tab was hidden"
    assert page.locator(f"#{NEW_ID}").count() == 0

    shown = time.monotonic()
    page.evaluate("window.__setVisibility('visible')")
    reader.wait("id => !!document.getElementById(id)", NEW_ID)
    assert reader.polls[polls] - shown < POLL_MS / 1000, "no poll at once when shown again"
    reader.assert_clean()


def test_errors_back_off_and_polling_recovers(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    reader = open_page(live.url())
    page = reader.page
    reader.wait_polls(2)
    live_json = live.root / "site" / SHIFT / "live.json"
    saved = live_json.read_bytes()

    live_json.unlink()  # the host answers 404 from now on
    start = len(reader.polls)
    page.wait_for_timeout(8 * POLL_MS)
    failed = reader.polls[start:]
    # Without back-off 8 intervals would be about 8 polls; doubling waits allow at most 4.
    assert 1 <= len(failed) <= 4, f"{len(failed)} polls in {8 * POLL_MS} ms of errors"

    live_json.write_bytes(saved)
    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)
    reader.wait("id => !!document.getElementById(id)", NEW_ID, timeout=10000)
    reader.assert_clean(allow=lambda message: "404" in message)


# -- without JavaScript ----------------------------------------------------------------------------


def test_without_javascript_every_post_shows_and_links_work(
    live: LiveSite, open_page: Callable[..., Reader]
) -> None:
    html = read(live.root, f"site/{SHIFT}/index.html")
    assert re.search(r'<script src="[^"]*live\.[0-9a-f]+\.js" defer>', html)
    reader = open_page(live.url(), PHONE, javascript=False)
    page = reader.page
    assert reader.ids() == article_ids(html) and len(reader.ids()) == 9
    for article in page.locator(".timeline > article").all():
        assert article.is_visible()
    assert page.locator(".live-bar, .live-new").count() == 0
    page.wait_for_timeout(3 * POLL_MS)
    assert reader.polls == []

    page.locator(f"#{anchor('zevenaar', '1915-weekmarkt')} .post-time").click()
    page.wait_for_url(live.url("zevenaar/1915-weekmarkt/"))
    assert page.locator("h1").inner_text() == "Weekmarkt"
    reader.assert_clean()
