"""The pause notice (docs/privacy.md, "Pause") against the same checkers as every page
(test_standards.py): valid for the Nu HTML Checker, no axe-core violations on a phone and a
desktop, light and dark, in Dutch and English."""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from conftest import AFTER, SHIFT, SHIFT_YAML, SITE_YAML, html_pages, make_site, site_files
from standards_support import axe_script, chromium_browser, missing, serve, vnu_jar

from followshift.cli import main

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
PAUSED = SHIFT_YAML + "paused:\n  since: 2026-10-24 20:30\n  reason: Incident\n"


def _build(root: Path, language: str) -> Path:
    files = site_files(
        {
            f"content/{SHIFT}/shift.yaml": PAUSED,
            "content/site.yaml": SITE_YAML + f"language: {language}\n",
        }
    )
    make_site(root, files)
    with contextlib.chdir(root):
        result = CliRunner().invoke(
            main, ["build", "--now", AFTER], env={"SOURCE_DATE_EPOCH": None}, catch_exceptions=False
        )
    assert result.exit_code == 0, result.stderr
    return root / "site"


@pytest.fixture(scope="module", params=["nl", "en"])
def paused_site(request: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp(f"paused-{request.param}"), request.param)


def test_the_notice_is_on_every_page_of_the_shift_in_the_sites_language(paused_site: Path) -> None:
    english = 'lang="en"' in (paused_site / "index.html").read_text(encoding="utf-8")
    words = "This follow shift is paused." if english else "Deze volgdienst is gepauzeerd."
    shift_pages = [p for p in html_pages(paused_site) if p.is_relative_to(paused_site / SHIFT)]
    assert len(shift_pages) >= 4
    for page in shift_pages:
        assert words in page.read_text(encoding="utf-8"), page


def test_valid_html(paused_site: Path) -> None:
    jar = vnu_jar()
    java = shutil.which("java")
    if jar is None or java is None:
        missing("vnu.jar or java not found (see test_standards.py)")
    pages = [p for p in html_pages(paused_site) if p.is_relative_to(paused_site / SHIFT)]
    result = subprocess.run(
        [java, "-jar", str(jar), "--errors-only", "--format", "json", *map(str, pages)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr)["messages"]
    assert [f"{m.get('url')}: {m.get('message')}" for m in messages] == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium_browser() as launched:
        yield launched


@pytest.mark.parametrize("width", [360, 1280])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_axe_violations(browser: Any, paused_site: Path, scheme: str, width: int) -> None:
    source = axe_script()
    if source is None:
        missing("axe-core not found (see test_standards.py)")
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.emulate_media(color_scheme=scheme)
        page.set_viewport_size({"width": width, "height": 800})
        with serve(paused_site) as server:
            for path in (f"/{SHIFT}/", f"/{SHIFT}/zevenaar/1900-de-dienst-begint/"):
                page.goto(server.url(path))
                assert page.locator(".paused-notice").is_visible()
                page.evaluate(source.read_text(encoding="utf-8"))
                results = page.evaluate(
                    "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags},"
                    " resultTypes: ['violations']})",
                    AXE_TAGS,
                )
                report = [
                    f"{v['id']}: {v['help']} → "
                    + "; ".join(" ".join(n["target"]) for n in v["nodes"])
                    for v in results["violations"]
                ]
                assert report == [], f"{path}, {scheme}, {width}px:\n" + "\n".join(report)
    finally:
        context.close()
