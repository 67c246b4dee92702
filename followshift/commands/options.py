"""What the commands share: option groups, the checks on --now, --base-url and
SOURCE_DATE_EPOCH, exit codes and one-line errors, and `build_options`, the one place where
flags become a BuildOptions (for build, check, watch and serve alike).

Importing this must stay cheap: the builder (Jinja, Markdown, Pillow) is imported only by the
functions that build, so that `new` and `--help` start in a fraction of the time.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn, TypeVar

import click

from followshift.times import TimeError, parse_datetime, parse_epoch

if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions
    from followshift.scaffold import ScaffoldError

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2

F = TypeVar("F", bound=Callable[..., Any])


def _check_now(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        # The syntax and the year range (1970-2999, whatever the zone): the site zone is
        # applied later, and can then neither fail nor overflow.
        parse_datetime(value, UTC)
    except TimeError as exc:
        raise click.BadParameter(
            f"{exc} (e.g. 2026-10-24T21:00 or 2026-10-24T21:00+02:00)"
        ) from None
    return value


def group(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Several option decorators as one, in the order written (as if stacked)."""

    def apply(function: F) -> F:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return apply


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
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes that render pages [default: one per CPU; 1 on Windows and macOS].",
)
verbosity = group(
    click.option("-q", "--quiet", is_flag=True, help="Print errors only."),
    click.option("-v", "--verbose", is_flag=True, help="Also print stage timings."),
)


# watch --publish: the same target rules as `publish` (commands/publish.py resolves them).
watch_publish_options = group(
    click.option(
        "--publish",
        is_flag=True,
        help="After each rebuild, publish what changed to the bucket (see `publish`).",
    ),
    click.option(
        "--to",
        "to",
        metavar="s3://BUCKET/PREFIX",
        help="With --publish: the target [default: publish: to: in site.yaml].",
    ),
    click.option(
        "--endpoint-url",
        metavar="URL",
        help="With --publish: the S3-compatible store (R2, MinIO, SeaweedFS, …).",
    ),
    click.option(
        "--max-deletes",
        type=click.IntRange(min=-1),
        default=None,
        metavar="N",
        help="With --publish: hold back a publish that would remove more than N objects "
        "[default: 250; -1: no limit].",
    ),
)


def build_flags(*, strict: bool = True) -> Callable[[F], F]:
    """--drafts, --now, [--strict,] --base-url: what a build reads and publishes."""
    if strict:
        return group(drafts_option, now_option, strict_option, base_url_option)
    return group(drafts_option, now_option, base_url_option)


def build_options(
    params: Mapping[str, Any],
    *,
    write: bool = True,
    clock: Literal["fixed", "live"] = "fixed",
) -> BuildOptions:
    """The BuildOptions of a command's parameters. A "fixed" clock is --now, else
    SOURCE_DATE_EPOCH, else the time of the build; a "live" one (watch, serve) follows the
    clock, or a --now that runs on, and ignores SOURCE_DATE_EPOCH."""
    from followshift.build.pipeline import BuildOptions

    validate_base_url(params["base_url"])
    # A flag a command does not have keeps BuildOptions' default (watch: one process, no
    # --strict; check: no --out, no --prune-cache).
    present = {key: params[key] for key in ("strict", "prune_cache", "jobs") if key in params}
    return BuildOptions(
        content=params["content"],
        out=params.get("out", Path("site")),
        now=params["now"],
        source_date_epoch=source_date_epoch() if clock == "fixed" else None,
        drafts=params["drafts"],
        base_url=params["base_url"],
        write=write,
        **present,
    )


def validate_base_url(base_url: str | None) -> None:
    from followshift.config.site import check_base_url

    if base_url is not None:
        try:
            check_base_url(base_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--base-url") from None


def source_date_epoch() -> str | None:
    """SOURCE_DATE_EPOCH, checked (syntax and range) before anything is read."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        try:
            parse_epoch(value)
        except TimeError as exc:
            raise click.UsageError(str(exc)) from None
    return value


def out_error(out: Path, exc: Exception, code: int) -> NoReturn:
    click.echo(f"{out}: error: {exc}", err=True)
    sys.exit(code)


def disk_error(out: Path, exc: OSError) -> NoReturn:
    """One line for a system error no stage turned into a message of its own."""
    where = f" ({exc.filename})" if exc.filename else ""
    click.echo(f"{out}: error: {exc.strerror or exc}{where}", err=True)
    sys.exit(EXIT_CONTENT)


def fail(exc: ScaffoldError) -> NoReturn:
    """A ScaffoldError as one line, exit 2 for a usage mistake and 1 for the rest."""
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(EXIT_USAGE if exc.usage else EXIT_CONTENT)
