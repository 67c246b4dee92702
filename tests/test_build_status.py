"""What readers see depends on --now: upcoming, live, ended; scheduled, delayed and draft posts."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import (
    AFTER,
    BEFORE,
    DURING,
    SHIFT,
    SHIFT_YAML,
    SITE_YAML,
    Run,
    article_ids,
    make_site,
    post_path,
    read,
    site_files,
)

ALL_POSTS = [
    "zevenaar--1900-de-dienst-begint",
    "zevenaar--1915-weekmarkt",
    "neder-betuwe--2000-verkeerscontrole",
    "zevenaar--0105-laatste-ronde",
]


def shift_page(root: Path) -> str:
    return read(root, f"site/{SHIFT}/index.html")


def timeline_part(html: str) -> str:
    """The timeline section only (highlights link to posts too)."""
    return html[html.index('class="timeline-section"') :]


def exists(root: Path, rel: str) -> bool:
    return (root / "site" / rel).exists()


def test_an_upcoming_shift_shows_when_it_starts(site: Path, run: Run) -> None:
    result = run(["build", "--now", BEFORE], site)

    assert result.exit_code == 0, result.stderr
    page = shift_page(site)
    status = re.search(r'<p class="shift-status">(.*?)</p>', page, re.S)
    assert status is not None
    assert "Binnenkort" in status[1]
    assert "zaterdag 24 oktober 2026, 19:00" in status[1]
    # Said once: no lead under it repeating the start.
    assert '<p class="lead">' not in page.split('class="shift-header"')[1].split("</header>")[0]
    assert article_ids(page) == []
    assert not exists(site, f"{SHIFT}/zevenaar/1900-de-dienst-begint/index.html")


def test_a_live_shift_shows_the_newest_post_first(site: Path, run: Run) -> None:
    result = run(["build", "--now", DURING], site)

    assert result.exit_code == 0, result.stderr
    page = shift_page(site)
    assert article_ids(timeline_part(page)) == [
        "neder-betuwe--2000-verkeerscontrole",
        "zevenaar--1915-weekmarkt",
        "zevenaar--1900-de-dienst-begint",
    ]
    assert "nieuwste eerst" in page
    assert '<span class="status status-live">Live</span>' in page
    assert "Laatste bericht om 20:00." in page


def test_an_ended_shift_reads_as_a_report_oldest_first_with_highlights_on_top(
    site: Path, run: Run
) -> None:
    result = run(["build", "--now", AFTER], site)

    assert result.exit_code == 0, result.stderr
    page = shift_page(site)
    assert article_ids(timeline_part(page)) == ALL_POSTS
    assert "verslag" in page
    assert "oudste eerst" in page
    highlights = page.index('class="highlights"')
    assert highlights < page.index('class="timeline-section"')
    assert "Weekmarkt" in page[highlights : page.index('class="timeline-section"')]


def test_order_newest_first_overrides_an_ended_shift(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files({f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "order: newest-first\n"}),
    )

    run(["build", "--now", AFTER], tmp_path)

    assert article_ids(timeline_part(shift_page(tmp_path))) == ALL_POSTS[::-1]


def test_order_oldest_first_overrides_a_live_shift(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files({f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "order: oldest-first\n"}),
    )

    run(["build", "--now", DURING], tmp_path)

    assert article_ids(timeline_part(shift_page(tmp_path))) == ALL_POSTS[:3]


def test_the_team_timeline_follows_the_same_order(site: Path, run: Run) -> None:
    run(["build", "--now", "2026-10-25T02:00"], site)

    team_page = read(site, f"site/{SHIFT}/zevenaar/index.html")
    assert article_ids(timeline_part(team_page)) == [
        "zevenaar--0105-laatste-ronde",
        "zevenaar--1915-weekmarkt",
        "zevenaar--1900-de-dienst-begint",
    ]


def test_a_post_whose_time_is_in_the_future_is_not_published_yet(site: Path, run: Run) -> None:
    result = run(["build", "--now", DURING], site)

    assert result.exit_code == 0, result.stderr
    post = f"{SHIFT}/zevenaar/0105-laatste-ronde"
    assert not exists(site, f"{post}/index.html")
    assert "0105-laatste-ronde" not in shift_page(site)
    assert "0105-laatste-ronde" not in read(site, f"site/{SHIFT}/zevenaar/index.html")
    assert "0105-laatste-ronde" not in read(site, "site/sitemap.xml")
    assert "Een laatste ronde" not in read(site, "site/teams/zevenaar/index.html")

    run(["build", "--now", AFTER], site)

    assert exists(site, f"{post}/index.html")


def test_a_shift_delay_hides_a_post_until_its_time_plus_the_delay(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "delay: 15m\n",
                post_path("zevenaar", "2050-achtervolging.md"): "Een achtervolging.\n",
            }
        ),
    )
    post = f"{SHIFT}/zevenaar/2050-achtervolging/index.html"

    run(["build", "--now", "2026-10-24T21:04"], tmp_path)
    hidden = exists(tmp_path, post)
    earlier_visible = exists(tmp_path, f"{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html")
    run(["build", "--now", "2026-10-24T21:05"], tmp_path)

    assert not hidden
    assert earlier_visible
    assert exists(tmp_path, post)


def test_a_site_wide_delay_applies_to_every_shift(tmp_path: Path, run: Run) -> None:
    make_site(tmp_path, site_files({"content/site.yaml": SITE_YAML + "delay: 15m\n"}))

    result = run(["build", "--now", "2026-10-24T20:10"], tmp_path)

    assert result.exit_code == 0, result.stderr
    assert exists(tmp_path, f"{SHIFT}/zevenaar/1915-weekmarkt/index.html")
    assert not exists(tmp_path, f"{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html")


def test_a_shift_delay_overrides_the_site_delay(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                "content/site.yaml": SITE_YAML + "delay: 1h\n",
                f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "delay: 0\n",
            }
        ),
    )

    run(["build", "--now", "2026-10-24T20:10"], tmp_path)

    assert exists(tmp_path, f"{SHIFT}/neder-betuwe/2000-verkeerscontrole/index.html")


def test_a_draft_is_hidden_unless_build_drafts(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {post_path("zevenaar", "2030-concept.md"): "---\nstatus: draft\n---\nNog geheim.\n"}
        ),
    )
    post = f"{SHIFT}/zevenaar/2030-concept/index.html"

    public = run(["build", "--now", AFTER], tmp_path)
    hidden = not exists(tmp_path, post) and "Nog geheim" not in shift_page(tmp_path)
    preview = run(["build", "--now", AFTER, "--drafts", "--out", "preview"], tmp_path)

    assert public.exit_code == preview.exit_code == 0
    assert hidden
    assert "Nog geheim" in read(tmp_path, f"preview/{post}")
    assert "Nog geheim" in read(tmp_path, f"preview/{SHIFT}/index.html")


def test_a_pinned_post_is_listed_in_the_highlights(site: Path, run: Run) -> None:
    run(["build", "--now", DURING], site)

    page = shift_page(site)
    # Live: one tap away, in a <details> before the timeline.
    start = page.index('<details class="fold highlights">')
    box = page[start : page.index('class="timeline-section"')]
    assert "Hoogtepunten" in box
    assert "#zevenaar--1915-weekmarkt" in box
    assert "1900-de-dienst-begint" not in box


def test_an_updated_post_shows_bijgewerkt_with_the_time(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                post_path("zevenaar", "1915-weekmarkt.md"): (
                    "---\ntitle: Weekmarkt\nupdated: 20:10\n---\nOp de weekmarkt.\n"
                )
            }
        ),
    )

    run(["build", "--now", AFTER], tmp_path)

    page = read(tmp_path, f"site/{SHIFT}/zevenaar/1915-weekmarkt/index.html")
    text = re.sub(r"<[^>]+>", "", page)
    assert "bijgewerkt 20:10" in text


def test_the_index_lists_live_shifts_first_then_upcoming_then_past(
    tmp_path: Path, run: Run
) -> None:
    shift = "title: {title}\nstart: {start}\nend: {end}\n"
    make_site(
        tmp_path,
        {
            "content/site.yaml": SITE_YAML,
            "content/2026-09-01-verleden/shift.yaml": shift.format(
                title="Verleden dienst", start="2026-09-01 19:00", end="2026-09-01 23:00"
            ),
            "content/2026-12-01-toekomst/shift.yaml": shift.format(
                title="Toekomstige dienst", start="2026-12-01 19:00", end="2026-12-01 23:00"
            ),
            "content/2026-10-24-nu/shift.yaml": shift.format(
                title="Dienst van nu", start="2026-10-24 19:00", end="2026-10-25 03:00"
            ),
        },
    )

    result = run(["build", "--now", DURING], tmp_path)

    assert result.exit_code == 0, result.stderr
    index = read(tmp_path, "site/index.html")
    positions = [index.index(t) for t in ("Dienst van nu", "Toekomstige dienst", "Verleden dienst")]
    assert positions == sorted(positions)


def test_the_summary_counts_public_draft_and_scheduled_posts(tmp_path: Path, run: Run) -> None:
    make_site(
        tmp_path,
        site_files(
            {
                f"content/{SHIFT}/shift.yaml": SHIFT_YAML + "delay: 15m\n",
                post_path("zevenaar", "2030-concept.md"): "---\nstatus: draft\n---\nNog geheim.\n",
                post_path("zevenaar", "2050-achtervolging.md"): "Een achtervolging.\n",
            }
        ),
    )
    # 21:04 with a 15-minute delay: 19:00, 19:15 and 20:00 are public; 20:50 (until 21:05) and
    # 01:05 are scheduled; 20:30 is a draft, public in a --drafts preview.
    built = run(["build", "--now", "2026-10-24T21:04"], tmp_path)
    preview = run(["build", "--now", "2026-10-24T21:04", "--drafts", "--out", "preview"], tmp_path)

    assert "3 posts public, 1 draft, 2 scheduled into site" in built.stderr
    assert "4 posts public, 2 scheduled into preview" in preview.stderr
