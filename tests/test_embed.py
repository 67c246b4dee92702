"""`<shift>/embed/` and site.yaml's `embed: allow` (issue 20, item 6), without a browser: which
pages exist, the snippet on the shift page, the `_headers` rules that let only the allowed sites
frame the embed page while every other URL stays unframeable, and the one-line diagnostics of a
bad allowlist. The browser half (framing, live updates, links) is test_browser_share.py."""

from __future__ import annotations

import html
import re
from pathlib import Path

from conftest import AFTER, DURING, SHIFT, SITE_YAML, Run, make_site, post_path, read, site_files
from standards_support import header_rules, headers_for

ALLOW = 'embed:\n  allow: ["https://www.politie.nl", "https://*.gelderlander.nl:8443/"]\n'
POLICY = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'"
)
NONE = f"{POLICY}; frame-ancestors 'none'"
EMBED = f"{POLICY}; frame-ancestors https://www.politie.nl https://*.gelderlander.nl:8443"
CACHE = {"public, max-age=60", "public, max-age=31536000, immutable", "no-cache"}


def built(tmp_path: Path, run: Run, site_yaml: str = SITE_YAML + ALLOW, now: str = DURING) -> Path:
    root = make_site(tmp_path, site_files({"content/site.yaml": site_yaml}))
    outcome = run(["build", "--now", now], root)
    assert outcome.exit_code == 0, outcome.stderr
    return root


def urls(site: Path) -> list[str]:
    found = ["/" + p.relative_to(site).as_posix() for p in sorted(site.rglob("*")) if p.is_file()]
    return [re.sub(r"(^|/)index\.html$", r"\1", u) for u in found if "/." not in u]


def test_with_an_allowlist_each_shift_has_an_embed_page_that_only_those_sites_may_frame(
    tmp_path: Path, run: Run
) -> None:
    root = built(tmp_path, run)
    site = root / "site"
    page = read(root, f"site/{SHIFT}/embed/index.html")
    # Compact: the newest posts, no site header or footer of the site's own pages.
    assert '<base target="_top">' in page and 'class="site-header"' not in page
    assert "Bij spoed: bel 112" in page
    assert re.search(r'<script src="\.\./\.\./assets/live\.[0-9a-f]+\.js" defer>', page)
    assert 'data-live="../../' in page and '<meta name="robots" content="noindex">' in page
    assert (
        re.findall(r'<article\b[^>]*\bid="([^"]+)"', page)[0]
        == "neder-betuwe--2000-verkeerscontrole"
    )

    # The snippet, on the shift's own page only, in a closed <details>.
    shift_page = read(root, f"site/{SHIFT}/index.html")
    snippet = re.search(r'<details class="embed-snippet">.*?</details>', shift_page, re.S)
    assert snippet is not None
    code = html.unescape(re.search(r"<code>(.*?)</code>", snippet[0], re.S)[1])  # type: ignore[index]
    assert code.startswith(f'<iframe src="https://volgdienst.example.nl/{SHIFT}/embed/"')
    assert "https://www.politie.nl" in snippet[0]
    assert "embed-snippet" not in read(root, f"site/{SHIFT}/zevenaar/index.html")

    rules = header_rules(site / "_headers")
    for url in urls(site):
        headers = headers_for(rules, url)
        expected = EMBED if url == f"/{SHIFT}/embed/" else NONE
        # One rule each: two policies (joined with a comma) would both apply.
        assert headers.get("Content-Security-Policy") == expected, url
        assert headers.get("Cache-Control") in CACHE, url
    assert headers_for(rules, "/another-shift/embed/")["Content-Security-Policy"] == EMBED
    assert headers_for(rules, "/teams/zevenaar/")["Content-Security-Policy"] == NONE


def test_without_an_allowlist_there_is_no_embed_page_and_nothing_may_frame_the_site(
    tmp_path: Path, run: Run
) -> None:
    root = built(tmp_path, run, SITE_YAML)
    site = root / "site"
    assert not (site / SHIFT / "embed").exists()
    assert "embed-snippet" not in read(root, f"site/{SHIFT}/index.html")
    rules = header_rules(site / "_headers")
    for url in [*urls(site), f"/{SHIFT}/embed/"]:
        assert headers_for(rules, url).get("Content-Security-Policy") == NONE, url


def test_an_ended_shift_embeds_its_report_without_a_script(tmp_path: Path, run: Run) -> None:
    root = built(tmp_path, run, now=AFTER)
    page = read(root, f"site/{SHIFT}/embed/index.html")
    assert "live." not in page and "data-live" not in page
    ids = re.findall(r'<article\b[^>]*\bid="([^"]+)"', page)
    assert ids[0] == "zevenaar--1900-de-dienst-begint"  # a report: oldest first


def test_a_bad_allowlist_is_one_line_with_its_line_and_builds_nothing(
    tmp_path: Path, run: Run
) -> None:
    cases = {
        'embed:\n  allow: ["http://www.politie.nl"]\n': "must be an https:// origin",
        'embed:\n  allow: ["https://www.politie.nl/nieuws"]\n': "must be an origin only",
        "embed:\n  allow: [\"https://x.nl; script-src 'unsafe-inline'\"]\n": "without spaces",
        "embed:\n  allow: https://www.politie.nl other\n": "without spaces",
        "embed:\n  allow: {site: x}\n": "must be a list of origins",
        "embed: yes\n": "embed: must be a mapping",
        "embed:\n  alow: []\n": "'alow'",
    }
    for n, (text, message) in enumerate(cases.items()):
        root = make_site(tmp_path / str(n), site_files({"content/site.yaml": SITE_YAML + text}))
        outcome = run(["build", "--now", DURING], root)
        line = SITE_YAML.count("\n") + (1 if text.startswith("embed: yes") else 2)
        errors = [e for e in outcome.diagnostics("error") if "nothing was published" not in e]
        assert outcome.exit_code == 1, (text, outcome.stderr)
        assert len(errors) == 1 and "Traceback" not in outcome.stderr, outcome.stderr
        assert errors[0].startswith(f"content/site.yaml:{line}: error: "), errors
        assert message in errors[0], errors
        assert not (root / "site" / SHIFT).exists()


def test_a_team_folder_may_not_be_called_embed(tmp_path: Path, run: Run) -> None:
    root = make_site(
        tmp_path,
        site_files(
            {"content/site.yaml": SITE_YAML + ALLOW, post_path("embed", "2000-x.md"): "Hoi.\n"}
        ),
    )
    outcome = run(["build", "--now", DURING], root)
    assert outcome.exit_code == 1
    assert any("team folder 'embed'" in line for line in outcome.diagnostics("error"))
    assert "Hoi." not in read(root, f"site/{SHIFT}/embed/index.html")
