"""The requests followshift makes of an S3-compatible store, over obstore (the Python binding
of the Rust `object_store` crate): GET, HEAD, PUT, the listing and bulk DELETE. Every call
blocks its thread and releases the GIL while it waits, so the upload pool's 16 threads send 16
requests at once at ~0.2 ms of Python CPU each (boto3 took ~1.2 ms, under the GIL: the limit of
a first publish). docs/decisions.md has the measurements.

Credentials come from the standard AWS chain, as botocore orders it: AWS_ACCESS_KEY_ID and
AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) first, read here without importing botocore;
otherwise botocore's own chain (AWS_PROFILE, the shared credentials and config files, SSO,
instance roles) through obstore's Boto3CredentialProvider. They are never printed:
`target.redact` takes them out of every line that reaches the user.

A failure becomes RemoteError-ready text in `describe`: obstore gives the HTTP status and the
store's XML error in its message, not as fields, so the status and the S3 error code are read
from the message's first part (what obstore says about itself after "Debug source" is not
shown).
"""

from __future__ import annotations

import contextlib
import html
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from followshift.publish.target import ATTEMPTS, RemoteError, Target, redact

_STATUS = re.compile(r"status code: (\d{3})")
_CODE = re.compile(r"<Code>([^<]*)</Code>")
_MESSAGE = re.compile(r"<Message>([^<]*)</Message>")
_URI = re.compile(r"Error performing [A-Z]+ (\S+)")
# A key refused inside a DeleteObjects answer (HTTP 200, one <Error> per key refused).
_REFUSED = re.compile(r"DeleteObjects request failed for key (.*?): (.*) \(code: ([^)]*)\)$", re.S)
_NO_CREDENTIALS = (
    "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE "
    "(see docs/publishing.md)"
)


class StoreError(Exception):
    """A request the store refused, or that did not reach it: obstore's error, as its text
    (what `describe` reads). Anything else a Client raises is a bug, not the store's doing."""


@contextlib.contextmanager
def _requests() -> Iterator[None]:
    from obstore.exceptions import BaseError

    try:
        yield
    except (BaseError, OSError) as exc:  # a missing object (FileNotFoundError) is asked first
        raise StoreError(str(exc)) from None


class DeleteRefused(StoreError):
    """The store refused to delete a key of a batch (the others may be gone)."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(text)
        self.key = key


@dataclass(frozen=True, slots=True)
class Stat:
    """An object as HEAD shows it."""

    etag: str  # without quotes
    size: int
    content_type: str
    cache_control: str
    metadata: dict[str, str]  # user metadata (x-amz-meta-*), names without the prefix


class Client:
    """One target's store, thread-safe (obstore's store is; its connections are pooled)."""

    def __init__(self, store: Any, secrets: Iterable[str] = ()) -> None:
        self.store = store
        self.secrets = tuple(s for s in secrets if s)

    def get(self, key: str) -> bytes | None:
        """The object's bytes; None when there is none."""
        import obstore

        with _requests():
            try:
                return bytes(obstore.get(self.store, key).bytes())
            except FileNotFoundError:
                return None

    def head(self, key: str) -> Stat | None:
        import obstore

        with _requests():
            try:
                got = obstore.get(self.store, key, options={"head": True})
            except FileNotFoundError:
                return None
        meta, attributes = got.meta, dict(got.attributes)
        known = {"Content-Type", "Cache-Control", "Content-Disposition", "Content-Encoding"}
        return Stat(
            str(meta.get("e_tag") or "").strip('"'),
            int(meta["size"]),
            str(attributes.get("Content-Type", "")),
            str(attributes.get("Cache-Control", "")),
            {k.lower(): str(v) for k, v in attributes.items() if k not in known},
        )

    def put(
        self,
        key: str,
        data: bytes,
        content_type: str,
        cache_control: str,
        metadata: Mapping[str, str] | None = None,
    ) -> str:
        """Uploads in one PUT (its payload's SHA-256 is signed: AWS S3 and R2 refuse bytes that
        changed on the way, SeaweedFS does not check); returns the ETag, without quotes."""
        import obstore

        attributes: dict[str, str] = {"Content-Type": content_type, "Cache-Control": cache_control}
        attributes.update(metadata or {})
        with _requests():
            got = obstore.put(self.store, key, data, attributes=attributes, use_multipart=False)
        return str(got.get("e_tag") or "").strip('"')

    def listing(self, prefix: str, after: str | None = None) -> Iterator[tuple[str, str, int]]:
        """(key, ETag with its quotes as listed, size) of every object under `prefix` (a key
        prefix ending in '/', or ''), in key order, from the first key after `after`."""
        import obstore

        with _requests():
            stream = obstore.list(self.store, prefix or None, offset=after, chunk_size=1000)
            for chunk in stream:
                for meta in chunk:
                    yield str(meta["path"]), str(meta.get("e_tag") or ""), int(meta["size"])

    def delete(self, keys: list[str]) -> None:
        """Removes the objects (DeleteObjects, 1,000 keys a request). Raises DeleteRefused
        for a key the store would not delete, or what obstore raised."""
        import obstore

        try:
            with _requests():
                obstore.delete(self.store, keys)
        except StoreError as exc:
            found = _REFUSED.search(str(exc).split("\n\nDebug source:", 1)[0])
            if found is None:
                raise
            key, message, code = found.groups()
            raise DeleteRefused(key, message or code or "refused by the store") from None

    def close(self) -> None:
        """Lets go of the store (its connections close with it)."""
        self.store = None


def make_client(target: Target) -> Client:
    """A client for the target, with credentials from the standard AWS chain. Raises
    RemoteError when there are none (nothing is sent then)."""
    from obstore.store import S3Store

    env = os.environ
    key, secret = env.get("AWS_ACCESS_KEY_ID"), env.get("AWS_SECRET_ACCESS_KEY")
    region = target.region or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION")
    config: dict[str, Any] = {}
    provider = None
    if key and secret:
        config.update(access_key_id=key, secret_access_key=secret)
        if env.get("AWS_SESSION_TOKEN"):
            config["token"] = env["AWS_SESSION_TOKEN"]
        secrets = [key, secret, env.get("AWS_SESSION_TOKEN") or ""]
    if not (key and secret) or (region is None and _has_config_file()):
        provider, region, secrets = _botocore_chain(target, region, bool(key and secret))
    endpoint = target.endpoint_url
    if endpoint is not None:
        config["endpoint"] = endpoint
        # Path-style requests (endpoint/bucket/key) work on every S3-compatible store;
        # virtual-hosted ones need DNS for each bucket. AWS itself keeps its default.
        config["virtual_hosted_style_request"] = False
    config["region"] = region or "us-east-1"  # the store's default for the signature
    options: dict[str, Any] = {
        "allow_http": endpoint is not None and endpoint.lower().startswith("http://"),
        "connect_timeout": timedelta(seconds=5),
        "timeout": timedelta(seconds=120),  # a whole request, a photo on a slow uplink too
        "user_agent": "followshift",
    }
    # What may pass (a 5xx such as a 503 "slow down", a dropped or refused connection) is
    # tried again with exponential back-off and jitter, ATTEMPTS tries in all; then the
    # publish fails part-way (exit 1) and the next one converges.
    retry = {
        "max_retries": ATTEMPTS - 1,
        "backoff": {
            "init_backoff": timedelta(milliseconds=200),
            "max_backoff": timedelta(seconds=5),
            "base": 2,
        },
        "retry_timeout": timedelta(seconds=60),
    }
    try:
        store = S3Store(
            target.bucket,
            config=config,  # type: ignore[arg-type]
            client_options=options,  # type: ignore[arg-type]
            retry_config=retry,  # type: ignore[arg-type]
            credential_provider=provider,
        )
    except Exception as exc:  # a setting the store cannot use
        raise RemoteError(describe(exc, secrets)) from None
    return Client(store, secrets)


def _has_config_file() -> bool:
    path = os.environ.get("AWS_CONFIG_FILE") or str(Path.home() / ".aws" / "config")
    return path != os.devnull and Path(path).is_file()


def _botocore_chain(
    target: Target, region: str | None, from_env: bool
) -> tuple[Any, str | None, list[str]]:
    """botocore's credential chain and region, for what the environment does not give."""
    import boto3
    from botocore.exceptions import BotoCoreError
    from obstore.auth.boto3 import Boto3CredentialProvider

    try:
        session = boto3.session.Session(region_name=region)
        credentials = session.get_credentials()
        if credentials is None:
            raise RemoteError(_NO_CREDENTIALS)
        frozen = credentials.get_frozen_credentials()
        secrets = [s or "" for s in (frozen.access_key, frozen.secret_key, frozen.token)]
        provider = None if from_env else Boto3CredentialProvider(session)
        return provider, session.region_name or region, secrets
    except BotoCoreError as exc:  # a broken profile or config file
        raise RemoteError(redact(str(exc))) from None


def describe(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """One line for a failure of the store or of the connection to it."""
    text = str(exc).split("\n\nDebug source:", 1)[0]
    found = _STATUS.search(text)
    status = int(found.group(1)) if found else None
    code = _first(_CODE, text)
    message = _first(_MESSAGE, text)
    if code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken") or status == 401:
        what = "the store refused the credentials (wrong key or secret)"
    elif code in ("AccessDenied", "AllAccessDisabled") or status == 403:
        what = "access denied: the credentials may not do this here"
    elif code == "NoSuchBucket":
        what = "no such bucket"
    elif code in ("SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded"):
        what = "the store kept asking to slow down (throttled), also after retries"
    elif status is not None and status >= 500:
        what = f"the store failed (HTTP {status}{' ' + code if code else ''}), also after retries"
    elif status is not None:
        what = f"{code or 'HTTP ' + str(status)}{': ' + message if message else ''}"
    elif "error sending request" in text or "connect" in text.lower():
        where = urlsplit(_first(_URI, text))
        store = f"{where.scheme}://{where.netloc}" if where.netloc else "the store"
        what = f"cannot connect to {store} (down, or no network), also after retries"
    elif "timed out" in text.lower() or "timeout" in text.lower() or "closed" in text.lower():
        what = "the connection to the store broke off, also after retries"
    else:
        what = f"{type(exc).__name__}: {text}"
    return redact(what, secrets)


def _first(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return html.unescape(found.group(1)) if found else ""
