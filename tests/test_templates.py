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
"""


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
