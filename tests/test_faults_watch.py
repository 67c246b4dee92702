"""Fault injection for `watch` and `serve`: files written in pieces, hostile requests, idle sockets.

The watch tests run the real Watcher (followshift/watch.py) in a thread, with its real observer,
on a small site in tmp_path, and look at site/ the whole time a file is being written: a reader
must never see a post cut short. The serve tests start the real `followshift serve` and talk to
it over real sockets.
"""

from __future__ import annotations

import http.client
import os
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import DURING, SHIFT, make_site, post_path, site_files
from test_watch import SUMMARY, Process, live_ids, page, published, shift_index
from watchdog.observers.polling import PollingObserver

from followshift import writing
from followshift.build.pipeline import BuildOptions
from followshift.serve import IDLE_TIMEOUT, PREFIX, Broadcaster, make_server
from followshift.watch import Clock, Rebuild, Watcher

LINUX = sys.platform.startswith("linux")
TIMEOUT = 15.0  # for what takes well under a second on a quiet machine
LATENCY = 2.5  # SPEC: a dropped post reaches site/ within a second (here on a busy machine)


class Running:
    """A Watcher rebuilding a site in a thread, as `followshift watch --now DURING` runs it."""

    def __init__(self, root: Path, observer: Callable[[], object] | None = None) -> None:
        self.root = root
        options = BuildOptions(content=root / "content", out=root / "site", now=DURING)
        extra = {"observer": observer} if observer is not None else {}
        self.watcher = Watcher(options, self._report, Clock(DURING), **extra)  # type: ignore[arg-type]
        self.rebuilds: list[Rebuild] = []
        self._cond = threading.Condition()
        self.thread = threading.Thread(target=self.watcher.run, daemon=True)
        self.thread.start()
        self.wait_until(lambda: self.rebuilds, "the first build")

    def _report(self, rebuild: Rebuild) -> None:
        with self._cond:
            self.rebuilds.append(rebuild)
            self._cond.notify_all()

    def wait_until(
        self, condition: Callable[[], object], what: str, timeout: float = TIMEOUT
    ) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.thread.is_alive(), f"the watcher died while waiting for {what}"
            assert time.monotonic() < deadline, f"no {what} after {timeout:.0f}s"
            time.sleep(0.01)

    def stop(self) -> None:
        self.watcher.stop()
        self.thread.join(timeout=10)


@pytest.fixture
def watch() -> Iterator[Callable[..., Running]]:
    running: list[Running] = []

    def _start(root: Path, observer: Callable[[], object] | None = None) -> Running:
        running.append(Running(root, observer))
        return running[-1]

    yield _start
    for each in running:
        each.stop()


def post_shown(root: Path, team: str, stem: str) -> str:
    """Everything a reader gets of one post: its page, the timeline and live.json."""
    shown = [shift_index(root), str(live_ids(root))]
    own = page(root, team, stem)
    if own.exists():
        shown.append(own.read_text(encoding="utf-8"))
    return "\n".join(shown)


FIRST = "---\ntitle: Aanrijding op de A12\n---\nEen aanrijding bij Duiven."
SECOND = " Twee auto's, niemand gewond. De weg is weer vrij.\n"


@pytest.mark.skipif(not LINUX, reason="closes are heard on Linux (inotify) only")
def test_a_post_held_open_between_two_writes_is_not_published_half(
    tmp_path: Path, watch: Callable[..., Running]
) -> None:
    root = make_site(tmp_path, site_files())
    running = watch(root)
    path = root / post_path("zevenaar", "2030-aanrijding.md")
    with path.open("w", encoding="utf-8") as handle:
        handle.write(FIRST)
        handle.flush()
        count = len(running.rebuilds)
        # The watcher looks at it (its write is an event), and waits for it:
        running.wait_until(lambda: len(running.rebuilds) > count, "a rebuild")
        assert "Een aanrijding" not in post_shown(root, "zevenaar", "2030-aanrijding")
        assert running.rebuilds[-1].waiting == 1
        # Quiet for longer than where closes are not heard, still open; meanwhile another post
        # arrives, renamed into place as sync clients do, and is published at once.
        time.sleep(writing.QUIET + 0.1)
        temp = root / post_path("neder-betuwe", ".2031-intussen.md.tmp")
        temp.write_text("Intussen in Kesteren.\n", encoding="utf-8")
        dropped = time.monotonic()
        os.replace(temp, temp.with_name("2031-intussen.md"))
        running.wait_until(lambda: published(root, "neder-betuwe", "2031-intussen"), "the drop")
        assert time.monotonic() - dropped < LATENCY
        assert "Een aanrijding" not in post_shown(root, "zevenaar", "2030-aanrijding")
        assert not page(root, "zevenaar", "2030-aanrijding").exists()
        handle.write(SECOND)
    closed = time.monotonic()
    running.wait_until(lambda: published(root, "zevenaar", "2030-aanrijding"), "the whole post")
    assert time.monotonic() - closed < LATENCY
    text = page(root, "zevenaar", "2030-aanrijding").read_text(encoding="utf-8")
    assert "niemand gewond" in text and "niemand gewond" in shift_index(root)
    assert all(not r.result.diagnostics.errors for r in running.rebuilds)


@pytest.mark.skipif(not LINUX, reason="closes are heard on Linux (inotify) only")
def test_a_post_being_rewritten_keeps_its_last_version_until_closed(
    tmp_path: Path, watch: Callable[..., Running]
) -> None:
    root = make_site(tmp_path, site_files())
    running = watch(root)
    with (root / post_path("zevenaar", "1915-weekmarkt.md")).open("w", encoding="utf-8") as f:
        f.write("---\ntitle: Weekmarkt\npinned: true\n---\nGecorrigeerd: op de")  # no "kermis"
        f.flush()
        count = len(running.rebuilds)
        running.wait_until(lambda: len(running.rebuilds) > count, "a rebuild")
        time.sleep(writing.QUIET + 0.1)
        # Another change makes the watcher read the folder again, the file still open:
        count = len(running.rebuilds)
        (root / post_path("zevenaar", "1930-daarna.md")).write_text("Daarna.\n", encoding="utf-8")
        running.wait_until(lambda: published(root, "zevenaar", "1930-daarna"), "the other post")
        running.wait_until(lambda: len(running.rebuilds) > count, "a rebuild")
        shown = post_shown(root, "zevenaar", "1915-weekmarkt")
        assert "Gecorrigeerd" not in shown
        assert "Op de <strong>weekmarkt</strong> in Zevenaar." in shown  # the last version
        f.write(" kermis.\n")
    running.wait_until(
        lambda: "Gecorrigeerd: op de kermis." in post_shown(root, "zevenaar", "1915-weekmarkt"),
        "the correction",
    )


def test_without_closes_a_post_is_read_once_its_writes_stop(
    tmp_path: Path, watch: Callable[..., Running]
) -> None:
    """macOS, Windows, the polling observer: no close is heard; a pause shorter than QUIET with
    the file open is waited for. Site/ is looked at all the time: never half a post."""
    root = make_site(tmp_path, site_files())
    running = watch(root, lambda: PollingObserver(timeout=0.05))
    seen_half: list[str] = []
    done = threading.Event()

    def look() -> None:
        while not done.is_set():
            shown = post_shown(root, "zevenaar", "2030-aanrijding")
            if "Een aanrijding" in shown and "niemand gewond" not in shown:
                seen_half.append(shown)
            time.sleep(0.005)

    looker = threading.Thread(target=look, daemon=True)
    looker.start()
    try:
        with (root / post_path("zevenaar", "2030-aanrijding.md")).open("w") as handle:
            handle.write(FIRST)
            handle.flush()
            time.sleep(writing.QUIET * 0.6)  # the polling observer sees the first write
            handle.write(SECOND)
        running.wait_until(lambda: published(root, "zevenaar", "2030-aanrijding"), "the post")
    finally:
        done.set()
        looker.join()
    assert seen_half == []
    assert "niemand gewond" in page(root, "zevenaar", "2030-aanrijding").read_text("utf-8")


@pytest.mark.skipif(not LINUX, reason="closes are heard on Linux (inotify) only")
def test_a_shift_yaml_held_open_holds_back_the_rebuild(
    tmp_path: Path, watch: Callable[..., Running]
) -> None:
    """A site-wide file (site.yaml, shift.yaml, a template) is read by every rebuild: while one
    is open for writing, nothing is rebuilt; once it is closed, everything is."""
    root = make_site(tmp_path, site_files())
    running = watch(root)
    shift_yaml = root / "content" / SHIFT / "shift.yaml"
    with shift_yaml.open("w", encoding="utf-8") as handle:
        handle.write("title: Megavolgdienst Gelderland\nstart: 2026-10-24 19:00\n")
        handle.write("end: 2026-10-25 03:00\n")  # valid so far, but not finished:
        handle.flush()
        time.sleep(writing.QUIET + 0.1)
        (root / post_path("zevenaar", "2030-tussendoor.md")).write_text("Tussendoor.\n", "utf-8")
        time.sleep(0.3)  # a rebuild would have started and ended by now
        assert "Megavolgdienst Gelderland" not in shift_index(root)
        assert not published(root, "zevenaar", "2030-tussendoor")
        handle.write("description: Vanavond in **Gelderland**.\n")
    running.wait_until(lambda: published(root, "zevenaar", "2030-tussendoor"), "the post")
    index = shift_index(root)
    assert "Megavolgdienst Gelderland" in index and "<strong>Gelderland</strong>" in index
    assert all(not r.result.diagnostics.errors for r in running.rebuilds)


# -- serve ------------------------------------------------------------------------------------


@pytest.fixture
def server() -> Iterator[Callable[..., Any]]:
    """Starts followshift's server on a folder (port 0); stops it after the test."""
    started: list[Any] = []

    def _start(
        site: Path,
        host: str = "127.0.0.1",
        timeout: float = IDLE_TIMEOUT,
        broadcaster: Broadcaster | None = None,
    ) -> Any:
        instance = make_server(site, host, 0, broadcaster or Broadcaster(), timeout=timeout)
        threading.Thread(target=instance.serve_forever, args=(0.05,), daemon=True).start()
        started.append(instance)
        return instance

    yield _start
    for instance in started:
        instance.shutdown()
        instance.server_close()


def request(port: int, path: str, host: str | None, method: str = "GET") -> tuple[int, bytes]:
    """One request to 127.0.0.1:port with this Host header (None: none at all)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        conn.putrequest(method, path, skip_host=True)
        if host is not None:
            conn.putheader("Host", host)
        conn.endheaders()
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def test_serve_answers_only_its_own_host_names(tmp_path: Path, server: Callable[..., Any]) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 asks for the
    preview (drafts included). The browser sends `Host: evil.example:PORT`."""
    site = make_site(tmp_path, {"site/index.html": "<p>concept: nog geheim</p></body>"})
    port = server(site / "site").server_address[1]
    for host in ("evil.example", f"evil.example:{port}", f"127.0.0.1.evil.example:{port}",
                 f"127.0.0.1:{port + 1}", "", None):  # fmt: skip
        for method in ("GET", "HEAD"):
            status, body = request(port, "/", host, method)
            assert status == 421, (host, method)
            assert b"geheim" not in body and len(body) < 200
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "LOCALHOST."):
        status, body = request(port, "/", host)
        assert (status, b"geheim" in body) == (200, True), host
    assert request(port, "/__followshift__/reload.js", "evil.example")[0] == 421

    # Listening on every address (--host 0.0.0.0): any address is this computer; names are not.
    wide = server(site / "site", host="0.0.0.0").server_address[1]
    assert request(wide, "/", f"192.168.1.20:{wide}")[0] == 200
    assert request(wide, "/", f"evil.example:{wide}")[0] == 421


def test_serve_never_follows_a_link_out_of_the_site(
    tmp_path: Path, server: Callable[..., Any]
) -> None:
    root = make_site(
        tmp_path,
        {
            "site/index.html": "<p>start</p></body>",
            "site/404.html": "<p>Pagina niet gevonden</p></body>",
            "site/.followshift-manifest.json": "{}",
            "buiten/geheim.txt": "wachtwoord",
            "buiten/index.html": "<p>geheim</p>",
        },
    )
    site = root / "site"
    (site / "lek").symlink_to(root / "buiten", target_is_directory=True)
    (site / "lek.txt").symlink_to(root / "buiten" / "geheim.txt")
    (site / "binnen.html").symlink_to(site / "index.html")  # inside the site: fine
    if hasattr(os, "mkfifo"):
        os.mkfifo(site / "pijp.txt")  # opened for reading, it would block the server
    port = server(site).server_address[1]
    host = f"127.0.0.1:{port}"
    for path in ("/lek/geheim.txt", "/lek/", "/lek", "/lek.txt", "/pijp.txt",
                 "/.followshift-manifest.json", "/%2Efollowshift-manifest.json"):  # fmt: skip
        for method in ("GET", "HEAD"):
            status, body = request(port, path, host, method)
            assert status == 404, (path, method)
            assert b"geheim" not in body and b"wachtwoord" not in body
    assert request(port, "/binnen.html", host)[0] == 200


def test_serve_closes_an_idle_connection_but_not_the_event_stream(
    tmp_path: Path, server: Callable[..., Any]
) -> None:
    site = make_site(tmp_path, {"site/index.html": "<p>start</p></body>"})
    broadcaster = Broadcaster()
    port = server(site / "site", timeout=0.3, broadcaster=broadcaster).server_address[1]
    idle = socket.create_connection(("127.0.0.1", port), timeout=3)
    events = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
    try:
        events.sendall(f"GET {PREFIX}events HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        stream = events.makefile("rb")

        def message() -> bytes:
            while not (line := stream.readline()).startswith(b"data: "):
                assert line, "the event stream was closed"
            return line

        assert b'"version": 0' in message()  # the headers, then the current version
        assert idle.recv(100) == b""  # closed by the server, having said nothing
        time.sleep(0.4)  # the stream has been quiet for longer than the timeout, and still:
        broadcaster.publish(["fout"])
        assert b'"version": 1' in message()
    finally:
        idle.close()
        events.close()


@pytest.mark.skipif(os.name == "nt", reason="the TZ variable sets the machine's zone on POSIX")
def test_watch_stamps_its_lines_in_the_site_time_zone(tmp_path: Path) -> None:
    """The comms team reads the watch's lines against the posts' times: the site's zone
    (Europe/Amsterdam by default), not the zone of the machine it runs on."""
    root = make_site(tmp_path, site_files())
    watcher = Process(["watch"], root, env={"TZ": "Etc/GMT-14"})  # UTC+14: 12 or 13 h off
    try:
        line = watcher.wait_line(SUMMARY.pattern, timeout=60)
        match = SUMMARY.match(watcher.lines[line])
        assert match is not None
        now = datetime.now(ZoneInfo("Europe/Amsterdam"))
        stamp = datetime.strptime(match.group(0)[:8], "%H:%M:%S")
        seconds = (now.hour - stamp.hour) * 3600 + (now.minute - stamp.minute) * 60
        seconds += now.second - stamp.second
        assert abs((seconds + 43200) % 86400 - 43200) < 60, (match.group(0), now)
    finally:
        watcher.interrupt()
        if watcher.proc.stderr is not None:
            watcher.proc.stderr.close()
