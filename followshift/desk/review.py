"""Two pairs of eyes: which review rule holds for a shift, what waits, and the comms team's
decisions on a post (approve, return, withdraw, pin), from the desk and the command line alike.

`review:` in site.yaml, overridden per shift in shift.yaml: `none` (the desk writes published
posts), `required` (the desk writes `status: review`; someone of the comms team approves),
`four-eyes` (as required, and the approver is not the author). Each decision is a line change of
the post file (edits.set_keys) and a line of the audit log (store.py), who and when.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from followshift.config.shift import ShiftConfig, load_shift_config
from followshift.config.site import SiteConfig, load_config
from followshift.content.files import is_hidden_dir, is_temporary
from followshift.content.model import PostStatus
from followshift.desk import DeskError
from followshift.desk.edits import PostFile, read_post_file, set_keys
from followshift.diagnostics import Diagnostics, display_path


def site_settings(content: Path) -> SiteConfig:
    return load_config(content / "site.yaml", Diagnostics())


def review_mode(content: Path, shift_id: str, config: SiteConfig | None = None) -> str:
    """The review rule of a shift: its shift.yaml's `review:`, else site.yaml's."""
    config = config or site_settings(content)
    shift = load_shift_config(content / shift_id / "shift.yaml", config, Diagnostics())
    return shift.review if shift is not None else config.review


def shift_configs(content: Path, config: SiteConfig) -> list[tuple[str, ShiftConfig]]:
    """Every valid shift of the content folder, by start (a broken one is `check`'s to report)."""
    from followshift.scaffold.new import known_shifts

    found = []
    for shift_id in known_shifts(content):
        shift = load_shift_config(content / shift_id / "shift.yaml", config, Diagnostics())
        if shift is not None:
            found.append((shift_id, shift))
    return sorted(found, key=lambda item: (item[1].start, item[0]))


@dataclass(frozen=True)
class Waiting:
    path: Path
    shift_id: str
    team_id: str
    title: str
    author: str
    excerpt: str


def waiting(content: Path) -> Iterator[Waiting]:
    """The posts with `status: review`, by shift, team and name. A file that cannot be read is
    skipped here: `check` reports it."""
    for shift in _folders(content):
        if not (shift / "shift.yaml").is_file():
            continue
        for team in _folders(shift):
            for entry in sorted(os.scandir(team), key=lambda e: e.name):
                name = entry.name
                if not name.endswith(".md") or is_temporary(name) or not entry.is_file():
                    continue
                try:
                    post = read_post_file(Path(entry.path))
                except DeskError:
                    continue
                if post.status == PostStatus.REVIEW:
                    yield Waiting(
                        post.path,
                        shift.name,
                        team.name,
                        _text(post.meta.get("title")),
                        _text(post.meta.get("author")),
                        " ".join(post.body.split())[:80],
                    )


def _folders(path: Path) -> list[Path]:
    return sorted(
        Path(e.path)
        for e in os.scandir(path)
        if e.is_dir(follow_symlinks=False) and not is_hidden_dir(e.name)
    )


def _text(value: object) -> str:
    return str(value).strip() if isinstance(value, str | int | float) else ""


def approve(
    post: PostFile, *, by: str, author: str | None, mode: str, editors: Collection[str]
) -> None:
    """Publishes a post that waits for review. Under four-eyes the approver must be neither its
    author (`author` is who sent it from the desk, when known) nor one of its `editors` (who
    changed its title, text or alt texts since its last approval: Store.editors)."""
    if post.status != PostStatus.REVIEW:
        raise DeskError(
            f"is not waiting for review (status: {post.status})", display_path(post.path)
        )
    did = co_author(by, author, editors) if mode == "four-eyes" else None
    if did:
        raise DeskError(
            f"four-eyes review: {by} {did} this post, so someone else of the comms team must "
            "approve it",
            display_path(post.path),
        )
    set_keys(post, {"status": PostStatus.PUBLISHED.value})


def co_author(by: str, author: str | None, editors: Collection[str]) -> str | None:
    """How `by` shares in the post: "wrote" (its author), "edited" (one of its editors), or None.
    Under four-eyes neither may approve it."""
    if author is not None and _same(author, by):
        return "wrote"
    if any(_same(name, by) for name in editors):
        return "edited"
    return None


def send_back(post: PostFile) -> None:
    """Returns a post to its author: a draft again, never published as it is."""
    if post.status not in (PostStatus.REVIEW, PostStatus.PUBLISHED):
        raise DeskError(f"cannot be returned (status: {post.status})", display_path(post.path))
    set_keys(post, {"status": PostStatus.DRAFT.value})


def withdraw(post: PostFile) -> None:
    """Takes a post off the site: every page, feed and live.json at the next build; its URL
    shows a short notice (render/producers/withdrawn.py)."""
    if post.status == PostStatus.WITHDRAWN:
        raise DeskError("is already withdrawn", display_path(post.path))
    set_keys(post, {"status": PostStatus.WITHDRAWN.value})


def pin(post: PostFile, pinned: bool) -> None:
    set_keys(post, {"pinned": True if pinned else None})


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()
