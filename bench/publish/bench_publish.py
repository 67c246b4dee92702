"""PUBLISH-N: `followshift publish` side by side with `hugo deploy` and `rclone sync --checksum`,
and the drop-to-bucket latency of `followshift watch --publish`, against a SeaweedFS on
loopback that this script starts and stops.

    python bench/publish/bench_publish.py                       # 10k, 3 runs, every tool, watch
    python bench/publish/bench_publish.py --runs 1 --tools followshift,hugo --no-watch
    python bench/publish/bench_publish.py --drops 7 --photo-drops 3 --runs 0   # watch only

The TEXT-N corpus (bench/text/make_corpus.py) is copied to a scratch folder with its last shift
kept live (bench/live/bench_watch.py's copy) and built once with `followshift build`. Then, in
each run, the tools take turns (the first rotates from run to run), each on a bucket of its own,
on the same site/:

- `first publish`: into an empty bucket;
- `nothing changed`: the same command again;
- `+1 post`: a post is added and site/ rebuilt (untimed), then the same command again.

Every command is timed whole (process start to exit, `bench/common.py measure`, with its peak
memory), and after each run every bucket is checked against site/ (listing and MD5s). The
in-process rows time followshift's Publisher without Python's start and imports: `plan` + `apply`
as `publish` does them (listing the bucket), and as a `watch --publish` cycle does them (no
listing after a good publish). Then the watch part (bench/publish/live.py). Nothing uses the
network; SeaweedFS and the tools run on loopback.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "live"), str(HERE.parent / "text"), str(HERE.parent)]

import make_corpus  # noqa: E402
import store  # noqa: E402
from bench_watch import followshift_copy, parse_size, size_label, workload  # noqa: E402
from common import BENCH, compile_followshift, header, measure  # noqa: E402

from followshift.publish.bucket import Publisher  # noqa: E402
from followshift.publish.target import parse_target  # noqa: E402

STEPS = ("first publish", "nothing changed", "+1 post")


@dataclass
class Series:
    seconds: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)

    def cells(self) -> str:
        if not self.seconds:
            return "0 | – | – | –"
        s = self.seconds
        peak = f"{max(self.peaks):.0f}" if self.peaks else "–"
        return f"{len(s)} | {statistics.median(s):.3f} | {min(s):.3f}–{max(s):.3f} | {peak}"

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None


def build(scratch: Path, now: str) -> None:
    cmd = [sys.executable, "-m", "followshift", "build", "-q", "--now", now]
    done = subprocess.run(cmd, cwd=scratch, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"followshift build failed:\n{done.stderr[-2000:]}")


def add_post(work: object, content: Path, number: int) -> make_corpus.PostData:
    """A new post in the live shift (a different one in every run)."""
    base = make_corpus.extra_post(work.corpus)  # type: ignore[attr-defined]
    post = replace(
        base,
        stem=f"{base.when - timedelta(minutes=1):%H%M}-bench-publish-{number:02d}",
        title=f"Bench publish {number}",
    )
    make_corpus.write_followshift_post(post, content)
    return post


def in_process(server: store.Seaweed, site: Path, bucket: str, verify: bool) -> float:
    """A plan and an apply of followshift's Publisher, as publish (verify) or watch does them."""
    publisher = Publisher(parse_target(f"s3://{bucket}/", server.endpoint))
    if not verify:  # a watch cycle follows a good publish of this same Publisher
        publisher.apply(publisher.plan(site))
    start = time.perf_counter()
    result = publisher.apply(publisher.plan(site, verify=verify))
    seconds = time.perf_counter() - start
    assert result.ok, result.failed
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="10k")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tools", default=",".join(store.TOOLS))
    parser.add_argument("--drops", type=int, default=7, help="text posts dropped into watch")
    parser.add_argument("--photo-drops", type=int, default=3, help="posts with a 12-MP photo")
    parser.add_argument("--no-watch", action="store_true")
    parser.add_argument("--scratch", type=Path, help="work folder [default: a temporary one]")
    args = parser.parse_args(argv)
    posts = parse_size(args.posts)
    tools, notes = store.available(args.tools.split(","))
    compile_followshift()

    scratch = Path(tempfile.mkdtemp(prefix="fs-bench-publish-", dir=args.scratch))
    try:
        work = workload(posts, max(args.drops, 1), BENCH / "corpus" / f"text-{size_label(posts)}")
        content = followshift_copy(work, scratch)
        site = scratch / "site"
        t0 = time.perf_counter()
        build(scratch, work.now)
        files = sum(1 for p in site.rglob("*") if p.is_file()) - 1
        size = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20
        notes.append(
            f"site/: {files} files, {size:.0f} MiB (built in {time.perf_counter() - t0:.1f} s)"
        )
        results = {(step, tool): Series() for step in STEPS for tool in tools}
        extra = {
            k: Series()
            for k in (
                "publish, nothing changed",
                "publish, +1 post",
                "watch cycle, nothing changed",
                "watch cycle, +1 post",
            )
        }
        with store.seaweed(scratch / "store") as server:
            env = store.environment(server)
            os.environ.clear()  # the in-process Publisher's credentials, as every tool's
            os.environ.update(env)
            last_bucket = None
            for run in range(args.runs):
                order = tools[run % len(tools) :] + tools[: run % len(tools)]
                buckets = {tool: store.new_bucket(server, tool) for tool in order}
                for step in STEPS:
                    if step == "+1 post":
                        add_post(work, content, run)
                        build(scratch, work.now)
                    for tool in order:
                        cmd = store.command(tool, site, buckets[tool], server, scratch)
                        got = measure(cmd, env=env, cwd=scratch)
                        results[(step, tool)].seconds.append(got.seconds)
                        results[(step, tool)].peaks.append(got.peak_mib)
                        print(f"run {run + 1} {step:16} {tool:12} {got.seconds:7.2f} s", flush=True)
                md5s = store.site_md5s(site)
                for tool in order:
                    wrong = store.same(md5s, server.client(), buckets[tool])
                    if wrong is not None:
                        notes.append(f"run {run + 1}: {tool}'s bucket is not site/: {wrong}")
                # followshift in-process: again with nothing changed, then after one more post
                fs = buckets.get("followshift")
                if fs is not None:
                    extra["publish, nothing changed"].seconds.append(
                        in_process(server, site, fs, True)
                    )
                    add_post(work, content, 50 + run)
                    build(scratch, work.now)
                    extra["publish, +1 post"].seconds.append(in_process(server, site, fs, True))
                    extra["watch cycle, nothing changed"].seconds.append(
                        in_process(server, site, fs, False)
                    )
                    # (the +1 post of a watch cycle: the Publisher published, then a post came)
                    publisher = Publisher(parse_target(f"s3://{fs}/", server.endpoint))
                    publisher.apply(publisher.plan(site))
                    add_post(work, content, 80 + run)
                    build(scratch, work.now)
                    start = time.perf_counter()
                    assert publisher.apply(publisher.plan(site, verify=False)).ok
                    extra["watch cycle, +1 post"].seconds.append(time.perf_counter() - start)
                    last_bucket = fs
            live_rows: list[str] = []
            if not args.no_watch:
                import live

                bucket = last_bucket or store.new_bucket(server, "watch")
                live_rows, live_notes = live.run(
                    work, scratch, server, env, bucket, args.drops, args.photo_drops
                )
                notes.extend(live_notes)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    print()
    print(header())
    print()
    label = f"PUBLISH-{size_label(posts)}"
    print("| workload | tool | runs | median s | min–max s | peak MiB | ×hugo deploy |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for step in STEPS:
        hugo = results.get((step, "hugo"))
        for tool in tools:
            series = results[(step, tool)]
            ratio = "–"
            if tool != "hugo" and hugo is not None and hugo.median and series.median:
                ratio = f"{series.median / hugo.median:.2f}×"
            print(f"| {label} {step} | {tool} | {series.cells()} | {ratio} |")
    for name, series in extra.items():
        if series.seconds:
            print(f"| {label} {name} | followshift in-process | {series.cells()} | – |")
    for row in live_rows:
        print(row)
    print()
    for note in notes:
        print(f"- {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
