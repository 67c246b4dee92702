"""How long reading the bucket takes (`Remote.view()`: the manifest, the pending object and the
listing) on the TEXT-N site, with the listing in ranges listed at once (remote.Remote.split)
and as one walk of pages, taking turns; the numbers behind keeping the split (bench/README.md
"Publishing").

    python bench/publish/bench_listing.py --posts 10k --rounds 5
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "live"), str(HERE.parent / "text"), str(HERE.parent)]

import store  # noqa: E402
from bench_publish import build  # noqa: E402
from bench_watch import followshift_copy, parse_size, size_label, workload  # noqa: E402
from common import BENCH  # noqa: E402

from followshift.publish.bucket import Publisher  # noqa: E402
from followshift.publish.remote import Remote  # noqa: E402
from followshift.publish.target import parse_target  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", default="10k")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scratch", type=Path, help="work folder [default: a temporary one]")
    args = parser.parse_args(argv)
    posts = parse_size(args.posts)
    scratch = Path(tempfile.mkdtemp(prefix="fs-bench-listing-", dir=args.scratch))
    try:
        work = workload(posts, 1, BENCH / "corpus" / f"text-{size_label(posts)}")
        followshift_copy(work, scratch)
        build(scratch, work.now)
        with store.seaweed(scratch / "store") as server:
            os.environ.update({k: v for k, v in server.env().items() if v is not None})
            bucket = store.new_bucket(server, "followshift")
            publisher = Publisher(parse_target(f"s3://{bucket}/", server.endpoint))
            assert publisher.apply(publisher.plan(scratch / "site")).ok
            times: dict[bool, list[float]] = {True: [], False: []}
            cpus: dict[bool, list[float]] = {True: [], False: []}
            for _ in range(args.rounds):
                for split in (False, True):
                    Remote.split = split
                    start, cpu = time.perf_counter(), time.process_time()
                    view = publisher.remote.view()
                    times[split].append(time.perf_counter() - start)
                    cpus[split].append(time.process_time() - cpu)
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            print(f"{len(view.listing)} objects, load average {load:.2f}")
            for split, label in ((False, "one walk"), (True, "ranges at once")):
                got = times[split]
                print(
                    f"{label:15} median {statistics.median(got):.3f} s  "
                    f"(min {min(got):.3f}, max {max(got):.3f}, {len(got)} rounds), "
                    f"this process's CPU median {statistics.median(cpus[split]):.3f} s"
                )
            publisher.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
