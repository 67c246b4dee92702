"""`followshift invite` (personal links for the desk) and `followshift log` (the audit log).

The rules of links are in desk/invites.py, the state in desk/store.py."""

from __future__ import annotations

import os
import sys
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import click

from followshift.commands.options import EXIT_CONTENT, EXIT_USAGE, content_option
from followshift.commands.review import CLI, by_option, me
from followshift.diagnostics import display_path

if TYPE_CHECKING:
    from followshift.desk.store import Store


@click.command("invite")
@click.argument("name", required=False)
@click.option("--team", metavar="TEAM", help="The officer's team (a team folder's name).")
@click.option("--comms", is_flag=True, help="A member of the comms team (reviews every team).")
@click.option(
    "--until",
    metavar="WHEN",
    help="When the link ends: 2026-10-25 03:00, or 12h (default: "
    "the end of the running or next shift).",
)
@click.option(
    "--desk-url",
    envvar="FOLLOWSHIFT_DESK_URL",
    metavar="URL",
    help="Where the desk is reached, e.g. https://desk.example.nl/ (env FOLLOWSHIFT_DESK_URL; "
    "default http://127.0.0.1:8765/).",
)
@click.option(
    "--qr",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Also write the QR code to FILE (.png or .svg).",
)
@click.option("--list", "list_", is_flag=True, help="List the links: who, team, until, state.")
@click.option("--revoke", metavar="NAME", help="End every link of NAME at once.")
@content_option
@by_option
def invite_command(
    name: str | None,
    team: str | None,
    comms: bool,
    until: str | None,
    desk_url: str | None,
    qr: Path | None,
    list_: bool,
    revoke: str | None,
    content: Path,
    by: str | None,
) -> None:
    """Make a personal desk link for NAME (an officer of --team, or --comms) and print it with
    its QR code. The link is shown only now; only its hash is kept."""
    from followshift.desk import DeskError
    from followshift.desk.invites import DEFAULT_DESK_URL, link, qr_text, save_qr
    from followshift.desk.invites import until as link_until
    from followshift.desk.review import site_settings
    from followshift.desk.store import Store, now_utc
    from followshift.naming import slugify

    if not content.is_dir():
        click.echo(f"{display_path(content)}: error: no content folder here", err=True)
        sys.exit(EXIT_USAGE)
    actor = by or me()
    try:
        store = Store.beside(content)
        if list_:
            _list(store, site_settings(content).tz)
            return
        if revoke is not None:
            count = store.revoke(revoke, actor=actor, via=CLI)
            if not count:
                raise click.UsageError(f"{revoke} has no link that still works")
            click.echo(f"revoked {count} link{'s' if count > 1 else ''} of {revoke}")
            return
        if not name or not name.strip() or not name.isprintable() or len(name) > 60:
            raise click.UsageError("give the person's name (one line, at most 60 characters)")
        if not comms and not team:
            raise click.UsageError("an officer needs --team TEAM; comms members --comms")
        if team is not None and (slugify(team) != team or not team):
            raise click.BadParameter(f"'{team}' is not a team id", param_hint="--team")
        ends = link_until(content, until, now_utc())
        invite, token = store.add_invite(
            " ".join(name.split()), "comms" if comms else "officer", team, ends,
            actor=actor, via=CLI,
        )  # fmt: skip
    except DeskError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    url = link(desk_url or DEFAULT_DESK_URL, token)
    if team and not (content.joinpath("teams.yaml").is_file() or _team_seen(content, team)):
        click.echo(f"warning: team '{team}' has no folder in any shift yet", err=True)
    role = "comms" if comms else f"team {team}"
    local = ends.astimezone(site_settings(content).tz).strftime("%Y-%m-%d %H:%M")
    click.echo(f"{invite.name} ({role}), until {local}:")
    click.echo(url)
    try:
        click.echo(qr_text(url))
    except UnicodeEncodeError:  # a console without the block characters
        click.echo(qr_text(url, unicode=False))
    if qr is not None:
        try:
            save_qr(url, qr)
        except DeskError as exc:
            click.echo(str(exc), err=True)
            sys.exit(EXIT_CONTENT)
        click.echo(f"QR code written to {display_path(qr)}")


def _team_seen(content: Path, team: str) -> bool:
    return any((shift / team).is_dir() for shift in content.iterdir() if shift.is_dir())


def _list(store: Store, tz: tzinfo) -> None:
    from followshift.desk.store import now_utc

    now = now_utc()
    invites = store.invites()
    for invite in invites:
        if invite.revoked is not None:
            state = "revoked"
        elif invite.until <= now:
            state = "expired"
        else:
            state = "active"
        role = "comms" if invite.role == "comms" else f"team {invite.team}"
        ends = invite.until.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        click.echo(f"#{invite.id}  {invite.name}  {role}  until {ends}  {state}")
    if not invites:
        click.echo("no links yet: followshift invite NAME --team TEAM")


@click.command("log")
@click.option("--shift", metavar="SHIFT", help="Only what concerns this shift.")
@content_option
def log_command(shift: str | None, content: Path) -> None:
    """Print the desk's audit log: who did what, when, through which link."""
    from followshift.desk import DeskError
    from followshift.desk.review import site_settings
    from followshift.desk.store import FILE, Store, desk_folder

    if not (desk_folder(content) / FILE).is_file():
        click.echo("the audit log is empty: the desk has not been used here yet")
        return
    try:
        entries = Store.beside(content).audit(shift)
        tz = site_settings(content).tz
    except DeskError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    for entry in entries:
        when = entry.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")
        parts = [when, entry.action, f"{entry.actor} ({entry.via})"]
        parts += [p for p in (entry.target, entry.detail) if p]
        click.echo("  ".join(_one_line(p) for p in parts))
    if not entries:
        click.echo("nothing in the audit log" + (f" for {shift}" if shift else ""))


def _one_line(text: str) -> str:
    """No control characters or line breaks from stored text reach the terminal."""
    return "".join(c if c.isprintable() else " " for c in text.replace(os.linesep, " "))
