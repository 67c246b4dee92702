"""`followshift watch` and `followshift serve`: build, then rebuild on every change, holding
the output folder's lock for as long as they run (lock.py). `watch --publish` also publishes
each change to a bucket (watch_publish.py), to the target `publish` would use."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from followshift.commands.options import (
    EXIT_CONTENT,
    EXIT_USAGE,
    build_flags,
    build_options,
    content_option,
    disk_error,
    fail,
    out_error,
    verbosity,
    watch_publish_options,
)
from followshift.report import WatchReport

if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions
    from followshift.publish.target import Target
    from followshift.watch import Clock, Rebuild, Watcher
    from followshift.watch_publish import LivePublisher

out_option = click.option(
    "--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True
)


@click.command("watch")
@content_option
@out_option
@build_flags(strict=False)
@watch_publish_options
@verbosity
def watch_command(**params: Any) -> None:
    """Build, then rebuild on every change in content/ or the theme (Ctrl-C stops).
    With --publish, each change is published to a bucket too."""
    from followshift.watch import Watcher

    options = build_options(params, clock="live")
    target = _publish_target(params)
    with _writer_lock(options.out, "watch"):
        report = WatchReport(params["quiet"], params["verbose"])
        watcher = Watcher(options, report, _clock(options))
        live = None if target is None else _live_publisher(target, watcher, params)
        if live is not None:
            watcher.report = _both(report, live)
        if not params["quiet"]:
            to = f" and publishing to {target.url}" if target is not None else ""
            click.echo(f"watching {options.content}{to} (Ctrl-C stops)", err=True)
        try:
            _run_watcher(watcher, options)
        finally:
            if live is not None:
                with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: stop now
                    live.close()


def _publish_target(params: dict[str, Any]) -> Target | None:
    """The target of --publish, as `publish` resolves it; None without --publish. A --drafts
    watch is a preview and never goes public (SPEC §5): refused, exit 2."""
    from followshift.commands.publish import _target

    if not params["publish"]:
        flags = (
            ("--to", "to"),
            ("--endpoint-url", "endpoint_url"),
            ("--max-deletes", "max_deletes"),
        )
        for flag, key in flags:
            if params[key] is not None:
                click.echo(f"{flag}: error: only with --publish", err=True)
                sys.exit(EXIT_USAGE)
        return None
    if params["drafts"]:
        click.echo(
            "--publish: error: a --drafts watch is a preview and is never published; "
            "watch with --drafts without --publish, or --publish without --drafts",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    return _target(params)


def _live_publisher(target: Target, watcher: Watcher, params: dict[str, Any]) -> LivePublisher:
    """One Publisher for the whole watch. Without credentials nothing can ever be published:
    one line and exit 1 before watching starts (the store itself is first asked by the first
    publish, and a store that is down then is caught up later)."""
    from followshift.publish.bucket import Publisher
    from followshift.publish.plan import MAX_DELETES
    from followshift.publish.target import RemoteError
    from followshift.watch_publish import LivePublisher

    try:
        publisher = Publisher(target)
    except RemoteError as exc:
        click.echo(f"{target.url}: error: {exc}", err=True)
        sys.exit(EXIT_CONTENT)

    def clock() -> datetime:  # the stamps of the rebuild lines: the site's zone
        return watcher.clock.now().astimezone(watcher.tz)

    limit = MAX_DELETES if params["max_deletes"] is None else params["max_deletes"]
    return LivePublisher(
        publisher, watcher.options.out, clock, params["quiet"], params["verbose"], limit
    )


def _both(report: Callable[[Rebuild], None], live: LivePublisher) -> Callable[[Rebuild], None]:
    def after(rebuild: Rebuild) -> None:
        report(rebuild)  # the rebuild's line first, then its publish starts
        live(rebuild)

    return after


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
