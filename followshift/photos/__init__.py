"""Photo pipeline: turns officers' phone photos into small, private, web-ready files.

The package owns everything between a source photo and the files the site links to:
format and size checks (``probe``), EXIF orientation, conversion to sRGB, irreversible
blurring of marked regions, resized WebP + JPEG variants and an og:image JPEG, all without
any metadata (no EXIF/GPS, XMP, IPTC, ICC or comments), cached by content hash.

The modules are the library (model, decode, blur, colour, cache, variants, processor) and
the build's photo stage (stage.py: which photos a build publishes). This module must not
import stage, nor anything that imports Pillow.
"""

from typing import TYPE_CHECKING, Any

from .model import (
    ImageError,
    ImageSettings,
    PhotoRequest,
    PhotoResult,
    ProbeInfo,
    VariantFile,
)

if TYPE_CHECKING:
    from .decode import probe
    from .processor import ImageProcessor


def __getattr__(name: str) -> Any:
    """`probe` and `ImageProcessor` are imported when first used: Pillow and its HEIF plugin
    take ~0.1 s to import, which a site without photos, `check` and `new` need not pay."""
    if name == "probe":
        from .decode import probe

        return probe
    if name == "ImageProcessor":
        from .processor import ImageProcessor

        return ImageProcessor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "ImageError",
    "ImageProcessor",
    "ImageSettings",
    "PhotoRequest",
    "PhotoResult",
    "ProbeInfo",
    "VariantFile",
    "probe",
]
