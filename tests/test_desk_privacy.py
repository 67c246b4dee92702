"""Privacy at the desk (docs/privacy.md): the text warnings shown to the officer after sending
and to the comms team in the queue and on the post's page, "leave it on purpose" written as
`privacy: {ok: …}` and logged, and the comms team's pause and resume buttons."""

from __future__ import annotations

from pathlib import Path

from desk_support import SHIFT_NOW, Client, desk_site, invite, running_desk

from followshift.desk.store import Store

TEXT = "Bestuurder van de GB-123-H belde 06-12345678."


def signed_in(base: str, token: str) -> Client:
    client = Client(base)
    assert client.sign_in(token).status == 200
    return client


def test_warnings_for_officer_and_comms_and_the_acknowledgement(tmp_path: Path) -> None:
    content = desk_site(tmp_path)
    officer = invite(content, "Hein", "zevenaar")
    comms = invite(content, "Anna", None, comms=True)
    with running_desk(content) as base:
        hein = signed_in(base, officer)
        form = {**hein.form(), "shift": SHIFT_NOW, "title": "", "text": TEXT}
        sent = hein.post("/send", form).text
        assert "Let op: mogelijk persoonsgegevens" in sent
        assert "Vraag het communicatieteam het aan te passen." in sent
        assert 'bericht: mogelijk kenteken <span class="found">„GB-123-H”</span>' in sent
        assert 'bericht: mogelijk telefoonnummer <span class="found">„06-12345678”' in sent
        anna = signed_in(base, comms)
        queue = anna.get("/queue").text
        assert 'mogelijk kenteken <span class="found">„GB-123-H”' in queue
        token = anna.form("/queue")["csrf_token"]
        page = anna.get("/post/1").text
        assert "mogelijk telefoonnummer" in page and "Bewust zo laten" in page
        refused = anna.post("/post/1/privacy-ok", {"csrf_token": token})
        assert "Geef een reden." in refused.text
        done = anna.post(
            "/post/1/privacy-ok", {"csrf_token": token, "note": "Nummer van de wijkpost"}
        )
        assert "Vastgelegd: dit mag zo online." in done.text
        assert "mogelijk kenteken" not in done.text
        assert "Bewust zo gelaten: Nummer van de wijkpost" in anna.get("/post/1").text
    (post,) = [p for p in (content / SHIFT_NOW / "zevenaar").glob("*.md") if "begin" not in p.name]
    text = post.read_text(encoding="utf-8")
    assert 'privacy: {"ok": "Nummer van de wijkpost"}' in text and TEXT in text
    log = [(e.actor, e.action, e.detail) for e in Store.beside(content).audit()][-1]
    assert log == ("Anna", "privacy-ok", "Nummer van de wijkpost")


def test_comms_pauses_and_resumes_the_shift(tmp_path: Path) -> None:
    content = desk_site(tmp_path)
    comms = invite(content, "Anna", None, comms=True)
    officer = invite(content, "Hein", "zevenaar")
    shift_yaml = content / SHIFT_NOW / "shift.yaml"
    original = shift_yaml.read_bytes()
    with running_desk(content) as base:
        anna = signed_in(base, comms)
        queue = anna.get("/queue").text
        assert "Volgdienst pauzeren" in queue and "Pauzeer Avonddienst…" in queue
        form = anna.get(f"/shift/{SHIFT_NOW}/pause").text  # the reason on a page of its own
        assert 'name="note"' in form and 'name="note"' not in queue
        token = anna.form("/queue")["csrf_token"]
        # An officer's link cannot pause.
        hein = signed_in(base, officer)
        assert hein.post(f"/shift/{SHIFT_NOW}/pause", {**hein.form(), "note": "x"}).status == 403
        assert shift_yaml.read_bytes() == original
        paused = anna.post(f"/shift/{SHIFT_NOW}/pause", {"csrf_token": token, "note": "Incident"})
        assert "Gepauzeerd. Wat online staat blijft" in paused.text
        assert (
            "Avonddienst is gepauzeerd sinds" in paused.text and "Hervat Avonddienst" in paused.text
        )
        assert b'reason: "Incident"' in shift_yaml.read_bytes()
        resumed = anna.post(f"/shift/{SHIFT_NOW}/resume", {"csrf_token": token})
        assert "Hervat. Wat wachtte" in resumed.text
    assert shift_yaml.read_bytes() == original
    log = [(e.actor, e.action, e.shift, e.detail) for e in Store.beside(content).audit()][-2:]
    assert log == [("Anna", "pause", SHIFT_NOW, "Incident"), ("Anna", "resume", SHIFT_NOW, None)]
