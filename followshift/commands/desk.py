"""`followshift desk`: the desk's web application (desk/app.py) served by waitress, a
production-grade pure-Python WSGI server that runs on Windows too; with --watch, `followshift
watch` runs beside it so approved posts go out without another terminal."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followshift.commands.options import EXIT_CONTENT, EXIT_USAGE, content_option
from followshift.diagnostics import display_path

if TYPE_CHECKING:
    from waitress.server import (  # type: ignore[import-untyped]
        BaseWSGIServer,
        MultiSocketServer,
    )

DEFAULT_PORT = 8765


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def make_server(
    content: Path, host: str, port: int, trusted_proxy: str | None = None
) -> BaseWSGIServer | MultiSocketServer:
    """The desk on host:port (port 0: a free one), not yet running: `.run()`, `.close()`."""
    from waitress import create_server  # type: ignore[import-untyped]

    from followshift.desk.app import create_app

    options: dict[str, Any] = {"host": host, "port": port, "threads": 8, "ident": "desk"}
    if trusted_proxy:
        # Only the proxy's own word on the scheme and the client is taken; anyone else's
        # X-Forwarded-* headers are removed before the application sees them.
        options |= {
            "trusted_proxy": trusted_proxy,
            "trusted_proxy_headers": {"x-forwarded-proto", "x-forwarded-for"},
            "clear_untrusted_proxy_headers": True,
        }
    return create_server(create_app(content), **options)


@click.command("desk")
@content_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--trusted-proxy",
    metavar="ADDR",
    help="The reverse proxy (e.g. 127.0.0.1) whose X-Forwarded-Proto/-For are believed: "
    "then cookies are Secure behind its TLS.",
)
@click.option("--watch", is_flag=True, help="Also run followshift watch (publishes approvals).")
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
def desk_command(
    content: Path, host: str, port: int, trusted_proxy: str | None, watch: bool, out: Path
) -> None:
    """Run the desk: officers post from their phones, the comms team reviews (docs/desk.md)."""
    from followshift.desk import DeskError

    if not content.is_dir():
        click.echo(f"{display_path(content)}: error: no content folder here", err=True)
        sys.exit(EXIT_USAGE)
    try:
        server = make_server(content, host, port, trusted_proxy)
    except DeskError as exc:
        click.echo(str(exc), err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    watcher = None
    if watch:
        command = [sys.executable, "-m", "followshift", "watch", "--content", str(content)]
        watcher = subprocess.Popen([*command, "--out", str(out)])
    where = f"http://{host}:{getattr(server, 'effective_port', port)}/"
    click.echo(f"desk on {where} for {display_path(content)} (Ctrl-C stops)", err=True)
    if host not in ("127.0.0.1", "localhost", "::1") and not trusted_proxy:
        click.echo(
            "warning: the desk is reachable from the network without TLS; put it behind a "
            "TLS proxy (docs/desk.md)",
            err=True,
        )
    # A service manager stops the desk with SIGTERM: end like Ctrl-C, so watch ends with it.
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()  # returns after Ctrl-C (waitress catches it and stops its threads)
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
        if watcher is not None:
            watcher.terminate()
            watcher.wait(timeout=30)
