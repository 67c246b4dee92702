"""The render stage: the model → RenderContext (render_context) → the output files (outputs).

The pipeline builds the context first, then starts the page shares of a cold build
(render/shares.py) and drives the files out; between the two it may do work of its own while
the workers render. Nothing here calls back into the build.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import urlsplit

from followshift import __version__
from followshift.config.site import SiteConfig
from followshift.content.model import Site
from followshift.photos.stage import PublishedPhotos
from followshift.render.context import Derived, RenderContext
from followshift.render.locale import Formatter
from followshift.render.markdown import MarkdownRenderer
from followshift.render.memo import Group, PageMemo
from followshift.render.producers import (
    OutputFile,
    assets,
    embed,
    feeds,
    headers,
    live,
    pages,
    sitemap,
    withdrawn,
)
from followshift.render.shares import PageShares
from followshift.render.structured import Structured
from followshift.render.templates import Templates, theme_gettext
from followshift.render.theme import Theme
from followshift.render.view_cache import ViewCache, site_views

# Jinja environments by render fingerprint, and the formatter each was made with.
TemplateCache = dict[tuple[object, ...], tuple[Formatter, Templates]]


@dataclass(frozen=True)
class RenderOptions:
    now: datetime
    drafts: bool = False
    photos: PublishedPhotos = field(default_factory=lambda: PublishedPhotos({}, {}))
    previous_keys: Mapping[str, str] = field(default_factory=dict)  # the last build's page keys
    previous_groups: Mapping[str, Group] = field(default_factory=dict)  # and its page groups
    can_reuse: Callable[[str], bool] | None = None  # is that output still in place?
    # Forked workers for Markdown and pages (followshift.build.schedule); a worker hands each page's
    # bytes to `prepare` (Output.prepare: staged to disk) and sends back only what it returns.
    jobs: int = 1
    prepare: Callable[[str, bytes], object] | None = None
    # A watch: things made for one page are worth remembering for the next rebuild.
    watching: bool = False
    markdown: MarkdownRenderer | None = None  # rendered Markdown from earlier builds
    # Kept in memory between rebuilds by `watch`: views, what producers derived from them, and
    # the Jinja environment with the articles it rendered.
    views: ViewCache | None = None
    derived: Derived | None = None  # what producers make from one view (render.context)
    templates: TemplateCache | None = None


def render_context(site: Site, theme: Theme, options: RenderOptions) -> RenderContext:
    """Everything the producers read, made before the first output: the assets, the Jinja
    environment for this render fingerprint, the rendered Markdown, the views and the memo."""
    config = site.config
    asset_names, asset_files = assets.collect(theme, site.teams, config.logo)
    # Everything every output depends on besides its own inputs: followshift's version, every
    # theme file, the site settings, the asset names.
    fingerprint = pickle.dumps(
        (__version__, theme.fingerprint, config, sorted(asset_names.items())), protocol=5
    )
    cache = options.templates if options.templates is not None else {}
    formatter, templates = _environment(cache, fingerprint, theme, config, asset_names)
    if options.markdown is not None and options.jobs > 1:
        texts = _texts(site, options.now, options.drafts)
        options.markdown.render_all(texts, options.jobs, templates.preload)
    teams, shifts = site_views(
        site, options.now, options.drafts, options.photos, options.markdown,
        options.views or ViewCache(),
    )  # fmt: skip
    templates.trim_articles(sum(len(s.posts) for s in shifts))
    memo = PageMemo(
        fingerprint, options.previous_keys, options.can_reuse,
        previous_groups=options.previous_groups,
    )  # fmt: skip
    return RenderContext(
        config=config,
        formatter=formatter,
        gettext=theme_gettext(theme, formatter.language),
        shifts=tuple(shifts),
        teams=teams,
        teams_with_posts=tuple(sorted({st.team.id for s in shifts for st in s.teams})),
        assets=asset_names,
        asset_files=asset_files,
        media=assets.media(options.photos),
        templates=templates,
        article=templates.article,
        memo=memo,
        derived=options.derived if options.derived is not None else Derived(options.watching),
        site_path=urlsplit(config.base_url).path or "/",
        watching=options.watching,
        withdrawn=withdrawn.urls(site, options.now),
    )


def _environment(
    cache: TemplateCache, fingerprint: bytes, theme: Theme, config: SiteConfig,
    asset_names: dict[str, str],
) -> tuple[Formatter, Templates]:  # fmt: skip
    """The Jinja environment with its helpers bound, kept by a watcher (compiled templates,
    rendered articles) while the render fingerprint stays the same: the helpers depend on
    nothing else (the template folders are part of the key, their files of the theme's
    fingerprint)."""
    key = (fingerprint, tuple(theme.template_dirs))
    if key not in cache:
        cache.clear()
        formatter = Formatter(config.language, config.tz)
        gettext = theme_gettext(theme, formatter.language)
        page_meta = Structured(config, formatter, gettext, asset_names).page_meta
        cache[key] = (formatter, Templates(theme, formatter, page_meta))
    return cache[key]


def _texts(site: Site, now: datetime, drafts: bool) -> Iterator[str]:
    for shift in site.shifts:
        yield shift.description
        for post in shift.public_posts(now, drafts):
            yield post.body


def start_pages(ctx: RenderContext, options: RenderOptions) -> PageShares | None:
    """The HTML pages in forked shares, started now, when there are enough to be worth it (a
    cold build with `jobs` > 1); else None. Close what it returns (PageShares.close)."""
    return PageShares.start(ctx, options.jobs, options.prepare)


def outputs(
    ctx: RenderContext, shares: PageShares | None = None
) -> Iterator[OutputFile | tuple[str, object]]:
    """Every output file. Each producer is one kind of output; add new kinds here.

    With `shares` (start_pages), this process makes the rest while the workers render the
    HTML pages; their pages come last, as what `prepare` returned.
    """
    yield from assets.files(ctx)
    if shares is None:
        yield from pages.files(ctx)
    yield from sitemap.files(ctx)
    yield from headers.files(ctx)
    yield from embed.files(ctx)
    yield from live.files(ctx)
    yield from feeds.files(ctx)
    yield from withdrawn.files(ctx)
    if shares is not None:
        yield from shares.collect()
