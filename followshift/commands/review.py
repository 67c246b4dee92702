"""`followshift review`, `approve` and `withdraw`: the comms team's decisions from a terminal
(the rules are in desk/review.py; the desk's web pages make the same calls)."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click

from followshift.commands.options import EXIT_CONTENT, EXIT_USAGE, content_option
from followshift.diagnostics import display_path
from followshift.report import plural


def me() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):  # no user name to be had (a container, Windows)
        return "cli"


CLI = "command line"  # the audit log's "via" for what was done in a terminal

by_option = click.option(
    "--by",
    metavar="NAME",
    help="Who decides, for the audit log and the four-eyes rule (default: your user name).",
)


@click.command("review")
@content_option
def review_command(content: Path) -> None:
    """List the posts waiting for review, per shift and team."""
    from followshift.desk.review import waiting

    if not content.is_dir():
        click.echo(f"{display_path(content)}: error: no content folder here", err=True)
        sys.exit(EXIT_USAGE)
    found = list(waiting(content))
    group = None
    for item in found:
        if (item.shift_id, item.team_id) != group:
            group = (item.shift_id, item.team_id)
            count = sum(1 for w in found if (w.shift_id, w.team_id) == group)
            click.echo(f"{item.shift_id}/{item.team_id}: {count} waiting")
        what = item.title or item.excerpt or "(photos only)"
        by = f" ({item.author})" if item.author else ""
        click.echo(f"  {display_path(item.path)}  {what}{by}")
    click.echo(f"{plural(len(found), 'post', 'posts')} waiting for review")


@click.command("approve")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@content_option
@by_option
def approve_command(paths: tuple[Path, ...], content: Path, by: str | None) -> None:
    """Publish posts that wait for review (PATH: content/SHIFT/TEAM/NAME.md)."""
    from followshift.desk import DeskError
    from followshift.desk.edits import post_path, read_post_file
    from followshift.desk.review import approve, review_mode
    from followshift.desk.store import Store

    who = by or me()
    failed = 0
    for given in paths:
        try:
            path = post_path(content, given)
            post = read_post_file(path)
            shift = path.parent.parent.name
            mode = review_mode(content, shift)
            store = Store.beside(content)
            rel = path.relative_to(content.resolve()).as_posix()
            sent = store.submission_by_path(rel)
            # Who sent it from the desk; for a post written by hand, its author: line.
            written_by = post.meta.get("author")
            author = sent.author if sent else written_by if isinstance(written_by, str) else None
            # Whoever edited it at the desk since its last approval is a co-author too.
            approve(post, by=who, author=author, mode=mode, editors=store.editors(rel))
            store.log(who, CLI, "approve", shift, rel)
        except DeskError as exc:
            click.echo(str(exc), err=True)
            failed += 1
            continue
        click.echo(f"approved {display_path(path)}")
    sys.exit(EXIT_CONTENT if failed else 0)


@click.command("withdraw")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--reason", required=True, metavar="TEXT", help="Why, for the audit log.")
@content_option
@by_option
def withdraw_command(path: Path, reason: str, content: Path, by: str | None) -> None:
    """Take a post off the site; its URL then shows a short "withdrawn" notice."""
    from followshift.desk import DeskError
    from followshift.desk.edits import post_path, read_post_file
    from followshift.desk.review import withdraw
    from followshift.desk.store import Store

    if not reason.strip():
        raise click.BadParameter("say why the post is withdrawn", param_hint="--reason")
    try:
        found = post_path(content, path)
        withdraw(read_post_file(found))
        rel = found.relative_to(content.resolve()).as_posix()
        Store.beside(content).log(
            by or me(), CLI, "withdraw", found.parent.parent.name, rel, reason
        )
    except DeskError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    click.echo(f"withdrew {display_path(found)}; the next build takes it off the site")
