"""The producers: each module turns the render context into output files of one kind (pages,
feeds, sitemap and host files, live.json). A producer returns OutputFiles and never writes;
the pipeline hands them to the output (publish) as they come.
"""

from __future__ import annotations

from pathlib import Path

from followshift.render.memo import Reused

# (path below site/, what to write): the bytes, a file to copy (a cached photo variant), or
# REUSED when the memo found the output unchanged and still in place.
OutputFile = tuple[str, bytes | Path | Reused]
