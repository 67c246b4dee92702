"""The Jinja2 environment: theme loader, i18n, date filters; template errors → SiteError."""

from __future__ import annotations

import contextlib
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.runtime import Context
from jinja2.visitor import NodeTransformer

from followshift.content.model import Status
from followshift.diagnostics import SiteError
from followshift.render.locale import Formatter, load_translations
from followshift.render.theme import Theme

# MarkupSafe's C escaping without the Markup object around it (MarkupSafe 3; None before).
_escape_inner: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)


def _escape_output(value: Any) -> str:
    """markupsafe.escape() as plain text, for the output of a template expression.

    In a compiled template, `escape` wraps only what an expression outputs (`{{ … }}`), and
    that goes straight into the page or into a buffer that Jinja joins and marks safe itself
    (macros, `{% set %}` blocks, filter blocks): nothing ever sees the Markup object. Making it
    was most of the cost of escaping (a Python-level Markup() for each of the ~80 expressions
    of a post page): post page 168 -> 123 us, the same bytes (tests compare).
    """
    if type(value) is str:
        return _escape_inner(value)  # type: ignore[misc]
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))  # type: ignore[misc]


class _Template(jinja2.Template):
    """A template whose expressions are escaped by _escape_output (when MarkupSafe has its
    text-only escape): set in the compiled module's namespace, which its blocks and macros
    share."""

    @classmethod
    def from_code(cls, environment: Any, code: Any, globals: Any, uptodate: Any = None) -> Any:
        template = super().from_code(environment, code, globals, uptodate)
        if TEXT_ESCAPE and _escape_inner is not None:
            template.root_render_func.__globals__["escape"] = _escape_output
        return template


TEXT_ESCAPE = True  # tests switch it off to compare with MarkupSafe's escape()


class _Environment(jinja2.Environment):
    """Gives each template its globals as a plain dict, not a ChainMap over the environment's.

    Jinja copies a template's globals into the context of every render and compares their keys
    on every `{% from … import %}`; through a ChainMap that is a Python call per name, 30 of
    them per page. The dict is made when the template is loaded, so every global must be in
    place before the first one is: Templates sets them all in __init__, and what changes from
    build to build (the renderer's functions) is reached through a Templates attribute.
    """

    template_class = _Template
    translate: Callable[[str], str] | None = None  # the catalog's gettext, once installed

    def make_globals(self, d: dict[str, Any] | None) -> dict[str, Any]:  # type: ignore[override]
        return {**self.globals, **(d or {})}

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        if self.translate is not None and not _binds_gettext(tree):
            tree = _FoldTranslations(self.translate).visit(tree)
        return tree


_GETTEXT_NAMES = ("_", "gettext")


class _FoldTranslations(NodeTransformer):
    """`{{ _("Text") }}`, a literal and nothing else, becomes its translation at compile time.

    The catalog of an environment never changes, so the call's result is known when the
    template is compiled; as a constant, Jinja puts it into the template's static text. A post
    page has eleven of them: 1.8 us each at run time (a context call, the lookup, escaping),
    a fifth of a post page. The output is what the call gives at run time, newstyle gettext's:
    the translation `% {}`, marked safe when autoescaping. Only a call that is the whole of an
    output expression is folded (inside a larger expression, Jinja's constant folding would
    lose the safe mark); calls with variables, and any that would fail, stay as they are.
    """

    def __init__(self, translate: Callable[[str], str]) -> None:
        self.translate = translate

    def visit_Output(self, node: nodes.Output) -> nodes.Node:
        node.nodes = [self._fold(child) for child in node.nodes]
        return node

    def _fold(self, child: nodes.Expr) -> nodes.Expr:
        if not (
            isinstance(child, nodes.Call)
            and isinstance(child.node, nodes.Name)
            and child.node.name in _GETTEXT_NAMES
            and len(child.args) == 1
            and isinstance(child.args[0], nodes.Const)
            and type(child.args[0].value) is str
            and not child.kwargs
            and child.dyn_args is None
            and child.dyn_kwargs is None
        ):
            return child
        try:
            text = self.translate(child.args[0].value) % {}
        except (TypeError, ValueError, KeyError):
            return child  # fails at run time, as it would have
        folded = nodes.MarkSafeIfAutoescape(nodes.Const(text))
        return folded.set_lineno(child.lineno)  # type: ignore[no-any-return]


def _binds_gettext(tree: nodes.Template) -> bool:
    """Whether the template gives `_` or `gettext` another meaning (a variable, a macro
    argument, an import): then its calls are its own and are left alone."""
    for name in tree.find_all(nodes.Name):
        if name.name in _GETTEXT_NAMES and name.ctx != "load":
            return True
    for imported in tree.find_all((nodes.Import, nodes.FromImport)):
        names = (
            [imported.target]
            if isinstance(imported, nodes.Import)
            else [n if isinstance(n, str) else n[-1] for n in imported.names]
        )
        if any(n in _GETTEXT_NAMES for n in names):
            return True
    return any(m.name in _GETTEXT_NAMES for m in tree.find_all(nodes.Macro))


class Templates:
    def __init__(self, theme: Theme, formatter: Formatter) -> None:
        self.theme = theme
        self.env = _Environment(
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
        self.env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
        _remember_gettext(self.env)
        self.env.translate = translations.gettext  # before the first template is compiled
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
        # Set by each build's renderer (pages.py, structured.py); see _Environment.
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


def _remember_gettext(env: jinja2.Environment) -> None:
    """Newstyle `_()`, `gettext()` and `ngettext()` that remember what a call returns.

    A page calls `_()` a dozen times or more; each call is a catalog lookup, a Markup and a `%`
    format. Without variables the result depends only on the arguments and whether the template
    autoescapes (the catalog is fixed for this environment), so it is made once, by the function
    jinja2.ext installed; calls with variables go to that function every time.
    """
    stock_gettext = env.globals["gettext"]
    stock_ngettext = env.globals["ngettext"]
    made: dict[tuple[str, bool], str] = {}
    made_n: dict[tuple[str, str, int, bool], str] = {}

    @jinja2.pass_context
    def gettext(context: Context, string: str, /, **variables: Any) -> str:
        if variables or type(string) is not str:
            return stock_gettext(context, string, **variables)
        key = (string, bool(context.eval_ctx.autoescape))
        text = made.get(key)
        if text is None:
            text = made[key] = stock_gettext(context, string)
        return text

    @jinja2.pass_context
    def ngettext(
        context: Context, singular: str, plural: str, num: int, /, **variables: Any
    ) -> str:
        if variables or type(num) is not int or not (type(singular) is type(plural) is str):
            return stock_ngettext(context, singular, plural, num, **variables)
        key = (singular, plural, num, bool(context.eval_ctx.autoescape))
        text = made_n.get(key)
        if text is None:
            text = made_n[key] = stock_ngettext(context, singular, plural, num)
        return text

    # jinja2.ext's `_` looks `gettext` up in the context on every call; no page defines one.
    env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext)


def _path(filename: str | None) -> Path | None:
    return Path(filename) if filename else None


def _template_frame(exc: BaseException) -> tuple[Path | None, int | None]:
    """Jinja rewrites tracebacks so template frames carry the template file and line."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename.endswith((".html", ".xml", ".txt", ".j2")):
            return Path(frame.filename), frame.lineno
    return None, None
