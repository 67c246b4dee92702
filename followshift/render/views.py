"""The template-facing view of the model: what a page may show, already decided.

Templates never filter drafts, compare times or sort; they loop over these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from followshift.content.model import Post, Shift, Site, Status, Team
from followshift.images import PhotoResult
from followshift.photos import PublishedPhotos, request_for
from followshift.render import routes
from followshift.render.markdown import render_markdown
from followshift.render.media import PhotoView, photo_view


@dataclass(frozen=True)
class TeamView:
    id: str
    name: str
    region: str
    url: str
    css_class: str
    links: tuple[tuple[str, str], ...]
    declared: bool
    avatar: PhotoView | None = None


@dataclass(frozen=True)
class PostView:
    id: str
    anchor: str
    url: str
    shift_id: str
    team: TeamView
    time: datetime
    title: str
    author: str
    html: str
    photos: tuple[PhotoView, ...]
    pinned: bool
    draft: bool
    updated: datetime | None

    @property
    def modified(self) -> datetime:
        return self.updated or self.time


@dataclass(frozen=True)
class ShiftTeam:
    team: TeamView
    url: str
    count: int


@dataclass(frozen=True)
class ShiftView:
    id: str
    title: str
    url: str
    start: datetime
    end: datetime
    status: Status
    description_html: str
    posts: tuple[PostView, ...]  # chronological
    newest_first: bool
    teams: tuple[ShiftTeam, ...]  # teams with at least one public post, by name
    all_team_ids: tuple[str, ...]

    @property
    def highlights(self) -> tuple[PostView, ...]:
        return tuple(p for p in self.posts if p.pinned)

    @property
    def display_posts(self) -> tuple[PostView, ...]:
        return tuple(reversed(self.posts)) if self.newest_first else self.posts

    @property
    def last_update(self) -> datetime | None:
        return max((p.modified for p in self.posts), default=None)

    def team_posts(self, team_id: str) -> tuple[PostView, ...]:
        return tuple(p for p in self.posts if p.team.id == team_id)


def team_view(team: Team, avatar: PhotoResult | None) -> TeamView:
    return TeamView(
        id=team.id,
        name=team.name,
        region=team.region,
        url=routes.team_url(team),
        css_class=f"team-{team.id}",
        links=team.links,
        declared=team.declared,
        avatar=photo_view("", avatar) if avatar else None,
    )


def post_view(post: Post, team: TeamView, published: PublishedPhotos) -> PostView:
    return PostView(
        id=post.id,
        anchor=routes.post_anchor(post),
        url=routes.post_url(post),
        shift_id=post.shift_id,
        team=team,
        time=post.time,
        title=post.title,
        author=post.author,
        html=render_markdown(post.body),
        photos=_photos(post, published),
        pinned=post.pinned,
        draft=post.draft,
        updated=post.updated,
    )


def _photos(post: Post, published: PublishedPhotos) -> tuple[PhotoView, ...]:
    """`check` makes no variants; it renders pages (to find template errors) without photos."""
    results = (published.photos.get(request_for(p)) for p in post.photos)
    return tuple(photo_view(p.alt, r) for p, r in zip(post.photos, results, strict=True) if r)


def shift_view(
    shift: Shift,
    teams: dict[str, TeamView],
    now: datetime,
    drafts: bool,
    published: PublishedPhotos,
) -> ShiftView:
    posts = tuple(
        post_view(p, teams[p.team_id], published) for p in shift.public_posts(now, drafts)
    )
    counts: dict[str, int] = {}
    for post in posts:
        counts[post.team.id] = counts.get(post.team.id, 0) + 1
    shift_teams = sorted(
        (ShiftTeam(teams[t], routes.team_in_shift_url(shift.id, t), counts[t]) for t in counts),
        key=lambda st: (st.team.name.lower(), st.team.id),
    )
    return ShiftView(
        id=shift.id,
        title=shift.title,
        url=routes.shift_url(shift),
        start=shift.start,
        end=shift.end,
        status=shift.status(now),
        description_html=render_markdown(shift.description),
        posts=posts,
        newest_first=shift.newest_first(now),
        teams=tuple(shift_teams),
        all_team_ids=shift.team_ids,
    )


def site_views(
    site: Site, now: datetime, drafts: bool, published: PublishedPhotos
) -> tuple[dict[str, TeamView], list[ShiftView]]:
    teams = {tid: team_view(team, published.avatars.get(tid)) for tid, team in site.teams.items()}
    return teams, [shift_view(s, teams, now, drafts, published) for s in site.shifts]
