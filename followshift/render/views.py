"""The template-facing view of the model: what a page may show, already decided.

Templates never filter drafts, compare times or sort; they loop over these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from followshift.content.model import Post, Shift, Status, Team
from followshift.photos import PhotoResult
from followshift.photos.stage import PublishedPhotos, request_for
from followshift.render import routes
from followshift.render.digests import Digested
from followshift.render.markdown import MarkdownRenderer
from followshift.render.media import PhotoView, photo_view


@dataclass(frozen=True)
class TeamView(Digested):
    id: str
    name: str
    region: str
    url: str
    css_class: str
    links: tuple[tuple[str, str], ...]
    declared: bool
    avatar: PhotoView | None = None
    short: str = ""  # the name on each post ("Zevenaar"); the full name is `name`

    @property
    def initial(self) -> str:
        """What stands in for a missing avatar: the short name's first letter."""
        return self.short[:1].upper()


@dataclass(frozen=True)
class PostView(Digested):
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

    @cached_property
    def link(self) -> PostLink:
        """What a neighbouring post's page shows of it: made once per view, so a view kept
        from one build to the next (ViewCache) keeps its link and the link's digest."""
        return PostLink(self.url, self.title, self.team, self.time)


@dataclass(frozen=True)
class ShiftTeam(Digested):
    team: TeamView
    url: str
    count: int


@dataclass(frozen=True)
class ShiftRef(Digested):
    """What a post page needs of its shift. Small on purpose: a page's context is its cache key,
    so a post page must not change when another post of the shift does."""

    id: str
    title: str
    url: str
    start: datetime
    end: datetime
    status: Status
    newest_first: bool
    paused: datetime | None = None  # since when no new posts go out (docs/privacy.md, "Pause")


@dataclass(frozen=True)
class ShiftInfo(Digested):
    """A shift's header on its own pages and in listings: no posts, only their count."""

    ref: ShiftRef
    description_html: str
    teams: tuple[ShiftTeam, ...]  # teams with at least one public post, by name
    post_count: int
    last_update: datetime | None

    # The ref's fields, read through for templates (shift.title) and typed for Python.
    @property
    def id(self) -> str:
        return self.ref.id

    @property
    def title(self) -> str:
        return self.ref.title

    @property
    def url(self) -> str:
        return self.ref.url

    @property
    def start(self) -> datetime:
        return self.ref.start

    @property
    def end(self) -> datetime:
        return self.ref.end

    @property
    def status(self) -> Status:
        return self.ref.status

    @property
    def newest_first(self) -> bool:
        return self.ref.newest_first

    @property
    def paused(self) -> datetime | None:
        return self.ref.paused


@dataclass(frozen=True)
class PostLink(Digested):
    """A link to a neighbouring post: enough for its title, never its text."""

    url: str
    title: str
    team: TeamView
    time: datetime


@dataclass(frozen=True)
class ShiftView(Digested):
    info: ShiftInfo
    posts: tuple[PostView, ...]  # chronological

    # The header's fields, read through for templates (shift.title) and typed for Python.
    @property
    def ref(self) -> ShiftRef:
        return self.info.ref

    @property
    def description_html(self) -> str:
        return self.info.description_html

    @property
    def teams(self) -> tuple[ShiftTeam, ...]:
        return self.info.teams

    @property
    def post_count(self) -> int:
        return self.info.post_count

    @property
    def last_update(self) -> datetime | None:
        return self.info.last_update

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def title(self) -> str:
        return self.info.title

    @property
    def url(self) -> str:
        return self.info.url

    @property
    def start(self) -> datetime:
        return self.info.start

    @property
    def end(self) -> datetime:
        return self.info.end

    @property
    def status(self) -> Status:
        return self.info.status

    @property
    def newest_first(self) -> bool:
        return self.info.newest_first

    @property
    def paused(self) -> datetime | None:
        return self.info.paused

    @property
    def highlights(self) -> tuple[PostView, ...]:
        return tuple(p for p in self.posts if p.pinned)

    def team_posts(self, team_id: str) -> tuple[PostView, ...]:
        return self._by_team.get(team_id, ())

    @cached_property
    def _by_team(self) -> dict[str, tuple[PostView, ...]]:
        teams: dict[str, list[PostView]] = {}
        for post in self.posts:
            teams.setdefault(post.team.id, []).append(post)
        return {team: tuple(posts) for team, posts in teams.items()}


@dataclass(frozen=True)
class ShiftCard(Digested):
    """A shift on the home page: its header, its newest post and a photo (the newest one while
    it is live, else its first), so the card shows what is going on rather than only a title."""

    info: ShiftInfo
    latest: PostView | None
    photo: PhotoView | None
    photo_post: PostView | None  # the post the photo belongs to (its team and time: alt text)


def shift_card(shift: ShiftView) -> ShiftCard:
    with_photos = [p for p in shift.posts if p.photos]
    if shift.status is Status.LIVE:
        pick = with_photos[-1] if with_photos else None
        photo = pick.photos[-1] if pick else None
    else:
        pick = with_photos[0] if with_photos else None
        photo = pick.photos[0] if pick else None
    return ShiftCard(shift.info, shift.posts[-1] if shift.posts else None, photo, pick)


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
        short=team.short_name,
    )


def post_view(
    post: Post, team: TeamView, published: PublishedPhotos, markdown: MarkdownRenderer
) -> PostView:
    return PostView(
        id=post.id,
        anchor=routes.post_anchor(post),
        url=routes.post_url(post),
        shift_id=post.shift_id,
        team=team,
        time=post.time,
        title=post.title,
        author=post.author,
        html=markdown(post.body),
        photos=_photos(post, published),
        pinned=post.pinned,
        draft=post.draft,
        updated=post.updated,
    )


def _photos(post: Post, published: PublishedPhotos) -> tuple[PhotoView, ...]:
    """`check` makes no variants; it renders pages (to find template errors) without photos."""
    results = (published.photos.get(request_for(p)) for p in post.photos)
    return tuple(photo_view(p.alt, r) for p, r in zip(post.photos, results, strict=True) if r)


def shift_view_of(
    shift: Shift,
    teams: dict[str, TeamView],
    now: datetime,
    posts: tuple[PostView, ...],
    markdown: MarkdownRenderer,
) -> ShiftView:
    """The view of `shift` at `now` whose public posts' views are `posts`."""
    counts: dict[str, int] = {}
    for post in posts:
        counts[post.team.id] = counts.get(post.team.id, 0) + 1
    shift_teams = sorted(
        (ShiftTeam(teams[t], routes.team_in_shift_url(shift.id, t), counts[t]) for t in counts),
        key=lambda st: (st.team.name.lower(), st.team.id),
    )
    ref = ShiftRef(
        id=shift.id,
        title=shift.title,
        url=routes.shift_url(shift),
        start=shift.start,
        end=shift.end,
        status=shift.status(now),
        newest_first=shift.newest_first(now),
        paused=shift.paused_at(now),
    )
    info = ShiftInfo(
        ref=ref,
        description_html=markdown(shift.description),
        teams=tuple(shift_teams),
        post_count=len(posts),
        last_update=max((p.modified for p in posts), default=None),
    )
    return ShiftView(info, posts)
