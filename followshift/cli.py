"""The command line: flags → calls, diagnostics → lines on stderr, outcomes → exit codes.

This module is the Click group and the program's entry; each command lives in commands/ and
what they print in report.py.

Exit status: 0 everything published; 1 content errors (or warnings under --strict), or the
disk refused (full, read-only); 2 usage errors, including an output folder followshift did not
make or one that another followshift process is writing.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys

import click

from followshift import __version__

# Each command by name: "module:object" in followshift/commands/. A command's module is
# imported only when that command runs (or `--help` lists them all): a rebuild with nothing
# changed took ~0.37 s, of which ~20 ms went to importing the other commands (the scaffold of
# `new` and `init`, the desk's, the publisher's). Click's documented way: a Group whose
# get_command() imports lazily.
COMMANDS = {
    "build": "build:build_command",
    "check": "build:check_command",
    "new": "new:new_command",
    "init": "init:init_command",
    "watch": "watch:watch_command",
    "serve": "watch:serve_command",
    "review": "review:review_command",
    "approve": "review:approve_command",
    "withdraw": "review:withdraw_command",
    "pause": "pause:pause_command",
    "resume": "pause:resume_command",
    "invite": "invite:invite_command",
    "log": "invite:log_command",
    "desk": "desk:desk_command",
    "publish": "publish:publish_command",
}


class _Commands(click.Group):
    """The commands of COMMANDS, each imported when it is first asked for."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        where = COMMANDS.get(cmd_name)
        if where is None:
            return None
        module, name = where.split(":")
        command = getattr(importlib.import_module(f"followshift.commands.{module}"), name)
        assert isinstance(command, click.Command) and command.name == cmd_name, where
        return command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
