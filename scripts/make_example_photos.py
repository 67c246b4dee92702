#!/usr/bin/env python3
"""Draw the illustrative example photos and team avatars under content/.

The example site in content/ needs photos that behave like photos straight from an officer's
phone: JPEG (and one HEIC), 1600x1200 or 1200x1600, with realistic iPhone EXIF: Make/Model,
DateTimeOriginal + OffsetTimeOriginal matching the post, and a GPS position near the team's town.
followshift must strip all of that before publishing; that is the point of the examples.
One photo is stored sideways with EXIF Orientation 6, and one carries a bystander's face that its
post blurs with a ``blur:`` region.

Everything is drawn with Pillow: no downloads, no external files, no fonts other than Pillow's
built-in one. The output is deterministic (fixed seeds per file) and the script is idempotent:
rerunning it produces the same bytes and leaves files whose bytes did not change untouched.

    python scripts/make_example_photos.py            # write/refresh all photos
    python scripts/make_example_photos.py --check    # exit 1 if any photo is missing or differs
"""

from __future__ import annotations

import argparse
import io
import math
import random
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont
from PIL.ExifTags import GPS, IFD, Base
from PIL.TiffImagePlugin import IFDRational

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"

SS = 2  # supersampling factor: scenes are drawn at SS x the final size, then scaled down

RGB = tuple[int, int, int]

# --------------------------------------------------------------------------------------------
# small drawing helpers
# --------------------------------------------------------------------------------------------


def mix(a: RGB, b: RGB, t: float) -> RGB:
    t = max(0.0, min(1.0, t))
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def shade(c: RGB, f: float) -> RGB:
    """f < 1 darkens, f > 1 lightens."""
    if f <= 1:
        return (round(c[0] * f), round(c[1] * f), round(c[2] * f))
    return mix(c, (255, 255, 255), f - 1)


def gradient(img: Image.Image, box: tuple[int, int, int, int], stops: list[tuple[float, RGB]]):
    """Vertical multi-stop gradient inside box (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = (int(v) for v in box)
    h = max(1, y1 - y0)
    col = []
    for y in range(h):
        t = y / max(1, h - 1)
        for (ta, ca), (tb, cb) in pairwise(stops):
            if ta <= t <= tb:
                col.append(mix(ca, cb, (t - ta) / max(1e-9, tb - ta)))
                break
        else:
            col.append(stops[-1][1])
    strip = Image.new("RGB", (1, h))
    strip.putdata(col)
    img.paste(strip.resize((x1 - x0, h), Image.Resampling.NEAREST), (x0, y0))


_RADIAL = Image.radial_gradient(
    "L"
)  # 256x256: 0 in the centre, 181 at the edge midpoints, 255 in the corners


def glow(img: Image.Image, cx: float, cy: float, r: float, color: RGB, strength: float = 1.0):
    """Soft additive light around (cx, cy)."""
    r = max(2, int(r))
    falloff = _RADIAL.point(lambda v: int(min(255, max(0.0, 1 - v / 181) ** 2.2 * 255 * strength)))
    mask = falloff.resize((2 * r, 2 * r), Image.Resampling.BILINEAR)
    layer = Image.new("RGB", (2 * r, 2 * r), color)
    box = (int(cx - r), int(cy - r))
    region = img.crop((box[0], box[1], box[0] + 2 * r, box[1] + 2 * r))
    lit = ImageChops.screen(region, layer)
    region.paste(lit, (0, 0), mask)
    img.paste(region, box)


def font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.load_default(size=max(6, int(size)))


def text_center(d: ImageDraw.ImageDraw, cx: float, cy: float, s: str, size: float, fill: RGB):
    f = font(size)
    x0, y0, x1, y1 = d.textbbox((0, 0), s, font=f)
    d.text((cx - (x1 - x0) / 2 - x0, cy - (y1 - y0) / 2 - y0), s, font=f, fill=fill)


def houses(
    d: ImageDraw.ImageDraw,
    rng: random.Random,
    x0: float,
    x1: float,
    base: float,
    hmin: float,
    hmax: float,
    lit: float,
    night: float,
    palette: list[RGB] | None = None,
):
    """A row of Dutch gabled houses between x0 and x1 standing on y=base."""
    palette = palette or [
        (128, 62, 48),
        (150, 84, 60),
        (112, 70, 58),
        (170, 120, 90),
        (96, 60, 52),
        (190, 170, 140),
        (140, 100, 80),
    ]
    x = x0
    while x < x1:
        w = rng.uniform(hmin * 0.55, hmin * 0.9)
        h = rng.uniform(hmin, hmax)
        c = shade(rng.choice(palette), 1 - 0.55 * night)
        d.rectangle((x, base - h, x + w, base), fill=c)
        gable = rng.random()
        top = base - h
        if gable < 0.45:  # pointed
            d.polygon([(x, top), (x + w / 2, top - w * 0.45), (x + w, top)], fill=c)
        elif gable < 0.75:  # stepped gable
            st = w / 6
            for k in range(3):
                d.rectangle((x + st * k, top - st * (k + 1) * 0.8, x + w - st * k, top), fill=c)
        else:  # flat with a cornice
            d.rectangle((x - 4, top - 10, x + w + 4, top), fill=shade(c, 0.8))
        # windows
        rows = max(2, int(h // (hmin * 0.32)))
        cols = 2 if w < hmin * 0.7 else 3
        ww, wh = w / (cols * 2 + 1), h / (rows * 2.2)
        for r_ in range(rows):
            for c_ in range(cols):
                wx = x + ww * (1 + 2 * c_)
                wy = top + h * 0.12 + r_ * wh * 2.1
                if wy + wh > base - wh * 1.2 and r_ > 0:
                    continue
                on = rng.random() < lit
                fill = (255, 205, 120) if on else shade((60, 70, 90), 1 - 0.5 * night)
                if on:
                    fill = mix(fill, (255, 240, 200), rng.random() * 0.4)
                d.rectangle((wx, wy, wx + ww, wy + wh), fill=fill)
                d.line((wx + ww / 2, wy, wx + ww / 2, wy + wh), fill=shade(c, 0.7), width=2)
        # door
        d.rectangle((x + w * 0.4, base - h * 0.22, x + w * 0.6, base), fill=shade(c, 0.45))
        x += w + rng.uniform(0, 6)


def person(
    d: ImageDraw.ImageDraw,
    x: float,
    feet: float,
    h: float,
    *,
    coat: RGB,
    skin: RGB = (224, 180, 150),
    hair: RGB = (60, 42, 30),
    legs: RGB = (40, 44, 60),
    uniform: bool = False,
    cap: bool = False,
    face: bool = False,
    child: bool = False,
    hair_long: bool = False,
    arm: str = "down",
):
    """A simple standing figure, seen from behind (or from the front when face=True)."""
    head = h * (0.17 if child else 0.13)
    sh = h * (0.27 if child else 0.23)  # shoulder half width scaled
    torso_top = feet - h + head * 1.05
    hip = feet - h * (0.40 if child else 0.47)
    # legs
    lw = sh * 0.42
    d.rounded_rectangle((x - sh * 0.5, hip - 4, x - sh * 0.5 + lw, feet), radius=lw / 3, fill=legs)
    d.rounded_rectangle((x + sh * 0.5 - lw, hip - 4, x + sh * 0.5, feet), radius=lw / 3, fill=legs)
    d.ellipse(
        (x - sh * 0.62, feet - lw * 0.45, x - sh * 0.5 + lw * 1.1, feet + lw * 0.25),
        fill=(25, 25, 28),
    )
    d.ellipse(
        (x + sh * 0.5 - lw * 1.1, feet - lw * 0.45, x + sh * 0.62, feet + lw * 0.25),
        fill=(25, 25, 28),
    )
    # torso
    d.rounded_rectangle((x - sh, torso_top, x + sh, hip + h * 0.04), radius=sh * 0.45, fill=coat)
    # arms
    aw = sh * 0.34
    if arm == "down":
        d.rounded_rectangle(
            (x - sh - aw * 0.6, torso_top + aw * 0.3, x - sh + aw * 0.5, hip + h * 0.02),
            radius=aw / 2,
            fill=shade(coat, 0.9),
        )
        d.rounded_rectangle(
            (x + sh - aw * 0.5, torso_top + aw * 0.3, x + sh + aw * 0.6, hip + h * 0.02),
            radius=aw / 2,
            fill=shade(coat, 0.9),
        )
    elif arm == "hold_left":  # left arm reaching down-left (holding a hand)
        d.line(
            (x - sh, torso_top + aw, x - sh * 1.9, hip + h * 0.08),
            fill=shade(coat, 0.9),
            width=int(aw),
        )
        d.rounded_rectangle(
            (x + sh - aw * 0.5, torso_top + aw * 0.3, x + sh + aw * 0.6, hip + h * 0.02),
            radius=aw / 2,
            fill=shade(coat, 0.9),
        )
    elif arm == "hold_right":
        d.line(
            (x + sh * 0.8, torso_top + aw, x + sh * 1.75, hip + h * 0.06),
            fill=shade(coat, 0.9),
            width=int(aw),
        )
        d.ellipse(
            (
                x + sh * 1.75 - aw * 0.5,
                hip + h * 0.06 - aw * 0.5,
                x + sh * 1.75 + aw * 0.5,
                hip + h * 0.06 + aw * 0.5,
            ),
            fill=skin,
        )
        d.rounded_rectangle(
            (x - sh - aw * 0.6, torso_top + aw * 0.3, x - sh + aw * 0.5, hip + h * 0.02),
            radius=aw / 2,
            fill=shade(coat, 0.9),
        )
    if uniform:
        band = h * 0.035
        y = torso_top + (hip - torso_top) * 0.55
        d.rectangle((x - sh + 2, y, x + sh - 2, y + band), fill=(205, 210, 215))
        d.rectangle((x - sh + 2, y + band * 1.6, x + sh - 2, y + band * 2.2), fill=(205, 210, 215))
        if not face and h > 300:
            text_center(
                d, x, torso_top + (y - torso_top) * 0.45, "POLITIE", sh * 0.38, (220, 222, 226)
            )
        # epaulettes
        d.rectangle(
            (x - sh * 0.95, torso_top + 2, x - sh * 0.55, torso_top + band), fill=(30, 36, 60)
        )
        d.rectangle(
            (x + sh * 0.55, torso_top + 2, x + sh * 0.95, torso_top + band), fill=(30, 36, 60)
        )
    # neck + head
    hx0, hy0 = x - head * 0.5, torso_top - head * 1.12
    d.rectangle((x - head * 0.2, torso_top - head * 0.25, x + head * 0.2, torso_top + 4), fill=skin)
    if face:
        d.ellipse((hx0, hy0, hx0 + head, hy0 + head * 1.2), fill=skin)
        d.chord((hx0 - 2, hy0 - 4, hx0 + head + 2, hy0 + head * 0.8), 180, 360, fill=hair)
        ey = hy0 + head * 0.58
        er = head * 0.06
        for ex in (x - head * 0.2, x + head * 0.2):
            d.ellipse((ex - er, ey - er, ex + er, ey + er), fill=(40, 30, 25))
        d.arc(
            (x - head * 0.18, ey + head * 0.1, x + head * 0.18, ey + head * 0.38),
            20,
            160,
            fill=(150, 80, 70),
            width=max(2, int(head * 0.04)),
        )
        d.ellipse(
            (x - head * 0.05, ey + head * 0.02, x + head * 0.05, ey + head * 0.16),
            fill=shade(skin, 0.85),
        )
    else:
        d.ellipse((hx0, hy0, hx0 + head, hy0 + head * 1.2), fill=hair)
        d.ellipse(
            (hx0 - head * 0.06, hy0 + head * 0.45, hx0 + head * 0.1, hy0 + head * 0.75), fill=skin
        )
        d.ellipse(
            (hx0 + head * 0.9, hy0 + head * 0.45, hx0 + head * 1.06, hy0 + head * 0.75), fill=skin
        )
        if hair_long:
            d.rounded_rectangle(
                (hx0 + head * 0.05, hy0 + head * 0.5, hx0 + head * 0.95, torso_top + head * 0.6),
                radius=head * 0.3,
                fill=hair,
            )
    if cap:
        d.chord(
            (hx0 - head * 0.08, hy0 - head * 0.15, hx0 + head * 1.08, hy0 + head * 0.75),
            180,
            360,
            fill=(22, 28, 52),
        )
        d.rectangle(
            (hx0 - head * 0.08, hy0 + head * 0.25, hx0 + head * 1.08, hy0 + head * 0.36),
            fill=(230, 230, 235),
        )


def police_car(
    img: Image.Image,
    d: ImageDraw.ImageDraw,
    x: float,
    ground: float,
    length: float,
    *,
    lights: bool = False,
    night: float = 0.0,
    facing: int = 1,
):
    """Side view of a white police car with blue/yellow Battenburg blocks. x is the rear end
    when facing right (+1)."""
    L = length
    H = L * 0.3
    white = shade((238, 240, 242), 1 - 0.45 * night)
    blue = shade((20, 60, 160), 1 - 0.35 * night)
    yellow = shade((250, 205, 20), 1 - 0.35 * night)

    def X(t: float) -> float:  # position along the car, 0 = rear, 1 = front
        return x + (t * L if facing > 0 else (1 - t) * L)

    body_top = ground - H * 0.95
    sill = ground - H * 0.28
    # shadow
    d.ellipse(
        (
            X(0) - L * 0.03 if facing > 0 else X(1) - L * 0.03,
            ground - H * 0.1,
            (X(1) if facing > 0 else X(0)) + L * 0.03,
            ground + H * 0.12,
        ),
        fill=(20, 20, 24),
    )
    xa, xb = sorted((X(0), X(1)))
    d.rounded_rectangle((xa, body_top, xb, sill + H * 0.06), radius=H * 0.25, fill=white)
    # cabin
    cab = [
        (X(0.12), body_top + 2),
        (X(0.22), ground - H * 1.55),
        (X(0.62), ground - H * 1.55),
        (X(0.78), body_top + 2),
    ]
    d.polygon(cab, fill=white)
    win = shade((70, 90, 110), 1 - 0.5 * night)
    d.polygon(
        [
            (X(0.16), body_top),
            (X(0.245), ground - H * 1.45),
            (X(0.42), ground - H * 1.45),
            (X(0.42), body_top),
        ],
        fill=win,
    )
    d.polygon(
        [
            (X(0.45), body_top),
            (X(0.45), ground - H * 1.45),
            (X(0.6), ground - H * 1.45),
            (X(0.73), body_top),
        ],
        fill=win,
    )
    # Battenburg blocks: two rows along the body
    n = 10
    bx0, bx1 = X(0.02), X(0.98)
    seg = (bx1 - bx0) / n
    y0 = body_top + H * 0.12
    ym = y0 + (sill - y0) * 0.5
    for k in range(n):
        c1, c2 = (blue, yellow) if k % 2 == 0 else (yellow, blue)
        xs = sorted((bx0 + seg * k, bx0 + seg * (k + 1)))
        d.rectangle((xs[0], y0, xs[1], ym), fill=c1)
        d.rectangle((xs[0], ym, xs[1], sill), fill=c2)
    # POLITIE lettering on the white strip above the blocks
    text_center(d, X(0.45), body_top + H * 0.06 - 2, "POLITIE", H * 0.13, blue)
    # roof light bar
    rb0, rb1 = sorted((X(0.3), X(0.52)))
    d.rounded_rectangle(
        (rb0, ground - H * 1.7, rb1, ground - H * 1.55),
        radius=6,
        fill=(40, 90, 220) if lights else (90, 110, 150),
    )
    # lamps
    d.ellipse(
        (X(0.975) - H * 0.08, body_top + H * 0.05, X(0.975) + H * 0.08, body_top + H * 0.25),
        fill=(255, 245, 210),
    )
    d.rectangle(
        sorted_box(X(0.005), body_top + H * 0.05, X(0.03), body_top + H * 0.22), fill=(200, 30, 30)
    )
    # wheels
    for t in (0.2, 0.8):
        cx, r = X(t), H * 0.36
        d.ellipse(
            (cx - r * 1.12, ground - r * 2.1, cx + r * 1.12, ground + r * 0.1),
            fill=shade(white, 0.85),
        )
        d.ellipse((cx - r, ground - r * 2, cx + r, ground), fill=(22, 22, 24))
        d.ellipse(
            (cx - r * 0.55, ground - r * 1.55, cx + r * 0.55, ground - r * 0.45),
            fill=(150, 155, 160),
        )
        d.ellipse(
            (cx - r * 0.15, ground - r * 1.15, cx + r * 0.15, ground - r * 0.85), fill=(90, 92, 96)
        )
    # door line and mirror
    d.line((X(0.44), body_top, X(0.44), sill), fill=shade(white, 0.7), width=3)
    d.line((X(0.74), body_top, X(0.74), sill), fill=shade(white, 0.7), width=3)
    if lights:
        glow(img, (rb0 + rb1) / 2, ground - H * 1.62, H * 1.6, (40, 90, 255), 0.9)
        glow(img, X(1.0), body_top + H * 0.15, H * 1.2, (255, 240, 190), 0.7)
    elif night > 0.3:
        glow(img, X(1.0), body_top + H * 0.15, H * 0.9, (255, 240, 190), 0.6)


def bicycle(
    d: ImageDraw.ImageDraw,
    x: float,
    ground: float,
    size: float,
    color: RGB,
    *,
    basket: bool = False,
    facing: int = 1,
):
    r = size * 0.33
    lw = max(3, int(size * 0.018))
    rear = (x, ground - r)
    front = (x + facing * size * 1.05, ground - r)
    for cx, cy in (rear, front):
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(28, 28, 30), width=int(lw * 2.2))
        d.ellipse(
            (cx - r * 0.93, cy - r * 0.93, cx + r * 0.93, cy + r * 0.93),
            outline=(170, 170, 175),
            width=max(2, lw // 2),
        )
        for k in range(16):
            a = k * math.pi / 8
            d.line(
                (cx, cy, cx + math.cos(a) * r * 0.92, cy + math.sin(a) * r * 0.92),
                fill=(175, 175, 180),
                width=1,
            )
        d.ellipse(
            (cx - r * 0.08, cy - r * 0.08, cx + r * 0.08, cy + r * 0.08), fill=(120, 120, 125)
        )
    crank = (x + facing * size * 0.45, ground - r * 0.92)
    seat = (x + facing * size * 0.32, ground - r * 2.75)
    head = (x + facing * size * 0.9, ground - r * 2.9)
    # omafiets-like frame: down tube, low top tube, seat tube, stays, fork
    for a, b in (
        (seat, crank),
        (crank, rear),
        (seat, rear),
        (head, crank),
        ((head[0] - facing * size * 0.02, head[1] + r * 0.5), (seat[0], seat[1] + r * 0.8)),
        (head, front),
    ):
        d.line((*a, *b), fill=color, width=int(lw * 1.6))
    # mudguards
    for cx, cy in (rear, front):
        d.arc(
            (cx - r * 1.08, cy - r * 1.08, cx + r * 1.08, cy + r * 1.08),
            190,
            350,
            fill=shade(color, 0.8),
            width=lw,
        )
    # saddle, handlebar
    d.rounded_rectangle(
        (seat[0] - size * 0.1, seat[1] - size * 0.05, seat[0] + size * 0.1, seat[1] + size * 0.01),
        radius=size * 0.02,
        fill=(35, 30, 28),
    )
    hb = (head[0] - facing * size * 0.06, head[1] - size * 0.1)
    d.line((*head, *hb), fill=(60, 60, 62), width=lw * 2)
    d.line(
        (hb[0] - facing * size * 0.15, hb[1] + size * 0.03, hb[0] + facing * size * 0.02, hb[1]),
        fill=(30, 30, 30),
        width=lw * 2,
    )
    # chain guard
    d.rounded_rectangle(
        sorted_box(crank[0], crank[1] - r * 0.22, rear[0], crank[1] + r * 0.12),
        radius=r * 0.1,
        fill=shade(color, 0.6),
    )
    d.ellipse(
        (crank[0] - r * 0.25, crank[1] - r * 0.25, crank[0] + r * 0.25, crank[1] + r * 0.25),
        fill=(70, 70, 72),
    )
    # lamp
    d.rectangle(
        sorted_box(
            front[0] + facing * size * 0.02,
            head[1] + r * 0.5,
            front[0] + facing * size * 0.09,
            head[1] + r * 0.7,
        ),
        fill=(240, 240, 220),
    )
    if basket:
        bx = front[0] - facing * size * 0.05
        d.rectangle(
            sorted_box(
                bx - size * 0.02,
                head[1] - size * 0.02,
                bx + facing * size * 0.26,
                head[1] + size * 0.2,
            ),
            fill=(30, 30, 32),
        )
        for k in range(6):
            xx = bx + facing * size * 0.26 * k / 5
            d.line(
                (xx, head[1] - size * 0.02, xx, head[1] + size * 0.2), fill=(90, 90, 95), width=2
            )


def sorted_box(x0: float, y0: float, x1: float, y1: float) -> tuple[float, float, float, float]:
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def screen(d: ImageDraw.ImageDraw, rng: random.Random, box, kind: str):
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=(18, 20, 24))
    m = max(3, (x1 - x0) * 0.02)
    ix0, iy0, ix1, iy1 = x0 + m, y0 + m, x1 - m, y1 - m
    w, h = ix1 - ix0, iy1 - iy0
    if kind == "map":
        d.rectangle((ix0, iy0, ix1, iy1), fill=(28, 40, 60))
        for _ in range(7):  # water / parks
            cx, cy = rng.uniform(ix0, ix1), rng.uniform(iy0, iy1)
            rr = rng.uniform(0.05, 0.15) * w
            d.ellipse(
                sorted_box(
                    max(ix0, cx - rr),
                    max(iy0, cy - rr * 0.6),
                    min(ix1, cx + rr),
                    min(iy1, cy + rr * 0.6),
                ),
                fill=rng.choice([(34, 62, 52), (30, 52, 84)]),
            )
        for _ in range(16):  # roads
            if rng.random() < 0.5:
                y = rng.uniform(iy0, iy1)
                d.line((ix0, y, ix1, y + rng.uniform(-h, h) * 0.2), fill=(90, 110, 130), width=2)
            else:
                x = rng.uniform(ix0, ix1)
                d.line((x, iy0, x + rng.uniform(-w, w) * 0.2, iy1), fill=(90, 110, 130), width=2)
        for _ in range(6):  # units
            cx, cy = rng.uniform(ix0, ix1), rng.uniform(iy0, iy1)
            rr = max(3, w * 0.012)
            d.ellipse(
                (cx - rr, cy - rr, cx + rr, cy + rr),
                fill=rng.choice([(80, 220, 120), (90, 160, 255), (255, 200, 60)]),
            )
    elif kind == "list":
        d.rectangle((ix0, iy0, ix1, iy1), fill=(236, 240, 244))
        d.rectangle((ix0, iy0, ix1, iy0 + h * 0.1), fill=(24, 60, 140))
        y = iy0 + h * 0.15
        while y < iy1 - h * 0.07:
            d.rectangle(
                (ix0 + w * 0.03, y, ix0 + w * 0.06, y + h * 0.04),
                fill=rng.choice([(220, 60, 50), (240, 170, 40), (70, 170, 90)]),
            )
            d.rectangle(
                (ix0 + w * 0.09, y + h * 0.01, ix0 + w * rng.uniform(0.4, 0.9), y + h * 0.03),
                fill=(140, 148, 160),
            )
            y += h * 0.075
    elif kind == "chat":
        d.rectangle((ix0, iy0, ix1, iy1), fill=(242, 244, 247))
        d.rectangle((ix0, iy0, ix0 + w * 0.28, iy1), fill=(225, 230, 238))
        for k in range(6):
            yy = iy0 + h * (0.05 + k * 0.15)
            d.ellipse(
                (ix0 + w * 0.02, yy, ix0 + w * 0.02 + h * 0.08, yy + h * 0.08),
                fill=rng.choice([(120, 140, 200), (200, 140, 120), (120, 180, 150)]),
            )
            d.rectangle(
                (ix0 + w * 0.05 + h * 0.08, yy + h * 0.02, ix0 + w * 0.26, yy + h * 0.05),
                fill=(150, 156, 168),
            )
        y = iy0 + h * 0.06
        right = False
        while y < iy1 - h * 0.16:
            bw = w * rng.uniform(0.25, 0.5)
            bh = h * rng.choice([0.08, 0.12])
            if right:
                bx = ix1 - w * 0.03 - bw
                col = (40, 110, 230)
            else:
                bx = ix0 + w * 0.31
                col = (210, 214, 222)
            d.rounded_rectangle((bx, y, bx + bw, y + bh), radius=bh * 0.4, fill=col)
            y += bh + h * 0.04
            right = not right
        d.rounded_rectangle(
            (ix0 + w * 0.31, iy1 - h * 0.1, ix1 - w * 0.03, iy1 - h * 0.03),
            radius=h * 0.03,
            fill=(255, 255, 255),
            outline=(190, 195, 205),
        )
    else:  # "camera": a dim street view
        d.rectangle((ix0, iy0, ix1, iy1), fill=(52, 58, 70))
        d.rectangle((ix0, iy0 + h * 0.65, ix1, iy1), fill=(64, 66, 70))
        for k in range(5):
            xx = ix0 + w * (0.1 + 0.2 * k)
            d.rectangle((xx, iy0 + h * 0.2, xx + w * 0.12, iy0 + h * 0.6), fill=(60, 62, 70))


def table_wood(img: Image.Image, d: ImageDraw.ImageDraw, rng: random.Random, box, base: RGB):
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=base)
    plank = (y1 - y0) / 5 if (x1 - x0) > (y1 - y0) else (x1 - x0) / 5
    horizontal = (x1 - x0) > (y1 - y0)
    for k in range(6):
        if horizontal:
            yy = y0 + k * plank
            d.line((x0, yy, x1, yy), fill=shade(base, 0.6), width=4)
        else:
            xx = x0 + k * plank
            d.line((xx, y0, xx, y1), fill=shade(base, 0.6), width=4)
    for _ in range(260):  # grain
        c = shade(base, rng.uniform(0.8, 1.1))
        if horizontal:
            yy = rng.uniform(y0, y1)
            xa = rng.uniform(x0, x1)
            d.line((xa, yy, xa + rng.uniform(80, 500), yy + rng.uniform(-3, 3)), fill=c, width=2)
        else:
            xx = rng.uniform(x0, x1)
            ya = rng.uniform(y0, y1)
            d.line((xx, ya, xx + rng.uniform(-3, 3), ya + rng.uniform(80, 500)), fill=c, width=2)


# --------------------------------------------------------------------------------------------
# scenes: each draws on an RGB canvas of the (supersampled) final size
# --------------------------------------------------------------------------------------------


def scene_market(img: Image.Image, rng: random.Random, variant: int = 0):
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * (0.52 if W > H else 0.5)
    gradient(
        img,
        (0, 0, W, int(horizon)),
        [(0, (48, 66, 112)), (0.55, (160, 120, 140)), (1, (244, 170, 110))],
    )
    houses(d, rng, -20, W + 20, horizon + H * 0.06, H * 0.26, H * 0.4, lit=0.55, night=0.45)
    gradient(img, (0, int(horizon + H * 0.06), W, H), [(0, (110, 104, 100)), (1, (70, 64, 62))])
    for _ in range(900):  # cobbles
        cx, cy = rng.uniform(0, W), rng.uniform(horizon + H * 0.07, H)
        s = (cy - horizon) / H * 28 + 4
        d.ellipse(
            (cx - s, cy - s * 0.45, cx + s, cy + s * 0.45),
            fill=shade((108, 100, 96), rng.uniform(0.75, 1.15)),
        )
    awnings = [
        ((200, 40, 40), (245, 245, 240)),
        ((30, 120, 70), (240, 240, 230)),
        ((30, 70, 160), (245, 245, 245)),
        ((230, 150, 30), (250, 245, 235)),
    ]
    goods = [
        [(220, 60, 40), (240, 140, 30), (120, 170, 50)],
        [(245, 210, 90), (235, 190, 60)],
        [(90, 60, 40), (140, 90, 50), (200, 170, 120)],
        [(120, 60, 130), (230, 230, 200)],
    ]
    n = 4 if W > H else 3
    sw = W / (n - 0.3)
    rng.shuffle(awnings)
    for i in range(n):
        x = -sw * 0.15 + i * sw + (variant * sw * 0.3)
        ground = horizon + H * (0.3 + 0.05 * ((i + variant) % 2))
        top = ground - H * 0.38
        c1, c2 = awnings[i % len(awnings)]
        # posts
        d.rectangle((x + 8, top, x + 20, ground), fill=(70, 70, 74))
        d.rectangle((x + sw * 0.85 - 20, top, x + sw * 0.85 - 8, ground), fill=(70, 70, 74))
        # table with cloth
        d.rectangle((x, ground - H * 0.16, x + sw * 0.85, ground - H * 0.02), fill=c2)
        d.rectangle((x, ground - H * 0.16, x + sw * 0.85, ground - H * 0.14), fill=shade(c2, 0.8))
        gs = goods[(i + variant) % len(goods)]
        for row in range(3):
            for k in range(int(sw / 34)):
                gx = x + 14 + k * 34 + (row % 2) * 16
                gy = ground - H * 0.165 - row * 18
                if gx > x + sw * 0.83:
                    continue
                d.ellipse(
                    (gx - 15, gy - 15, gx + 15, gy + 9),
                    fill=shade(rng.choice(gs), rng.uniform(0.85, 1.1)),
                )
        # striped awning
        stripes = 8
        aw = sw * 0.95
        for s in range(stripes):
            xa = x - sw * 0.05 + s * aw / stripes
            d.polygon(
                [
                    (xa + 10, top - H * 0.07),
                    (xa + aw / stripes + 10, top - H * 0.07),
                    (xa + aw / stripes, top + H * 0.04),
                    (xa, top + H * 0.04),
                ],
                fill=c1 if s % 2 == 0 else c2,
            )
        for s in range(stripes * 2):  # scalloped edge
            xa = x - sw * 0.05 + s * aw / (stripes * 2)
            d.pieslice(
                (xa, top + H * 0.02, xa + aw / (stripes * 2), top + H * 0.065),
                0,
                180,
                fill=c1 if (s // 2) % 2 == 0 else c2,
            )
        # string of lights
        for k in range(9):
            lx = x + k * sw * 0.1
            ly = top - H * 0.09 + math.sin(k / 8 * math.pi) * H * 0.02
            d.ellipse((lx - 5, ly - 5, lx + 5, ly + 5), fill=(255, 230, 160))
            glow(img, lx, ly, H * 0.03, (255, 200, 120), 0.5)
    # shoppers and two officers
    for _ in range(6):
        px = rng.uniform(0, W)
        feet = rng.uniform(H * 0.86, H * 0.98)
        person(
            d,
            px,
            feet,
            H * rng.uniform(0.3, 0.36),
            coat=rng.choice(
                [(120, 40, 40), (40, 70, 90), (90, 90, 60), (160, 130, 90), (60, 60, 70)]
            ),
            hair=rng.choice([(60, 42, 30), (30, 25, 22), (150, 110, 60), (180, 180, 180)]),
            hair_long=rng.random() < 0.4,
        )
    navy = (26, 34, 62)
    ox = W * (0.36 if variant == 0 else 0.3)
    person(d, ox, H * 0.985, H * 0.44, coat=navy, legs=(24, 28, 44), uniform=True, cap=True)
    person(
        d,
        ox + W * (0.16 if W > H else 0.3),
        H * 0.975,
        H * 0.42,
        coat=navy,
        legs=(24, 28, 44),
        uniform=True,
        cap=True,
        hair=(170, 120, 60),
        hair_long=True,
    )


def scene_highway(img: Image.Image, rng: random.Random, lights: bool = True):
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.5
    gradient(
        img,
        (0, 0, W, int(horizon)),
        [(0, (30, 44, 90)), (0.6, (120, 90, 130)), (0.9, (240, 140, 80)), (1, (250, 190, 120))],
    )
    glow(img, W * 0.78, horizon, H * 0.25, (255, 170, 90), 0.6)
    # tree line and fields
    for k in range(60):
        tx = k * W / 55 + rng.uniform(-20, 20)
        tr = rng.uniform(H * 0.025, H * 0.06)
        d.ellipse((tx - tr, horizon - tr * 1.6, tx + tr, horizon + tr * 0.2), fill=(34, 44, 40))
    gradient(img, (0, int(horizon), W, int(H * 0.62)), [(0, (50, 66, 48)), (1, (70, 90, 60))])
    # guard rail, road
    gradient(img, (0, int(H * 0.62), W, H), [(0, (72, 74, 80)), (1, (48, 50, 54))])
    for y, wdt in ((H * 0.64, 4), (H * 0.975, 10)):
        d.line((0, y, W, y), fill=(225, 225, 220), width=wdt)
    for k in range(12):
        x = k * W / 10 - (W * 0.03)
        d.rectangle((x, H * 0.8, x + W * 0.06, H * 0.81), fill=(225, 225, 220))
    d.rectangle((0, H * 0.585, W, H * 0.6), fill=(170, 172, 176))
    for k in range(40):
        x = k * W / 38
        d.rectangle((x, H * 0.6, x + 8, H * 0.635), fill=(110, 112, 116))
    # other traffic: blurred red tail lights
    for k in range(5):
        x = W * (0.06 + 0.07 * k)
        d.ellipse((x, H * 0.7, x + 14, H * 0.71), fill=(230, 40, 30))
        glow(img, x + 7, H * 0.705, H * 0.02, (255, 60, 40), 0.8)
    police_car(img, d, W * 0.32, H * 0.93, W * 0.55, lights=lights, night=0.25)


def scene_alcohol(img: Image.Image, rng: random.Random):
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.45
    gradient(img, (0, 0, W, int(horizon)), [(0, (8, 12, 26)), (1, (30, 36, 58))])
    for k in range(30):
        tx = k * W / 26 + rng.uniform(-30, 30)
        tr = rng.uniform(H * 0.04, H * 0.09)
        d.ellipse((tx - tr, horizon - tr * 1.8, tx + tr, horizon + tr * 0.3), fill=(14, 18, 20))
    gradient(img, (0, int(horizon), W, H), [(0, (30, 32, 36)), (1, (46, 48, 52))])
    # street lights
    for x in (W * 0.12, W * 0.52, W * 0.9):
        d.rectangle((x - 5, horizon - H * 0.3, x + 5, horizon + H * 0.1), fill=(40, 42, 46))
        d.rectangle((x - 5, horizon - H * 0.3, x + W * 0.05, horizon - H * 0.29), fill=(40, 42, 46))
        glow(img, x + W * 0.05, horizon - H * 0.285, H * 0.18, (255, 200, 130), 0.7)
        glow(img, x + W * 0.05, horizon + H * 0.25, H * 0.22, (120, 100, 70), 0.4)
    police_car(img, d, W * 0.46, H * 0.8, W * 0.48, lights=True, night=0.6, facing=-1)
    # queue of cars: headlights
    for k, sc in enumerate((1.0, 0.7, 0.5)):
        x = W * (0.2 - 0.07 * k)
        y = H * (0.72 - 0.04 * k)
        for dx in (-W * 0.03 * sc, W * 0.03 * sc):
            glow(img, x + dx, y, H * 0.06 * sc, (255, 250, 225), 1.0)
    d = ImageDraw.Draw(img)
    # cones
    for k in range(6):
        cx = W * (0.05 + 0.08 * k)
        base = H * (0.92 - 0.015 * k)
        s = H * 0.09 * (1 - 0.05 * k)
        d.polygon([(cx - s * 0.4, base), (cx, base - s), (cx + s * 0.4, base)], fill=(240, 90, 20))
        d.polygon(
            [
                (cx - s * 0.22, base - s * 0.45),
                (cx + s * 0.22, base - s * 0.45),
                (cx + s * 0.15, base - s * 0.62),
                (cx - s * 0.15, base - s * 0.62),
            ],
            fill=(235, 235, 235),
        )
        d.rectangle((cx - s * 0.5, base - s * 0.06, cx + s * 0.5, base), fill=(30, 30, 30))
    # lit sign
    sx, sy = W * 0.86, H * 0.5
    d.rectangle((sx - 6, sy, sx + 6, H * 0.9), fill=(60, 60, 64))
    d.rounded_rectangle(
        (sx - W * 0.08, sy - H * 0.12, sx + W * 0.08, sy + H * 0.02),
        radius=10,
        fill=(20, 30, 60),
        outline=(240, 240, 240),
        width=4,
    )
    text_center(d, sx, sy - H * 0.085, "STOP", H * 0.045, (255, 80, 60))
    text_center(d, sx, sy - H * 0.03, "POLITIE", H * 0.04, (255, 255, 255))
    # officer with vest and torch
    person(
        d,
        W * 0.72,
        H * 0.96,
        H * 0.46,
        coat=(210, 220, 60),
        legs=(24, 28, 44),
        uniform=True,
        cap=True,
        arm="hold_right",
    )
    glow(img, W * 0.72 + H * 0.12, H * 0.64, H * 0.05, (255, 255, 220), 1.0)


def scene_control_room(img: Image.Image, rng: random.Random):
    W, H = img.size
    d = ImageDraw.Draw(img)
    gradient(img, (0, 0, W, H), [(0, (24, 28, 38)), (0.7, (34, 38, 48)), (1, (20, 22, 28))])
    # video wall
    cols, rows = 5, 2
    wx0, wy0, wx1, wy1 = W * 0.05, H * 0.08, W * 0.95, H * 0.48
    cw, ch = (wx1 - wx0) / cols, (wy1 - wy0) / rows
    for r_ in range(rows):
        for c_ in range(cols):
            kind = (
                "map"
                if (r_, c_) in ((0, 1), (0, 2), (1, 1), (1, 2))
                else rng.choice(["list", "camera", "list"])
            )
            screen(
                d,
                rng,
                (
                    wx0 + c_ * cw + 4,
                    wy0 + r_ * ch + 4,
                    wx0 + (c_ + 1) * cw - 4,
                    wy0 + (r_ + 1) * ch - 4,
                ),
                kind,
            )
    glow(img, W * 0.5, H * 0.28, W * 0.45, (60, 90, 160), 0.35)
    d = ImageDraw.Draw(img)
    # desk rows with monitors and operators
    for row, (y, scale) in enumerate(((H * 0.7, 0.75), (H * 0.98, 1.0))):
        d.rectangle((0, y - H * 0.09 * scale, W, y - H * 0.06 * scale), fill=(70, 74, 82))
        n = 4 if row == 0 else 3
        for k in range(n):
            cx = W * (k + 0.5) / n + (W * 0.06 if row == 0 else 0)
            for m in (-1, 0, 1):
                mx = cx + m * W * 0.075 * scale
                screen(
                    d,
                    rng,
                    (
                        mx - W * 0.035 * scale,
                        y - H * 0.24 * scale,
                        mx + W * 0.035 * scale,
                        y - H * 0.12 * scale,
                    ),
                    rng.choice(["list", "map", "list"]),
                )
                d.rectangle(
                    (mx - 4, y - H * 0.12 * scale, mx + 4, y - H * 0.09 * scale), fill=(40, 40, 44)
                )
            # operator from behind with headset
            px = cx + W * 0.02
            person(
                d,
                px,
                y + H * 0.1 * scale,
                H * 0.42 * scale,
                coat=rng.choice([(50, 60, 90), (230, 230, 235), (40, 44, 60)]),
                hair=rng.choice([(50, 36, 28), (120, 80, 40), (30, 26, 24), (170, 150, 120)]),
                hair_long=rng.random() < 0.5,
            )
            hh = H * 0.42 * scale * 0.13
            top = y + H * 0.1 * scale - H * 0.42 * scale + hh * 1.05 - hh * 1.12
            d.arc(
                (px - hh * 0.6, top - hh * 0.1, px + hh * 0.6, top + hh * 0.9),
                190,
                350,
                fill=(20, 20, 22),
                width=max(3, int(hh * 0.09)),
            )
            # chair back
            d.rounded_rectangle(
                (px - hh * 1.5, y + H * 0.0, px + hh * 1.5, y + H * 0.1 * scale),
                radius=hh * 0.4,
                fill=(30, 30, 34),
            )
    for k in range(4):  # ceiling lights
        glow(img, W * (0.15 + 0.24 * k), 0, H * 0.12, (200, 210, 230), 0.5)


def scene_control_closeup(img: Image.Image, rng: random.Random):
    """Portrait: a dispatcher's desk with a big monitor, headset and coffee."""
    W, H = img.size
    d = ImageDraw.Draw(img)
    gradient(img, (0, 0, W, H), [(0, (30, 34, 44)), (0.55, (40, 44, 54)), (1, (26, 28, 34))])
    # the video wall behind, out of focus
    back = Image.new("RGB", (W, int(H * 0.4)), (30, 34, 44))
    bd = ImageDraw.Draw(back)
    for k in range(3):
        screen(
            bd,
            rng,
            (W * (0.02 + 0.33 * k), H * 0.05, W * (0.31 + 0.33 * k), H * 0.3),
            "map" if k == 1 else "list",
        )
    back = back.filter(ImageFilter.GaussianBlur(W * 0.01))
    img.paste(back, (0, 0))
    d = ImageDraw.Draw(img)
    desk_y = H * 0.7
    table_wood(img, d, rng, (0, int(desk_y), W, H), (150, 150, 152))
    # big monitor
    screen(d, rng, (W * 0.08, H * 0.36, W * 0.92, H * 0.64), "list")
    d.rectangle((W * 0.46, H * 0.64, W * 0.54, desk_y + H * 0.02), fill=(40, 40, 44))
    d.ellipse((W * 0.35, desk_y, W * 0.65, desk_y + H * 0.03), fill=(40, 40, 44))
    # keyboard
    d.polygon(
        [(W * 0.18, H * 0.8), (W * 0.78, H * 0.8), (W * 0.84, H * 0.88), (W * 0.12, H * 0.88)],
        fill=(45, 46, 50),
    )
    for r_ in range(4):
        for k in range(14):
            kx = W * (0.16 + 0.048 * k) + r_ * 2
            ky = H * (0.806 + 0.018 * r_)
            d.rectangle((kx, ky, kx + W * 0.038, ky + H * 0.012), fill=(70, 72, 78))
    # headset
    hx, hy = W * 0.72, H * 0.93
    d.arc(
        (hx - W * 0.14, hy - H * 0.1, hx + W * 0.14, hy + H * 0.06),
        200,
        340,
        fill=(20, 20, 22),
        width=int(W * 0.02),
    )
    for sx in (hx - W * 0.13, hx + W * 0.13):
        d.ellipse((sx - W * 0.05, hy - H * 0.03, sx + W * 0.05, hy + H * 0.03), fill=(25, 25, 28))
    # mug
    mx, my = W * 0.2, H * 0.94
    d.rounded_rectangle(
        (mx - W * 0.07, my - H * 0.1, mx + W * 0.07, my), radius=12, fill=(235, 235, 238)
    )
    d.arc(
        (mx + W * 0.04, my - H * 0.08, mx + W * 0.12, my - H * 0.03),
        270,
        90,
        fill=(235, 235, 238),
        width=12,
    )
    d.ellipse((mx - W * 0.065, my - H * 0.108, mx + W * 0.065, my - H * 0.09), fill=(90, 60, 40))
    glow(img, W * 0.5, H * 0.5, W * 0.6, (80, 110, 170), 0.3)


def scene_office(img: Image.Image, rng: random.Random, mode: str = "briefing"):
    W, H = img.size
    d = ImageDraw.Draw(img)
    gradient(img, (0, 0, W, int(H * 0.62)), [(0, (200, 196, 186)), (1, (176, 170, 160))])
    # window with evening sky
    wx0, wy0, wx1, wy1 = W * 0.62, H * 0.08, W * 0.95, H * 0.5
    sky = (
        [(0, (6, 10, 24)), (1, (24, 30, 52))]
        if mode == "end"
        else [(0, (20, 30, 60)), (0.7, (60, 70, 110)), (1, (120, 90, 90))]
    )
    gradient(img, (int(wx0), int(wy0), int(wx1), int(wy1)), sky)
    for _ in range(10):
        lx, ly = rng.uniform(wx0, wx1), rng.uniform(wy0 + (wy1 - wy0) * 0.6, wy1)
        d.rectangle((lx, ly, lx + 6, ly + 8), fill=(255, 210, 140))
    d.rectangle((wx0, wy0, wx1, wy1), outline=(240, 240, 240), width=10)
    d.line(((wx0 + wx1) / 2, wy0, (wx0 + wx1) / 2, wy1), fill=(240, 240, 240), width=8)
    # whiteboard or notice board
    bx0, by0, bx1, by1 = W * 0.06, H * 0.1, W * 0.5, H * 0.44
    d.rectangle((bx0, by0, bx1, by1), fill=(246, 246, 244), outline=(150, 150, 155), width=6)
    if mode in ("briefing", "end"):
        text_center(
            d,
            (bx0 + bx1) / 2,
            by0 + (by1 - by0) * 0.14,
            "BRIEFING" if mode == "briefing" else "TOT DE VOLGENDE!",
            H * 0.035,
            (30, 60, 150),
        )
        for k in range(5):
            y = by0 + (by1 - by0) * (0.32 + 0.13 * k)
            d.line(
                (
                    bx0 + 30,
                    y,
                    bx0 + 30 + (bx1 - bx0) * rng.uniform(0.3, 0.8),
                    y + rng.uniform(-4, 4),
                ),
                fill=rng.choice([(40, 40, 40), (30, 60, 150), (190, 40, 40)]),
                width=6,
            )
    else:
        for k in range(7):  # pinned papers
            px = bx0 + 20 + (k % 4) * (bx1 - bx0) / 4
            py = by0 + 20 + (k // 4) * (by1 - by0) / 2
            d.rectangle(
                (px, py, px + (bx1 - bx0) / 4.6, py + (by1 - by0) / 2.4),
                fill=rng.choice([(255, 255, 250), (255, 245, 170), (220, 235, 255)]),
            )
            d.ellipse((px + 20, py + 6, px + 34, py + 20), fill=(200, 40, 40))
    # floor and desk
    gradient(img, (0, int(H * 0.62), W, H), [(0, (120, 116, 112)), (1, (96, 92, 88))])
    desk_y = H * 0.66
    table_wood(img, d, rng, (0, int(desk_y), W, H), (176, 140, 98))
    d.rectangle((0, desk_y - 8, W, desk_y + 6), fill=(140, 108, 72))
    if mode == "briefing":
        # officers around the table, seen from behind and side
        navy = (26, 34, 62)
        crew = [
            (W * 0.2, H * 0.78, (60, 42, 30), False),
            (W * 0.5, H * 0.82, (170, 120, 60), True),
            (W * 0.8, H * 0.8, (30, 26, 24), False),
        ]
        rng.shuffle(crew)
        for k, (px, ph, hair, lng) in enumerate(crew):
            person(d, px, H * 1.3, ph, coat=navy, legs=navy, uniform=True, hair=hair, hair_long=lng)
            if k % 2 == 0:  # cap on the table
                cx, cy = px + W * 0.08, desk_y + H * 0.05
                d.chord((cx - 50, cy - 40, cx + 50, cy + 40), 180, 360, fill=(22, 28, 52))
                d.rectangle((cx - 60, cy - 4, cx + 60, cy + 8), fill=(18, 20, 30))
        for k in range(2):  # mugs
            mx = W * (0.35 + 0.3 * k)
            d.rounded_rectangle(
                (mx - 28, desk_y + H * 0.02, mx + 28, desk_y + H * 0.09),
                radius=8,
                fill=rng.choice([(240, 240, 240), (200, 40, 40), (40, 80, 160)]),
            )
    elif mode == "end":
        # the end of the shift: nobody left, caps and mugs on the table, laptop closed
        for k in range(3):
            cx, cy, cr = W * (0.16 + 0.3 * k), desk_y + H * (0.14 + 0.07 * (k % 2)), H * 0.075
            d.ellipse(
                (cx - cr * 1.2, cy - cr * 0.1, cx + cr * 1.2, cy + cr * 0.5), fill=(120, 96, 66)
            )
            d.chord((cx - cr, cy - cr * 0.8, cx + cr, cy + cr * 0.7), 180, 360, fill=(22, 28, 52))
            d.rectangle((cx - cr, cy - cr * 0.16, cx + cr, cy + cr * 0.04), fill=(230, 230, 235))
            d.rectangle(
                (cx - cr * 1.15, cy + cr * 0.04, cx + cr * 1.15, cy + cr * 0.2), fill=(18, 20, 30)
            )
        for k in range(3):
            mx = W * (0.3 + 0.3 * k) + rng.uniform(-30, 30)
            my = desk_y + H * rng.uniform(0.01, 0.08)
            mw = H * 0.04
            d.rounded_rectangle(
                (mx - mw, my, mx + mw, my + H * 0.1),
                radius=mw * 0.3,
                fill=rng.choice([(240, 240, 240), (200, 40, 40), (40, 80, 160)]),
            )
            d.ellipse((mx - mw, my - mw * 0.25, mx + mw, my + mw * 0.25), fill=(70, 50, 36))
        d.polygon(
            [
                (W * 0.6, desk_y + H * 0.22),
                (W * 0.9, desk_y + H * 0.22),
                (W * 0.93, desk_y + H * 0.29),
                (W * 0.57, desk_y + H * 0.29),
            ],
            fill=(70, 72, 78),
        )
    else:
        # administration: laptop, stacks of paper, one officer typing
        lx = W * 0.52
        d.polygon(
            [
                (lx - W * 0.16, desk_y + H * 0.16),
                (lx + W * 0.16, desk_y + H * 0.16),
                (lx + W * 0.2, desk_y + H * 0.26),
                (lx - W * 0.2, desk_y + H * 0.26),
            ],
            fill=(60, 62, 68),
        )
        screen(d, rng, (lx - W * 0.16, desk_y - H * 0.16, lx + W * 0.16, desk_y + H * 0.16), "list")
        for k in range(3):
            sx = W * (0.08 + 0.08 * k)
            for j in range(rng.randint(4, 9)):
                yy = desk_y + H * 0.2 - j * 9
                d.rectangle(
                    (sx - 50 + rng.uniform(-6, 6), yy, sx + 50 + rng.uniform(-6, 6), yy + 7),
                    fill=(245, 245, 240) if j % 2 else (225, 225, 220),
                )
        person(
            d,
            W * 0.36,
            H * 1.35,
            H * 0.95,
            coat=(26, 34, 62),
            legs=(26, 34, 62),
            uniform=True,
            hair=(60, 42, 30),
        )
        mx = W * 0.82
        d.rounded_rectangle(
            (mx - 30, desk_y + H * 0.05, mx + 30, desk_y + H * 0.13), radius=8, fill=(240, 240, 240)
        )
    glow(img, W * 0.35, 0, H * 0.3, (255, 250, 230), 0.5)


def scene_dinner(img: Image.Image, rng: random.Random):
    """Top-down: a plate of stamppot with rookworst, a radio and a cap on a canteen table."""
    W, H = img.size
    d = ImageDraw.Draw(img)
    table_wood(img, d, rng, (0, 0, W, H), (168, 128, 88))
    cx, cy, r = W * 0.45, H * 0.52, H * 0.36
    d.ellipse((cx - r + 18, cy - r + 24, cx + r + 18, cy + r + 24), fill=(110, 80, 54))  # shadow
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=(246, 246, 242))
    d.ellipse((cx - r * 0.78, cy - r * 0.78, cx + r * 0.78, cy + r * 0.78), fill=(236, 236, 232))
    # boerenkool stamppot: pale mash with green flecks
    d.ellipse((cx - r * 0.62, cy - r * 0.45, cx + r * 0.25, cy + r * 0.5), fill=(214, 206, 160))
    for _ in range(500):
        fx = rng.uniform(cx - r * 0.6, cx + r * 0.22)
        fy = rng.uniform(cy - r * 0.42, cy + r * 0.46)
        if ((fx - (cx - r * 0.18)) / (r * 0.44)) ** 2 + (
            (fy - (cy + r * 0.02)) / (r * 0.47)
        ) ** 2 < 1:
            s = rng.uniform(3, 9)
            d.ellipse(
                (fx - s, fy - s, fx + s, fy + s),
                fill=rng.choice([(70, 110, 50), (50, 90, 40), (100, 130, 60)]),
            )
    # gravy pool
    d.ellipse((cx - r * 0.28, cy - r * 0.12, cx - r * 0.02, cy + r * 0.08), fill=(120, 70, 30))
    # rookworst slices
    for k in range(5):
        a = -0.6 + k * 0.32
        sx, sy = cx + r * 0.45 * math.cos(a), cy + r * 0.45 * math.sin(a)
        d.ellipse((sx - r * 0.1, sy - r * 0.1, sx + r * 0.1, sy + r * 0.1), fill=(150, 50, 40))
        d.ellipse(
            (sx - r * 0.075, sy - r * 0.075, sx + r * 0.075, sy + r * 0.075), fill=(200, 110, 90)
        )
    # fork
    d.rounded_rectangle(
        (cx + r * 1.08, cy - r * 0.6, cx + r * 1.16, cy + r * 0.8), radius=6, fill=(200, 200, 205)
    )
    for k in range(4):
        fx = cx + r * 1.06 + k * r * 0.04
        d.rectangle((fx, cy - r * 0.85, fx + r * 0.02, cy - r * 0.55), fill=(200, 200, 205))
    # portofoon (radio)
    px, py = W * 0.87, H * 0.3
    d.rounded_rectangle(
        (px - W * 0.045, py - H * 0.12, px + W * 0.045, py + H * 0.14), radius=20, fill=(28, 28, 30)
    )
    d.rectangle((px - W * 0.01, py - H * 0.25, px + W * 0.01, py - H * 0.12), fill=(20, 20, 22))
    d.rectangle((px - W * 0.03, py - H * 0.08, px + W * 0.03, py - H * 0.02), fill=(120, 150, 110))
    for k in range(3):
        for j in range(3):
            d.ellipse(
                (
                    px - W * 0.03 + j * W * 0.022,
                    py + k * H * 0.03,
                    px - W * 0.016 + j * W * 0.022,
                    py + k * H * 0.03 + H * 0.018,
                ),
                fill=(70, 70, 74),
            )
    # glass of water
    gx, gy, gr = W * 0.14, H * 0.2, H * 0.075
    d.ellipse((gx - gr + 10, gy - gr + 14, gx + gr + 10, gy + gr + 14), fill=(120, 90, 62))
    d.ellipse((gx - gr, gy - gr, gx + gr, gy + gr), fill=(200, 214, 220))
    d.ellipse((gx - gr * 0.8, gy - gr * 0.8, gx + gr * 0.8, gy + gr * 0.8), fill=(218, 230, 236))
    glow(img, W * 0.4, H * 0.3, W * 0.5, (255, 240, 210), 0.25)


def scene_bicycles(img: Image.Image, rng: random.Random, variant: int = 0):
    W, H = img.size
    d = ImageDraw.Draw(img)
    # brick wall
    wall = (150, 76, 56) if variant == 0 else (120, 110, 100)
    d.rectangle((0, 0, W, H * 0.7), fill=wall)
    bh, bw = H * 0.035, W * 0.07
    for r_ in range(int(H * 0.7 / bh) + 1):
        off = (r_ % 2) * bw / 2
        for k in range(-1, int(W / bw) + 2):
            x = k * bw + off
            y = r_ * bh
            d.rectangle(
                (x + 2, y + 2, x + bw - 2, y + bh - 2), fill=shade(wall, rng.uniform(0.8, 1.1))
            )
    if variant == 0:  # window of the police station
        d.rectangle((W * 0.62, H * 0.08, W * 0.94, H * 0.42), fill=(232, 206, 160))
        for k in range(14):  # blinds
            y = H * 0.08 + k * H * 0.34 / 14
            d.line((W * 0.62, y, W * 0.94, y), fill=(200, 176, 136), width=4)
        d.rectangle((W * 0.62, H * 0.08, W * 0.94, H * 0.42), outline=(235, 235, 235), width=10)
        d.rectangle((W * 0.1, H * 0.12, W * 0.42, H * 0.22), fill=(20, 50, 130))
        text_center(d, W * 0.26, H * 0.17, "POLITIE", H * 0.06, (255, 255, 255))
    # pavement
    gradient(img, (0, int(H * 0.7), W, H), [(0, (150, 148, 144)), (1, (120, 118, 114))])
    for k in range(12):
        y = H * 0.7 + k * H * 0.03 * (1 + k * 0.3)
        d.line((0, y, W, y), fill=(110, 108, 104), width=3)
    for k in range(14):
        x = k * W / 12
        d.line((x, H * 0.7, x + (x - W / 2) * 0.6, H), fill=(110, 108, 104), width=3)
    if variant == 0:
        bicycle(d, W * 0.13, H * 0.92, W * 0.28, (30, 30, 34))
        bicycle(d, W * 0.62, H * 0.95, W * 0.28, (30, 110, 90), basket=True)
        # evidence label on a handlebar
        d.rectangle((W * 0.36, H * 0.5, W * 0.4, H * 0.55), fill=(250, 240, 120))
    else:
        bicycle(d, W * 0.2, H * 0.96, W * 0.52, (30, 110, 90), basket=True)
        # an officer's hand holding the handlebar, sleeve in navy
        d.rounded_rectangle((W * 0.84, H * 0.26, W * 1.02, H * 0.34), radius=30, fill=(26, 34, 62))
        d.ellipse((W * 0.78, H * 0.25, W * 0.86, H * 0.34), fill=(224, 180, 150))
        # engraved postcode sticker (not a real one)
        d.rounded_rectangle((W * 0.4, H * 0.62, W * 0.56, H * 0.67), radius=8, fill=(240, 240, 240))
        text_center(d, W * 0.48, H * 0.645, "FIETS #0427", H * 0.025, (30, 30, 30))


def scene_speed(img: Image.Image, rng: random.Random):
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.45
    gradient(
        img,
        (0, 0, W, int(horizon)),
        [(0, (70, 100, 150)), (0.7, (190, 160, 150)), (1, (240, 190, 140))],
    )
    # trees and houses on both sides in perspective
    houses(d, rng, -20, W * 0.3, horizon + H * 0.05, H * 0.18, H * 0.28, lit=0.4, night=0.3)
    houses(d, rng, W * 0.72, W + 20, horizon + H * 0.05, H * 0.18, H * 0.28, lit=0.4, night=0.3)
    vx = W * 0.5
    # road in perspective
    d.polygon(
        [
            (vx - W * 0.03, horizon + H * 0.05),
            (vx + W * 0.03, horizon + H * 0.05),
            (W * 0.95, H),
            (W * 0.05, H),
        ],
        fill=(84, 86, 92),
    )
    d.polygon(
        [(0, horizon + H * 0.05), (vx - W * 0.03, horizon + H * 0.05), (W * 0.05, H), (0, H)],
        fill=(90, 112, 70),
    )
    d.polygon(
        [(W, horizon + H * 0.05), (vx + W * 0.03, horizon + H * 0.05), (W * 0.95, H), (W, H)],
        fill=(90, 112, 70),
    )
    # 30 km zone: red-coloured kerb strip and centre line dashes
    for k in range(9):
        t0, t1 = (k / 9) ** 1.8, ((k + 0.45) / 9) ** 1.8
        ya, yb = horizon + H * 0.05 + t0 * H * 0.5, horizon + H * 0.05 + t1 * H * 0.5
        wa, wb = 2 + t0 * 14, 2 + t1 * 14
        d.polygon(
            [(vx - wa, ya), (vx + wa, ya), (vx + wb, yb), (vx - wb, yb)], fill=(230, 230, 225)
        )
    # trees
    for side in (-1, 1):
        for k in range(5):
            t = 0.15 + k * 0.2
            tx = vx + side * (W * 0.06 + t * W * 0.5)
            ty = horizon + H * 0.05 + t * H * 0.45
            th = H * 0.12 + t * H * 0.3
            d.rectangle((tx - 4 - t * 10, ty - th * 0.4, tx + 4 + t * 10, ty), fill=(60, 46, 36))
            d.ellipse(
                (tx - th * 0.35, ty - th, tx + th * 0.35, ty - th * 0.3),
                fill=shade((60, 90, 50), rng.uniform(0.8, 1.1)),
            )
    # a passing car (motion blurred)
    car = Image.new("RGB", (int(W * 0.3), int(H * 0.14)), (84, 86, 92))
    cd = ImageDraw.Draw(car)
    cw, chh = car.size
    cd.rounded_rectangle(
        (chh * 0.1, chh * 0.35, cw - chh * 0.1, chh * 0.85), radius=chh * 0.2, fill=(150, 30, 36)
    )
    cd.polygon(
        [
            (cw * 0.25, chh * 0.36),
            (cw * 0.35, chh * 0.05),
            (cw * 0.65, chh * 0.05),
            (cw * 0.75, chh * 0.36),
        ],
        fill=(120, 26, 30),
    )
    cd.polygon(
        [
            (cw * 0.3, chh * 0.34),
            (cw * 0.37, chh * 0.1),
            (cw * 0.63, chh * 0.1),
            (cw * 0.7, chh * 0.34),
        ],
        fill=(60, 70, 84),
    )
    for x in (cw * 0.2, cw * 0.8):
        cd.ellipse((x - chh * 0.17, chh * 0.66, x + chh * 0.17, chh * 1.0), fill=(20, 20, 20))
    car = car.filter(ImageFilter.BoxBlur(3))
    img.paste(car, (int(vx - W * 0.2), int(H * 0.66)))
    d = ImageDraw.Draw(img)
    # speed limit sign
    sx, sy, sr = W * 0.16, H * 0.5, H * 0.07
    d.rectangle((sx - 6, sy, sx + 6, H * 0.88), fill=(150, 150, 155))
    d.ellipse((sx - sr, sy - sr, sx + sr, sy + sr), fill=(200, 20, 30))
    d.ellipse(
        (sx - sr * 0.78, sy - sr * 0.78, sx + sr * 0.78, sy + sr * 0.78), fill=(250, 250, 250)
    )
    text_center(d, sx, sy, "30", sr * 0.95, (20, 20, 20))
    # laser gun on tripod, with an officer behind it
    tx, ty = W * 0.8, H * 0.62
    for dx in (-H * 0.09, 0, H * 0.09):
        d.line((tx, ty, tx + dx, H * 0.95), fill=(40, 40, 44), width=10)
    d.rounded_rectangle(
        (tx - H * 0.07, ty - H * 0.05, tx + H * 0.05, ty + H * 0.02), radius=10, fill=(30, 32, 36)
    )
    d.ellipse((tx - H * 0.1, ty - H * 0.035, tx - H * 0.06, ty + H * 0.005), fill=(90, 120, 160))
    d.rectangle((tx + H * 0.0, ty - H * 0.045, tx + H * 0.04, ty - H * 0.015), fill=(120, 230, 140))
    person(
        d,
        W * 0.9,
        H * 0.97,
        H * 0.5,
        coat=(210, 220, 60),
        legs=(24, 28, 44),
        uniform=True,
        cap=True,
    )


def scene_night_street(img: Image.Image, rng: random.Random, variant: int = 0):
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * (0.58 if W > H else 0.55)
    gradient(img, (0, 0, W, int(horizon)), [(0, (6, 10, 24)), (1, (26, 32, 56))])
    for _ in range(40):
        sx, sy = rng.uniform(0, W), rng.uniform(0, horizon * 0.4)
        d.point((sx, sy), fill=(200, 200, 220))
    houses(
        d,
        rng,
        -20,
        W + 20,
        horizon,
        H * 0.28,
        H * 0.42,
        lit=0.45,
        night=0.75,
        palette=[(110, 60, 50), (90, 56, 46), (120, 90, 70), (80, 70, 66)],
    )
    gradient(img, (0, int(horizon), W, H), [(0, (26, 26, 30)), (1, (40, 40, 46))])
    d = ImageDraw.Draw(img)
    d.rectangle((0, horizon, W, horizon + H * 0.04), fill=(58, 56, 56))  # pavement
    # street lamps with reflections on the wet road
    for k in range(3 if W > H else 2):
        x = W * (0.15 + 0.35 * k) + rng.uniform(-20, 20)
        d.rectangle((x - 5, horizon - H * 0.32, x + 5, horizon + H * 0.02), fill=(30, 30, 34))
        d.polygon(
            [
                (x - 20, horizon - H * 0.32),
                (x + 20, horizon - H * 0.32),
                (x + 10, horizon - H * 0.3),
                (x - 10, horizon - H * 0.3),
            ],
            fill=(30, 30, 34),
        )
        glow(img, x, horizon - H * 0.3, H * 0.2, (255, 200, 120), 0.8)
        for j in range(6):
            glow(
                img,
                x + rng.uniform(-10, 10),
                horizon + H * (0.1 + j * 0.05),
                H * 0.05,
                (160, 120, 70),
                0.35,
            )
    d = ImageDraw.Draw(img)
    # parked cars
    for k in range(2):
        cx = W * (0.08 + 0.5 * k)
        base = horizon + H * 0.12
        col = rng.choice([(60, 60, 70), (90, 30, 30), (40, 50, 70), (150, 150, 155)])
        d.rounded_rectangle((cx, base - H * 0.08, cx + W * 0.28, base), radius=18, fill=col)
        d.polygon(
            [
                (cx + W * 0.06, base - H * 0.08),
                (cx + W * 0.09, base - H * 0.14),
                (cx + W * 0.2, base - H * 0.14),
                (cx + W * 0.23, base - H * 0.08),
            ],
            fill=shade(col, 0.9),
        )
        d.polygon(
            [
                (cx + W * 0.075, base - H * 0.085),
                (cx + W * 0.097, base - H * 0.13),
                (cx + W * 0.195, base - H * 0.13),
                (cx + W * 0.215, base - H * 0.085),
            ],
            fill=(30, 36, 48),
        )
        for wx in (cx + W * 0.05, cx + W * 0.23):
            d.ellipse(
                (wx - H * 0.03, base - H * 0.03, wx + H * 0.03, base + H * 0.03), fill=(16, 16, 18)
            )
    if variant == 1:  # a police car passing at the end of the street
        police_car(img, d, W * 0.55, horizon + H * 0.24, W * 0.4, night=0.7)
    # a cyclist with a light
    bx = W * 0.72
    glow(img, bx, horizon + H * 0.2, H * 0.04, (255, 255, 230), 1.0)


def scene_nightlife(img: Image.Image, rng: random.Random):
    """Portrait: busy square with café terraces, two officers walking."""
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.55
    gradient(img, (0, 0, W, int(horizon)), [(0, (8, 10, 26)), (1, (40, 30, 60))])
    houses(d, rng, -20, W + 20, horizon, H * 0.22, H * 0.34, lit=0.75, night=0.7)
    gradient(img, (0, int(horizon), W, H), [(0, (50, 44, 46)), (1, (30, 28, 30))])
    d = ImageDraw.Draw(img)
    # café awnings and neon-ish signs
    for k in range(3):
        x = W * (0.02 + 0.33 * k)
        c = rng.choice([(150, 30, 40), (30, 90, 60), (40, 50, 120)])
        d.polygon(
            [
                (x, horizon - H * 0.08),
                (x + W * 0.3, horizon - H * 0.08),
                (x + W * 0.32, horizon - H * 0.03),
                (x - W * 0.02, horizon - H * 0.03),
            ],
            fill=c,
        )
        glow(img, x + W * 0.15, horizon - H * 0.01, H * 0.1, (255, 190, 110), 0.6)
    # string lights across the square
    for k in range(20):
        lx = k * W / 19
        ly = H * 0.3 + math.sin(k / 19 * math.pi) * H * 0.04
        glow(img, lx, ly, H * 0.02, (255, 220, 150), 0.9)
    d = ImageDraw.Draw(img)
    for _ in range(14):
        px = rng.uniform(0, W)
        feet = rng.uniform(horizon + H * 0.06, horizon + H * 0.22)
        scale = (feet - horizon) / (H * 0.45)
        person(
            d,
            px,
            feet,
            H * 0.38 * (0.4 + scale),
            coat=rng.choice(
                [(90, 30, 40), (40, 50, 70), (70, 70, 60), (30, 30, 34), (120, 100, 70)]
            ),
            hair=rng.choice([(60, 42, 30), (30, 25, 22), (150, 110, 60)]),
            hair_long=rng.random() < 0.4,
        )
    navy = (26, 34, 62)
    person(d, W * 0.35, H * 0.97, H * 0.42, coat=navy, legs=(24, 28, 44), uniform=True, cap=True)
    person(
        d,
        W * 0.62,
        H * 0.985,
        H * 0.43,
        coat=navy,
        legs=(24, 28, 44),
        uniform=True,
        cap=True,
        hair=(170, 120, 60),
        hair_long=True,
    )


def scene_webcare(img: Image.Image, rng: random.Random):
    W, H = img.size
    d = ImageDraw.Draw(img)
    gradient(
        img, (0, 0, W, H), [(0, (210, 214, 220)), (0.55, (190, 194, 200)), (1, (150, 150, 154))]
    )
    desk_y = H * 0.68
    table_wood(img, d, rng, (0, int(desk_y), W, H), (200, 200, 198))
    for k, kind in enumerate(("chat", "chat", "list")):
        x = W * (0.05 + 0.31 * k)
        screen(d, rng, (x, H * 0.2, x + W * 0.28, H * 0.56), kind)
        d.rectangle((x + W * 0.13, H * 0.56, x + W * 0.15, desk_y + 4), fill=(50, 50, 54))
        d.ellipse((x + W * 0.09, desk_y - 4, x + W * 0.19, desk_y + 16), fill=(50, 50, 54))
    # officer from behind with headset
    person(
        d,
        W * 0.38,
        H * 1.3,
        H * 0.95,
        coat=(240, 242, 246),
        legs=(26, 34, 62),
        hair=(50, 36, 28),
        hair_long=True,
    )
    # keyboard, phone, sticky note "bij spoed 112"
    d.polygon(
        [(W * 0.55, H * 0.78), (W * 0.85, H * 0.78), (W * 0.88, H * 0.86), (W * 0.52, H * 0.86)],
        fill=(60, 62, 68),
    )
    d.rectangle((W * 0.9, H * 0.3, W * 0.99, H * 0.42), fill=(255, 236, 110))
    text_center(d, W * 0.945, H * 0.345, "spoed?", H * 0.022, (40, 40, 40))
    text_center(d, W * 0.945, H * 0.385, "112!", H * 0.03, (200, 30, 30))
    glow(img, W * 0.5, H * 0.35, W * 0.5, (200, 220, 255), 0.25)


def scene_suus(img: Image.Image, rng: random.Random):
    """A mother and toddler (from behind) visiting a police car; a passer-by further back faces
    the camera: the post blurs that face (see FACE below)."""
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.5
    gradient(
        img,
        (0, 0, W, int(horizon)),
        [(0, (80, 110, 160)), (0.8, (230, 180, 150)), (1, (250, 200, 160))],
    )
    houses(
        d,
        rng,
        -20,
        W + 20,
        horizon + H * 0.04,
        H * 0.24,
        H * 0.34,
        lit=0.35,
        night=0.2,
        palette=[(150, 84, 60), (170, 120, 90), (140, 100, 80), (160, 70, 50)],
    )
    gradient(img, (0, int(horizon + H * 0.04), W, H), [(0, (120, 118, 116)), (1, (96, 94, 92))])
    d = ImageDraw.Draw(img)
    d.rectangle((0, horizon + H * 0.04, W, horizon + H * 0.09), fill=(150, 146, 140))  # pavement
    # hedge
    for k in range(30):
        hx = k * W / 28
        d.ellipse((hx - 40, horizon - H * 0.0, hx + 50, horizon + H * 0.07), fill=(50, 90, 50))
    fx, fy, fh = FACE_SCENE
    # the passer-by on the far pavement, facing us
    person(
        d,
        fx * W,
        fy * H,
        fh * H,
        coat=(120, 60, 50),
        legs=(50, 50, 60),
        face=True,
        hair=(40, 30, 26),
    )
    police_car(img, d, W * 0.38, H * 0.86, W * 0.56, lights=True, night=0.1)
    d = ImageDraw.Draw(img)
    # Suus (from behind) holding Gino's hand
    person(
        d,
        W * 0.2,
        H * 0.99,
        H * 0.5,
        coat=(190, 150, 110),
        legs=(50, 60, 90),
        hair=(120, 80, 40),
        hair_long=True,
        arm="hold_right",
    )
    person(
        d,
        W * 0.3,
        H * 0.985,
        H * 0.26,
        coat=(230, 80, 60),
        legs=(40, 60, 110),
        hair=(200, 160, 90),
        child=True,
    )


# Face of the passer-by in scene_suus, as fractions of the upright image: (x, feet y, height).
FACE_SCENE = (0.905, 0.6, 0.26)


def face_box(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Pixel region (x, y, w, h) in the final upright image covering the passer-by's head."""
    W, H = size
    fx, fy, fh = FACE_SCENE
    head = fh * H * 0.13
    torso_top = fy * H - fh * H + head * 1.05
    x0 = fx * W - head * 0.5
    y0 = torso_top - head * 1.12
    pad = head * 0.35
    return (int(x0 - pad), int(y0 - pad), int(head + 2 * pad), int(head * 1.2 + 2 * pad))


def scene_station(img: Image.Image, rng: random.Random):
    """Apeldoorn: the police station at dusk with a car in front."""
    W, H = img.size
    d = ImageDraw.Draw(img)
    horizon = H * 0.62
    gradient(
        img,
        (0, 0, W, int(horizon)),
        [(0, (40, 56, 100)), (0.8, (150, 120, 150)), (1, (220, 160, 130))],
    )
    # modern building
    bx0, bx1, by0 = W * 0.1, W * 0.9, H * 0.18
    d.rectangle((bx0, by0, bx1, horizon), fill=(150, 146, 140))
    for r_ in range(4):
        for k in range(10):
            x = bx0 + 20 + k * (bx1 - bx0 - 20) / 10
            y = by0 + 30 + r_ * (horizon - by0 - 60) / 4
            on = rng.random() < 0.45
            d.rectangle(
                (x, y, x + (bx1 - bx0) / 13, y + (horizon - by0) / 6),
                fill=(255, 214, 140) if on else (56, 66, 84),
            )
    d.rectangle((bx0, by0 - H * 0.01, bx1, by0 + H * 0.015), fill=(90, 90, 96))
    # blue sign
    d.rounded_rectangle(
        (W * 0.38, by0 - H * 0.1, W * 0.62, by0 - H * 0.03), radius=12, fill=(20, 50, 140)
    )
    text_center(d, W * 0.5, by0 - H * 0.065, "POLITIE", H * 0.045, (255, 255, 255))
    glow(img, W * 0.5, by0 - H * 0.065, H * 0.18, (60, 100, 255), 0.4)
    d = ImageDraw.Draw(img)
    d.rectangle((W * 0.45, horizon - H * 0.16, W * 0.55, horizon), fill=(40, 60, 80))  # entrance
    glow(img, W * 0.5, horizon - H * 0.08, H * 0.12, (255, 230, 180), 0.6)
    d = ImageDraw.Draw(img)
    gradient(img, (0, int(horizon), W, H), [(0, (90, 90, 96)), (1, (60, 60, 64))])
    d = ImageDraw.Draw(img)
    for k in range(8):
        x = k * W / 7
        d.line((x, horizon, x + (x - W / 2) * 0.8, H), fill=(230, 230, 230), width=6)
    police_car(img, d, W * 0.06, H * 0.93, W * 0.5, night=0.2)
    person(
        d,
        W * 0.75,
        H * 0.96,
        H * 0.42,
        coat=(26, 34, 62),
        legs=(24, 28, 44),
        uniform=True,
        cap=True,
    )


# --------------------------------------------------------------------------------------------
# photo finishing, EXIF, writing
# --------------------------------------------------------------------------------------------


def finish(big: Image.Image, size: tuple[int, int], rng: random.Random, warmth: float = 0.0):
    img = big.resize(size, Image.Resampling.LANCZOS)
    W, H = size
    # vignette
    vig = _RADIAL.resize(size, Image.Resampling.BILINEAR).point(
        lambda v: int(255 - 0.3 * v * v / 255)
    )
    img = ImageChops.multiply(img, Image.merge("RGB", (vig, vig, vig)))
    if warmth:
        r, g, b = img.split()
        r = r.point(lambda v: min(255, int(v * (1 + 0.06 * warmth))))
        b = b.point(lambda v: int(v * (1 - 0.06 * warmth)))
        img = Image.merge("RGB", (r, g, b))
    # soft sensor grain, generated at half resolution so that JPEG stays small
    gw, gh = W // 2, H // 2
    raw = rng.randbytes(gw * gh)
    noise = Image.frombytes("L", (gw, gh), raw).point(lambda v: 128 + (v - 128) * 5 // 128)
    noise = noise.resize(size, Image.Resampling.BILINEAR)
    img = ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), scale=1.0, offset=-128)
    return img


def rational(x: float, den: int = 10000) -> IFDRational:
    return IFDRational(round(x * den), den)


def dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    value = abs(value)
    deg = int(value)
    minutes_f = (value - deg) * 60
    minutes = int(minutes_f)
    seconds = (minutes_f - minutes) * 60
    return (IFDRational(deg, 1), IFDRational(minutes, 1), IFDRational(round(seconds * 100), 100))


def make_exif(
    when: datetime,
    offset: str,
    lat: float,
    lon: float,
    orientation: int,
    stored_size: tuple[int, int],
    rng: random.Random,
) -> Image.Exif:
    stamp = when.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[Base.Make] = "Apple"
    exif[Base.Model] = "iPhone 15"
    exif[Base.Software] = "18.6.2"
    exif[Base.DateTime] = stamp
    exif[Base.Orientation] = orientation
    exif[Base.XResolution] = IFDRational(72, 1)
    exif[Base.YResolution] = IFDRational(72, 1)
    exif[Base.ResolutionUnit] = 2
    exif[Base.HostComputer] = "iPhone 15"
    sub = exif.get_ifd(IFD.Exif)
    sub[Base.ExposureTime] = IFDRational(1, rng.choice([30, 40, 60, 120]))
    sub[Base.FNumber] = IFDRational(16, 10)
    sub[Base.ExposureProgram] = 2
    sub[Base.ISOSpeedRatings] = rng.choice([400, 640, 800, 1250, 1600])
    sub[Base.ExifVersion] = b"0232"
    sub[Base.DateTimeOriginal] = stamp
    sub[Base.DateTimeDigitized] = stamp
    sub[Base.OffsetTime] = offset
    sub[Base.OffsetTimeOriginal] = offset
    sub[Base.OffsetTimeDigitized] = offset
    sub[Base.SubsecTimeOriginal] = f"{rng.randint(0, 999):03d}"
    sub[Base.SubsecTimeDigitized] = sub[Base.SubsecTimeOriginal]
    sub[Base.Flash] = 16
    sub[Base.FocalLength] = IFDRational(603, 100)
    sub[Base.ColorSpace] = 65535
    sub[Base.ExifImageWidth] = stored_size[0]
    sub[Base.ExifImageHeight] = stored_size[1]
    sub[Base.SensingMethod] = 2
    sub[Base.SceneType] = b"\x01"
    sub[Base.FocalLengthIn35mmFilm] = 26
    sub[Base.LensMake] = "Apple"
    sub[Base.LensModel] = "iPhone 15 back dual wide camera 6.03mm f/1.6"
    gps = exif.get_ifd(IFD.GPSInfo)
    gps[GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
    gps[GPS.GPSLatitude] = dms(lat)
    gps[GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
    gps[GPS.GPSLongitude] = dms(lon)
    gps[GPS.GPSAltitudeRef] = b"\x00"
    gps[GPS.GPSAltitude] = rational(rng.uniform(8, 40), 1000)
    utc = when - timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6])) * (
        1 if offset[0] == "+" else -1
    )
    gps[GPS.GPSTimeStamp] = (
        IFDRational(utc.hour, 1),
        IFDRational(utc.minute, 1),
        IFDRational(utc.second, 1),
    )
    gps[GPS.GPSDateStamp] = utc.strftime("%Y:%m:%d")
    gps[GPS.GPSSpeedRef] = "K"
    gps[GPS.GPSSpeed] = IFDRational(0, 1)
    gps[GPS.GPSImgDirectionRef] = "T"
    gps[GPS.GPSImgDirection] = rational(rng.uniform(0, 359), 100)
    gps[GPS.GPSHPositioningError] = rational(rng.uniform(3, 12), 100)
    return exif


# Approximate town centres; each photo gets a small deterministic jitter around its team's town.
TOWNS = {
    "zevenaar": (51.9297, 6.0719),
    "neder-betuwe": (51.9141, 5.5807),  # A15 near Ochten
    "nijmegen-zuid": (51.8220, 5.8037),
    "overbetuwe": (51.9204, 5.8496),  # Elst
    "arnhem-noord": (51.9918, 5.9197),
    "rheden": (51.9955, 5.9752),  # Velp
    "enschede": (52.2200, 6.8946),
    "apeldoorn": (52.2110, 5.9690),
    "helmond": (51.4793, 5.6570),
}

MEGA = "2026-10-24-megavolgdienst"
HELMOND = "2026-09-18-volgdienst-helmond"


@dataclass(frozen=True)
class Photo:
    path: str  # relative to content/
    scene: Callable[..., None]
    when: str  # local wall-clock time "YYYY-MM-DD HH:MM"
    offset: str  # "+02:00" (CEST) or "+01:00" (CET)
    landscape: bool = True
    orientation: int = 1  # 6: stored rotated, EXIF says "rotate 90° clockwise to display"
    kwargs: tuple = ()
    warmth: float = 0.0

    @property
    def team(self) -> str:
        return self.path.split("/")[1]


PHOTOS = [
    Photo(
        f"{MEGA}/zevenaar/1900-de-dienst-begint.jpg",
        scene_office,
        "2026-10-24 19:00",
        "+02:00",
        kwargs=(("mode", "briefing"),),
        warmth=0.6,
    ),
    Photo(
        f"{MEGA}/zevenaar/1915-weekmarkt.jpg",
        scene_market,
        "2026-10-24 19:13",
        "+02:00",
        kwargs=(("variant", 0),),
    ),
    Photo(
        f"{MEGA}/zevenaar/1915-weekmarkt-2.jpg",
        scene_market,
        "2026-10-24 19:14",
        "+02:00",
        landscape=False,
        kwargs=(("variant", 1),),
    ),
    # lone photo: a photo-only post timed by its EXIF capture time
    Photo(
        f"{MEGA}/zevenaar/IMG_4711.jpg",
        scene_night_street,
        "2026-10-24 22:10",
        "+02:00",
        kwargs=(("variant", 1),),
    ),
    # taken after the clocks went back: 02:48 CET (the second 02:48 of the night)
    Photo(
        f"{MEGA}/zevenaar/de-dienst-zit-erop.jpg",
        scene_office,
        "2026-10-25 02:48",
        "+01:00",
        kwargs=(("mode", "end"),),
        warmth=0.3,
    ),
    Photo(
        f"{MEGA}/neder-betuwe/1925-spoedrit-a15.jpg",
        scene_highway,
        "2026-10-24 19:24",
        "+02:00",
        kwargs=(("lights", True),),
    ),
    Photo(
        f"{MEGA}/neder-betuwe/2310-alcoholcontrole.jpg", scene_alcohol, "2026-10-24 23:02", "+02:00"
    ),
    Photo(
        f"{MEGA}/nijmegen-zuid/2010-meldkamer.jpg", scene_control_room, "2026-10-24 20:04", "+02:00"
    ),
    # portrait photo stored sideways (1600x1200 pixels) with EXIF Orientation 6
    Photo(
        f"{MEGA}/nijmegen-zuid/2010-meldkamer-2.jpg",
        scene_control_closeup,
        "2026-10-24 20:06",
        "+02:00",
        landscape=False,
        orientation=6,
    ),
    Photo(
        f"{MEGA}/overbetuwe/1945-suus-en-gino.jpg",
        scene_suus,
        "2026-10-24 19:41",
        "+02:00",
        warmth=0.4,
    ),
    Photo(
        f"{MEGA}/overbetuwe/2030-avondeten.jpg",
        scene_dinner,
        "2026-10-24 20:29",
        "+02:00",
        warmth=0.5,
    ),
    Photo(
        f"{MEGA}/overbetuwe/2300-administratie.jpg",
        scene_office,
        "2026-10-24 22:57",
        "+02:00",
        kwargs=(("mode", "admin"),),
    ),
    Photo(
        f"{MEGA}/arnhem-noord/2100-gestolen-fietsen-terug.jpg",
        scene_bicycles,
        "2026-10-24 20:52",
        "+02:00",
        kwargs=(("variant", 0),),
    ),
    Photo(
        f"{MEGA}/arnhem-noord/2100-gestolen-fietsen-terug-2.jpg",
        scene_bicycles,
        "2026-10-24 20:55",
        "+02:00",
        kwargs=(("variant", 1),),
    ),
    # lone HEIC photo, the iPhone default format
    Photo(
        f"{MEGA}/arnhem-noord/IMG_4802.heic",
        scene_night_street,
        "2026-10-24 23:40",
        "+02:00",
        kwargs=(("variant", 0),),
    ),
    Photo(
        f"{MEGA}/rheden/1920-snelheidscontrole-velp.jpg", scene_speed, "2026-10-24 19:18", "+02:00"
    ),
    Photo(f"{MEGA}/enschede/2015-webcare.jpg", scene_webcare, "2026-10-24 20:12", "+02:00"),
    Photo(
        f"{MEGA}/enschede/2320-uitgaansgebied.jpg",
        scene_nightlife,
        "2026-10-24 23:17",
        "+02:00",
        landscape=False,
    ),
    Photo(
        f"{MEGA}/apeldoorn/1930-ook-apeldoorn-doet-mee.jpg",
        scene_station,
        "2026-10-24 19:26",
        "+02:00",
    ),
    Photo(
        f"{HELMOND}/helmond/1900-welkom.jpg",
        scene_office,
        "2026-09-18 19:00",
        "+02:00",
        kwargs=(("mode", "briefing"),),
        warmth=0.5,
    ),
    Photo(
        f"{HELMOND}/helmond/2000-wijkronde-brandevoort.jpg",
        scene_night_street,
        "2026-09-18 19:58",
        "+02:00",
        kwargs=(("variant", 1),),
    ),
    Photo(f"{HELMOND}/helmond/2150-scootercontrole.jpg", scene_speed, "2026-09-18 21:46", "+02:00"),
]

AVATARS = {  # team id -> (badge colour, initials)
    "zevenaar": ((0, 94, 184), "ZV"),
    "nijmegen-zuid": ((0, 122, 94), "NZ"),
    "helmond": ((176, 0, 32), "HM"),
}


def render_photo(p: Photo) -> bytes:
    seed = zlib.crc32(p.path.encode())
    rng = random.Random(seed)
    upright = (1600, 1200) if p.landscape else (1200, 1600)
    big = Image.new("RGB", (upright[0] * SS, upright[1] * SS), (0, 0, 0))
    p.scene(big, rng, **dict(p.kwargs))
    img = finish(big, upright, rng, p.warmth)
    if p.orientation == 6:
        # Orientation 6 means "rotate 90° clockwise to display": store it turned counter-clockwise.
        img = img.transpose(Image.Transpose.ROTATE_90)
    elif p.orientation != 1:
        raise ValueError(f"unsupported orientation {p.orientation}")
    lat0, lon0 = TOWNS[p.team]
    lat = lat0 + rng.uniform(-0.006, 0.006)
    lon = lon0 + rng.uniform(-0.009, 0.009)
    when = datetime.strptime(p.when, "%Y-%m-%d %H:%M").replace(second=rng.randint(0, 59))
    exif = make_exif(when, p.offset, lat, lon, p.orientation, img.size, rng)
    buf = io.BytesIO()
    if p.path.endswith(".heic"):
        import pillow_heif

        pillow_heif.register_heif_opener()
        img.save(buf, format="HEIF", quality=50, exif=exif.tobytes())
    else:
        img.save(buf, format="JPEG", quality=80, optimize=True, exif=exif.tobytes())
    return buf.getvalue()


def render_avatar(team: str) -> bytes:
    color, initials = AVATARS[team]
    S = 256 * 4
    img = Image.new("RGBA", (S, S), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.ellipse((0, 0, S - 1, S - 1), fill=(*color, 255))
    d.ellipse(
        (S * 0.06, S * 0.06, S * 0.94, S * 0.94), outline=(255, 255, 255, 255), width=int(S * 0.025)
    )
    # a simple shield
    shield = [
        (S * 0.3, S * 0.2),
        (S * 0.7, S * 0.2),
        (S * 0.7, S * 0.5),
        (S * 0.5, S * 0.72),
        (S * 0.3, S * 0.5),
    ]
    d.polygon(shield, fill=(255, 255, 255, 255))
    d.polygon(
        [(x + (S * 0.5 - x) * 0.12, y + (S * 0.45 - y) * 0.12) for x, y in shield],
        fill=(*shade(color, 0.8), 255),
    )
    text_center(d, S * 0.5, S * 0.42, initials, S * 0.16, (255, 255, 255))
    text_center(d, S * 0.5, S * 0.83, "POLITIE", S * 0.085, (255, 255, 255))
    img = img.resize((256, 256), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()


def outputs() -> list[tuple[Path, Callable[[], bytes]]]:
    out: list[tuple[Path, Callable[[], bytes]]] = [
        (CONTENT / p.path, (lambda p=p: render_photo(p))) for p in PHOTOS
    ]
    out += [(CONTENT / "avatars" / f"{t}.png", (lambda t=t: render_avatar(t))) for t in AVATARS]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--check", action="store_true", help="only verify, write nothing")
    args = ap.parse_args(argv)
    bad = 0
    total = 0
    for path, make in outputs():
        data = make()
        total += len(data)
        rel = path.relative_to(ROOT)
        old = path.read_bytes() if path.exists() else None
        if old == data:
            status = "unchanged"
        elif args.check:
            status = "MISSING" if old is None else "DIFFERS"
            bad += 1
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            status = "written"
        print(f"{status:9} {len(data) / 1024:6.0f} KB  {rel}")
    print(f"total {total / 1024 / 1024:.2f} MB")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
