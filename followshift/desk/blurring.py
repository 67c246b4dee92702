"""Blur by drawing: the comms team marks faces, plates and house numbers on a post's photos.

This module owns the photo editor of a post's page: the preview (the photo exactly as it will be
published, made by the photo pipeline itself, photos/variants.py `preview`), the faces the
detector found and no region covers (privacy/faces.py), and reading the regions from the form.
Regions are whole pixels of the *upright original* (EXIF orientation applied), as `blur:` in
front matter is. The page works without JavaScript (four number fields per region, one button
per face); static/blur.js adds drawing, moving and removing rectangles by touch or mouse.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from followshift.desk import DeskError
from followshift.desk.edits import PostFile, rewrite
from followshift.desk.records import Invite, Submission
from followshift.desk.review import site_settings
from followshift.desk.shared import desk, need, page, refuse
from followshift.desk.submitted import Shown, photo_path, post_file, show
from followshift.desk.texts import say

pages = Blueprint("blur", __name__)

Region = tuple[int, int, int, int]
PREVIEW_WIDTH = 960  # the published width the preview shows (or the largest below it)
MAX_REGIONS = 30  # per photo: more is a mistake, or an attack on the preview's time

WORDS: Mapping[str, Mapping[str, str]] = {
    "nl": {
        "regions": "Vervaagde vlakken",
        "regions_hint": (
            "Sleep met vinger of muis een rechthoek over gezichten, kentekens en huisnummers; "
            "tik op een rood kader om dat gezicht te vervagen. Sleep een vlak om het te "
            "verplaatsen, × haalt het weg. De foto is zoals hij online komt."
        ),
        "regions_nojs": (
            "Zonder JavaScript: vul x, y, breedte en hoogte in pixels van de rechtop staande "
            "foto ({w} × {h}) in; maak een regel leeg om een vlak weg te halen."
        ),
        "face": "{n} gezicht niet vervaagd (rood omlijnd).",
        "faces": "{n} gezichten niet vervaagd (rood omlijnd).",
        "faces_note": "Kijk zelf ook: niet elk gezicht wordt gevonden.",
        "face_left": "1 gezicht niet vervaagd",
        "faces_left": "{n} gezichten niet vervaagd",
        "blur_face": "Vervaag gezicht {n}",
        "remove": "Weghalen",
        "bad_region": "Vlak {k} van foto {n} klopt niet: vier hele getallen binnen de foto.",
        "too_many": "Foto {n} heeft te veel vlakken (hoogstens {max}).",
        "blur_title": "Foto's vervagen",
        "blur_link": "Foto's vervagen",
        "back_home": "Terug naar het formulier",
        "blur_saved": "Opgeslagen. Het communicatieteam ziet het bij de controle.",
    },
    "en": {
        "regions": "Blurred areas",
        "regions_hint": (
            "Drag a rectangle over faces, licence plates and house numbers with finger or "
            "mouse; tap a red box to blur that face. Drag an area to move it, × removes it. "
            "The photo is as it will be published."
        ),
        "regions_nojs": (
            "Without JavaScript: give x, y, width and height in pixels of the upright photo "
            "({w} × {h}); empty a row to remove an area."
        ),
        "face": "{n} face not blurred (outlined in red).",
        "faces": "{n} faces not blurred (outlined in red).",
        "faces_note": "Look yourself too: not every face is found.",
        "face_left": "1 face not blurred",
        "faces_left": "{n} faces not blurred",
        "blur_face": "Blur face {n}",
        "remove": "Remove",
        "bad_region": "Area {k} of photo {n} is not right: four whole numbers inside the photo.",
        "too_many": "Photo {n} has too many areas (at most {max}).",
        "blur_title": "Blur photos",
        "blur_link": "Blur photos",
        "back_home": "Back to the form",
        "blur_saved": "Saved. The comms team sees it when they check the post.",
    },
}


def words() -> Mapping[str, str]:
    return WORDS.get(desk().lang, WORDS["nl"])


@dataclass(frozen=True)
class PhotoBlur:
    """One photo of a post as the editor shows it."""

    index: int  # from 0, as the post lists it
    name: str
    width: int  # upright size of the original
    height: int
    regions: tuple[Region, ...]
    faces: tuple[Region, ...]  # all the detector found (the script decides what is covered)
    uncovered: tuple[Region, ...]

    @property
    def data(self) -> str:
        """For the script: sizes, regions and faces as JSON in a data- attribute."""
        return json.dumps(
            {"w": self.width, "h": self.height, "regions": self.regions, "faces": self.faces}
        )


def saved_regions(post: PostFile) -> dict[str, list[list[int]]]:
    """The `blur:` of each listed photo, by file name, as the post holds it."""
    found: dict[str, list[list[int]]] = {}
    for item in post.meta.get("photos") or ():
        if isinstance(item, dict) and isinstance(item.get("file"), str):
            found[item["file"]] = _as_regions(item.get("blur"))
    return found


def _as_regions(value: Any) -> list[list[int]]:
    if not isinstance(value, list):
        return []
    if len(value) == 4 and all(isinstance(v, int) for v in value):
        value = [value]  # a single region written flat
    return [
        [int(v) for v in r]
        for r in value
        if isinstance(r, list) and len(r) == 4 and all(type(v) is int for v in r)
    ]


def editor(post: PostFile) -> list[PhotoBlur]:
    """What the post page shows of each photo: its size, regions and the faces found."""
    from followshift.photos import ImageError, probe
    from followshift.photos.facestage import faces_of
    from followshift.photos.stage import cache_dir
    from followshift.privacy import faces

    content = desk().content
    settings = site_settings(content).images
    regions = saved_regions(post)
    shown = []
    listed = [i for i in post.meta.get("photos") or () if isinstance(i, dict)]
    for index, item in enumerate(listed):
        name = item.get("file")
        if not isinstance(name, str):
            continue
        path = post.path.parent / name
        try:
            info = probe(path, settings)
        except (ImageError, OSError):
            continue
        found: tuple[Region, ...] = ()
        if faces.available():
            found = faces_of([path], settings, cache_dir(content.parent)).get(path, ())
        own = tuple((r[0], r[1], r[2], r[3]) for r in regions.get(name, []))
        shown.append(
            PhotoBlur(index, name, info.width, info.height, own, found, faces.uncovered(found, own))
        )
    return shown


def read_form(
    form: MultiDict[str, str], photos: list[PhotoBlur], add_face: str | None = None
) -> dict[str, list[list[int]]]:
    """The regions of each photo from the form's rows (`b{n}x`, `b{n}y`, `b{n}w`, `b{n}h`,
    n from 1); `add_face` ("n:k") adds face k of photo n. DeskError names a wrong row."""
    lang = desk().lang
    result: dict[str, list[list[int]]] = {}
    for photo in photos:
        n = photo.index + 1
        rows = zip(*(form.getlist(f"b{n}{c}") for c in "xywh"), strict=False)
        regions = []
        for k, row in enumerate(rows, start=1):
            if not any(v.strip() for v in row):
                continue  # an emptied row: the region is removed
            try:
                x, y, w, h = (int(v.strip()) for v in row)
            except ValueError:
                raise DeskError(WORDS[lang]["bad_region"].format(k=k, n=n)) from None
            if not (0 <= x < photo.width and 0 <= y < photo.height and w > 0 and h > 0):
                raise DeskError(WORDS[lang]["bad_region"].format(k=k, n=n))
            # Clamped to the photo: a rectangle dragged past the edge means "up to the edge".
            regions.append([x, y, min(w, photo.width - x), min(h, photo.height - y)])
        if add_face and add_face.startswith(f"{n}:"):
            face = _face(photo, add_face)
            if face is not None:
                regions.append(face)
        if len(regions) > MAX_REGIONS:
            raise DeskError(WORDS[lang]["too_many"].format(n=n, max=MAX_REGIONS))
        result[photo.name] = regions
    return result


def _face(photo: PhotoBlur, which: str) -> list[int] | None:
    try:
        k = int(which.split(":", 1)[1])
        x, y, w, h = photo.uncovered[k - 1]
    except (ValueError, IndexError):
        return None
    # A margin of a tenth on each side: the detector's box is tight around eyes and mouth.
    mx, my = w // 10, h // 10
    left, top = max(0, x - mx), max(0, y - my)
    return [left, top, min(photo.width, x + w + mx) - left, min(photo.height, y + h + my) - top]


def _query_regions(values: list[str]) -> tuple[Region, ...]:
    regions = []
    for value in values[:MAX_REGIONS]:
        parts = value.split(",")
        if len(parts) != 4:
            continue
        try:
            x, y, w, h = (int(p) for p in parts)
        except ValueError:
            continue
        if x >= 0 and y >= 0 and w > 0 and h > 0:
            regions.append((x, y, w, h))
    return tuple(regions)


@pages.get("/post/<int:sub_id>/photo/<int:index>/preview.jpg")
def preview(sub_id: int, index: int) -> Response:
    """The photo as it will be published with the given regions (`?r=x,y,w,h`, repeated;
    without `set`, the saved ones); `boxes=1` outlines the faces no region covers (the page
    without JavaScript, where nothing can be drawn over the photo)."""
    from followshift.photos import ImageError
    from followshift.photos.variants import preview as published

    shared = desk()
    sub = _allowed(need(), sub_id)
    try:
        post = post_file(shared.content, sub)
        path = photo_path(shared.content, sub, index)
        data = path.read_bytes()
    except (DeskError, OSError):
        refuse(404, say(shared.lang, "not_found"))
    if request.args.get("set"):
        regions = _query_regions(request.args.getlist("r"))
    else:
        saved = saved_regions(post).get(path.name, [])
        regions = tuple((r[0], r[1], r[2], r[3]) for r in saved)
    settings = site_settings(shared.content).images
    try:
        jpeg, full = published(data, regions, settings, PREVIEW_WIDTH)
    except ImageError:
        refuse(404, say(shared.lang, "not_found"))
    if request.args.get("boxes"):
        jpeg = _outline(jpeg, full, post, index)
    response = Response(jpeg, mimetype="image/jpeg")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _outline(jpeg: bytes, full: tuple[int, int], post: PostFile, index: int) -> bytes:
    """The preview with a numbered red box round each face no region covers."""
    from PIL import Image, ImageDraw

    photo = next((p for p in editor(post) if p.index == index), None)
    if photo is None or not photo.uncovered:
        return jpeg
    image = Image.open(io.BytesIO(jpeg)).convert("RGB")
    scale = image.width / full[0]
    draw = ImageDraw.Draw(image)
    line = max(2, image.width // 200)
    for k, (x, y, w, h) in enumerate(photo.uncovered, start=1):
        box = (x * scale, y * scale, (x + w) * scale, (y + h) * scale)
        draw.rectangle(box, outline=(220, 0, 0), width=line)
        draw.text((box[0] + line + 2, box[1] + line), str(k), fill=(220, 0, 0))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return out.getvalue()


# The officer blurs their own post's photos while it waits for the comms team (or was sent
# back): before anyone approves it, never after.
_OFFICER_STATES = ("waiting", "returned", "draft")


def _allowed(invite: Invite, sub_id: int) -> Submission:
    """A submission whose photos this person may see with blur: comms any, an officer their own."""
    shared = desk()
    sub = shared.store.submission(sub_id)
    if sub is None or sub.path is None or (invite.role != "comms" and not sub.sent_by(invite)):
        refuse(404, say(shared.lang, "not_found"))
    return sub


def _officer_post(sub_id: int) -> tuple[Invite, Submission, PostFile]:
    invite = need()
    sub = _allowed(invite, sub_id)
    shared = desk()
    if show(shared.content, sub).state not in _OFFICER_STATES:
        refuse(404, say(shared.lang, "not_found"))
    try:
        return invite, sub, post_file(shared.content, sub)
    except DeskError:
        refuse(404, say(shared.lang, "not_found"))


def faces_left(items: list[Shown]) -> dict[int, str]:
    """For an officer's own posts still to be approved: "2 gezichten niet vervaagd"."""
    shared = desk()
    found = {}
    for item in items:
        if not item.photos or item.state not in _OFFICER_STATES:
            continue
        try:
            count = sum(len(p.uncovered) for p in editor(post_file(shared.content, item.sub)))
        except DeskError:
            continue
        if count:
            found[item.id] = words()["face_left" if count == 1 else "faces_left"].format(n=count)
    return found


@pages.get("/mine/<int:sub_id>/blur")
def officer_form(sub_id: int) -> str:
    _, sub, post = _officer_post(sub_id)
    return page("blur.html", item=show(desk().content, sub), blurs=editor(post), bw=words())


@pages.post("/mine/<int:sub_id>/blur")
def officer_save(sub_id: int) -> ResponseReturnValue:
    invite, sub, post = _officer_post(sub_id)
    shared = desk()
    photos = editor(post)
    try:
        blur = read_form(request.form, photos, request.form.get("face"))
        if blur != {p.name: [list(r) for r in p.regions] for p in photos}:
            rewrite(post, blur=blur)
            shared.store.log(invite.name, invite.via, "edit", sub.shift, sub.path, "blur")
    except DeskError as exc:
        flash(say(shared.lang, "changed") if "changed" in exc.message else exc.message, "error")
        return redirect(url_for("blur.officer_form", sub_id=sub.id), 303)
    flash(words()["blur_saved"])
    if request.form.get("face"):  # one face blurred: look at the result
        return redirect(url_for("blur.officer_form", sub_id=sub.id), 303)
    return redirect(url_for("officer.home"), 303)
