"""ViewCache: the views of unchanged content, kept from one build to the next (watch), and
site_views(), which makes a build's views through it.

Apart from views.py so that the views themselves stay a small template-facing module.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from followshift.content.model import Post, Shift, Site, Status, Team
from followshift.photos import PhotoRequest, PhotoResult
from followshift.photos.stage import PublishedPhotos, request_for
from followshift.render.markdown import MarkdownRenderer
from followshift.render.views import (
    PostView,
    ShiftView,
    TeamView,
    post_view,
    shift_view_of,
    team_view,
)


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
    # By the post's file: the Post it was read as (the very same object while the read cache
    # found the file unchanged), its team's view, its photos' results, and the view made.
    posts: dict[Path, tuple[Post, TeamView, tuple[object, ...], PostView]]


class ViewCache:
    """Views of unchanged content, kept from one build to the next (watch).

    A post's view is a pure function of its Post (the very same object when the read cache
    found the file unchanged), its team's view and its photos' results; when all three are the
    same, last build's view object is returned, and with it its digest and link (views.py).
    Likewise a shift's view, when its Shift is the very same object (watch: none of its files
    changed), its team views too, and the clock has not reached another of its posts: then the
    renderer can tell from that one object that none of the shift's pages changed.
    """

    def __init__(self) -> None:
        self._teams: dict[str, tuple[Team, PhotoResult | None, TeamView]] = {}
        self._shifts: dict[str, _ShiftEntry] = {}
        self._met: set[str] = set()

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
        posts: dict[Path, tuple[Post, TeamView, tuple[object, ...], PostView]] = {}
        views = []
        for post in shift.public_posts(now, drafts):
            team = teams[post.team_id]
            results = (
                tuple(published.photos.get(request_for(p)) for p in post.photos)
                if post.photos
                else ()
            )
            hit = old_posts.get(post.source)
            if hit is not None and hit[0] is post and hit[1] is team and hit[2] == results:
                view = hit[3]
            else:
                view = post_view(post, team, published, markdown)
            posts[post.source] = (post, team, results, view)
            views.append(view)
        shift_view = shift_view_of(shift, teams, now, tuple(views), markdown)
        requests = tuple(request_for(p) for v in posts.values() for p in v[0].photos)
        self._shifts[shift.id] = _ShiftEntry(
            shift=shift,
            drafts=drafts,
            built=now,
            until=shift.next_publication(now, drafts),
            status=shift_view.status,
            newest_first=shift_view.newest_first,
            teams=tuple({p.team.id: p.team for p in views}.items()),
            requests=requests,
            results=tuple(published.photos.get(r) for r in requests),
            view=shift_view,
            posts=posts,
        )
        return shift_view

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
