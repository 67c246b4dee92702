"""When a post happened: front matter, file name, EXIF; its day in the shift; the DST night."""

from __future__ import annotations

import io
from pathlib import Path

import pillow_heif
from conftest import (
    AFTER,
    SHIFT,
    SITE_YAML,
    Run,
    article_ids,
    jpeg,
    make_site,
    post_path,
    read,
)
from PIL import ExifTags, Image

# Ended shifts read oldest first, so the page order is the chronological order.
OLDEST_FIRST = "order: oldest-first\n"


def shift_site(
    tmp_path: Path, posts: dict[str, str | bytes], shift_yaml: str | None = None
) -> Path:
    files: dict[str, str | bytes] = {
        "content/site.yaml": SITE_YAML,
        "content/teams.yaml": "zevenaar:\n  name: Team Zevenaar\n",
        f"content/{SHIFT}/shift.yaml": shift_yaml
        or "title: Megavolgdienst\nstart: 2026-10-24 19:00\nend: 2026-10-25 03:00\n" + OLDEST_FIRST,
    }
    for name, text in posts.items():
        files[post_path("zevenaar", name)] = text
    return make_site(tmp_path, files)


def timeline(root: Path) -> list[str]:
    return [
        a.removeprefix("zevenaar--") for a in article_ids(read(root, f"site/{SHIFT}/index.html"))
    ]


def post_page(root: Path, post_id: str) -> str:
    return read(root, f"site/{SHIFT}/zevenaar/{post_id}/index.html")


def test_front_matter_time_wins_over_the_file_name(tmp_path: Path, run: Run) -> None:
    shift_site(tmp_path, {"1900-start.md": "---\ntime: 21:45\n---\nLater dan de naam zegt.\n"})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert 'datetime="2026-10-24T21:45:00+02:00"' in post_page(tmp_path, "1900-start")


def test_a_full_date_time_with_an_offset_is_read_as_that_instant(tmp_path: Path, run: Run) -> None:
    shift_site(
        tmp_path, {"inzet.md": "---\ntime: 2026-10-24T18:30:00Z\n---\nInzet in het centrum.\n"}
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert 'datetime="2026-10-24T20:30:00+02:00"' in post_page(tmp_path, "inzet")


def test_the_hhmm_prefix_of_the_file_name_gives_the_time(tmp_path: Path, run: Run) -> None:
    shift_site(tmp_path, {"2215-aanhouding.md": "Een aanhouding.\n"})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert 'datetime="2026-10-24T22:15:00+02:00"' in post_page(tmp_path, "2215-aanhouding")


def test_a_post_without_time_takes_the_exif_time_of_its_first_photo(
    tmp_path: Path, run: Run
) -> None:
    shift_site(
        tmp_path,
        {
            "weekmarkt.md": "Op de weekmarkt.\n",
            "weekmarkt.jpg": jpeg("2026:10:24 21:30:00"),
            "weekmarkt-2.jpg": jpeg("2026:10:24 23:10:00"),
        },
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert 'datetime="2026-10-24T21:30:00+02:00"' in post_page(tmp_path, "weekmarkt")


def test_a_lone_photo_becomes_a_photo_only_post_at_its_capture_time(
    tmp_path: Path, run: Run
) -> None:
    shift_site(
        tmp_path,
        {
            "1900-start.md": "Start.\n",
            "IMG_4711.jpg": jpeg("2026:10:24 20:05:00"),
            "2100-later.md": "Later.\n",
        },
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert timeline(tmp_path) == ["1900-start", "img-4711", "2100-later"]
    assert 'datetime="2026-10-24T20:05:00+02:00"' in post_page(tmp_path, "img-4711")


def test_an_after_midnight_post_lands_on_the_next_day_and_after_the_evening(
    tmp_path: Path, run: Run
) -> None:
    shift_site(
        tmp_path,
        {
            "0105-laatste-ronde.md": "Laatste ronde.\n",
            "2330-kroegen.md": "Langs de kroegen.\n",
            "1900-start.md": "Start.\n",
            "0010-middernacht.md": "Middernacht.\n",
        },
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert timeline(tmp_path) == [
        "1900-start",
        "2330-kroegen",
        "0010-middernacht",
        "0105-laatste-ronde",
    ]
    assert 'datetime="2026-10-25T01:05:00+02:00"' in post_page(tmp_path, "0105-laatste-ronde")


def test_a_post_with_no_time_at_all_is_an_error_naming_its_path(tmp_path: Path, run: Run) -> None:
    shift_site(tmp_path, {"1900-start.md": "Start.\n", "zomaar.md": "Geen tijd.\n"})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 1
    errors = result.diagnostics("error")
    assert len(errors) == 1
    assert errors[0].startswith(f"content/{SHIFT}/zevenaar/zomaar.md")
    assert "time" in errors[0]
    assert (tmp_path / f"site/{SHIFT}/zevenaar/1900-start/index.html").is_file()
    assert not (tmp_path / f"site/{SHIFT}/zevenaar/zomaar").exists()


# -- the night summer time ends (2026-10-25 03:00 +02:00 → 02:00 +01:00) ------------------------


def test_a_time_the_clock_shows_twice_builds_with_a_warning_asking_for_an_offset(
    tmp_path: Path, run: Run
) -> None:
    shift_site(tmp_path, {"nacht.md": "---\ntitle: Nacht\ntime: 02:30\n---\nIn de nacht.\n"})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = result.diagnostics("warning")
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith(f"content/{SHIFT}/zevenaar/nacht.md:3: warning:")
    assert "twice" in warnings[0]
    assert "offset" in warnings[0]
    assert (tmp_path / f"site/{SHIFT}/zevenaar/nacht/index.html").is_file()


def test_posts_in_the_doubled_hour_are_ordered_by_instant_not_by_wall_time(
    tmp_path: Path, run: Run
) -> None:
    shift_site(
        tmp_path,
        {
            # 02:45 in winter time happens an hour after 02:50 in summer time.
            "a-winter.md": "---\ntime: 2026-10-25T02:45+01:00\n---\nTweede keer 02:45.\n",
            "b-summer.md": "---\ntime: 2026-10-25T02:50+02:00\n---\nEerste keer 02:50.\n",
            "c-same-wall-winter.md": "---\ntime: 2026-10-25T02:30+01:00\n---\nWinter.\n",
            "d-same-wall-summer.md": "---\ntime: 2026-10-25T02:30+02:00\n---\nZomer.\n",
        },
        shift_yaml="title: Nacht\nstart: 2026-10-24 19:00\nend: 2026-10-25 04:00\n" + OLDEST_FIRST,
    )

    result = run(["build", "--now", "2026-10-25T05:00"], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.diagnostics("warning") == []
    assert timeline(tmp_path) == [
        "d-same-wall-summer",  # 00:30 UTC
        "b-summer",  # 00:50 UTC
        "c-same-wall-winter",  # 01:30 UTC
        "a-winter",  # 01:45 UTC
    ]


def test_check_strict_fails_on_the_doubled_hour_warning(tmp_path: Path, run: Run) -> None:
    shift_site(tmp_path, {"nacht.md": "---\ntime: 02:30\n---\nIn de nacht.\n"})

    relaxed = run(["check", "--now", AFTER], tmp_path)
    strict = run(["check", "--strict", "--now", AFTER], tmp_path)

    assert relaxed.exit_code == 0, relaxed.stderr
    assert strict.exit_code == 1
    assert "twice" in strict.stderr
    assert not (tmp_path / "site").exists()


def test_a_time_the_clock_never_shows_builds_with_a_warning(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        {
            "content/site.yaml": SITE_YAML,
            "content/2026-03-28-volgdienst/shift.yaml": (
                "title: Voorjaar\nstart: 2026-03-28 19:00\nend: 2026-03-29 05:00\n"
            ),
            "content/2026-03-28-volgdienst/zevenaar/nacht.md": "---\ntime: 02:30\n---\nNacht.\n",
        },
    )

    result = run(["build", "--now", "2026-03-29T12:00"], tmp_path)

    assert result.exit_code == 0, result.stderr
    warnings = [w for w in result.diagnostics("warning") if "nacht.md" in w]
    assert len(warnings) == 1, result.stderr
    assert warnings[0].startswith("content/2026-03-28-volgdienst/zevenaar/nacht.md:2: warning:")
    assert "does not exist" in warnings[0]
    page = read(tmp_path, "site/2026-03-28-volgdienst/zevenaar/nacht/index.html")
    assert 'datetime="2026-03-29T03:30:00+02:00"' in page


def heic(taken: str) -> bytes:
    """A real, tiny HEIC (the iPhone default) with EXIF DateTimeOriginal."""
    pillow_heif.register_heif_opener()
    image = Image.new("RGB", (32, 24), (40, 40, 180))
    exif = Image.Exif()
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
    buffer = io.BytesIO()
    image.save(buffer, "HEIF", exif=exif, quality=50)
    return buffer.getvalue()


def test_a_lone_iphone_heic_photo_is_timed_by_its_exif_capture_time(
    tmp_path: Path, run: Run
) -> None:
    photo = heic("2026:10:24 22:40:00")
    shift_site(tmp_path, {"1900-start.md": "Start.\n", "IMG_4711.heic": photo})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert timeline(tmp_path) == ["1900-start", "img-4711"]
    assert 'datetime="2026-10-24T22:40:00+02:00"' in post_page(tmp_path, "img-4711")


def test_an_exif_offset_settles_a_photo_taken_in_the_doubled_hour(tmp_path: Path, run: Run) -> None:
    shift_site(
        tmp_path,
        {
            "IMG_0001.jpg": jpeg("2026:10:25 02:30:00", offset="+01:00"),
            "IMG_0002.jpg": jpeg("2026:10:25 02:40:00", offset="+02:00"),
        },
    )

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert not any("twice" in w for w in result.diagnostics("warning")), result.stderr
    assert timeline(tmp_path) == ["img-0002", "img-0001"]
    assert 'datetime="2026-10-25T02:30:00+01:00"' in post_page(tmp_path, "img-0001")


def test_a_photo_without_an_exif_offset_in_the_doubled_hour_warns(tmp_path: Path, run: Run) -> None:
    shift_site(tmp_path, {"IMG_0001.jpg": jpeg("2026:10:25 02:30:00")})

    result = run(["build", "--now", AFTER], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert any(
        w.startswith(f"content/{SHIFT}/zevenaar/IMG_0001.jpg") and "twice" in w
        for w in result.diagnostics("warning")
    ), result.stderr


def test_a_camera_clock_far_outside_the_shift_is_warned_about(tmp_path: Path, run: Run) -> None:
    # SPEC is silent; the same rule as for a clock time outside the shift (times.place_in_shift).
    shift_site(
        tmp_path,
        {"1900-start.md": "Start.\n", "IMG_0001.jpg": jpeg("2019:01:01 00:00:00")},
    )

    result = run(["check", "--now", AFTER], tmp_path)

    assert any(
        "IMG_0001.jpg" in w and "outside the shift" in w for w in result.diagnostics("warning")
    ), result.stderr
