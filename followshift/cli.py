"""The command line: flags → calls, diagnostics → lines on stderr, outcomes → exit codes.

Exit status: 0 everything published; 1 content errors (or warnings under --strict), or the
disk refused (full, read-only); 2 usage errors, including an output folder followshift did not
make or one that another followshift process is writing.
"""

from __future__ import annotations

import contextlib
import locale
import os
import sys
from collections.abc import Iterator
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

import click

from followshift import __version__
from followshift.diagnostics import Diagnostic, Level, display_path
from followshift.scaffold import ScaffoldError, example_shift, init_site, new_post, site_timezone
from followshift.times import TimeError, parse_datetime, parse_epoch, resolve_now

# The builder (Jinja, Markdown, the renderer) is imported by the commands that build, so that
# `new` and `--help` start in a fraction of the time.
if TYPE_CHECKING:
    from followshift.build.pipeline import BuildOptions, BuildResult

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


def _check_now(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        # The syntax and the year range (1970-2999, whatever the zone): the site zone is
        # applied later, and can then neither fail nor overflow.
        parse_datetime(value, UTC)
    except TimeError as exc:
        raise click.BadParameter(
            f"{exc} (e.g. 2026-10-24T21:00 or 2026-10-24T21:00+02:00)"
        ) from None
    return value


content_option = click.option(
    "--content",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("content"),
    show_default=True,
    help="The content folder.",
)
now_option = click.option(
    "--now",
    callback=_check_now,
    metavar="DATETIME",
    help="The clock for this build (site time zone unless it has an offset); "
    "SOURCE_DATE_EPOCH is used when this is not given.",
)
drafts_option = click.option("--drafts", is_flag=True, help="Publish draft posts too (previews).")
strict_option = click.option("--strict", is_flag=True, help="Fail on warnings; publish nothing.")
base_url_option = click.option("--base-url", metavar="URL", help="Override site.yaml base_url.")
verbose_option = click.option("-v", "--verbose", is_flag=True, help="Also print stage timings.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
jobs_option = click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    metavar="N",
    help="Processes that render pages [default: one per CPU; 1 on Windows and macOS].",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followshift")
def main() -> None:
    """followshift: static live blogs for police follow shifts."""


def entry() -> None:
    """The program (`followshift`, `python -m followshift`): main(), then a fast exit.

    When a command has finished (every file written and closed, every worker ended, the
    report printed), the process ends without Python freeing the site's objects one by one,
    which took 0.3-0.4 s after a build of 10,000 posts; the operating system reclaims the
    memory at once (mypy's --fast-exit does the same). Ctrl-C and crashes exit normally.
    Tests call main() in-process and are not affected.
    """
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)  # as the interpreter does for sys.exit("message")
        code = 1
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`… | head`)
            stream.flush()
    os._exit(code)


@main.command("build")
@content_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=Path("site"),
    show_default=True,
    help="The output folder (only a folder followshift made, or an empty one).",
)
@drafts_option
@now_option
@strict_option
@base_url_option
@click.option(
    "--prune-cache", is_flag=True, help="Remove cached photo variants this build did not use."
)
@jobs_option
@quiet_option
@verbose_option
def build_command(
    content: Path,
    out: Path,
    drafts: bool,
    now: str | None,
    strict: bool,
    base_url: str | None,
    prune_cache: bool,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build content/ into site/."""
    from followshift.build.pipeline import BuildOptions

    _validate_base_url(base_url)
    options = BuildOptions(
        content=content,
        out=out,
        now=now,
        source_date_epoch=_source_date_epoch(),
        drafts=drafts,
        strict=strict,
        base_url=base_url,
        prune_cache=prune_cache,
        jobs=jobs,
    )
    _run(options, quiet, verbose)


@main.command("check")
@content_option
@drafts_option
@now_option
@strict_option
@base_url_option
@jobs_option
@quiet_option
@verbose_option
def check_command(
    content: Path,
    drafts: bool,
    now: str | None,
    strict: bool,
    base_url: str | None,
    jobs: int | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Read everything, write nothing, report every problem."""
    from followshift.build.pipeline import BuildOptions

    _validate_base_url(base_url)
    options = BuildOptions(
        content=content,
        out=Path("site"),
        now=now,
        source_date_epoch=_source_date_epoch(),
        drafts=drafts,
        strict=strict,
        base_url=base_url,
        write=False,
        jobs=jobs,
    )
    _run(options, quiet, verbose)


def _read_stdin() -> str:
    """Piped text as UTF-8 whatever the console's code page (Windows pipes default to cp1252);
    text that is not UTF-8 falls back to the locale's encoding rather than failing."""
    data = sys.stdin.buffer.read()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode(locale.getpreferredencoding(False), errors="replace")


def _validate_base_url(base_url: str | None) -> None:
    from followshift.config.site import check_base_url

    if base_url is not None:
        try:
            check_base_url(base_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--base-url") from None


def _source_date_epoch() -> str | None:
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is not None:
        try:
            parse_epoch(value)
        except TimeError as exc:
            raise click.UsageError(str(exc)) from None
    return value


class _PhotoProgress:
    """A progress bar on stderr while photos are processed, only on a terminal and only when
    there is real work (a warm cache finishes before a bar would be worth drawing)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total < 2:
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="photos", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _run(options: BuildOptions, quiet: bool, verbose: bool) -> None:
    from followshift.build.pipeline import OutputFolderError, build
    from followshift.publish.lock import OutputLocked
    from followshift.publish.model import OutputError

    progress = _PhotoProgress(enabled=options.write and not quiet and sys.stderr.isatty())
    try:
        result = build(options, progress=progress)
    except (OutputFolderError, OutputLocked) as exc:
        click.echo(f"{options.out}: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OutputError as exc:
        click.echo(f"{options.out}: error: {exc}", err=True)
        sys.exit(EXIT_CONTENT)
    except OSError as exc:  # the disk, not the content: full, read-only, gone
        _disk_error(options.out, exc)
    finally:
        progress.close()
    _report(result, options, quiet, verbose)
    failed = result.failed or (options.strict and result.diagnostics.items)
    sys.exit(EXIT_CONTENT if failed else EXIT_OK)


def _disk_error(out: Path, exc: OSError) -> NoReturn:
    """One line for a system error no stage turned into a message of its own."""
    where = f" ({exc.filename})" if exc.filename else ""
    click.echo(f"{out}: error: {exc.strerror or exc}{where}", err=True)
    sys.exit(EXIT_CONTENT)


def _report(result: BuildResult, options: BuildOptions, quiet: bool, verbose: bool) -> None:
    diags = result.diagnostics
    for diagnostic in diags.sorted():
        if quiet and diagnostic.level is Level.WARNING:
            continue
        click.echo(diagnostic.format(), err=True)
    if verbose:
        timings = ", ".join(f"{stage} {seconds:.2f}s" for stage, seconds in result.timings.items())
        processes = f" by {result.processes} processes" if result.processes > 1 else ""
        click.echo(f"timings: {timings}; {result.rendered} files rendered{processes}", err=True)
    if quiet:
        return
    click.echo(_summary(result, options), err=True)


def _plural(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _summary(result: BuildResult, options: BuildOptions) -> str:
    diags = result.diagnostics
    problems = (
        f"{_plural(len(diags.errors), 'error', 'errors')}, "
        f"{_plural(len(diags.warnings), 'warning', 'warnings')}"
    )
    site = result.site
    if site is None or result.now is None or result.site_error:
        where = f"; nothing was published, {options.out} is unchanged" if options.write else ""
        return f"{problems}{where}"
    public = drafts = scheduled = 0
    for shift in site.shifts:  # one pass: this runs after the build, with one core working
        for post in shift.posts:
            if post.draft and not options.drafts:
                drafts += 1
            elif post.public_from(shift.delay) > result.now:
                scheduled += 1
            else:  # as Shift.public_posts() counts them
                public += 1
    content = (
        f"{_plural(len(site.shifts), 'shift', 'shifts')}, "
        f"{_plural(public, 'post', 'posts')} public"
        + (f", {drafts} draft" + ("s" if drafts != 1 else "") if drafts else "")
        + (f", {scheduled} scheduled" if scheduled else "")
    )
    if not options.write:
        return f"checked {content}; {problems}"
    if not result.published:
        return (
            f"{content}; {problems}; nothing was published (--strict), {options.out} is unchanged"
        )
    stats = result.stats
    assert stats is not None
    pruned = f"; {result.pruned} unused cached photos pruned" if options.prune_cache else ""
    return (
        f"built {content} into {options.out} ({result.files} files: {stats.written} written, "
        f"{stats.unchanged} unchanged, {stats.removed} removed){pruned}; {problems}"
    )


def _stdin_is_terminal() -> bool:
    """Whether stdin is a terminal (then the text comes from $EDITOR, not from stdin)."""
    return sys.stdin.isatty()


def _fail(exc: ScaffoldError) -> NoReturn:
    click.echo(f"error: {exc.message}", err=True)
    sys.exit(EXIT_USAGE if exc.usage else EXIT_CONTENT)


@main.command("new")
@click.argument("shift")
@click.argument("team")
@click.argument("text", required=False)
@content_option
@click.option(
    "--time",
    "time_",
    metavar="HH:MM[:SS]",
    help="The time of the post (default: now, to the second).",
)
@click.option("--title", help="The post's title; also names the file.")
@click.option("--author", help="Who wrote it, e.g. 'Wijkagent Hein'.")
@click.option(
    "--photo",
    "photos",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="A photo to attach (copied beside the post); repeatable.",
)
@click.option(
    "--alt",
    "alts",
    multiple=True,
    metavar="TEXT",
    help="Alt text of the photo in the same place (first --alt for the first --photo).",
)
@click.option(
    "-e", "--edit", is_flag=True, help="Write the text in $EDITOR even if stdin is not a terminal."
)
@now_option
def new_command(
    shift: str,
    team: str,
    text: str | None,
    content: Path,
    time_: str | None,
    title: str | None,
    author: str | None,
    photos: tuple[Path, ...],
    alts: tuple[str, ...],
    edit: bool,
    now: str | None,
) -> None:
    """Write a new post for TEAM in SHIFT, stamped with the current time; print its path.

    The text is TEXT, else stdin (also with TEXT '-'), else what you write in $EDITOR.
    """
    if len(alts) > len(photos):
        raise click.BadParameter(
            f"{len(alts)} alt texts for {_plural(len(photos), 'photo', 'photos')}; "
            "give one --alt per --photo, in the same order",
            param_hint="--alt",
        )
    epoch = _source_date_epoch()
    try:
        tz = site_timezone(content)
        clock = resolve_now(now, epoch, tz)
        if text == "-" or (text is None and not edit and not _stdin_is_terminal()):
            text = _read_stdin()
        elif text is None:
            text = click.edit(extension=".md") or ""
        result = new_post(
            content,
            shift,
            team,
            text=text,
            now=clock,
            time=time_,
            title=title,
            author=author,
            photos=[(photo, alts[i] if i < len(alts) else "") for i, photo in enumerate(photos)],
        )
    except ScaffoldError as exc:
        _fail(exc)
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(display_path(result.path))


@main.command("init")
@click.argument("directory", metavar="DIR", type=click.Path(path_type=Path))
@now_option
def init_command(directory: Path, now: str | None) -> None:
    """Create a new site in DIR with an example shift for tonight, ready for build."""
    tz = ZoneInfo("Europe/Amsterdam")  # the zone init writes into site.yaml
    today = resolve_now(now, _source_date_epoch(), tz).astimezone(tz).date()
    try:
        files = init_site(directory, today=today)
    except ScaffoldError as exc:
        _fail(exc)
    where = display_path(directory)
    click.echo(f"created a new site in {where}:")
    for path in files:
        click.echo(f"  {display_path(path)}")
    shown = f'"{where}"' if " " in where else where
    preview = f"{today.isoformat()}T23:00"
    click.echo(
        "next steps:\n"
        f"  cd {shown} && followshift build\n"
        f"  (the example posts are timed from 19:00 tonight; to see them now: "
        f"followshift build --now {preview})\n"
        f'  followshift new {example_shift(today)} voorbeeld "Ons eerste bericht"\n'
        "  then change base_url in content/site.yaml and the example content to your own"
    )


def _watch_options(content: Path, out: Path, drafts: bool, now: str | None, base_url: str | None):
    from followshift.build.pipeline import BuildOptions

    _validate_base_url(base_url)
    return BuildOptions(
        content=content,
        out=out,
        now=now,
        source_date_epoch=None,  # a watch follows the clock (or a --now that runs on)
        drafts=drafts,
        base_url=base_url,
    )


class _WatchReport:
    """Prints each rebuild: diagnostics not printed before, then one summary line."""

    def __init__(self, quiet: bool, verbose: bool, publish: Any = None) -> None:
        self.quiet = quiet
        self.verbose = verbose
        self.publish = publish
        self.shown: set[Diagnostic] = set()
        self.published_errors: list[str] | None = None

    def __call__(self, rebuild: Any) -> None:
        result = rebuild.result
        current = set(result.diagnostics.items)
        for diagnostic in result.diagnostics.sorted():
            if diagnostic in self.shown or (self.quiet and diagnostic.level is Level.WARNING):
                continue
            click.echo(diagnostic.format(), err=True)
        self.shown = current
        errors = [d.format() for d in result.diagnostics.sorted() if d.level is Level.ERROR]
        stats = result.stats
        changed = stats is None or stats.written or stats.removed
        if self.publish is not None and (changed or errors != self.published_errors):
            # Open pages reload only when the site or its errors changed, not for a rebuild
            # that merely waited on a half-written file.
            self.publish(errors)
            self.published_errors = errors
        if self.verbose:
            timings = ", ".join(f"{k} {v:.3f}s" for k, v in result.timings.items())
            click.echo(f"timings: {timings}; {result.rendered} files rendered", err=True)
        if self.quiet:
            return
        files = (
            f"{stats.written} written, {stats.removed} removed" if stats else "nothing published"
        )
        waiting = (
            f"; waiting for {rebuild.waiting} file(s) still being written"
            if rebuild.waiting
            else ""
        )
        stamp = rebuild.at.strftime("%H:%M:%S")  # the site's time zone, not the machine's
        click.echo(
            f"{stamp} {rebuild.reason}: {rebuild.seconds:.2f}s, {files}; "
            f"{_plural(len(result.diagnostics.errors), 'error', 'errors')}, "
            f"{_plural(len(result.diagnostics.warnings), 'warning', 'warnings')}{waiting}",
            err=True,
        )


def _site_tz(content: Path) -> Any:
    from followshift.config.site import load_config
    from followshift.diagnostics import Diagnostics

    return load_config(content / "site.yaml", Diagnostics()).tz


@main.command("watch")
@content_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@drafts_option
@now_option
@base_url_option
@quiet_option
@verbose_option
def watch_command(
    content: Path,
    out: Path,
    drafts: bool,
    now: str | None,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Build, then rebuild on every change in content/ or the theme (Ctrl-C stops)."""
    from followshift.watch import Clock, Watcher

    options = _watch_options(content, out, drafts, now, base_url)
    with _writer_lock(out, "watch"):
        watcher = Watcher(options, _WatchReport(quiet, verbose), Clock(now, _site_tz(content)))
        if not quiet:
            click.echo(f"watching {content} (Ctrl-C stops)", err=True)
        _run_watcher(watcher, options)


@main.command("serve")
@content_option
@click.option("--out", type=click.Path(path_type=Path), default=Path("site"), show_default=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@drafts_option
@now_option
@base_url_option
@quiet_option
@verbose_option
def serve_command(
    content: Path,
    out: Path,
    host: str,
    port: int,
    drafts: bool,
    now: str | None,
    base_url: str | None,
    quiet: bool,
    verbose: bool,
) -> None:
    """Watch, and serve the site locally; pages reload by themselves after each rebuild."""
    options = _watch_options(content, out, drafts, now, base_url)
    with _writer_lock(out, "serve"):
        _serve(options, host, port, quiet, verbose)


def _serve(options: BuildOptions, host: str, port: int, quiet: bool, verbose: bool) -> None:
    import threading

    from followshift.serve import Broadcaster, make_server
    from followshift.watch import Clock, Watcher

    content, out, now = options.content, options.out, options.now
    broadcaster = Broadcaster()
    watcher = Watcher(
        options, _WatchReport(quiet, verbose, broadcaster.publish), Clock(now, _site_tz(content))
    )
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


@contextlib.contextmanager
def _writer_lock(out: Path, command: str) -> Iterator[None]:
    """The output folder's lock for the whole life of `watch` or `serve` (lock.py)."""
    from followshift.publish.lock import OutputLock, OutputLocked

    held = OutputLock(out, command)
    try:
        held.acquire()
    except OutputLocked as exc:
        click.echo(f"{out}: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except OSError as exc:
        _disk_error(out, exc)
    try:
        yield
    finally:
        held.release()


def _run_watcher(watcher: Any, options: BuildOptions) -> None:
    from followshift.build.pipeline import OutputFolderError

    try:
        watcher.run()
    except OutputFolderError as exc:
        click.echo(f"{options.out}: error: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
