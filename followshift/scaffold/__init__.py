"""Writing content for people: `followshift new` (one post, new.py) and `followshift init` (a
new site, init.py); names.py names a post and writes it without ever overwriting.

No Click here: the command line maps flags to these functions and `ScaffoldError` to exit codes.
"""

from __future__ import annotations


class ScaffoldError(Exception):
    """A mistake the user can fix; `usage` tells a usage error (exit 2) from a content or
    file-system problem (exit 1)."""

    def __init__(self, message: str, *, usage: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.usage = usage
