"""`followshift watch` and `followshift serve`: build, then rebuild on every change, holding
the output folder's lock for as long as they run (lock.py)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from datetime import UTC, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followshift.commands.options import (
    EXIT_USAGE,
    build_flags,
    build_options,
    content_option,
    disk_error,
    fail,
    out_error,
    verbosity,
)
from followshift.report import WatchReport

if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions
    from followshift.watch import Clock, Watcher

out_option = click.option(
    "--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True
)


@click.command("watch")
@content_option
@out_option
@build_flags(strict=False)
@verbosity
def watch_command(**params: Any) -> None:
    """Build, then rebuild on every change in content/ or the theme (Ctrl-C stops)."""
    from followshift.watch import Watcher

    options = build_options(params, clock="live")
    with _writer_lock(options.out, "watch"):
        watcher = Watcher(options, WatchReport(params["quiet"], params["verbose"]), _clock(options))
        if not params["quiet"]:
            click.echo(f"watching {options.content} (Ctrl-C stops)", err=True)
        _run_watcher(watcher, options)


@click.command("serve")
@content_option
@out_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@build_flags(strict=False)
@verbosity
def serve_command(**params: Any) -> None:
    """Watch, and serve the site locally; pages reload by themselves after each rebuild."""
    options = build_options(params, clock="live")
    with _writer_lock(options.out, "serve"):
        _serve(options, params["host"], params["port"], params["quiet"], params["verbose"])


def _serve(options: BuildOptions, host: str, port: int, quiet: bool, verbose: bool) -> None:
    import threading

    from followshift.serve import Broadcaster, make_server
    from followshift.watch import Watcher

    out = options.out
    broadcaster = Broadcaster()
    watcher = Watcher(options, WatchReport(quiet, verbose, broadcaster.publish), _clock(options))
    out.mkdir(parents=True, exist_ok=True)  # served from the start; the first build fills it
    try:
        server = make_server(out, host, port, broadcaster)
    except OSError as exc:
        click.echo(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    address = f"http://{host}:{server.server_address[1]}/"
    click.echo(f"serving {out} at {address} (Ctrl-C stops)", err=True)
    try:
        _run_watcher(watcher, options)
    finally:
        broadcaster.close()
        server.shutdown()
        server.server_close()


def _clock(options: BuildOptions) -> Clock:
    """The watch's clock. Only a --now needs the site's zone (to read a time without an
    offset), and it comes from site.yaml as `new` reads it: a zone that cannot be known is
    one line and exit 1, not a silent default (docs/decisions.md, issue 16)."""
    from followshift.scaffold import ScaffoldError
    from followshift.scaffold.new import site_timezone
    from followshift.watch import Clock

    zone: tzinfo = UTC
    if options.now is not None:
        try:
            zone = site_timezone(options.content, "to read --now")
        except ScaffoldError as exc:
            fail(exc)
    return Clock(options.now, zone)


@contextlib.contextmanager
def _writer_lock(out: Path, command: str) -> Iterator[None]:
    """The output folder's lock for the whole life of `watch` or `serve` (lock.py)."""
    from followshift.publish.lock import OutputLock, OutputLocked

    held = OutputLock(out, command)
    try:
        held.acquire()
    except OutputLocked as exc:
        out_error(out, exc, EXIT_USAGE)
    except OSError as exc:
        disk_error(out, exc)
    try:
        yield
    finally:
        held.release()


def _run_watcher(watcher: Watcher, options: BuildOptions) -> None:
    from followshift.build.pipeline import OutputFolderError

    try:
        watcher.run()
    except OutputFolderError as exc:
        out_error(options.out, exc, EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
