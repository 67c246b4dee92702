"""The desk (`followshift desk`, docs/desk.md): officers post from their phones, the comms team
reviews, and every step is on the record.

- `edits.py`: changes to a post file (status, pin, title, text, alt texts), atomic, never
  over a change made meanwhile;
- `review.py`: which review rule applies where, what waits, approve / return / withdraw;
- `store.py`: the desk's state in SQLite beside content/ (invites, sessions, submissions, the
  append-only audit log), `records.py` its rows as typed records;
- `invites.py`: personal links, their expiry and QR codes;
- `uploads.py`: photos from a phone, checked before anything is written;
- `submitted.py`: what became of a post sent from the desk, read from its file;
- `app.py`, `officer.py`, `comms.py`, `texts.py`, `templates/`, `static/`: the web application
  (Flask, served by waitress).

What the desk writes are ordinary content files, so build, watch and publish treat them like any
dropped post; nothing of the desk's own state is ever inside content/ or site/.
"""

from __future__ import annotations


class DeskError(Exception):
    """A refusal the user can act on, as one line; `path` and `line` when it is a file's."""

    def __init__(self, message: str, path: object = None, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line

    def __str__(self) -> str:
        if self.path is None:
            return f"error: {self.message}"
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: error: {self.message}"
