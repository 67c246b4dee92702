"""The command line: flags → calls, diagnostics → lines on stderr, outcomes → exit codes.

Exit status: 0 everything published; 1 content errors (or warnings under --strict); 2 usage
errors, including an output folder followshift did not make.
"""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path
from typing import Any

import click

from followshift import __version__
from followshift.build import BuildOptions, BuildResult, OutputFolderError, build
from followshift.content.times import TimeError, parse_datetime
from followshift.diagnostics import Level
from followshift.output import OutputError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _check_now(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parse_datetime(value, UTC)  # only the syntax; the site zone is applied later
    except TimeError as exc:
        raise click.BadParameter(
            f"{exc} (e.g. 2026-10-24T21:00 or 2026-10-24T21:00+02:00)"
        ) from None
    return value


content_option = click.option(
    "--content",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="The content folder.",
)
now_option = click.option(
    "--now",
    callback=_check_now,
    metavar="DATETIME",
    help="The clock for this build (site time zone unless it has an offset); "
    "SOURCE_DATE_EPOCH is used when this is not given.",
)
drafts_option = click.option("--drafts", is_flag=True, help="Publish draft posts too (previews).")
strict_option = click.option("--strict", is_flag=True, help="Fail on warnings; publish nothing.")
base_url_option = click.option("--base-url", metavar="URL", help="Override site.yaml base_url.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Also print stage timings.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followshift")
def main() -> None:
    """followshift: static live blogs for police follow shifts."""


@main.command("build")
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The output folder (only a folder followshift made, or an empty one).",
)
@drafts_option
@now_option
@strict_option
@base_url_option
@click.option(
    "--prune-cache", is_flag=True, help="Remove cached photo variants this build did not use."
)
@quiet_option
@verbose_option
def build_command(
    content: Path,
    out: Path,
    drafts: bool,
    now: str | None,
    strict: bool,
    base_url: str | None,
    prune_cache: bool,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build content/ into site/."""
    _validate_base_url(base_url)
    options = BuildOptions(
        content=content,
        out=out,
        now=now,
        source_date_epoch=_source_date_epoch(),
        drafts=drafts,
        strict=strict,
        base_url=base_url,
        prune_cache=prune_cache,
    )
    _run(options, quiet, verbose)


@main.command("check")
@content_option
@drafts_option
@now_option
@strict_option
@base_url_option
@quiet_option
@verbose_option
def check_command(
    content: Path,
    drafts: bool,
    now: str | None,
    strict: bool,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Read everything, write nothing, report every problem."""
    _validate_base_url(base_url)
    options = BuildOptions(
        content=content,
        out=Path("site"),
        now=now,
        source_date_epoch=_source_date_epoch(),
        drafts=drafts,
        strict=strict,
        base_url=base_url,
        write=False,
    )
    _run(options, quiet, verbose)


def _validate_base_url(base_url: str | None) -> None:
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an absolute http(s) URL", param_hint="--base-url")


def _source_date_epoch() -> str | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None and not value.strip().isdigit():
        raise click.UsageError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '{value}'"
        )
    return value


class _PhotoProgress:
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


def _run(options: BuildOptions, quiet: bool, verbose: bool) -> None:
    progress = _PhotoProgress(enabled=options.write and not quiet and sys.stderr.isatty())
    try:
        result = build(options, progress=progress)
    except OutputFolderError as exc:
        click.echo(f"{options.out}: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OutputError as exc:
        click.echo(f"{options.out}: error: {exc}", err=True)
        sys.exit(EXIT_CONTENT)
    finally:
        progress.close()
    _report(result, options, quiet, verbose)
    failed = result.failed or (options.strict and result.diagnostics.items)
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


def _report(result: BuildResult, options: BuildOptions, quiet: bool, verbose: bool) -> None:
    diags = result.diagnostics
    for diagnostic in diags.sorted():
        if quiet and diagnostic.level is Level.WARNING:
            continue
        click.echo(diagnostic.format(), err=True)
    if verbose:
        timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
        click.echo(f"timings: {timings}", err=True)
    if quiet:
        return
    click.echo(_summary(result, options), err=True)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(result: BuildResult, options: BuildOptions) -> str:
    diags = result.diagnostics
    problems = (
        f"{_plural(len(diags.errors), 'error', 'errors')}, "
        f"{_plural(len(diags.warnings), 'warning', 'warnings')}"
    )
    site = result.site
    if site is None or result.now is None or result.site_error:
        where = f"; nothing was published, {options.out} is unchanged" if options.write else ""
        return f"{problems}{where}"
    public = drafts = scheduled = 0
    for shift in site.shifts:
        visible = shift.public_posts(result.now, options.drafts)
        public += len(visible)
        drafts += sum(1 for p in shift.posts if p.draft and not options.drafts)
        scheduled += sum(
            1
            for p in shift.posts
            if (options.drafts or not p.draft) and p.public_from(shift.delay) > result.now
        )
    content = (
        f"{_plural(len(site.shifts), 'shift', 'shifts')}, "
        f"{_plural(public, 'post', 'posts')} public"
        + (f", {drafts} draft" + ("s" if drafts != 1 else "") if drafts else "")
        + (f", {scheduled} scheduled" if scheduled else "")
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
