"""LIVE-N in-process: the rebuild `watch` does after one dropped post, without the watcher.

    python bench/live/rebuild_inprocess.py --posts 10000 [--drops 7] [--profile out.prof]

The same workload as bench_watch.py (its corpus, its live shift, its --now and its drops): a
cold build, then per drop one new post written into content/ and build() called again with the
same BuildCache, as `watch` does: told which file changed, as the watcher is (BuildCache.touch),
and with memory settled after the first build (collector.settle). Prints each rebuild's time,
stage timings and counts; at the end site/ is compared byte for byte with a cold build of the
same content into an empty folder.
"""

from __future__ import annotations

import argparse
import cProfile
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE)]

import bench_watch  # noqa: E402
import make_corpus  # noqa: E402
from common import BENCH, tree_differences, tree_digests  # noqa: E402

from followshift.build.collector import settle as settle_memory  # noqa: E402
from followshift.build.pipeline import BuildOptions, build  # noqa: E402
from followshift.build.state import BuildCache  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=bench_watch.parse_size, default=10_000)
    parser.add_argument("--drops", type=int, default=7)
    parser.add_argument("--profile", type=Path, help="cProfile the middle drop into this file")
    parser.add_argument("--full-scan", action="store_true", help="stat every post file each time")
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus")
    args = parser.parse_args(argv)

    label = bench_watch.size_label(args.posts)
    corpus = (args.corpus / f"live-text-{label}").resolve()
    work = bench_watch.workload(args.posts, args.drops, corpus)
    with tempfile.TemporaryDirectory(prefix=f"live-inproc-{label}-") as scratch_name:
        scratch = Path(scratch_name)
        content = bench_watch.followshift_copy(work, scratch)
        out = scratch / "site"
        options = BuildOptions(content=content, out=out, now=work.now)
        state = BuildCache() if args.full_scan else BuildCache.for_watch()
        t0 = time.perf_counter()
        result = build(options, cache=state)
        print(f"cold: {time.perf_counter() - t0:.2f}s, {result.files} files", file=sys.stderr)
        settle_memory()  # as the watcher does after its first build
        seconds: list[float] = []
        cpus: list[float] = []  # CPU time: what the rebuild costs, however loaded the machine
        for number, post in enumerate(work.drops):
            path = make_corpus.write_followshift_post(post, content)
            profile = args.profile and number == len(work.drops) // 2
            profiler = cProfile.Profile() if profile else None
            state.touch([path])  # what the watcher hears from watchdog
            t0, c0 = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            result = build(options, cache=state)
            if profiler:
                profiler.disable()
                profiler.dump_stats(args.profile)
            took, cpu = time.perf_counter() - t0, time.process_time() - c0
            if not profile:
                seconds.append(took)
                cpus.append(cpu)
            timings = " ".join(f"{k} {v:.3f}" for k, v in result.timings.items())
            print(
                f"drop {number}: {took:.3f}s, CPU {cpu:.3f}s ({timings}) "
                f"rendered {result.rendered}, "
                f"{result.stats}{' [profiled]' if profile else ''}",
                file=sys.stderr,
            )
        print(
            f"median {statistics.median(seconds):.3f}s (CPU {statistics.median(cpus):.3f}s) "
            f"over {len(seconds)} drops"
        )
        cold = scratch / "cold"
        build(BuildOptions(content=content, out=cold, now=work.now), cache=BuildCache())
        differences = tree_differences(tree_digests(out), tree_digests(cold))
        files = sum(1 for p in cold.rglob("*") if p.is_file())
        if differences:
            print(f"DIFFERS from a cold build in {len(differences)} files: {differences[:5]}")
            return 1
        print(f"byte-identical to a cold build ({files} files)")
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
