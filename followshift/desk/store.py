"""The desk's state: one SQLite file beside content/, never inside content/ or site/.

`<root>/.followshift-desk/desk.sqlite3`, where `<root>` is the folder that holds content/ (and
site/). The build reads content/ only and publishes site/ only, so nothing here is ever read by
a build or published. It holds:

- **invites**: one per personal link; only the sha256 of its token is kept, so a copy of this
  file opens no door. A link ends at `until` or when revoked.
- **sessions**: what a link is exchanged for (a cookie); again only a hash of the id. A session
  lasts SESSION_LIFETIME from sign-in, and only while its link is valid; the ones that can no
  longer be used are removed at each sign-in and when the desk starts.
- **submissions**: what each person sent from the desk (its file, the form's nonce that makes a
  retried send harmless, the reviewer's remark when it was returned).
- **audit**: append-only (triggers refuse UPDATE and DELETE): who did what, when, through which
  link or from the command line.

A connection per call: waitress serves from several threads, and the command line may write at
the same time (WAL mode, a busy timeout).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from followshift.desk import DeskError
from followshift.desk.records import (
    AuditEntry,
    Invite,
    Submission,
    invite_from_row,
    parse_iso,
    submission_from_row,
)

FOLDER = ".followshift-desk"
FILE = "desk.sqlite3"
SESSION_LIFETIME = timedelta(hours=24)  # from sign-in; then the person opens their link again

_SCHEMA = """
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS invites (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'comms')),
    team TEXT,
    token_hash TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    until TEXT NOT NULL,
    revoked TEXT
);
CREATE TABLE IF NOT EXISTS sessions (
    id_hash TEXT PRIMARY KEY,
    invite INTEGER NOT NULL REFERENCES invites (id),
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    invite INTEGER NOT NULL REFERENCES invites (id),
    author TEXT NOT NULL,
    nonce TEXT NOT NULL,
    shift TEXT NOT NULL,
    team TEXT NOT NULL,
    path TEXT,
    created TEXT NOT NULL,
    remark TEXT,
    UNIQUE (invite, nonce)
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    via TEXT NOT NULL,
    action TEXT NOT NULL,
    shift TEXT,
    target TEXT,
    detail TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE (ABORT, 'the audit log is append-only'); END;
"""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat()


def desk_folder(content: Path) -> Path:
    return content.resolve().parent / FOLDER


class Store:
    """The desk's SQLite file. Every method opens, commits and closes its own connection."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @classmethod
    def beside(cls, content: Path) -> Store:
        """The store of a content folder, made on first use (its folder private to the user)."""
        folder = desk_folder(content)
        try:
            folder.mkdir(mode=0o700, exist_ok=True)
        except OSError as exc:
            raise DeskError(f"cannot make {folder}: {exc.strerror or exc}") from None
        store = cls(folder / FILE)
        fresh = not store.path.exists()
        with store._db() as db:
            db.executescript(_SCHEMA)
        if fresh and os.name == "posix":
            store.path.chmod(0o600)
        return store

    @contextlib.contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        try:
            db = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise DeskError(f"cannot open {self.path}: {exc}") from None
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA foreign_keys=ON")
            with db:  # one transaction: committed, or rolled back on an exception
                yield db
        except sqlite3.OperationalError as exc:
            raise DeskError(f"{self.path}: {exc}") from None
        finally:
            db.close()

    # -- settings -------------------------------------------------------------------------------

    def secret(self) -> str:
        """The key that signs the desk's cookies, made once."""
        with self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES ('secret', ?)",
                (secrets.token_hex(32),),
            )
            row = db.execute("SELECT value FROM settings WHERE key = 'secret'").fetchone()
        return str(row[0])

    # -- invites --------------------------------------------------------------------------------

    def add_invite(
        self, name: str, role: str, team: str | None, until: datetime, *, actor: str, via: str
    ) -> tuple[Invite, str]:
        """A new link for `name` (any earlier link of that name stops); returns its token."""
        token = secrets.token_urlsafe(32)
        now = now_utc()
        with self._db() as db:
            earlier = self._revoke(db, name, now)
            cursor = db.execute(
                "INSERT INTO invites (name, role, team, token_hash, created, until) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (name, role, team, digest(token), _iso(now), _iso(until)),
            )
            detail = f"{role}" + (f", team {team}" if team else "") + f", until {_iso(until)}"
            if earlier:
                detail += f"; replaces {earlier} earlier link" + ("s" if earlier > 1 else "")
            self._log(db, now, actor, via, "invite", None, name, detail)
        invite = self.invite(int(cursor.lastrowid or 0))
        assert invite is not None
        return invite, token

    def revoke(self, name: str, *, actor: str, via: str) -> int:
        now = now_utc()
        with self._db() as db:
            count = self._revoke(db, name, now)
            if count:
                self._log(db, now, actor, via, "revoke", None, name, f"{count} link(s)")
        return count

    def _revoke(self, db: sqlite3.Connection, name: str, now: datetime) -> int:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT id FROM invites WHERE name = ? AND revoked IS NULL", (name,)
            )
        ]
        for invite_id in ids:
            db.execute("UPDATE invites SET revoked = ? WHERE id = ?", (_iso(now), invite_id))
            db.execute("DELETE FROM sessions WHERE invite = ?", (invite_id,))
        return len(ids)

    def invites(self) -> list[Invite]:
        with self._db() as db:
            rows = db.execute(
                "SELECT id, name, role, team, created, until, revoked FROM invites ORDER BY id"
            ).fetchall()
        return [invite_from_row(row) for row in rows]

    def invite(self, invite_id: int) -> Invite | None:
        with self._db() as db:
            row = db.execute(
                "SELECT id, name, role, team, created, until, revoked FROM invites WHERE id = ?",
                (invite_id,),
            ).fetchone()
        return invite_from_row(row) if row else None

    def invite_by_token(self, token: str) -> Invite | None:
        with self._db() as db:
            row = db.execute(
                "SELECT id, name, role, team, created, until, revoked FROM invites "
                "WHERE token_hash = ?",
                (digest(token),),
            ).fetchone()
        return invite_from_row(row) if row else None

    # -- sessions -------------------------------------------------------------------------------

    def start_session(self, invite: Invite) -> str:
        """A new session for `invite`; the sessions that can no longer be used go first."""
        session_id = secrets.token_urlsafe(32)
        now = now_utc()
        with self._db() as db:
            self._prune(db, now)
            db.execute(
                "INSERT INTO sessions (id_hash, invite, created) VALUES (?, ?, ?)",
                (digest(session_id), invite.id, _iso(now)),
            )
        return session_id

    def session_invite(self, session_id: str) -> Invite | None:
        """The invite behind a session, if the session exists and is younger than
        SESSION_LIFETIME (the link's own validity: Invite.valid)."""
        with self._db() as db:
            row = db.execute(
                "SELECT i.id, i.name, i.role, i.team, i.created, i.until, i.revoked "
                "FROM sessions s JOIN invites i ON i.id = s.invite "
                "WHERE s.id_hash = ? AND s.created > ?",
                (digest(session_id), _iso(now_utc() - SESSION_LIFETIME)),
            ).fetchone()
        return invite_from_row(row) if row else None

    def prune_sessions(self) -> int:
        """Removes every session that can no longer be used: older than SESSION_LIFETIME, or of
        a link that expired or was revoked. Returns how many."""
        with self._db() as db:
            return self._prune(db, now_utc())

    @staticmethod
    def _prune(db: sqlite3.Connection, now: datetime) -> int:
        cursor = db.execute(
            "DELETE FROM sessions WHERE created <= ? OR invite IN "
            "(SELECT id FROM invites WHERE revoked IS NOT NULL OR until <= ?)",
            (_iso(now - SESSION_LIFETIME), _iso(now)),
        )
        return cursor.rowcount

    def sessions(self) -> int:
        """How many sessions the store holds."""
        with self._db() as db:
            return int(db.execute("SELECT COUNT(*) FROM sessions").fetchone()[0])

    def end_session(self, session_id: str) -> None:
        with self._db() as db:
            db.execute("DELETE FROM sessions WHERE id_hash = ?", (digest(session_id),))

    # -- submissions ----------------------------------------------------------------------------

    def claim(self, invite: Invite, nonce: str, shift: str, team: str) -> int | None:
        """Reserves a form's nonce: the new submission's id, or None when that form was sent
        before (a retry over a flaky connection)."""
        with self._db() as db:
            try:
                cursor = db.execute(
                    "INSERT INTO submissions (invite, author, nonce, shift, team, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (invite.id, invite.name, nonce, shift, team, _iso(now_utc())),
                )
            except sqlite3.IntegrityError:
                return None
        return int(cursor.lastrowid or 0)

    def release(self, submission_id: int) -> None:
        """A claimed send that wrote nothing (refused): the form may be sent again."""
        with self._db() as db:
            db.execute("DELETE FROM submissions WHERE id = ? AND path IS NULL", (submission_id,))

    def written(self, submission_id: int, path: str, *, invite: Invite, detail: str) -> None:
        now = now_utc()
        with self._db() as db:
            row = db.execute(
                "SELECT shift FROM submissions WHERE id = ?", (submission_id,)
            ).fetchone()
            db.execute("UPDATE submissions SET path = ? WHERE id = ?", (path, submission_id))
            self._log(db, now, invite.name, invite.via, "submit", row[0], path, detail)

    def set_remark(self, submission_id: int, remark: str | None) -> None:
        with self._db() as db:
            db.execute("UPDATE submissions SET remark = ? WHERE id = ?", (remark, submission_id))

    def submission(self, submission_id: int) -> Submission | None:
        with self._db() as db:
            row = db.execute(_SUBMISSIONS + " WHERE id = ?", (submission_id,)).fetchone()
        return submission_from_row(row) if row else None

    def submission_by_path(self, path: str) -> Submission | None:
        with self._db() as db:
            row = db.execute(_SUBMISSIONS + " WHERE path = ? ORDER BY id DESC", (path,)).fetchone()
        return submission_from_row(row) if row else None

    def submission_by_nonce(self, invite: Invite, nonce: str) -> Submission | None:
        with self._db() as db:
            row = db.execute(
                _SUBMISSIONS + " WHERE invite = ? AND nonce = ?", (invite.id, nonce)
            ).fetchone()
        return submission_from_row(row) if row else None

    def submissions(self, *, sent_by: Invite | None = None, limit: int = 200) -> list[Submission]:
        """Newest first; only those that wrote a file; with `sent_by`, only that person's: the
        same name on the same team, through this link or an earlier one (Submission.sent_by)."""
        where = " WHERE path IS NOT NULL"
        args: tuple[object, ...] = ()
        if sent_by is not None:
            where += " AND author = ? AND team IS ?"
            args = (sent_by.name, sent_by.team)
        with self._db() as db:
            rows = db.execute(
                _SUBMISSIONS + where + " ORDER BY id DESC LIMIT ?", (*args, limit)
            ).fetchall()
        return [submission_from_row(row) for row in rows]

    # -- audit ----------------------------------------------------------------------------------

    def log(
        self,
        actor: str,
        via: str,
        action: str,
        shift: str | None = None,
        target: str | None = None,
        detail: str | None = None,
    ) -> None:
        with self._db() as db:
            self._log(db, now_utc(), actor, via, action, shift, target, detail)

    @staticmethod
    def _log(
        db: sqlite3.Connection,
        at: datetime,
        actor: str,
        via: str,
        action: str,
        shift: str | None,
        target: str | None,
        detail: str | None,
    ) -> None:
        db.execute(
            "INSERT INTO audit (at, actor, via, action, shift, target, detail) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (_iso(at), actor, via, action, shift, target, detail),
        )

    def editors(self, target: str) -> list[str]:
        """Who edited the post `target` (relative to content/) since it was last approved: under
        four-eyes they are its co-authors. The audit log is the record, as it cannot be changed;
        an approval has seen every edit before it, so those editors may approve what follows."""
        with self._db() as db:
            rows = db.execute(
                "SELECT DISTINCT actor FROM audit WHERE action = 'edit' AND target = ? AND id > "
                "COALESCE((SELECT MAX(id) FROM audit WHERE action = 'approve' AND target = ?), 0)",
                (target, target),
            ).fetchall()
        return [str(row[0]) for row in rows]

    def audit(self, shift: str | None = None) -> list[AuditEntry]:
        query = "SELECT id, at, actor, via, action, shift, target, detail FROM audit"
        args: tuple[str, ...] = ()
        if shift is not None:
            query += " WHERE shift = ?"
            args = (shift,)
        with self._db() as db:
            rows = db.execute(query + " ORDER BY id", args).fetchall()
        return [
            AuditEntry(row[0], parse_iso(row[1]), row[2], row[3], row[4], row[5], row[6], row[7])
            for row in rows
        ]


_SUBMISSIONS = "SELECT id, invite, author, shift, team, path, created, remark FROM submissions"
