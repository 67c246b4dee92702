"""The stages in order — read, render, write — each timed; `-v` prints the timings.

`build()` is the one entry point for `build`, `check` and (later) `watch`: they differ only in
options. The guarantees of SPEC §4 are enforced here: a site-level error or `--strict` with any
diagnostic publishes nothing; otherwise every valid post is published and each invalid one is
reported.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from followshift import __version__, parallel, statefile
from followshift.content.loader import image_settings, load_site
from followshift.content.model import Site
from followshift.content.readcache import ReadCache
from followshift.diagnostics import Diagnostics, SiteError
from followshift.lock import OutputLock
from followshift.output import STALE_AFTER, Output, OutputError, WriteStats
from followshift.photos import PublishedPhotos, cache_dir, process_photos, prune_cache
from followshift.render.markdown import MarkdownRenderer
from followshift.render.memo import REUSED, Digests, Group
from followshift.render.pages import RenderOptions, SiteRenderer
from followshift.render.theme import find_theme
from followshift.render.view_cache import ViewCache
from followshift.times import resolve_now


class OutputFolderError(Exception):
    """--out names a folder followshift must not write into: a usage error."""


@dataclass(frozen=True)
class BuildOptions:
    content: Path
    out: Path
    now: str | None = None  # --now; without an offset it is read in the site time zone
    source_date_epoch: str | None = None
    drafts: bool = False
    strict: bool = False
    base_url: str | None = None
    write: bool = True  # False for `check`
    prune_cache: bool = False
    jobs: int | None = 1  # worker processes for Markdown and pages; None: one per CPU


@dataclass
class BuildResult:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    published: bool = False
    stats: WriteStats | None = None
    site: Site | None = None
    now: datetime | None = None
    site_error: bool = False  # site.yaml or a template: nothing could be built
    pruned: int = 0  # cache entries removed by --prune-cache
    rendered: int = 0  # pages rendered (the others were unchanged and kept)
    files: int = 0
    processes: int = 1  # that rendered pages: more with --jobs on a cold build
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def posts(self) -> int:
        return sum(len(s.posts) for s in self.site.shifts) if self.site else 0

    @property
    def failed(self) -> bool:
        return bool(self.diagnostics.errors)


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - start


@contextmanager
def _collector_resting(one_off: bool) -> Iterator[None]:
    """In a one-off build: no garbage collection while the model is read, then the model is
    left out of later collections (gc.freeze) until the build ends.

    Reading makes hundreds of thousands of long-lived objects and hardly any cyclic garbage;
    each full collection walks them all, which made reading 50,000 posts take 7.9 s instead
    of 5.6 s. `watch` manages the collector itself (watch.py).
    """
    if not one_off:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        gc.freeze()


@dataclass
class BuildState:
    """What one build hands the next, so that unchanged work is not done again: the read cache
    (parsed posts), rendered Markdown and the render memo's page keys.

    `watch` keeps it in memory between rebuilds; `build` stores it in the cache folder, per
    output folder. It is only ever an optimisation: without it (deleted, from another version)
    the build does everything, and the output is the same.
    """

    reads: ReadCache = field(default_factory=ReadCache)
    markdown: dict[bytes, str] = field(default_factory=dict)
    page_keys: dict[str, str] = field(default_factory=dict)
    page_groups: dict[str, Group] = field(default_factory=dict)
    # In memory only (watch): objects whose identity is what makes them useful.
    views: ViewCache = field(default_factory=ViewCache)
    digests: Digests = field(default_factory=Digests)
    articles: dict[bytes, str] = field(default_factory=dict)
    templates: dict[tuple[object, ...], tuple[object, object]] = field(default_factory=dict)
    output: Output | None = None  # the output folder as last committed (Output.reopen)
    # What the output's files were like on disk when this state's build committed them
    # (Output.record): a file that differs is not trusted to be unchanged.
    files: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    # The state file begun by snapshot(), and how many Markdown entries it holds.
    _begun: tuple[Path, int] | None = field(default=None, repr=False)

    @staticmethod
    def path(cache: Path, out: Path) -> Path:
        name = hashlib.blake2b(str(out.resolve()).encode(), digest_size=8).hexdigest()
        return cache / "state" / f"{name}.json"

    @classmethod
    def load(cls, cache: Path, out: Path) -> BuildState:
        """The state `save` wrote (statefile: plain data, never code)."""
        try:
            data = statefile.read_own(cls.path(cache, out))
            reads, markdown, keys, groups, record = statefile.read(data, _STATE_VERSION)
        except (OSError, statefile.BadState):
            return cls()  # no or unreadable state: do everything, as a cold build would
        return cls(reads, markdown, keys, groups, files=record)

    def snapshot(self, cache: Path, out: Path) -> None:
        """Begins the state file: its large part, the read posts and their Markdown (16 MB and
        0.15 s at 10,000 posts), in a temporary file that `save` completes.

        A cold build calls it while its workers render pages, where its time is shared with
        them (they draw pages as they go, see pages._Claims), instead of after the last page,
        where only one core works. Written to disk, not kept in memory: at 50,000 posts it
        would raise the build's peak memory by 80 MB. If it cannot be written, save() tries
        again and reports why."""
        with contextlib.suppress(OSError, statefile.Unstorable):
            self._begin(cache, out)

    def _begin(self, cache: Path, out: Path) -> None:
        self.drop_snapshot()
        target = self.path(cache, out)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temp.parent.mkdir(parents=True, exist_ok=True)
        _remove_dead(temp.parent, target.name)
        try:
            with temp.open("wb") as handle:
                statefile.write_head(handle, _STATE_VERSION, self.reads, self.markdown)
        except BaseException:
            with contextlib.suppress(OSError):
                temp.unlink()
            raise
        self._begun = (temp, len(self.markdown))

    def save(self, cache: Path, out: Path) -> None:
        if self._begun is None or self._begun[1] != len(self.markdown):  # Markdown added since
            self._begin(cache, out)
        assert self._begun is not None
        temp = self._begun[0]
        with temp.open("ab") as handle:
            statefile.write_tail(handle, self.page_keys, self.page_groups, self.files)
        os.replace(temp, self.path(cache, out))
        self._begun = None  # (until here, a failure leaves it for drop_snapshot to remove)

    def drop_snapshot(self) -> None:
        """Removes a state file snapshot() began and save() did not complete."""
        if self._begun is not None:
            with contextlib.suppress(OSError):
                self._begun[0].unlink()
            self._begun = None


def _remove_dead(folder: Path, name: str) -> None:
    """Removes state files begun by builds that were killed outright (16 MB each at 10,000
    posts): this output's at once, since this build holds its lock (lock.py), so no other
    build of it is alive; other outputs' once they are STALE_AFTER old, as their own builds
    would (their lock is not ours to judge)."""
    cutoff = time.time() - STALE_AFTER
    mine = f".{name}."
    for entry in os.scandir(folder):
        if entry.name.startswith(".") and entry.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                if entry.name.startswith(mine) or entry.stat().st_mtime < cutoff:
                    os.unlink(entry.path)


def commit_rank(relpath: str) -> int:
    """Where an output goes in the commit's order (Output.commit): what pages link to before
    the pages, each page before the pages that list it, the entry points last.

    0 photos, assets and host files; 1 post pages (also what lies deeper in a team folder);
    2 a team's timeline, its pages and feeds; 3 a team's page across shifts (teams/); 4 a
    shift's timeline, its pages, feeds and live.json; 5 the site's feeds, sitemap and other
    root files; 6 index.html; 7 404.html (it links to the index).
    """
    top, _, rest = relpath.partition("/")
    if not rest:
        return {"index.html": 6, "404.html": 7, "_headers": 0}.get(top, 5)
    if top in ("media", "assets"):
        return 0
    if top == "teams":
        return 3
    parts = rest.split("/")  # inside a shift folder
    if len(parts) == 1 or parts[0] == "page":
        return 4
    if len(parts) == 2 or parts[1] == "page":
        return 2
    return 1


ONE_OFF_THRESHOLD = 5000  # see build()

# Any change to followshift's code may change what the state means.
_STATE_VERSION = f"{__version__}-7"


def build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None = None,
    state: BuildState | None = None,
) -> BuildResult:
    """Runs the pipeline.

    Raises OutputLocked when another process writes --out, OutputFolderError when --out may
    not be written to (both checked first), OutputError when writing fails midway.
    """
    thresholds = gc.get_threshold()
    if state is None:
        # A one-off build: the youngest generation collected every 5,000 allocations instead
        # of 700. Rendering allocates a great deal and makes hardly any cycles; with the
        # default, the collector's time in a cold TEXT-10k build was 0.25 s (three full
        # collections, started by the feeds' caches), with this 0.12 s, at the same peak memory.
        gc.set_threshold(max(thresholds[0], ONE_OFF_THRESHOLD), *thresholds[1:])
    try:
        # One writer per output folder (lock.py); `watch` holds the lock already (re-entrant).
        with OutputLock(options.out, "build") if options.write else contextlib.nullcontext():
            return _build(options, progress, state)
    finally:
        if state is None:
            gc.unfreeze()  # see _collector_resting
            gc.set_threshold(*thresholds)


def _build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    state: BuildState | None,
) -> BuildResult:
    result = BuildResult()
    kept = state.output if state is not None else None
    try:  # the output folder is checked before anything is read
        output = Output.reopen(kept, options.out) if options.write else None
    except OutputError as exc:
        raise OutputFolderError(str(exc)) from None
    watching = state is not None  # watch keeps its state in memory between rebuilds
    if state is None:
        state = (
            BuildState.load(cache_dir(options.content.parent), options.out)
            if output
            else BuildState()
        )
        if output is not None:
            output.remember(state.files)
    try:
        return _run(options, progress, state, result, output, watching)
    finally:
        state.drop_snapshot()  # begun by a build that failed or had nothing new to save


def _run(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    state: BuildState,
    result: BuildResult,
    output: Output | None,
    watching: bool,
) -> BuildResult:
    """The build itself: read, render, write, save the state (see _build)."""
    diags = result.diagnostics
    persistent = not watching and output is not None
    try:
        markdown_entries = len(state.markdown)
        markdown = MarkdownRenderer(state.markdown)
        with _timed(result.timings, "read"), _collector_resting(not watching):
            site = load_site(
                options.content, diags, options.base_url, cache=state.reads,
                jobs=1 if watching else parallel.jobs(options.jobs),
            )  # fmt: skip
        result.site = site
        result.now = now = resolve_now(options.now, options.source_date_epoch, site.config.tz)
        config_file = site.content / "site.yaml"
        theme = find_theme(site.root, site.config.theme, config_file, site.config.line_of("theme"))
        published = PublishedPhotos({}, {})
        if options.write:  # check only probes photos (while reading); it makes no variants
            with _timed(result.timings, "photos"):
                settings = image_settings(site.config)
                site, published = process_photos(
                    site, now, options.drafts, settings, diags, progress
                )
            result.site = site
        render_options = RenderOptions(
            now,
            options.drafts,
            published,
            previous_keys=state.page_keys if output else {},
            previous_groups=state.page_groups if output else {},
            can_reuse=output.can_keep if output else None,
            jobs=parallel.jobs(options.jobs),
            prepare=output.prepare if output else None,
            markdown=markdown,
            views=state.views,
            digests=state.digests,
            articles=state.articles if watching else None,
            watching=watching,
            templates=state.templates,  # type: ignore[arg-type]
            meanwhile=(
                partial(state.snapshot, cache_dir(site.root), options.out) if persistent else None
            ),
        )
        # Rendered files are staged (written to the staging folder) as they come, so the
        # site is never held in memory; commit() below puts them in place.
        with _timed(result.timings, "render"):
            # Markdown and the views: long-lived objects again, hardly any cyclic garbage.
            with _collector_resting(not watching):
                renderer = SiteRenderer(site, theme, render_options)
            for path, data in renderer.render_all():
                result.files += 1
                if output is None:
                    continue
                if data is REUSED:  # the memo found it unchanged and still in place
                    output.keep(path, checked=True)
                else:
                    output.add(path, data)  # type: ignore[arg-type]
    except SiteError as exc:
        diags.items.append(exc.diagnostic)
        result.site_error = True
        if output:
            output.discard()
        return result
    except BaseException:
        if output:
            output.discard()
        raise
    result.rendered = renderer.memo.rendered
    result.processes = renderer.processes
    if output is None:
        return result
    if options.strict and diags.items:
        output.discard()
        return result  # --strict: anything wrong publishes nothing
    with _timed(result.timings, "write"):
        result.stats = output.commit(commit_rank)
    state.output = output
    result.published = True
    files = dict(output.record)
    changed = (
        state.reads.changed
        or len(state.markdown) != markdown_entries
        or renderer.memo.keys != state.page_keys
        or files != state.files
    )
    state.files = files
    state.page_keys = renderer.memo.keys
    state.page_groups = renderer.memo.groups
    state.digests.sweep()
    if persistent and changed:  # a rebuild with nothing new leaves the cache untouched
        # Only a shortcut: without it the next build does everything.
        with contextlib.suppress(OSError, statefile.Unstorable):
            state.save(cache_dir(site.root), options.out)
    if options.prune_cache:
        result.pruned = prune_cache(site, published, image_settings(site.config))
    return result
