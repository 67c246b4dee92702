"""What the commands print about a build: the photo progress bar, the diagnostics, the summary
line of `build`/`check` and the one line per rebuild of `watch`/`serve`.

Tests and scripts match these lines ("0 files rendered", " 0 written", "2 processes", the
summary), so their wording is part of the interface. No building here: the results come in.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from followshift.diagnostics import Diagnostic, Level

if TYPE_CHECKING:
    from collections.abc import Callable

    from followshift.build.pipeline import BuildOptions, BuildResult
    from followshift.content.model import PostCounts
    from followshift.watch import Rebuild


def plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


class PhotoProgress:
    """A progress bar on stderr while photos are processed, only on a terminal and only when
    there is real work (a warm cache finishes before a bar would be worth drawing)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="photos", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def report(result: BuildResult, options: BuildOptions, quiet: bool, verbose: bool) -> None:
    """The diagnostics, the timings with -v, then the summary unless -q."""
    diags = result.diagnostics
    for diagnostic in diags.sorted():
        if quiet and diagnostic.level is Level.WARNING:
            continue
        click.echo(diagnostic.format(), err=True)
    if verbose:
        timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
        processes = f" by {result.processes} processes" if result.processes > 1 else ""
        click.echo(f"timings: {timings}; {result.rendered} files rendered{processes}", err=True)
    if quiet:
        return
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(summary(result, options), err=True)


def _problems(result: BuildResult) -> str:
    diags = result.diagnostics
    return (
        f"{plural(len(diags.errors), 'error', 'errors')}, "
        f"{plural(len(diags.warnings), 'warning', 'warnings')}"
    )


def _count(result: BuildResult, options: BuildOptions) -> PostCounts | None:
    """Shifts and posts of the site the build read (one pass: this runs after the build, with
    one core working)."""
    site = result.site
    if site is None or result.now is None:
        return None
    return site.counts(result.now, options.drafts)


def summary(result: BuildResult, options: BuildOptions) -> str:
    """The last line of `build` and `check`: what was read, what was written, the problems."""
    problems = _problems(result)
    counts = result.counts or _count(result, options)
    if counts is None or result.site_error:
        where = f"; nothing was published, {options.out} is unchanged" if options.write else ""
        return f"{problems}{where}"
    shifts, public, drafts, scheduled, review, withdrawn, held = counts
    content = (
        f"{plural(shifts, 'shift', 'shifts')}, "
        f"{plural(public, 'post', 'posts')} public"
        + (f", {drafts} draft" + ("s" if drafts != 1 else "") if drafts else "")
        + (f", {scheduled} scheduled" if scheduled else "")
        + (f", {held} held by the pause" if held else "")
        + (f", {review} waiting for review" if review else "")
        + (f", {withdrawn} withdrawn" if withdrawn else "")
    )
    if not options.write:
        return f"checked {content}; {problems}"
    if not result.published:
        return (
            f"{content}; {problems}; nothing was published (--strict), {options.out} is unchanged"
        )
    stats = result.stats
    assert stats is not None
    pruned = f"; {result.pruned} unused cached photos pruned" if options.prune_cache else ""
    return (
        f"built {content} into {options.out} ({result.files} files: {stats.written} written, "
        f"{stats.unchanged} unchanged, {stats.removed} removed){pruned}; {problems}"
    )


class WatchReport:
    """Prints each rebuild: diagnostics not printed before, then one summary line."""

    def __init__(
        self,
        quiet: bool,
        verbose: bool,
        publish: Callable[[list[str]], None] | None = None,
    ) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.publish = publish
        self.shown: set[Diagnostic] = set()
        self.published_errors: list[str] | None = None

    def __call__(self, rebuild: Rebuild) -> None:
        result = rebuild.result
        current = set(result.diagnostics.items)
        for diagnostic in result.diagnostics.sorted():
            if diagnostic in self.shown or (self.quiet and diagnostic.level is Level.WARNING):
                continue
            click.echo(diagnostic.format(), err=True)
        self.shown = current
        errors = [d.format() for d in result.diagnostics.sorted() if d.level is Level.ERROR]
        stats = result.stats
        changed = stats is None or stats.written or stats.removed
        if self.publish is not None and (changed or errors != self.published_errors):
            # Open pages reload only when the site or its errors changed, not for a rebuild
            # that merely waited on a half-written file.
            self.publish(errors)
            self.published_errors = errors
        if self.verbose:
            timings = ", ".join(f"{k} {v:.3f}s" for k, v in result.timings.items())
            click.echo(f"timings: {timings}; {result.rendered} files rendered", err=True)
        if self.quiet:
            return
        files = (
            f"{stats.written} written, {stats.removed} removed" if stats else "nothing published"
        )
        waiting = (
            f"; waiting for {rebuild.waiting} file(s) still being written"
            if rebuild.waiting
            else ""
        )
        stamp = rebuild.at.strftime("%H:%M:%S")  # the site's time zone, not the machine's
        click.echo(
            f"{stamp} {rebuild.reason}: {rebuild.seconds:.2f}s, {files}; {_problems(result)}"
            f"{waiting}",
            err=True,
        )
