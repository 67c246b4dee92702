"""What `followshift publish` refuses, and what it never touches: objects of someone else,
a `--drafts` preview, more removals than --max-deletes, a folder being built, credentials in
site.yaml, a bad target; and how a lost or tampered record in the bucket is recovered from.
Against a real SeaweedFS (publish_support.py)."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import Run, make_site, post_path, site_files
from publish_support import (
    Proxy,
    Seaweed,
    bucket_files,
    build,
    photo_site,
    publish,
    published,
    remove_photo_post,
    site_contents,
)

from followshift.publish.remote import MANIFEST_KEY, STATE_FOLDER


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
    sent = [r.key for r in proxy.object_puts(bucket) if not r.key.startswith("p/" + STATE_FOLDER)]
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


def test_a_bad_target_in_site_yaml_is_an_error_at_its_line(tmp_path: Path, run: Run) -> None:
    yaml = "title: Volgdienst Oost\npublish:\n  region: eu-west-1\n  to: s3://Not_A_Bucket/x\n"
    root = make_site(tmp_path, site_files({"content/site.yaml": yaml}))

    outcome = run(["publish"], root)

    assert outcome.exit_code == 2
    assert outcome.lines() == [
        "content/site.yaml:4: error: 'Not_A_Bucket' is not a bucket name "
        "(3-63 lower-case letters, digits, '.', '-')"
    ]
