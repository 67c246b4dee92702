"""Which files in a team folder are noise (editor and sync temporaries), which post a photo
belongs to, and asking the system to read a folder's files ahead. What a name says by itself
(suffixes, ids) is followshift/naming.py, shared with config/ and scaffold/."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

from followshift.naming import POST_SUFFIXES

# Files that editors and sync clients (Syncthing, iCloud, Dropbox, browsers) leave while they
# work; they are never content and never worth a warning.
_TEMPORARY = re.compile(
    r"""(
        ^\.                      # dotfiles: .DS_Store, .swp, .~lock, .syncthing.*, .*.icloud
      | ~$ | ^~\$                # editor backups, Office lock files
      | \.(swp|swo|swx|tmp|temp|part|partial|crdownload|download|bak|orig)$
      | \.sync-conflict-         # Syncthing conflict copies
      | ^desktop\.ini$ | ^thumbs\.db$
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def is_temporary(name: str) -> bool:
    return bool(_TEMPORARY.search(name))


def is_hidden_dir(name: str) -> bool:
    return name.startswith((".", "_"))


def photo_owner(stem: str, post_stems: set[str]) -> tuple[str, int] | None:
    """The post a photo belongs to by name, and its place: `1915-weekmarkt-2` → (…, 2)."""
    if stem in post_stems:
        return stem, 1
    match = re.fullmatch(r"(.+)-(\d{1,3})", stem)
    if match and match[1] in post_stems:
        return match[1], int(match[2])
    return None


def has_posts(folder: Path) -> bool:
    """Is there a post anywhere under `folder`? Stops at the first; follows no symlink."""
    for _, _, files in os.walk(folder):
        if any(os.path.splitext(name)[1].lower() in POST_SUFFIXES for name in files):
            return True
    return False


_WILLNEED = getattr(os, "POSIX_FADV_WILLNEED", None)  # Linux and most Unixes; not Windows, macOS


def read_ahead(paths: Iterable[Path]) -> None:
    """Asks the system to start loading these files into memory now, all at once; reading them
    one by one afterwards finds them there. Only a hint (posix_fadvise WILLNEED; nothing where
    it does not exist), and it returns at once: the system reads in the background.

    A file that is not in memory is otherwise read only when the reader gets to it, one at a
    time: after a reboot, or on a machine whose file cache is small, reading 10,000 posts took
    1.4-1.5 s on this project's VM, and 0.5 s with the files of each team folder asked for
    first. When they are in memory already it costs 4 us a file.
    """
    if _WILLNEED is None:
        return
    for path in paths:
        try:  # O_NONBLOCK, O_NOFOLLOW: a named pipe or a symlink swapped in since the listing
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue  # the reader reports it
        try:
            os.posix_fadvise(fd, 0, 0, _WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)
