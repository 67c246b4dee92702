"""The on-disk cache of published photo files.

This module owns the cache key, the layout ``cache_dir/images/<key[:2]>/<key>/`` holding
``<width>.webp``, ``<width>.jpg``, ``og.jpg`` and ``info.json``, crash-safe writes and
pruning. ``info.json`` is written last, so an entry without it (or whose files do not
match it) is simply not cached and gets rebuilt.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .model import ImageSettings, PhotoResult, Region, VariantFile

# Bump whenever the pixels or encoding of the published files change, so that every
# cached entry is rebuilt.
PIPELINE_VERSION = 1

INFO_NAME = "info.json"
_CHUNK = 1 << 20


def _key_hasher(blur: Sequence[Region], settings: ImageSettings) -> hashlib.blake2b:
    # max_pixels is left out on purpose: it decides whether a photo is accepted, not what
    # its files look like, and info.json keeps the pixel count to re-check it on a hit.
    header = {
        "pipeline": PIPELINE_VERSION,
        "widths": sorted(set(settings.widths)),
        "quality": settings.quality,
        "og_width": settings.og_width,
        "blur": [list(r) for r in blur],
    }
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(json.dumps(header, sort_keys=True).encode() + b"\0")
    return hasher


def key_for_bytes(data: bytes, blur: Sequence[Region], settings: ImageSettings) -> str:
    hasher = _key_hasher(blur, settings)
    hasher.update(data)
    return hasher.hexdigest()


def key_for_file(path: Path, blur: Sequence[Region], settings: ImageSettings) -> str:
    """Same value as key_for_bytes(path.read_bytes(), ...) without holding the whole file."""
    hasher = _key_hasher(blur, settings)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def entry_dir(cache_dir: Path, key: str) -> Path:
    return cache_dir / "images" / key[:2] / key


def write_atomic(path: Path, data: bytes) -> None:
    """Writes via a temporary name and os.replace, so a crash never leaves a half file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _file_record(variant: VariantFile) -> dict[str, Any]:
    return {
        "name": variant.path.name,
        "width": variant.width,
        "height": variant.height,
        "format": variant.format,
        "bytes": variant.path.stat().st_size,
    }


def write_info(directory: Path, result: PhotoResult, source_pixels: int) -> None:
    record = {
        "pipeline": PIPELINE_VERSION,
        "key": result.key,
        "source_pixels": source_pixels,
        "width": result.width,
        "height": result.height,
        "variants": [_file_record(v) for v in result.variants],
        "og": _file_record(result.og),
    }
    write_atomic(directory / INFO_NAME, json.dumps(record, indent=1).encode())


def _variant(directory: Path, record: dict[str, Any]) -> VariantFile:
    name = record["name"]
    if not isinstance(name, str) or "/" in name or "\\" in name:
        raise ValueError("bad file name")
    path = directory / name
    # A file that is missing or of another size was lost or tampered with: not cached.
    if path.stat().st_size != record["bytes"]:
        raise ValueError("size mismatch")
    return VariantFile(int(record["width"]), int(record["height"]), str(record["format"]), path)


def read_info(directory: Path, key: str) -> tuple[PhotoResult, int] | None:
    """The cached result and source pixel count, or None when the entry is not complete."""
    try:
        record = json.loads((directory / INFO_NAME).read_bytes())
        if record["pipeline"] != PIPELINE_VERSION or record["key"] != key:
            return None
        result = PhotoResult(
            key=key,
            width=int(record["width"]),
            height=int(record["height"]),
            variants=tuple(_variant(directory, v) for v in record["variants"]),
            og=_variant(directory, record["og"]),
        )
        return result, int(record["source_pixels"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def prune(cache_dir: Path, keep: Iterable[str]) -> int:
    """Removes entries whose key is not in keep (and empty prefix folders); returns how many."""
    root = cache_dir / "images"
    if not root.is_dir():
        return 0
    wanted = set(keep)
    removed = 0
    for prefix in root.iterdir():
        if not prefix.is_dir():
            continue
        for entry in prefix.iterdir():
            if entry.is_dir() and entry.name not in wanted:
                # A file held open elsewhere (Windows) keeps its entry; count what went.
                shutil.rmtree(entry, ignore_errors=True)
                removed += not entry.exists()
        with contextlib.suppress(OSError):  # not empty: some entries are kept
            prefix.rmdir()
    return removed


# Face detection results: `cache_dir/faces/<key[:2]>/<key>.json`, keyed by the photo's bytes
# and the detector's version only (not by blur or output settings): drawing a blur region, or
# changing the widths, never makes a photo be looked at again.


def faces_key(data: bytes, detector: str) -> str:
    hasher = hashlib.blake2b(detector.encode() + b"\0", digest_size=16)
    hasher.update(data)
    return hasher.hexdigest()


def faces_key_for_file(path: Path, detector: str) -> str:
    """Same value as faces_key(path.read_bytes(), detector) without holding the whole file."""
    hasher = hashlib.blake2b(detector.encode() + b"\0", digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _faces_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "faces" / key[:2] / f"{key}.json"


def read_faces(cache_dir: Path, key: str) -> tuple[Region, ...] | None:
    """The cached face boxes of a photo, or None when it was not looked at yet."""
    try:
        record = json.loads(_faces_path(cache_dir, key).read_bytes())
        return tuple((int(x), int(y), int(w), int(h)) for x, y, w, h in record["faces"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_faces(cache_dir: Path, key: str, faces: Sequence[Region]) -> None:
    path = _faces_path(cache_dir, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps({"faces": [list(f) for f in faces]}).encode())
