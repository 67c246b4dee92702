"""Share, notifications, embed and polling in a real Chromium (issue 20, items 4, 6, 7 and 8).

The same setup as test_browser_live.py (whose helpers this module uses): a small live shift
built with the CLI, served from a local server with the headers of the built `_headers` file,
rebuilt with a later `--now` while the page is open. What the browser would ask the reader
(clipboard, notifications) is granted through Playwright's permissions; the Web Share API and
the Notification constructor are watched through init scripts that wrap them.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import DURING, SHIFT, SITE_YAML, Run, make_site, site_files
from standards_support import chromium_browser, header_rules, headers_file, headers_for, serve
from test_browser_live import (
    DESKTOP,
    EXTRA_POSTS,
    INIT_SCRIPT,
    LATER,
    NEW_ID,
    NEW_POST,
    PHONE,
    POLL_MS,
    LiveSite,
    Reader,
    Stage,
    anchor,
    live_site,
    post_file,
)

WEEKMARKT = anchor("zevenaar", "1915-weekmarkt")
NO_WEB_SHARE = "delete Navigator.prototype.share;"
# A Web Share API that records what it was given (Chromium on Linux has none of its own).
WEB_SHARE = """
Object.defineProperty(Navigator.prototype, "share", { configurable: true,
  value: function (data) { window.__shared = data; return Promise.resolve(); } });
"""
# Records every notification the page makes, then lets the real one be made.
NOTIFICATIONS = """
window.__notes = [];
if (window.Notification) {
  const Real = window.Notification;
  window.Notification = class extends Real {
    constructor(title, options) {
      window.__notes.push({ title, body: (options || {}).body, tag: (options || {}).tag });
      super(title, options);
    }
  };
}
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stage]:
    base = tmp_path_factory.mktemp("share-server")
    link = base / "site"
    link.symlink_to(base, target_is_directory=True)
    # The headers of the site being served: its own _headers, read at each request.
    with serve(link, lambda path: headers_for(header_rules(headers_file(link)), path)) as server:
        yield Stage(server, link)


@pytest.fixture
def live(stage: Stage, tmp_path: Path, run: Run) -> LiveSite:
    return live_site(stage, tmp_path, run)


Opener = Callable[..., Reader]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Opener]:
    contexts: list[Any] = []

    def _open(
        url: str,
        viewport: dict[str, int] = DESKTOP,
        javascript: bool = True,
        permissions: tuple[str, ...] = (),
        init: str = "",
    ) -> Reader:
        context = browser.new_context(
            viewport=viewport, java_script_enabled=javascript, permissions=list(permissions)
        )
        contexts.append(context)
        context.add_init_script(INIT_SCRIPT + init)
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


# -- share ----------------------------------------------------------------------------------------


def test_share_copies_the_posts_link_and_says_so_where_there_is_no_web_share(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(
        live.url(), PHONE, permissions=("clipboard-read", "clipboard-write"), init=NO_WEB_SHARE
    )
    page = reader.page
    share = page.locator(f"#{WEEKMARKT} .share")
    assert share.inner_text().startswith("Delen")
    # Its name says which post: "Delen: Weekmarkt".
    assert page.get_by_role("link", name=re.compile(r"^Delen\s*: Weekmarkt$")).count() == 1

    share.click()

    done = page.locator(f"#{WEEKMARKT} .share-done")
    done.wait_for(state="visible", timeout=5000)
    assert done.inner_text() == "Link gekopieerd"
    assert done.get_attribute("role") == "status"
    assert page.evaluate("navigator.clipboard.readText()") == live.url("zevenaar/1915-weekmarkt/")
    assert page.url == live.url(), "the copy fallback followed the link"

    # A post that live.js inserts later shares its own link the same way.
    page.evaluate("window.scrollTo(0, 0)")  # at the top: new posts are inserted at once
    live.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    live.build(LATER)
    reader.wait("id => !!document.getElementById(id)", NEW_ID)
    page.locator(f"#{NEW_ID} .share").click()
    page.locator(f"#{NEW_ID} .share-done").wait_for(state="visible", timeout=5000)
    clipboard = page.evaluate("navigator.clipboard.readText()")
    assert clipboard == live.url("zevenaar/2120-achtervolging/")
    reader.assert_clean()


def test_share_opens_the_web_share_sheet_where_the_browser_has_one(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(live.url("zevenaar/1915-weekmarkt/"), PHONE, init=WEB_SHARE)
    page = reader.page
    page.locator(".single .share").click()
    reader.wait("() => !!window.__shared")
    shared = page.evaluate("window.__shared")
    assert shared == {"title": "Weekmarkt", "url": live.url("zevenaar/1915-weekmarkt/")}
    assert page.locator(".share-done").count() == 0
    assert page.url == live.url("zevenaar/1915-weekmarkt/")
    reader.assert_clean()


def test_without_javascript_share_is_a_link_to_the_posts_own_page(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(live.url(), PHONE, javascript=False)
    page = reader.page
    page.locator(f"#{WEEKMARKT} .share").click()
    page.wait_for_url(live.url("zevenaar/1915-weekmarkt/"))
    assert page.locator("h1").inner_text() == "Weekmarkt"


# -- notifications --------------------------------------------------------------------------------

PINNED_POST = post_file("neder-betuwe", "2125-aanhouding")
PINNED_ID = anchor("neder-betuwe", "2125-aanhouding")


def test_notifications_are_opt_in_and_show_a_new_highlight_while_the_tab_is_hidden(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(live.url(), permissions=("notifications",), init=NOTIFICATIONS)
    page = reader.page
    toggle = page.get_by_role("button", name="Meldingen aan")
    assert toggle.is_visible() and toggle.get_attribute("aria-pressed") == "false"
    reader.wait_polls(1)

    live.write(NEW_POST, "---\npinned: true\n---\nNog niet aangezet.\n")
    live.build(LATER)
    reader.wait("id => !!document.getElementById(id)", NEW_ID)
    assert page.evaluate("window.__notes") == [], "a notification before the reader opted in"

    toggle.click()
    assert toggle.get_attribute("aria-pressed") == "true"
    assert "zolang deze pagina open is" in reader.status()
    page.evaluate("window.__setVisibility('hidden')")
    hidden_from = len(reader.polls)

    live.write(post_file("zevenaar", "2122-koffie"), "Een gewoon bericht, geen hoogtepunt.\n")
    live.write(
        PINNED_POST,
        "---\ntitle: Aanhouding na achtervolging\npinned: true\n---\nDe man is aangehouden.\n",
    )
    live.build("2026-10-24T21:40")

    reader.wait("() => window.__notes.length > 0", timeout=15000)
    notes = page.evaluate("window.__notes")
    assert notes == [
        {
            "title": "Hoogtepunt: Aanhouding na achtervolging",
            "body": "De man is aangehouden.",
            "tag": PINNED_ID,
        }
    ]
    assert len(reader.polls) > hidden_from, "a hidden tab with notifications on stopped polling"
    reader.assert_clean()


def test_a_hidden_tab_with_notifications_on_polls_less_often_than_a_visible_one(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(live.url(), permissions=("notifications",))
    page = reader.page
    page.get_by_role("button", name="Meldingen aan").click()
    reader.wait_polls(2)

    start = len(reader.polls)
    page.wait_for_timeout(12 * POLL_MS)
    visible = len(reader.polls) - start
    page.evaluate("window.__setVisibility('hidden')")
    page.wait_for_timeout(POLL_MS)  # a request already under way may still be reported
    start = len(reader.polls)
    page.wait_for_timeout(12 * POLL_MS)
    hidden = len(reader.polls) - start
    # Every POLL_MS ± 20 % while visible (about 12; fewer on a busy machine), six times less
    # often while hidden (about 2), never not at all.
    assert visible >= 6 and 1 <= hidden <= 3, (visible, hidden)
    reader.assert_clean()


def test_without_javascript_or_the_notification_api_there_is_no_notification_button(
    live: LiveSite, open_page: Opener
) -> None:
    for reader in (
        open_page(live.url(), javascript=False),
        open_page(live.url(), init="delete window.Notification;"),
    ):
        reader.page.wait_for_load_state("load")
        assert reader.page.get_by_role("button", name="Meldingen aan").count() == 0
        assert reader.page.locator(".live-notify").count() == 0


# -- a missed poll ---------------------------------------------------------------------------------


def test_more_posts_than_live_json_holds_while_away_are_offered_as_a_reload_never_a_hole(
    live: LiveSite, open_page: Opener
) -> None:
    reader = open_page(live.url())
    page = reader.page
    before = reader.ids()
    reader.wait_polls(1)
    page.evaluate("window.__setVisibility('hidden')")  # notifications off: no polling
    page.wait_for_timeout(POLL_MS)

    # 24 posts while the tab was hidden: live.json holds the newest 20 only.
    new = [post_file("zevenaar", f"21{m:02d}-ronde") for m in range(1, 25)]
    for rel in new:
        live.write(rel, "Weer een ronde door de wijk.\n")
    live.build(LATER)
    page.evaluate("window.__setVisibility('visible')")

    button = page.get_by_role("button", name="20 nieuwe berichten")
    button.wait_for(state="visible", timeout=5000)
    assert reader.ids() == before, "posts were inserted with a hole before the older ones"
    button.click()
    page.wait_for_load_state("load")
    reader.wait("() => document.querySelectorAll('.timeline > article').length > 20")
    ids = reader.ids()
    assert len(ids) == len(set(ids)), "a post is on the page twice"
    assert ids == [anchor("zevenaar", f"21{m:02d}-ronde") for m in range(24, 0, -1)] + before
    assert page.evaluate("window.scrollY") == 0
    reader.assert_clean()


def test_a_team_page_on_a_busy_shift_still_gets_its_new_posts_at_once(
    stage: Stage, tmp_path: Path, run: Run, open_page: Opener
) -> None:
    """The other teams posted more than live.json holds since this team's newest post: the
    page is not behind (it was built after them), so its team's next post is inserted."""
    busy = {
        post_file(
            "neder-betuwe", f"2050-ronde-{n:02d}"
        ): f'---\ntime: "20:50:{n:02d}"\n---\nRonde.\n'
        for n in range(25)
    }
    site = live_site(stage, tmp_path, run, busy)
    reader = open_page(site.url("zevenaar/"))
    before = reader.ids()
    reader.wait_polls(1)

    site.write(NEW_POST, "Een korte achtervolging door het centrum.\n")
    site.build(LATER)

    reader.wait("id => !!document.getElementById(id)", NEW_ID)
    assert reader.ids() == [NEW_ID, *before]
    assert reader.page.locator(".live-bar").is_hidden()
    reader.assert_clean()


# -- embed -----------------------------------------------------------------------------------------


def host_page(src: str) -> str:
    return (
        '<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Gastsite</title>'
        '<link rel="icon" href="data:,"></head><body>'
        f'<iframe src="{src}" title="Volgdienst" width="700" height="700"></iframe></body></html>'
    )


def test_the_embed_page_is_framed_only_by_the_allowed_site_updates_live_and_opens_links_on_top(
    browser: Any, tmp_path: Path, run: Run
) -> None:
    hosts = tmp_path / "hosts"
    hosts.mkdir()
    with serve(hosts) as allowed, serve(hosts) as other:
        yaml = f'{SITE_YAML}embed:\n  allow: ["{allowed.base}"]\n'
        root = make_site(tmp_path / "s", site_files({**EXTRA_POSTS, "content/site.yaml": yaml}))
        assert run(["build", "--now", DURING], root).exit_code == 0
        rules = header_rules(root / "site" / "_headers")
        with serve(root / "site", lambda path: headers_for(rules, path)) as site:
            embed = site.url(f"/{SHIFT}/embed/")
            (hosts / "embed.html").write_text(host_page(embed), encoding="utf-8")
            (hosts / "shift.html").write_text(host_page(site.url(f"/{SHIFT}/")), "utf-8")
            context = browser.new_context(viewport=DESKTOP)
            context.add_init_script(INIT_SCRIPT)
            try:
                framed = context.new_page()
                errors: list[str] = []
                framed.on("console", lambda m: errors.append(m.text) if m.type == "error" else 0)
                framed.goto(allowed.url("/embed.html"))
                frame = framed.frame_locator("iframe")
                frame.locator("article").first.wait_for(timeout=5000)
                assert frame.locator("h1").inner_text() == "Megavolgdienst Oost-Nederland"

                # It updates live, like the shift page.
                make_site(root, {NEW_POST: "Een korte achtervolging door het centrum.\n"})
                assert run(["build", "--now", LATER], root).exit_code == 0
                frame.locator(f"#{NEW_ID}").wait_for(timeout=10000)
                assert frame.locator("article").first.get_attribute("id") == NEW_ID
                assert errors == []

                # A link inside opens in the top window, not in the frame.
                frame.locator(f"#{NEW_ID} .post-time").click()
                framed.wait_for_url(site.url(f"/{SHIFT}/zevenaar/2120-achtervolging/"))

                # Another site may not frame it, and nobody may frame the other pages.
                for host, path in ((other, "/embed.html"), (allowed, "/shift.html")):
                    refused: list[str] = []
                    blocked = context.new_page()
                    blocked.on("console", lambda m, r=refused: r.append(m.text))
                    blocked.goto(host.url(path))
                    blocked.wait_for_timeout(500)
                    child = blocked.frames[1]
                    assert child.url != "about:blank"
                    assert not child.url.startswith(site.base), child.url
                    assert any("frame-ancestors" in text for text in refused), refused
            finally:
                context.close()
