"""Photo pipeline: turns officers' phone photos into small, private, web-ready files.

The package owns everything between a source photo and the files the site links to:
format and size checks (``probe``), EXIF orientation, conversion to sRGB, irreversible
blurring of marked regions, resized WebP + JPEG variants and an og:image JPEG, all without
any metadata (no EXIF/GPS, XMP, IPTC, ICC or comments), cached by content hash.
"""

from .decode import probe
from .model import (
    ImageError,
    ImageSettings,
    PhotoRequest,
    PhotoResult,
    ProbeInfo,
    VariantFile,
)
from .processor import ImageProcessor

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
