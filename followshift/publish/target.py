"""Where `publish` sends the site: the target (`s3://BUCKET/PREFIX`, an endpoint, a region),
and what may be printed about a failure, with every credential taken out.

Credentials come only from the standard AWS chain (client.py), never from site.yaml or a URL,
and are never printed: `redact` removes the access key id, the secret and the session token
(and anything shaped like an AWS key id) from every line that reaches the user, since a
server's error text may quote the key id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from followshift.clean import echo, find_control

# Bucket names as S3 allows them for new buckets (3-63 characters, lower case, digits, dots,
# hyphens); R2, MinIO and SeaweedFS accept a subset of these.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# AKIA… (long-term) and ASIA… (temporary) key ids, also inside a server's message.
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b")
# Parallel requests: uploads are many small files, each a round trip; the pool has as many
# connections, so none waits for a connection of its own.
WORKERS = 16
# Requests that fail in a way that may pass (a 503 "slow down", a 500, a dropped connection,
# a throttle) are tried again with exponential back-off and jitter (client.py) up to this
# many attempts in all; then the publish fails part-way (exit 1) and
# the next one converges.
ATTEMPTS = 5


class TargetError(Exception):
    """The target cannot be used as given (no target, a bad URL): a usage error, exit 2."""


class RemoteError(Exception):
    """The store failed or refused (down, wrong credentials, throttled past the retries):
    one line for the user, without credentials; exit 1."""


@dataclass(frozen=True)
class Target:
    bucket: str
    prefix: str  # "" or ending in "/": every key of the site starts with it
    endpoint_url: str | None = None
    region: str | None = None

    @property
    def url(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def key(self, rel: str) -> str:
        return self.prefix + rel


def parse_target(to: str, endpoint_url: str | None = None, region: str | None = None) -> Target:
    """The target of `--to s3://BUCKET/PREFIX` (or site.yaml's `publish: to:`); TargetError
    with a message for the user when it is not one."""
    example = "such as s3://my-bucket/ or s3://my-bucket/volgdienst/"
    if "@" in to:  # a key or secret written into the URL: never echoed
        raise TargetError(
            "the target URL must not hold credentials; they come from AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY or AWS_PROFILE"
        )
    if find_control(to) is not None or any(c.isspace() for c in to):
        raise TargetError(f"'{echo(to)}' is not an s3:// URL {example}")
    parts = urlsplit(to)
    if parts.scheme.lower() != "s3" or not parts.netloc:
        raise TargetError(f"'{echo(to)}' is not an s3:// URL {example}")
    if parts.query or parts.fragment or ":" in parts.netloc:
        raise TargetError(f"'{echo(to)}': give the bucket and a prefix only, {example}")
    bucket = parts.netloc
    if not _BUCKET.fullmatch(bucket) or ".." in bucket:
        raise TargetError(
            f"'{echo(bucket)}' is not a bucket name (3-63 lower-case letters, digits, '.', '-')"
        )
    prefix = parts.path.strip("/")
    if any(part in ("", ".", "..") for part in prefix.split("/")) and prefix:
        raise TargetError(f"'{echo(to)}': the prefix has an empty, '.' or '..' part")
    if "\\" in prefix:
        raise TargetError(f"'{echo(to)}': the prefix must use '/' only")
    if endpoint_url is not None:
        endpoint_url = check_endpoint(endpoint_url)
    return Target(bucket, prefix + "/" if prefix else "", endpoint_url, region or None)


def check_endpoint(url: str) -> str:
    """An http(s) endpoint URL with a host and nothing else that could carry a secret."""
    if "@" in url:
        raise TargetError(
            "the endpoint URL must not hold credentials; they come from AWS_ACCESS_KEY_ID/"
            "AWS_SECRET_ACCESS_KEY or AWS_PROFILE"
        )
    bad = f"'{echo(url)}' is not an endpoint URL such as https://<account>.r2.cloudflarestorage.com"
    if find_control(url) is not None or any(c.isspace() for c in url):
        raise TargetError(bad)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise TargetError(bad) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise TargetError(bad)
    if parts.query or parts.fragment:
        raise TargetError(bad)
    return url.rstrip("/")


def redact(message: str, secrets: Iterable[str] = ()) -> str:
    """The message with every credential in `secrets`, and anything shaped like an AWS key id,
    replaced by '…'; on one line, and with nothing a terminal would act on: a store's error text
    is anyone's (a gateway in front of it, a hostile endpoint), so a run of whitespace (line
    breaks too) becomes one space and every other character that is not printable (control
    characters such as ESC, C1 controls, bidi overrides, zero-width characters) is dropped."""
    for secret in secrets:
        if secret:
            message = message.replace(secret, "…")
    message = _KEY_ID.sub("…", message)
    line = " ".join(message.split())
    return line if line.isprintable() else "".join(c for c in line if c.isprintable())
