"""The content model: what a site is, independent of files and of HTML.

Frozen dataclasses; every instant is an aware datetime in UTC. Markdown stays Markdown here:
turning it into HTML is the renderer's job.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import NamedTuple

from followshift.config.shift import Order
from followshift.config.site import SiteConfig
from followshift.config.teams import Team

# Order and Team are config/'s, named here so the model is read from one place.
__all__ = [
    "Order",
    "Photo",
    "Post",
    "PostCounts",
    "PostKey",
    "PostStatus",
    "Shift",
    "Site",
    "Status",
    "Team",
]

PostKey = tuple[str, str, str]  # shift id, team id, post id: where a post is published


class Status(StrEnum):
    UPCOMING = "upcoming"
    LIVE = "live"
    ENDED = "ended"


class PostStatus(StrEnum):
    """A post's `status:`. Only PUBLISHED reaches readers; DRAFT and REVIEW are shown by a
    `--drafts` preview only; WITHDRAWN is never shown, its URL says it was withdrawn."""

    PUBLISHED = "published"
    DRAFT = "draft"
    REVIEW = "review"  # waits for the comms team's approval (the desk, docs/desk.md)
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Photo:
    source: Path
    alt: str  # never empty: a fallback is made when front matter has none
    width: int  # upright size of the original
    height: int
    blur: tuple[tuple[int, int, int, int], ...] = ()
    alt_given: bool = True


@dataclass(frozen=True)
class Post:
    id: str  # the file stem: stable while the time is corrected
    shift_id: str
    team_id: str
    source: Path
    time: datetime
    body: str  # Markdown
    title: str = ""
    author: str = ""
    photos: tuple[Photo, ...] = ()
    pinned: bool = False
    draft: bool = False  # held back from readers: any status but PUBLISHED
    updated: datetime | None = None
    line_offset: int = 0  # lines before the Markdown body, for diagnostics
    status: PostStatus = PostStatus.PUBLISHED

    def public_from(self, delay: timedelta) -> datetime:
        return self.time + delay

    @property
    def where(self) -> PostKey:
        return (self.shift_id, self.team_id, self.id)


@dataclass(frozen=True)
class Shift:
    id: str  # the folder name: its URL slug
    source: Path
    title: str
    start: datetime
    end: datetime
    description: str = ""  # Markdown
    order: Order = Order.AUTO
    delay: timedelta = timedelta()
    team_ids: tuple[str, ...] = ()
    posts: tuple[Post, ...] = ()  # by instant, then id
    paused: datetime | None = None  # shift.yaml's paused: since (docs/privacy.md, "Pause")

    def status(self, now: datetime) -> Status:
        if now < self.start:
            return Status.UPCOMING
        return Status.LIVE if now < self.end else Status.ENDED

    def paused_at(self, now: datetime) -> datetime | None:
        """Since when the shift is paused at `now`, or None: a pause starts at its `since`."""
        return self.paused if self.paused is not None and self.paused <= now else None

    def public_posts(self, now: datetime, drafts: bool = False) -> tuple[Post, ...]:
        """What readers may see at `now`: no drafts (a preview shows drafts and posts waiting for
        review), never a withdrawn post, nothing before its time plus the delay; while the
        shift is paused, nothing that was not public when the pause began."""
        until = self.paused_at(now) or now
        return tuple(
            p
            for p in self.posts
            if (not p.draft or (drafts and p.status is not PostStatus.WITHDRAWN))
            and p.public_from(self.delay) <= until
        )

    def held(self, post: Post, now: datetime) -> bool:
        """Whether `post` would be public at `now` but for the pause."""
        since = self.paused_at(now)
        return since is not None and since < post.public_from(self.delay) <= now

    def next_publication(self, now: datetime, drafts: bool = False) -> datetime | None:
        """When the next scheduled post becomes public (watch publishes it then), or a pause
        written ahead begins. While paused, nothing becomes public by the clock."""
        if self.paused_at(now) is not None:
            return None
        times = [
            p.public_from(self.delay)
            for p in self.posts
            if (not p.draft or (drafts and p.status is not PostStatus.WITHDRAWN))
            and p.public_from(self.delay) > now
        ]
        if self.paused is not None:  # still ahead
            times = [min(t, self.paused) for t in times] or [self.paused]
        return min(times, default=None)

    def newest_first(self, now: datetime) -> bool:
        if self.order is Order.AUTO:
            return self.status(now) is not Status.ENDED
        return self.order is Order.NEWEST_FIRST


@dataclass(frozen=True)
class Site:
    config: SiteConfig
    root: Path  # the folder that holds content/ (and templates/, .followshift-cache/)
    content: Path
    teams: dict[str, Team] = field(default_factory=dict)
    shifts: tuple[Shift, ...] = ()

    def without(self, posts: Collection[PostKey]) -> Site:
        """The site with these posts left out: the photo stage's verdict on posts whose photo
        failed (an error of the post, never published with a broken image). A shift that had
        none of them stays the same object, which tells the renderer it did not change."""
        if not posts:
            return self
        shifts = tuple(
            replace(s, posts=tuple(p for p in s.posts if p.where not in posts))
            if any(p.where in posts for p in s.posts)
            else s
            for s in self.shifts
        )
        return replace(self, shifts=shifts)

    def counts(self, now: datetime, drafts: bool = False) -> PostCounts:
        """What a build's summary line says of the site at `now` (report.summary; the
        nothing-changed shortcut keeps it for the next build, build/unchanged.py)."""
        public = hidden = scheduled = review = withdrawn = held = 0
        for shift in self.shifts:
            for post in shift.posts:
                if post.status is PostStatus.WITHDRAWN:
                    withdrawn += 1
                elif post.draft and post.status is PostStatus.REVIEW and not drafts:
                    review += 1
                elif post.draft and not drafts:
                    hidden += 1
                elif shift.held(post, now):
                    held += 1
                elif post.public_from(shift.delay) > now:
                    scheduled += 1
                else:  # as Shift.public_posts() counts them
                    public += 1
        return PostCounts(len(self.shifts), public, hidden, scheduled, review, withdrawn, held)


class PostCounts(NamedTuple):
    """Shifts, and posts by what readers see of them at one moment."""

    shifts: int
    public: int
    drafts: int
    scheduled: int
    review: int
    withdrawn: int
    held: int = 0  # public by now but for the pause (docs/privacy.md); last, with a default,
    # so a summary stored before it existed (build/unchanged.py) still reads
