"""followshift.render.templates: the remembered gettext gives what jinja2.ext's gives."""

from __future__ import annotations

from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
import pytest

from followshift.render.locale import Formatter, load_translations
from followshift.render.templates import Templates
from followshift.render.theme import builtin_themes, find_theme

# Calls as themes make them: with and without variables, %% and markup in the text, plural
# forms, {% trans %} blocks, and autoescaping switched off.
SOURCE = """\
{{ _("Skip to content") }}|{{ _("Skip to content") }}|{{ gettext("Live") }}
{{ _("Posted %(when)s", when="<b>nu</b>") }}|{{ _("100%% <zeker>") }}|{{ _("a & b") ~ "<" }}
{{ _("updated %(time)s", time='<time>%s</time>'|format("19:15")|safe) }}
{% for n in [0, 1, 2, 1, 2] %}{{ ngettext("%(num)d post", "%(num)d posts", n) }};{% endfor %}
{{ ngettext('%(num)s new post', '%(num)s new posts', 2, num='{n}') }}
{% trans %}Timeline{% endtrans %}|{% trans who="<x>" %}Hello {{ who }}{% endtrans %}
{% trans count=3 %}{{ count }} post{% pluralize %}{{ count }} posts{% endtrans %}
{% autoescape false %}{{ _("a & b") ~ "<" }}|{{ _("Posted %(when)s", when="<b>") }}
{{ ngettext("%(num)d post", "%(num)d posts", 2) }}{% endautoescape %}
{{ _("a & b") ~ "<" }}|{{ _("Photo by %(team)s at %(time)s", team="A&B", time="19:15") }}
{{ _("Timeline") }}{{ gettext("Highlight") }}{{ _("no such text %%") }}{{ _("%(x)s") if false }}
"""

# Templates that give `_` another meaning: their calls are not translations.
SHADOWING = [
    '{% macro _(s) %}[{{ s }}]{% endmacro %}{{ _("Skip to content") }}',
    '{% for _ in [1] %}{{ _ }}{% endfor %}{{ _("Skip to content") }}',
    '{% set gettext = "[{}]".format %}{{ gettext("Live") }}',
    '{% macro m(_) %}{{ _("Live") }}{% endmacro %}{{ m("<{}>".format) }}',
]


def _stock_env(language: str) -> jinja2.Environment:
    theme = find_theme(Path("/nonexistent"), "default")
    env = jinja2.Environment(
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        load_translations(theme.locale_dirs, language), newstyle=True
    )
    return env


@pytest.mark.parametrize("language", ["nl", "en"])
def test_remembered_gettext_renders_what_jinjas_own_renders(language: str) -> None:
    assert (builtin_themes() / "default").is_dir()
    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter(language, ZoneInfo("Europe/Amsterdam")))
    ours = templates.env.from_string(SOURCE)
    stock = _stock_env(language).from_string(SOURCE)

    first = ours.render()
    assert first == stock.render()
    assert ours.render() == first  # now from memory
    assert first.startswith("Naar de inhoud|" if language == "nl" else "Skip to content|")


@pytest.mark.parametrize("source", SHADOWING)
def test_a_template_that_redefines_underscore_renders_as_with_jinja_alone(source: str) -> None:
    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter("nl", ZoneInfo("Europe/Amsterdam")))

    assert (
        templates.env.from_string(source).render() == _stock_env("nl").from_string(source).render()
    )


def test_literal_translations_are_compiled_into_the_template() -> None:
    """`{{ _("…") }}` costs nothing per page: its translation is static text of the template."""
    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter("nl", ZoneInfo("Europe/Amsterdam")))
    code = templates.env.compile(
        '{{ _("Skip to content") }}|{{ _("Posted %(when)s", when=1) }}', raw=True
    )

    assert "'Naar de inhoud|'" in code
    assert code.count("context.call(") == 1  # only the one with a variable


def test_remembered_gettext_keeps_the_markup_type() -> None:
    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter("en", ZoneInfo("Europe/Amsterdam")))
    html = templates.env.from_string('{{ _("a & b") ~ "<" }}')
    text = templates.env.from_string(
        '{% autoescape false %}{{ _("a & b") ~ "<" }}{% endautoescape %}'
    )

    # A translation is trusted markup when autoescaping: what is joined to it is escaped.
    assert html.render() == "a & b&lt;"
    assert text.render() == "a & b<"
    assert html.render() == "a & b&lt;"


def _sites_with_and_without(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: str, text: str
) -> list[dict[str, bytes]]:
    """The example site and a site of hostile posts (`text` as a post body), each built with
    jinja_speedups.`switch` on and then off: [example on, hostile on, example off, hostile
    off]."""
    from conftest import contents, make_site, post_path, site_files

    from followshift.build import pipeline as build_module
    from followshift.render import jinja_speedups

    hostile = {
        post_path("zevenaar", "1915-vreemd.md"): (
            '---\ntitle: "<script>alert(1)</script> & \\"quotes\\" \'x\'"\n'
            'author: "A <b>B</b> & C"\n---\n' + text
        ),
    }
    example = Path(__file__).resolve().parent.parent / "content"
    outputs = []
    for on in (True, False):
        monkeypatch.setattr(jinja_speedups, switch, on)
        for name, root in (("example", example.parent), ("hostile", None)):
            if root is None:
                root = make_site(tmp_path / f"hostile-{on}", site_files(hostile))
            out = tmp_path / f"out-{name}-{on}"
            options = build_module.BuildOptions(
                content=root / "content", out=out, now="2026-10-24T21:00", jobs=1
            )
            monkeypatch.setenv("FOLLOWSHIFT_CACHE", str(tmp_path / f"cache-{name}-{on}"))
            assert build_module.build(options).published
            outputs.append(contents(out))
    return outputs


def test_expressions_escaped_as_text_give_the_bytes_of_markupsafe_escape(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Templates escape `{{ … }}` output to plain text instead of Markup objects
    (jinja_speedups._escape_output); the example site, hostile posts and all, comes out the same
    as with MarkupSafe's escape()."""
    from followshift.render import jinja_speedups

    assert jinja_speedups._escape_inner is not None  # MarkupSafe 3: the fast path is taken
    text = "Tekst met <em>html</em>, & en < en > en \"quotes\" en 'enkel'.\n"
    outputs = _sites_with_and_without(tmp_path, monkeypatch, "TEXT_ESCAPE", text)
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]
    assert len(outputs[0]) > 50


def test_preloading_skips_templates_that_do_not_compile_and_render_still_reports_them(
    tmp_path: Path,
) -> None:
    """A build compiles the whole theme ahead (Templates.preload). A broken file that no page
    uses must stay harmless; one that a page uses is reported when it renders, as before."""
    from followshift.diagnostics import SiteError

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates/oud.html").write_text("{% if %}\n")
    (tmp_path / "templates/notities.html").write_bytes(b"\xff\xfe not UTF-8")
    theme = find_theme(tmp_path, "default", tmp_path / "site.yaml", None)
    templates = Templates(theme, Formatter("nl", ZoneInfo("Europe/Amsterdam")))

    templates.preload()

    assert templates.render("_headers", {"csp": "default-src 'self'", "embed_csp": ""}).strip()
    with pytest.raises(SiteError) as raised:
        templates.render("oud.html", {})
    assert raised.value.diagnostic.path == tmp_path / "templates/oud.html"


def test_the_jinja_speedups_are_active_with_the_pinned_versions() -> None:
    """jinja_speedups turns itself off on versions it was not written for; with the versions
    pyproject allows it must be on, or every page silently costs ~70 us more."""
    import importlib.metadata
    import tomllib

    from packaging.requirements import Requirement

    from followshift.render import jinja_speedups

    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    pins = {
        Requirement(line).name: Requirement(line).specifier
        for line in tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    }
    for name in ("jinja2", "markupsafe"):
        assert pins[name].contains(importlib.metadata.version(name)), name

    assert jinja_speedups.active()
    assert jinja_speedups.text_escape_active()
    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter("nl", ZoneInfo("Europe/Amsterdam")))
    template = templates.env.from_string('{{ x }}{{ _("Skip to content") }}')
    assert type(templates.env) is not jinja2.Environment
    assert template.root_render_func.__globals__["escape"] is jinja_speedups._escape_output
    assert template.render(x="<b>") == "&lt;b&gt;Naar de inhoud"


def test_stock_jinja_builds_the_same_site_as_the_speedups(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a Jinja or MarkupSafe the speedups were not written for, stock Jinja renders the
    example site, hostile posts and all, to the same bytes."""
    text = '{{ _("Live") }} <em>html</em>, & en < en > en "quotes" en \'enkel\'.\n'
    outputs = _sites_with_and_without(tmp_path, monkeypatch, "SPEEDUPS", text)
    assert outputs[0] == outputs[2]
    assert outputs[1] == outputs[3]
    assert len(outputs[0]) > 50


def test_the_headline_filter_and_the_old_macro_give_the_same_heading() -> None:
    """The default theme's pages use the `headline` filter; a theme that still calls the
    post_heading_text macro gets the same text: the title, or "team, time" without one,
    escaped once."""
    from datetime import datetime
    from types import SimpleNamespace

    theme = find_theme(Path("/nonexistent"), "default")
    templates = Templates(theme, Formatter("nl", ZoneInfo("Europe/Amsterdam")))
    template = templates.env.from_string(
        '{% from "partials/macros.html" import post_heading_text %}'
        "{{ post_heading_text(post) }}|{{ post|headline }}"
    )
    team = SimpleNamespace(name="Wijkteam <Noord> & Co")
    when = datetime(2026, 10, 24, 17, 5, tzinfo=ZoneInfo("UTC"))
    untitled = SimpleNamespace(title="", team=team, time=when)
    titled = SimpleNamespace(title='Brand in "De Hoek" <b>', team=team, time=when)

    assert template.render(post=untitled) == (
        "Wijkteam &lt;Noord&gt; &amp; Co, 19:05|Wijkteam &lt;Noord&gt; &amp; Co, 19:05"
    )
    assert template.render(post=titled) == (
        "Brand in &#34;De Hoek&#34; &lt;b&gt;|Brand in &#34;De Hoek&#34; &lt;b&gt;"
    )
