"""The desk's web application: Flask (routing, Jinja templates, signed cookies), Flask-WTF's
CSRFProtect on every POST, served by waitress (commands/desk.py). No HTTP is handled by hand.

This module makes the app and owns what every page shares: who is signed in (a session row in
store.py behind a signed, HttpOnly, SameSite=Lax cookie that is Secure whenever the request came
over TLS), the security headers (a strict CSP without scripts, no referrer, no framing, no
caching), the rate limit per person, and the error pages. The officer's pages are in
officer.py, the comms team's in comms.py, the blur editor in blurring.py; what they all use while
answering a request is in shared.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import cast

from flask import Flask, Response, g, request, session
from flask.sessions import SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError, CSRFProtect  # type: ignore[import-untyped]
from werkzeug.exceptions import HTTPException

from followshift.desk import blurring, comms, officer
from followshift.desk.review import site_settings
from followshift.desk.shared import Desk, page, refuse
from followshift.desk.store import SESSION_LIFETIME, Store, now_utc
from followshift.desk.texts import TEXTS, say
from followshift.desk.uploads import MAX_PHOTO_BYTES, MAX_PHOTOS, MAX_REQUEST_BYTES

# Scripts only from the desk itself (static/blur.js, the blur editor): no inline script, nothing
# from elsewhere. connect-src is not needed: the editor only swaps an image's address.
CSP = (
    "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class _Sessions(SecureCookieSessionInterface):
    """Flask's signed cookie, Secure exactly when the request came over TLS (directly, or from
    a trusted proxy that said X-Forwarded-Proto: https; waitress decides that)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return request.is_secure


def create_app(content: Path, store: Store | None = None) -> Flask:
    store = store or Store.beside(content)
    store.prune_sessions()  # what ended while the desk was not running
    lang = site_settings(content).language
    shared = Desk(content.resolve(), store, lang if lang in TEXTS else "nl")
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=store.secret(),
        SESSION_COOKIE_NAME="followshift_desk",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",  # Strict would drop the cookie after a link from a chat app
        # The cookie; the session row ends SESSION_LIFETIME after sign-in, the link at its
        # own end (Invite.until): both are checked on every request.
        PERMANENT_SESSION_LIFETIME=SESSION_LIFETIME,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        WTF_CSRF_TIME_LIMIT=None,  # tied to the session; a form may be open for hours
        WTF_CSRF_SSL_STRICT=True,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.session_interface = _Sessions()
    app.extensions["followshift_desk"] = shared
    CSRFProtect(app)

    @app.before_request
    def _who() -> None:
        g.invite = None
        sid = session.get("sid")
        if isinstance(sid, str):
            invite = shared.store.session_invite(sid)
            if invite is not None and invite.valid(now_utc()):
                g.invite = invite
            else:
                session.clear()
        if request.method == "POST":
            who = f"invite:{g.invite.id}" if g.invite else f"ip:{request.remote_addr}"
            if not shared.actions.allow(who):
                refuse(429, say(shared.lang, "too_many"))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        # Never to another site (no token or page name leaks); to the desk itself it must go:
        # over HTTPS, Flask-WTF's CSRF check requires a same-origin Referer.
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError) -> tuple[str, int]:
        return page("message.html", 400, message=say(shared.lang, "form_expired")), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> ResponseReturnValue:
        if error.response is not None:  # refuse(): the page is made already
            return cast(Response, error.response)
        code = error.code or 500
        key = {401: "no_access", 403: "forbidden", 404: "not_found", 429: "too_many"}.get(code)
        if code == 413:
            message = say(shared.lang, "too_large", photos=MAX_PHOTOS, mb=MAX_PHOTO_BYTES >> 20)
        else:
            message = say(shared.lang, key) if key else say(shared.lang, "error")
        return page("message.html", code, message=message), code

    @app.get("/favicon.ico")
    def _favicon() -> Response:
        return Response(status=204)  # browsers ask on every first visit; nothing to show

    app.register_blueprint(officer.pages)
    app.register_blueprint(comms.pages)
    app.register_blueprint(blurring.pages)
    return app
