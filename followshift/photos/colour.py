"""Colour normalisation: every published pixel is plain 8-bit sRGB without metadata.

This module owns turning a decoded image of any mode and embedded ICC profile into an RGB
image in sRGB (ImageCms, perceptual intent), with transparency flattened onto white and an
empty ``info`` so that no source metadata can reach an encoder.
"""

from __future__ import annotations

import io
import logging
from functools import lru_cache

from PIL import Image, ImageCms

log = logging.getLogger(__name__)

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
# Modes an ICC transform can start from; everything else is brought to RGB first.
_ICC_MODES = ("RGB", "L", "CMYK")
_WHITE = (255, 255, 255)


@lru_cache(maxsize=16)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    """The transform from ``icc`` to sRGB, or None when none is needed or possible.

    Cached because a shift's photos come from a handful of phones that all embed the same
    profile (Display P3 on iPhones), and building a transform costs more than applying it.
    """
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        # Converting sRGB to sRGB would only add rounding noise.
        if "srgb" in ImageCms.getProfileDescription(profile).lower():
            return None
        return ImageCms.buildTransform(
            profile, _SRGB, mode, "RGB", renderingIntent=ImageCms.Intent.PERCEPTUAL
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError) as exc:
        # A broken profile, or one whose colour space does not match the pixels: showing
        # the pixels unconverted beats rejecting the photo.
        log.warning("ignoring unusable ICC profile: %s", exc)
        return None


def _flatten(im: Image.Image) -> Image.Image:
    """Brings any mode to RGB, L or CMYK, compositing transparency onto white."""
    if im.mode in _ICC_MODES and "transparency" not in im.info:
        return im
    if im.mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale PNG: scale to 8 bits instead of letting convert() clip at 255.
        return im.convert("I").point(lambda v: v / 257).convert("L")
    if "A" in im.getbands() or "a" in im.getbands() or "transparency" in im.info:
        rgba = im.convert("RGBA")
        flat = Image.new("RGB", im.size, _WHITE)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return im.convert("RGB")


def to_srgb(im: Image.Image) -> Image.Image:
    """Returns the pixels as RGB in sRGB with an empty ``info`` (no ICC, EXIF, XMP, text).

    The result may be ``im`` itself (with its ``info`` emptied) when nothing had to change.
    """
    icc = im.info.get("icc_profile")
    flat = _flatten(im)
    transform = _transform(bytes(icc), flat.mode) if icc else None
    if transform is not None:
        out = ImageCms.applyTransform(flat, transform)
        assert out is not None  # only None with inPlace=True
    elif flat.mode != "RGB":
        out = flat.convert("RGB")
    else:
        # Already RGB in sRGB: reuse the pixels rather than copying 12 MP for nothing.
        out = flat
    # Encoders may fall back to im.info (JPEG takes "comment" from it, for instance).
    out.info = {}
    return out
