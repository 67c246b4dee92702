"""Desk state beside content/: `invite` (links, QR, list, revoke), `log`, the append-only audit
log, hashed tokens, and four-eyes on `approve`, through the real command line."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import DURING, SHIFT, SITE_YAML, Run, make_site, read, site_files

from followshift.desk.store import FILE, FOLDER, Store

TOKEN = re.compile(r"/i/([A-Za-z0-9_-]{40,})$", re.M)


def live_shift_yaml() -> str:
    """A shift that runs now, so that a link without --until ends with it."""
    start = datetime.now(UTC) - timedelta(hours=1)
    end = datetime.now(UTC) + timedelta(hours=5)
    return f"title: Nu\nstart: {start:%Y-%m-%dT%H:%M}+00:00\nend: {end:%Y-%m-%dT%H:%M}+00:00\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return make_site(tmp_path, site_files({f"content/{SHIFT}/shift.yaml": live_shift_yaml()}))


def db(root: Path) -> Path:
    return root / FOLDER / FILE


def test_invite_prints_a_link_and_a_qr_and_keeps_only_a_hash(
    root: Path, run: Run, tmp_path: Path
) -> None:
    result = run(["invite", "Hein", "--team", "zevenaar", "--qr", "hein.png"], root)
    assert result.exit_code == 0, result.stderr
    match = TOKEN.search(result.stdout)
    assert match, result.stdout
    token = match[1]
    assert result.stdout.startswith("Hein (team zevenaar), until ")
    assert "http://127.0.0.1:8765/i/" in result.stdout
    assert "▄" in result.stdout or "█" in result.stdout  # the QR code in the terminal
    assert (root / "hein.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # Beside content/, never inside content/ or site/; the token only as its sha256.
    assert db(root).is_file() and not list((root / "content").rglob("*.sqlite3"))
    raw = db(root).read_bytes()
    assert token.encode() not in raw
    with sqlite3.connect(db(root)) as conn:
        (stored,) = conn.execute("SELECT token_hash FROM invites").fetchone()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    invite = Store(db(root)).invite_by_token(token)
    assert invite is not None and invite.team == "zevenaar"
    assert invite.until == datetime.fromisoformat(
        read(root, f"content/{SHIFT}/shift.yaml").split("end: ")[1].strip()
    )


def test_invite_svg_and_until(root: Path, run: Run) -> None:
    result = run(
        ["invite", "Anna", "--comms", "--until", "12h", "--qr", "anna.svg",
         "--desk-url", "https://desk.example.nl/"], root,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "https://desk.example.nl/i/" in result.stdout
    assert "<svg" in (root / "anna.svg").read_text()
    (invite,) = Store(db(root)).invites()
    assert invite.role == "comms"
    assert timedelta(hours=11) < invite.until - datetime.now(UTC) <= timedelta(hours=12)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["invite", "Hein"], "needs --team"),
        (["invite", "Hein", "--team", "../x"], "is not a team id"),
        (["invite", "Hein", "--team", "zevenaar", "--until", "gisteren"], "--until"),
        (["invite", "Hein", "--team", "zevenaar", "--until", "2020-01-01 10:00"], "passed"),
        (["invite", "Hein", "--team", "zevenaar", "--qr", "x.gif"], ".png or .svg"),
        (["invite", "--revoke", "Niemand"], "has no link"),
    ],
)
def test_invite_mistakes_are_one_line(root: Path, run: Run, args: list[str], message: str) -> None:
    result = run(args, root)
    assert result.exit_code in (1, 2)
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_link_without_a_coming_shift_needs_until(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())  # the shift of 2026-10-24 has passed
    result = run(["invite", "Hein", "--team", "zevenaar"], root)
    assert result.exit_code == 1
    assert "give --until" in result.stderr


def test_list_revoke_and_log(root: Path, run: Run) -> None:
    assert run(["invite", "Hein", "--team", "zevenaar"], root).exit_code == 0
    assert run(["invite", "Anna", "--comms", "--by", "chef"], root).exit_code == 0
    again = run(["invite", "Hein", "--team", "zevenaar"], root)  # a new link ends the old one
    assert again.exit_code == 0
    listed = run(["invite", "--list"], root).stdout.splitlines()
    assert [line.split("  ")[1:3] + line.split("  ")[-1:] for line in listed] == [
        ["Hein", "team zevenaar", "revoked"],
        ["Anna", "comms", "active"],
        ["Hein", "team zevenaar", "active"],
    ]
    assert "/i/" not in "\n".join(listed)  # a link is shown once, never listed
    revoked = run(["invite", "--revoke", "Hein"], root)
    assert revoked.stdout.strip() == "revoked 1 link of Hein"
    assert run(["invite", "--list"], root).stdout.splitlines()[2].endswith("revoked")

    log = run(["log"], root).stdout.splitlines()
    assert [line.split("  ")[1] for line in log] == [
        "invite", "invite", "invite", "revoke",
    ]  # fmt: skip
    assert "Anna  comms" in log[1] and "chef (command line)" in log[1]
    assert "replaces 1 earlier link" in log[2]


def test_a_printed_link_signs_in_with_one_tap_and_revoke_signs_out(
    tmp_path: Path, run: Run
) -> None:
    """The link `invite` prints opens a page that says whom it signs in as; its one button signs
    in; `invite --revoke` ends that session at once, not at its cookie's end."""
    from desk_support import Client, desk_site, running_desk

    content = desk_site(tmp_path)
    printed = run(["invite", "Hein", "--team", "zevenaar"], tmp_path)
    match = TOKEN.search(printed.stdout)
    assert match, printed.stdout
    with running_desk(content) as base:
        phone = Client(base)
        assert "Aanmelden als Hein (Team Zevenaar)" in phone.get(f"/i/{match[1]}").text
        assert phone.get("/").status == 401  # the page alone signs in nobody
        assert "Ingelogd als Hein" in phone.sign_in(match[1]).text
        assert Store.beside(content).sessions() == 1
        assert run(["invite", "--revoke", "Hein"], tmp_path).exit_code == 0
        assert Store.beside(content).sessions() == 0
        assert phone.get("/").status == 401
        assert phone.get(f"/i/{match[1]}").status == 403


def test_the_audit_log_is_append_only(root: Path, run: Run) -> None:
    assert run(["invite", "Hein", "--team", "zevenaar"], root).exit_code == 0
    with sqlite3.connect(db(root)) as conn:
        for statement in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                conn.execute(statement)
    assert len(Store(db(root)).audit()) == 1


def test_log_without_a_desk_says_so(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    result = run(["log"], root)
    assert result.exit_code == 0
    assert "empty" in result.stdout
    assert not (root / FOLDER).exists()


def test_four_eyes_refuses_the_author_approving_their_own_post(tmp_path: Path, run: Run) -> None:
    post = f"content/{SHIFT}/zevenaar/2030-eigen.md"
    root = make_site(
        tmp_path,
        site_files({
            "content/site.yaml": SITE_YAML + "review: four-eyes\n",
            post: "---\ntime: '20:30'\nstatus: review\n---\nEigen bericht.\n",
        }),
    )  # fmt: skip
    store = Store.beside(root / "content")
    invite, _ = store.add_invite(
        "Anna", "comms", "zevenaar", datetime.now(UTC) + timedelta(hours=1), actor="t", via="t"
    )
    claimed = store.claim(invite, "n1", SHIFT, "zevenaar")
    assert claimed is not None
    store.written(claimed, post.removeprefix("content/"), invite=invite, detail="")

    own = run(["approve", post, "--by", "anna"], root)
    assert own.exit_code == 1
    assert "four-eyes review: anna wrote this post" in own.stderr
    assert "status: review" in read(root, post)
    other = run(["approve", post, "--by", "Bram"], root)
    assert other.exit_code == 0, other.stderr
    assert "status: published" in read(root, post)
    assert run(["build", "--now", DURING], root).exit_code == 0
    log = run(["log", "--shift", SHIFT], root).stdout
    assert f"approve  Bram (command line)  {post.removeprefix('content/')}" in log


def test_four_eyes_reads_the_author_line_of_a_post_written_by_hand(
    tmp_path: Path, run: Run
) -> None:
    post = f"content/{SHIFT}/zevenaar/2030-eigen.md"
    root = make_site(
        tmp_path,
        site_files({
            "content/site.yaml": SITE_YAML + "review: four-eyes\n",
            post: "---\ntime: '20:30'\nauthor: Anna\nstatus: review\n---\nEigen bericht.\n",
        }),
    )  # fmt: skip
    assert run(["approve", post, "--by", "Anna"], root).exit_code == 1
    assert run(["approve", post, "--by", "Bram"], root).exit_code == 0


def test_withdraw_is_on_the_record_with_its_reason(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    post = f"content/{SHIFT}/zevenaar/1915-weekmarkt.md"
    assert (
        run(["withdraw", post, "--reason", "Kenteken zichtbaar", "--by", "Anna"], root).exit_code
        == 0
    )
    (line,) = run(["log"], root).stdout.splitlines()
    assert line.endswith(
        f"withdraw  Anna (command line)  {SHIFT}/zevenaar/1915-weekmarkt.md  Kenteken zichtbaar"
    )


def test_desk_watch_builds_the_site_and_ends_with_the_desk(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    from desk_support import desk_site

    content = desk_site(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "followshift", "desk", "--port", "0", "--watch"],
        cwd=tmp_path,
        stderr=subprocess.DEVNULL,
    )
    index = tmp_path / "site" / "index.html"
    try:
        deadline = time.monotonic() + 120
        while not index.is_file() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert index.is_file(), "watch did not build site/"
    finally:
        process.terminate()
        assert process.wait(timeout=30) == 0
    # watch ended with it: its writer lock on site/ is free again.
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        result = subprocess.run(
            [sys.executable, "-m", "followshift", "build", "--content", str(content)],
            cwd=tmp_path, capture_output=True, text=True,
        )  # fmt: skip
        if result.returncode != 2:
            break
        time.sleep(0.5)
    assert result.returncode == 0, result.stderr  # not 2: no watch holds site/ any more


def test_the_desk_command_serves_until_stopped(tmp_path: Path) -> None:
    import subprocess
    import sys
    import urllib.error
    import urllib.request

    from desk_support import desk_site

    content = desk_site(tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "followshift", "desk", "--content", str(content), "--port", "0"],
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        match = re.search(r"desk on (http://127\.0\.0\.1:\d+/)", line)
        assert match, line
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(match[1], timeout=10)
        assert answer.value.code == 401
        assert answer.value.headers["Content-Security-Policy"].startswith("default-src 'none'")
        answer.value.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()
    assert not list((tmp_path / "content").rglob("*.sqlite3"))
    assert (tmp_path / FOLDER / FILE).is_file()


def test_the_desk_state_is_never_read_or_published_by_a_build(root: Path, run: Run) -> None:
    assert run(["invite", "Hein", "--team", "zevenaar"], root).exit_code == 0
    built = run(["build", "--now", DURING], root)
    assert built.exit_code == 0, built.stderr
    assert "desk" not in built.stderr
    published = [p.name for p in (root / "site").rglob("*")]
    assert not [name for name in published if "sqlite" in name or "desk" in name]


def test_the_desk_imports_no_build_stage() -> None:
    """The desk writes content files; the pipeline, the renderer and the publisher stay out."""
    import ast

    import followshift.desk

    folder = Path(followshift.desk.__file__).parent
    for module in folder.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        names = [
            node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
        ] + [
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        ]
        bad = [
            n
            for n in names
            if n.startswith(
                (
                    "followshift.build",
                    "followshift.render",
                    "followshift.publish",
                    "followshift.commands",
                )
            )
        ]
        assert bad == [], module.name
