"""`followshift publish` against a real S3-compatible server (SeaweedFS on loopback, see
publish_support.py), through a recording proxy: what the bucket holds, with which headers, what
is sent and in which order. The refusals are in test_publish_safety.py, the faults in
test_publish_faults.py."""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import pytest
from conftest import SHIFT, Run, jpeg, make_site, post_path, site_files
from publish_support import (
    Proxy,
    Seaweed,
    bucket_files,
    build,
    in_environment,
    photo_site,
    publish,
    published,
    remove_photo_post,
    site_contents,
)

from followshift.publish import rules
from followshift.publish.model import MANIFEST_NAME
from followshift.publish.remote import MANIFEST_KEY, PENDING_KEY, STATE_FOLDER
from followshift.publish.rules import IMMUTABLE, LIVE, SHORT, group_of


def test_the_bucket_holds_site_byte_for_byte_with_headers_by_kind(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)

    outcome = publish(run, root, seaweed, f"s3://{bucket}/volgdienst", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert outcome.lines()[-1].startswith(f"published site to s3://{bucket}/volgdienst/: ")
    site = site_contents(root / "site")
    assert published(seaweed, bucket, "volgdienst/") == site
    client = seaweed.client()

    def head(rel: str) -> tuple[str, str]:
        got = client.head_object(Bucket=bucket, Key="volgdienst/" + rel)
        return got["ContentType"], got["CacheControl"]

    media = next(rel for rel in site if rel.startswith("media/") and rel.endswith(".webp"))
    css = next(rel for rel in site if rel.startswith("assets/") and rel.endswith(".css"))
    assert head("index.html") == ("text/html; charset=utf-8", SHORT)
    assert head(f"{SHIFT}/zevenaar/1930-controle/index.html") == head("index.html")
    assert head(f"{SHIFT}/live.json") == ("application/json; charset=utf-8", LIVE)
    assert head(f"{SHIFT}/feed.xml") == ("application/atom+xml; charset=utf-8", SHORT)
    assert head("feed.json") == ("application/feed+json; charset=utf-8", SHORT)
    assert head("sitemap.xml") == ("application/xml; charset=utf-8", SHORT)
    assert head(media) == ("image/webp", IMMUTABLE)
    assert head(css) == ("text/css; charset=utf-8", IMMUTABLE)
    assert "max-age=60" in SHORT and "stale-while-revalidate" in LIVE
    # followshift's record is not a page, and no cache keeps it.
    record = client.head_object(Bucket=bucket, Key="volgdienst/" + MANIFEST_KEY)
    assert record["CacheControl"] == "private, no-store"
    doc = json.loads(
        client.get_object(Bucket=bucket, Key="volgdienst/" + MANIFEST_KEY)["Body"].read()
    )
    assert set(doc["objects"]) == set(site)


def test_a_second_publish_with_nothing_changed_sends_nothing(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    build(run, root)  # a rebuild that changes nothing
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert [r for r in proxy.requests if r.method in ("PUT", "POST", "DELETE")] == []
    assert " 0 uploaded " in outcome.stderr


def uploads_for_one_new_post(
    run: Run, root: Path, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> list[str]:
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    make_site(root, {post_path("zevenaar", "2059-nieuw.md"): "Een nieuw bericht.\n"})
    build(run, root)
    proxy.clear()
    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)
    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket) == site_contents(root / "site")
    return [r.key for r in proxy.object_puts(bucket) if not r.key.startswith(STATE_FOLDER)]


def test_one_new_post_sends_a_bounded_number_of_objects_however_big_the_site(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy
) -> None:
    small = make_site(tmp_path / "small", site_files())
    many = {
        post_path(team, f"{19 + i // 30:02d}{i % 30 * 2:02d}-bericht-{i}.md"): f"Bericht {i}.\n"
        for i in range(60)
        for team in ("neder-betuwe",)
    }
    big = make_site(tmp_path / "big", site_files(many))
    buckets = []
    for _ in range(2):
        name = "t-" + secrets.token_hex(6)
        seaweed.client().create_bucket(Bucket=name)
        buckets.append(name)

    few = uploads_for_one_new_post(run, small, seaweed, proxy, buckets[0])
    more = uploads_for_one_new_post(run, big, seaweed, proxy, buckets[1])

    assert f"{SHIFT}/zevenaar/2059-nieuw/index.html" in few
    assert len(more) <= len(few) + 3, (few, more)  # its neighbours and pages, not the site
    assert len(more) < 30
    assert len(more) < len(site_contents(big / "site")) / 3


def test_uploads_go_in_order_groups_and_removals_come_last(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)

    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0

    keys = [r.key for r in proxy.object_puts(bucket)]
    assert keys[0] == PENDING_KEY and keys[-1] == MANIFEST_KEY  # pending first, the record last
    groups = [group_of(key) for key in keys[1:-1]]
    assert groups == sorted(groups)  # a group starts when the one before it is complete
    assert groups[0] == 0 and groups[-1] == 9  # media and assets first, live.json last
    order = keys[1:-1]
    assert max(order.index(k) for k in order if k.startswith("media/")) < order.index(
        f"{SHIFT}/zevenaar/1930-controle/index.html"
    )
    assert order.index(f"{SHIFT}/zevenaar/index.html") < order.index(f"{SHIFT}/index.html")
    assert (
        order.index(f"{SHIFT}/index.html") < order.index("sitemap.xml") < order.index("index.html")
    )

    # A new photo post and a removed post: the photo before its page, removals after all.
    remove_photo_post(root)
    make_site(
        root,
        {
            post_path("zevenaar", "2040-nieuw.md"): "Nieuw.\n",
            post_path("zevenaar", "2040-nieuw.jpg"): jpeg(size=(40, 30)),
        },
    )
    build(run, root)
    proxy.clear()
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    writes = [
        r for r in proxy.requests if r.method in ("PUT", "POST", "DELETE") and r.key != MANIFEST_KEY
    ]
    deleting = [i for i, r in enumerate(writes) if r.method in ("POST", "DELETE")]
    assert deleting and min(deleting) > max(i for i, r in enumerate(writes) if r.method == "PUT")
    assert published(seaweed, bucket) == site_contents(root / "site")


def test_dry_run_prints_the_plan_and_sends_nothing(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint, "--dry-run")

    assert outcome.exit_code == 0, outcome.stderr
    files = site_contents(root / "site")
    lines = outcome.stdout.splitlines()
    assert lines[0].startswith(f"plan for s3://{bucket}/: upload {len(files)} (")
    assert f"  upload  {SHIFT}/live.json  (live.json; {LIVE})" in lines
    assert lines[-1].startswith(f"  upload  {SHIFT}/")  # live.json last
    assert [r for r in proxy.requests if r.method != "GET"] == []
    assert bucket_files(seaweed, bucket) == {}
    assert seaweed.secret_key not in outcome.stdout + outcome.stderr
    assert seaweed.access_key not in outcome.stdout + outcome.stderr


def test_changed_header_rules_update_exactly_the_objects_they_concern(
    tmp_path: Path,
    run: Run,
    seaweed: Seaweed,
    proxy: Proxy,
    bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    monkeypatch.setattr(rules, "SHORT", "public, max-age=30")
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    # Sent again with the new headers (obstore cannot replace headers in place), and only those.
    puts = [r for r in proxy.object_puts(bucket) if r.key != MANIFEST_KEY]
    assert {r.key for r in puts} == {
        rel for rel in site_contents(root / "site") if rules.headers_for(rel)[1] == rules.SHORT
    }
    got = seaweed.client().head_object(Bucket=bucket, Key="index.html")
    assert got["CacheControl"] == "public, max-age=30"
    assert published(seaweed, bucket) == site_contents(root / "site")


def test_a_drafts_build_marks_the_site_a_preview_until_a_build_without_drafts(
    tmp_path: Path, run: Run
) -> None:
    root = make_site(tmp_path, site_files())
    manifest = root / "site" / MANIFEST_NAME
    build(run, root, "--drafts")
    assert json.loads(manifest.read_text())["preview"] is True
    build(run, root)
    assert "preview" not in json.loads(manifest.read_text())


def test_a_kept_publisher_plans_the_next_cycle_without_reading_the_bucket(
    tmp_path: Path,
    run: Run,
    seaweed: Seaweed,
    proxy: Proxy,
    bucket: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `watch --publish` does each cycle: one Publisher, one client, the bucket's state
    kept from the publish before (a failed one would make it list the bucket again)."""
    from followshift.publish.bucket import Publisher
    from followshift.publish.target import parse_target

    root = make_site(tmp_path, site_files())
    build(run, root)
    in_environment(monkeypatch, seaweed.env())
    publisher = Publisher(parse_target(f"s3://{bucket}/live", proxy.endpoint))
    assert publisher.apply(publisher.plan(root / "site")).ok
    make_site(root, {post_path("zevenaar", "2059-nieuw.md"): "Nieuw.\n"})
    build(run, root)
    proxy.clear()

    plan = publisher.plan(root / "site", verify=False)
    result = publisher.apply(plan)

    assert result.ok and result.uploaded == len(plan.steps) > 0
    assert [r.method for r in proxy.requests if r.method == "GET"] == []  # no list, no read
    assert published(seaweed, bucket, "live/") == site_contents(root / "site")
    again = publisher.plan(root / "site", verify=False)
    assert again.steps == [] and again.deletes == []


def test_a_profile_in_the_shared_credentials_file_is_used_when_the_environment_has_no_keys(
    tmp_path: Path, run: Run, seaweed: Seaweed, bucket: str
) -> None:
    """The standard chain beyond the environment: AWS_PROFILE names a profile of the shared
    credentials file (as `aws configure --profile` writes it), and publish goes through."""
    root = make_site(tmp_path, site_files())
    build(run, root)
    shared = tmp_path / "credentials"
    shared.write_text(
        f"[volgdienst]\naws_access_key_id = {seaweed.access_key}\n"
        f"aws_secret_access_key = {seaweed.secret_key}\n"
    )

    outcome = publish(
        run,
        root,
        seaweed,
        f"s3://{bucket}/",
        seaweed.endpoint,
        "-v",
        AWS_ACCESS_KEY_ID=None,
        AWS_SECRET_ACCESS_KEY=None,
        AWS_PROFILE="volgdienst",
        AWS_SHARED_CREDENTIALS_FILE=str(shared),
    )

    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket) == site_contents(root / "site")
    text = outcome.stdout + outcome.stderr
    assert seaweed.access_key not in text and seaweed.secret_key not in text


def test_credentials_are_taken_out_of_every_message(
    seaweed: Seaweed, monkeypatch: pytest.MonkeyPatch
) -> None:
    from followshift.publish.client import make_client
    from followshift.publish.target import parse_target, redact

    in_environment(monkeypatch, seaweed.env())
    secrets = make_client(parse_target("s3://some-bucket/", seaweed.endpoint)).secrets
    text = f"denied for {seaweed.access_key} / {seaweed.secret_key} and AKIAIOSFODNN7EXAMPLE"
    assert redact(text, secrets) == "denied for … / … and …"
    # Not through XML (which cannot carry ESC or NUL), but through an exception's text: still
    # one line that a terminal only prints.
    raw = f"bad\x1b[2J\x00endpoint\r\n{seaweed.secret_key}\u2066x"
    assert redact(raw, secrets) == "bad[2Jendpoint …x"


def test_new_keys_are_recorded_apart_and_the_manifest_is_written_once(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    """A new post: its keys go into the small pending object before they are sent, the big
    manifest is written once, after them, and the pending object is gone when it is done."""
    root = make_site(tmp_path, site_files())
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    make_site(root, {post_path("zevenaar", "2059-nieuw.md"): "Een nieuw bericht.\n"})
    build(run, root)
    proxy.clear()

    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0

    keys = [r.key for r in proxy.object_puts(bucket)]
    assert keys[0] == PENDING_KEY and keys.count(PENDING_KEY) == 1
    assert keys[-1] == MANIFEST_KEY and keys.count(MANIFEST_KEY) == 1
    assert PENDING_KEY not in bucket_files(seaweed, bucket)
    record = json.loads(seaweed.client().get_object(Bucket=bucket, Key=MANIFEST_KEY)["Body"].read())
    assert "pending" not in record


@pytest.mark.parametrize(
    "body", [b'{"generator": "followshift", "version": 1, "pending": ["index.html"]}', b"not json"]
)
def test_a_pending_object_left_behind_is_checked_and_then_removed(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str, body: bytes
) -> None:
    """A publish killed part-way leaves the pending object: the next one asks the objects it
    names (or, unreadable, every object) instead of trusting the manifest, and removes it."""
    root = make_site(tmp_path, site_files())
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    seaweed.client().put_object(Bucket=bucket, Key=PENDING_KEY, Body=body)
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    asked = any(r.method == "HEAD" and r.key == "index.html" for r in proxy.requests)
    assert asked == (body != b"not json")  # named, or (unreadable) vouched for by the manifest
    sent = [r.key for r in proxy.object_puts(bucket) if not r.key.startswith(STATE_FOLDER)]
    assert sent == []  # nothing of the site sent again
    assert PENDING_KEY not in bucket_files(seaweed, bucket)
    assert published(seaweed, bucket) == site_contents(root / "site")


@pytest.mark.parametrize("split", [True, False])
def test_the_listing_in_ranges_finds_every_object_the_manifest_does_not_know(
    tmp_path: Path,
    run: Run,
    seaweed: Seaweed,
    proxy: Proxy,
    bucket: str,
    monkeypatch: pytest.MonkeyPatch,
    split: bool,
) -> None:
    """The listing split at the manifest's keys (ranges of 3 here, listed at once) sees the
    same objects as one walk: also objects before the first, between and after the last key
    the manifest knows, and changed ones."""
    from followshift.publish import remote
    from followshift.publish.bucket import Publisher
    from followshift.publish.target import parse_target

    monkeypatch.setattr(remote, "SPAN", 3)
    monkeypatch.setattr(remote, "SLACK", 1)
    monkeypatch.setattr(remote.Remote, "split", split)
    root = make_site(tmp_path, site_files())
    build(run, root)
    client = seaweed.client(proxy.endpoint)
    in_environment(monkeypatch, seaweed.env())
    publisher = Publisher(parse_target(f"s3://{bucket}/p", proxy.endpoint))
    assert publisher.apply(publisher.plan(root / "site")).ok
    known = sorted(publisher.remote.view().entries)
    extra = ["!first", known[1] + "-between", known[4] + "x", known[-1] + "~last", "~"]
    for rel in extra:
        client.put_object(Bucket=bucket, Key="p/" + rel, Body=b"not followshift's")
    client.put_object(Bucket=bucket, Key="p/" + known[5], Body=b"changed by someone")
    client.put_object(Bucket=bucket, Key="outside", Body=b"not under the prefix")
    proxy.clear()

    view = publisher.remote.view()

    walk = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="p/")
    every = {
        o["Key"][2:]: (o["ETag"].strip('"'), o["Size"])
        for page in walk
        for o in page.get("Contents", [])
        if not o["Key"].startswith("p/" + STATE_FOLDER)
    }
    assert {rel: (seen.etag, seen.size) for rel, seen in view.listing.items()} == every
    assert set(extra) <= set(view.listing) and len(known) > 6
    lists = [r for r in proxy.requests if r.method == "GET" and r.query]
    assert (len(lists) > len(known) // 3) == split  # a request a range, or one walk
