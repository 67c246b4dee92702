"""The watch part of bench_publish.py: drop-to-bucket latency of `followshift watch --publish`.

`followshift watch -v --publish` runs on the benchmark's site (its live shift, its clock, a bucket
that already holds site/), and posts are dropped into content/ the way sync clients do (written
beside, renamed into place; bench/live/bench_watch.py's `place`): first `drops` text posts, then
`photo_drops` posts with one 12-MP phone photo each (bench/photos/make_corpus.py, 4032×3024
JPEG with EXIF, made before the clock starts; the photo is renamed into place first, then its
post). From the rename on, the bucket is polled (GET, every 10 ms, through a client of the
benchmark's own; live.json only once the page is readable, so that the polling loads the store
it measures as little as it can) until

- `page readable`: the post's own page can be read from the bucket,
- `live.json lists it`: the shift's live.json in the bucket lists the post (what readers' pages
  poll; it goes up last, so everything it links to is up by then).

The watcher's own lines say where the time went: its rebuild (`rebuild s`, from its summary
line) and its publish (`publish s`, of which `plan s` is comparing site/ with the bucket).
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent / "live"), str(HERE.parent / "text")]

import make_corpus  # noqa: E402
import store  # noqa: E402
from bench_watch import LAUNCH, SUMMARY, background, place, staging_for  # noqa: E402

POLL = 0.01
PUBLISHED = re.compile(r"published to s3://\S+: (\d+\.\d+)s \(plan (\d+\.\d+)s\), (\d+) uploaded")


@dataclass
class Series:
    what: str
    seconds: list[float] = field(default_factory=list)
    missing: int = 0

    def row(self, label: str) -> str:
        if not self.seconds:
            return f"| {label} | watch --publish | {self.what} | 0/{self.missing} | – | – |"
        s = self.seconds
        return (
            f"| {label} | watch --publish | {self.what} | {len(s)}/{len(s) + self.missing} "
            f"| {statistics.median(s):.3f} | {min(s):.3f}–{max(s):.3f} |"
        )


def _photo_maker() -> Callable[[Path, int, int], None]:
    """bench/photos/make_corpus.py's make_photo (its module name is the text corpus's too)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "photo_corpus", HERE.parent / "photos/make_corpus.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.make_photo  # type: ignore[no-any-return]


def _readable(client: Any, bucket: str, key: str, needle: bytes | None = None) -> bool:
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read()
    except client.exceptions.NoSuchKey:
        return False
    return needle is None or needle in body


def _poll(checks: dict[str, Callable[[], bool]], t0: float, timeout: float) -> dict[str, float]:
    """Seconds from t0 until each check held, asked in turn: live.json goes up after the page
    (the publish order), so it is polled only once the page is readable, and the polling adds
    half the requests to the store it measures."""
    found: dict[str, float] = {}
    for name, check in checks.items():
        while time.perf_counter() < t0 + timeout:
            if check():
                found[name] = time.perf_counter() - t0
                break
            time.sleep(POLL)
    return found


def run(
    work: Any,
    scratch: Path,
    server: store.Seaweed,
    env: dict[str, str],
    bucket: str,
    drops: int,
    photo_drops: int,
    timeout: float = 60.0,
) -> tuple[list[str], list[str]]:
    """The table rows (label, tool, what, n, median, min–max) and notes."""
    make_photo = _photo_maker()
    label = f"PUBLISH-{work.label} watch"
    content, staging = scratch / "content", scratch / "staging-live"
    client = server.client()
    base = make_corpus.extra_post(work.corpus)
    texts = [replace(p, stem=p.stem.replace("nagekomen", "live")) for p in work.drops[:drops]]
    photos = [
        replace(
            base,
            stem=f"{base.when - timedelta(minutes=2):%H%M}-foto-bericht-{i:02d}",
            team=work.shift.teams[i % len(work.shift.teams)],
            title=f"Foto {i}",
        )
        for i in range(photo_drops)
    ]
    pictures = staging / "pictures"
    pictures.mkdir(parents=True, exist_ok=True)
    for i, post in enumerate(photos):
        make_photo(pictures / f"{post.stem}.jpg", 7, i)
    names = ("page readable", "live.json lists it", "rebuild s", "publish s", "plan s")
    series = {kind: {n: Series(f"{kind}: {n}") for n in names} for kind in ("text", "photo")}
    notes: list[str] = []
    cmd = [sys.executable, "-c", LAUNCH, "watch", "-v", "--now", work.now, "--publish"]
    cmd += ["--to", f"s3://{bucket}/", "--endpoint-url", server.endpoint]
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        with background(cmd, scratch) as (proc, lines):
            started = time.perf_counter()
            first = lines.wait(PUBLISHED.pattern, timeout=1800)
            if first is None:
                raise SystemExit(f"watch --publish did not start:\n{lines.text()}")
            notes.append(
                f"watch --publish start-up (first build, then a publish that lists the bucket): "
                f"{first[1] - started:.1f} s to the first publish line"
            )
            for kind, posts in (("text", texts), ("photo", photos)):
                for post in posts:
                    time.sleep(1.0)
                    key = f"{post.shift}/{post.team}/{post.stem}/index.html"
                    anchor = b'"' + f"{post.team}--{post.stem}".encode() + b'"'
                    feed = f"{post.shift}/live.json"
                    checks = {
                        "page readable": lambda k=key: _readable(client, bucket, k),
                        "live.json lists it": lambda f=feed, a=anchor: _readable(
                            client, bucket, f, a
                        ),
                    }
                    mark = len(lines)
                    target = make_corpus.followshift_post_path(post, content)
                    if kind == "photo":
                        photo = target.with_suffix(".jpg")
                        t0 = time.perf_counter()
                        os.replace(pictures / f"{post.stem}.jpg", photo)
                        place(
                            lambda root, p=post: make_corpus.write_followshift_post(p, root),
                            staging_for(staging, post),
                            target,
                        )
                    else:
                        t0 = place(
                            lambda root, p=post: make_corpus.write_followshift_post(p, root),
                            staging_for(staging, post),
                            target,
                        )
                    found = _poll(checks, t0, timeout)
                    for name in checks:
                        if name in found:
                            series[kind][name].seconds.append(found[name])
                        else:
                            series[kind][name].missing += 1
                    _own_timings(lines, mark, series[kind])
            if proc.poll() is not None:
                raise SystemExit(f"watch --publish died:\n{lines.text()}")
            time.sleep(2.0)
        errors = [line for _, line in lines.items if ": error: " in line]
        if errors:
            notes.append(f"watch --publish errors: {errors[:3]}")
    finally:
        os.environ.clear()
        os.environ.update(saved)
    wrong = store.same(store.site_md5s(scratch / "site"), client, bucket)
    notes.append(
        "after the drops the bucket holds exactly site/ (listing and MD5s)"
        if wrong is None
        else f"after the drops the bucket is not site/: {wrong}"
    )
    rows = [s.row(label) for kind in series.values() for s in kind.values()]
    return rows, notes


def _own_timings(lines: Any, mark: int, series: dict[str, Series]) -> None:
    """The rebuild that wrote the drop, and the publishes until the post's page went up."""
    after = mark
    while (found := lines.wait(SUMMARY.pattern, after, 30.0)) is not None:
        index, _, match = found
        after = index + 1
        if int(match[3]) or int(match[4]):
            series["rebuild s"].seconds.append(float(match[2]))
            break
    published = lines.wait(PUBLISHED.pattern, after, 30.0)
    if published is not None:
        series["publish s"].seconds.append(float(published[2][1]))
        series["plan s"].seconds.append(float(published[2][2]))
