"""The theme's static files and the team colours as content-hashed assets, and the published
photos' variants as media files: what pages link to, collected before the first page (the
assets' names are part of the render fingerprint) and produced from the RenderContext.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping
from pathlib import Path

from followshift.config.branding import Logo
from followshift.config.teams import Team
from followshift.photos.stage import PublishedPhotos
from followshift.render.colors import text_on
from followshift.render.context import RenderContext
from followshift.render.media import media_files
from followshift.render.memo import REUSED
from followshift.render.producers import OutputFile
from followshift.render.theme import Theme

SITE_LOGO = "site-logo"  # the key of the site's logo among the asset names (templates: assets)


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.blake2b(data, digest_size=5).hexdigest()
    stem, dot, suffix = name.rpartition(".")
    return f"assets/{stem}.{digest}.{suffix}" if dot else f"assets/{name}.{digest}"


def collect(
    theme: Theme, teams: Mapping[str, Team], logo: Logo | None = None
) -> tuple[dict[str, str], dict[str, bytes]]:
    """Theme file name -> hashed output path, and hashed output path -> bytes. The site's own
    logo (site.yaml's `logo:`, already checked and cleaned) is the asset named SITE_LOGO."""
    names: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for name, data in [
        *((name, path.read_bytes()) for name, path in theme.static_files.items()),
        ("teams.css", _teams_css(teams)),
    ]:
        out = hashed_name(name, data)
        names[name] = out
        files[out] = data
    if logo is not None:
        out = hashed_name(logo.name, logo.data)
        names[SITE_LOGO] = out
        files[out] = logo.data
    return names, files


def _teams_css(teams: Mapping[str, Team]) -> bytes:
    """Badge colours as classes: a strict CSP allows no inline style attributes."""
    rules = ["/* team badge colours, generated from teams.yaml */"]
    for team_id, team in teams.items():
        rules.append(f".team-{team_id}{{--team-bg:{team.color};--team-fg:{text_on(team.color)}}}")
    return ("\n".join(rules) + "\n").encode()


def media(photos: PublishedPhotos) -> dict[str, Path]:
    """Media path -> the cached variant file; one photo used by two posts is published once."""
    found: dict[str, Path] = {}
    for result in [*photos.photos.values(), *photos.avatars.values()]:
        found.update((path, v.path) for path, v in media_files(result).items())
    return found


def files(ctx: RenderContext) -> Iterator[OutputFile]:
    """The assets, then the media files."""
    yield from ctx.asset_files.items()
    for path, source in sorted(ctx.media.items()):
        # Media paths are content-addressed: the same path is the same bytes.
        yield path, REUSED if ctx.memo.reuse(path, path) else source
