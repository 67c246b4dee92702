"""Fault injection, Markdown: what a hostile or broken post body does to a build (issue 15).

Markdown nested absurdly deep is an error of its post with its line, found at once; control
characters never reach a page, feed or live.json; a link whose address the sanitiser refused
becomes its words (valid HTML for the Nu checker); and the test run says which checks it skipped.
"""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import AFTER, SHIFT, Run, html_pages, make_site, post_path, site_files
from standards_support import missing, vnu_jar

from followshift.commonmark import convert as _convert
from followshift.commonmark import nesting_problem
from followshift.nesting import MAX_DEPTH, MAX_OPEN_FORMATTING, TooDeep, balance
from followshift.render.markdown import render_markdown, without_controls

TESTS = Path(__file__).resolve().parent

# -- Markdown nested absurdly deep -----------------------------------------------------------------

TOO_DEEP = f"more than {MAX_DEPTH} lists, quotes or HTML elements inside one another"
TOO_MANY_OPEN = (
    f"more than {MAX_OPEN_FORMATTING} bold, italic, link or other inline elements open at once"
    " (nested, or HTML tags such as <b> never closed)"
)
# Each nests 10,000 deep (or leaves formatting open before 10,000 blocks): before the limit, the
# sanitiser took seconds to minutes on each, quadratic in the depth, or grew the page 50-fold.
DEEP = {
    "lijst": ("- " * 10_000 + "x\n", TOO_DEEP),
    "genummerd": ("1. " * 10_000 + "x\n", TOO_DEEP),
    "citaat": (">" * 10_000 + " x\n", TOO_DEEP),
    "citaat-in-lijst": ("> - " * 5_000 + "x\n", TOO_DEEP),
    "html": ("<div>" * 10_000 + "x\n", TOO_DEEP),
    "html-lijst": ("<ul><li>" * 5_000 + "x\n", TOO_DEEP),
    "nadruk": ("*" * 10_000 + "x" + "*" * 10_000 + "\n", TOO_MANY_OPEN),
    "vet-open": (
        "".join(f"<b title={i}>" for i in range(50)) + "\n\n" + "<p>x</p>" * 10_000,
        TOO_MANY_OPEN,
    ),
}


@pytest.mark.parametrize(("body", "message"), DEEP.values(), ids=DEEP.keys())
def test_markdown_nested_absurdly_deep_is_an_error_of_its_post_at_its_line(
    tmp_path: Path, run: Run, body: str, message: str
) -> None:
    text = "---\ntitle: Diep\n---\nEen gewone eerste alinea.\n\n" + body
    make_site(tmp_path, site_files({post_path("zevenaar", "2030-diep.md"): text}))

    started = time.perf_counter()
    result = run(["build", "--now", AFTER], tmp_path)
    elapsed = time.perf_counter() - started

    assert result.exit_code == 1
    assert result.diagnostics("error") == [
        f"content/{SHIFT}/zevenaar/2030-diep.md:6: error: Markdown nested too deeply: {message}"
    ]
    assert "Traceback" not in result.stderr
    shift = tmp_path / "site" / SHIFT
    assert (shift / "zevenaar" / "1915-weekmarkt" / "index.html").is_file()  # the others: there
    assert not (shift / "zevenaar" / "2030-diep").exists()
    assert elapsed < 5, f"{elapsed:.1f} s"


def test_the_line_is_where_the_nesting_goes_too_deep() -> None:
    text = "Eerst.\n\n- a\n" + "".join("  " * i + "- b\n" for i in range(1, 80))

    problem = nesting_problem(text)

    # 50 lists deep is 100 elements (each a <ul> and an <li>): the 51st is one too many.
    assert problem is not None and problem.line == 3 + 50


def test_nesting_a_real_post_uses_is_published_as_written(tmp_path: Path, run: Run) -> None:
    body = (
        "".join("  " * i + f"- niveau {i}\n" for i in range(12))
        + "\n"
        + "> " * 8
        + "**vet _schuin [link](https://www.politie.nl/) ~~weg~~_**\n\n"
        + "<blockquote class='twitter-tweet'><p lang='nl'>Tweet <a href='https://t.co/x'>"
        + "pic</a></p>&mdash; Politie (@politie)</blockquote>\n"
        + "<script async src='https://platform.twitter.com/widgets.js'></script>\n"
        + ("<p>Alinea <b>vet</b> en <i>schuin</i>.</p>\n" * 60)
    )
    make_site(tmp_path, site_files({post_path("zevenaar", "2030-genest.md"): body}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    page = (tmp_path / "site" / SHIFT / "zevenaar" / "2030-genest" / "index.html").read_text()
    page = page[page.index('<div class="post-body">') : page.index("</article>")]
    assert page.count("<ul>") == 12 and page.count("<blockquote>") == 8 + 1
    assert '<a href="https://t.co/x" rel="noopener">pic</a>' in page
    assert page.count("<b>vet</b>") == 60 and "widgets.js" not in page


HOSTILE = {
    "lijst": "- " * 250_000 + "x\n",
    "citaat": ">" * 500_000 + " x\n",
    "html": "<div>" * 200_000 + "x\n",
    "vet-open-na-elke-alinea": (
        "<p>" + "".join(f"<b title={i}>" for i in range(99)) + "</p>" + "<p>x</p>" * 120_000
    ),
    "vet-open-oplopend": "".join(
        "<p>" + "".join(f"<b title={r}-{i}>" for i in range(50)) + "x</p>" for r in range(400)
    ),
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_rendering_a_hostile_megabyte_takes_a_moment_and_stays_small(text: str) -> None:
    """Before the limit: minutes (a list nested 250,000 deep), or 12 s and 222 MB of HTML (99
    <b> left open, re-opened by the sanitiser in each of 120,000 paragraphs)."""
    started = time.perf_counter()
    html = render_markdown(text)
    elapsed = time.perf_counter() - started

    assert elapsed < 2, f"{elapsed:.1f} s"
    assert len(html) < 5 * len(text)  # as text, "<" and ">" become "&lt;" and "&gt;"
    assert nesting_problem(text) is not None


def _nested(rng: random.Random) -> str:
    """Lists, quotes, emphasis and raw HTML nested to a random depth around the limits."""
    depth = rng.randint(1, 70)
    parts = []
    for _ in range(depth):
        parts.append(rng.choice(["- ", "> ", "1. ", "<div>", "<b>", "<i>", "*", "<ul><li>"]))
    return (
        "".join(parts)
        + "x"
        + "".join(rng.choice(["</div>", "</b>", "</i>", "*", "", "\n\n"]) for _ in range(depth))
    )


def test_what_the_check_passes_renders_as_markdown_and_what_it_refuses_comes_out_flat() -> None:
    """The reading check (a quick bound first) and the renderer's limit always agree: a post
    that passed is never flattened into plain text."""
    rng = random.Random(15)
    texts = [_nested(rng) for _ in range(400)]
    texts += ["\n".join(rng.sample(texts, 5)) for _ in range(100)]
    texts += ["  " * i + "- x" for i in range(60)] + ["\t" * i + "- x" for i in range(30)]
    for text in texts:
        try:
            balance(_convert(without_controls(text)))
            renders = True
        except TooDeep:
            renders = False
        assert (nesting_problem(text) is None) == renders, text


# -- control characters ----------------------------------------------------------------------------

FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe\U0001ffff\U0010fffe\U0010ffff]"
)
CONTROLS = (
    "".join(map(chr, [*range(1, 9), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0)]))
    + "\ufdd0\ufffe\uffff\U0001fffe\U0010ffff"
)
REFERENCES = "&#1; &#x7f; &#x9F; &#xFFFE; &#xfdd0; &#x1FFFF;"
ATOM = "http://www.w3.org/2005/Atom"


def test_control_characters_in_a_post_reach_no_page_feed_or_live_json(
    tmp_path: Path, run: Run
) -> None:
    body = (
        f"Tekst{CONTROLS}met tekens.\n\n# Kop{CONTROLS}\n\n`code{CONTROLS}` en"
        f" [link{CONTROLS}](https://www.politie.nl/{CONTROLS}) en {REFERENCES}\n\n"
        f"<b title='{CONTROLS}{REFERENCES}'>vet{CONTROLS}</b>\n\n- lijst{CONTROLS}\n"
    )
    make_site(tmp_path, site_files({post_path("zevenaar", "2030-tekens.md"): body}))

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    site = tmp_path / "site"
    feeds = sorted(site.rglob("feed.xml"))
    assert len(feeds) >= 3
    for feed in feeds:
        ET.parse(feed)  # a well-formed XML 1.0 document
    entries = ET.parse(site / "feed.xml").getroot().iterfind(f"{{{ATOM}}}entry/{{{ATOM}}}content")
    # A vertical tab or form feed (a line break pasted from a word processor) becomes a space.
    assert any("<p>Tekst  met tekens.</p>" in (entry.text or "") for entry in entries)
    checked = [*html_pages(site), *feeds, *site.rglob("feed.json"), *site.rglob("live.json")]
    for path in checked:
        text = path.read_text(encoding="utf-8")
        assert not FORBIDDEN.search(text), (path, FORBIDDEN.findall(text))
        if path.suffix == ".json":
            decoded = json.dumps(json.loads(text), ensure_ascii=False)
            assert not FORBIDDEN.search(decoded), path  # not even written as \u0001
    post = (site / SHIFT / "zevenaar" / "2030-tekens" / "index.html").read_text()
    assert "Tekst  met tekens." in post and "<code>code  </code>" in post
    assert '<a href="https://www.politie.nl/" rel="noopener">link  </a>' in post


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a\x00b\x01c\x7fd\x85e\ufffef\U0001fffeg", "<p>abcdefg</p>"),
        ("emoji 🚓 blijft, \U0001fffd ook", "<p>emoji 🚓 blijft, \U0001fffd ook</p>"),
        ("tab\tblijft", "<p>tab\tblijft</p>"),
        ("&#1;&#x0B;&#xFDD0;&#x10FFFF;x", "<p>x</p>"),
        ('<a href="java&#1;script:alert(1)">klik</a>', "<p>klik</p>"),
    ],
)
def test_control_characters_and_noncharacters_are_dropped(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == expected


# -- links whose address was refused ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[klik](javascript:alert(1))", "<p>klik</p>"),
        ('<a href="javascript:x" title="t">t</a>', "<p>t</p>"),
        ('<a name="anker">hier</a> en <a>daar</a>', "<p>hier en daar</p>"),
        ("[data](data:text/html;base64,PHNjcmlwdD4=)", "<p>data</p>"),
        (
            '<a href="vbscript:x">een <b>vet</b> woord</a> [ok](https://politie.nl)',
            '<p>een <b>vet</b> woord <a href="https://politie.nl" rel="noopener">ok</a></p>',
        ),
    ],
)
def test_a_link_whose_address_was_refused_becomes_its_words(markdown: str, expected: str) -> None:
    assert render_markdown(markdown) == expected


PASTED = """\
---
title: Geplakt uit een mail
---
Doorgestuurd bericht:

<div class="mail" onclick="steal()"><p>Beste <a href="javascript:alert(1)" title="k">collega</a>,
<p>Zie <a name="anker">hier</a>, <a href="https://www.politie.nl/" target="_blank"
rel="opener">politie.nl</a>, <a href="java&#1;script:alert(1)">dit</a> en
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>.</p>
<script>alert(1)</script><style>body{display:none}</style>
<iframe src="https://evil.example/"></iframe>
<form action="https://evil.example/"><input name="pw"><button>Verstuur</button></form>
<table><tr><td><b>vet<td>cel</table>
<ul><li>een<li>twee<ul><li><h1>kop in een lijst</h1></ul></ul>
<p><b><i>scheef</b> genest</i>
<img src="x" onerror="alert(1)"><svg onload="alert(1)"><a xlink:href="javascript:x">s</a></svg>
</div>

[markdown-link](javascript:alert(1)) en [mail](mailto:info@politie.nl) en &#1; &#xFFFE;
"""


def test_hostile_pasted_html_gives_pages_the_nu_html_checker_accepts(
    tmp_path: Path, run: Run
) -> None:
    jar = vnu_jar()
    if jar is None:
        missing("vnu.jar not found (npm install vnu-jar, see .ci/run; or FOLLOWSHIFT_VNU_JAR)")
    java = shutil.which("java")
    if java is None:
        missing("java not found (apt-get install default-jre-headless)")
    make_site(tmp_path, site_files({post_path("zevenaar", "2030-geplakt.md"): PASTED}))
    assert run(["build", "--now", AFTER], tmp_path).exit_code == 0
    site = tmp_path / "site"
    pages = [site / SHIFT / "zevenaar" / "2030-geplakt" / "index.html", site / SHIFT / "index.html"]

    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "gnu", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.stderr.strip() == "" and result.returncode == 0, result.stderr
    assert "<a rel=" not in pages[0].read_text()


# -- the example site --------------------------------------------------------------------------

EXAMPLE = TESTS.parent / "content"


def test_the_example_site_checks_clean_with_no_warnings(tmp_path: Path, run: Run) -> None:
    """What the README's quick start builds: an example shows how it is done, alt text too."""
    result = run(["check", "--content", str(EXAMPLE), "--strict"], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.lines()[-1].endswith("0 errors, 0 warnings"), result.stderr


def test_the_example_site_invites_no_replies_it_cannot_take() -> None:
    """A followshift site has no comments: questions go to the team's social media."""
    invitation = re.compile(r"in de reacties|reageer|laat (het )?(ons )?weten", re.IGNORECASE)
    texts = {
        p: p.read_text(encoding="utf-8") for p in EXAMPLE.rglob("*") if p.suffix in (".md", ".yaml")
    }
    assert texts
    assert {p.name: m[0] for p, text in texts.items() if (m := invitation.search(text))} == {}
    assert "SPEC.md" not in texts[EXAMPLE / "site.yaml"]


# -- the run says which checks it skipped ----------------------------------------------------------

_SKIPPING = """\
import pytest

@pytest.mark.parametrize("n", range(3))
def test_needs_chromium(n):
    pytest.skip("Chromium not found (apt-get install chromium, or set FOLLOWSHIFT_CHROMIUM)")

def test_needs_vnu():
    pytest.skip("vnu.jar not found (npm install vnu-jar, see .ci/run; or FOLLOWSHIFT_VNU_JAR)")

@pytest.mark.skipif(True, reason="exiftool not installed")
def test_needs_exiftool():
    pass

def test_runs():
    pass
"""

_PLUGIN = f"""\
import importlib.util
import sys

_spec = importlib.util.spec_from_file_location("project_conftest", {str(TESTS / "conftest.py")!r})
_project = importlib.util.module_from_spec(_spec)
sys.modules["project_conftest"] = _project
_spec.loader.exec_module(_project)
pytest_terminal_summary = _project.pytest_terminal_summary
"""


def test_the_test_run_ends_by_saying_which_checks_were_skipped_and_why(tmp_path: Path) -> None:
    (tmp_path / "test_tools.py").write_text(_SKIPPING)
    (tmp_path / "conftest.py").write_text(_PLUGIN)

    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )

    out = result.stdout
    assert result.returncode == 0, out + result.stderr
    summary = out[out.index("checks not run") :]
    assert "5 tests skipped" in summary
    assert re.search(r"3 × Chromium not found \(apt-get install chromium", summary), summary
    assert re.search(r"1 × vnu\.jar not found \(npm install vnu-jar", summary), summary
    assert re.search(r"1 × exiftool not installed.*apt-get install", summary), summary
