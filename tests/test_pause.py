"""`followshift pause` / `resume` (docs/privacy.md, "Pause"): the `paused:` block in shift.yaml
(every other byte kept), what readers see and what waits, the audit log, and the whole thing
through a running `followshift watch`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import AFTER, DURING, SHIFT, SHIFT_YAML, Run, make_site, post_path, site_files
from test_publish_watch import aws
from test_watch import Process, drop, page, published, shift_index, start, start_watch

from followshift.config.pause import PauseError, current, pause, resume
from followshift.desk.store import Store

__all__ = ["aws", "start"]  # the fixtures, used by name

TZ = ZoneInfo("Europe/Amsterdam")
SINCE = datetime(2026, 10, 24, 20, 50, tzinfo=TZ)
NOTICE = "paused-notice"


def _shift_yaml(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "content" / SHIFT / "shift.yaml"
    path.parent.mkdir(parents=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    "original",
    [
        SHIFT_YAML.encode(),
        ("# notities\r\n" + SHIFT_YAML.replace("\n", "\r\n") + "order: oldest-first\r\n").encode(),
        b'title: "Volgdienst \xc3\xa9\xc3\xa9n"   # met commentaar\nstart: 2026-10-24 19:00\n'
        b"end: 2026-10-25 03:00\n\n\n",
    ],
)
def test_pause_and_resume_keep_every_other_byte(tmp_path: Path, original: bytes) -> None:
    path = _shift_yaml(tmp_path, original)
    assert pause(path, SINCE, 'Incident: "stop"', TZ) is None
    written = path.read_bytes()
    assert written.startswith(original)
    newline = b"\r\n" if b"\r\n" in original else b"\n"
    assert written[len(original) :] == newline.join(
        [
            b"paused:",
            b'  since: "2026-10-24 20:50:00+02:00"',
            b'  reason: "Incident: \\"stop\\""',
            b"",
        ]
    )
    assert current(path, TZ) is not None and current(path, TZ).reason == 'Incident: "stop"'  # type: ignore[union-attr]
    assert not list(path.parent.glob(".*"))  # no temporary left behind
    lifted = resume(path, TZ)
    assert lifted is not None and lifted.since == SINCE
    assert path.read_bytes() == original


def test_a_second_pause_keeps_the_first_since(tmp_path: Path) -> None:
    path = _shift_yaml(tmp_path, SHIFT_YAML)
    pause(path, SINCE, "eerste", TZ)
    later = SINCE.replace(hour=22)
    found = pause(path, later, "tweede", TZ)
    assert found is not None and (found.since, found.reason) == (SINCE, "eerste")
    assert path.read_bytes().count(b"paused:") == 1


def test_resume_removes_a_hand_written_pause_in_the_middle(tmp_path: Path) -> None:
    text = SHIFT_YAML.replace(
        "end:", "paused: {since: '2026-10-24 20:50'}   # door Anna\nend:"
    ).replace("start:", "# begin\nstart:")
    path = _shift_yaml(tmp_path, text)
    assert resume(path, TZ) is not None
    assert path.read_text(encoding="utf-8") == SHIFT_YAML.replace("start:", "# begin\nstart:")
    assert resume(path, TZ) is None


def test_a_broken_shift_yaml_is_not_touched(tmp_path: Path) -> None:
    path = _shift_yaml(tmp_path, "title: [unclosed\n")
    with pytest.raises(PauseError) as caught:
        pause(path, SINCE, "x", TZ)
    assert str(caught.value).endswith("fix shift.yaml first")
    assert path.read_bytes() == b"title: [unclosed\n"


def test_the_commands_and_the_audit_log(tmp_path: Path, run: Run) -> None:
    root = make_site(tmp_path, site_files())
    shift_file = root / "content" / SHIFT / "shift.yaml"
    result = run(["pause", SHIFT, "--reason", "Incident", "--by", "anna", "--now", DURING], root)
    assert result.exit_code == 0, result.stderr
    assert "paused:" in shift_file.read_text(encoding="utf-8")
    again = run(["pause", SHIFT, "--reason", "nog eens"], root)
    assert again.exit_code == 0 and "paused already" in again.stdout
    assert run(["resume", SHIFT, "--by", "bram"], root).exit_code == 0
    assert shift_file.read_text(encoding="utf-8") == SHIFT_YAML
    log = [(e.action, e.actor, e.shift, e.detail) for e in Store.beside(root / "content").audit()]
    assert log == [("pause", "anna", SHIFT, "Incident"), ("resume", "bram", SHIFT, None)]
    missing = run(["pause", "geen-dienst", "--reason", "x"], root)
    assert missing.exit_code == 1
    assert missing.lines() == ["content/geen-dienst:1: error: no such shift here (no shift.yaml)"]
    assert run(["pause", SHIFT, "--reason", "  "], root).exit_code == 2


def test_readers_see_the_notice_and_later_posts_wait(tmp_path: Path, run: Run) -> None:
    paused = SHIFT_YAML + "paused:\n  since: 2026-10-24 19:10\n  reason: intern\n"
    root = make_site(tmp_path, site_files({f"content/{SHIFT}/shift.yaml": paused}))
    result = run(["build", "--now", AFTER], root)
    assert result.exit_code == 0, result.stderr
    assert "held by the pause" in result.stderr
    site = root / "site" / SHIFT
    assert (site / "zevenaar" / "1900-de-dienst-begint" / "index.html").exists()  # before
    assert not (site / "zevenaar" / "1915-weekmarkt").exists()  # after the pause: waits
    for html in (site / "index.html", site / "zevenaar" / "index.html",
                 site / "zevenaar" / "1900-de-dienst-begint" / "index.html"):  # fmt: skip
        text = html.read_text(encoding="utf-8")
        assert NOTICE in text and "Sinds 19:10 verschijnen hier geen nieuwe berichten" in text
        assert "intern" not in text  # the reason is for the comms team
    assert NOTICE not in (root / "site" / "index.html").read_text(encoding="utf-8")
    # Before its since, a pause is not yet in force.
    early = run(["build", "--now", "2026-10-24T19:05", "--out", "early"], root)
    assert early.exit_code == 0
    assert NOTICE not in (root / "early" / SHIFT / "index.html").read_text(encoding="utf-8")


def test_pause_and_resume_through_watch(
    tmp_path: Path, run: Run, start: Callable[..., Process]
) -> None:
    root = make_site(tmp_path, site_files())
    watcher = start_watch(start, root)
    # A pause that began at 20:50, before the watcher's clock (21:00): nothing public yet is
    # held (every post of the site is before 20:50), a post timed 20:55 dropped now waits.
    mark = watcher.mark()
    assert (
        run(["pause", SHIFT, "--reason", "Incident", "--now", "2026-10-24T20:50"], root).exit_code
        == 0
    )
    watcher.wait_until(lambda: NOTICE in shift_index(root), "the notice")
    assert NOTICE in page(root, "zevenaar", "1900-de-dienst-begint").read_text(encoding="utf-8")
    assert published(root, "zevenaar", "1900-de-dienst-begint")
    watcher.wait_rebuild(mark)

    mark = watcher.mark()
    drop(root, post_path("zevenaar", "2055-na-de-pauze.md"), "Na de pauze geschreven.\n")
    assert watcher.wait_rebuild(mark)["reason"] == "change"
    assert not page(root, "zevenaar", "2055-na-de-pauze").exists(), "published while paused"

    assert run(["resume", SHIFT], root).exit_code == 0
    watcher.wait_until(lambda: published(root, "zevenaar", "2055-na-de-pauze"), "the held post")
    watcher.wait_until(lambda: NOTICE not in shift_index(root), "the notice gone")
    assert watcher.diagnostics("error") == []


def test_a_rebuild_after_pause_and_resume_equals_a_cold_build(tmp_path: Path, run: Run) -> None:
    from conftest import contents

    root = make_site(tmp_path / "warm", site_files())
    assert run(["build", "--now", AFTER], root).exit_code == 0
    unpaused = contents(root / "site")
    for step in (["pause", SHIFT, "--reason", "x", "--now", "2026-10-24T19:10"], ["resume", SHIFT]):
        assert run(step, root).exit_code == 0
        assert run(["build", "--now", AFTER], root).exit_code == 0
        cold = make_site(tmp_path / step[0], site_files())
        (cold / "content" / SHIFT / "shift.yaml").write_bytes(
            (root / "content" / SHIFT / "shift.yaml").read_bytes()
        )
        assert run(["build", "--now", AFTER], cold).exit_code == 0
        assert contents(root / "site") == contents(cold / "site")
    assert contents(root / "site") == unpaused


def test_pause_and_resume_reach_the_bucket(
    tmp_path: Path, run: Run, seaweed: Any, bucket: str
) -> None:
    """What `watch --publish` will send each cycle, one build and publish at a time: the notice
    goes up, a post written during the pause does not, and after the resume it does."""
    from publish_support import published

    root = make_site(tmp_path, site_files())

    def build_and_publish() -> dict[str, bytes]:
        assert run(["build", "--now", AFTER], root).exit_code == 0
        to = ["publish", "--to", f"s3://{bucket}/", "--endpoint-url", seaweed.endpoint]
        outcome = run(to, root, env=seaweed.env())
        assert outcome.exit_code == 0, outcome.stderr
        return published(seaweed, bucket)

    assert (
        run(["pause", SHIFT, "--reason", "Incident", "--now", "2026-10-24T20:50"], root).exit_code
        == 0
    )
    drop(root, post_path("zevenaar", "2055-na-de-pauze.md"), "Na de pauze geschreven.\n")
    paused = build_and_publish()
    assert NOTICE.encode() in paused[f"{SHIFT}/index.html"]
    assert f"{SHIFT}/zevenaar/2055-na-de-pauze/index.html" not in paused
    assert run(["resume", SHIFT], root).exit_code == 0
    resumed = build_and_publish()
    assert NOTICE.encode() not in resumed[f"{SHIFT}/index.html"]
    assert f"{SHIFT}/zevenaar/2055-na-de-pauze/index.html" in resumed


def test_pause_and_resume_reach_the_bucket_through_watch_publish(
    tmp_path: Path, run: Run, start: Callable[..., Process], seaweed: Any, aws: None
) -> None:
    """The whole way: `pause` during `watch --publish`, the notice in the bucket at the next
    cycle, a post dropped meanwhile not; `resume`, and it is."""
    import secrets

    from test_publish_watch import bucket_files, page_key, start_publishing

    root = make_site(tmp_path, site_files())
    bucket = "p-" + secrets.token_hex(6)
    seaweed.client().create_bucket(Bucket=bucket)
    watcher = start_publishing(start, root, bucket, seaweed.endpoint)
    index = f"{SHIFT}/index.html"

    def in_bucket(key: str) -> bytes:
        return bucket_files(seaweed, bucket).get(key, b"")

    pause_args = ["pause", SHIFT, "--reason", "Incident", "--now", "2026-10-24T20:50"]
    assert run(pause_args, root).exit_code == 0
    watcher.wait_until(lambda: NOTICE.encode() in in_bucket(index), "the notice in the bucket")
    mark = watcher.mark()
    drop(root, post_path("zevenaar", "2055-na-de-pauze.md"), "Na de pauze geschreven.\n")
    watcher.wait_rebuild(mark)
    held = page_key("zevenaar", "2055-na-de-pauze")
    assert held not in bucket_files(seaweed, bucket)
    assert run(["resume", SHIFT], root).exit_code == 0
    watcher.wait_until(lambda: in_bucket(held) != b"", "the held post in the bucket")
    watcher.wait_until(lambda: NOTICE.encode() not in in_bucket(index), "the notice gone")
    assert watcher.diagnostics("error") == []
    assert watcher.interrupt() == 0
