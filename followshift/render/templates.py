"""The Jinja2 environment: theme loader, i18n, date filters, the helpers templates call
(`article()`, `page_meta()`); template errors → SiteError. Also the theme's UI catalog for the
few words outside templates (theme_gettext).

An environment's helpers are bound when it is made and never change, so one environment serves
one render fingerprint (theme files, settings, assets: render/stage.py keys it so), and what it
renders once, a post's article, stays valid for as long as it lives.
"""

from __future__ import annotations

import contextlib
import functools
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2
from markupsafe import Markup

from followshift.content.model import Status
from followshift.diagnostics import SiteError
from followshift.render import jinja_speedups
from followshift.render.locale import Formatter, load_translations
from followshift.render.syndication import headline
from followshift.render.theme import Theme

if TYPE_CHECKING:
    from followshift.render.context import Gettext
    from followshift.render.views import PostView

# Stand for a page's `root` and the heading's tag name in article HTML rendered once (NUL never
# occurs in content: the reader removes it).
ROOT_MARK = "\x00root\x00"
HEADING_MARK = "\x00heading\x00"
# `watch` keeps the rendered articles (one per post) between rebuilds, and each edit leaves the
# old version behind. The store is emptied once it holds ARTICLE_VERSIONS per post, plus
# ARTICLE_SLACK so that a small site is not emptied every few edits: memory stays a small
# multiple of the site's, and what emptying costs (rendering every article again) is rare.
ARTICLE_VERSIONS = 4
ARTICLE_SLACK = 16


def theme_gettext(theme: Theme, language: str) -> Gettext:
    """The theme's UI catalog, for the few words (alt fallbacks) that appear outside pages."""
    return _catalog(tuple(theme.locale_dirs), language, theme.fingerprint)


@functools.lru_cache(maxsize=8)
def _catalog(locale_dirs: tuple[Path, ...], language: str, fingerprint: str) -> Gettext:
    """Compiled once, not at every rebuild of `watch`: the theme's fingerprint covers its .po
    files, so an edited catalog is compiled again."""
    return load_translations(list(locale_dirs), language).gettext


class Templates:
    """The theme's templates in one Jinja environment, with its filters and helpers.

    `page_meta` is the `page_meta()` global (structured.Structured.page_meta); without it a
    template that calls it fails as any undefined name does. `article()` is this object's own.
    """

    def __init__(
        self, theme: Theme, formatter: Formatter, page_meta: Callable[..., Any] | None = None
    ) -> None:
        self.theme = theme
        self.formatter = formatter
        # By the post view's digest: everything else the partial sees is this environment's.
        self._articles: dict[bytes, str] = {}
        self.env = jinja_speedups.environment(
            loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Not a stat() of the file for every template, include and import a page uses: an
            # environment lives only while every theme file stays the same (the theme's
            # fingerprint is part of the key pages.py keeps it under).
            auto_reload=False,
            # A plain dict instead of an LRU cache: a theme has a few dozen templates, and the
            # LRU takes a lock and reorders its queue on each of the ~6 lookups a page makes.
            cache_size=-1,
        )
        translations = load_translations(theme.locale_dirs, formatter.language)
        jinja_speedups.install_translations(self.env, translations)  # before any compile
        filters: dict[str, Callable[..., Any]] = {
            "time": formatter.time,
            "date": formatter.date,
            "short_date": formatter.short_date,
            "datetime": formatter.datetime,
            "day_time": formatter.day_time,
            "iso": formatter.iso,
            "repeated_hour": formatter.repeated_hour,
            # A post's (or post link's) heading as a filter, not a macro: a post page shows
            # three and its article one more, and each macro call cost ~6 us of a ~180 us page.
            "headline": functools.partial(headline, formatter=formatter),
        }
        self.env.filters.update(filters)
        self.env.globals["Status"] = Status  # imported macros see globals, not the page context
        # Before any template is loaded: each copies the globals (jinja_speedups._Environment).
        self.env.globals["article"] = self.article
        if page_meta is not None:
            self.env.globals["page_meta"] = page_meta

    def preload(self) -> None:
        """Compiles every template of the theme now, rather than when a page first needs it:
        0.13 s for the default theme, which each page worker otherwise spent again after its
        fork. One that does not compile is left for render() to report, if a page uses it."""
        for name in self.env.list_templates():
            with contextlib.suppress(jinja2.TemplateError, OSError, UnicodeDecodeError):
                self.env.get_template(name)

    def render(self, name: str, context: dict[str, Any]) -> str:
        try:
            return self.env.get_template(name).render(context)
        except jinja2.TemplateSyntaxError as exc:
            raise SiteError(
                f"template error: {exc.message}", _path(exc.filename), exc.lineno
            ) from None
        except jinja2.TemplateNotFound as exc:
            raise SiteError(f"template '{exc.name}' not found in {self._dirs()}") from None
        except Exception as exc:  # a template bug, not the content's fault: still one line
            path, line = _template_frame(exc)
            raise SiteError(f"template error: {type(exc).__name__}: {exc}", path, line) from None

    def _dirs(self) -> str:
        return ", ".join(str(d) for d in self.theme.template_dirs)

    def article(self, post: PostView, heading: str, root: str) -> Markup:
        """A post's article HTML, rendered once and placed at any page depth with any heading
        level (its post page's h1, a timeline's h3)."""
        html = self._articles.get(post.digest)
        if html is None:
            context = {"post": post, "root": ROOT_MARK, "heading": HEADING_MARK}
            html = self._articles[post.digest] = self.render("partials/post.html", context)
        return Markup(html.replace(ROOT_MARK, root).replace(HEADING_MARK, heading))

    def forget_articles(self) -> None:
        """Drops the rendered articles: a one-off build needs a post's article only for its own
        shift's pages, so it keeps one shift's at a time, not the whole site's."""
        self._articles.clear()

    def trim_articles(self, posts: int) -> None:
        """Starts afresh now and then: the edits of a watch leave old versions behind."""
        if len(self._articles) > ARTICLE_VERSIONS * (posts + ARTICLE_SLACK):
            self._articles.clear()


def _path(filename: str | None) -> Path | None:
    return Path(filename) if filename else None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return None, None
