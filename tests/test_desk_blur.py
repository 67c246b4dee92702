"""Blur at the desk without a browser: the number fields of the page without JavaScript, the
"blur face" button, and the preview, which is the published file byte for byte."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from blur_support import send_photo, sideways_jpeg
from conftest import Run
from desk_support import SHIFT_NOW, Client, desk_site, invite, running_desk

from followshift.desk.store import Store
from followshift.privacy import faces


def _post(content: Path) -> Path:
    (post,) = [p for p in (content / SHIFT_NOW / "zevenaar").glob("*.md") if "begin" not in p.name]
    return post


def _edit_fields(page: str) -> dict[str, str]:
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    fields = {"csrf_token": token[1]}
    fields["title"] = ""
    fields["text"] = "Bezoek op het bureau."
    fields["alt1"] = "Een astronaut in oranje pak"
    return fields


def test_regions_typed_without_javascript_land_in_front_matter(tmp_path: Path) -> None:
    content = desk_site(tmp_path)
    with running_desk(content) as base:
        officer = Client(base)
        officer.sign_in(invite(content, "Hein", "zevenaar"))
        send_photo(officer, sideways_jpeg())
        comms = Client(base)
        comms.sign_in(invite(content, "Anna", None, comms=True))
        page = comms.get("/post/1").text
        assert 'class="blur-editor"' in page and "512 × 288" in page  # the upright size
        assert "/static/blur.js" in page
        fields = _edit_fields(page)
        rows = {"b1x": "10", "b1y": "20", "b1w": "600", "b1h": "30"}  # wider than the photo
        answer = comms.post("/post/1/edit", {**fields, **rows})
        assert answer.status == 200 and "Opgeslagen" in answer.text
        assert "blur: [[10, 20, 502, 30]]" in _post(content).read_text("utf-8")  # clamped
        # Outside the photo, or not a number: refused, the file as it was.
        for bad in ({"b1x": "600", "b1y": "0", "b1w": "5", "b1h": "5"}, {**rows, "b1w": "x"}):
            answer = comms.post("/post/1/edit", {**fields, **bad})
            assert "Vlak 1 van foto 1 klopt niet" in answer.text
        assert "blur: [[10, 20, 502, 30]]" in _post(content).read_text("utf-8")
        # An emptied row removes the region, and `blur:` goes with the last one.
        empty = {"b1x": "", "b1y": "", "b1w": "", "b1h": ""}
        comms.post("/post/1/edit", {**fields, **empty})
        assert "blur" not in _post(content).read_text("utf-8")


def test_the_preview_is_the_published_file(tmp_path: Path, run: Run) -> None:
    content = desk_site(tmp_path)
    with running_desk(content) as base:
        officer = Client(base)
        officer.sign_in(invite(content, "Hein", "zevenaar"))
        send_photo(officer, sideways_jpeg())
        comms = Client(base)
        comms.sign_in(invite(content, "Anna", None, comms=True))
        fields = _edit_fields(comms.get("/post/1").text)
        region = {"b1x": "150", "b1y": "40", "b1w": "140", "b1h": "150"}
        comms.post("/post/1/edit", {**fields, **region, "then": "approve"})
        request = comms.opener.open(f"{base}/post/1/photo/0/preview.jpg", timeout=30)
        preview = request.read()
        assert request.headers["Content-Type"] == "image/jpeg"
        # Regions given in the address are shown, not saved.
        other = comms.opener.open(f"{base}/post/1/photo/0/preview.jpg?set=1&r=0,0,50,50").read()
        assert other != preview
        assert Client(base).get("/post/1/photo/0/preview.jpg").status == 401
    built = run(["build", "--out", str(tmp_path / "site")], tmp_path)
    assert built.exit_code == 0, built.stderr
    # The photo is 512 wide upright: its largest published JPEG is the 480-pixel one.
    (published,) = list((tmp_path / "site").rglob("*480*.jpg"))
    assert published.read_bytes() == preview


@pytest.mark.skipif(not faces.available(), reason="the faces extra is not installed")
def test_one_tap_on_blur_face_blurs_it_and_the_warning_goes(tmp_path: Path) -> None:
    content = desk_site(tmp_path)
    with running_desk(content) as base:
        officer = Client(base)
        officer.sign_in(invite(content, "Hein", "zevenaar"))
        send_photo(officer, sideways_jpeg())
        comms = Client(base)
        comms.sign_in(invite(content, "Anna", None, comms=True))
        page = comms.get("/post/1").text
        assert "1 gezicht niet vervaagd" in page
        assert 'name="face" value="1:1"' in page
        answer = comms.post("/post/1/edit", {**_edit_fields(page), "face": "1:1"})
        assert answer.status == 200 and "niet vervaagd" not in answer.text
        text = _post(content).read_text("utf-8")
        (region,) = re.findall(r"blur: \[\[(\d+), (\d+), (\d+), (\d+)\]\]", text)
        x, y, w, h = map(int, region)
        assert 140 <= x <= 200 and 40 <= y <= 80 and w >= 90 and h >= 90  # upright, round the face


@pytest.mark.skipif(not faces.available(), reason="the faces extra is not installed")
def test_the_officer_sees_the_warning_and_blurs_before_approval_only(tmp_path: Path) -> None:
    content = desk_site(tmp_path)
    with running_desk(content) as base:
        officer = Client(base)
        officer.sign_in(invite(content, "Hein", "zevenaar"))
        send_photo(officer, sideways_jpeg())
        home = officer.get("/").text
        assert "1 gezicht niet vervaagd" in home and "/mine/1/blur" in home
        page = officer.get("/mine/1/blur").text
        assert 'class="blur-editor"' in page and 'name="face" value="1:1"' in page
        assert officer.get("/post/1/photo/0/preview.jpg").status == 200  # their own photo
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        saved = officer.post("/mine/1/blur", {"csrf_token": token[1], "face": "1:1"})
        assert saved.status == 200 and "niet vervaagd" not in saved.text
        assert "blur: [[" in _post(content).read_text("utf-8")
        assert "niet vervaagd" not in officer.get("/").text
        # Another officer sees nothing of it; after approval the officer can no longer change it.
        other = Client(base)
        other.sign_in(invite(content, "Nina", "zevenaar"))
        assert other.get("/mine/1/blur").status == 404
        assert other.get("/post/1/photo/0/preview.jpg").status == 404
        comms = Client(base)
        comms.sign_in(invite(content, "Anna", None, comms=True))
        comms.post("/post/1/approve", {"csrf_token": comms.form("/queue")["csrf_token"]})
        assert "status: published" in _post(content).read_text("utf-8")
        assert officer.get("/mine/1/blur").status == 404
    entries = [(e.actor, e.action, e.detail) for e in Store.beside(content).audit()]
    assert ("Hein", "edit", "blur") in entries
