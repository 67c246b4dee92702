"""`followshift new`: one post from the command line (the rules are in scaffold/new.py)."""

from __future__ import annotations

import locale
import sys
from pathlib import Path

import click

from followshift.commands.options import content_option, fail, now_option, source_date_epoch
from followshift.diagnostics import display_path
from followshift.report import plural
from followshift.scaffold import ScaffoldError
from followshift.scaffold.new import new_post, site_timezone
from followshift.times import resolve_now


def _read_stdin() -> str:
    """Piped text as UTF-8 whatever the console's code page (Windows pipes default to cp1252);
    text that is not UTF-8 falls back to the locale's encoding rather than failing."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(locale.getpreferredencoding(False), errors="replace")


def _stdin_is_terminal() -> bool:
    """Whether stdin is a terminal (then the text comes from $EDITOR, not from stdin)."""
    return sys.stdin.isatty()


@click.command("new")
@click.argument("shift")
@click.argument("team")
@click.argument("text", required=False)
@content_option
@click.option(
    "--time",
    "time_",
    metavar="HH:MM[:SS]",
    help="The time of the post (default: now, to the second).",
)
@click.option("--title", help="The post's title; also names the file.")
@click.option("--author", help="Who wrote it, e.g. 'Wijkagent Hein'.")
@click.option(
    "--photo",
    "photos",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="A photo to attach (copied beside the post); repeatable.",
)
@click.option(
    "--alt",
    "alts",
    multiple=True,
    metavar="TEXT",
    help="Alt text of the photo in the same place (first --alt for the first --photo).",
)
@click.option(
    "-e", "--edit", is_flag=True, help="Write the text in $EDITOR even if stdin is not a terminal."
)
@now_option
def new_command(
    shift: str,
    team: str,
    text: str | None,
    content: Path,
    time_: str | None,
    title: str | None,
    author: str | None,
    photos: tuple[Path, ...],
    alts: tuple[str, ...],
    edit: bool,
    now: str | None,
) -> None:
    """Write a new post for TEAM in SHIFT, stamped with the current time; print its path.

    The text is TEXT, else stdin (also with TEXT '-'), else what you write in $EDITOR.
    """
    if len(alts) > len(photos):
        raise click.BadParameter(
            f"{len(alts)} alt texts for {plural(len(photos), 'photo', 'photos')}; "
            "give one --alt per --photo, in the same order",
            param_hint="--alt",
        )
    epoch = source_date_epoch()
    try:
        tz = site_timezone(content)
        clock = resolve_now(now, epoch, tz)
        if text == "-" or (text is None and not edit and not _stdin_is_terminal()):
            text = _read_stdin()
        elif text is None:
            text = click.edit(extension=".md") or ""
        result = new_post(
            content,
            shift,
            team,
            text=text,
            now=clock,
            time=time_,
            title=title,
            author=author,
            photos=[(photo, alts[i] if i < len(alts) else "") for i, photo in enumerate(photos)],
        )
    except ScaffoldError as exc:
        fail(exc)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(display_path(result.path))
