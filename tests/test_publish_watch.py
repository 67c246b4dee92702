"""`followshift watch --publish` as a real process against a real S3-compatible server
(SeaweedFS on loopback, through the recording / fault-injecting proxy of publish_support.py):
what an officer drops reaches the bucket, an edit sends only what it changed, a store that fails
is reported once while the watch goes on rebuilding and is caught up afterwards, and a scheduled
post reaches the bucket at its moment. The watcher is started and read as in test_watch.py."""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from conftest import DURING, SHIFT, Run, make_site, post_path, site_files
from publish_support import Proxy, Request, Seaweed
from test_watch import Process, drop, published, site_contents, start, start_watch, write

from followshift.publish.model import MANIFEST_NAME
from followshift.publish.remote import MANIFEST_KEY, STATE_FOLDER

__all__ = ["start"]  # the fixture, used by name

PREFIX = "volgdienst/"
PUBLISHED = r"^\d{2}:\d{2}:\d{2} published to s3://"
PUBLISH_TIMEOUT = 60.0  # a first publish of a small site, or a catch-up after back-off


@pytest.fixture
def aws(seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch) -> None:
    """The watcher's environment: SeaweedFS's credentials and nothing else of AWS's."""
    for key, value in seaweed.env().items():
        if value is None:
            monkeypatch.delenv(key, raising=False)
        else:
            monkeypatch.setenv(key, value)


def bucket_files(seaweed: Seaweed, bucket: str) -> dict[str, bytes]:
    """The objects under PREFIX but followshift's own state (the manifest, and the pending
    object a running publish writes and removes), with their bytes."""
    client = seaweed.client()
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PREFIX):
        for obj in page.get("Contents", []):
            rel = obj["Key"][len(PREFIX) :]
            if rel != MANIFEST_KEY and not rel.startswith(STATE_FOLDER):
                out[rel] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return out


def local_files(root: Path) -> dict[str, bytes]:
    return {k: v for k, v in site_contents(root / "site").items() if k != MANIFEST_NAME}


def converged(seaweed: Seaweed, bucket: str, root: Path) -> bool:
    return bucket_files(seaweed, bucket) == local_files(root)


def page_key(team: str, stem: str) -> str:
    return f"{SHIFT}/{team}/{stem}/index.html"


def start_publishing(
    start: Callable[..., Process], root: Path, bucket: str, endpoint: str, now: str = DURING
) -> Process:
    watcher = start_watch(
        start, root, now, "--publish", "--to", f"s3://{bucket}/{PREFIX}", "--endpoint-url", endpoint
    )
    watcher.wait_line(PUBLISHED, timeout=PUBLISH_TIMEOUT)  # the startup publish
    return watcher


def uploads(proxy: Proxy, bucket: str) -> set[str]:
    """The site objects sent through the proxy (not the manifest, not header-only copies)."""
    keys = {r.key[len(PREFIX) :] for r in proxy.object_puts(bucket) if not r.copy}
    return keys - {MANIFEST_KEY}


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return make_site(tmp_path, site_files())


def test_a_dropped_post_reaches_the_bucket_and_an_edit_sends_only_what_changed(
    site: Path, start: Callable[..., Process], seaweed: Seaweed, proxy: Proxy, aws: None
) -> None:
    bucket = "w-" + secrets.token_hex(6)
    seaweed.client().create_bucket(Bucket=bucket)
    watcher = start_publishing(start, site, bucket, proxy.endpoint)
    assert watcher.lines[0] == f"watching content and publishing to s3://{bucket}/{PREFIX} " + (
        "(Ctrl-C stops)"
    )
    assert converged(seaweed, bucket, site), "the startup publish is the site as built"

    drop(site, post_path("zevenaar", "2055-nieuw.md"), "---\ntitle: Nieuw\n---\nErbij.\n")
    watcher.wait_until(lambda: published(site, "zevenaar", "2055-nieuw"), "the post in site/")
    watcher.wait_until(
        lambda: page_key("zevenaar", "2055-nieuw") in bucket_files(seaweed, bucket),
        "the post in the bucket",
    )
    watcher.wait_until(lambda: converged(seaweed, bucket, site), "bucket = site/")

    before = local_files(site)
    proxy.clear()
    mark = watcher.mark()
    write(site, post_path("zevenaar", "2055-nieuw.md"), "---\ntitle: Nieuw\n---\nAnders.\n")
    watcher.wait_line(PUBLISHED, mark)
    watcher.wait_until(lambda: converged(seaweed, bucket, site), "the edit in the bucket")
    after = local_files(site)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    assert page_key("zevenaar", "2055-nieuw") in changed
    assert len(changed) < len(after) / 2, "an edit of one post changes a few files"
    assert uploads(proxy, bucket) == changed
    assert not [r for r in proxy.requests if r.method == "GET" and not r.key], (
        "a cycle after a good publish does not list the bucket again"
    )
    assert watcher.diagnostics("error") == []
    assert watcher.interrupt() == 0


def _fail_uploads(request: Request, puts_before: int) -> tuple[int, str] | None:
    """The store fails every upload of a page (its manifest still goes through)."""
    if request.method == "PUT" and request.key and not request.key.endswith(MANIFEST_KEY):
        return 503, "ServiceUnavailable"
    return None


def test_a_failing_store_is_reported_once_and_caught_up_after(
    site: Path, start: Callable[..., Process], seaweed: Seaweed, proxy: Proxy, aws: None
) -> None:
    bucket = "w-" + secrets.token_hex(6)
    seaweed.client().create_bucket(Bucket=bucket)
    watcher = start_publishing(start, site, bucket, proxy.endpoint)

    proxy.fault = _fail_uploads
    mark = watcher.mark()
    drop(site, post_path("zevenaar", "2055-eerste.md"), "Eerste tijdens de storing.\n")
    error = watcher.wait_line(rf"^s3://{bucket}/{PREFIX}: error: ", mark, timeout=PUBLISH_TIMEOUT)
    assert "HTTP 503" in watcher.lines[error], watcher.lines[error]

    # The watch goes on rebuilding while the store fails, and says so only once.
    mark = watcher.mark()
    drop(site, post_path("neder-betuwe", "2056-tweede.md"), "Tweede tijdens de storing.\n")
    watcher.wait_until(
        lambda: published(site, "neder-betuwe", "2056-tweede"), "the second post in site/"
    )
    assert watcher.wait_rebuild(mark)["reason"] == "change"
    failed_manifests = len(
        [r for r in proxy.requests if r.method == "PUT" and r.key.endswith(MANIFEST_KEY)]
    )
    watcher.wait_until(
        lambda: (
            len([r for r in proxy.requests if r.key.endswith(MANIFEST_KEY)]) >= failed_manifests + 2
        ),
        "another failed publish",
        timeout=PUBLISH_TIMEOUT,
    )
    errors = [line for line in watcher.lines if re.match(r"^s3://\S+: error: ", line)]
    assert len(errors) == 1, watcher.output()
    assert page_key("neder-betuwe", "2056-tweede") not in bucket_files(seaweed, bucket)

    # The store recovers: with no further change, the bucket becomes site/ exactly.
    mark = watcher.mark()
    proxy.fault = None
    line = watcher.wait_line(PUBLISHED, mark, timeout=PUBLISH_TIMEOUT)
    assert watcher.lines[line].endswith("caught up after the failure"), watcher.lines[line]
    assert converged(seaweed, bucket, site)
    output = watcher.output()
    assert seaweed.access_key not in output and seaweed.secret_key not in output
    assert watcher.interrupt() == 0


def test_a_scheduled_post_reaches_the_bucket_at_its_moment(
    site: Path, start: Callable[..., Process], seaweed: Seaweed, proxy: Proxy, aws: None
) -> None:
    bucket = "w-" + secrets.token_hex(6)
    seaweed.client().create_bucket(Bucket=bucket)
    watcher = start_publishing(start, site, bucket, proxy.endpoint)
    # The watcher's clock started at DURING when its process started, so it is at most this far
    # ahead (as in test_watch.py):
    clock = datetime.fromisoformat(DURING) + timedelta(seconds=time.monotonic() - watcher.started)
    due = (clock + timedelta(seconds=4)).replace(microsecond=0) + timedelta(seconds=1)
    mark = watcher.mark()
    drop(
        site,
        post_path("zevenaar", "2100-gepland.md"),
        f"---\ntime: '{due.isoformat()}'\ntitle: Gepland\n---\nStraks te zien.\n",
    )
    assert watcher.wait_rebuild(mark)["reason"] == "change"
    key = page_key("zevenaar", "2100-gepland")
    assert key not in bucket_files(seaweed, bucket), "published before its time"
    watcher.wait_until(lambda: key in bucket_files(seaweed, bucket), "the scheduled post")
    assert watcher.summaries(mark)[-1]["reason"] == "scheduled"
    watcher.wait_until(lambda: converged(seaweed, bucket, site), "bucket = site/")
    assert watcher.interrupt() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--publish", "--drafts", "--to", "s3://b-1/"], "--publish: error: a --drafts watch"),
        (["--publish"], "publish: error: no target"),
        (["--publish", "--to", "http://x/"], "--to: error: 'http://x/' is not an s3:// URL"),
        (["--to", "s3://b-1/"], "--to: error: only with --publish"),
        (["--max-deletes", "5"], "--max-deletes: error: only with --publish"),
    ],
)
def test_a_watch_that_cannot_publish_is_refused_before_it_starts(
    site: Path, run: Run, args: list[str], message: str
) -> None:
    outcome = run(["watch", "--now", DURING, *args], site)
    assert outcome.exit_code == 2
    assert outcome.lines() == [outcome.lines()[0]] and outcome.lines()[0].startswith(message)
    assert not (site / "site").exists(), "nothing was built"


def test_a_watch_without_credentials_stops_with_one_line(site: Path, run: Run) -> None:
    env: dict[str, str | None] = {
        "AWS_ACCESS_KEY_ID": None,
        "AWS_SECRET_ACCESS_KEY": None,
        "AWS_SESSION_TOKEN": None,
        "AWS_PROFILE": None,
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    }
    outcome = run(["watch", "--now", DURING, "--publish", "--to", "s3://b-1/"], site, env=env)
    assert outcome.exit_code == 1
    assert outcome.lines() == [
        "s3://b-1/: error: no AWS credentials: set AWS_ACCESS_KEY_ID and "
        "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE (see docs/publishing.md)"
    ]
