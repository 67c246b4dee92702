"""ImageProcessor: the build's entry point for publishing photos.

This module owns scheduling: looking results up in the cache without decoding anything,
spreading the uncached photos over a process pool (started by build/schedule.py, the one
module that starts processes), reporting progress, and keeping every failure attached to the
one photo that caused it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from followshift.build import schedule

from . import cache
from .blur import check_regions
from .decode import too_many_pixels
from .model import ImageError, ImageSettings, PhotoRequest, PhotoResult
from .variants import Job, render_job

log = logging.getLogger(__name__)

Outcome = PhotoResult | ImageError


def _outcome(future: Future[Outcome]) -> Outcome:
    try:
        return future.result()
    except BrokenProcessPool:
        # A worker died (killed for memory, or a crash in a native decoder): every photo
        # still in flight fails with it, and the build goes on.
        return ImageError("image processing crashed (out of memory?)")
    except Exception as exc:  # e.g. a result that could not be sent back
        log.error("photo worker failed: %r", exc)
        return ImageError(f"image could not be processed ({type(exc).__name__})")


class ImageProcessor:
    def __init__(self, cache_dir: Path, settings: ImageSettings, faces: bool = False) -> None:
        self.cache_dir = Path(cache_dir)
        self.settings = settings
        self.faces = faces  # workers also detect faces in the photos they render

    def _cached(self, key: str) -> Outcome | None:
        found = cache.read_info(cache.entry_dir(self.cache_dir, key), key)
        if found is None:
            return None
        result, pixels = found
        # max_pixels is not part of the key, so a lowered limit is enforced here.
        if pixels > self.settings.max_pixels:
            return too_many_pixels(pixels, self.settings.max_pixels)
        return result

    def process(
        self,
        requests: Sequence[PhotoRequest],
        *,
        workers: int | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> dict[PhotoRequest, PhotoResult | ImageError]:
        """Makes (or finds in the cache) every variant of every request.

        Cached results are found without decoding anything: the source is hashed and the
        entry's info.json read. Uncached photos run in a process pool of ``workers``
        processes (default: the CPUs available); with one worker or one photo, in-process.
        ``progress(done, total)`` is called in this process as photos finish. A failing
        photo gives an ImageError for that request only.
        """
        unique = list(dict.fromkeys(requests))
        total = len(unique)
        results: dict[PhotoRequest, Outcome] = {}

        def finish(request: PhotoRequest, outcome: Outcome) -> None:
            results[request] = outcome
            if progress is not None:
                progress(len(results), total)

        parallel = min(workers or schedule.default_workers(), total)
        # Requests with identical bytes and blur share one key and are rendered once.
        groups: dict[str, list[PhotoRequest]] = {}
        queued: list[tuple[str, Job]] = []  # to render, not yet handed to the pool
        pool: ProcessPoolExecutor | None = None
        futures: dict[Future[Outcome], str] = {}
        try:
            for request in unique:
                try:
                    blur = check_regions(request.blur)
                    key = cache.key_for_file(Path(request.source), blur, self.settings)
                except ImageError as exc:
                    finish(request, exc)
                    continue
                except OSError as exc:
                    finish(request, ImageError(f"cannot read the file ({exc.strerror or exc})"))
                    continue
                if key in groups:
                    groups[key].append(request)
                    continue
                cached = self._cached(key)
                if cached is not None:
                    finish(request, cached)
                    continue
                groups[key] = [request]
                job = Job(Path(request.source), blur, self.settings, self.cache_dir, self.faces)
                queued.append((key, job))
                # A single photo to render is done here (no pool start-up); from the second
                # on, photos go to the pool while the rest is still being hashed.
                if parallel > 1 and len(queued) + len(futures) > 1:
                    if pool is None:
                        pool = schedule.photo_pool(parallel)
                    futures.update((pool.submit(render_job, j), k) for k, j in queued)
                    queued.clear()
            for key, job in queued:
                outcome = render_job(job)
                for request in groups[key]:
                    finish(request, outcome)
            for future in as_completed(futures):
                outcome = _outcome(future)
                for request in groups[futures[future]]:
                    finish(request, outcome)
        finally:
            if pool is not None:
                # On Ctrl-C (or any error here) do not start the photos still queued.
                pool.shutdown(wait=True, cancel_futures=True)
        return {request: results[request] for request in unique}

    def prune(self, keep: Iterable[str]) -> int:
        """Removes cache entries whose key is not in keep; returns how many."""
        return cache.prune(self.cache_dir, keep)
