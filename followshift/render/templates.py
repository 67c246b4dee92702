"""The Jinja2 environment: theme loader, i18n, date filters; template errors → SiteError."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from followshift.content.model import Status
from followshift.diagnostics import SiteError
from followshift.render import jinja_speedups
from followshift.render.locale import Formatter, load_translations
from followshift.render.theme import Theme


class Templates:
    def __init__(self, theme: Theme, formatter: Formatter) -> None:
        self.theme = theme
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
        }
        self.env.filters.update(filters)
        self.env.globals["Status"] = Status  # imported macros see globals, not the page context
        # Set by each build's renderer (pages.py, structured.py); see jinja_speedups._Environment.
        self.article: Callable[..., Any] = _unset
        self.page_meta: Callable[..., Any] = _unset
        self.env.globals["article"] = lambda *args, **kwargs: self.article(*args, **kwargs)
        self.env.globals["page_meta"] = lambda *args, **kwargs: self.page_meta(*args, **kwargs)

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


def _unset(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("templates rendered outside a build")


def _path(filename: str | None) -> Path | None:
    return Path(filename) if filename else None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return None, None
