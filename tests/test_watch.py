"""`followshift watch` as a real process: officers drop, half-write, edit and delete files.

Each test writes a small site into tmp_path, starts `python -m followshift watch --now DURING`
in it (the clock starts at --now and runs on), and waits, with a deadline and never a fixed
sleep where a condition can be polled, for what must appear in site/ and on stderr.

The shift of these sites is live at DURING (21:00) and its posts are all before 20:59 (except
the 01:05 one, scheduled until long after any test ends), so the site a watcher writes in its
first minute is the site a cold `build --now DURING` writes: the equality test relies on that.

Watcher output read here (followshift/cli.py, _WatchReport): diagnostics as `build` prints them
(`path:line: error: message`), then one summary line per rebuild,
`HH:MM:SS reason: 0.12s, N written, M removed; E errors, W warnings[; waiting for K file(s)
still being written]`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DURING, SHIFT, jpeg, make_site, post_path, site_files

from followshift.publish.model import STAGING_NAME

# The watcher's SETTLE (followshift/watch.py): a file untouched this long is finished.
SETTLE = 2.0
TIMEOUT = 15.0  # deadline for anything that should take well under a second on a quiet machine

# `python -m followshift`, with Ctrl-C (SIGINT) restored to KeyboardInterrupt: a test runner
# started in the background of a non-interactive shell hands its children an ignored SIGINT.
LAUNCH = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'followshift'; runpy.run_module('followshift', run_name='__main__')"
)

SUMMARY = re.compile(
    r"^\d{2}:\d{2}:\d{2} (?P<reason>[a-z]+): \d+\.\d+s, (?P<files>[^;]*); "
    r"(?P<errors>\d+) errors?, (?P<warnings>\d+) warnings?"
    r"(?:; waiting for (?P<held>\d+) file\(s\) still being written)?$"
)
DIAGNOSTIC = re.compile(r"^(?P<path>\S.*?)(?::(?P<line>\d+))?: (?P<level>error|warning): ")


# -- the process --------------------------------------------------------------------------------


class Process:
    """A followshift command running in the background; stderr is read line by line."""

    def __init__(self, args: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        environment = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
        environment.pop("SOURCE_DATE_EPOCH", None)
        environment.update(env or {})
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, *args],
            cwd=cwd,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
        self._lines: list[str] = []
        self._cond = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self._lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def lines(self) -> list[str]:
        with self._cond:
            return list(self._lines)

    def output(self) -> str:
        return "\n".join(self.lines)

    def mark(self) -> int:
        """Where the output is now: wait_line(…, after=mark) only looks at later lines."""
        return len(self.lines)

    def wait_until(
        self, condition: Callable[[], object], what: str, timeout: float = TIMEOUT
    ) -> None:
        """Polls `condition` until it holds; fails early if the process has died."""
        deadline = time.monotonic() + timeout
        while not condition():
            if self.proc.poll() is not None:
                self._reader.join(timeout=5)
                pytest.fail(
                    f"followshift exited ({self.proc.returncode}) while waiting for {what}:\n"
                    + self.output()
                )
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} after {timeout:.0f}s; followshift said:\n{self.output()}")
            time.sleep(0.02)

    def wait_line(self, pattern: str, after: int = 0, timeout: float = TIMEOUT) -> int:
        """The index of the first line at or after `after` that matches `pattern` (re.search)."""
        regex = re.compile(pattern)
        found: list[int] = []

        def matched() -> bool:
            for index, line in enumerate(self.lines[after:], start=after):
                if regex.search(line):
                    found.append(index)
                    return True
            return False

        self.wait_until(matched, f"line matching {pattern!r}", timeout)
        return found[0]

    def summaries(self, after: int = 0) -> list[re.Match[str]]:
        return [m for line in self.lines[after:] if (m := SUMMARY.match(line))]

    def wait_rebuild(self, after: int, timeout: float = TIMEOUT) -> re.Match[str]:
        """The first rebuild summary printed after `after`."""
        index = self.wait_line(SUMMARY.pattern, after, timeout)
        match = SUMMARY.match(self.lines[index])
        assert match is not None
        return match

    def diagnostics(self, level: str = "error") -> list[str]:
        return [
            line for line in self.lines if (m := DIAGNOSTIC.match(line)) and m["level"] == level
        ]

    def interrupt(self, timeout: float = 15.0) -> int:
        """Ctrl-C (SIGINT; terminate on Windows) and the exit code."""
        if self.proc.poll() is None:
            if os.name == "nt":
                self.proc.terminate()
            else:
                self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self.close()
        self._reader.join(timeout=5)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


@pytest.fixture
def start() -> Iterator[Callable[..., Process]]:
    """Starts followshift commands in a folder; every one is killed at the end of the test."""
    started: list[Process] = []

    def _start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Process:
        process = Process(args, cwd, env)
        started.append(process)
        return process

    yield _start
    for process in started:
        process.close()
        if process.proc.stderr is not None:
            process.proc.stderr.close()


def start_watch(
    start: Callable[..., Process], root: Path, now: str = DURING, *extra: str
) -> Process:
    """`followshift watch --now NOW` in root, returned once the first build is written."""
    watcher = start(["watch", "--now", now, *extra], root)
    match = watcher.wait_rebuild(0, timeout=60)  # the first start of Python may be slow
    assert match["reason"] == "start", watcher.output()
    return watcher


# -- the site -----------------------------------------------------------------------------------


def page(root: Path, team: str, stem: str) -> Path:
    return root / "site" / SHIFT / team / stem / "index.html"


def shift_index(root: Path) -> str:
    path = root / "site" / SHIFT / "index.html"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def live_ids(root: Path) -> list[str]:
    """The post ids in the shift's live.json (written atomically, so never read half)."""
    path = root / "site" / SHIFT / "live.json"
    if not path.exists():
        return []
    return [post["id"] for post in json.loads(path.read_text(encoding="utf-8"))["posts"]]


def published(root: Path, team: str, stem: str) -> bool:
    """The post's own page exists, the combined timeline shows it and live.json lists it."""
    anchor = f"{team}--{stem}"
    return (
        page(root, team, stem).exists()
        and f'id="{anchor}"' in shift_index(root)
        and anchor in live_ids(root)
    )


def gone(root: Path, team: str, stem: str) -> bool:
    anchor = f"{team}--{stem}"
    return (
        not page(root, team, stem).parent.exists()
        and f'id="{anchor}"' not in shift_index(root)
        and anchor not in live_ids(root)
    )


def site_contents(folder: Path) -> dict[str, bytes]:
    """Every file of the site folder but the staging folder's: a rebuild's commit fills that one
    and removes it (it is hidden and temporary, output.py), so a walk that meets it may find it
    gone halfway. A file pruned during the walk is left out too: callers compare snapshots taken
    between rebuilds, or poll until the site is as expected."""
    found: dict[str, bytes] = {}
    for folder_path, folders, files in os.walk(folder):  # a folder gone meanwhile is skipped
        folders[:] = sorted(name for name in folders if name != STAGING_NAME)
        for name in sorted(files):
            path = Path(folder_path, name)
            with contextlib.suppress(FileNotFoundError):
                found[path.relative_to(folder).as_posix()] = path.read_bytes()
    return found


def write(root: Path, rel: str, data: str | bytes) -> Path:
    make_site(root, {rel: data})
    return root / rel


def drop(root: Path, rel: str, data: str | bytes) -> Path:
    """Writes a file the way a sync client finishes one: a temporary, then a rename."""
    target = root / rel
    temp = target.with_name(f".{target.name}.tmp")
    write(root, str(temp.relative_to(root)), data)
    os.replace(temp, target)
    return target


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, site_files())


# -- the tests ----------------------------------------------------------------------------------


def test_the_first_build_publishes_the_site(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    assert watcher.lines[0] == "watching content (Ctrl-C stops)"
    first = watcher.summaries()[0]
    assert (first["errors"], first["warnings"], first["held"]) == ("0", "0", None)
    assert published(site, "zevenaar", "1900-de-dienst-begint")
    assert published(site, "neder-betuwe", "2000-verkeerscontrole")
    assert not page(site, "zevenaar", "0105-laatste-ronde").exists()  # scheduled
    assert (site / "site" / "index.html").exists()


def test_drop_edit_and_delete_reach_the_site(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)

    mark = watcher.mark()
    dropped = time.monotonic()
    write(site, post_path("zevenaar", "2030-aanhouding.md"), "Een **aanhouding** in het centrum.\n")
    watcher.wait_until(lambda: published(site, "zevenaar", "2030-aanhouding"), "the new post")
    latency = time.monotonic() - dropped
    text = page(site, "zevenaar", "2030-aanhouding").read_text(encoding="utf-8")
    assert "<strong>aanhouding</strong>" in text
    assert watcher.wait_rebuild(mark)["reason"] == "change"
    assert latency < 5, f"a dropped post took {latency:.2f}s to reach site/"

    write(
        site,
        post_path("zevenaar", "1915-weekmarkt.md"),
        "---\ntitle: Weekmarkt\npinned: true\nupdated: '20:10'\n---\nGecorrigeerd: de kermis.\n",
    )
    live_json = site / "site" / SHIFT / "live.json"
    # live.json is committed after the pages (a poller never learns of a post before its page
    # is there): wait for all three.
    watcher.wait_until(
        lambda: (
            "Gecorrigeerd: de kermis." in shift_index(site)
            and "Gecorrigeerd: de kermis."
            in page(site, "zevenaar", "1915-weekmarkt").read_text(encoding="utf-8")
            and "Gecorrigeerd: de kermis." in live_json.read_text(encoding="utf-8")
        ),
        "the corrected post",
    )
    live = json.loads(live_json.read_text(encoding="utf-8"))
    (corrected,) = [p for p in live["posts"] if p["id"] == "zevenaar--1915-weekmarkt"]
    assert "Gecorrigeerd" in corrected["html"]
    assert corrected["modified"].startswith("2026-10-24T20:10")

    (site / post_path("zevenaar", "1900-de-dienst-begint.md")).unlink()
    watcher.wait_until(lambda: gone(site, "zevenaar", "1900-de-dienst-begint"), "the removal")
    assert published(site, "zevenaar", "2030-aanhouding")
    assert watcher.diagnostics("error") == []
    assert watcher.diagnostics("warning") == []


TEMPORARIES = {
    # vim swap, editor backup, generic temporaries, partial downloads, Syncthing, iCloud
    ".2040-nieuw.md.swp": "---\ntime: '99:99'\n",
    "2040-nieuw.md~": "---\ntime: '99:99'\n",
    "2040-nieuw.md.tmp": "---\ntime: '99:99'\n",
    "2040-nieuw.jpg.part": b"\xff\xd8\xff\xe0 half a photo",
    "2040-nieuw.jpg.crdownload": b"\xff\xd8\xff\xe0 half a photo",
    ".syncthing.2040-nieuw.md.tmp": "---\ntime: '99:99'\n",
    ".2040-nieuw.md.icloud": b"bplist00\xd1\x01\x02",
}


def test_editor_and_sync_temporaries_are_ignored(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    folder = site / "content" / SHIFT / "zevenaar"
    mark = watcher.mark()
    for name, data in TEMPORARIES.items():
        write(site, str((folder / name).relative_to(site)), data)
    time.sleep(0.3)  # longer than the debounce: a rebuild for the temporaries would start now
    # Then a real post, written the way a sync client finishes one (a temporary, renamed):
    drop(site, post_path("zevenaar", "2041-echt.md"), "Een echt bericht.\n")
    watcher.wait_until(lambda: published(site, "zevenaar", "2041-echt"), "the real post")
    rebuild = watcher.wait_rebuild(mark)
    # That rebuild read the folder with every temporary in it: nothing to report, nothing held.
    assert (rebuild["errors"], rebuild["warnings"], rebuild["held"]) == ("0", "0", None)
    assert watcher.diagnostics("error") == watcher.diagnostics("warning") == []
    published_names = {p.name for p in (site / "site" / SHIFT / "zevenaar").iterdir()}
    assert not any("2040" in name for name in published_names), published_names
    assert not any("2040" in post_id for post_id in live_ids(site))
    # Temporaries alone are not a change: the only rebuild is the real post's.
    assert len(watcher.summaries(mark)) == 1, watcher.output()


def test_a_half_written_post_is_waited_for(site: Path, start: Callable[..., Process]) -> None:
    """A phone still syncing: front matter opened but not closed yet, then completed."""
    watcher = start_watch(start, site)
    rel = post_path("zevenaar", "2035-onderweg.md")
    mark = watcher.mark()
    write(site, rel, "---\ntitle: Onderweg naar een melding\nauthor: Agent Jo")
    held = watcher.wait_rebuild(mark)
    assert (held["errors"], held["held"]) == ("0", "1"), watcher.output()
    assert not page(site, "zevenaar", "2035-onderweg").parent.exists()
    assert "2035-onderweg" not in shift_index(site)

    write(site, rel, "---\ntitle: Onderweg naar een melding\nauthor: Agent Jo\n---\nMet spoed.\n")
    completed = time.monotonic()
    watcher.wait_until(lambda: published(site, "zevenaar", "2035-onderweg"), "the completed post")
    assert "Onderweg naar een melding" in shift_index(site)
    # Quiet for longer than SETTLE after the last write: still nothing to report.
    time.sleep(max(0.0, completed + SETTLE + 0.5 - time.monotonic()))
    assert watcher.proc.poll() is None
    assert watcher.diagnostics("error") == [], watcher.output()
    assert " 0 errors" in watcher.lines[-1] and "waiting" not in watcher.lines[-1]


def test_a_photo_still_syncing_is_waited_for(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    photo = jpeg("2026:10:24 20:40:00", size=(320, 240))
    rel = post_path("zevenaar", "IMG_4711.jpg")
    mark = watcher.mark()
    write(site, rel, photo[: len(photo) // 2])
    held = watcher.wait_rebuild(mark)
    assert (held["errors"], held["held"]) == ("0", "1"), watcher.output()
    write(site, rel, photo)
    completed = time.monotonic()
    watcher.wait_until(lambda: published(site, "zevenaar", "img-4711"), "the photo post")
    time.sleep(max(0.0, completed + SETTLE + 0.5 - time.monotonic()))
    assert watcher.diagnostics("error") == [], watcher.output()
    media = [p.name for p in (site / "site" / "media").rglob("*") if p.is_file()]
    assert any(name.endswith(".webp") for name in media), media


def test_a_post_being_rewritten_stays_published(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    rel = post_path("zevenaar", "1915-weekmarkt.md")
    mark = watcher.mark()
    write(site, rel, "---\ntitle: Weekmarkt\npinned: tr")  # a phone syncing a correction
    held = watcher.wait_rebuild(mark)
    assert held["held"] == "1", watcher.output()
    assert published(site, "zevenaar", "1915-weekmarkt"), "the post vanished while being edited"


def test_a_post_that_stays_broken_is_reported_once(
    site: Path, start: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> None:
    watcher = start_watch(start, site)
    rel = post_path("zevenaar", "2040-kapot.md")
    mark = watcher.mark()
    write(site, rel, "---\ntitle: Kapot\ntime: '25:99'\n---\nDeze tijd bestaat niet.\n")
    written = time.monotonic()
    # Meanwhile the rest keeps publishing, at once (another team's folder):
    write(site, post_path("neder-betuwe", "2041-ander-team.md"), "Intussen bij de buren.\n")
    watcher.wait_until(lambda: published(site, "neder-betuwe", "2041-ander-team"), "other post")
    assert watcher.diagnostics("error") == []  # not yet: the file may still be changing

    line = watcher.wait_line(r"2040-kapot\.md:\d+: error: ", mark)
    assert time.monotonic() - written >= SETTLE - 0.1
    error = watcher.lines[line]
    assert error.startswith(f"{rel}:3: error: time: '25:99'"), error
    settled = watcher.wait_rebuild(line)
    assert (settled["reason"], settled["errors"], settled["held"]) == ("settled", "1", None)
    assert not page(site, "zevenaar", "2040-kapot").parent.exists()

    # As `build` and `check` print it:
    check = subprocess.run(
        [sys.executable, "-m", "followshift", "check", "--now", DURING],
        cwd=site,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FOLLOWSHIFT_CACHE": str(tmp_path_factory.mktemp("cache"))},
    )
    assert error in check.stderr.splitlines(), check.stderr

    # A new post in the same folder is published; the old error is not printed again.
    mark = watcher.mark()
    drop(site, post_path("zevenaar", "2042-verder.md"), "En verder.\n")
    watcher.wait_until(lambda: published(site, "zevenaar", "2042-verder"), "the next post")
    after = watcher.wait_rebuild(mark)
    assert (after["errors"], after["held"]) == ("1", None), watcher.output()
    assert watcher.diagnostics("error") == [error], watcher.output()


def test_a_bad_photo_does_not_stop_the_watcher(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    mark = watcher.mark()
    write(site, post_path("zevenaar", "2043-foto.jpg"), b"\xff\xd8\xff\xe0" + b"\x00" * 2000)
    write(site, post_path("zevenaar", "2044-groot.png"), b"\x89PNG\r\n\x1a\n" + os.urandom(500))
    line = watcher.wait_line(r"2043-foto\.jpg:1: error: ", mark)
    watcher.wait_line(r"2044-groot\.png:1: error: ", mark)
    assert watcher.proc.poll() is None
    write(site, post_path("neder-betuwe", "2045-daarna.md"), "Daarna gewoon verder.\n")
    watcher.wait_until(lambda: published(site, "neder-betuwe", "2045-daarna"), "the next post")
    assert "Traceback" not in watcher.output()
    assert watcher.lines[line].startswith(post_path("zevenaar", "2043-foto.jpg") + ":1: error: ")


def test_a_scheduled_post_appears_by_itself(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    # The watcher's clock started at DURING when its process started (after Python's start-up),
    # so it is at most this far ahead:
    clock = datetime.fromisoformat(DURING) + timedelta(seconds=time.monotonic() - watcher.started)
    due = (clock + timedelta(seconds=3)).replace(microsecond=0) + timedelta(seconds=1)
    mark = watcher.mark()
    drop(
        site,
        post_path("zevenaar", "2100-gepland.md"),
        f"---\ntime: '{due.isoformat()}'\ntitle: Gepland\n---\nStraks te zien.\n",
    )
    change = watcher.wait_rebuild(mark)
    assert change["reason"] == "change"
    assert not page(site, "zevenaar", "2100-gepland").exists(), "published before its time"
    watcher.wait_until(lambda: published(site, "zevenaar", "2100-gepland"), "the scheduled post")
    # The rebuild that published it was the one due at that moment, not a file's:
    line = watcher.wait_line(r"^\S+ scheduled: ", mark)
    assert [m["reason"] for m in watcher.summaries(mark)] == ["change", "scheduled"], line
    assert watcher.diagnostics("error") == []


def test_a_template_override_rebuilds_the_site(
    tmp_path: Path, start: Callable[..., Process]
) -> None:
    default = Path(__file__).resolve().parents[1] / "themes" / "default" / "templates" / "404.html"
    template = default.read_text(encoding="utf-8")
    root = make_site(tmp_path, site_files({"templates/404.html": template}))
    watcher = start_watch(start, root)
    not_found = root / "site" / "404.html"
    assert "Zoek het bericht" not in not_found.read_text(encoding="utf-8")

    changed = template.replace(
        '<p><a href="{{ root }}">',
        '<p>Zoek het bericht op de tijdlijn.</p>\n<p><a href="{{ root }}">',
    )
    assert changed != template
    mark = watcher.mark()
    write(root, "templates/404.html", changed)
    watcher.wait_until(
        lambda: "Zoek het bericht" in not_found.read_text(encoding="utf-8"), "the new 404 page"
    )
    # The page is in place before its rebuild's commit is over (the manifest, the staging
    # folder's removal): the snapshot waits for the rebuild's line.
    watcher.wait_rebuild(mark)
    # A broken template is reported (once settled) and publishes nothing; fixing it recovers.
    before = site_contents(root / "site")
    write(root, "templates/404.html", changed.replace("{% endblock %}", "{% endblok %}"))
    watcher.wait_line(r"^templates/404\.html:\d+: error: ")
    assert site_contents(root / "site") == before
    write(root, "templates/404.html", template)
    watcher.wait_until(
        lambda: "Zoek het bericht" not in not_found.read_text(encoding="utf-8"), "the fixed page"
    )
    assert watcher.proc.poll() is None


def test_after_many_changes_the_site_equals_a_cold_build(
    site: Path, start: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> None:
    watcher = start_watch(start, site)
    # A burst: new posts in two teams, a photo to an existing post, a correction, a deletion,
    # a new team folder, a team colour and a shift title.
    write(site, post_path("zevenaar", "2031-een.md"), "Een.\n")
    write(site, post_path("neder-betuwe", "2032-twee.md"), "---\ntitle: Twee\n---\nTwee.\n")
    write(site, post_path("zevenaar", "1915-weekmarkt.jpg"), jpeg(size=(200, 120)))
    write(site, post_path("neder-betuwe", "2000-verkeerscontrole.md"), "Controle: 3 boetes.\n")
    (site / post_path("zevenaar", "1900-de-dienst-begint.md")).unlink()
    write(site, post_path("duiven", "2050-nieuw-team.md"), "Duiven doet mee.\n")
    teams = site / "content" / "teams.yaml"
    teams.write_text(teams.read_text(encoding="utf-8").replace("#1f3b73", "#ffcc00"), "utf-8")
    shift = site / "content" / SHIFT / "shift.yaml"
    shift.write_text(shift.read_text(encoding="utf-8").replace("Oost-Nederland", "Oost"), "utf-8")
    # Then, after a pause, one more edit of a file just published.
    watcher.wait_until(lambda: published(site, "duiven", "2050-nieuw-team"), "the new team")
    write(site, post_path("zevenaar", "2031-een.md"), "Een, gecorrigeerd.\n")

    expected = cold_build(site, tmp_path_factory)
    watcher.wait_until(
        lambda: site_contents(site / "site") == expected, "a site equal to a cold build"
    )
    code = watcher.interrupt()
    assert code == 0, watcher.output()
    differing = sorted(
        p for p in expected.keys() | site_contents(site / "site").keys()
        if expected.get(p) != site_contents(site / "site").get(p)
    )  # fmt: skip
    assert differing == []
    assert watcher.diagnostics("error") == []


def cold_build(root: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of a one-off cold build of root's content (into root/cold, own cache)."""
    cold = root / "cold"
    built = subprocess.run(
        [sys.executable, "-m", "followshift", "build", "-q", "--now", DURING, "--out", str(cold)],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FOLLOWSHIFT_CACHE": str(tmp_path_factory.mktemp("cold-cache"))},
    )
    assert built.returncode == 0, built.stderr
    return site_contents(cold)


ENDED = "2026-10-10-volgdienst"  # ended long before DURING: its pages are skipped as a whole


def test_changes_to_an_ended_shift_and_the_settings_reach_the_site(
    tmp_path: Path, start: Callable[..., Process], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """A rebuild skips an unchanged shift without looking at its files or pages one by one;
    a drop, an edit, a deletion and a rename in it, site.yaml and the theme still count."""
    ended: dict[str, str | bytes] = {
        f"content/{ENDED}/shift.yaml": "title: Volgdienst Arnhem\nstart: 2026-10-10 19:00\n"
        "end: 2026-10-11 03:00\n",
    }
    for i in range(24):  # 1900-bericht-0 (zevenaar), 1910-bericht-1 (neder-betuwe), …
        name = f"{19 + i // 6:02d}{i % 6 * 10:02d}-bericht-{i}.md"
        ended[post_path(("zevenaar", "neder-betuwe")[i % 2], name, ENDED)] = f"Nr {i}.\n"
    root = make_site(tmp_path, site_files(ended))
    watcher = start_watch(start, root)
    site = root / "site" / ENDED

    def shows(team: str, stem: str, text: str | None = None) -> bool:
        page = site / team / stem / "index.html"
        return page.exists() and (text is None or text in page.read_text(encoding="utf-8"))

    drop(root, post_path("zevenaar", "2359-nagekomen.md", ENDED), "Nagekomen bericht.\n")
    watcher.wait_until(lambda: shows("zevenaar", "2359-nagekomen"), "the dropped post")
    write(root, post_path("neder-betuwe", "1910-bericht-1.md", ENDED), "Gecorrigeerd.\n")
    watcher.wait_until(lambda: shows("neder-betuwe", "1910-bericht-1", "Gecorrigeerd"), "the edit")
    (root / post_path("zevenaar", "1900-bericht-0.md", ENDED)).unlink()
    watcher.wait_until(lambda: not (site / "zevenaar" / "1900-bericht-0").exists(), "the removal")
    os.replace(
        root / post_path("zevenaar", "1920-bericht-2.md", ENDED),
        root / post_path("zevenaar", "1920-hernoemd.md", ENDED),
    )
    watcher.wait_until(lambda: shows("zevenaar", "1920-hernoemd"), "the renamed post")
    settings = root / "content" / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "per_page: 5\n", "utf-8")
    watcher.wait_until(lambda: (site / "page" / "3" / "index.html").exists(), "per_page: 5")
    default = Path(__file__).resolve().parents[1] / "themes" / "default" / "templates"
    template = (default / "post.html").read_text(encoding="utf-8")
    write(root, "templates/post.html", template.replace('"single"', '"single" id="eigen"'))
    watcher.wait_until(lambda: shows("neder-betuwe", "1910-bericht-1", 'id="eigen"'), "the theme")

    expected = cold_build(root, tmp_path_factory)
    watcher.wait_until(
        lambda: site_contents(root / "site") == expected, "a site equal to a cold build"
    )
    assert watcher.diagnostics("error") == []


@pytest.mark.skipif(os.name == "nt", reason="SIGINT is POSIX")
def test_ctrl_c_stops_cleanly(site: Path, start: Callable[..., Process]) -> None:
    watcher = start_watch(start, site)
    write(site, post_path("zevenaar", "2046-laatste.md"), "Laatste.\n")  # perhaps mid-rebuild
    code = watcher.interrupt()
    assert code == 0, watcher.output()
    assert watcher.lines[-1] == "stopped", watcher.output()
    assert "Traceback" not in watcher.output()
