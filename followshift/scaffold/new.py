"""`followshift new` without the command line: one post, checked as the build would check it.

Rules of `new_post` (documented in README.md, "Posting from the command line"):

- **Name** (names.py): `HHMM-<slug>.md` in `content/SHIFT/TEAM/`. HHMM is the local time in
  the site's time zone (site.yaml `timezone`) of `now`, or `time` (`HH:MM` or `HH:MM:SS`, also
  `19.15` and `1915`) when given. The slug comes from the title, else from the first words of
  the text (at most 6 words), else it is `bericht`; at most 50 characters, cut at a hyphen.
- **Time**: a post stamped from the clock gets `time: HH:MM:SS`, to the second, so two posts of
  one minute ("Ongeval", then "Weg weer vrij") keep the order they were written in; the name only
  says the minute. In the hour that happens twice (the night summer time ends) `time:` is the
  full date-time with its UTC offset, which a name cannot say. A `time` given without seconds
  writes no `time:` (the name says it all); one with seconds writes it.
- **Front matter** holds the time and what was given: `title`, `author`, `photos` (`file`,
  `alt`). Every text value is a double-quoted YAML string, so `Let op: "gladheid"` reads back
  exactly; control characters are left out of titles, authors and alt texts. A text that starts
  with its own front matter keeps it; the given keys are added to it (a key given twice is
  refused; its own `time:` is kept).
- **Shift**: must be a folder of the content folder with a shift.yaml; otherwise the error lists
  the known shifts. **Team**: must be a valid id (`slugify(team) == team`); a team that is not in
  teams.yaml is allowed (the build warns), its folder is created when missing.
- **Never overwrite** (names.py): a name already used in the team folder (any file whose id is
  that name, or photos numbered after it) moves the post to `…-2.md`, `…-3.md`, and a note says
  so. Files are created exclusively (`open(…, "x")`), so even a post written at the same moment
  by someone else is never overwritten.
- **Photos** (JPEG, PNG, WebP, HEIC/HEIF) are checked with the build's own probe (format, pixel
  limit of site.yaml, a file cut short), so a file the build would refuse is refused here and
  nothing is written. They are copied beside the post as `<stem>.jpg`, `<stem>-2.jpg`, … (suffix
  in lower case) and listed under `photos:` with their alt text. A photo without alt text is
  allowed, with a warning.
- **Nothing to post** (no text, no title, no photo) is an error.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from followshift.clean import without_controls
from followshift.config.site import SiteConfig, load_config
from followshift.content.files import is_hidden_dir
from followshift.content.frontmatter import split_front_matter
from followshift.diagnostics import Diagnostics, display_path
from followshift.naming import PHOTO_SUFFIXES, name_from_id, slugify
from followshift.scaffold import ScaffoldError
from followshift.scaffold.names import Plan, post_slug, write, yaml_str
from followshift.times import (
    TimeError,
    localize,
    parse_clock,
    parse_datetime,
    place_in_shift,
)
from followshift.yamlio import YamlError, YamlMap, load_yaml


@dataclass(frozen=True)
class NewPost:
    """What `new_post` wrote: the post, its copied photos, and lines to tell the user."""

    path: Path
    photos: tuple[Path, ...] = ()
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()


def new_post(
    content: Path,
    shift: str,
    team: str,
    *,
    text: str,
    now: datetime,
    time: str | None = None,
    title: str | None = None,
    author: str | None = None,
    photos: list[tuple[Path, str]] | None = None,
) -> NewPost:
    """Writes a new post into `content/shift/team/` and returns where (see the module rules).

    `now` is the clock (aware; a naive one is read in the site time zone); `time` overrides its
    time of day. `photos` pairs each photo file with its alt text ("" for none).
    """
    shift = shift.rstrip("/\\")
    shift_dir = _shift_folder(content, shift)
    _check_team(team)
    config = site_config(content)
    tz = config.tz
    photos = list(photos or [])
    title = _one_line(title)
    author = _one_line(author)
    warnings: list[str] = []

    local = now.astimezone(tz) if now.tzinfo else localize(now, tz).instant.astimezone(tz)
    local = local.replace(microsecond=0)
    clock = _parse_time_option(time) if time else local.time()

    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    body, meta, own = _split_text(text)
    given = {"title": title, "author": author, "photos": photos}
    for key, value in given.items():
        if value and key in meta:
            raise ScaffoldError(
                f"the text's front matter already has {key}:; give it there or with --{key}, "
                "not both"
            )
    meta_title = meta.get("title") if isinstance(meta.get("title"), str) else None
    if not body.strip() and not title and not photos and not meta_title and not meta.get("photos"):
        raise ScaffoldError(
            "nothing to post: give the text (as an argument, on stdin or in $EDITOR), "
            "a --title or a --photo"
        )
    for photo, _ in photos:
        _check_photo(photo, config)

    folder = shift_dir / team
    if folder.exists() and not folder.is_dir():
        raise ScaffoldError(f"{display_path(folder)} is a file, not a team folder")

    keys: list[tuple[str, str]] = []
    if "time" not in meta and not time and _is_doubled(local, tz):
        # The night summer time ends: "0230" would be read as the first 02:30; say which one.
        keys.append(("time", yaml_str(local.isoformat(timespec="seconds"))))
    elif "time" not in meta and (not time or clock.second):
        # To the second: the name says only the minute, and posts of one minute must keep
        # the order they were written in. Plain text to our YAML reader (no base-60 numbers).
        keys.append(("time", clock.isoformat(timespec="seconds")))
    if title:
        keys.append(("title", yaml_str(title)))
    if author:
        keys.append(("author", yaml_str(author)))

    warnings.extend(_shift_warnings(shift_dir, tz, local if not time else None, clock))
    warnings.extend(_team_warnings(content, shift_dir, team, folder))
    for photo, alt in photos:
        if not alt.strip():
            warnings.append(
                f"photo {photo.name} has no alt text; describe it for blind readers with --alt"
            )
        if _same_folder(photo.parent, folder):
            warnings.append(
                f"{display_path(photo)} is already in the team folder; the post gets its own "
                "copy, so remove the original unless it is meant to be shown as well"
            )

    plan = Plan(
        folder=folder,
        base=f"{clock.hour:02d}{clock.minute:02d}-{post_slug(title or meta_title, body)}",
        clock=clock,
        text=text if own else body,
        own_front_matter=own,
        keys=keys,
        photos=[(photo, _one_line(alt) or "") for photo, alt in photos],
    )
    try:
        folder.mkdir(exist_ok=True)
        written = write(plan)
    except OSError as exc:
        raise ScaffoldError(f"could not write the post: {exc}", usage=False) from None
    notes: list[str] = []
    if written.path.stem != plan.base:
        notes.append(
            f"{plan.base}.md is taken in {display_path(folder)}; wrote {written.path.name}"
        )
    return NewPost(written.path, written.photos, tuple(notes), tuple(warnings))


def known_shifts(content: Path) -> list[str]:
    """The shift folders of a content folder (those with a shift.yaml), sorted by name."""
    if not content.is_dir():
        return []
    return sorted(
        entry.name
        for entry in os.scandir(content)
        if entry.is_dir()
        and not is_hidden_dir(entry.name)
        and (Path(entry.path) / "shift.yaml").is_file()
    )


def site_timezone(content: Path, why: str = "to stamp the post") -> ZoneInfo:
    """The site's time zone from site.yaml; a ScaffoldError, saying what it is needed for,
    when it cannot be known (`new`, and `watch`/`serve` with --now)."""
    return site_config(content, why).tz


def site_config(content: Path, why: str = "to stamp the post") -> SiteConfig:
    """site.yaml, as far as `new` needs it (the time zone, the photo limits); a ScaffoldError
    when the time zone cannot be known. Other mistakes in it are the build's to report."""
    if not content.is_dir():
        raise _no_content(content)
    diagnostics = Diagnostics()
    config = load_config(content / "site.yaml", diagnostics)
    for problem in diagnostics.errors:
        if problem.message.startswith("timezone:") or not config.lines:
            where = display_path(problem.path) if problem.path else "site.yaml"
            where += f":{problem.line}" if problem.line else ""
            raise ScaffoldError(
                f"{where}: {problem.message}; the time zone is needed {why}",
                usage=False,
            )
    return config


def _shift_folder(content: Path, shift: str) -> Path:
    if not content.is_dir():
        raise _no_content(content)
    known = known_shifts(content)
    if shift in known:
        return content / shift
    if not known:
        raise ScaffoldError(
            f"unknown shift '{shift}': {display_path(content)} has no shifts yet; a shift is a "
            f"folder with a shift.yaml, e.g. {display_path(content / 'JJJJ-MM-DD-volgdienst')}"
        )
    hint = _suggest(shift, known)
    raise ScaffoldError(
        f"unknown shift '{shift}'{hint}; known shifts: {', '.join(known)} "
        f"(a new shift needs a folder in {display_path(content)} with a shift.yaml)"
    )


def _no_content(content: Path) -> ScaffoldError:
    return ScaffoldError(
        f"no content folder at {display_path(content)}; give it with --content DIR, "
        "or start a new site with followshift init DIR"
    )


def _suggest(name: str, known: list[str]) -> str:
    starting = [k for k in known if name and k.startswith(name)]
    matches = starting if len(starting) == 1 else difflib.get_close_matches(name, known, n=1)
    return f" (did you mean '{matches[0]}'?)" if matches else ""


def _check_team(team: str) -> None:
    slug = slugify(team)
    if slug == team and team:
        return
    example = f", e.g. '{slug}'" if slug else ""
    raise ScaffoldError(
        f"'{team}' is not a team id: use lowercase letters, digits and hyphens{example}"
    )


def _parse_time_option(text: str) -> time:
    value = text.strip()
    if re.fullmatch(r"\d{3,4}", value):
        value = f"{value[:-2]}:{value[-2:]}"
    try:
        return parse_clock(value)
    except TimeError as exc:
        raise ScaffoldError(f"--time: {exc}") from None


def _one_line(value: str | None) -> str | None:
    if value is None:
        return None
    return " ".join(without_controls(value).split()) or None


def _split_text(text: str) -> tuple[str, YamlMap, bool]:
    """(body, front matter, whether the text brings its own front matter)."""
    try:
        parsed = split_front_matter(text)
    except YamlError as exc:
        raise ScaffoldError(f"the text's front matter: {exc.message}") from None
    own = text.split("\n", 1)[0].rstrip() == "---"
    return parsed.body, parsed.meta, own


def _check_photo(photo: Path, config: SiteConfig) -> None:
    if not photo.is_file():
        raise ScaffoldError(f"--photo: {display_path(photo)} does not exist or is not a file")
    if photo.suffix.lower() not in PHOTO_SUFFIXES:
        kinds = " ".join(sorted(PHOTO_SUFFIXES))
        raise ScaffoldError(f"--photo: {display_path(photo)} is not a photo ({kinds})")
    # The build's own check (Pillow is imported only now): what it refuses, `new` refuses.
    from followshift.photos import ImageError, probe

    try:
        probe(photo, config.images)
    except ImageError as exc:
        raise ScaffoldError(f"--photo: {display_path(photo)}: {exc}") from None


def _same_folder(a: Path, b: Path) -> bool:
    try:
        return b.exists() and a.resolve() == b.resolve()
    except OSError:
        return False


def _is_doubled(local: datetime, tz: ZoneInfo) -> bool:
    """Whether the wall-clock time of `local` happens twice (the night summer time ends)."""
    naive = local.replace(tzinfo=None)
    return (
        naive.replace(tzinfo=tz, fold=0).utcoffset() != naive.replace(tzinfo=tz, fold=1).utcoffset()
    )


def _shift_warnings(
    shift_dir: Path, tz: ZoneInfo, local: datetime | None, clock: time
) -> list[str]:
    """Best effort: a post outside its shift is probably in the wrong one. A broken shift.yaml
    is the build's to report."""
    try:
        data = load_yaml((shift_dir / "shift.yaml").read_text(encoding="utf-8"))
        if not isinstance(data, YamlMap):
            return []
        start = parse_datetime(str(data["start"]), tz).instant
        end = parse_datetime(str(data["end"]), tz).instant
    except (OSError, UnicodeDecodeError, YamlError, TimeError, KeyError):
        return []
    span = f"{_fmt(start, tz)} to {_fmt(end, tz)}"
    if local is not None:
        if start <= local <= end:
            return []
        return [
            f"it is {_fmt(local, tz)}, outside shift '{shift_dir.name}' ({span}); "
            f"the post is timed {clock.strftime('%H:%M')} on the shift's day — is it the right "
            "shift? (--time sets another time)"
        ]
    resolved = place_in_shift(clock, start, end, tz)
    return [resolved.warning] if resolved.warning else []


def _fmt(instant: datetime, tz: ZoneInfo) -> str:
    return instant.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _team_warnings(content: Path, shift_dir: Path, team: str, folder: Path) -> list[str]:
    if folder.is_dir():
        return []  # an existing team: the build says whatever there is to say about it
    declared: list[str] = []
    try:
        data = load_yaml((content / "teams.yaml").read_text(encoding="utf-8"))
        if isinstance(data, YamlMap):
            declared = list(data)
    except (OSError, UnicodeDecodeError, YamlError):
        pass
    if team in declared:
        return []
    present = [e.name for e in os.scandir(shift_dir) if e.is_dir() and not is_hidden_dir(e.name)]
    hint = _suggest(team, sorted(set(declared) | set(present)))
    return [
        f"team '{team}' is not in teams.yaml{hint}; made a new team folder "
        f"{display_path(folder)}, shown as '{name_from_id(team)}' until teams.yaml has it"
    ]
