"""`followshift publish` when the store fails: wrong credentials, no credentials, a server that
is down, a 503 in the middle of a publish, throttling. Each is one line without a traceback or a
credential, exit 1, and the next publish converges to exactly site/. The faults are real HTTP
answers from a proxy in front of a real SeaweedFS (publish_support.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from conftest import SHIFT, Run, make_site, post_path, site_files
from publish_support import (
    Proxy,
    Request,
    Seaweed,
    build,
    photo_site,
    publish,
    published,
    remove_photo_post,
    site_contents,
)

from followshift.publish.remote import MANIFEST_KEY
from followshift.publish.rules import group_of


def no_secrets(seaweed: Seaweed, text: str) -> bool:
    return seaweed.access_key not in text and seaweed.secret_key not in text


def test_wrong_credentials_are_one_line_without_the_key(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = make_site(tmp_path, site_files())
    build(run, root)
    key, secret = "AKIAFOLLOWSHIFTWRONG", "wrong-secret-0123456789"

    outcome = publish(
        run,
        root,
        seaweed,
        f"s3://{bucket}/",
        proxy.endpoint,
        AWS_ACCESS_KEY_ID=key,
        AWS_SECRET_ACCESS_KEY=secret,
    )

    assert outcome.exit_code == 1
    assert outcome.lines() == [
        f"s3://{bucket}/: error: cannot read s3://{bucket}/: the store refused the "
        "credentials (wrong key or secret)"
    ]
    assert key not in outcome.stderr + outcome.stdout
    assert secret not in outcome.stderr + outcome.stdout


def test_no_credentials_at_all_sends_nothing(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = make_site(tmp_path, site_files())
    build(run, root)

    outcome = publish(
        run,
        root,
        seaweed,
        f"s3://{bucket}/",
        proxy.endpoint,
        AWS_ACCESS_KEY_ID=None,
        AWS_SECRET_ACCESS_KEY=None,
    )

    assert outcome.exit_code == 1
    assert outcome.lines() == [
        f"s3://{bucket}/: error: no AWS credentials: set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (see docs/publishing.md)"
    ]
    assert proxy.requests == []


def test_a_server_that_is_down_is_one_line(tmp_path: Path, run: Run, seaweed: Seaweed) -> None:
    root = make_site(tmp_path, site_files())
    build(run, root)
    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    outcome = publish(run, root, seaweed, "s3://some-bucket/", f"http://127.0.0.1:{port}")

    assert outcome.exit_code == 1
    assert outcome.lines() == [
        "s3://some-bucket/: error: cannot read s3://some-bucket/: cannot connect to "
        f"http://127.0.0.1:{port} (down, or no network), also after retries"
    ]
    assert no_secrets(seaweed, outcome.stderr)


def test_a_503_in_the_middle_fails_part_way_and_the_next_publish_converges(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)
    failing: set[str] = set()

    def fault(request: Request, puts_before: int) -> tuple[int, str] | None:
        # The 8th object PUT fails for good (every retry too): a store that broke mid-way.
        is_put = request.method == "PUT" and request.key and not request.query
        if is_put and (puts_before == 7 or request.key in failing):
            failing.add(request.key)
            return 503, "ServiceUnavailable"
        return None

    proxy.fault = fault

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 1
    [line] = outcome.lines()
    [key] = failing
    assert line.startswith(f"s3://{bucket}/: error: {key}: the store failed (HTTP 503 ")
    assert line.endswith("every link still works: publish again to complete it")
    assert no_secrets(seaweed, line)
    # Retried with back-off before giving up, and nothing of a later group was sent.
    tries = [r for r in proxy.requests if r.method == "PUT" and r.key == key]
    assert len(tries) > 1
    up = published(seaweed, bucket)
    assert all(group_of(rel) <= group_of(key) for rel in up)

    proxy.fault = None
    proxy.clear()
    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket) == site_contents(root / "site")
    sent = {r.key for r in proxy.object_puts(bucket)} - {MANIFEST_KEY}
    assert key in sent and not sent & set(up)  # what got up is not sent again


def test_throttling_is_retried_with_back_off_and_the_publish_goes_through(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = make_site(tmp_path, site_files({post_path("zevenaar", "2010-x.md"): "X.\n"}))
    build(run, root)
    slowed: dict[str, int] = {}

    def fault(request: Request, puts_before: int) -> tuple[int, str] | None:
        index = request.method == "PUT" and request.key in ("index.html", "sitemap.xml")
        if index and slowed.get(request.key, 0) < 2:  # twice "slow down", then through
            slowed[request.key] = slowed.get(request.key, 0) + 1
            return 503, "SlowDown"
        return None

    proxy.fault = fault

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert slowed and all(count == 2 for count in slowed.values())
    assert published(seaweed, bucket) == site_contents(root / "site")


def test_a_file_changed_after_the_build_is_not_published_under_the_old_hash(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = make_site(tmp_path, site_files())
    build(run, root)
    (root / "site" / "index.html").write_text("<p>edited by hand</p>")

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 1
    [line] = outcome.lines()
    assert "index.html changed after the build; run `followshift build` and publish again" in line
    assert b"edited by hand" not in b"".join(published(seaweed, bucket).values())
    build(run, root)  # a build puts back what it wrote
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    assert published(seaweed, bucket) == site_contents(root / "site")


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_a_publish_killed_mid_way_leaves_nothing_of_a_post_retracted_before_the_next(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    """kill -9 after the first photos of a new post went up; the post is then deleted before
    the next publish: its photos are followshift's (the record listed them as pending before
    they were sent) and go, although no publish ever finished with them."""
    root = make_site(tmp_path, site_files())
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    before = published(seaweed, bucket)
    photo_site(root)  # adds 1930-controle with a photo
    build(run, root)
    two_in, release = threading.Event(), threading.Event()

    def fault(request: Request, puts_before: int) -> tuple[int, str] | None:
        if request.method == "PUT" and request.key.startswith("media/") and puts_before >= 3:
            two_in.set()
            release.wait(30)  # hold the rest until the publisher is killed
        return None

    proxy.clear()
    proxy.fault = fault
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({k: v for k, v in seaweed.env().items() if v is not None})
    killed = subprocess.Popen(
        [sys.executable, "-m", "followshift", "publish", "--to", f"s3://{bucket}/",
         "--endpoint-url", proxy.endpoint],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert two_in.wait(60)
        for _ in range(100):  # the ones let through reach the store
            if set(published(seaweed, bucket)) - set(before):
                break
            time.sleep(0.1)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.wait()
        proxy.fault = None
        release.set()
    sent = set(published(seaweed, bucket)) - set(before)
    assert sent and all(rel.startswith("media/") for rel in sent)  # photos up, no page yet
    for name in ("1930-controle.md", "1930-controle.jpg"):
        (root / "content" / SHIFT / "zevenaar" / name).unlink()
    build(run, root)

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket) == site_contents(root / "site")


# What a store (or a gateway in front of it) may put in its error text: an 8-bit CSI (a
# terminal's "clear the screen"), a right-to-left override, DEL, a zero-width space, a line
# break and a tab. All of them are legal in the store's XML answer, so botocore hands them on.
HOSTILE = "denied\x9b2J\u202eevil\x7f\u200b\r\nnext\tline"
PRINTED = "denied2Jevil next line"


def test_a_stores_error_text_is_printed_as_one_clean_line(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    """A refused upload and a refused delete: each error is one line of printable characters,
    with the credentials taken out, whatever the store's text held."""
    root = photo_site(tmp_path)
    build(run, root)

    def refuse_pages(request: Request, puts_before: int) -> tuple[int, str, str] | None:
        is_put = request.method == "PUT" and request.key and not request.query
        if is_put and not request.key.startswith(".followshift"):
            return 400, "InvalidArgument", f"{HOSTILE} {seaweed.access_key}"
        return None

    proxy.fault = refuse_pages
    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 1
    [line] = outcome.lines()
    assert f": InvalidArgument: {PRINTED} …" in line, line
    assert line.isprintable() and no_secrets(seaweed, outcome.stderr)

    proxy.fault = None
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    before = site_contents(root / "site")
    remove_photo_post(root)
    build(run, root)
    gone = sorted(set(before) - set(site_contents(root / "site")))
    assert gone
    refused = "".join(
        f"<Error><Key>{escape(rel)}</Key><Code>AccessDenied</Code>"
        f"<Message>{escape(HOSTILE)} {seaweed.secret_key}</Message></Error>"
        for rel in gone
    )

    def refuse_deletes(request: Request, puts_before: int) -> tuple[int, str, str] | None:
        if request.method == "POST" and "delete" in request.query:
            return 200, "", f'<?xml version="1.0"?><DeleteResult>{refused}</DeleteResult>'
        return None

    proxy.fault = refuse_deletes
    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 1
    [line] = outcome.lines()
    assert f": cannot delete: {PRINTED} …" in line, line
    assert line.isprintable() and no_secrets(seaweed, outcome.stderr)
    assert set(gone) <= set(published(seaweed, bucket))  # refused: still there
