"""The text warnings of a post at the desk (docs/privacy.md, "Text warnings"): the same
findings `check` reports (content/privacy.py), in the desk's words, and the comms team's
"leave it on purpose", written as `privacy: {ok: reason}` like a hand-written one."""

from __future__ import annotations

from pathlib import Path

from followshift.content.privacy import AckError, Located, acknowledged, file_findings
from followshift.desk.edits import PostFile, set_keys
from followshift.desk.review import site_settings
from followshift.desk.texts import say
from followshift.privacy.text import ADDRESS, EMAIL, PHONE, PLATE

_KINDS = {PLATE: "kind_plate", PHONE: "kind_phone", EMAIL: "kind_email", ADDRESS: "kind_address"}
MAX_REASON = 500


def allowed_numbers(content: Path) -> tuple[str, ...]:
    return site_settings(content).allowed_numbers


def describe(found: Located, lang: str) -> tuple[str, str]:
    """What was found where, and the text itself (quoted; shown unbroken)."""
    if found.where == "title":
        where = say(lang, "privacy_in_title")
    elif found.photo:
        where = say(lang, "privacy_in_alt", n=found.photo)
    else:
        where = say(lang, "privacy_in_text")
    kind = say(lang, _KINDS[found.finding.kind])
    quoted = say(lang, "privacy_quote", text=found.finding.text)
    return say(lang, "privacy_item", where=where, kind=kind), quoted


def post_warnings(
    post: PostFile, allowed: tuple[str, ...], lang: str
) -> tuple[tuple[str, str], ...]:
    """What the desk shows under a post: nothing once acknowledged."""
    try:
        if acknowledged(post.meta):
            return ()
    except AckError:
        pass  # an acknowledgement without a reason acknowledges nothing (check says so)
    return tuple(describe(f, lang) for f in file_findings(post.meta, post.body, 1, allowed))


def acknowledgement(post: PostFile) -> str:
    try:
        return acknowledged(post.meta)
    except AckError:
        return ""


def acknowledge(post: PostFile, reason: str) -> str:
    """Writes `privacy: {ok: reason}` (every other line kept); the reason as written."""
    text = " ".join(reason.split())[:MAX_REASON]
    set_keys(post, {"privacy": {"ok": text}})
    return text
