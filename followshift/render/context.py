"""What a producer may read: the RenderContext, made once per build (render/stage.py,
render_context) before any producer runs, and Derived, the store of what producers make from
one view alone.

A producer (render/producers) takes a RenderContext and reaches nothing else: not the build,
not another producer's state. Everything in it is built before the first page and never changes
during the build, except `memo` (which records keys as pages go), `derived` and the articles
the templates render once. A page share (render/shares.py) reads a copy with its own memo and
`take`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from markupsafe import Markup

    from followshift.config.site import SiteConfig
    from followshift.render.locale import Formatter
    from followshift.render.memo import PageMemo
    from followshift.render.templates import Templates
    from followshift.render.views import PostView, ShiftView, TeamView

T = TypeVar("T")
Gettext = Callable[[str], str]


class Derived:
    """What a producer makes from one view alone (a feed entry, a shift's sitemap lines), keyed
    by the view's digest plus whatever else went in.

    Kept across builds only when `retain` (watch): then what a build did not ask for is dropped
    by sweep(). Otherwise sweep() drops everything, and values asked with keep=False (one per
    post, say) are not stored at all, so a one-off build of a large site does not hold them.
    """

    def __init__(self, retain: bool) -> None:
        self.retain = retain
        self._store: dict[Hashable, object] = {}
        self._used: set[Hashable] = set()

    def get(self, key: Hashable, make: Callable[[], T], *, keep: bool = True) -> T:
        if key in self._store:
            self._used.add(key)
            return self._store[key]  # type: ignore[return-value]
        value = make()
        if keep:
            self._store[key] = value
            self._used.add(key)
        return value

    def sweep(self) -> None:
        """After a build: drop what it did not ask for (everything, unless retaining)."""
        if self.retain:
            self._store = {k: v for k, v in self._store.items() if k in self._used}
        else:
            self._store = {}
        self._used = set()


@dataclass(frozen=True)
class RenderContext:
    """Everything a producer may read. Built once per build."""

    config: SiteConfig
    formatter: Formatter
    gettext: Gettext  # the theme's UI catalog (alt fallbacks outside pages)
    shifts: tuple[ShiftView, ...]
    teams: Mapping[str, TeamView]
    teams_with_posts: tuple[str, ...]
    assets: Mapping[str, str]  # theme file name -> hashed output path
    asset_files: Mapping[str, bytes]  # hashed output path -> bytes
    media: Mapping[str, Path]  # media path -> cached variant file
    templates: Templates  # helpers already bound
    article: Callable[[PostView, str, str], Markup]  # templates.article
    memo: PageMemo  # key(), reuse(), group(), digest()
    derived: Derived  # things made from one view
    site_path: str  # the base URL's path: the 404 page links absolutely
    watching: bool = False  # a watch: worth keeping what is made for the next rebuild
    take: Callable[[str], bool] | None = None  # in a page share: is this page mine?
    withdrawn: tuple[str, ...] = ()  # URLs that show the "withdrawn" notice (producers/withdrawn)
