"""Shared helpers for the behaviour tests: tiny sites written into tmp_path, the CLI run for real.

Every build in these tests passes `--now` (or SOURCE_DATE_EPOCH), so nothing depends on the clock
of the machine that runs them.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from PIL import ExifTags, Image

from followshift.cli import main

SHIFT = "2026-10-24-megavolgdienst"
# The night summer time ends: 02:00-03:00 happens twice (first +02:00, then +01:00).
DURING = "2026-10-24T21:00"
AFTER = "2026-10-25T04:00"
BEFORE = "2026-10-24T12:00"

SITE_YAML = """\
title: Volgdienst Oost
base_url: https://volgdienst.example.nl/
"""

TEAMS_YAML = """\
zevenaar:
  name: Team Zevenaar
  region: Gelderland-Midden
  color: "#1f3b73"
neder-betuwe:
  name: Team Neder-Betuwe
  color: "#8a1c1c"
"""

SHIFT_YAML = """\
title: Megavolgdienst Oost-Nederland
start: 2026-10-24 19:00
end: 2026-10-25 03:00
description: Een avond mee met **27 teams**.
"""


def site_files(extra: Mapping[str, str | bytes] | None = None) -> dict[str, str | bytes]:
    """A small valid site: one shift, two teams, four posts (one after midnight, one pinned).

    `extra` adds or replaces files (relative path → text or bytes).
    """
    files: dict[str, str | bytes] = {
        "content/site.yaml": SITE_YAML,
        "content/teams.yaml": TEAMS_YAML,
        f"content/{SHIFT}/shift.yaml": SHIFT_YAML,
        f"content/{SHIFT}/zevenaar/1900-de-dienst-begint.md": "De dienst begint in Zevenaar.\n",
        f"content/{SHIFT}/zevenaar/1915-weekmarkt.md": (
            "---\ntitle: Weekmarkt\npinned: true\n---\nOp de **weekmarkt** in Zevenaar.\n"
        ),
        f"content/{SHIFT}/zevenaar/0105-laatste-ronde.md": "Een laatste ronde door het centrum.\n",
        f"content/{SHIFT}/neder-betuwe/2000-verkeerscontrole.md": "Verkeerscontrole in Kesteren.\n",
    }
    files.update(extra or {})
    return files


def make_site(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Writes `files` (relative path → text or bytes) under root and returns root."""
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(data, encoding="utf-8")
    return root


def post_path(team: str, name: str, shift: str = SHIFT) -> str:
    return f"content/{shift}/{team}/{name}"


def jpeg(
    taken: str | None = None, size: tuple[int, int] = (48, 32), offset: str | None = None
) -> bytes:
    """A real, tiny JPEG; `taken` is EXIF DateTimeOriginal such as '2026:10:24 21:30:00'."""
    image = Image.new("RGB", size, (180, 40, 40))
    exif = Image.Exif()
    if taken is not None:
        sub = exif.get_ifd(ExifTags.IFD.Exif)
        sub[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            sub[ExifTags.Base.OffsetTimeOriginal] = offset
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=70)
    return buffer.getvalue()


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    stdout: str
    stderr: str

    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]

    def diagnostics(self, level: str) -> list[str]:
        """The stderr lines of one level (`error` or `warning`)."""
        return [line for line in self.lines() if f" {level}: " in line or line.startswith(level)]


Run = Callable[..., Outcome]


@pytest.fixture
def run() -> Run:
    """Runs `followshift ARGS` in `cwd` through Click's CliRunner (stderr kept apart).

    SOURCE_DATE_EPOCH is removed unless given, so the machine's environment cannot leak in.
    Exceptions are not swallowed: a crash fails the test with its traceback.
    """

    def _run(args: list[str], cwd: Path, env: dict[str, str | None] | None = None) -> Outcome:
        environment: dict[str, str | None] = {"SOURCE_DATE_EPOCH": None, "EDITOR": None}
        environment.update(env or {})
        runner = CliRunner()
        with contextlib.chdir(cwd):
            result = runner.invoke(main, args, env=environment, catch_exceptions=False)
        return Outcome(result.exit_code, result.stdout, result.stderr)

    return _run


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """The small valid site of `site_files()`, written into tmp_path."""
    return make_site(tmp_path, site_files())


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A real S3-compatible server (SeaweedFS) on loopback for the whole run (publish_support)."""
    from publish_support import start_seaweed, stop_seaweed

    server = start_seaweed(tmp_path_factory.mktemp("seaweed"))
    try:
        yield server
    finally:
        stop_seaweed(server)


@pytest.fixture
def proxy(seaweed: Any) -> Iterator[Any]:
    """A recording (and fault-injecting) proxy in front of `seaweed` (publish_support)."""
    from publish_support import running_proxy

    with running_proxy(seaweed.endpoint) as recording:
        yield recording


@pytest.fixture
def bucket(seaweed: Any) -> str:
    """A new, empty bucket of `seaweed`."""
    import secrets

    name = "t-" + secrets.token_hex(6)
    seaweed.client().create_bucket(Bucket=name)
    return name


def read(root: Path, rel: str) -> str:
    return (root / rel).read_text(encoding="utf-8")


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file under folder (hidden ones too) with its bytes and mtime_ns."""
    return {
        p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def contents(folder: Path) -> dict[str, bytes]:
    return {rel: data for rel, (data, _) in snapshot(folder).items()}


_ARTICLE = re.compile(r'<article\b[^>]*\bid="([^"]+)"')


def article_ids(html: str) -> list[str]:
    """The post anchors (`team--post`) in the order the page shows them."""
    return _ARTICLE.findall(html)


def html_pages(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.html"))


# -- the end of a run says which checks did not run ---------------------------------------------

# How to get a tool whose skip reason does not say so itself.
_INSTALL = {"exiftool": "apt-get install libimage-exiftool-perl"}


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Skipped tests, grouped by reason, in a section of their own at the end of the run.

    The browser, Nu checker and exiftool tests skip on a machine without those tools (under
    CI=true, standards_support.missing() fails them instead): a green run must say what it did
    not check, and how to install what is missing."""
    reasons: Counter[str] = Counter()
    for report in terminalreporter.stats.get("skipped", []):
        longrepr = report.longrepr
        reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
        reason = reason.removeprefix("Skipped: ")
        for tool, install in _INSTALL.items():
            if tool in reason and install not in reason:
                reason += f" ({install})"
        reasons[reason] += 1
    if not reasons:
        return
    total = sum(reasons.values())
    terminalreporter.section("checks not run", sep="!", yellow=True, bold=True)
    terminalreporter.write_line(
        f"{total} test{'s' if total != 1 else ''} skipped: these checks did not run here",
        yellow=True,
        bold=True,
    )
    for reason, count in reasons.most_common():
        terminalreporter.write_line(f"  {count} × {reason}", yellow=True)
