"""The template-facing view of the model: what a page may show, already decided.

Templates never filter drafts, compare times or sort; they loop over these.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from followshift.content.model import Post, Shift, Site, Status, Team
from followshift.photos import PhotoRequest, PhotoResult
from followshift.photos.stage import PublishedPhotos, request_for
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

    @cached_property
    def memo(self) -> dict[object, object]:
        """Things made from this view alone (its feed entry): see ShiftView.memo."""
        return {}


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
    def memo(self) -> dict[object, object]:
        """Things made from this view alone (a feed's posts, sitemap lines): a view kept from
        one build to the next (ViewCache) keeps them too. Not a field: not part of its digest."""
        return {}

    @cached_property
    def _by_team(self) -> dict[str, tuple[PostView, ...]]:
        teams: dict[str, list[PostView]] = {}
        for post in self.posts:
            teams.setdefault(post.team.id, []).append(post)
        return {team: tuple(posts) for team, posts in teams.items()}


def post_link(post: PostView | None) -> PostLink | None:
    return PostLink(post.url, post.title, post.team, post.time) if post else None


@dataclass
class _ShiftEntry:
    """A shift's views as last built, and what they were built from."""

    shift: Shift
    drafts: bool
    built: datetime  # the clock then; the posts shown stay the same until `until`
    until: datetime | None  # the next post to become public, if any
    status: Status
    newest_first: bool
    teams: tuple[tuple[str, TeamView], ...]  # the team views it uses
    requests: tuple[PhotoRequest, ...]  # its public posts' photos
    results: tuple[PhotoResult | None, ...]
    view: ShiftView
    posts: dict[int, tuple[Post, TeamView, tuple[object, ...], PostView]]
    links: dict[int, tuple[PostView, PostLink]]


class ViewCache:
    """Views of unchanged content, kept from one build to the next (watch).

    A post's view is a pure function of its Post (the very same object when the read cache
    found the file unchanged), its team's view and its photos' results; when all three are the
    same, last build's view object is returned, and with it every digest remembered for it.
    Likewise a shift's view, when its Shift is the very same object (watch: none of its files
    changed), its team views too, and the clock has not reached another of its posts: then the
    renderer can tell from that one object that none of the shift's pages changed.
    """

    def __init__(self) -> None:
        self._teams: dict[str, tuple[Team, PhotoResult | None, TeamView]] = {}
        self._shifts: dict[str, _ShiftEntry] = {}
        self._met: set[str] = set()

    def link(self, post: PostView | None) -> PostLink | None:
        """The same PostLink object for the same post view, so its digest is remembered."""
        if post is None:
            return None
        entry = self._shifts.get(post.shift_id)
        links = entry.links if entry is not None else {}
        hit = links.get(id(post))
        if hit is not None and hit[0] is post:
            return hit[1]
        link = post_link(post)
        assert link is not None
        links[id(post)] = (post, link)
        return link

    def team(self, team: Team, avatar: PhotoResult | None) -> TeamView:
        hit = self._teams.get(team.id)
        if hit is not None and hit[0] == team and hit[1] == avatar:
            return hit[2]
        view = team_view(team, avatar)
        self._teams[team.id] = (team, avatar, view)
        return view

    def shift(
        self,
        shift: Shift,
        teams: dict[str, TeamView],
        now: datetime,
        drafts: bool,
        published: PublishedPhotos,
        markdown: MarkdownRenderer,
    ) -> ShiftView:
        self._met.add(shift.id)
        entry = self._shifts.get(shift.id)
        if entry is not None and self._unchanged(entry, shift, teams, now, drafts, published):
            return entry.view
        old_posts = entry.posts if entry is not None else {}
        posts: dict[int, tuple[Post, TeamView, tuple[object, ...], PostView]] = {}
        views = []
        for post in shift.public_posts(now, drafts):
            team = teams[post.team_id]
            results = (
                tuple(published.photos.get(request_for(p)) for p in post.photos)
                if post.photos
                else ()
            )
            hit = old_posts.get(id(post))
            if hit is not None and hit[0] is post and hit[1] is team and hit[2] == results:
                view = hit[3]
            else:
                view = post_view(post, team, published, markdown)
            posts[id(post)] = (post, team, results, view)
            views.append(view)
        view = shift_view_of(shift, teams, now, tuple(views), markdown)
        requests = tuple(request_for(p) for v in posts.values() for p in v[0].photos)
        alive = {id(v[3]) for v in posts.values()}
        old_links = entry.links if entry is not None else {}
        self._shifts[shift.id] = _ShiftEntry(
            shift=shift,
            drafts=drafts,
            built=now,
            until=shift.next_publication(now, drafts),
            status=view.status,  # type: ignore[arg-type]
            newest_first=view.newest_first,  # type: ignore[arg-type]
            teams=tuple({p.team.id: p.team for p in views}.items()),
            requests=requests,
            results=tuple(published.photos.get(r) for r in requests),
            view=view,
            posts=posts,
            links={k: v for k, v in old_links.items() if k in alive},
        )
        return view

    @staticmethod
    def _unchanged(
        entry: _ShiftEntry,
        shift: Shift,
        teams: dict[str, TeamView],
        now: datetime,
        drafts: bool,
        published: PublishedPhotos,
    ) -> bool:
        return (
            entry.shift is shift
            and entry.drafts == drafts
            and entry.built <= now
            and (entry.until is None or now < entry.until)
            and shift.status(now) is entry.status
            and shift.newest_first(now) == entry.newest_first
            and all(teams.get(team_id) is view for team_id, view in entry.teams)
            and tuple(published.photos.get(r) for r in entry.requests) == entry.results
        )

    def sweep(self) -> None:
        """Forgets shifts this build did not meet."""
        if len(self._shifts) > len(self._met):
            self._shifts = {k: v for k, v in self._shifts.items() if k in self._met}
        self._met = set()


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
    shifts = [cache.shift(s, teams, now, drafts, published, markdown) for s in site.shifts]
    cache.sweep()
    return teams, shifts
