"""`followshift build` and `followshift check`: one build, reported, mapped to an exit code."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followshift.commands.options import (
    EXIT_CONTENT,
    EXIT_OK,
    EXIT_USAGE,
    build_flags,
    build_options,
    content_option,
    disk_error,
    jobs_option,
    out_error,
    verbosity,
)
from followshift.report import PhotoProgress, report

if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions


@click.command("build")
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The output folder (only a folder followshift made, or an empty one).",
)
@build_flags()
@click.option(
    "--prune-cache", is_flag=True, help="Remove cached photo variants this build did not use."
)
@jobs_option
@verbosity
def build_command(**params: Any) -> None:
    """Build content/ into site/."""
    run(build_options(params), params["quiet"], params["verbose"])


@click.command("check")
@content_option
@build_flags()
@jobs_option
@verbosity
def check_command(**params: Any) -> None:
    """Read everything, write nothing, report every problem."""
    run(build_options(params, write=False), params["quiet"], params["verbose"])


def run(options: BuildOptions, quiet: bool, verbose: bool) -> None:
    from followshift.build.pipeline import OutputFolderError, build
    from followshift.publish.lock import OutputLocked
    from followshift.publish.model import OutputError

    progress = PhotoProgress(enabled=options.write and not quiet and sys.stderr.isatty())
    try:
        result = build(options, progress=progress)
    except (OutputFolderError, OutputLocked) as exc:
        out_error(options.out, exc, EXIT_USAGE)
    except OutputError as exc:
        out_error(options.out, exc, EXIT_CONTENT)
    except OSError as exc:  # the disk, not the content: full, read-only, gone
        disk_error(options.out, exc)
    finally:
        progress.close()
    report(result, options, quiet, verbose)
    failed = result.failed or (options.strict and result.diagnostics.items)
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)
