"""content/ → Site: walks shift and team folders, reads shift.yaml, posts and photos.

Every problem becomes a diagnostic; a broken post or shift is left out and the rest loads.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from operator import attrgetter
from pathlib import Path

from followshift import photos as images  # probe() imports Pillow only when first called
from followshift.build import schedule
from followshift.config.shift import load_shift_config
from followshift.config.site import SiteConfig, load_config
from followshift.config.teams import load_teams
from followshift.confine import (
    Refused,
    folder_problem,
    is_file,
    is_folder,
    regular_file,
)
from followshift.content import split
from followshift.content.files import (
    has_posts,
    is_hidden_dir,
    is_temporary,
    photo_owner,
    read_ahead,
)
from followshift.content.model import Post, Shift, Site, Team
from followshift.content.names import file_name_problem, shift_folder_problem, team_folder_problem
from followshift.content.posts import ShiftContext, open_post, read_lone_photo
from followshift.content.readcache import FolderEntry, ReadCache
from followshift.diagnostics import Diagnostics, SiteError
from followshift.naming import PHOTO_SUFFIXES, POST_SUFFIXES, name_from_id
from followshift.photos import ProbeInfo

Prober = Callable[[Path], ProbeInfo]


def load_site(
    content: Path,
    diags: Diagnostics,
    base_url: str | None = None,
    prober: Prober | None = None,
    cache: ReadCache | None = None,
    jobs: int = 1,
) -> Site:
    """Reads everything. Raises SiteError when the site as a whole cannot be built.

    With a `cache` from an earlier read, only files that changed since are read again. With
    `jobs` > 1 a first read of a big site is shared with a forked worker (content/split.py).
    """
    cache = cache if cache is not None else ReadCache()
    cache.begin(content)
    try:
        site = _load_site(content, diags, base_url, prober, cache, jobs)
    except BaseException:
        cache.abort()
        raise
    cache.finish()
    return site


def _load_site(
    content: Path,
    diags: Diagnostics,
    base_url: str | None,
    prober: Prober | None,
    cache: ReadCache,
    jobs: int,
) -> Site:
    if not content.is_dir():
        raise SiteError(f"content folder {content} does not exist", content)
    config_diags = Diagnostics()
    config = load_config(content / "site.yaml", config_diags)
    diags.extend(config_diags)
    if config_diags.errors:
        raise SiteError("site.yaml has errors; nothing was published", content / "site.yaml")
    if base_url:
        config = config.with_base_url(base_url)
    settings = config.images
    prober = prober or (lambda path: images.probe(path, settings))  # Pillow only if needed

    teams = _openable_avatars(load_teams(content / "teams.yaml", content, diags), content, diags)
    folders = []
    for entry in sorted(os.scandir(content), key=lambda e: e.name):
        if not is_folder(entry) or is_hidden_dir(entry.name):
            continue
        folder = Path(entry.path)
        refused = folder_problem(folder, content)
        if refused:
            diags.error(folder, refused)
            continue
        if not os.path.lexists(folder / "shift.yaml"):
            if has_posts(folder):  # a whole shift left out without a word is an error
                diags.error(
                    folder,
                    "has posts but no shift.yaml, so none is published: add a shift.yaml "
                    "(title:, start:, end:), or start the folder name with _ to keep it out",
                )
            continue
        folders.append(folder)

    def read_shifts(
        read: split.FolderReader, cache: ReadCache, diags: Diagnostics
    ) -> list[Shift | None]:
        return [load_shift(f, config, teams, diags, prober, cache, read) for f in folders]

    # A first read of a big site: a forked worker reads the last team folders. It walks the
    # same shifts; what it finds outside its team folders the build process reports itself.
    cold = jobs > 1 and not cache.entries and not cache.tracking and schedule.can_fork()
    mine = split.plan(folders) if cold else []
    two = None
    if mine:
        two = split.SplitRead(
            mine, lambda read, own: read_shifts(read, own, Diagnostics()), load_team_folder,
            cache, content,
        )  # fmt: skip
    try:
        found = read_shifts(two.read if two else load_team_folder, cache, diags)
    finally:
        if two is not None:
            two.close()
    shifts = [shift for shift in found if shift is not None]

    for shift in shifts:
        for team_id in shift.team_ids:
            if team_id not in teams:
                teams[team_id] = Team(id=team_id, name=name_from_id(team_id), declared=False)
                diags.warning(
                    shift.source / team_id,
                    f"team '{team_id}' is not in teams.yaml; named '{name_from_id(team_id)}'",
                )
    shifts.sort(key=lambda s: (s.start, s.id))
    return Site(
        config=config,
        root=content.parent,
        content=content,
        teams=dict(sorted(teams.items())),
        shifts=tuple(shifts),
    )


def _openable_avatars(teams: dict[str, Team], content: Path, diags: Diagnostics) -> dict[str, Team]:
    """The teams, without an avatar that is not a regular file: Pillow opens it by name, and
    a named pipe would block the build (teams.yaml keeps it inside content/)."""
    for team_id, team in teams.items():
        if team.avatar is None:
            continue
        try:
            regular_file(team.avatar, content)
        except Refused as exc:
            diags.error(content / "teams.yaml", f"{team_id}: avatar {exc.message}")
            teams[team_id] = replace(team, avatar=None)
    return teams


def load_shift(
    folder: Path,
    config: SiteConfig,
    teams: dict[str, Team],
    diags: Diagnostics,
    prober: Prober,
    cache: ReadCache,
    read: split.FolderReader | None = None,
) -> Shift | None:
    if problem := shift_folder_problem(folder.name):
        diags.error(folder, problem)
        return None
    shift_id = folder.name
    meta = load_shift_config(folder / "shift.yaml", config, diags)
    if meta is None:
        return None

    folder_posts: list[list[Post]] = []
    team_ids: list[str] = []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        path = Path(entry.path)
        if not is_folder(entry) or is_hidden_dir(entry.name):
            if is_file(entry) and entry.name != "shift.yaml" and not is_temporary(entry.name):
                diags.warning(path, "ignored: files belong in a team folder")
            continue
        if problem := team_folder_problem(entry.name) or folder_problem(path, folder.parent):
            diags.error(path, problem)
            continue
        team_id = entry.name
        team_ids.append(team_id)
        ctx = ShiftContext(
            shift_id, team_id, folder, meta.start, meta.end, config.tz, prober,
            config.images, config.allowed_numbers,
        )  # fmt: skip
        folder_posts.append((read or load_team_folder)(Path(entry.path), ctx, diags, cache))

    # Nothing in any of its folders changed (watch): the same Shift object as last time, so the
    # renderer can tell at a glance that none of its pages changed.
    key = (meta, tuple(team_ids), folder_posts)
    unchanged = cache.shift(cache.key(folder), key)
    if unchanged is not None:
        return unchanged
    posts = [post for found in folder_posts for post in found]
    posts.sort(key=attrgetter("time", "id"))
    shift = Shift(
        id=shift_id,
        source=folder,
        title=meta.title,
        start=meta.start,
        end=meta.end,
        description=meta.description,
        order=meta.order,
        delay=meta.delay,
        team_ids=tuple(team_ids),
        posts=tuple(posts),
        paused=meta.paused,
    )
    cache.remember_shift(cache.key(folder), key, shift)
    return shift


def load_team_folder(
    folder: Path, ctx: ShiftContext, diags: Diagnostics, cache: ReadCache | None = None
) -> list[Post]:
    cache = cache if cache is not None else ReadCache()
    context = (
        ctx.shift_id, ctx.team_id, ctx.start, ctx.end, str(ctx.tz), ctx.settings,
        ctx.allowed_numbers,
    )  # fmt: skip
    key = cache.key(folder)
    unchanged = cache.folder(key, context)
    if unchanged is not None:
        diags.items.extend(unchanged.diagnostics)
        return unchanged.posts
    own = Diagnostics()
    kept = len(cache.kept)
    posts, sources, linked = _read_team_folder(folder, ctx, context, own, cache)
    diags.extend(own)
    # A post kept while its file is still being written is read again next time; a symlink may
    # point at a file that changes without an event under content/.
    linked = linked or os.path.islink(folder) or os.path.islink(folder.parent)
    remember = len(cache.kept) == kept and not linked
    entry = FolderEntry(context, posts, tuple(own.items), sources, cache.deps_of(sources))
    cache.remember_folder(key, entry if remember else None)
    return posts


def _read_team_folder(
    folder: Path, ctx: ShiftContext, context: tuple[object, ...], diags: Diagnostics,
    cache: ReadCache,
) -> tuple[list[Post], tuple[str, ...], bool]:  # fmt: skip
    """The folder's posts, the files they were read from, and whether any is a symlink."""
    post_files: dict[str, Path] = {}
    photo_files: list[Path] = []
    plain: set[str] = set()  # stems of posts listed as regular files (see confine.read_file)
    linked = False
    for entry in os.scandir(folder):
        name = entry.name
        if is_temporary(name):
            continue
        path = Path(entry.path)
        if is_folder(entry):
            linked = linked or entry.is_symlink()
            continue  # e.g. a folder of shared photos referenced from front matter
        suffix = path.suffix.lower()
        if suffix in POST_SUFFIXES:
            post_files[path.stem] = path
            if entry.is_file(follow_symlinks=False):
                plain.add(path.stem)
            else:
                plain.discard(path.stem)
        elif suffix in PHOTO_SUFFIXES:
            photo_files.append(path)
        else:
            diags.warning(path, "ignored: not a post (.md) or photo (JPEG, PNG, WebP, HEIC)")
            continue
        linked = linked or entry.is_symlink()

    by_post: dict[str, list[tuple[int, Path]]] = {stem: [] for stem in post_files}
    lone: list[Path] = []
    stems = set(post_files)
    for photo in photo_files:
        owner = photo_owner(photo.stem, stems)
        if owner is None:
            lone.append(photo)
        else:
            by_post[owner[0]].append((owner[1], photo))
    # A name that gives no URL is an error of its file; its photos go with it. (A file the
    # cache knows was published under its name: the name has not changed since.)
    for stem, path in list(post_files.items()):
        if str(path) not in cache.entries and (problem := file_name_problem(stem, ".md")):
            diags.error(post_files.pop(stem), problem)
    for photo in list(lone):
        if str(photo) not in cache.entries and (
            problem := file_name_problem(photo.stem, photo.suffix.lower())
        ):
            diags.error(photo, problem)
            lone.remove(photo)

    posts: list[Post] = []
    seen: dict[str, Path] = {}

    def keep(post: Post | None) -> None:
        if post is None:
            return
        if post.id in seen:
            diags.error(
                post.source,
                f"has the same id '{post.id}' as {seen[post.id].name}; rename one of them",
            )
            return
        seen[post.id] = post.source
        posts.append(post)

    sources: list[str] = []
    # The files the cache did not meet last time (the others are read again too, and are most
    # likely still in memory): have the system load them at once. Only plain files: a hint
    # opens them, and a symlink may lead to a device.
    read_ahead(
        post_files[s] for s in plain if s in post_files and str(post_files[s]) not in cache.entries
    )
    for stem in sorted(post_files):
        photos = [p for _, p in sorted(by_post[stem], key=lambda item: (item[0], item[1].name))]
        source = post_files[stem]
        fingerprint, reader = open_post(source, photos, ctx, stem in plain)
        keep(cache.read(source, (*context, tuple(photos)), fingerprint, photos, reader, diags))
        sources.append(str(source))
    for photo in sorted(lone):
        reader = partial(read_lone_photo, photo, ctx)
        keep(cache.read(photo, context, b"", [photo], reader, diags))
        sources.append(str(photo))
    return posts, tuple(sources), linked
