"""What a content file's name says: its kind (the suffixes of posts and photos), the id and URL
part it gives (`slugify`), a team's display name when teams.yaml has none (`name_from_id`), and
the folder names site/ keeps for itself, which content may not use (`SITE_FOLDERS`).

A leaf: config/ (teams.yaml, logos), content/ (the reader) and scaffold/ (`new`, `init`) all
name files by these rules, so they live below all three and import nothing of followshift.
"""

from __future__ import annotations

import re
import unicodedata

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif"})
POST_SUFFIXES = frozenset({".md", ".markdown"})

# The folders site/ uses itself at the levels where content names folders too: beside the
# shifts (render/routes.py), and beside the teams of a shift and the posts of a team (a
# timeline's numbered pages, render/paging.py). A shift, team or post of one of these names
# would write into them; the reader refuses it (content/names.py). Every other name of site/ at
# those levels (index.html, feed.xml, live.json, _headers …) has a dot or an underscore, which
# no id can have. tests/test_faults_reading.py keeps the list true to what a build writes.
SITE_FOLDERS = frozenset({"assets", "media", "teams"})
TIMELINE_FOLDERS = frozenset({"page"})
# A shift's embed page (<shift>/embed/, render/producers/embed.py), beside its team folders.
SHIFT_FOLDERS = TIMELINE_FOLDERS | {"embed"}


def slugify(name: str) -> str:
    """`Weekmarkt Zevenaar (2)` → `weekmarkt-zevenaar-2`; ids and URLs come from this."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def name_from_id(team_id: str) -> str:
    """`neder-betuwe` → `Neder-Betuwe`, for teams missing from teams.yaml."""
    return "-".join(part[:1].upper() + part[1:] for part in team_id.split("-"))
