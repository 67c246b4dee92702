"""Which names content may use: a shift folder's name is its URL, a team folder's its id, a
post file's stem (slugified) its id, and each of them is a folder of site/.

So a name must give a URL part (`🚓.md` gives none), and may not be one that site/ uses itself
at that level (naming.py names them: a shift called `teams`, a team or post called `page`
would write into the site's own folders). Each function returns why a name is refused, as
the message of an error of that file or folder, or None.
"""

from __future__ import annotations

from followshift.naming import SHIFT_FOLDERS, SITE_FOLDERS, TIMELINE_FOLDERS, slugify


def shift_folder_problem(name: str) -> str | None:
    shift_id = slugify(name)
    if shift_id != name:
        return (
            f"shift folder name is its URL: use lowercase letters, digits and hyphens, "
            f"e.g. '{shift_id or 'volgdienst'}'"
        )
    return _taken("shift folder", shift_id, SITE_FOLDERS)


def team_folder_problem(name: str) -> str | None:
    team_id = slugify(name)
    if team_id != name:
        return (
            f"team folder name is its id: use lowercase letters, digits and hyphens, "
            f"e.g. '{team_id or 'wijkteam-centrum'}'"
        )
    return _taken("team folder", team_id, SHIFT_FOLDERS)


def file_name_problem(stem: str, suffix: str) -> str | None:
    """A post's or lone photo's: its id is its URL (`Weekmarkt (2)` → `weekmarkt-2`)."""
    post_id = slugify(stem)
    if not post_id:
        return f"file name gives no URL: use letters or digits, e.g. 1915-weekmarkt{suffix}"
    return _taken("file name", post_id, TIMELINE_FOLDERS)


def _taken(what: str, name: str, reserved: frozenset[str]) -> str | None:
    if name not in reserved:
        return None
    return (
        f"{what} '{name}' is a folder name the site uses itself "
        f"({', '.join(sorted(reserved))}): rename it"
    )
