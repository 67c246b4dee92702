"""`serve`: watch plus a local web server whose pages reload by themselves.

The server serves site/ exactly as written (so what you see is what a static host serves), with
two additions for the person editing, never written to site/: every HTML response gets a
`<script src="/__followshift__/reload.js">` before `</body>`, and `/__followshift__/events` is a
Server-Sent Events stream that says "reload" after each rebuild and carries the current build
errors, which the script shows in a banner. Both are same-origin, so the pages' strict CSP
(`default-src 'self'`) allows them.

It is a preview on the editor's own computer (of drafts too, with --drafts), and guards that:
- it answers only requests whose Host names the address it listens on (421 otherwise), so a web
  page elsewhere cannot read it through a DNS name rebound to 127.0.0.1;
- it serves only regular files whose real path is inside the site folder: not a symlink that
  leads out of it, not a FIFO, not followshift's own bookkeeping (.followshift-*);
- a connection that sends nothing for IDLE_TIMEOUT seconds is closed (the event stream, which
  only writes, is not affected).
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import os
import stat
import sys
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

PREFIX = "/__followshift__/"
IDLE_TIMEOUT = 10.0  # seconds a connection may send nothing (Apache's keep-alive: 5 s)
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
INTERNAL = ".followshift-"  # the manifest and the staging folder of a commit under way

RELOAD_JS = r"""// followshift serve: reload after each rebuild, show build errors. Not in the site.
(function () {
  "use strict";
  var banner = null;
  function show(errors) {
    if (!errors.length) { if (banner) { banner.remove(); banner = null; } return; }
    if (!banner) {
      banner = document.createElement("div");
      banner.setAttribute("role", "alert");
      banner.id = "followshift-errors";
      var s = banner.style;  // CSSOM, allowed under style-src 'self'
      s.position = "fixed"; s.left = "0"; s.right = "0"; s.bottom = "0"; s.zIndex = "9999";
      s.maxHeight = "40vh"; s.overflow = "auto"; s.margin = "0"; s.padding = "0.75rem 1rem";
      s.background = "#7a0010"; s.color = "#fff"; s.font = "14px/1.4 monospace";
      s.whiteSpace = "pre-wrap";
      document.body.appendChild(banner);
    }
    banner.textContent = "followshift: " + errors.length + " error(s) in the last build\n" +
      errors.join("\n");
  }
  var version = null;
  var source = new EventSource("/__followshift__/events");
  source.onmessage = function (event) {
    var data = JSON.parse(event.data);
    if (version !== null && data.version !== version) { location.reload(); return; }
    version = data.version;
    show(data.errors || []);
  };
})();
"""


class Broadcaster:
    """The latest build's version number and error lines, for every open page."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.version = 0
        self.errors: list[str] = []
        self.closed = False

    def publish(self, errors: list[str]) -> None:
        with self._cond:
            self.version += 1
            self.errors = errors
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()

    def wait(self, seen: int, timeout: float) -> tuple[int, list[str]]:
        with self._cond:
            if self.version == seen and not self.closed:
                self._cond.wait(timeout)
            return self.version, list(self.errors)


class Handler(SimpleHTTPRequestHandler):
    broadcaster: Broadcaster
    server: _Server
    # Not a ClassVar (ruff's advice): typeshed declares it an instance variable of the base.
    extensions_map: dict[str, str] = {  # noqa: RUF012
        **SimpleHTTPRequestHandler.extensions_map,
        ".html": "text/html; charset=utf-8",
        ".css": "text/css; charset=utf-8",
        ".js": "text/javascript; charset=utf-8",
        ".json": "application/json; charset=utf-8",
        ".xml": "application/xml; charset=utf-8",
        ".txt": "text/plain; charset=utf-8",
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
    }

    def __init__(
        self, *args: Any, broadcaster: Broadcaster, timeout: float = IDLE_TIMEOUT, **kwargs: Any
    ) -> None:
        self.broadcaster = broadcaster
        # On the socket: each read (and write) waits at most this long. typeshed marks it a
        # ClassVar, but StreamRequestHandler.setup() reads it from the instance.
        self.timeout = timeout  # type: ignore[misc]
        super().__init__(*args, **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a live preview is not the place for an access log

    def guess_type(self, path: str | Any) -> str:
        name = str(path)
        if name.endswith("feed.xml"):
            return "application/atom+xml; charset=utf-8"
        if name.endswith("feed.json"):
            return "application/feed+json; charset=utf-8"
        return super().guess_type(path)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # always the latest build
        super().end_headers()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        hosts = self.headers.get_all("Host") or []
        if len(hosts) == 1 and self.server.accepts(hosts[0]):
            return True
        # A name that is not this server's: a DNS name rebound to 127.0.0.1 by a web page.
        self.close_connection = True
        url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        body = f"followshift serve: unknown Host; open {url}\n".encode()
        self._send(body, "text/plain; charset=utf-8", HTTPStatus.MISDIRECTED_REQUEST)
        return False

    def do_GET(self) -> None:
        self._respond(head=False)

    def do_HEAD(self) -> None:
        self._respond(head=True)

    def _respond(self, head: bool) -> None:
        if self.path == PREFIX + "reload.js":
            return self._send(RELOAD_JS.encode(), "text/javascript; charset=utf-8", head=head)
        if self.path == PREFIX + "events" and not head:
            return self._events()
        path, query = self.path.split("?", 1) if "?" in self.path else (self.path, "")
        target = self.translate_path(path)
        parts = Path(os.path.relpath(target, self.directory)).parts
        hidden = any(part.startswith(INTERNAL) for part in parts)
        if not hidden and self._inside(target) and Path(target).is_dir():
            if not path.endswith("/"):  # as static hosts do, so the page's relative links work
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", path + "/" + (f"?{query}" if query else ""))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            target = str(Path(target) / "index.html")
        if hidden or not self._servable(target):
            missing = str(Path(self.directory) / "404.html")
            found = self._servable(missing)
            body = self._inject(Path(missing).read_bytes()) if found else b"Not found"
            return self._send(body, "text/html; charset=utf-8", HTTPStatus.NOT_FOUND, head)
        if target.endswith(".html"):
            html = self._inject(Path(target).read_bytes())
            return self._send(html, self.guess_type(target), head=head)
        return super().do_HEAD() if head else super().do_GET()

    def _inside(self, path: str) -> bool:
        """Is the real path (symlinks followed) inside the site folder?"""
        root = os.path.realpath(self.directory)
        try:
            return os.path.commonpath([os.path.realpath(path), root]) == root
        except ValueError:  # another drive (Windows)
            return False

    def _servable(self, path: str) -> bool:
        """A regular file inside the site folder (not a FIFO, which would block the reader)."""
        try:
            return self._inside(path) and stat.S_ISREG(os.stat(path).st_mode)
        except OSError:
            return False

    def _inject(self, html: bytes) -> bytes:
        tag = f'<script src="{PREFIX}reload.js" defer></script>\n'.encode()
        head, sep, tail = html.rpartition(b"</body>")
        return head + tag + sep + tail if sep else html + tag

    def _send(
        self,
        body: bytes,
        content_type: str,
        status: HTTPStatus = HTTPStatus.OK,
        head: bool = False,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = -1
        try:
            while not self.broadcaster.closed:
                version, errors = self.broadcaster.wait(seen, timeout=15)
                if version == seen:
                    self.wfile.write(b": keep-alive\n\n")  # notices a closed tab
                else:
                    seen = version
                    data = json.dumps({"version": version, "errors": errors})
                    self.wfile.write(f"data: {data}\n\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    host = "127.0.0.1"  # --host, as given

    def accepts(self, header: str) -> bool:
        """Does this Host header name the address the server listens on? Loopback names, the
        address bound and --host are; listening on every address (0.0.0.0, ::), so is any IP
        address: only a name can be rebound."""
        name, port = split_host(header)
        if name is None or port not in (None, self.server_address[1]):
            return False
        bound = str(self.server_address[0]).lower()
        if name in LOOPBACK or name in (bound, self.host.lower().strip("[]").rstrip(".")):
            return True
        try:
            ipaddress.ip_address(name)  # an address, not a name
            return ipaddress.ip_address(bound).is_unspecified
        except ValueError:
            return False

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A browser that goes away mid-reply (a reload, a closed tab) is no error; anything
        else is one line, not the traceback socketserver would print."""
        exc = sys.exc_info()[1]
        if isinstance(exc, ConnectionError | TimeoutError):
            return
        print(f"serve: error: {type(exc).__name__}: {exc}", file=sys.stderr)


def split_host(header: str) -> tuple[str | None, int | None]:
    """`Example.nl.:8000` → (`example.nl`, 8000); `[::1]` → (`::1`, None); (None, None) when it
    is no host."""
    header = header.strip().lower()
    if header.startswith("["):
        name, bracket, rest = header[1:].partition("]")
        if not bracket:
            return None, None
    else:
        name, colon, port = header.partition(":")
        rest = colon + port
    if rest and not (rest.startswith(":") and rest[1:].isdigit() and rest[1:].isascii()):
        return None, None
    name = name.rstrip(".")
    return (name or None), (int(rest[1:]) if rest else None)


def make_server(
    site: Path, host: str, port: int, broadcaster: Broadcaster, timeout: float = IDLE_TIMEOUT
) -> ThreadingHTTPServer:
    mimetypes.add_type("image/webp", ".webp")
    handler = partial(Handler, directory=str(site), broadcaster=broadcaster, timeout=timeout)
    server = _Server((host, port), handler)
    server.host = host
    return server
