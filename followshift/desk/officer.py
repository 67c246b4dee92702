"""The officer's pages: the personal link (a page that says whom it signs in as, and a button
that does), the form (shift, title, text, photos with alt text, key moment) and the list of
one's own posts with what became of them.

A send is safe to retry: the form carries a nonce, and the store lets a nonce make one post
(store.claim). The post is written by `new_post` (scaffold/new.py), as `followshift new`
writes one: `content/<shift>/<team>/HHMM-<slug>.md`, timed to the second, never over another
file; with a review rule it says `status: review`.
"""

from __future__ import annotations

import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

from flask import Blueprint, Response, flash, redirect, request, session, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import FileStorage

from followshift.config.shift import ShiftConfig
from followshift.desk import DeskError
from followshift.desk.blurring import faces_left, words
from followshift.desk.records import Invite
from followshift.desk.review import review_mode, shift_configs, site_settings
from followshift.desk.shared import current, desk, need, page, refuse, team_names
from followshift.desk.store import now_utc
from followshift.desk.submitted import photo_path, show
from followshift.desk.texts import say
from followshift.desk.uploads import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    TooLarge,
    UploadError,
    accept,
    preview,
)
from followshift.desk.warnings import allowed_numbers
from followshift.scaffold import ScaffoldError
from followshift.scaffold.new import new_post

pages = Blueprint("officer", __name__)

MAX_TITLE = 120
MAX_TEXT = 5000
MAX_ALT = 400
EARLY = timedelta(hours=12)  # a shift is offered this long before it starts
LATE = timedelta(hours=1)  # and after it ended, for the last post of the night
_NONCE = re.compile(r"[A-Za-z0-9_-]{16,64}")


@pages.get("/i/<token>")
def sign_in(token: str) -> ResponseReturnValue:
    """A personal link shows whom it signs in as, with one button; only that button's POST signs
    in. A GET that signed in would let any page sign a visitor into someone else's account (a
    link or an image is enough), and a chat app's link preview would make a session."""
    shared = desk()
    invite = _valid_invite(token)
    team = team_names().get(invite.team, invite.team) if invite.team else None
    now = current()
    html = page(
        "sign_in.html",
        invite=invite,
        token=token,
        who=say(shared.lang, "sign_in_team", name=invite.name, team=team)
        if team
        else say(shared.lang, "sign_in_comms", name=invite.name),
        switch=now.name if now is not None and now.id != invite.id else None,
    )
    response = Response(html, mimetype="text/html")
    # The button's POST must carry a Referer over HTTPS (Flask-WTF checks it is the desk), but
    # not this page's address: that is the token, and proxies log Referer headers.
    response.headers["Referrer-Policy"] = "strict-origin"
    return response


@pages.post("/i")
def confirm_sign_in() -> ResponseReturnValue:
    """The sign-in itself (CSRF-checked like every POST): the token is exchanged for a session,
    any earlier session of this browser ends, and the desk opens."""
    shared = desk()
    invite = _valid_invite(request.form.get("token", ""))
    earlier = session.get("sid")
    if isinstance(earlier, str):
        shared.store.end_session(earlier)
    session.clear()
    session.permanent = True
    session["sid"] = shared.store.start_session(invite)
    return redirect(url_for("officer.home"), 303)


def _valid_invite(token: str) -> Invite:
    """The link behind `token`, or a 403 page that sets no cookie."""
    shared = desk()
    invite = shared.store.invite_by_token(token) if 0 < len(token) <= 100 else None
    if invite is None or not invite.valid(now_utc()):
        refuse(403, say(shared.lang, "link_invalid"))
    return invite


@pages.post("/logout")
def sign_out() -> ResponseReturnValue:
    sid = session.get("sid")
    if isinstance(sid, str):
        desk().store.end_session(sid)
    session.clear()
    return redirect(url_for("officer.signed_out"), 303)


@pages.get("/bye")
def signed_out() -> str:
    return page("message.html", message=say(desk().lang, "no_access"))


def open_shifts(content: Path, now: datetime) -> list[tuple[str, ShiftConfig]]:
    """The shifts one may post to now: running, about to start, or just ended."""
    config = site_settings(content)
    return [
        (shift_id, shift)
        for shift_id, shift in shift_configs(content, config)
        if shift.start - EARLY <= now <= shift.end + LATE
    ]


@pages.get("/")
def home() -> ResponseReturnValue:
    invite = need()
    if invite.team is None:
        return redirect(url_for("comms.queue"), 303)
    return _form(invite)


def _form(invite: Invite, status: int = 200, error: str | None = None) -> tuple[str, int]:
    shared = desk()
    now = datetime.now(UTC)
    shifts = open_shifts(shared.content, now)
    live = [sid for sid, shift in shifts if shift.start <= now < shift.end]
    chosen = request.form.get("shift") if error else None
    chosen = chosen or (live[0] if live else shifts[0][0] if shifts else None)
    modes = {shift_id: review_mode(shared.content, shift_id) for shift_id, _ in shifts}
    allowed = allowed_numbers(shared.content)
    mine = [
        show(shared.content, s, allowed, shared.lang)
        for s in shared.store.submissions(sent_by=invite, limit=20)
    ]
    html = page(
        "officer.html",
        status,
        shifts=shifts,
        chosen=chosen,
        review=modes.get(chosen or "", "none") != "none",
        nonce=request.form.get("nonce") if error else secrets.token_urlsafe(24),
        form=request.form if error else {},
        error=error,
        mine=mine,
        max_photos=MAX_PHOTOS,
        bw=words(),
        faces_left=faces_left(mine),
    )
    return html, status


@pages.post("/send")
def send() -> ResponseReturnValue:
    invite = need()
    shared = desk()
    lang = shared.lang
    if invite.team is None:
        refuse(403, say(lang, "forbidden"))
    given_team = request.form.get("team")
    if given_team is not None and given_team != invite.team:
        refuse(403, say(lang, "own_team", team=invite.team))
    nonce = request.form.get("nonce", "")
    if not _NONCE.fullmatch(nonce):
        refuse(400, say(lang, "form_expired"))
    before = shared.store.submission_by_nonce(invite, nonce)
    if before is not None:  # a retry of a send that arrived: the same answer, no second post
        flash(say(lang, "sent_before"))
        return redirect(url_for("officer.home"), 303)
    if not shared.posts.allow(f"invite:{invite.id}"):
        refuse(429, say(lang, "too_many"))

    shift = request.form.get("shift", "")
    open_ids = [s for s, _ in open_shifts(shared.content, datetime.now(UTC))]
    if shift not in open_ids:
        return _form(invite, 400, say(lang, "bad_shift"))
    title = request.form.get("title", "").strip()
    text = request.form.get("text", "").replace("\r\n", "\n").strip()
    mode = review_mode(shared.content, shift)
    pinned = mode != "none" and request.form.get("key_moment") == "1"
    if len(title) > MAX_TITLE:
        return _form(invite, 400, say(lang, "too_long", what=say(lang, "title"), n=MAX_TITLE))
    if len(text) > MAX_TEXT:
        return _form(invite, 400, say(lang, "too_long", what=say(lang, "text"), n=MAX_TEXT))
    files: list[tuple[int, FileStorage, str]] = []
    for n in range(1, MAX_PHOTOS + 1):
        upload = request.files.get(f"photo{n}")
        alt = " ".join(request.form.get(f"alt{n}", "").split())
        if upload is None or not upload.filename:
            continue
        if not alt:
            return _form(invite, 400, say(lang, "need_alt", n=n))
        if len(alt) > MAX_ALT:
            return _form(invite, 400, say(lang, "too_long", what=say(lang, "alt", n=n), n=MAX_ALT))
        files.append((n, upload, alt))
    if len(request.files) > MAX_PHOTOS:
        refuse(413, say(lang, "too_large", photos=MAX_PHOTOS, mb=MAX_PHOTO_BYTES >> 20))
    if not text and not title and not files:
        return _form(invite, 400, say(lang, "nothing"))

    claim = shared.store.claim(invite, nonce, shift, invite.team)
    if claim is None:  # the same form, sent twice at once: the other request writes it
        flash(say(lang, "sent_before"))
        return redirect(url_for("officer.home"), 303)
    kept: list[Path] = []
    try:
        config = site_settings(shared.content)
        uploads = shared.store.path.parent / "uploads"
        photos = []
        for n, upload, alt in files:
            try:
                kept.append(accept(upload.stream, uploads, config))
            except TooLarge:
                shared.store.release(claim)
                return _form(
                    invite, 400, say(lang, "photo_too_large", n=n, mb=MAX_PHOTO_BYTES >> 20)
                )
            except UploadError as exc:
                shared.store.release(claim)
                return _form(invite, 400, say(lang, "bad_photo", n=n, why=exc.message))
            photos.append((kept[-1], alt))
        front = ["status: review"] if mode != "none" else []
        front += ["pinned: true"] if pinned else []
        written = new_post(
            shared.content,
            shift,
            invite.team,
            text="\n".join(["---", *front, "---", text]),
            now=datetime.now(UTC),
            title=title or None,
            author=invite.name,
            photos=photos,
        )
    except (ScaffoldError, DeskError) as exc:
        shared.store.release(claim)
        return _form(invite, 400, exc.message)
    finally:
        for path in kept:
            path.unlink(missing_ok=True)
    rel = written.path.resolve().relative_to(shared.content).as_posix()
    detail = f"{len(photos)} photo(s); review: {mode}" + ("; key moment" if pinned else "")
    shared.store.written(claim, rel, invite=invite, detail=detail)
    flash(say(lang, "sent"))
    return redirect(url_for("officer.home"), 303)


@pages.get("/photo/<int:sub_id>/<int:index>")
def photo(sub_id: int, index: int) -> ResponseReturnValue:
    """A submission's photo, small and without metadata: to its author and the comms team."""
    invite = need()
    shared = desk()
    sub = shared.store.submission(sub_id)
    if sub is None or (invite.role != "comms" and not sub.sent_by(invite)):
        refuse(404, say(shared.lang, "not_found"))
    try:
        data = preview(photo_path(shared.content, sub, index), site_settings(shared.content))
    except DeskError:
        refuse(404, say(shared.lang, "not_found"))
    response = Response(data, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300"
    return response
