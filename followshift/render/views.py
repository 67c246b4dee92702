"""The template-facing view of the model: what a page may show, already decided.

Templates never filter drafts, compare times or sort; they loop over these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from followshift.content.model import Post, Shift, Site, Status, Team
from followshift.images import PhotoResult
from followshift.photos import PublishedPhotos, request_for
from followshift.render import routes
from followshift.render.markdown import MarkdownRenderer
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


def _delegate(obj: object, field: str, name: str) -> object:
    """Attribute read-through for templates; dunders are never delegated (pickle, copy)."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(object.__getattribute__(obj, field), name)


@dataclass(frozen=True)
class ShiftRef:
    """What a post page needs of its shift. Small on purpose: a page's context is its cache key,
    so a post page must not change when another post of the shift does."""

    id: str
    title: str
    url: str
    start: datetime
    end: datetime
    status: Status
    newest_first: bool


@dataclass(frozen=True)
class ShiftInfo:
    """A shift's header on its own pages and in listings: no posts, only their count."""

    ref: ShiftRef
    description_html: str
    teams: tuple[ShiftTeam, ...]  # teams with at least one public post, by name
    post_count: int
    last_update: datetime | None

    def __getattr__(self, name: str) -> object:  # shift.title etc. read through to the ref
        return _delegate(self, "ref", name)


@dataclass(frozen=True)
class PostLink:
    """A link to a neighbouring post: enough for its title, never its text."""

    url: str
    title: str
    team: TeamView
    time: datetime


@dataclass(frozen=True)
class ShiftView:
    info: ShiftInfo
    posts: tuple[PostView, ...]  # chronological

    def __getattr__(self, name: str) -> object:
        return _delegate(self, "info", name)

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


def post_link(post: PostView | None) -> PostLink | None:
    return PostLink(post.url, post.title, post.team, post.time) if post else None


class ViewCache:
    """Views of unchanged content, kept from one build to the next (watch).

    A post's view is a pure function of its Post (the very same object when the read cache
    found the file unchanged), its team's view and its photos' results; when all three are the
    same, last build's view object is returned, and with it every digest remembered for it.
    """

    def __init__(self) -> None:
        self._posts: dict[int, tuple[Post, TeamView, tuple[object, ...], PostView]] = {}
        self._teams: dict[str, tuple[Team, PhotoResult | None, TeamView]] = {}
        self._links: dict[int, tuple[PostView, PostLink]] = {}
        self._used: set[int] = set()

    def link(self, post: PostView | None) -> PostLink | None:
        """The same PostLink object for the same post view, so its digest is remembered."""
        if post is None:
            return None
        hit = self._links.get(id(post))
        if hit is not None and hit[0] is post:
            return hit[1]
        link = post_link(post)
        assert link is not None
        self._links[id(post)] = (post, link)
        return link

    def team(self, team: Team, avatar: PhotoResult | None) -> TeamView:
        hit = self._teams.get(team.id)
        if hit is not None and hit[0] == team and hit[1] == avatar:
            return hit[2]
        view = team_view(team, avatar)
        self._teams[team.id] = (team, avatar, view)
        return view

    def post(
        self, post: Post, team: TeamView, published: PublishedPhotos, markdown: MarkdownRenderer
    ) -> PostView:
        results = tuple(published.photos.get(request_for(p)) for p in post.photos)
        hit = self._posts.get(id(post))
        self._used.add(id(post))
        if hit is not None and hit[0] is post and hit[1] == team and hit[2] == results:
            return hit[3]
        view = post_view(post, team, published, markdown)
        self._posts[id(post)] = (post, team, results, view)
        return view

    def sweep(self) -> None:
        self._posts = {k: v for k, v in self._posts.items() if k in self._used}
        views = {id(entry[3]) for entry in self._posts.values()}
        self._links = {k: v for k, v in self._links.items() if k in views}
        self._used = set()


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


def shift_view(
    shift: Shift,
    teams: dict[str, TeamView],
    now: datetime,
    drafts: bool,
    published: PublishedPhotos,
    markdown: MarkdownRenderer,
    cache: ViewCache,
) -> ShiftView:
    posts = tuple(
        cache.post(p, teams[p.team_id], published, markdown)
        for p in shift.public_posts(now, drafts)
    )
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
    )
    info = ShiftInfo(
        ref=ref,
        description_html=markdown(shift.description),
        teams=tuple(shift_teams),
        post_count=len(posts),
        last_update=max((p.modified for p in posts), default=None),
    )
    return ShiftView(info, posts)


def site_views(
    site: Site,
    now: datetime,
    drafts: bool,
    published: PublishedPhotos,
    markdown: MarkdownRenderer | None = None,
    cache: ViewCache | None = None,
) -> tuple[dict[str, TeamView], list[ShiftView]]:
    markdown = markdown or MarkdownRenderer()
    cache = cache or ViewCache()
    teams = {tid: cache.team(team, published.avatars.get(tid)) for tid, team in site.teams.items()}
    shifts = [shift_view(s, teams, now, drafts, published, markdown, cache) for s in site.shifts]
    cache.sweep()
    return teams, shifts
