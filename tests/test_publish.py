"""`followshift publish` against a real S3-compatible server (SeaweedFS on loopback, see
publish_support.py), through a recording proxy: what the bucket holds, with which headers, what
is sent and in which order, and what is refused."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import SHIFT, Run, jpeg, make_site, post_path, site_files
from publish_support import Proxy, Seaweed

from followshift.publish import rules
from followshift.publish.model import MANIFEST_NAME
from followshift.publish.remote import MANIFEST_KEY
from followshift.publish.rules import IMMUTABLE, LIVE, SHORT, group_of

NOW = "2026-10-24T21:00"


def photo_site(root: Path, extra: dict[str, str | bytes] | None = None) -> Path:
    """The small site of conftest, with a photo (so media/ has files) and `extra`."""
    files = site_files(
        {
            post_path("zevenaar", "1930-controle.md"): "---\ntitle: Controle\n---\nEen foto.\n",
            post_path("zevenaar", "1930-controle.jpg"): jpeg(size=(64, 48)),
            **(extra or {}),
        }
    )
    return make_site(root, files)


def remove_photo_post(root: Path) -> None:
    for name in ("1930-controle.md", "1930-controle.jpg"):
        (root / "content" / SHIFT / "zevenaar" / name).unlink()


def build(run: Run, root: Path, *args: str) -> None:
    outcome = run(["build", "--now", NOW, *args], root)
    assert outcome.exit_code == 0, outcome.stderr


def publish(
    run: Run, root: Path, seaweed: Seaweed, to: str, endpoint: str, *args: str, **env: str | None
) -> Any:
    return run(
        ["publish", "--to", to, "--endpoint-url", endpoint, *args], root, env=seaweed.env(**env)
    )


def bucket_files(seaweed: Seaweed, bucket: str, prefix: str = "") -> dict[str, bytes]:
    client = seaweed.client()
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for obj in page.get("Contents", []):
            key = obj["Key"][len(prefix) :]
            out[key] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return out


def site_contents(site: Path) -> dict[str, bytes]:
    return {
        p.relative_to(site).as_posix(): p.read_bytes()
        for p in site.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }


def published(seaweed: Seaweed, bucket: str, prefix: str = "") -> dict[str, bytes]:
    """The bucket's objects under the prefix, without followshift's own manifest."""
    return {k: v for k, v in bucket_files(seaweed, bucket, prefix).items() if k != MANIFEST_KEY}


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
    return [r.key for r in proxy.object_puts(bucket) if r.key != MANIFEST_KEY]


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
    assert keys[0] == keys[-1] == MANIFEST_KEY  # pending first, the record last
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


def test_objects_followshift_did_not_publish_are_kept(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    client = seaweed.client()
    client.put_object(Bucket=bucket, Key="site/google1234.html", Body=b"verification")
    client.put_object(Bucket=bucket, Key="site/notes/readme.txt", Body=b"ours, not followshift's")
    client.put_object(Bucket=bucket, Key="elsewhere/index.html", Body=b"another prefix")
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/site", proxy.endpoint).exit_code == 0
    remove_photo_post(root)
    build(run, root)

    outcome = publish(run, root, seaweed, f"s3://{bucket}/site", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    theirs = {"google1234.html": b"verification", "notes/readme.txt": b"ours, not followshift's"}
    assert published(seaweed, bucket, "site/") == {**site_contents(root / "site"), **theirs}
    assert bucket_files(seaweed, bucket, "elsewhere/") == {"index.html": b"another prefix"}


def test_an_object_of_someone_else_where_a_page_goes_is_never_overwritten(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    seaweed.client().put_object(Bucket=bucket, Key="index.html", Body=b"<p>the old site</p>")
    root = make_site(tmp_path, site_files())
    build(run, root)

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 2
    assert outcome.lines() == [
        f"s3://{bucket}/: error: s3://{bucket}/index.html was not published by followshift "
        "and would be overwritten; remove it or publish to another prefix"
    ]
    assert bucket_files(seaweed, bucket) == {"index.html": b"<p>the old site</p>"}


def test_a_drafts_preview_is_refused_and_nothing_is_sent(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    draft = "---\nstatus: draft\n---\nNog niet publiceren: geheim.\n"
    root = make_site(tmp_path, site_files({post_path("zevenaar", "2030-concept.md"): draft}))
    build(run, root, "--drafts")

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 2
    assert outcome.lines() == [
        f"s3://{bucket}/: error: site is a preview built with --drafts and is never "
        "published; build it again without --drafts"
    ]
    assert [r for r in proxy.requests if r.method != "GET"] == []
    assert bucket_files(seaweed, bucket) == {}

    build(run, root)  # the same site without --drafts may go
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    assert all(b"geheim" not in data for data in bucket_files(seaweed, bucket).values())


@pytest.mark.parametrize("damage", ["lost", "tampered"])
def test_a_lost_or_tampered_manifest_is_noticed_and_the_next_publish_converges(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str, damage: str
) -> None:
    client = seaweed.client()
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/p", proxy.endpoint).exit_code == 0
    if damage == "lost":
        client.delete_object(Bucket=bucket, Key="p/" + MANIFEST_KEY)
    else:
        client.put_object(Bucket=bucket, Key="p/" + MANIFEST_KEY, Body=b'{"objects": "x"}')
    client.put_object(Bucket=bucket, Key="p/foreign.txt", Body=b"kept")
    old = site_contents(root / "site")
    remove_photo_post(root)
    build(run, root)
    new = site_contents(root / "site")
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/p", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    state = "missing" if damage == "lost" else "unreadable"
    assert f"p/.followshift/manifest.json is {state}: checking the " in outcome.stderr
    assert published(seaweed, bucket, "p/") == {
        **site_contents(root / "site"),
        "foreign.txt": b"kept",
    }
    # Only what the rebuild changed is sent: the mark on each object says it is followshift's
    # and which bytes it holds.
    sent = [r.key for r in proxy.object_puts(bucket) if r.key != "p/" + MANIFEST_KEY]
    assert sorted(sent) == sorted("p/" + rel for rel in new if old.get(rel) != new[rel])


def test_an_object_changed_behind_followshifts_back_is_sent_again(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    seaweed.client().put_object(Bucket=bucket, Key="index.html", Body=b"defaced")
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert [r.key for r in proxy.object_puts(bucket)] == ["index.html", MANIFEST_KEY]
    assert published(seaweed, bucket) == site_contents(root / "site")


def test_more_removals_than_max_deletes_are_refused_and_nothing_changes(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = photo_site(tmp_path)
    build(run, root)
    assert publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    before = bucket_files(seaweed, bucket)
    remove_photo_post(root)  # its page and its photo's files go
    build(run, root)
    gone = len(set(before) - set(site_contents(root / "site")) - {MANIFEST_KEY})
    assert gone >= 3
    proxy.clear()

    outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint, "--max-deletes", "2")

    assert outcome.exit_code == 2
    assert outcome.lines() == [
        f"s3://{bucket}/: error: this publish would delete {gone} objects from s3://{bucket}/, "
        "more than --max-deletes 2 allows; nothing was changed. Check --out and the target, "
        f"then allow it with --max-deletes {gone}"
    ]
    assert [r for r in proxy.requests if r.method != "GET"] == []
    assert bucket_files(seaweed, bucket) == before

    outcome = publish(
        run, root, seaweed, f"s3://{bucket}/", proxy.endpoint, "--max-deletes", str(gone)
    )
    assert outcome.exit_code == 0, outcome.stderr
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


def test_changed_header_rules_update_the_objects_without_sending_their_bytes(
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
    puts = [r for r in proxy.object_puts(bucket) if r.key != MANIFEST_KEY]
    assert puts and all(r.copy for r in puts)  # CopyObject onto itself: no bytes sent
    assert {r.key for r in puts} == {
        rel for rel in site_contents(root / "site") if rules.headers_for(rel)[1] == rules.SHORT
    }
    got = seaweed.client().head_object(Bucket=bucket, Key="index.html")
    assert got["CacheControl"] == "public, max-age=30"
    assert published(seaweed, bucket) == site_contents(root / "site")


def test_publish_waits_for_no_one_while_a_build_writes_site(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    root = make_site(tmp_path, site_files())
    build(run, root)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; "
            "from followshift.publish.lock import OutputLock; "
            "lock = OutputLock(Path(sys.argv[1]), 'build'); lock.acquire(); "
            "print('held', flush=True); time.sleep(60)",
            str(root / "site"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        outcome = publish(run, root, seaweed, f"s3://{bucket}/", proxy.endpoint)
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()

    assert outcome.exit_code == 2
    assert outcome.lines()[0].startswith(
        f"site: error: in use by `followshift build` (process {holder.pid}"
    )
    assert proxy.requests == []


def test_the_target_can_come_from_site_yaml_and_credentials_cannot(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    yaml = (
        "title: Volgdienst Oost\nbase_url: https://volgdienst.example.nl/\npublish:\n"
        f"  to: s3://{bucket}/from-yaml\n  endpoint_url: {proxy.endpoint}\n  region: us-east-1\n"
    )
    root = make_site(tmp_path, site_files({"content/site.yaml": yaml}))
    build(run, root)

    outcome = run(["publish"], root, env=seaweed.env())

    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket, "from-yaml/") == site_contents(root / "site")

    secret = yaml + "  aws_secret_access_key: hunter2-secret\n"
    make_site(root, {"content/site.yaml": secret})
    outcome = run(["publish"], root, env=seaweed.env())
    assert outcome.exit_code == 2
    assert outcome.lines() == [
        "content/site.yaml:7: error: publish: 'aws_secret_access_key' looks like a credential, "
        "and credentials never go in site.yaml: use AWS_PROFILE or "
        "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (docs/publishing.md)"
    ]
    assert "hunter2" not in outcome.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [],
            "publish: error: no target: give --to s3://BUCKET/PREFIX, "
            "or `publish: to:` in site.yaml",
        ),
        (
            ["--to", "https://bucket/x"],
            "--to: error: 'https://bucket/x' is not an s3:// URL such as s3://my-bucket/ or s3://my-bucket/volgdienst/",
        ),
        (
            ["--to", "s3://AKIAEXAMPLE:secret@bucket/"],
            "--to: error: the target URL must not hold credentials; they come from "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE",
        ),
        (
            ["--to", "s3://B_ad/"],
            "--to: error: 'B_ad' is not a bucket name (3-63 lower-case letters, digits, '.', '-')",
        ),
        (
            ["--to", "s3://bucket/", "--endpoint-url", "ftp://x"],
            "--endpoint-url: error: 'ftp://x' is not an endpoint URL such as https://<account>.r2.cloudflarestorage.com",
        ),
    ],
)
def test_a_missing_or_bad_target_is_a_usage_error(
    tmp_path: Path, run: Run, args: list[str], message: str
) -> None:
    root = make_site(tmp_path, site_files())

    outcome = run(["publish", *args], root)

    assert outcome.exit_code == 2
    assert outcome.lines() == [message]
    assert "secret" not in outcome.stderr.replace("AWS_SECRET_ACCESS_KEY", "")


def test_a_site_followshift_did_not_build_is_refused(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("mine")
    started = time.monotonic()

    outcome = publish(run, tmp_path, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 2
    assert "holds no site built by followshift" in outcome.stderr
    assert time.monotonic() - started < 10
    assert bucket_files(seaweed, bucket) == {}


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
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    """What `watch --publish` does each cycle: one Publisher, one client, the bucket's state
    kept from the publish before (a failed one would make it list the bucket again)."""
    from followshift.publish.bucket import Publisher
    from followshift.publish.target import parse_target

    root = make_site(tmp_path, site_files())
    build(run, root)
    publisher = Publisher(
        parse_target(f"s3://{bucket}/live"), client=seaweed.client(proxy.endpoint)
    )
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


def test_credentials_are_taken_out_of_every_message(seaweed: Seaweed) -> None:
    from followshift.publish.target import redact

    client = seaweed.client()
    text = f"denied for {seaweed.access_key} / {seaweed.secret_key} and AKIAIOSFODNN7EXAMPLE"
    assert redact(text, client) == "denied for … / … and …"


def test_a_site_published_below_the_prefix_is_not_this_sites_even_with_its_record_lost(
    tmp_path: Path, run: Run, seaweed: Seaweed, proxy: Proxy, bucket: str
) -> None:
    inner = make_site(tmp_path / "inner", site_files())
    build(run, inner)
    assert publish(run, inner, seaweed, f"s3://{bucket}/archief", proxy.endpoint).exit_code == 0
    outer = photo_site(tmp_path / "outer")
    build(run, outer)
    assert publish(run, outer, seaweed, f"s3://{bucket}/", proxy.endpoint).exit_code == 0
    seaweed.client().delete_object(Bucket=bucket, Key=MANIFEST_KEY)  # the outer record is lost

    outcome = publish(run, outer, seaweed, f"s3://{bucket}/", proxy.endpoint)

    assert outcome.exit_code == 0, outcome.stderr
    assert published(seaweed, bucket, "archief/") == site_contents(inner / "site")
