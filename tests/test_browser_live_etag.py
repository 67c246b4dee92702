"""live.js against a host that sends ETags, as a bucket and a CDN do: it sends the ETag back
as If-None-Match, a "304 Not Modified" costs the reader nothing and changes nothing on the page,
and a new live.json (a new ETag) is applied as before. In a real Chromium (see
test_browser_live.py for the setup it shares)."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from conftest import DURING, SHIFT, Run, make_site, site_files
from standards_support import _Handler, chromium_browser, header_rules, headers_file, headers_for
from test_browser_live import INIT_SCRIPT, LATER, POLL_MS

NEW = f"content/{SHIFT}/zevenaar/2120-achtervolging.md"
NEW_ID = "zevenaar--2120-achtervolging"


class _ETagHandler(_Handler):
    """Serves live.json with a strong ETag (its bytes' hash, as S3 gives) and answers a
    matching If-None-Match with 304, like a bucket or a CDN."""

    statuses: list[int]

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if not path.endswith("/live.json"):
            super().do_GET()
            return
        file = Path(self.directory) / path.lstrip("/")
        data = file.read_bytes()
        tag = f'"{hashlib.md5(data, usedforsecurity=False).hexdigest()}"'
        status = 304 if self.headers.get("If-None-Match") == tag else 200
        self.statuses.append(status)
        self.send_response(status)
        self.send_header("ETag", tag)
        if status == 200:
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if status == 200:
            self.wfile.write(data)


@pytest.fixture
def served(tmp_path: Path, run: Run) -> Iterator[tuple[str, list[int], Path]]:
    root = make_site(tmp_path, site_files())
    outcome = run(["build", "--now", DURING], root)
    assert outcome.exit_code == 0, outcome.stderr
    rules = header_rules(headers_file(root / "site"))
    statuses: list[int] = []
    handler = type(
        "Handler",
        (_ETagHandler,),
        {"headers_for": staticmethod(lambda path: headers_for(rules, path)), "statuses": statuses},
    )

    def make(*args: Any) -> Any:
        return handler(*args, directory=str(root / "site"))

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), make)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/{SHIFT}/", statuses, root
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def test_polls_revalidate_with_the_etag_and_a_change_still_arrives(
    served: tuple[str, list[int], Path], run: Run
) -> None:
    url, statuses, root = served
    sent: list[str | None] = []
    with chromium_browser() as browser:
        context = browser.new_context()
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on(
            "request",
            lambda r: sent.append(r.headers.get("if-none-match")) if "live.json" in r.url else None,
        )
        page.goto(url)
        before = page.eval_on_selector_all(".timeline > article", "els => els.map(e => e.id)")
        deadline = 40
        while statuses.count(304) < 3 and deadline:
            page.wait_for_timeout(POLL_MS)
            deadline -= 1
        assert statuses[0] == 200 and statuses.count(304) >= 3, statuses
        assert sent[0] is None and all(tag and tag.startswith('"') for tag in sent[1:])
        after = page.eval_on_selector_all(".timeline > article", "els => els.map(e => e.id)")
        assert after == before  # a 304 changes nothing

        make_site(root, {NEW: "Een korte achtervolging door het centrum.\n"})
        outcome = run(["build", "--now", LATER], root)
        assert outcome.exit_code == 0, outcome.stderr
        page.wait_for_function("id => !!document.getElementById(id)", arg=NEW_ID, timeout=10000)
        assert 200 in statuses[3:]
        csp = page.evaluate("window.__csp")
        context.close()
    assert errors == [] and csp == []
