"""What became of a post sent from the desk, read from its file: the file is the truth (a comms
member may also approve or withdraw it on the command line), the store adds who sent it and the
reviewer's remark."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from followshift.content.model import PostStatus
from followshift.desk import DeskError
from followshift.desk.edits import PostFile, post_path, read_post_file
from followshift.desk.records import Submission
from followshift.desk.warnings import acknowledgement, post_warnings


@dataclass(frozen=True)
class Shown:
    """A submission as the desk's pages show it."""

    sub: Submission
    state: str  # waiting | published | returned | draft | withdrawn | removed
    title: str
    body: str
    pinned: bool
    photos: tuple[tuple[str, str], ...]  # (file name, alt text)
    time: str  # as the file says it (HH:MM:SS)
    warnings: tuple[tuple[str, str], ...] = ()  # privacy warnings: (what, where), quoted text
    privacy_ok: str = ""  # the reason it was left on purpose

    @property
    def id(self) -> int:
        return self.sub.id


_STATES = {
    PostStatus.REVIEW: "waiting",
    PostStatus.PUBLISHED: "published",
    PostStatus.DRAFT: "draft",
    PostStatus.WITHDRAWN: "withdrawn",
}


def post_file(content: Path, sub: Submission) -> PostFile:
    """The submission's file, confined to content/ like a path given on the command line."""
    if sub.path is None:
        raise DeskError("this post was never written")
    return read_post_file(post_path(content, Path(sub.path)))


def show(content: Path, sub: Submission, allowed: tuple[str, ...] = (), lang: str = "nl") -> Shown:
    """`allowed`: site.yaml's allowed numbers, read once by the page that shows many."""
    try:
        post = post_file(content, sub)
    except DeskError:
        return Shown(sub, "removed", "", "", False, (), "")
    state = _STATES.get(PostStatus(post.status), "draft") if _known(post.status) else "draft"
    if state == "draft" and sub.remark:
        state = "returned"
    photos = []
    for item in post.meta.get("photos") or ():
        if isinstance(item, dict) and isinstance(item.get("file"), str):
            photos.append((item["file"], str(item.get("alt") or "")))
    title = post.meta.get("title")
    return Shown(
        sub,
        state,
        title if isinstance(title, str) else "",
        post.body.strip(),
        post.meta.get("pinned") is True,
        tuple(photos),
        str(post.meta.get("time") or ""),
        post_warnings(post, allowed, lang) if state != "withdrawn" else (),
        acknowledgement(post),
    )


def _known(status: str) -> bool:
    return status in set(PostStatus)


def photo_path(content: Path, sub: Submission, index: int) -> Path:
    """The file of a submission's photo number `index` (from 0), only as its post lists it."""
    post = post_file(content, sub)
    listed = [i for i in post.meta.get("photos") or () if isinstance(i, dict)]
    if not 0 <= index < len(listed) or not isinstance(listed[index].get("file"), str):
        raise DeskError("no such photo")
    name = listed[index]["file"]
    if Path(name).name != name or name.startswith("."):
        raise DeskError("no such photo")
    path: Path = post.path.parent / str(name)
    if path.is_symlink() or not path.is_file():
        raise DeskError("no such photo")
    return path
