"""Where `publish` sends the site: the target (`s3://BUCKET/PREFIX`, an endpoint, a region),
the S3 client made for it from the standard AWS credential sources, and what is printed about
a failure, with every credential taken out.

Credentials are never read from anywhere but botocore's own chain (AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY, AWS_PROFILE, the shared credentials and config files, SSO, instance
roles), never passed around by followshift, and never printed: `redact` removes the access key
id, the secret and the session token (and anything shaped like an AWS key id) from every line
that reaches the user, since a server's error text may quote the key id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from followshift.clean import echo, find_control

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

# Bucket names as S3 allows them for new buckets (3-63 characters, lower case, digits, dots,
# hyphens); R2, MinIO and SeaweedFS accept a subset of these.
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
# AKIA… (long-term) and ASIA… (temporary) key ids, also inside a server's message.
_KEY_ID = re.compile(r"\b(?:AKIA|ASIA|AROA|AIDA)[A-Z0-9]{12,}\b")
# Parallel requests: uploads are many small files, each a round trip; the pool has as many
# connections, so none waits for a connection of its own.
WORKERS = 16
# Requests that fail in a way that may pass (a 503 "slow down", a 500, a dropped connection,
# a throttle) are tried again by botocore with exponential back-off and jitter ("standard"
# retry mode) up to this many attempts in all; then the publish fails part-way (exit 1) and
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


def make_client(target: Target, workers: int = WORKERS) -> S3Client:
    """An S3 client for the target, with credentials from the standard AWS chain. Raises
    RemoteError when there are none (nothing is sent then)."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError

    config = Config(
        retries={"mode": "standard", "max_attempts": ATTEMPTS},
        connect_timeout=5,
        read_timeout=30,
        max_pool_connections=workers,
        # Content-MD5 is sent with every upload (the store checks the bytes with it); the
        # newer default CRC trailers are not understood by every S3-compatible store.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        # Path-style requests (endpoint/bucket/key) work on every S3-compatible store;
        # virtual-hosted ones need DNS for each bucket. AWS itself keeps its default.
        s3={"addressing_style": "path" if target.endpoint_url else "auto"},
        user_agent_extra="followshift",
    )
    try:
        session = boto3.session.Session(region_name=target.region)
        # Timestamps (LastModified) stay text: none is used, and dateutil parsing them took
        # 60 % of the time of listing a site of 13,000 objects.
        factory = session._session.get_component("response_parser_factory")
        factory.set_parser_defaults(timestamp_parser=str)
        if session.get_credentials() is None:
            raise RemoteError(
                "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "
                "AWS_PROFILE (see docs/publishing.md)"
            )
        region = session.region_name or "us-east-1"  # the store's default for the signature
        return session.client(
            "s3", endpoint_url=target.endpoint_url, region_name=region, config=config
        )
    except BotoCoreError as exc:  # a broken profile or config file
        raise RemoteError(redact(str(exc))) from None


def secrets_of(client: Any) -> list[str]:
    """The credential strings of the client (to take out of messages)."""
    try:
        creds = client._request_signer._credentials
        frozen = creds.get_frozen_credentials() if creds is not None else None
    except Exception:
        return []
    if frozen is None:
        return []
    return [s for s in (frozen.access_key, frozen.secret_key, frozen.token) if s]


def redact(message: str, client: Any = None) -> str:
    """The message with every credential of `client`, and anything shaped like an AWS key id,
    replaced by '…'; on one line, and with nothing a terminal would act on: a store's error text
    is anyone's (a gateway in front of it, a hostile endpoint), so a run of whitespace (line
    breaks too) becomes one space and every other character that is not printable (control
    characters such as ESC, C1 controls, bidi overrides, zero-width characters) is dropped."""
    for secret in secrets_of(client) if client is not None else []:
        message = message.replace(secret, "…")
    message = _KEY_ID.sub("…", message)
    line = " ".join(message.split())
    return line if line.isprintable() else "".join(c for c in line if c.isprintable())


def describe(exc: BaseException, client: Any = None) -> str:
    """One line for a failure of the store or of the connection to it."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        EndpointConnectionError,
        NoCredentialsError,
        ReadTimeoutError,
    )

    if isinstance(exc, ClientError):
        error: dict[str, Any] = dict(exc.response.get("Error", {}))
        code = str(error.get("Code", ""))
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        text = str(error.get("Message") or "")
        if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken"):
            what = "the store refused the credentials (wrong key or secret)"
        elif code in ("AccessDenied", "AllAccessDisabled") or status == 403:
            what = "access denied: the credentials may not do this here"
        elif code == "NoSuchBucket":
            what = "no such bucket"
        elif code in ("SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded"):
            what = "the store kept asking to slow down (throttled), also after retries"
        elif status is not None and int(status) >= 500:
            what = (
                f"the store failed (HTTP {status}{' ' + code if code else ''}), also after retries"
            )
        else:
            what = f"{code or 'HTTP ' + str(status)}{': ' + text if text else ''}"
        return redact(what, client)
    if isinstance(exc, EndpointConnectionError):
        where = urlsplit(str(exc.kwargs.get("endpoint_url", "")))
        store = f"{where.scheme}://{where.netloc}" if where.netloc else "the store"
        return redact(
            f"cannot connect to {store} (down, or no network), also after retries", client
        )
    if isinstance(exc, ReadTimeoutError | ConnectionClosedError):
        return "the connection to the store broke off, also after retries"
    if isinstance(exc, NoCredentialsError):
        return "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE"
    return redact(f"{type(exc).__name__}: {exc}", client)
