"""The stages in order — read, render, write — each timed; `-v` prints the timings.

`build()` is the one entry point for `build`, `check` and (later) `watch`: they differ only in
options. The guarantees of SPEC §4 are enforced here: a site-level error or `--strict` with any
diagnostic publishes nothing; otherwise every valid post is published and each invalid one is
reported.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from followshift.content.loader import image_settings, load_site
from followshift.content.model import Site
from followshift.content.times import parse_datetime
from followshift.diagnostics import Diagnostics, SiteError
from followshift.output import Output, OutputError, WriteStats
from followshift.photos import PublishedPhotos, process_photos, prune_cache
from followshift.render.pages import RenderOptions, SiteRenderer
from followshift.render.theme import find_theme


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


@dataclass
class BuildResult:
    diagnostics: Diagnostics = field(default_factory=Diagnostics)
    published: bool = False
    stats: WriteStats | None = None
    site: Site | None = None
    now: datetime | None = None
    site_error: bool = False  # site.yaml or a template: nothing could be built
    pruned: int = 0  # cache entries removed by --prune-cache
    files: int = 0
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


def build(options: BuildOptions, progress: Callable[[int, int], None] | None = None) -> BuildResult:
    """Runs the pipeline.

    Raises OutputFolderError when --out may not be written to (checked first), OutputError
    when writing fails midway.
    """
    result = BuildResult()
    diags = result.diagnostics
    try:  # the output folder is checked before anything is read
        output = Output(options.out) if options.write else None
    except OutputError as exc:
        raise OutputFolderError(str(exc)) from None
    try:
        with _timed(result.timings, "read"):
            site = load_site(options.content, diags, options.base_url)
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
        with _timed(result.timings, "render"):
            renderer = SiteRenderer(site, theme, RenderOptions(now, options.drafts, published))
            files = dict(renderer.render_all())
    except SiteError as exc:
        diags.items.append(exc.diagnostic)
        result.site_error = True
        return result
    result.files = len(files)
    if output is None:
        return result
    if options.strict and diags.items:
        return result  # --strict: anything wrong publishes nothing
    with _timed(result.timings, "write"):
        for path, data in files.items():
            output.add(path, data)
        result.stats = output.commit()
    result.published = True
    if options.prune_cache:
        result.pruned = prune_cache(site, published, image_settings(site.config))
    return result


def resolve_now(now: str | None, epoch: str | None, tz: tzinfo) -> datetime:
    """--now (site time zone when it has no offset), else SOURCE_DATE_EPOCH, else the clock."""
    if now:
        return parse_datetime(now, tz).instant
    if epoch:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(UTC)
