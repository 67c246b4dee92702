"""followshift.render.markdown: officers' Markdown → safe HTML for a strict-CSP page."""

from __future__ import annotations

import re

import pytest

from followshift.render.markdown import render_markdown


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
