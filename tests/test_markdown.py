"""followshift.render.markdown: officers' Markdown → safe HTML for a strict-CSP page."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import markdown as md
import pytest
from markdown.treeprocessors import InlineProcessor

from followshift.content.loader import load_site
from followshift.diagnostics import Diagnostics
from followshift.render.markdown import (
    _CONFIG,
    _EXTENSIONS,
    _PARSER,
    _SMARTY_TRIGGER,
    BLOCK_TRIGGERS,
    INLINE_TRIGGERS,
    REFERENCE_TRIGGER,
    SMARTY_TRIGGERS,
    _MainInline,
    _SmartyInline,
    _Toc,
    render_markdown,
    sanitise,
)


def test_ordinary_markdown_renders() -> None:
    html = render_markdown("De politie is op de **weekmarkt**.\n\n- één\n- twee\n")

    assert "<p>De politie is op de <strong>weekmarkt</strong>.</p>" in html
    assert "<ul>" in html and "<li>één</li>" in html


def test_empty_text_is_empty_html() -> None:
    assert render_markdown("") == ""
    assert render_markdown("  \n\n ") == ""


def test_a_heading_in_a_post_never_becomes_a_second_h1() -> None:
    html = render_markdown("# Aanhouding\n\nTekst.\n")

    assert "<h1" not in html
    assert re.search(r"<h2>Aanhouding</h2>", html)


def test_headings_carry_no_ids_that_could_collide_between_posts() -> None:
    html = render_markdown("## Kop\n\nTekst.\n")

    assert "id=" not in html


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ('<script>alert("x")</script>', "alert"),
        ("<SCRIPT SRC=https://evil.example/x.js></SCRIPT>", "evil.example"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="#" onclick="alert(1)">klik</a>', "onclick"),
        ('<p onmouseover="alert(1)">hover</p>', "onmouseover"),
        ("[klik](javascript:alert(1))", "javascript"),
        ('<a href="jav&#x09;ascript:alert(1)">klik</a>', "ascript:"),
        ('<a href="JAVASCRIPT:alert(1)">klik</a>', "javascript"),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", "data:"),
        ("![foto](https://tracker.example/pixel.gif)", "<img"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ("<style>body{display:none}</style>", "display:none"),
        ('<div style="position:fixed;top:0">x</div>', "style="),
        ('<form action="https://evil.example"><input name="pw"></form>', "<form"),
        ('<svg onload="alert(1)"></svg>', "onload"),
        ('<object data="x.swf"></object>', "<object"),
        ('<meta http-equiv="refresh" content="0;url=https://evil.example">', "refresh"),
        ('<base href="https://evil.example/">', "<base"),
        ("<!-- verborgen opmerking van de dienst -->", "verborgen"),
    ],
)
def test_dangerous_html_is_removed(markdown: str, forbidden: str) -> None:
    html = render_markdown(f"Tekst.\n\n{markdown}\n\nMeer tekst.\n")

    assert forbidden.lower() not in html.lower(), html
    assert "Tekst." in html and "Meer tekst." in html


def test_links_get_rel_noopener() -> None:
    html = render_markdown("Zie [politie.nl](https://www.politie.nl/) en <https://example.org>.\n")

    assert '<a href="https://www.politie.nl/" rel="noopener">politie.nl</a>' in html
    assert '<a href="https://example.org" rel="noopener">' in html


def test_a_raw_html_link_cannot_drop_noopener_or_set_a_target() -> None:
    html = render_markdown('<a href="https://example.org" target="_blank" rel="opener">x</a>\n')

    assert 'rel="noopener"' in html
    assert "target=" not in html
    assert 'rel="opener"' not in html


@pytest.mark.parametrize(
    "href", ["mailto:info@politie.nl", "tel:0900-8844", "https://politie.nl", "http://politie.nl"]
)
def test_mail_phone_and_web_links_are_kept(href: str) -> None:
    html = render_markdown(f"[link]({href})\n")

    assert f'href="{href}"' in html


def test_code_and_quotes_are_escaped_not_executed() -> None:
    html = render_markdown("`<script>alert(1)</script>`\n\n> Citaat\n")

    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<blockquote>" in html


def test_tables_render() -> None:
    html = render_markdown("| Tijd | Wat |\n|---|---|\n| 19:15 | Markt |\n")

    assert "<table>" in html and "<td>Markt</td>" in html


# -- the inline passes skip patterns that cannot match; the output is exactly the stock one ----

EXAMPLE_CONTENT = Path(__file__).resolve().parent.parent / "content"

TRICKY = [
    'Hij zei "stop" en liep weg.',
    "\"'Dubbel' gequote\" en '\"andersom\"'.",
    "'s Avonds om 8 uur, de '80s en rock 'n' roll.",
    "Het gaat door -- of niet --- en zo... of zo.... of zo..",
    "Pijlen -> en <- en --> en <!-- commentaar -->",
    "`code met \"quotes\" en -- en ...` daarna 'tekst'",
    "```\nblok met 'quotes' -- ...\n```\n\nna het blok",
    "    ingesprongen code 'x' -- ...\n\ngewoon",
    '<span title="a--b">x</span> en <abbr title="\'">y</abbr>',
    '<div class="x">\n"blok" -- html\n</div>\n\nNa "html".',
    "&quot;entiteit&quot; &#39;apostrof&#39; &mdash;\"x\" &nbsp;'y' &ndash;'z'",
    "Escapes: \\' \\\" \\-\\- .\\.. \\.\\.\\. \\\\'",
    "Geen aanhalingstekens, geen streepjes, alleen - en . en ..",
    "- lijst 'een'\n- lijst \"twee\"\n- lijst -- drie\n",
    "1. eerst\n2. dan...\n\n> citaat 'binnen'\n> -- iemand",
    '# Kop met "quotes"\n\n## Kop -- met streep\n\ntekst',
    "| Tijd | Wat |\n|---|---|\n| 19:15 | 'Markt' -- druk |\n| 20:00 | \"rust\"... |\n",
    '[link "x"](https://politie.nl/a--b "titel \'t\'") en <https://a.example/--/...>',
    "<info--x@politie.nl> en [mail](mailto:a'b@example.org)",
    "**vet 'quote'** *schuin \"dubbel\"* ***beide -- ...***",
    "regel 'een'  \nregel \"twee\"  \n-- drie",
    "\x02'x'\x03 en -\x02- en .\x03..",
    "[TOC]\n\n## Een 'kop'\n\n## Twee",
    "Lege 'quotes' '' en \"\" en '\"' en \"'\".",
    "Een 'quote aan het eind'",
    '"Aan het begin" van de tekst.',
    "'? en \"! aan het begin",
    "Streepje-aan-streepje - - en -- -- en ---- en -----",
    "Puntjes .... ..... . . . en ...'x'...",
    "Tekst\n\n---\n\nNa de lijn\n\nKop\n---\n",
    "a--b c---d e...f 'g' \"h\" 1'2\" 5' 10\"",
    # every inline pattern of the main pass, alone, nested and next to placeholders
    '![foto](a.jpg "titel") en ![ref][f] en ![f] en [tekst][f] en [f] en [f][]\n\n[f]: https://x.example/',
    "[**vet** in `link`](https://x.example/) en **[link](https://y.example/) in vet**",
    "\\*geen nadruk\\* en \\[geen link\\] en \\`geen code\\` en \\\\dubbel",
    "`` code met ` erin `` en \\\\`code na escapes`",
    "<b>html</b> en <br/> en <!-- c --> en <?php ?> en <![CDATA[x]]> en a < b > c",
    "&amp; &copy; &#169; &#xA9; & los & en &geen;entiteit",
    "__onderstreept vet__ en _schuin_ en snake_case_naam en * los * en ** los **",
    "***vet-schuin*** en **_gemengd_** en *__ook__* en _*x*_",
    "regel met twee spaties  \nen met drie   \nen een tab\t\nen geen",
    "<https://politie.nl/a_b*c> en <mailto:x_y@politie.nl> en <x_y@politie.nl>",
    '[link met <b>html</b>](https://x.example/ "t&amp;t") en [`code`](x) en [a\\]b](c)',
    "* lijst met **vet**\n* en [link](x)\n\n> citaat met `code` en &amp;",
    "| `a` | **b** |\n|---|---|\n| [c](d) | e_f_g |\n",
    "# Kop met *nadruk* en [link](x)\n\ntekst",
    "Tekst [TOC] in een zin",
    "  [TOC]  ",
    # every block processor, alone and where its trigger is in a block it does not match
    "# Een\n## Twee ##\n###### Zes\n####### Zeven\nnummer #3 en #hashtag",
    "Kop\n===\n\nKop twee\n---\n\ntekst\n- geen kop maar lijst\n\na\n=b",
    "---\n\n***\n\n___\n\n- - -\n\n*  *  *\n\n_ _ _\n\n-- niet\n\n**vet** en *schuin*",
    "> citaat\n> > genest\n\n   > ingesprongen\n\na > b en b < c\n\n    > code",
    '[a]: https://x.example/\n[b]:\n  https://y.example/ "Titel"\n\n[a] en [b] en [c]: geen',
    "| a | b |\n| - | :-: |\n| 1 | 2 |\n\na | b\n--|--\n1 | 2\n\n| alleen |\n\nx | y\n",
    "tekst\n\n\n\n    code | met > en # en ]:\n\n1. een\n2. twee\n   > citaat in lijst\n",
]


def _stock_parser() -> Any:
    """Python-Markdown as it comes: the same extensions and settings, smarty unchanged."""
    return md.Markdown(extensions=_EXTENSIONS, extension_configs=_CONFIG, output_format="html")


def _texts() -> list[str]:
    site = load_site(EXAMPLE_CONTENT, Diagnostics())
    texts = [p.body for shift in site.shifts for p in shift.posts]
    texts += [shift.description for shift in site.shifts]
    pieces = [*TRICKY, *(t for text in texts for t in text.split("\n\n"))]
    rng = random.Random(20261024)
    mixed = ["\n\n".join(rng.sample(pieces, rng.randint(1, 5))) for _ in range(300)]
    return [*texts, *TRICKY, *mixed]


def test_the_example_site_has_texts_with_and_without_smarty_work() -> None:
    site = load_site(EXAMPLE_CONTENT, Diagnostics())
    bodies = [p.body for shift in site.shifts for p in shift.posts]
    assert len(bodies) > 30
    assert any(_SMARTY_TRIGGER.search(b) for b in bodies)
    assert any(not _SMARTY_TRIGGER.search(b) for b in bodies)


def test_skipping_patterns_that_cannot_match_changes_no_byte() -> None:
    stock = _stock_parser()
    for text in _texts():
        expected = stock.reset().convert(text)
        assert _PARSER.reset().convert(text) == expected, text
        assert render_markdown(text) == (sanitise(expected) if text.strip() else ""), text


def test_the_skipping_passes_are_in_place_of_the_stock_ones() -> None:
    """They override private methods of Python-Markdown: a rename would make them no-ops (or
    worse, the main pass would lose its loop)."""
    assert "_InlineProcessor__handleInline" in vars(InlineProcessor)
    assert "_InlineProcessor__applyPattern" in vars(InlineProcessor)
    assert type(_PARSER.treeprocessors["smarty"]) is _SmartyInline
    assert type(_PARSER.treeprocessors["inline"]) is _MainInline
    assert isinstance(_PARSER.treeprocessors["toc"], _Toc)
    stock = _stock_parser().treeprocessors
    assert [stock.get_index_for_name(n) for n in ("inline", "prettify", "smarty", "toc")] == [
        _PARSER.treeprocessors.get_index_for_name(n)
        for n in ("inline", "prettify", "smarty", "toc")
    ]


@pytest.mark.parametrize("which", ["inline", "smarty"])
def test_every_stock_inline_pattern_has_its_trigger(which: str) -> None:
    """A pattern Python-Markdown adds or renames is tried always, which is safe but slow: this
    says so. And each trigger is really needed: the pattern does not match a text without it."""
    stock = _stock_parser()
    if which == "smarty":
        patterns = stock.treeprocessors["smarty"].inlinePatterns
    else:
        patterns = stock.inlinePatterns
    triggers = INLINE_TRIGGERS if which == "inline" else SMARTY_TRIGGERS
    names = sorted((item.name for item in patterns._priority), key=patterns.get_index_for_name)
    assert set(names) <= set(triggers)
    assert _PARSER.treeprocessors[which]._triggers == [triggers[n] for n in names]
    for name in names:
        text = "".join(TRICKY) + "".join(_texts()[:40])
        for needed in triggers[name]:
            while needed in text:
                text = text.replace(needed, "")
        assert patterns[name].getCompiledRegExp().search(text) is None, name


def test_every_skipped_block_test_has_a_trigger_it_needs() -> None:
    """The block processors given triggers are the stock ones, and each trigger is needed: the
    processor's expression does not match a text without it."""
    stock = _stock_parser().parser.blockprocessors
    assert set(BLOCK_TRIGGERS) < {item.name for item in stock._priority}
    expressions = {name: stock[name].RE for name in ("hashheader", "setextheader", "quote")}
    expressions |= {"hr": stock["hr"].SEARCH_RE, "reference": stock["reference"].RE}
    triggers = {**BLOCK_TRIGGERS, "reference": (REFERENCE_TRIGGER,)}
    for name, expression in expressions.items():
        text = "\n\n".join([*TRICKY, *_texts()[:40]])
        for needed in triggers[name]:
            while needed in text:
                text = text.replace(needed, "")
        assert expression.search(text) is None, name
    # The table processor has no single expression: its test on blocks without their pipes.
    blocks = "\n\n".join(TRICKY).split("\n\n")
    assert any(stock["table"].test(None, block) for block in blocks)
    assert not any(stock["table"].test(None, block.replace("|", "")) for block in blocks)


def test_quotes_dashes_and_ellipses_are_still_educated() -> None:
    html = render_markdown("Hij zei \"stop\" en 'ga' -- nu --- of later... in de '80s.\n")

    assert html == "<p>Hij zei “stop” en ‘ga’ – nu — of later… in de ’80s.</p>"
    assert render_markdown('`"code"` blijft "recht"') == '<p><code>"code"</code> blijft “recht”</p>'
