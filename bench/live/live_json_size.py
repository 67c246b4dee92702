"""How big `<shift>/live.json` is on a live shift of 5,000 posts (docs/live.md, "How big").

    python bench/live/live_json_size.py [--posts 5000] [--photo-every 4] [--keep DIR]

Writes one live shift of N posts by 27 teams (19:00–03:00; every `--photo-every`th post has a
small photo, so the article markup carries its <picture>/srcset like a real evening; ~30 % have
a title, ~2 % are pinned), builds it with `followshift build --now` in the middle of the night,
and prints the size of live.json as written, gzipped and brotli-compressed (when the `brotli`
module is installed), with the number of posts it holds. Deterministic: the same arguments give
the same bytes. Not a timing benchmark: nothing here is timed.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

SHIFT = "2026-10-24-megavolgdienst"
WORDS = [
    *("politie", "surveillance", "wijk", "melding", "controle", "bestuurder", "fiets"),
    *("scooter", "centrum", "rustig", "agenten", "bekeuring", "alcohol", "verkeer"),
    *("snelheid", "parkeren", "overlast", "jongeren", "station", "markt"),
]


def photo(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (160, 120), tuple(rng.randrange(256) for _ in range(3)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=70)
    return out.getvalue()


def write_site(root: Path, posts: int, photo_every: int) -> None:
    rng = random.Random(1)
    content = root / "content"
    (content / SHIFT).mkdir(parents=True)
    (content / "site.yaml").write_text(
        "title: Volgdienst Oost\nbase_url: https://volgdienst.example.nl/\n", encoding="utf-8"
    )
    (content / SHIFT / "shift.yaml").write_text(
        "title: Megavolgdienst Oost-Nederland\nstart: 2026-10-24 19:00\n"
        "end: 2026-10-25 03:00\ndescription: Een avond mee met **27 teams**.\n",
        encoding="utf-8",
    )
    teams = [f"team-{n:02d}" for n in range(1, 28)]
    for n in range(posts):
        minute = n * (8 * 60 - 1) // posts  # spread over the evening, in time order
        hh, mm = divmod(19 * 60 + minute, 60)
        stamp = f"{hh % 24:02d}{mm:02d}"
        team = teams[n % len(teams)]
        folder = content / SHIFT / team
        folder.mkdir(exist_ok=True)
        name = f"{stamp}-bericht-{n:05d}"
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
        front = []
        if rng.random() < 0.3:
            front.append(f"title: Bericht {n}")
        if rng.random() < 0.02:
            front.append("pinned: true")
        if photo_every and n % photo_every == 0:
            (folder / f"{name}.jpg").write_bytes(photo(n))
            front.append(f"photos:\n  - file: {name}.jpg\n    alt: Een agent bij melding {n}")
        head = "---\n" + "\n".join(front) + "\n---\n" if front else ""
        (folder / f"{name}.md").write_text(f"{head}{words}.\n", encoding="utf-8")


def sizes(data: bytes) -> dict[str, int]:
    found = {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0))}
    try:
        import brotli  # type: ignore[import-not-found]
    except ImportError:
        return found
    found["brotli"] = len(brotli.compress(data))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--photo-every", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="fs-live-size-"))
    try:
        if not (root / "content").exists():
            write_site(root, args.posts, args.photo_every)
        subprocess.run(
            [sys.executable, "-m", "followshift", "build", "-q", "--now", "2026-10-25T02:59"],
            cwd=root,
            check=True,
        )
        data = (root / "site" / SHIFT / "live.json").read_bytes()
        doc = json.loads(data)
        print(f"{args.posts} posts, live.json holds {len(doc['posts'])} (poll {doc['poll']} s)")
        for kind, size in sizes(data).items():
            print(f"  {kind:7} {size:8,d} bytes")
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
