"""Every use of Jinja's and MarkupSafe's private APIs, in one place and version-guarded.

The speedups below lean on internals: the namespace of a compiled template module, the parser
hook `Environment._parse`, the globals jinja2.ext.i18n installs, and MarkupSafe's text-only
`_escape_inner`. They were written against Jinja 3.1 and MarkupSafe 3 (pyproject pins those
ranges). On any other version the guard leaves them out and stock Jinja runs, which gives the
same bytes, only slower (tests/test_templates.py builds the site both ways and compares).

What render/templates.py uses: `environment()` makes the Jinja environment and
`install_translations()` installs the theme's catalog into it.
"""

from __future__ import annotations

from collections.abc import Callable
from gettext import NullTranslations
from typing import Any, cast

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.runtime import Context
from jinja2.visitor import NodeTransformer


def _escape_fits(escape_inner: Callable[[str], str] | None) -> bool:
    """MarkupSafe's text-only escape is there and escapes as markupsafe.escape() does."""
    if escape_inner is None:
        return False
    sample = "<a href=\"x\">'&'</a>"
    try:
        return escape_inner(sample) == str(markupsafe.escape(sample))
    except Exception:  # another signature: not the function this was written for
        return False


# Jinja 3.1.x: the internals below were read from it. `vars()` rather than an attribute, so a
# later Jinja that deprecates `__version__` (a warning on access) just turns the speedups off.
SPEEDUPS: bool = str(vars(jinja2).get("__version__", "")).startswith("3.1.")

# MarkupSafe's C escaping without the Markup object around it (MarkupSafe 3; None before).
_escape_inner: Callable[[str], str] | None = getattr(markupsafe, "_escape_inner", None)
if not _escape_fits(_escape_inner):
    _escape_inner = None


def _unreachable(text: str) -> str:
    raise AssertionError("text escape used without MarkupSafe's _escape_inner")


# What _escape_output calls: a plain global, so a page pays no check or cast per expression.
_escape_text: Callable[[str], str] = _escape_inner or _unreachable

TEXT_ESCAPE = True  # tests switch it off to compare with MarkupSafe's escape()


def active() -> bool:
    """Whether environments made now get the speedups (the test of the pins asserts it)."""
    return SPEEDUPS


def text_escape_active() -> bool:
    """Whether templates compiled now escape their output to plain text."""
    return SPEEDUPS and TEXT_ESCAPE and _escape_inner is not None


def environment(**options: Any) -> jinja2.Environment:
    """A Jinja environment with the speedups when the versions fit, stock Jinja otherwise.

    Either way every global must be set before the first template is loaded (see
    _Environment), so the two behave the same.
    """
    if SPEEDUPS:
        return _Environment(**options)
    return jinja2.Environment(**options)


def install_translations(env: jinja2.Environment, translations: NullTranslations) -> None:
    """Newstyle gettext from the catalog; with the speedups, remembered calls and literal
    translations folded in at compile time. Call it before the first template is compiled."""
    env.install_gettext_translations(translations, newstyle=True)  # type: ignore[attr-defined]
    if isinstance(env, _Environment):
        _remember_gettext(env)
        env.translate = translations.gettext


def _escape_output(value: Any) -> str:
    """markupsafe.escape() as plain text, for the output of a template expression.

    In a compiled template, `escape` wraps only what an expression outputs (`{{ … }}`), and
    that goes straight into the page or into a buffer that Jinja joins and marks safe itself
    (macros, `{% set %}` blocks, filter blocks): nothing ever sees the Markup object. Making it
    was most of the cost of escaping (a Python-level Markup() for each of the ~80 expressions
    of a post page): post page 168 -> 123 us, the same bytes (tests compare).
    """
    if type(value) is str:
        return _escape_text(value)
    if hasattr(value, "__html__"):
        html: str = value.__html__()
        return html
    return _escape_text(str(value))


class _Template(jinja2.Template):
    """A template whose expressions are escaped by _escape_output (when MarkupSafe has its
    text-only escape): set in the compiled module's namespace, which its blocks and macros
    share."""

    @classmethod
    def from_code(cls, environment: Any, code: Any, globals: Any, uptodate: Any = None) -> Any:
        template = super().from_code(environment, code, globals, uptodate)
        if text_escape_active():
            template.root_render_func.__globals__["escape"] = _escape_output
        return template


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
        # set_lineno returns the node it was called on, typed as any Node.
        return cast(nodes.Expr, folded.set_lineno(child.lineno))


def _binds_gettext(tree: nodes.Template) -> bool:
    """Whether the template gives `_` or `gettext` another meaning (a variable, a macro
    argument, an import): then its calls are its own and are left alone."""
    for name in tree.find_all(nodes.Name):
        if name.name in _GETTEXT_NAMES and name.ctx != "load":
            return True
    for imported in tree.find_all((nodes.Import, nodes.FromImport)):
        if isinstance(imported, nodes.Import):
            names = [imported.target]
        elif isinstance(imported, nodes.FromImport):
            names = [n if isinstance(n, str) else n[-1] for n in imported.names]
        else:
            continue
        if any(n in _GETTEXT_NAMES for n in names):
            return True
    return any(m.name in _GETTEXT_NAMES for m in tree.find_all(nodes.Macro))


# The newstyle functions jinja2.ext installs: (context, string, **variables) and
# (context, singular, plural, num, **variables).
_Gettext = Callable[..., str]


def _remember_gettext(env: jinja2.Environment) -> None:
    """Newstyle `_()`, `gettext()` and `ngettext()` that remember what a call returns.

    A page calls `_()` a dozen times or more; each call is a catalog lookup, a Markup and a `%`
    format. Without variables the result depends only on the arguments and whether the template
    autoescapes (the catalog is fixed for this environment), so it is made once, by the function
    jinja2.ext installed; calls with variables go to that function every time.
    """
    stock_gettext = cast(_Gettext, env.globals["gettext"])
    stock_ngettext = cast(_Gettext, env.globals["ngettext"])
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
