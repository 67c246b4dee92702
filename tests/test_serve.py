"""`followshift serve` as a real process: watch plus a local server whose pages reload by
themselves and show the current build errors.

Each test starts `python -m followshift serve --now DURING` on a small site in tmp_path (port 0
unless the test is about the port: the OS picks a free one, and serve prints it as
`serving site at http://127.0.0.1:PORT/ (Ctrl-C stops)`), talks HTTP to it with the standard
library, and, in the last tests, opens its pages in Debian's Chromium through Playwright
(missing: skipped locally, a failure in CI, as in test_browser_live.py).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import DURING, SHIFT, jpeg, make_site, post_path, site_files
from standards_support import chromium_browser
from test_watch import SETTLE, TIMEOUT, Process, published, write

from followshift.serve import Broadcaster, make_server

ADDRESS = re.compile(r"^serving (?P<out>.+) at (?P<url>http://(?P<host>[^:/]+):(?P<port>\d+)/) ")
RELOAD_TAG = '<script src="/__followshift__/reload.js" defer></script>'
PHOTO = post_path("zevenaar", "1915-weekmarkt.jpg")


@dataclass
class Served:
    process: Process
    root: Path
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def get(self, path: str, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
        """One request (redirects are not followed): status, headers (lower-case), body."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            headers = {name.lower(): value for name, value in response.getheaders()}
            return response.status, headers, response.read()
        finally:
            conn.close()


@pytest.fixture
def start() -> Iterator[Callable[..., Process]]:
    started: list[Process] = []

    def _start(args: list[str], cwd: Path) -> Process:
        process = Process(args, cwd)
        started.append(process)
        return process

    yield _start
    for process in started:
        process.close()
        if process.proc.stderr is not None:
            process.proc.stderr.close()


def serve(start: Callable[..., Process], root: Path, *extra: str) -> Served:
    """`followshift serve --now DURING --port 0 …`, returned once the first build is written."""
    process = start(["serve", "--now", DURING, "--port", "0", *extra], root)
    line = process.wait_line(ADDRESS.pattern, timeout=60)
    match = ADDRESS.match(process.lines[line])
    assert match is not None
    process.wait_line(r" start: ", line)
    return Served(process, root, match["host"], int(match["port"]))


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, site_files({PHOTO: jpeg(size=(640, 480))}))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the server ---------------------------------------------------------------------------------


def test_host_and_port_are_respected(site: Path, start: Callable[..., Process]) -> None:
    port = free_port()
    process = start(["serve", "--now", DURING, "--host", "127.0.0.1", "--port", str(port)], site)
    line = process.wait_line(ADDRESS.pattern, timeout=60)
    assert process.lines[line] == f"serving site at http://127.0.0.1:{port}/ (Ctrl-C stops)"
    process.wait_line(r" start: ", line)
    served = Served(process, site, "127.0.0.1", port)
    status, headers, body = served.get("/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert b"<title>" in body

    # The port is taken now: a second server (of another output folder: this one is locked by
    # the first) says so and exits with a usage error.
    second = start(["serve", "--now", DURING, "--port", str(port), "--out", "other"], site)
    assert second.proc.wait(timeout=60) == 2
    second.close()
    assert any(
        line.startswith(f"error: cannot listen on 127.0.0.1:{port}: ") for line in second.lines
    ), second.output()


def test_content_types(site: Path, start: Callable[..., Process]) -> None:
    served = serve(start, site)
    out = site / "site"

    def one(pattern: str) -> str:
        found = sorted(p.relative_to(out).as_posix() for p in out.glob(pattern))
        assert found, f"no {pattern} in site/"
        return found[0]

    expected = {
        "": "text/html; charset=utf-8",
        f"{SHIFT}/": "text/html; charset=utf-8",
        "404.html": "text/html; charset=utf-8",
        one("assets/style.*.css"): "text/css; charset=utf-8",
        one("assets/live.*.js"): "text/javascript; charset=utf-8",
        one("assets/favicon.*.svg"): "image/svg+xml",
        f"{SHIFT}/live.json": "application/json; charset=utf-8",
        "feed.xml": "application/atom+xml; charset=utf-8",
        f"{SHIFT}/feed.xml": "application/atom+xml; charset=utf-8",
        f"{SHIFT}/zevenaar/feed.xml": "application/atom+xml; charset=utf-8",
        "feed.json": "application/feed+json; charset=utf-8",
        "sitemap.xml": "application/xml; charset=utf-8",
        "robots.txt": "text/plain; charset=utf-8",
        one("media/**/*.webp"): "image/webp",
        one("media/**/*.jpg"): "image/jpeg",
    }
    for path, content_type in expected.items():
        status, headers, body = served.get("/" + path)
        assert (status, headers["content-type"]) == (200, content_type), path
        assert headers["cache-control"] == "no-store", path
        assert int(headers["content-length"]) == len(body), path
        on_disk = out / (path + "index.html" if path.endswith("/") or not path else path)
        if not on_disk.name.endswith(".html"):
            assert body == on_disk.read_bytes(), path  # served exactly as written


def test_missing_pages_and_folders(site: Path, start: Callable[..., Process]) -> None:
    served = serve(start, site)
    for path in ("/nergens/", "/nergens.css", f"/{SHIFT}/zevenaar/2359-bestaat-niet/"):
        status, headers, body = served.get(path)
        assert status == 404, path
        assert headers["content-type"] == "text/html; charset=utf-8"
        page = body.decode("utf-8")
        assert "Pagina niet gevonden" in page and RELOAD_TAG in page, path
    # A folder without its slash is redirected, as static hosts do, so relative links work.
    status, headers, _ = served.get(f"/{SHIFT}/zevenaar")
    assert (status, headers["location"]) == (301, f"/{SHIFT}/zevenaar/")
    status, headers, _ = served.get(f"/{SHIFT}?x=1")
    assert (status, headers["location"]) == (301, f"/{SHIFT}/?x=1")
    # Outside site/ is never served.
    status, _, body = served.get("/../content/site.yaml")
    assert status == 404 and b"base_url" not in body


def test_the_reload_script_is_served_never_written(
    site: Path, start: Callable[..., Process]
) -> None:
    served = serve(start, site)
    out = site / "site"
    for path in ("", f"{SHIFT}/", f"{SHIFT}/zevenaar/1915-weekmarkt/", "teams/zevenaar/"):
        status, _, body = served.get("/" + path)
        page = body.decode("utf-8")
        assert status == 200
        assert page.count(RELOAD_TAG) == 1, path
        assert page.index(RELOAD_TAG) < page.rindex("</body>"), path
        assert (
            body.replace(RELOAD_TAG.encode() + b"\n", b"")
            == (out / path / "index.html").read_bytes()
        )
    written = [p for p in out.rglob("*") if p.is_file() and b"__followshift__" in p.read_bytes()]
    assert written == []
    status, headers, body = served.get("/__followshift__/reload.js")
    assert (status, headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert b"EventSource" in body


class Events:
    """A Server-Sent Events client of /__followshift__/events, read in a thread."""

    def __init__(self, served: Served) -> None:
        self.conn = http.client.HTTPConnection(served.host, served.port, timeout=60)
        self.conn.request("GET", "/__followshift__/events")
        self.sock = self.conn.sock  # the response takes it over (HTTP/1.0: read until closed)
        self.response = self.conn.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"
        self.messages: list[dict[str, Any]] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        with contextlib.suppress(OSError, ValueError, http.client.HTTPException):
            while line := self.response.readline():
                if line.startswith(b"data: "):
                    with self._cond:
                        self.messages.append(json.loads(line[6:]))
                        self._cond.notify_all()

    def wait(self, condition: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first message (of all so far) that meets `condition`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for message in self.messages:
                    if condition(message):
                        return message
                left = deadline - time.monotonic()
                if left <= 0:
                    pytest.fail(f"no such event in {timeout:.0f}s; got {self.messages}")
                self._cond.wait(left)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            if self.sock is not None:
                self.sock.shutdown(socket.SHUT_RDWR)  # wakes the reading thread
        # Let the reader see the end of the stream before the response is closed under it
        # (http.client fails with AttributeError when closed during readline).
        self._thread.join(timeout=5)
        self.response.close()
        self.conn.close()


def test_the_event_stream_follows_the_builds(site: Path, start: Callable[..., Process]) -> None:
    served = serve(start, site)
    events = Events(served)
    try:
        first = events.wait(lambda m: True, TIMEOUT)
        assert first["errors"] == [] and first["version"] >= 1

        write(site, post_path("zevenaar", "2035-nieuw.md"), "Nieuw bericht.\n")
        events.wait(lambda m: m["version"] > first["version"], TIMEOUT)
        served.process.wait_until(lambda: published(site, "zevenaar", "2035-nieuw"), "the post")
        status, _, body = served.get(f"/{SHIFT}/")
        assert status == 200 and b'id="zevenaar--2035-nieuw"' in body

        broken = post_path("zevenaar", "2040-kapot.md")
        write(site, broken, "---\ntitle: Kapot\ntime: '25:99'\n---\nTekst.\n")
        error = events.wait(lambda m: bool(m["errors"]), SETTLE + TIMEOUT)
        assert len(error["errors"]) == 1
        assert error["errors"][0].startswith(f"{broken}:3: error: time: '25:99'")

        (site / broken).unlink()
        fixed = events.wait(lambda m: m["version"] > error["version"] and not m["errors"], TIMEOUT)
        assert fixed["errors"] == []
    finally:
        events.close()


# -- in a browser -------------------------------------------------------------------------------

# Before any page script: a log of the events the page's reload script receives, of CSP
# violations, and of uncaught errors.
INIT_SCRIPT = """
window.__sse = [];
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
(() => {
  const Native = window.EventSource;
  function Logged(url, init) {
    const source = new Native(url, init);
    source.addEventListener("message", (e) => window.__sse.push(e.data));
    return source;
  }
  Logged.prototype = Native.prototype;
  window.EventSource = Logged;
})();
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    context.add_init_script(INIT_SCRIPT)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


def open_and_listen(page: Any, url: str) -> None:
    """Opens url and waits until its reload script has had the server's first event."""
    page.goto(url)
    page.wait_for_function("() => window.__sse.length > 0", timeout=TIMEOUT * 1000)


def test_a_page_reloads_by_itself_after_a_drop(
    site: Path, start: Callable[..., Process], page: Any
) -> None:
    served = serve(start, site)
    open_and_listen(page, f"{served.url}{SHIFT}/")
    assert page.locator("#zevenaar--2035-uit-de-browser").count() == 0
    page.evaluate("() => { window.__notReloaded = true; }")

    write(site, post_path("zevenaar", "2035-uit-de-browser.md"), "Gezien in de browser.\n")
    page.wait_for_function(
        "() => window.__notReloaded === undefined && window.__sse.length > 0"
        " && document.getElementById('zevenaar--2035-uit-de-browser') !== null",
        timeout=TIMEOUT * 1000,
    )
    assert "Gezien in de browser." in page.inner_text("#zevenaar--2035-uit-de-browser")
    assert page.locator("#followshift-errors").count() == 0
    assert page.evaluate("() => window.__csp") == []
    assert page.errors == []


def test_a_page_shows_the_build_errors_in_a_banner(
    site: Path, start: Callable[..., Process], page: Any
) -> None:
    served = serve(start, site)
    open_and_listen(page, f"{served.url}{SHIFT}/zevenaar/")
    broken = post_path("zevenaar", "2040-kapot.md")
    write(site, broken, "---\ntitle: Kapot\ntime: '25:99'\n---\nTekst.\n")

    banner = page.locator("#followshift-errors")
    banner.wait_for(state="visible", timeout=(SETTLE + TIMEOUT) * 1000)
    assert banner.get_attribute("role") == "alert"
    text = banner.inner_text()
    assert "1 error(s)" in text and f"{broken}:3: error: time: '25:99'" in text
    box = banner.bounding_box()
    viewport = page.viewport_size
    assert box is not None and box["height"] > 0 and box["y"] + box["height"] <= viewport["height"]

    page.evaluate("() => { window.__notReloaded = true; }")
    (site / broken).unlink()
    page.wait_for_function(
        "() => window.__notReloaded === undefined && window.__sse.length > 0"
        " && document.getElementById('followshift-errors') === null",
        timeout=TIMEOUT * 1000,
    )
    assert page.evaluate("() => window.__csp") == []
    assert page.errors == []


def test_a_browser_leaving_mid_reply_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """A reload or a closed tab while a page is sent is routine, not an error to show."""
    (tmp_path / "big.html").write_bytes(b"<p>" + b"x" * 4_000_000 + b"</p></body>")
    server = make_server(tmp_path, "127.0.0.1", 0, Broadcaster())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for _ in range(3):
            client = socket.create_connection(server.server_address[:2])
            client.sendall(b"GET /big.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            client.recv(100)  # the reply has begun
            # Close with a reset, as a browser abandoning the page does.
            client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            client.close()
        time.sleep(0.5)  # the handlers run into the closed connection
    finally:
        server.shutdown()
        server.server_close()
    captured = capfd.readouterr()
    assert "Exception" not in captured.err and "Traceback" not in captured.err
    assert captured.err == ""
