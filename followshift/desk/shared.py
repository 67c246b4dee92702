"""What every page of the desk shares while it answers a request: the desk's state (`desk()`),
who is signed in (`current`, `need`), pages and refusals in the desk's language (`page`,
`refuse`), the teams' names, and the rate limit per person. The blueprints (officer.py,
comms.py, blurring.py) use these; app.py makes the app and registers the blueprints.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

from flask import Response, abort, current_app, g, render_template

from followshift.config.teams import load_teams
from followshift.desk.records import Invite
from followshift.desk.store import Store
from followshift.desk.texts import TEXTS
from followshift.diagnostics import Diagnostics


class Limiter:
    """At most `limit` actions per person in `window` seconds (in memory: one desk process)."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        now = time.monotonic()
        with self._lock:
            seen = self._seen[who]
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.limit:
                return False
            seen.append(now)
            return True


@dataclass
class Desk:
    """What the routes share: where content is, the state, the site's language."""

    content: Path
    store: Store
    lang: str
    posts: Limiter = field(default_factory=lambda: Limiter(10, 300))  # sends per 5 minutes
    actions: Limiter = field(default_factory=lambda: Limiter(120, 60))  # any POST per minute


def desk() -> Desk:
    value = current_app.extensions.get("followshift_desk")
    assert isinstance(value, Desk)
    return value


def current() -> Invite | None:
    value = g.get("invite")
    return value if isinstance(value, Invite) else None


def need(role: str | None = None) -> Invite:
    """The signed-in person, or a 401 page; with `role`, a 403 page for anyone else."""
    invite = current()
    if invite is None:
        abort(401)
    if role is not None and invite.role != role:
        abort(403)
    return invite


def refuse(status: int, message: str) -> NoReturn:
    """Stops the request with a page that says `message`."""
    abort(Response(page("message.html", status=status, message=message), status))


def page(template: str, status: int = 200, **context: Any) -> str:
    lang = desk().lang
    me = current()
    team = team_names().get(me.team, me.team) if me and me.team else None
    return render_template(
        template, t=TEXTS[lang], lang=lang, me=me, my_team=team, code=status, **context
    )


def team_names() -> dict[str, str]:
    """Team ids → their names in teams.yaml (a mistake there is `check`'s to report)."""
    content = desk().content
    teams = load_teams(content / "teams.yaml", content, Diagnostics())
    return {team_id: team.name for team_id, team in teams.items()}
