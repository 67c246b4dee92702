"""`followshift init` without the command line: a small example site (one team, one shift
tonight, three posts, one photo) that builds with no errors and no warnings.

The example is data, not code: the files of followshift/skeleton/ are copied as they are, with
the shift folder named after the day and shift.yaml.tmpl given its dates. The photo is a
committed JPEG (it was drawn with Pillow at run time, so its bytes changed with Pillow's
version). skeleton/gitignore is written as .gitignore: a dotfile in the package would be left
out or obeyed by the wheel builder.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from importlib.resources import files as package_files
from importlib.resources.abc import Traversable
from pathlib import Path
from zoneinfo import ZoneInfo

from followshift.diagnostics import display_path
from followshift.scaffold import ScaffoldError

EXAMPLE_TEAM = "voorbeeld"


def init_site(target: Path, *, today: date | None = None) -> list[Path]:
    """Creates a new site in `target` (missing, empty, or holding only `.git`) with an example
    shift on `today` (default: today in Europe/Amsterdam); returns the files it wrote."""
    if target.exists():
        if not target.is_dir():
            raise ScaffoldError(f"{display_path(target)} is a file, not a folder")
        others = [name for name in os.listdir(target) if name != ".git"]
        if others:
            raise ScaffoldError(
                f"{display_path(target)} is not empty; give a new folder (or an empty one), "
                "so nothing in it is overwritten"
            )
    day = today or datetime.now(UTC).astimezone(ZoneInfo("Europe/Amsterdam")).date()
    shift = example_shift(day)
    content = target / "content"
    team = content / shift / EXAMPLE_TEAM
    skeleton = package_files("followshift") / "skeleton"
    shift_yaml = _text(skeleton / "shift.yaml.tmpl").format(
        start=day.isoformat(), end=(day + timedelta(days=1)).isoformat()
    )
    posts = sorted((entry for entry in (skeleton / "posts").iterdir()), key=lambda e: e.name)
    photo = "1930-snelheidscontrole.jpg"
    files: dict[Path, str | bytes] = {
        target / ".gitignore": _text(skeleton / "gitignore"),
        content / "site.yaml": _text(skeleton / "site.yaml"),
        content / "teams.yaml": _text(skeleton / "teams.yaml"),
        content / shift / "shift.yaml": shift_yaml,
        **{team / post.name: _text(post) for post in posts if post.name.endswith(".md")},
        team / photo: (skeleton / photo).read_bytes(),
    }
    written: list[Path] = []
    try:
        team.mkdir(parents=True, exist_ok=True)
        for path, data in files.items():
            if isinstance(data, bytes):
                with path.open("xb") as handle:
                    handle.write(data)
            else:
                with path.open("x", encoding="utf-8", newline="\n") as handle:
                    handle.write(data)
            written.append(path)
    except OSError as exc:
        raise ScaffoldError(f"could not create the site: {exc}", usage=False) from None
    return written


def example_shift(today: date) -> str:
    """The name of the example shift `init_site` makes for `today`."""
    return f"{today.isoformat()}-volgdienst"


def _text(resource: Traversable) -> str:
    # Universal newlines: a checkout with CRLF line ends still writes the example with LF.
    return resource.read_text(encoding="utf-8").replace("\r\n", "\n")
