"""teams.yaml → Team records. A team folder missing from it still works (see loader)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from followshift.content.files import PHOTO_SUFFIXES, slugify
from followshift.content.model import Team
from followshift.content.yamlio import YamlError, YamlMap, load_yaml
from followshift.diagnostics import Diagnostics

TEAM_KEYS = ("name", "region", "color", "avatar", "links")
LINK_KINDS = ("website", "facebook", "instagram", "x", "youtube", "tiktok", "threads", "bluesky")
_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def load_teams(path: Path, content: Path, diags: Diagnostics) -> dict[str, Team]:
    if not path.exists():
        return {}
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except YamlError as exc:
        diags.error(path, exc.message, exc.line)
        return {}
    except UnicodeDecodeError:
        diags.error(path, "not UTF-8 text")
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
                f"team id '{team_id}' must be its folder name in lowercase letters, "
                f"digits and hyphens, e.g. '{slugify(team_id)}'",
                line,
            )
            continue
        if not isinstance(raw, YamlMap):
            diags.error(path, f"{team_id}: must be a mapping with name:, region:, color:", line)
            continue
        team = _team(path, content, team_id, raw, diags)
        if team is not None:
            teams[team_id] = team
    return teams


def _team(path: Path, content: Path, team_id: str, raw: YamlMap, diags: Diagnostics) -> Team | None:
    ok = True
    for key in raw:
        if key not in TEAM_KEYS:
            diags.warning(
                path,
                f"{team_id}: unknown key '{key}' (known: {', '.join(TEAM_KEYS)})",
                raw.line_of(key),
            )
    name = raw.get("name")
    if name is None:
        diags.warning(path, f"{team_id}: no name; using its id", raw.line)
        name = team_id
    elif not isinstance(name, str) or not name.strip():
        diags.error(path, f"{team_id}: name must be text", raw.line_of("name"))
        ok = False
    region = raw.get("region") or ""
    if not isinstance(region, str):
        diags.error(path, f"{team_id}: region must be text", raw.line_of("region"))
        ok = False
    color = raw.get("color", Team.color)
    if not isinstance(color, str) or not _COLOR.fullmatch(color):
        diags.error(
            path,
            f"{team_id}: color must be a hex colour such as '#1f3b73' (quote it)",
            raw.line_of("color"),
        )
        ok = False
    avatar = _avatar(path, content, team_id, raw, diags)
    links = _links(path, team_id, raw.get("links"), raw.line_of("links"), diags)
    if not ok or links is None:
        return None
    return Team(
        id=team_id,
        name=str(name).strip(),
        region=region.strip(),
        color=color.lower(),
        avatar=avatar,
        links=links,
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
        diags.error(path, f"{team_id}: avatar '{value}' does not exist", line)
        return None
    if not real.is_relative_to(content.resolve()) or Path(value).is_absolute():
        diags.error(path, f"{team_id}: avatar '{value}' is outside content/", line)
        return None
    if candidate.suffix.lower() not in PHOTO_SUFFIXES:
        diags.error(path, f"{team_id}: avatar '{value}' is not a JPEG, PNG, WebP or HEIC", line)
        return None
    return candidate


def _links(
    path: Path, team_id: str, value: Any, line: int, diags: Diagnostics
) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return ()
    if not isinstance(value, YamlMap):
        diags.error(path, f"{team_id}: links must map kinds to URLs (facebook: https://…)", line)
        return None
    links = []
    for kind, url in value.items():
        if kind not in LINK_KINDS:
            diags.warning(
                path,
                f"{team_id}: unknown link kind '{kind}' (known: {', '.join(LINK_KINDS)})",
                value.line_of(kind),
            )
            continue
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            diags.error(
                path, f"{team_id}: links.{kind} must be an http(s) URL", value.line_of(kind)
            )
            return None
        links.append((kind, url))
    links.sort(key=lambda item: LINK_KINDS.index(item[0]))
    return tuple(links)
