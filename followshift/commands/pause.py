"""`followshift pause SHIFT --reason …` and `followshift resume SHIFT`: stop new posts of a
shift going out at once, and let them go again (docs/privacy.md, "Pause"; the work is in
desk/pauses.py, which the desk's button calls too)."""

from __future__ import annotations

import os
import sys
from datetime import UTC
from pathlib import Path

import click

from followshift.commands.options import EXIT_CONTENT, EXIT_USAGE, content_option
from followshift.commands.review import CLI, by_option, me
from followshift.times import TimeError, parse_datetime


def _check_moment(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None:
        try:
            parse_datetime(value, UTC)  # the syntax and range; the site's zone comes later
        except TimeError as exc:
            raise click.BadParameter(f"{exc} (e.g. 2026-10-24T21:40)") from None
    return value


since_option = click.option(
    "--now",
    callback=_check_moment,
    metavar="DATETIME",
    help="When the pause begins (default: now; SOURCE_DATE_EPOCH too). Site time zone "
    "unless it has an offset.",
)


@click.command("pause")
@click.argument("shift")
@click.option("--reason", required=True, metavar="TEXT", help="Why, for the audit log.")
@content_option
@by_option
@since_option
def pause_command(shift: str, reason: str, content: Path, by: str | None, now: str | None) -> None:
    """Stop new posts of SHIFT going out; what is published stays, readers see a notice."""
    from followshift.config.pause import PauseError
    from followshift.desk.pauses import pause_shift
    from followshift.desk.review import site_settings
    from followshift.times import resolve_now

    if not reason.strip():
        raise click.BadParameter("say why the shift is paused", param_hint="--reason")
    if not content.is_dir():
        click.echo(f"{content}: error: no content folder here", err=True)
        sys.exit(EXIT_USAGE)
    tz = site_settings(content).tz
    try:
        moment = resolve_now(now, os.environ.get("SOURCE_DATE_EPOCH"), tz)
    except TimeError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    try:
        done = pause_shift(content, shift, reason, by=by or me(), via=CLI, now=moment)
    except PauseError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    assert done.paused is not None
    since = done.paused.since.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
    if not done.changed:
        click.echo(f"{done.shift} is paused already, since {since}; nothing changed")
        return
    click.echo(
        f"paused {done.shift} from {since}: posts not public by then wait until "
        f"`followshift resume {done.shift}`; the next build (or watch, at once) shows the notice"
    )


@click.command("resume")
@click.argument("shift")
@click.option("--reason", metavar="TEXT", help="Why, for the audit log (optional).")
@content_option
@by_option
def resume_command(shift: str, reason: str | None, content: Path, by: str | None) -> None:
    """Lift the pause of SHIFT: the posts it held go out at the next build."""
    from followshift.config.pause import PauseError
    from followshift.desk.pauses import resume_shift

    if not content.is_dir():
        click.echo(f"{content}: error: no content folder here", err=True)
        sys.exit(EXIT_USAGE)
    try:
        done = resume_shift(content, shift, by=by or me(), via=CLI, reason=reason)
    except PauseError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    if not done.changed:
        click.echo(f"{done.shift} is not paused; nothing changed")
        return
    click.echo(f"resumed {done.shift}: the posts it held go out at the next build (or watch)")
