"""The rows of the desk's store as typed records: a link (Invite), a post sent from the desk
(Submission), a line of the audit log (AuditEntry)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


@dataclass(frozen=True)
class Invite:
    id: int
    name: str
    role: str  # officer | comms
    team: str | None
    created: datetime
    until: datetime
    revoked: datetime | None

    def valid(self, now: datetime) -> bool:
        return self.revoked is None and now < self.until

    @property
    def via(self) -> str:
        return f"link #{self.id}"


@dataclass(frozen=True)
class Submission:
    id: int
    invite: int
    author: str
    shift: str
    team: str
    path: str | None  # relative to content/, with /
    created: datetime
    remark: str | None

    def sent_by(self, invite: Invite) -> bool:
        """Whether the person behind `invite` sent this: the same name on the same team. A
        link is not a person (a new link for the same name and team is the same officer), and
        a display name alone is not one either (another team may have a Jan too)."""
        return self.author == invite.name and self.team == invite.team


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    via: str
    action: str
    shift: str | None
    target: str | None
    detail: str | None


def invite_from_row(row: tuple[object, ...]) -> Invite:
    id_, name, role, team, created, until, revoked = row
    return Invite(
        int(str(id_)),
        str(name),
        str(role),
        None if team is None else str(team),
        parse_iso(str(created)),
        parse_iso(str(until)),
        None if revoked is None else parse_iso(str(revoked)),
    )


def submission_from_row(row: tuple[object, ...]) -> Submission:
    id_, invite, author, shift, team, path, created, remark = row
    return Submission(
        int(str(id_)),
        int(str(invite)),
        str(author),
        str(shift),
        str(team),
        None if path is None else str(path),
        parse_iso(str(created)),
        None if remark is None else str(remark),
    )
