"""followshift.render.markdown: officers' Markdown → safe HTML for a strict-CSP page."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from followshift.content.loader import load_site
from followshift.diagnostics import Diagnostics
from followshift.render.markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, render_markdown


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


# -- CommonMark as officers type it --------------------------------------------------------------


def test_a_list_right_under_a_line_is_a_list() -> None:
    """On a phone nobody leaves a blank line before a list; CommonMark does not ask for one."""
    html = render_markdown("Wij zagen:\n- een fiets\n- een scooter\n\nEn ook:\n1) een\n2) twee\n")

    assert "<p>Wij zagen:</p>\n<ul>\n<li>een fiets</li>\n<li>een scooter</li>\n</ul>" in html
    assert "<ol>\n<li>een</li>\n<li>twee</li>\n</ol>" in html


def test_a_list_indented_by_two_spaces_nests() -> None:
    html = render_markdown("- Markt\n  - kraam 1\n  - kraam 2\n- Plein\n")

    assert html.count("<ul>") == 2
    assert "<li>Markt\n<ul>\n<li>kraam 1</li>" in html


def test_fenced_code_and_strikethrough() -> None:
    html = render_markdown("```\nkenteken XX-123-Y\n```\n\nDe melding was ~~vals~~ terecht.\n")

    assert "<pre><code>kenteken XX-123-Y\n</code></pre>" in html
    assert "<del>vals</del>" in html


def test_a_web_address_in_angle_brackets_is_a_link_and_a_bare_one_is_text() -> None:
    html = render_markdown(
        "Meer op <https://www.politie.nl/nieuws> of www.politie.nl, mail <info@politie.nl>.\n"
    )

    assert '<a href="https://www.politie.nl/nieuws" rel="noopener">' in html
    assert '<a href="mailto:info@politie.nl" rel="noopener">info@politie.nl</a>' in html
    assert html.count("<a ") == 2 and "of www.politie.nl," in html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("# Kop", "<h2>Kop</h2>"),
        ("## Kop", "<h3>Kop</h3>"),
        ("### Kop", "<h4>Kop</h4>"),
        ("#### Kop", "Kop"),  # <h5> and <h6> are not allowed: the words stay, as text
        ("###### Kop", "Kop"),
        ("Kop\n===", "<h2>Kop</h2>"),
        ("Kop\n---", "<h3>Kop</h3>"),
        ("<h1>Kop</h1>", "<h2>Kop</h2>"),  # "whatever level is written", in HTML too
        ('<h2 class="x">Kop</h2>', "<h3>Kop</h3>"),
    ],
)
def test_every_heading_moves_one_level_down(markdown: str, expected: str) -> None:
    assert render_markdown(markdown + "\n") == expected


def test_heading_tags_in_code_stay_text() -> None:
    html = render_markdown("`<h1>` en\n\n```\n<h2>x</h2>\n```\n")

    assert "&lt;h1&gt;" in html and "&lt;h2&gt;x&lt;/h2&gt;" in html
    assert "<h2>" not in html and "<h3>" not in html


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("'s Avonds", "’s Avonds"),
        ("Doe 's avonds het licht aan.", "Doe ’s avonds het licht aan."),
        ("in 's-Hertogenbosch", "in ’s-Hertogenbosch"),
        ("'t Is rustig, 'n mooie avond, 'k weet.", "’t Is rustig, ’n mooie avond, ’k weet."),
        ("de '80s en '23", "de ’80s en ’23"),
        ("auto's en zo'n", "auto’s en zo’n"),
        ("Hij zei 'toen' en 'stop'.", "Hij zei ‘toen’ en ‘stop’."),  # real quotes stay quotes
        ("'s' en 'k'", "’s’ en ’k’"),
    ],
)
def test_dutch_elisions_get_an_apostrophe_not_an_opening_quote(
    markdown: str, expected: str
) -> None:
    assert render_markdown(markdown) == f"<p>{expected}</p>"


def test_quotes_dashes_and_ellipses_are_educated() -> None:
    html = render_markdown("Hij zei \"stop\" en 'ga' -- nu --- of later... in de '80s.\n")

    assert html == "<p>Hij zei “stop” en ‘ga’ – nu — of later… in de ’80s.</p>"
    assert render_markdown('`"code"` blijft "recht"') == '<p><code>"code"</code> blijft “recht”</p>'


# -- whatever is typed, the output stays inside the allow-list -----------------------------------

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
    "- lijst 'een'\n- lijst \"twee\"\n- lijst -- drie\n",
    "1. eerst\n2. dan...\n\n> citaat 'binnen'\n> -- iemand",
    '# Kop met "quotes"\n\n## Kop -- met streep\n\ntekst',
    "| Tijd | Wat |\n|---|---|\n| 19:15 | 'Markt' -- druk |\n| 20:00 | \"rust\"... |\n",
    '[link "x"](https://politie.nl/a--b "titel \'t\'") en <https://a.example/--/...>',
    "<info--x@politie.nl> en [mail](mailto:a'b@example.org)",
    "regel 'een'  \nregel \"twee\"  \n-- drie",
    "\x00\x02'x'\x03 en -\x02- en .\x03..",
    '![foto](a.jpg "titel") en ![ref][f] en [tekst][f] en [f] en [f][]\n\n[f]: https://x.example/',
    "<b>html</b> en <br/> en <!-- c --> en <?php ?> en <![CDATA[x]]> en a < b > c",
    "&amp; &copy; &#169; &#xA9; & los & en &geen;entiteit",
    "__onderstreept vet__ en _schuin_ en snake_case_naam en * los * en ** los **",
    "<https://politie.nl/a_b*c> en <mailto:x_y@politie.nl> en www.x.example/<script>",
    '<a href="https://x.example" onclick="x()" style="color:red" id="y">a</a><h1 id="z">h</h1>',
    "<table><tr><th scope=col onclick=x>a</th></tr></table><h6>zes</h6><img src=x>",
    '<svg><a xlink:href="javascript:x">s</a></svg><math><mi>x</mi></math>',
    "# Een\n## Twee ##\n###### Zes\n####### Zeven\nnummer #3 en #hashtag",
    "> citaat\n> > genest\n\n   > ingesprongen\n\na > b en b < c\n\n    > code",
]


def _texts() -> list[str]:
    site = load_site(EXAMPLE_CONTENT, Diagnostics())
    texts = [p.body for shift in site.shifts for p in shift.posts]
    texts += [shift.description for shift in site.shifts]
    pieces = [*TRICKY, *(t for text in texts for t in text.split("\n\n"))]
    rng = random.Random(20261122)
    mixed = ["\n".join(rng.sample(pieces, rng.randint(1, 5))) for _ in range(300)]
    return [*texts, *TRICKY, *mixed]


_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)((?:\s[^>]*)?)>")
_ATTRIBUTE = re.compile(r'\s([a-z:-]+)="[^"]*"')
_HREF = re.compile(r'href="([^"]*)"')


def test_every_text_comes_out_inside_the_allow_list() -> None:
    """Tags and attributes only from the allow-list, never an <h1> (the page's own) and never
    a link without rel="noopener", for the example site's texts and hostile ones mixed."""
    for text in _texts():
        html = render_markdown(text)
        for match in _TAG.finditer(html):
            closing, tag, attributes = match.groups()
            assert tag in ALLOWED_TAGS, (text, html)
            names = _ATTRIBUTE.findall(attributes)
            assert set(names) <= ALLOWED_ATTRIBUTES.get(tag, set()) | {"rel"}, (text, html)
            assert _ATTRIBUTE.sub("", attributes).strip() == "", (text, html)
            if tag == "a" and not closing:
                assert 'rel="noopener"' in attributes, (text, html)
                for href in _HREF.findall(attributes):
                    scheme = href.partition(":")[0] if ":" in href.split("/")[0] else ""
                    assert scheme in {"", "http", "https", "mailto", "tel"}, (text, html)
