"""`followshift init`: a new site with an example shift for tonight."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import click

from followshift.commands.options import fail, now_option, source_date_epoch
from followshift.diagnostics import display_path
from followshift.scaffold import ScaffoldError
from followshift.scaffold.init import example_shift, init_site
from followshift.times import resolve_now


@click.command("init")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@now_option
def init_command(directory: Path, now: str | None) -> None:
    """Create a new site in DIR with an example shift for tonight, ready for build."""
    tz = ZoneInfo("Europe/Amsterdam")  # the zone init writes into site.yaml
    today = resolve_now(now, source_date_epoch(), tz).astimezone(tz).date()
    try:
        files = init_site(directory, today=today)
    except ScaffoldError as exc:
        fail(exc)
    where = display_path(directory)
    click.echo(f"created a new site in {where}:")
    for path in files:
        click.echo(f"  {display_path(path)}")
    shown = f'"{where}"' if " " in where else where
    preview = f"{today.isoformat()}T23:00"
    click.echo(
        "next steps:\n"
        f"  cd {shown} && followshift build\n"
        f"  (the example posts are timed from 19:00 tonight; to see them now: "
        f"followshift build --now {preview})\n"
        f'  followshift new {example_shift(today)} voorbeeld "Ons eerste bericht"\n'
        "  then change base_url in content/site.yaml and the example content to your own"
    )
