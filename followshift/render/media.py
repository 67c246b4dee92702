"""Published photos as the templates see them: URLs of the variants, srcset, sizes."""

from __future__ import annotations

from dataclasses import dataclass

from followshift.photos import PhotoResult, VariantFile
from followshift.render.digests import Digested

# The timeline column is at most 46rem wide with 1rem padding each side; phones use the viewport.
SIZES_SINGLE = "(min-width: 46rem) 44rem, calc(100vw - 2rem)"
SIZES_GALLERY = "(min-width: 46rem) 22rem, calc(50vw - 1.25rem)"


def media_path(result: PhotoResult, variant: VariantFile, og: bool = False) -> str:
    """Content-addressed: a changed photo or setting gets a new name, so caching is forever."""
    ext = "jpg" if variant.format == "jpeg" else variant.format
    name = "og" if og else str(variant.width)
    return f"media/{result.key[:20]}/{name}.{ext}"


@dataclass(frozen=True)
class PhotoView(Digested):
    alt: str  # "" when the officer gave none: the template supplies a fallback
    width: int
    height: int
    webp: tuple[tuple[str, int], ...]  # (path, width), narrowest first
    jpeg: tuple[tuple[str, int], ...]
    src: str  # a middle-sized JPEG for browsers without srcset
    full: str  # the largest JPEG: what a tap on the photo opens
    og: str  # the share image: a 1.91:1 window of the photo (photos/share_crop.py)
    og_size: tuple[int, int]

    def srcset(self, fmt: str, root: str) -> str:
        """`srcset` with URLs relative to the page (`root` leads back to the site root)."""
        return ", ".join(f"{root}{path} {width}w" for path, width in getattr(self, fmt))


def photo_view(alt: str, result: PhotoResult) -> PhotoView:
    def variants(fmt: str) -> tuple[tuple[str, int], ...]:
        return tuple((media_path(result, v), v.width) for v in result.variants if v.format == fmt)

    jpegs = [v for v in result.variants if v.format == "jpeg"]
    middle = jpegs[min(1, len(jpegs) - 1)]
    return PhotoView(
        alt=alt,
        width=result.width,
        height=result.height,
        webp=variants("webp"),
        jpeg=variants("jpeg"),
        src=media_path(result, middle),
        full=media_path(result, jpegs[-1]),
        og=media_path(result, result.og, og=True),
        og_size=(result.og.width, result.og.height),
    )


def media_files(result: PhotoResult) -> dict[str, VariantFile]:
    files = {media_path(result, v): v for v in result.variants}
    files[media_path(result, result.og, og=True)] = result.og
    return files
