"""The comms team's pages: the queue of everything sent (newest first, refreshing itself),
and approve, edit, pin, return and withdraw. Each decision goes through desk/review.py (the
same rules as the command line) and into the audit log, under the member's link."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from followshift.config.pause import PauseError
from followshift.content.model import PostStatus
from followshift.desk import DeskError
from followshift.desk.blurring import editor, read_form, words
from followshift.desk.edits import PostFile, rewrite
from followshift.desk.pauses import pause_shift, resume_shift
from followshift.desk.records import Invite, Submission
from followshift.desk.review import (
    approve,
    co_author,
    pin,
    review_mode,
    send_back,
    shift_configs,
    site_settings,
    withdraw,
)
from followshift.desk.shared import desk, need, page, refuse, team_names
from followshift.desk.store import now_utc
from followshift.desk.submitted import post_file, show
from followshift.desk.texts import say
from followshift.desk.warnings import acknowledge, allowed_numbers

pages = Blueprint("comms", __name__)

REFRESH_SECONDS = 30
MAX_NOTE = 500


@pages.get("/queue")
def queue() -> str:
    need("comms")
    shared = desk()
    allowed = allowed_numbers(shared.content)
    items = [
        show(shared.content, sub, allowed, shared.lang)
        for sub in shared.store.submissions(limit=200)
    ]
    waiting = sum(item.state == "waiting" for item in items)
    return page(
        "queue.html",
        items=items,
        waiting=waiting,
        teams=team_names(),
        refresh=REFRESH_SECONDS,
        shifts=pausable(shared.content),
    )


def _submission(sub_id: int) -> tuple[Invite, Submission]:
    invite = need("comms")
    sub = desk().store.submission(sub_id)
    if sub is None or sub.path is None:
        refuse(404, say(desk().lang, "not_found"))
    return invite, sub


@pages.get("/post/<int:sub_id>")
def edit_form(sub_id: int) -> str:
    _, sub = _submission(sub_id)
    shared = desk()
    item = show(shared.content, sub, allowed_numbers(shared.content), shared.lang)
    try:
        blurs = {photo.index: photo for photo in editor(post_file(shared.content, sub))}
    except DeskError:  # the file is gone: the page says so
        blurs = {}
    return page("edit.html", item=item, teams=team_names(), blurs=blurs, bw=words())


@pages.post("/post/<int:sub_id>/<action>")
def decide(sub_id: int, action: str) -> ResponseReturnValue:
    invite, sub = _submission(sub_id)
    shared = desk()
    lang = shared.lang
    note = " ".join(request.form.get("note", "").split())[:MAX_NOTE]
    try:
        post = post_file(shared.content, sub)
        message = _act(action, invite, sub, post, note)
    except DeskError as exc:
        flash(say(lang, "changed") if "changed" in exc.message else exc.message, "error")
        if action in (
            "edit",
            "return",
            "withdraw",
            "privacy-ok",
        ):  # back to the form, what was typed kept
            return redirect(url_for("comms.edit_form", sub_id=sub.id), 303)
        return redirect(url_for("comms.queue"), 303)
    flash(message)
    if action == "edit" and request.form.get("face"):  # one face blurred: look at the result
        return redirect(url_for("comms.edit_form", sub_id=sub.id), 303)
    return redirect(url_for("comms.queue") + f"#post-{sub.id}", 303)


def _act(action: str, invite: Invite, sub: Submission, post: PostFile, note: str) -> str:
    shared = desk()
    lang = shared.lang
    store = shared.store
    assert sub.path is not None

    def log(what: str, detail: str | None = None) -> None:
        store.log(invite.name, invite.via, what, sub.shift, sub.path, detail)

    if action == "approve":
        mode = review_mode(shared.content, sub.shift)
        editors = store.editors(sub.path)
        did = co_author(invite.name, sub.author, editors) if mode == "four-eyes" else None
        if did:
            raise DeskError(say(lang, "four_eyes" if did == "wrote" else "four_eyes_edited"))
        approve(post, by=invite.name, author=sub.author, mode=mode, editors=editors)
        store.set_remark(sub.id, None)
        log("approve")
        return say(lang, "approved")
    if action == "return":
        if not note:
            raise DeskError(say(lang, "need_remark"))
        send_back(post)
        store.set_remark(sub.id, note)
        log("return", note)
        return say(lang, "returned_msg", name=sub.author)
    if action == "withdraw":
        if not note:
            raise DeskError(say(lang, "need_reason"))
        withdraw(post)
        log("withdraw", note)
        return say(lang, "withdrawn_msg")
    if action == "privacy-ok":
        if not note:
            raise DeskError(say(lang, "need_reason"))
        log("privacy-ok", acknowledge(post, note))
        return say(lang, "privacy_ok_msg")
    if action == "pin":
        pinned = post.meta.get("pinned") is not True
        pin(post, pinned)
        log("pin" if pinned else "unpin")
        return say(lang, "pinned_msg")
    if action == "edit":
        form = request.form
        title = " ".join(form.get("title", "").split())[:120]
        body = form.get("text", "").replace("\r\n", "\n").strip()[:5000]
        shown = show(shared.content, sub)
        alts = {
            name: " ".join(form.get(f"alt{n}", alt).split())[:400]
            for n, (name, alt) in enumerate(shown.photos, start=1)
        }
        if any(not alt for alt in alts.values()):
            raise DeskError(say(lang, "need_alt", n=[a for a in alts.values()].index("") + 1))
        photos = editor(post)
        blur = read_form(form, photos, form.get("face"))
        changed = [
            what
            for what, old, new in (
                ("title", shown.title, title),
                ("text", shown.body, body),
                ("alt", [a for _, a in shown.photos], list(alts.values())),
                ("blur", {p.name: [list(r) for r in p.regions] for p in photos}, blur),
            )
            if old != new
        ]
        # A published post edited under a review rule goes back to review in the same write:
        # words nobody else has seen are never public (docs/decisions.md).
        mode = review_mode(shared.content, sub.shift)
        again = post.status == PostStatus.PUBLISHED and mode != "none"
        if changed:
            data = rewrite(
                post,
                title=title,
                body=body,
                alts=alts,
                blur=blur,
                status=PostStatus.REVIEW if again else None,
            )
            sums = f"sha256 {sha256(post.raw).hexdigest()} -> {sha256(data).hexdigest()}"
            log("edit", f"{', '.join(changed)}; {sums}" + ("; back to review" if again else ""))
        saved = say(lang, "saved_review" if changed and again else "saved")
        if form.get("then") == "approve":
            try:
                return _act("approve", invite, sub, post_file(shared.content, sub), note)
            except DeskError as exc:  # the edit itself is kept: say so with the refusal
                raise DeskError(f"{saved} {exc.message}" if changed else exc.message) from None
        return saved
    refuse(404, say(lang, "not_found"))


# -- pause (docs/privacy.md, "Pause") ---------------------------------------------------------


@dataclass(frozen=True)
class Pausable:
    id: str
    title: str
    paused: str  # since when, as the site's clock shows it; "" when not paused


def pausable(content: Path) -> list[Pausable]:
    """The shifts the queue offers to pause: not yet ended, or paused."""
    config = site_settings(content)
    now = now_utc()
    return [
        Pausable(
            shift_id,
            shift.title,
            shift.paused.astimezone(config.tz).strftime("%H:%M") if shift.paused else "",
        )
        for shift_id, shift in shift_configs(content, config)
        if now < shift.end or shift.paused is not None
    ]


@pages.get("/shift/<shift_id>/pause")
def pause_form(shift_id: str) -> str:
    need("comms")
    found = [s for s in pausable(desk().content) if s.id == shift_id and not s.paused]
    if not found:
        refuse(404, say(desk().lang, "not_found"))
    return page("pause.html", shift=found[0])


@pages.post("/shift/<shift_id>/<action>")
def pause_or_resume(shift_id: str, action: str) -> ResponseReturnValue:
    invite = need("comms")
    shared = desk()
    lang = shared.lang
    if action not in ("pause", "resume"):
        refuse(404, say(lang, "not_found"))
    note = " ".join(request.form.get("note", "").split())[:MAX_NOTE]
    try:
        if action == "pause":
            if not note:
                raise PauseError(say(lang, "need_reason"), shared.content)
            pause_shift(
                shared.content, shift_id, note, by=invite.name, via=invite.via, now=now_utc()
            )
            flash(say(lang, "paused_msg"))
        else:
            resume_shift(shared.content, shift_id, by=invite.name, via=invite.via)
            flash(say(lang, "resumed_msg"))
    except PauseError as exc:
        flash(exc.message, "error")
    return redirect(url_for("comms.queue"), 303)
