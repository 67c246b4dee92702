"""The stages in order — read, render, write — each timed; `-v` prints the timings.

`build()` is the one entry point for `build`, `check` and (later) `watch`: they differ only in
options. The guarantees of SPEC §4 are enforced here: a site-level error or `--strict` with any
diagnostic publishes nothing; otherwise every valid post is published and each invalid one is
reported.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from followshift.build import collector, statefile
from followshift.build.state import BuildCache
from followshift.build.unchanged import Survey
from followshift.content.model import PostCounts, Site
from followshift.diagnostics import Diagnostics, SiteError
from followshift.photos.stage import PublishedPhotos, cache_dir, process_photos, prune_cache
from followshift.privacy.faces import INSTALL_HINT as FACES_MISSING
from followshift.publish.local import Output
from followshift.publish.lock import OutputLock
from followshift.publish.model import OutputError, WriteStats
from followshift.publish.rules import group_of
from followshift.render.markdown import MarkdownRenderer
from followshift.render.memo import REUSED
from followshift.render.theme import find_theme
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
    # shifts, public, draft and scheduled posts, when nothing was read (build/unchanged.py)
    counts: PostCounts | None = None
    notes: list[str] = field(default_factory=list)  # said once, not problems (not counted)

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


def build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None = None,
    cache: BuildCache | None = None,
) -> BuildResult:
    """Runs the pipeline.

    Raises OutputLocked when another process writes --out, OutputFolderError when --out may
    not be written to (both checked first), OutputError when writing fails midway.
    """
    # A one-off build has its own gc policy (collector.py); `watch` manages the collector
    # itself. One writer per output folder (lock.py); `watch` holds it already (re-entrant).
    with (
        collector.one_off() if cache is None else contextlib.nullcontext(),
        OutputLock(options.out, "build") if options.write else contextlib.nullcontext(),
    ):
        return _build(options, progress, cache)


def _build(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    cache: BuildCache | None,
) -> BuildResult:
    result = BuildResult()
    # Nothing changed since the last build: nothing to do (build/unchanged.py).
    survey = Survey.begin(options) if cache is None else None
    if survey is not None and survey.unchanged(result):
        return result
    kept = cache.output if cache is not None else None
    try:  # the output folder is checked before anything is read
        output = Output.reopen(kept, options.out) if options.write else None
    except OutputError as exc:
        raise OutputFolderError(str(exc)) from None
    watching = cache is not None  # watch keeps its BuildCache in memory between rebuilds
    if cache is None:
        cache = (
            BuildCache.load(cache_dir(options.content.parent), options.out)
            if output
            else BuildCache()
        )
        if output is not None:
            output.remember(cache.files)
    try:
        result = _run(options, progress, cache, result, output, watching)
        if survey is not None and result.site is not None and result.now is not None:
            survey.finish(result.site, result.now, cache.reads, result, cache.files)
        return result
    finally:
        cache.drop_snapshot()  # begun by a build that failed or had nothing new to save


def _run(
    options: BuildOptions,
    progress: Callable[[int, int], None] | None,
    cache: BuildCache,
    result: BuildResult,
    output: Output | None,
    watching: bool,
) -> BuildResult:
    """The build itself: read, render, write, save the state (see _build)."""
    # The stages' machinery is imported here, when something changed: a build with nothing
    # changed (the Survey in _build) needs none of it, and importing it up front was ~75 ms
    # of such a build's ~0.37 s (TEXT-10k on a RAM disk; python -X importtime).
    from followshift.build import schedule
    from followshift.content.loader import load_site
    from followshift.photos.facestage import face_warnings
    from followshift.render.stage import RenderOptions, outputs, render_context, start_pages

    diags = result.diagnostics
    persistent = not watching and output is not None
    try:
        markdown_entries = len(cache.markdown)
        markdown = MarkdownRenderer(cache.markdown)
        with _timed(result.timings, "read"), collector.resting(not watching):
            site = load_site(
                options.content, diags, options.base_url, cache=cache.reads,
                jobs=1 if watching else schedule.jobs(options.jobs),
            )  # fmt: skip
        result.site = site
        result.now = now = resolve_now(options.now, options.source_date_epoch, site.config.tz)
        config_file = site.content / "site.yaml"
        theme = find_theme(site.root, site.config.theme, config_file, site.config.line_of("theme"))
        published = PublishedPhotos({}, {})
        if options.write:  # check only probes photos (while reading); it makes no variants
            with _timed(result.timings, "photos"):
                published = process_photos(
                    site, now, options.drafts, site.config.images, diags, progress
                )
            # The model of what is published: a post whose photo failed is left out.
            result.site = site = site.without(published.failed)
        with _timed(result.timings, "faces"):  # warnings only: the output is the same
            detector = face_warnings(
                site, site.config.images, cache_dir(site.root), diags,
                workers=1 if watching else options.jobs or schedule.default_workers(),
            )  # fmt: skip
            if not detector and not options.write:
                result.notes.append(FACES_MISSING)
        render_options = RenderOptions(
            now,
            options.drafts,
            published,
            previous_keys=cache.page_keys if output else {},
            previous_groups=cache.page_groups if output else {},
            can_reuse=output.can_keep if output else None,
            jobs=schedule.jobs(options.jobs),
            prepare=output.prepare if output else None,
            markdown=markdown,
            views=cache.views,
            derived=cache.derived if watching else None,
            watching=watching,
            templates=cache.templates,  # type: ignore[arg-type]
        )
        # Rendered files are staged (written to the staging folder) as they come, so the
        # site is never held in memory; commit() below puts them in place.
        with _timed(result.timings, "render"):
            # Markdown and the views: long-lived objects again, hardly any cyclic garbage.
            with collector.resting(not watching):
                ctx = render_context(site, theme, render_options)
            shares = start_pages(ctx, render_options)  # forked workers, on a cold build
            try:
                if shares is not None and persistent:
                    # The state file's large part, written while the workers render pages,
                    # where its time is shared with them (BuildCache.snapshot).
                    cache.snapshot(cache_dir(site.root), options.out)
                for path, data in outputs(ctx, shares):
                    result.files += 1
                    if output is None:
                        continue
                    if data is REUSED:  # the memo found it unchanged and still in place
                        output.keep(path, checked=True)
                    else:
                        output.add(path, data)  # type: ignore[arg-type]
            finally:
                if shares is not None:
                    shares.close()
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
    memo = ctx.memo
    result.rendered = memo.rendered
    result.processes = shares.processes if shares is not None else 1
    if output is None:
        return result
    if options.strict and diags.items:
        output.discard()
        return result  # --strict: anything wrong publishes nothing
    with _timed(result.timings, "write"):
        result.stats = output.commit(group_of, preview=options.drafts)
    cache.output = output
    result.published = True
    files = dict(output.record)
    changed = (
        cache.reads.changed
        or len(cache.markdown) != markdown_entries
        or memo.keys != cache.page_keys
        or files != cache.files
    )
    cache.files = files
    cache.page_keys = memo.keys
    cache.page_groups = memo.groups
    cache.derived.sweep()
    if persistent and changed:  # a rebuild with nothing new leaves the cache untouched
        # Only a shortcut: without it the next build does everything.
        with contextlib.suppress(OSError, statefile.Unstorable):
            cache.save(cache_dir(site.root), options.out)
    if options.prune_cache:
        result.pruned = prune_cache(site, published, site.config.images)
    return result
