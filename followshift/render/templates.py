"""The Jinja2 environment: theme loader, i18n, date filters; template errors → SiteError."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from followshift.content.model import Status
from followshift.diagnostics import SiteError
from followshift.render.locale import Formatter, load_translations
from followshift.render.theme import Theme


class Templates:
    def __init__(self, theme: Theme, formatter: Formatter) -> None:
        self.theme = theme
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader([str(d) for d in theme.template_dirs]),
            autoescape=jinja2.select_autoescape(["html", "xml"]),
            undefined=jinja2.StrictUndefined,
            extensions=["jinja2.ext.i18n"],
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        translations = load_translations(theme.locale_dirs, formatter.language)
        self.env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
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


def _path(filename: str | None) -> Path | None:
    return Path(filename) if filename else None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return None, None
