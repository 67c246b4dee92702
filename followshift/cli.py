"""The command line: flags → calls, diagnostics → lines on stderr, outcomes → exit codes.

This module is the Click group and the program's entry; each command lives in commands/ and
what they print in report.py.

Exit status: 0 everything published; 1 content errors (or warnings under --strict), or the
disk refused (full, read-only); 2 usage errors, including an output folder followshift did not
make or one that another followshift process is writing.
"""

from __future__ import annotations

import contextlib
import os
import sys

import click

from followshift import __version__
from followshift.commands.build import build_command, check_command
from followshift.commands.desk import desk_command
from followshift.commands.init import init_command
from followshift.commands.invite import invite_command, log_command
from followshift.commands.new import new_command
from followshift.commands.pause import pause_command, resume_command
from followshift.commands.publish import publish_command
from followshift.commands.review import approve_command, review_command, withdraw_command
from followshift.commands.watch import serve_command, watch_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="followshift")
def main() -> None:
    """followshift: static live blogs for police follow shifts."""


for _command in (
    build_command,
    check_command,
    new_command,
    init_command,
    watch_command,
    serve_command,
    review_command,
    approve_command,
    withdraw_command,
    pause_command,
    resume_command,
    invite_command,
    log_command,
    desk_command,
    publish_command,
):
    main.add_command(_command)


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
