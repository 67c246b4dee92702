"""Every benchmark workload in one go, with one combined table.

    python bench/run_all.py                          # TEXT-10k ×5, TEXT-50k ×3, PHOTO-270 ×1
    python bench/run_all.py --runs 3 --runs-50k 1 --skip-photos
    python bench/run_all.py --markdown bench/out/latest.md

TEXT-10k (cold, rebuild with nothing changed, +1 post) and TEXT-50k (cold) come from
bench/text/bench_text.py, run in this process; PHOTO-N (cold and warm) from
bench/photos/bench_build.py, run as a child process whose printed table is read back. The
photo corpus (N 12-megapixel JPEGs, ~3 MB each) is made on first use and takes minutes.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "text")]

import bench_text  # noqa: E402
from common import BENCH, Result, eleventy_command, eleventy_image_installed  # noqa: E402

# A row of bench_build.py's table: "followshift cold      61.20    58.10–65.70       290"
_PHOTO_ROW = re.compile(
    r"^(?P<tool>\S+) (?P<phase>cold|warm)\s+(?P<median>[\d.]+)\s+"
    r"(?P<low>[\d.]+)–(?P<high>[\d.]+)\s+(?P<peak>[\d.]+)\s*$"
)
_PHOTO_RUNS = re.compile(r"; (\d+) run\(s\);")


def photo_results(posts: int, runs: int, work: Path) -> tuple[list[Result], list[str]]:
    """Runs bench/photos/bench_build.py and reads its table back as results."""
    command = [
        sys.executable,
        str(BENCH / "photos" / "bench_build.py"),
        "--posts",
        str(posts),
        "--runs",
        str(runs),
        "--work",
        str(work),
    ]
    print(f"PHOTO-{posts}: {' '.join(command)}", file=sys.stderr)
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return [], [f"PHOTO-{posts}: bench_build.py failed: {done.stderr.strip()[-300:]}"]
    counted = _PHOTO_RUNS.search(done.stdout)
    count = int(counted.group(1)) if counted else runs
    results, notes = [], []
    for line in done.stdout.splitlines():
        match = _PHOTO_ROW.match(line.strip())
        if match:
            results.append(
                Result(
                    f"PHOTO-{posts} {match['phase']}",
                    match["tool"],
                    summary=(
                        count,
                        float(match["median"]),
                        float(match["low"]),
                        float(match["high"]),
                        float(match["peak"]),
                    ),
                )
            )
        elif line.startswith(("followshift", "hugo")) and ":" in line:
            notes.append(f"PHOTO-{posts}: {line.strip()}")
    eleventy = eleventy_command()
    notes.append(
        f"PHOTO-{posts}: Eleventy is not measured by bench/photos/bench_build.py "
        + (
            "(@11ty/eleventy-img is installed beside Eleventy and could be added)"
            if eleventy_image_installed(eleventy)
            else "(npm install @11ty/eleventy@3 @11ty/eleventy-img to prepare it)"
        )
    )
    return results, notes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="TEXT-10k runs (default 5)")
    parser.add_argument("--runs-50k", type=int, default=3, help="TEXT-50k runs (default 3)")
    parser.add_argument("--photo-posts", type=int, default=270)
    parser.add_argument("--photo-runs", type=int, default=1)
    parser.add_argument("--photo-work", type=Path, default=BENCH / "out" / "photos")
    parser.add_argument("--skip-photos", action="store_true")
    parser.add_argument("--skip-50k", action="store_true")
    parser.add_argument("--tools", default=",".join(bench_text.TOOLS))
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)

    sizes = [10_000] if args.skip_50k else [10_000, 50_000]
    (BENCH / "out").mkdir(exist_ok=True)
    report = bench_text.Report()
    wanted = tuple(t.strip() for t in args.tools.split(",") if t.strip())
    for posts in sizes:
        bench_text.run_size(
            report,
            posts,
            args.runs if posts <= 10_000 else args.runs_50k,
            incremental=posts == 10_000,
            wanted=wanted,
            corpus_root=(BENCH / "corpus" / f"text-{bench_text.size_label(posts)}").resolve(),
            teams=27,
            seed=1,
            verify=not args.no_verify,
        )
    if not args.skip_photos:
        results, notes = photo_results(args.photo_posts, args.photo_runs, args.photo_work)
        report.results += results
        report.notes += notes
        cold = {r.tool: r for r in results if r.workload.endswith("cold")}
        if "followshift" in cold and "eleventy" in cold:
            ratio = cold["followshift"].median / cold["eleventy"].median
            report.notes.append(f"PHOTO cold: followshift / Eleventy = {ratio:.2f}× (≤ 0.8×)")
    text = bench_text.render(report, sizes)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 1 if any(note.startswith("VERIFY FAILED") for note in report.notes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
