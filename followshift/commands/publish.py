"""`followshift publish`: site/ to an S3-compatible bucket (publish/bucket.py does the work),
holding the output folder's lock so no build changes site/ meanwhile.

Exit status (SPEC §5): 0 published; 1 the target failed part-way, or could not be reached
(the next publish converges); 2 a usage error: no target, a bad URL, a refused site (a
`--drafts` preview, a half-built one), objects in the way that are not followshift's, more
removals than --max-deletes allows, a folder another followshift process is writing.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from followshift.commands.options import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, content_option

if TYPE_CHECKING:
    from followshift.publish.bucket import Publisher
    from followshift.publish.target import Target

_TO_HELP = "The target, s3://BUCKET/PREFIX [default: publish: to: in site.yaml]."


@click.command("publish")
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("site"),
    show_default=True,
    help="The built site to publish.",
)
@click.option("--to", "to", metavar="s3://BUCKET/PREFIX", help=_TO_HELP)
@click.option(
    "--endpoint-url",
    metavar="URL",
    help="The S3-compatible store (R2, MinIO, SeaweedFS, …); AWS S3 without it.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print what would be uploaded and removed; send nothing."
)
@click.option(
    "--max-deletes",
    type=click.IntRange(min=-1),
    default=None,
    metavar="N",
    help="Refuse a publish that would remove more than N objects [default: 250; -1: no limit].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.option("-v", "--verbose", is_flag=True, help="Also print each object sent.")
def publish_command(**params: Any) -> None:
    """Upload what changed in site/ to a bucket; remove what is gone."""
    from followshift.publish.lock import OutputLock, OutputLocked
    from followshift.publish.plan import MAX_DELETES

    target = _target(params)
    out: Path = params["out"]
    max_deletes = MAX_DELETES if params["max_deletes"] is None else params["max_deletes"]
    held = OutputLock(out, "publish")
    try:
        held.acquire()
    except OutputLocked as exc:
        _fail(str(out), str(exc), EXIT_USAGE)
    except OSError as exc:
        _fail(str(out), exc.strerror or str(exc), EXIT_CONTENT)
    try:
        _publish(target, out, max_deletes, params)
    finally:
        held.release()


def _publish(target: Target, out: Path, max_deletes: int, params: dict[str, Any]) -> None:
    from followshift.publish.bucket import Publisher
    from followshift.publish.target import RemoteError

    start = time.perf_counter()
    try:
        publisher = Publisher(target)
    except RemoteError as exc:
        _fail(target.url, str(exc), EXIT_CONTENT)
    with publisher:  # its connections are closed however the publish ends
        _run(publisher, out, max_deletes, params, start)


def _run(
    publisher: Publisher, out: Path, max_deletes: int, params: dict[str, Any], start: float
) -> None:
    from followshift.publish.plan import RefusedError
    from followshift.publish.target import RemoteError

    quiet, verbose = params["quiet"], params["verbose"]
    where = publisher.target.url
    try:
        plan = publisher.plan(out, max_deletes)
    except RefusedError as exc:
        _fail(where, str(exc), EXIT_USAGE)
    except RemoteError as exc:
        _fail(where, str(exc), EXIT_CONTENT)
    except KeyboardInterrupt:
        _fail(where, "stopped; nothing was changed", EXIT_CONTENT)
    if not quiet:
        for note in plan.notes:
            click.echo(f"{where}: note: {note}", err=True)
    if params["dry_run"]:
        click.echo("\n".join(plan.describe()))
        if plan.refusal is not None:
            _fail(where, plan.refusal, EXIT_USAGE)
        click.echo("dry run: nothing was sent", err=True)
        sys.exit(EXIT_OK)

    def progress(step: Any) -> None:
        if verbose:
            click.echo(f"  {'headers' if step.copy else 'sent'} {step.rel}", err=True)

    try:
        result = publisher.apply(plan, progress)
    except RefusedError as exc:
        _fail(where, str(exc), EXIT_USAGE)
    except RemoteError as exc:
        _fail(where, f"{exc}; nothing was changed", EXIT_CONTENT)
    except KeyboardInterrupt:
        _fail(
            where,
            "stopped part-way; every link still works: publish again to complete it",
            EXIT_CONTENT,
        )
    seconds = time.perf_counter() - start
    if not result.ok:
        rel, message = result.failed[0]
        more = f" (and {len(result.failed) - 1} more)" if len(result.failed) > 1 else ""
        _fail(
            where,
            f"{rel}: {message}{more}; {result.uploaded + result.copied} of "
            f"{len(plan.steps)} objects were sent and every link still works: publish again "
            "to complete it",
            EXIT_CONTENT,
        )
    if not quiet:
        click.echo(
            f"published {out} to {where}: {result.uploaded} uploaded "
            f"({result.sent / 1024:.0f} KB), {result.copied} with new headers, "
            f"{result.deleted} removed, {result.unchanged} unchanged ({seconds:.1f} s)",
            err=True,
        )
    sys.exit(EXIT_OK)


def _target(params: dict[str, Any]) -> Target:
    """The target from --to/--endpoint-url, else from site.yaml (SPEC §5). A site.yaml with
    errors is reported as `site.yaml:LINE: error: …`, exit 2."""
    from followshift.config.site import PublishConfig, load_config
    from followshift.diagnostics import Diagnostics, display_path
    from followshift.publish.target import TargetError, check_endpoint, parse_target

    content: Path = params["content"]
    path = content / "site.yaml"
    config = PublishConfig()
    if path.is_file():
        diags = Diagnostics()
        config = load_config(path, diags).publish
        for d in diags.errors:
            click.echo(d.format(), err=True)
        if diags.errors:
            sys.exit(EXIT_USAGE)
    to, endpoint = params["to"], params["endpoint_url"]
    try:
        if endpoint is not None:
            endpoint = check_endpoint(endpoint)
    except TargetError as exc:
        _fail("--endpoint-url", str(exc), EXIT_USAGE)
    try:
        if to is not None:
            return parse_target(to, endpoint or config.endpoint_url, config.region)
    except TargetError as exc:
        _fail("--to", str(exc), EXIT_USAGE)
    if config.to is None:
        _fail(
            "publish",
            "no target: give --to s3://BUCKET/PREFIX, or `publish: to:` in site.yaml",
            EXIT_USAGE,
        )
    try:
        return parse_target(config.to, endpoint or config.endpoint_url, config.region)
    except TargetError as exc:
        _fail(f"{display_path(path)}:{config.lines.get('to', 1)}", str(exc), EXIT_USAGE)


def _fail(where: str, message: str, code: int) -> NoReturn:
    click.echo(f"{where}: error: {message}", err=True)
    sys.exit(code)
