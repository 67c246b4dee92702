"""The desk against misuse, on the real server (waitress on a loopback port): no or a bad link,
another team, forged or missing CSRF tokens, oversized or fake photos, path tricks, markup in
text and alt text, a form sent twice, four-eyes self-approval, and too many requests. Each gets
a clear answer and changes nothing."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Run
from desk_support import SHIFT_NOW, Client, desk_site, hidden, invite, photo, running_desk

from followshift.desk.store import Store


def posts(content: Path) -> dict[str, str]:
    """Every file of the shift's team folders but the first post, with its text."""
    found = {}
    for path in sorted((content / SHIFT_NOW).rglob("*")):
        if path.is_file() and path.name not in ("shift.yaml", "0000-begin.md"):
            found[path.relative_to(content).as_posix()] = (
                path.read_text("utf-8") if path.suffix == ".md" else "<photo>"
            )
    return found


@pytest.fixture
def content(tmp_path: Path) -> Path:
    return desk_site(tmp_path)


@pytest.fixture
def officer(content: Path) -> str:
    return invite(content, "Hein", "zevenaar")


def signed_in(base: str, token: str) -> Client:
    client = Client(base)
    assert client.sign_in(token).status == 200
    return client


def fields(client: Client, **more: str) -> dict[str, str]:
    return {**client.form(), "shift": SHIFT_NOW, "title": "", "text": "Surveillance.", **more}


def test_nothing_without_a_valid_link(content: Path, officer: str) -> None:
    expired = invite(content, "Oud", "zevenaar", until=datetime.now(UTC) - timedelta(minutes=1))
    with running_desk(content) as base:
        client = Client(base)
        for path in ("/", "/queue", "/post/1", "/photo/1/0"):
            answer = client.get(path)
            assert answer.status == 401, path
            assert "Open je persoonlijke link opnieuw" in answer.text
        for token in ("x" * 43, expired, "../../etc/passwd"):
            answer = client.get(f"/i/{token}")
            assert answer.status in (403, 404)
            assert "followshift_desk" not in answer.headers.get("Set-Cookie", "")
        assert "verlopen of ingetrokken" in client.get(f"/i/{expired}").text
        csrf = hidden(client.get(f"/i/{officer}").text, "csrf_token")
        for token in ("x" * 43, expired, ""):  # nor through the sign-in button's own request
            tap = client.post("/i", {"csrf_token": csrf, "token": token})
            assert tap.status == 403 and "verlopen of ingetrokken" in tap.text
        assert client.get("/").status == 401
        blind = client.post("/send", {"shift": SHIFT_NOW, "text": "x", "nonce": "n" * 20})
        assert blind.status == 400
    assert posts(content) == {}


def test_a_revoked_link_ends_its_sessions(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        form = fields(client)
        Store.beside(content).revoke("Hein", actor="test", via="test")
        assert client.get("/").status == 401
        assert client.post("/send", form).status in (400, 401)
        assert client.get(f"/i/{officer}").status == 403
    assert posts(content) == {}
    assert Store.beside(content).sessions() == 0  # not just refused: gone from the store


def test_a_link_signs_in_only_when_its_button_is_tapped(content: Path, officer: str) -> None:
    """A personal link opens a page that says whom it signs in as; only its button (a POST with
    the page's CSRF token) signs in. So another site cannot sign a visitor into the attacker's
    account: opening the attacker's link is a page, and its button does not work from there."""
    mallory = invite(content, "Mallory", "neder-betuwe")
    store = Store.beside(content)
    with running_desk(content) as base:
        victim = Client(base)
        link = victim.get(f"/i/{officer}")
        assert link.status == 200 and "Aanmelden als Hein (Team Zevenaar)" in link.text
        assert link.headers["Referrer-Policy"] == "strict-origin"  # the token never a Referer
        assert victim.get("/").status == 401 and store.sessions() == 0  # nobody signed in yet
        home = victim.post(
            "/i", {name: hidden(link.text, name) for name in ("csrf_token", "token")}
        )
        assert home.status == 200 and home.url == f"{base}/" and "Ingelogd als Hein" in home.text
        assert store.sessions() == 1
        # The attacker opens their own link and copies its button's fields into their page;
        # the victim's browser then opens that link and sends that form.
        theirs = Client(base).get(f"/i/{mallory}").text
        forged = {name: hidden(theirs, name) for name in ("csrf_token", "token")}
        opened = victim.get(f"/i/{mallory}").text
        assert "Aanmelden als Mallory (Team Neder-Betuwe)" in opened
        assert "Je bent nu aangemeld als Hein" in opened
        answer = victim.post("/i", forged)
        assert answer.status == 400 and "verlopen" in answer.text
        assert "Ingelogd als Hein" in victim.get("/").text
        # Tapping a link's button again ends the browser's earlier session.
        again = victim.get(f"/i/{officer}").text
        victim.post("/i", {name: hidden(again, name) for name in ("csrf_token", "token")})
        assert "Ingelogd als Hein" in victim.get("/").text and store.sessions() == 1
    assert [e.actor for e in store.audit()] == ["test", "test"]  # the two invitations only


def test_sessions_end_after_a_day_and_are_pruned(content: Path, officer: str) -> None:
    """A session lasts a day from sign-in (then the officer taps their link again); sessions
    that can no longer be used are removed at the next sign-in and when the desk starts."""
    import sqlite3
    from contextlib import closing

    from followshift.desk.store import SESSION_LIFETIME

    store = Store.beside(content)
    bram_link = invite(content, "Bram", "zevenaar")

    def change(sql: str, *args: object) -> None:
        with closing(sqlite3.connect(store.path)) as db, db:
            db.execute(sql, args)

    long_ago = (datetime.now(UTC) - SESSION_LIFETIME - timedelta(minutes=1)).isoformat()
    with running_desk(content) as base:
        hein = signed_in(base, officer)
        bram = signed_in(base, bram_link)
        assert store.sessions() == 2
        hein_id = "SELECT id FROM invites WHERE name = 'Hein'"
        change(f"UPDATE sessions SET created = ? WHERE invite = ({hein_id})", long_ago)
        assert hein.get("/").status == 401  # a day later: Hein signs in again
        assert bram.get("/").status == 200
        signed_in(base, officer)
        assert store.sessions() == 2  # Hein's new one and Bram's; the old one is gone
    change("UPDATE invites SET until = ? WHERE name = 'Bram'", long_ago)  # ends, desk stopped
    with running_desk(content) as base:
        assert store.sessions() == 1
        bram.base = base  # the same browser, the desk on its new port
        assert bram.get("/").status == 401


def test_cookies_are_secure_only_over_tls_from_a_trusted_proxy(content: Path, officer: str) -> None:
    https = {"X-Forwarded-Proto": "https"}
    with running_desk(content) as base:
        answer = (forged := Client(base)).sign_in(officer, https)
        assert answer.status == 200 and answer.url == f"{base}/"
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'none'")
        assert answer.headers["Referrer-Policy"] == "same-origin"
        # Anyone's X-Forwarded-Proto is ignored without --trusted-proxy.
        assert [c.secure for c in forged.jar] == [False]
    with running_desk(content, trusted_proxy="127.0.0.1") as base:
        link = (behind := Client(base)).get(f"/i/{officer}", https)
        assert [c.secure for c in behind.jar] == [True]
        plain = Client(base)
        plain.get(f"/i/{officer}")  # the proxy itself on plain http: not Secure
        assert [c.secure for c in plain.jar] == [False]
        # Over TLS a form works as a browser sends it (same-origin Referer), and not without.
        behind.opener.addheaders = [("X-Forwarded-Proto", "https")]

        def as_proxy_sees_it() -> None:  # the test client speaks http on the proxy's side
            for cookie in behind.jar:
                cookie.secure = False

        origin = base.replace("http://", "https://")
        tap = {name: hidden(link.text, name) for name in ("csrf_token", "token")}
        as_proxy_sees_it()
        assert behind.post("/i", tap, headers=https).status == 400  # no Referer: refused
        as_proxy_sees_it()
        behind.post("/i", tap, headers={**https, "Referer": origin + "/"})
        as_proxy_sees_it()
        form = {**behind.form(), "shift": SHIFT_NOW, "text": "Via TLS."}
        as_proxy_sees_it()
        refused = behind.post("/send", form, headers=https)
        assert refused.status == 400 and "verlopen" in refused.text
        as_proxy_sees_it()
        behind.post("/send", form, headers={**https, "Referer": origin + "/"})
    # (The redirect after it is followed over plain http, where a Secure cookie is not sent.)
    assert [text.endswith("Via TLS.\n") for text in posts(content).values()] == [True]


def test_set_cookie_flags(content: Path, officer: str) -> None:
    import urllib.request

    with running_desk(content) as base:

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: object, **kwargs: object) -> None:
                return None

        client = Client(base)
        client.opener = urllib.request.build_opener(
            NoRedirect, urllib.request.HTTPCookieProcessor(client.jar)
        )
        link = client.get(f"/i/{officer}")
        tap = {name: hidden(link.text, name) for name in ("csrf_token", "token")}
        answer = client.post("/i", tap)
        cookie = answer.headers["Set-Cookie"]
        assert answer.status == 303 and answer.headers["Location"] == "/"
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_csrf_missing_or_wrong_changes_nothing(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        form = fields(client)
        for token in (None, "forged", form["csrf_token"][:-2] + "xx"):
            sent = dict(form)
            sent.pop("csrf_token")
            if token is not None:
                sent["csrf_token"] = token
            answer = client.post("/send", sent)
            assert answer.status == 400
            assert "Het formulier is verlopen" in answer.text
        other = signed_in(base, invite(content, "Bram", "zevenaar"))
        answer = client.post("/send", {**form, "csrf_token": other.form()["csrf_token"]})
        assert answer.status == 400
    assert posts(content) == {}


def test_an_officer_posts_only_for_their_own_team(content: Path, officer: str) -> None:
    neighbour = invite(content, "Nina", "neder-betuwe")
    with running_desk(content) as base:
        client = signed_in(base, officer)
        answer = client.post("/send", fields(client, team="neder-betuwe"))
        assert answer.status == 403
        assert "alleen voor je eigen team (zevenaar)" in answer.text
        assert posts(content) == {}
        assert client.get("/queue").status == 403
        # Nina's post: Hein does not see it nor its photo, and cannot decide on it.
        nina = signed_in(base, neighbour)
        sent = nina.post(
            "/send", fields(nina, alt1="Een fiets"), {"photo1": ("fiets.jpg", photo())}
        )
        assert sent.status == 200, sent.text
        assert "Surveillance." not in client.get("/").text
        assert client.get("/photo/1/0").status == 404
        form = client.form()
        assert client.post("/post/1/approve", {"csrf_token": form["csrf_token"]}).status == 403
    assert list(posts(content)) == [
        f"{SHIFT_NOW}/neder-betuwe/{name}" for name in sorted(_names(content, "neder-betuwe"))
    ]


def _names(content: Path, team: str) -> list[str]:
    return [p.name for p in (content / SHIFT_NOW / team).iterdir()]


def test_uploads_must_be_real_photos_within_the_limits(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        form = fields(client, alt1="Iets")
        fake = client.post("/send", form, {"photo1": ("IMG_0001.jpg", b"<html>not a photo")})
        assert fake.status == 400
        assert "Foto 1 is geen foto die we kunnen gebruiken" in fake.text
        big = client.post("/send", form, {"photo1": ("big.jpg", b"\xff\xd8" + b"0" * (21 << 20))})
        assert big.status == 400 and "Foto 1 is te groot (maximaal 20 MB)" in big.text
        cut = photo()[:-400]
        assert client.post("/send", form, {"photo1": ("cut.jpg", cut)}).status == 400
        huge = client.post("/send", form, {"photo1": ("x.jpg", b"0" * (82 << 20))})
        assert huge.status == 413
        assert "maximaal 4 foto&#39;s van elk 20 MB" in huge.text
        five = {f"photo{n}": (f"{n}.jpg", photo(size=(32, 32))) for n in range(1, 6)}
        extra = {f"alt{n}": "Iets" for n in range(1, 6)}
        assert client.post("/send", {**form, **extra}, five).status == 413
        no_alt = client.post("/send", fields(client), {"photo1": ("a.jpg", photo())})
        assert no_alt.status == 400 and "Beschrijf foto 1" in no_alt.text
        assert posts(content) == {}
        # The refused form may be sent again once it is right: its nonce was not used up.
        good = client.post("/send", form, {"photo1": ("../../../etc/passwd.jpg", photo())})
        assert good.status == 200, good.text
    written = posts(content)
    assert len(written) == 2
    assert all(name.startswith(f"{SHIFT_NOW}/zevenaar/") for name in written)
    assert not any("passwd" in name for name in written)


@pytest.mark.parametrize(
    "shift", ["../../etc", f"{SHIFT_NOW}/../x", "", "2026-live/zevenaar", "a" * 300]
)
def test_path_tricks_in_the_shift_are_refused(content: Path, officer: str, shift: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        answer = client.post("/send", fields(client, shift=shift))
        assert answer.status == 400
        assert "Kies een volgdienst uit de lijst" in answer.text
    assert posts(content) == {}
    assert sorted(p.name for p in content.iterdir()) == [SHIFT_NOW, "site.yaml", "teams.yaml"]


def test_front_matter_cannot_be_smuggled_in(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        text = "---\nstatus: published\npinned: true\n---\nGewoon tekst."
        title = 'x"\nstatus: published'
        answer = client.post("/send", fields(client, text=text, title=title))
        assert answer.status == 200, answer.text
    (written,) = posts(content).values()
    from followshift.content.frontmatter import split_front_matter

    meta = split_front_matter(written).meta
    assert meta["status"] == "review" and "pinned" not in meta
    assert meta["title"] == 'x" status: published'


def test_markup_is_escaped_at_the_desk_and_sanitised_on_the_site(
    content: Path, officer: str, run: Run
) -> None:
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    comms = invite(content, "Anna", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, officer)
        sent = client.post(
            "/send",
            fields(client, text=f"Tekst {evil}", title=f"Titel {evil}", alt1=f"Alt {evil}"),
            {"photo1": ("a.jpg", photo())},
        )
        assert sent.status == 200
        for page in (sent.text, (reviewer := signed_in(base, comms)).get("/queue").text):
            assert "<script>alert" not in page and "<img src=x" not in page
            assert "&lt;script&gt;alert" in page
        approve = reviewer.post("/post/1/approve", reviewer.form("/queue"))
        assert approve.status == 200 and "Goedgekeurd" in approve.text
    now = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M+00:00")
    built = run(["build", "--now", now], content.parent)
    assert built.exit_code == 0, built.stderr
    page = (content.parent / "site" / SHIFT_NOW / "index.html").read_text("utf-8")
    assert "Tekst" in page and "Titel" in page
    # No script, and no element with the handler: it is left only as escaped text (alt, og:).
    assert "<script>alert" not in page and "<img src=x" not in page
    assert handlers(page) == []


def handlers(page: str) -> list[str]:
    """Every on…= attribute of every element of an HTML page."""
    found: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend(f"{tag} {name}" for name, _ in attrs if name.startswith("on"))

    Parser().feed(page)
    return found


def test_a_form_sent_twice_makes_one_post(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        form = fields(client, alt1="Auto")
        first = client.post("/send", form, {"photo1": ("a.jpg", photo())})
        again = client.post("/send", form, {"photo1": ("a.jpg", photo())})
        assert first.status == again.status == 200
        assert "al verstuurd" in again.text
        # Two at once (a double tap on a slow connection): still one post.
        both = fields(client)
        answers = []
        threads = [
            threading.Thread(target=lambda: answers.append(client.post("/send", both)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert [a.status for a in answers] == [200, 200]
    assert len([p for p in posts(content) if p.endswith(".md")]) == 2


def test_four_eyes_refuses_self_approval(tmp_path: Path) -> None:
    content = desk_site(tmp_path, review="four-eyes")
    anna = invite(content, "Anna", "zevenaar", comms=True)
    bram = invite(content, "Bram", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, anna)
        assert client.post("/send", fields(client, text="Mijn eigen bericht.")).status == 200
        own = client.post("/post/1/approve", client.form("/queue"))
        assert "Vier ogen" in own.text
        assert "status: review" in next(iter(posts(content).values()))
        other = signed_in(base, bram)
        assert "Goedgekeurd" in other.post("/post/1/approve", other.form("/queue")).text
    assert "status: published" in next(iter(posts(content).values()))
    actions = [(e.actor, e.action) for e in Store.beside(content).audit()]
    assert actions[-2:] == [("Anna", "submit"), ("Bram", "approve")]


def test_return_withdraw_edit_and_pin_are_on_the_record(content: Path, officer: str) -> None:
    comms = invite(content, "Anna", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, officer)
        assert client.post("/send", fields(client, text="Eerste versie.")).status == 200
        anna = signed_in(base, comms)
        token = anna.form("/queue")["csrf_token"]
        assert anna.post("/post/1/return", {"csrf_token": token}).text.count("Schrijf een opm")
        back = anna.post("/post/1/return", {"csrf_token": token, "note": "Zonder kenteken graag"})
        assert "Teruggestuurd naar Hein" in back.text
        mine = client.get("/").text
        assert "teruggestuurd" in mine and "Zonder kenteken graag" in mine
        edited = anna.post(
            "/post/1/edit", {"csrf_token": token, "title": "Nieuw", "text": "Tweede versie."}
        )
        assert "Opgeslagen" in edited.text
        assert "Opgeslagen" in anna.post("/post/1/pin", {"csrf_token": token}).text.replace(
            "Aangepast", "Opgeslagen"
        )
        gone = anna.post("/post/1/withdraw", {"csrf_token": token, "note": "Dubbel"})
        assert "Ingetrokken" in gone.text
    (text,) = posts(content).values()
    assert "status: withdrawn" in text and "Tweede versie." in text and 'title: "Nieuw"' in text
    assert "pinned: true" in text
    log = [(e.action, e.detail) for e in Store.beside(content).audit()][-5:]
    # An edit's detail also names the file's sha256 before and after (issue 18 review).
    edit = re.fullmatch(r"(title, text); sha256 [0-9a-f]{64} -> [0-9a-f]{64}", log[2][1] or "")
    assert edit is not None
    log[2] = (log[2][0], edit[1])
    assert log == [
        ("submit", "0 photo(s); review: required"),
        ("return", "Zonder kenteken graag"),
        ("edit", "title, text"),
        ("pin", None),
        ("withdraw", "Dubbel"),
    ]


def test_too_many_sends_are_slowed_down(content: Path, officer: str) -> None:
    with running_desk(content) as base:
        client = signed_in(base, officer)
        statuses = [client.post("/send", fields(client, text=f"Nr {n}")).status for n in range(11)]
    assert statuses == [200] * 10 + [429]
    assert len(posts(content)) == 10


def test_the_desk_speaks_the_sites_language(tmp_path: Path) -> None:
    content = desk_site(tmp_path, review="none", language="en")
    token = invite(content, "Hein", "zevenaar")
    with running_desk(content) as base:
        page = signed_in(base, token).get("/").text
    assert '<html lang="en">' in page and ">Send</button>" in page
    assert "Required with a photo: what does it show?" in page
    assert 'name="key_moment"' not in page  # review: none, so no key moment for officers


def test_save_and_approve_keeps_the_edit(content: Path, officer: str) -> None:
    comms = invite(content, "Anna", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, officer)
        assert client.post("/send", fields(client, text="Kenteken AB-123-C.")).status == 200
        anna = signed_in(base, comms)
        form = anna.form("/post/1")
        page = anna.get("/post/1").text
        assert 'name="then" value="approve"' in page
        done = anna.post(
            "/post/1/edit", {**form, "title": "", "text": "Zonder kenteken.", "then": "approve"}
        )
        assert "Goedgekeurd" in done.text
    (text,) = posts(content).values()
    assert "status: published" in text and text.endswith("Zonder kenteken.\n")
    assert [e.action for e in Store.beside(content).audit()][-2:] == ["edit", "approve"]


def test_four_eyes_whoever_edited_a_post_may_not_approve_it(tmp_path: Path, run: Run) -> None:
    """An edit makes the editor a co-author: rewriting an officer's post and approving it alone
    would be one pair of eyes, at the desk and on the command line alike."""
    content = desk_site(tmp_path, review="four-eyes")
    hein = invite(content, "Hein", "zevenaar")
    anna_link = invite(content, "Anna", None, comms=True)
    bram_link = invite(content, "Bram", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, hein)
        assert client.post("/send", fields(client, text="Een melding.")).status == 200
        anna = signed_in(base, anna_link)
        edit = {**anna.form("/post/1"), "title": "Anders", "text": "Annas tekst."}
        edit["then"] = "approve"
        both = anna.post("/post/1/edit", edit)
        assert "Vier ogen" in both.text and "Opgeslagen" in both.text
        ((name, text),) = posts(content).items()
        assert "status: review" in text and "Annas tekst." in text  # saved, not approved
        assert "Vier ogen" in anna.post("/post/1/approve", anna.form("/queue")).text
        cli = run(["approve", name, "--by", "anna"], content.parent)
        assert cli.exit_code == 1
        assert cli.lines() == [
            f"content/{name}: error: four-eyes review: anna edited this post, so someone else "
            "of the comms team must approve it"
        ]
        assert "status: review" in posts(content)[name]
        bram = signed_in(base, bram_link)
        assert "Goedgekeurd" in bram.post("/post/1/approve", bram.form("/queue")).text
    assert "status: published" in posts(content)[name]
    actions = [(e.actor, e.action) for e in Store.beside(content).audit()]
    assert actions[-3:] == [("Hein", "submit"), ("Anna", "edit"), ("Bram", "approve")]


@pytest.mark.parametrize("rule", ["required", "four-eyes"])
def test_editing_a_published_post_puts_it_back_to_review(tmp_path: Path, rule: str) -> None:
    """A published post edited under a review rule is taken off the site until it is approved
    again, and the audit log says which bytes were replaced by which."""
    import hashlib

    content = desk_site(tmp_path, review=rule)
    hein = invite(content, "Hein", "zevenaar")
    anna_link = invite(content, "Anna", None, comms=True)
    bram_link = invite(content, "Bram", None, comms=True)
    with running_desk(content) as base:
        client = signed_in(base, hein)
        assert client.post("/send", fields(client, text="Eerste versie.")).status == 200
        bram = signed_in(base, bram_link)
        assert "Goedgekeurd" in bram.post("/post/1/approve", bram.form("/queue")).text
        ((name, before),) = posts(content).items()
        assert "status: published" in before
        anna = signed_in(base, anna_link)
        edited = anna.post("/post/1/edit", {**anna.form("/post/1"), "text": "Tweede versie."})
        assert "wacht weer op controle" in edited.text
        after = posts(content)[name]
        assert "status: review" in after and "Tweede versie." in after
        again = anna.post("/post/1/approve", anna.form("/queue")).text
        if rule == "four-eyes":
            assert "Vier ogen" in again and "status: review" in posts(content)[name]
            # Bram approved the first version but did not write the second: he may.
            again = bram.post("/post/1/approve", bram.form("/queue")).text
        assert "Goedgekeurd" in again
    assert "status: published" in posts(content)[name]
    sha = [hashlib.sha256(t.encode()).hexdigest() for t in (before, after)]
    edits = [e.detail for e in Store.beside(content).audit() if e.action == "edit"]
    assert edits == [f"text; sha256 {sha[0]} -> {sha[1]}; back to review"]


def test_my_posts_belong_to_a_person_not_to_a_display_name(content: Path) -> None:
    """Another officer who happens to get the same display name on another team sees none of
    the earlier posts or photos; the same officer with a new link (same name and team) does."""
    jan = invite(content, "Jan", "zevenaar")
    with running_desk(content) as base:
        first = signed_in(base, jan)
        text = "Verdachte op adres X."
        sent = first.post(
            "/send", fields(first, text=text, alt1="Auto"), {"photo1": ("a.jpg", photo())}
        )
        assert sent.status == 200 and text in sent.text
        other = signed_in(base, invite(content, "Jan", "neder-betuwe"))
        assert text not in other.get("/").text
        assert other.get("/photo/1/0").status == 404
        assert other.get("/mine/1/blur").status == 404  # nor blur them
        again = signed_in(base, invite(content, "Jan", "zevenaar"))  # a new link, same Jan
        assert text in again.get("/").text
        assert again.get("/photo/1/0").status == 200
        assert again.get("/mine/1/blur").status == 200
