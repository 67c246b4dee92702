"""teams.yaml → Team records. A team folder missing from it still works (see content/loader)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from followshift.clean import echo
from followshift.config.keys import check_keys
from followshift.config.site import read_problem
from followshift.diagnostics import Diagnostics
from followshift.naming import PHOTO_SUFFIXES, name_from_id, slugify
from followshift.yamlio import YamlError, YamlMap, load_yaml

TEAM_KEYS = ("name", "short", "region", "color", "avatar", "links")
LINK_KINDS = ("website", "facebook", "instagram", "x", "youtube", "tiktok", "threads", "bluesky")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")
# Words a team's name starts with that every team shares: the short name on each post leaves
# them out ("Politieteam Zevenaar" → "Zevenaar") unless teams.yaml gives `short:`.
_TEAM_WORDS = re.compile(r"(?:politieteam|politie|basisteam|team|police team|police)\s+", re.I)


def short_name(name: str) -> str:
    """The name without a leading "Politieteam"/"Team" (kept when nothing would be left)."""
    rest = _TEAM_WORDS.sub("", name, count=1) if _TEAM_WORDS.match(name) else name
    return rest.strip() or name


@dataclass(frozen=True)
class Team:
    id: str
    name: str
    region: str = ""
    color: str = "#1f3b73"
    avatar: Path | None = None
    links: tuple[tuple[str, str], ...] = ()
    declared: bool = True  # False: named from its folder, not in teams.yaml
    short: str = ""  # the name on each post; "" → short_name(name)

    @property
    def short_name(self) -> str:
        return self.short or short_name(self.name)


def load_teams(path: Path, content: Path, diags: Diagnostics) -> dict[str, Team]:
    """The teams of teams.yaml. A mistake in one setting is an error at its line and the team
    keeps the default for that setting: a team in teams.yaml is never reported as missing."""
    if not path.exists():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        diags.error(path, exc.message, exc.line)
        return {}
    except UnicodeDecodeError:
        diags.error(path, "not UTF-8 text", 1)
        return {}
    except OSError as exc:
        diags.error(path, read_problem(path, exc), 1)
        return {}
    if data is None:
        return {}
    if not isinstance(data, YamlMap):
        diags.error(path, "must map team ids to their settings (zevenaar: {name: …})", 1)
        return {}
    teams: dict[str, Team] = {}
    for team_id, raw in data.items():
        line = data.line_of(team_id)
        if slugify(team_id) != team_id:
            diags.error(
                path,
                f"team id '{echo(team_id)}' must be its folder name in lowercase letters, "
                f"digits and hyphens, e.g. '{echo(slugify(team_id))}'",
                line,
            )
            continue
        if not isinstance(raw, YamlMap):
            diags.error(path, f"{team_id}: must be a mapping with name:, region:, color:", line)
            raw = YamlMap({}, {}, line)
        teams[team_id] = _team(path, content, team_id, raw, diags)
    return teams


def _team(path: Path, content: Path, team_id: str, raw: YamlMap, diags: Diagnostics) -> Team:
    check_keys(raw, TEAM_KEYS, path, diags, prefix=f"{team_id}: ")
    name = raw.get("name")
    if name is None:
        diags.warning(path, f"{team_id}: no name; using its id", raw.line)
        name = team_id
    elif not isinstance(name, str) or not name.strip():
        diags.error(path, f"{team_id}: name must be text", raw.line_of("name"))
        name = name_from_id(team_id)
    region = raw.get("region") or ""
    if not isinstance(region, str):
        diags.error(path, f"{team_id}: region must be text", raw.line_of("region"))
        region = ""
    color = raw.get("color", Team.color)
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        diags.error(
            path,
            f"{team_id}: color must be a hex colour such as '#1f3b73' (quote it), "
            f"not '{echo(color)}'; using the default {Team.color}",
            raw.line_of("color"),
        )
        color = Team.color
    short = raw.get("short") or ""
    if not isinstance(short, str):
        diags.error(path, f"{team_id}: short must be text", raw.line_of("short"))
        short = ""
    return Team(
        id=team_id,
        name=name.strip(),
        short=short.strip(),
        region=region.strip(),
        color=color.lower(),
        avatar=_avatar(path, content, team_id, raw, diags),
        links=_links(path, team_id, raw.get("links"), raw.line_of("links"), diags),
    )


def _avatar(
    path: Path, content: Path, team_id: str, raw: YamlMap, diags: Diagnostics
) -> Path | None:
    value = raw.get("avatar")
    if value is None:
        return None
    line = raw.line_of("avatar")
    if not isinstance(value, str):
        diags.error(path, f"{team_id}: avatar must be a path relative to content/", line)
        return None
    candidate = content / value
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        diags.error(path, f"{team_id}: avatar '{echo(value)}' does not exist", line)
        return None
    if not real.is_relative_to(content.resolve()) or Path(value).is_absolute():
        diags.error(path, f"{team_id}: avatar '{echo(value)}' is outside content/", line)
        return None
    if candidate.suffix.lower() not in PHOTO_SUFFIXES:
        diags.error(
            path, f"{team_id}: avatar '{echo(value)}' is not a JPEG, PNG, WebP or HEIC", line
        )
        return None
    return candidate


def _links(
    path: Path, team_id: str, value: Any, line: int, diags: Diagnostics
) -> tuple[tuple[str, str], ...]:
    """The team's valid links; a bad one is an error at its line and left out."""
    if value is None:
        return ()
    if not isinstance(value, YamlMap):
        diags.error(path, f"{team_id}: links must map kinds to URLs (facebook: https://…)", line)
        return ()
    check_keys(value, LINK_KINDS, path, diags, prefix=f"{team_id}: links: ")
    links = []
    for kind, url in value.items():
        if kind not in LINK_KINDS:
            continue  # reported above
        if not isinstance(url, str) or not _is_web_url(url.strip()):
            diags.error(
                path,
                f"{team_id}: links.{kind} must be an http(s) URL, not '{echo(url)}'",
                value.line_of(kind),
            )
            continue
        links.append((kind, url.strip()))
    links.sort(key=lambda item: LINK_KINDS.index(item[0]))
    return tuple(links)


def _is_web_url(url: str) -> bool:
    if re.search(r"[\s\"'<>\\]", url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed [ in the host
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)
