"""One post file (or one lone photo) → a Post, or diagnostics saying why not."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import partial
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any
from zoneinfo import ZoneInfo

from followshift.commonmark import nesting_problem
from followshift.config.keys import check_keys
from followshift.confine import MAX_BYTES, Refused, decode_text, read_file, regular_file
from followshift.content.frontmatter import split_front_matter
from followshift.content.model import Photo, Post, PostStatus
from followshift.content.privacy import AckError, acknowledged, file_findings
from followshift.content.readcache import digest
from followshift.diagnostics import Diagnostics
from followshift.naming import slugify
from followshift.photos import ImageError, ProbeInfo
from followshift.times import (
    Resolved,
    TimeError,
    clock_from_filename,
    localize,
    outside_warning,
    parse_post_time,
    place_in_shift,
)
from followshift.yamlio import YamlError, YamlMap

POST_KEYS = ("time", "title", "author", "photos", "pinned", "status", "updated")
# Read by content/privacy.py. Not named in the "known:" hint of an unknown key (that list is
# the everyday keys); a misspelt `privacy:` acknowledges nothing, so the warnings stay.
QUIET_KEYS = ("privacy",)
STATUSES = tuple(PostStatus)


class PostError(Exception):
    """Why a post cannot be published; line is the file line of the offending key."""

    def __init__(self, message: str, line: int | None = None, path: Path | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.path = path


@dataclass(frozen=True)
class ShiftContext:
    shift_id: str
    team_id: str
    shift_dir: Path
    start: datetime
    end: datetime
    tz: ZoneInfo
    probe: Callable[[Path], ProbeInfo]  # raises ImageError
    settings: Hashable = None  # what else the reading depends on (photo limits), for caching
    allowed_numbers: tuple[str, ...] = ()  # site.yaml's privacy: {allowed_numbers:}


_TOO_LONG = "a post is a short update: split a long text into several posts"

Reader = Callable[[Diagnostics], Post | None]


def open_post(
    path: Path, stem_photos: list[Path], ctx: ShiftContext, plain: bool = False
) -> tuple[bytes | None, Reader]:
    """Reads the post file at `path` (followshift/confine.py; `plain`: listed as a regular file):
    what the read cache compares it by, a digest of its bytes, and what makes the Post of them.
    When the file may not or cannot be read: None, and what reports why."""
    try:
        data = read_file(path, ctx.shift_dir.parent, MAX_BYTES, _TOO_LONG, plain)
    except Refused as exc:
        return None, partial(_refused, path, exc)
    return digest(data), partial(read_post, path, data, stem_photos, ctx)


def _refused(path: Path, refused: Refused, diags: Diagnostics) -> None:
    diags.error(path, refused.message)


def read_post(
    path: Path, data: bytes, stem_photos: list[Path], ctx: ShiftContext, diags: Diagnostics
) -> Post | None:
    """The post in `data`, the bytes of the file at `path` (read by followshift/confine.py)."""
    try:
        return _read_post(path, decode_text(data), stem_photos, ctx, diags)
    except PostError as exc:
        diags.error(exc.path or path, exc.message, exc.line)
    except YamlError as exc:
        diags.error(path, exc.message, exc.line)
    except UnicodeDecodeError:
        diags.error(path, "not UTF-8 text; save the file as UTF-8")
    except OSError as exc:
        diags.error(path, f"cannot be read: {exc.strerror or exc}")
    return None


def read_lone_photo(path: Path, ctx: ShiftContext, diags: Diagnostics) -> Post | None:
    """A photo with no post of its name: a photo-only post timed by its name or EXIF."""
    try:
        photo, info = _photo(path, "", (), ctx)
        resolved = _time_from_name_or_exif(path.stem, info, ctx)
    except PostError as exc:
        diags.error(exc.path or path, exc.message, exc.line)
        return None
    _warn_time(path, resolved, ctx, diags, None)
    diags.warning(path, "photo has no alt text; add a post file with photos: and alt:")
    return Post(
        id=slugify(path.stem),
        shift_id=ctx.shift_id,
        team_id=ctx.team_id,
        source=path,
        time=resolved.instant,
        body="",
        photos=(photo,),
    )


def _read_post(
    path: Path, text: str, stem_photos: list[Path], ctx: ShiftContext, diags: Diagnostics
) -> Post:
    parsed = split_front_matter(text)
    # Markdown the sanitiser could not finish in bounded time: refused here, with its line.
    problem = nesting_problem(parsed.body)
    if problem is not None:
        raise PostError(problem.message, parsed.body_line + problem.line - 1)
    meta = parsed.meta
    everyday = YamlMap({k: v for k, v in meta.items() if k not in QUIET_KEYS}, meta.lines, 1)
    check_keys(everyday, POST_KEYS, path, diags, fatal=True)  # `stauts: draft` must not publish

    title = _optional_text(meta, "title")
    author = _optional_text(meta, "author")
    status = _optional_text(meta, "status") or "published"
    if status not in STATUSES:
        raise PostError(
            f"status: must be {', '.join(STATUSES[:-1])} or {STATUSES[-1]}, not '{status}'",
            meta.line_of("status"),
        )
    pinned = meta.get("pinned", False)
    if not isinstance(pinned, bool):
        raise PostError("pinned: must be true or false", meta.line_of("pinned"))

    photos: list[Photo] = []
    infos: list[ProbeInfo] = []
    if "photos" in meta:
        listed = _listed_photos(path, meta, ctx)
        for photo, info in listed:
            photos.append(photo)
            infos.append(info)
        listed_files = {p.source for p in photos}
        for extra in stem_photos:
            if extra not in listed_files:
                diags.warning(extra, f"not listed under photos: in {path.name}; not published")
    else:
        for file in stem_photos:
            photo, info = _photo(file, "", (), ctx)
            photos.append(photo)
            infos.append(info)
    for photo in photos:
        if not photo.alt:
            diags.warning(
                path,
                f"photo {photo.source.name} has no alt text; add alt: under photos:",
                meta.line_of("photos") if "photos" in meta else None,
            )

    if "time" in meta:
        try:
            resolved = parse_post_time(meta["time"], ctx.start, ctx.end, ctx.tz)
        except TimeError as exc:
            raise PostError(f"time: {exc}", meta.line_of("time")) from None
        time_line: int | None = meta.line_of("time")
    else:
        resolved = _time_from_name_or_exif(path.stem, infos[0] if infos else None, ctx)
        time_line = None
    _warn_time(path, resolved, ctx, diags, time_line)

    updated = None
    if "updated" in meta:
        try:
            upd = parse_post_time(meta["updated"], ctx.start, ctx.end, ctx.tz)
        except TimeError as exc:
            raise PostError(f"updated: {exc}", meta.line_of("updated")) from None
        updated = upd.instant
        if updated < resolved.instant:
            diags.warning(path, "updated: is before the post's own time", meta.line_of("updated"))

    if not parsed.body.strip() and not photos and not title:
        raise PostError("the post is empty: write some text, a title or add a photo")

    try:
        privacy_ok = acknowledged(meta)
    except AckError as exc:
        raise PostError(exc.message, exc.line) from None
    # Personal data in the words (docs/privacy.md): a warning, never a reason to hold the post
    # back; `privacy: {ok: …}` says someone looked. A withdrawn post is never published.
    if not privacy_ok and status != PostStatus.WITHDRAWN:
        for found in file_findings(meta, parsed.body, parsed.body_line, ctx.allowed_numbers):
            diags.warning(path, found.message, found.line)

    return Post(
        id=slugify(path.stem),
        shift_id=ctx.shift_id,
        team_id=ctx.team_id,
        source=path,
        time=resolved.instant,
        body=parsed.body,
        title=title,
        author=author,
        photos=tuple(photos),
        pinned=pinned,
        draft=status != PostStatus.PUBLISHED,
        updated=updated,
        line_offset=parsed.body_line - 1,
        status=PostStatus(status),
    )


def _optional_text(meta: YamlMap, key: str) -> str:
    value = meta.get(key)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise PostError(f"{key}: must be text", meta.line_of(key))
    return str(value).strip()


def _warn_time(
    path: Path, resolved: Resolved, ctx: ShiftContext, diags: Diagnostics, line: int | None
) -> None:
    """DST edges, and times (a full date, a camera clock) that fall outside the shift."""
    warning = resolved.warning or outside_warning(resolved.instant, ctx.start, ctx.end, ctx.tz)
    if warning:
        diags.warning(path, warning, line)


def _time_from_name_or_exif(stem: str, info: ProbeInfo | None, ctx: ShiftContext) -> Resolved:
    clock = clock_from_filename(stem)
    if clock is not None:
        return place_in_shift(clock, ctx.start, ctx.end, ctx.tz)
    if info is not None and info.taken is not None:
        if info.taken_offset is not None:
            aware = info.taken.replace(tzinfo=timezone(info.taken_offset))
            return Resolved(aware)
        return localize(info.taken, ctx.tz)
    raise PostError(
        "no time: add 'time: HH:MM' to the front matter (e.g. time: 19:30), or start the "
        "file name with HHMM (e.g. 1915-weekmarkt.md)"
    )


def _listed_photos(path: Path, meta: YamlMap, ctx: ShiftContext) -> list[tuple[Photo, ProbeInfo]]:
    line = meta.line_of("photos")
    entries = meta["photos"]
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise PostError("photos: must be a list of '- file: name.jpg' entries", line)
    result = []
    for entry in entries:
        entry_line = entry.line if isinstance(entry, YamlMap) else line
        if isinstance(entry, str):
            entry = YamlMap({"file": entry}, {}, line)
        if not isinstance(entry, YamlMap) or not isinstance(entry.get("file"), str):
            raise PostError("photos: each entry needs file: (and alt:)", entry_line)
        for key in entry:
            if key not in ("file", "alt", "blur"):
                raise PostError(
                    f"photos: unknown key '{key}' (known: file, alt, blur)", entry.line_of(key)
                )
        file = _confined(path.parent, entry["file"], ctx.shift_dir, entry.line_of("file"))
        alt = entry.get("alt") or ""
        if not isinstance(alt, str):
            raise PostError("alt: must be text", entry.line_of("alt"))
        blur = _blur_regions(entry.get("blur"), entry.line_of("blur"))
        result.append(_photo(file, alt.strip(), blur, ctx, entry.line_of("file")))
    return result


def _confined(folder: Path, name: str, shift_dir: Path, line: int | None) -> Path:
    """A photo path may not leave its shift folder: no absolute paths, no symlinks out."""
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or (PureWindowsPath(name).drive)
    ):
        raise PostError(f"photo '{name}' must be a path relative to the post", line)
    candidate = folder / name
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        raise PostError(f"photo '{name}' does not exist", line) from None
    if not real.is_relative_to(shift_dir.resolve()):
        raise PostError(
            f"photo '{name}' is outside the shift folder; photos must be inside it", line
        )
    return candidate


def _blur_regions(value: Any, line: int) -> tuple[tuple[int, int, int, int], ...]:
    if value is None:
        return ()
    message = "blur: must be a list of [x, y, width, height] regions in pixels"
    if not isinstance(value, list):
        raise PostError(message, line)
    if len(value) == 4 and all(isinstance(v, int) for v in value):
        value = [value]  # a single region written flat
    regions = []
    for region in value:
        if (
            not isinstance(region, list)
            or len(region) != 4
            or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in region)
            or region[2] == 0
            or region[3] == 0
        ):
            raise PostError(message, line)
        regions.append((region[0], region[1], region[2], region[3]))
    return tuple(regions)


def _photo(
    file: Path,
    alt: str,
    blur: tuple[tuple[int, int, int, int], ...],
    ctx: ShiftContext,
    line: int | None = None,
) -> tuple[Photo, ProbeInfo]:
    if file.is_symlink():
        _confined(file.parent, file.name, ctx.shift_dir, line)
    try:  # Pillow opens it by name: a named pipe would block the build
        regular_file(file, ctx.shift_dir.parent)
    except Refused as exc:
        raise PostError(f"photo {file.name} {exc.message}", line) from None
    try:
        info = ctx.probe(file)
    except ImageError as exc:
        raise PostError(f"photo {file.name}: {exc}", line) from None
    for x, y, w, h in blur:
        if x >= info.width or y >= info.height:
            raise PostError(
                f"blur region [{x}, {y}, {w}, {h}] lies outside {file.name} "
                f"({info.width}×{info.height})",
                line,
            )
    return Photo(source=file, alt=alt, width=info.width, height=info.height, blur=blur), info
