"""Writes a deterministic text-only corpus for TEXT-N: followshift content and, from the same
posts, a Hugo site and an Eleventy site that do equivalent work.

    python bench/text/make_corpus.py bench/corpus/text-10k --posts 10000 [--teams 27] [--seed 1]
    python bench/text/make_corpus.py bench/corpus/text-10k-weekly --posts 10000 --shape weekly

Two shapes of site. `mixed` (the default) spreads the posts over a few big shifts of ~500–5000
posts, 1–3 weeks apart; a shift of 2000 posts or more is a megavolgdienst of all teams, a
smaller one has a random third to all of them. `weekly` is the shape a region reaches after a
year of weekly follow shifts: shifts of 250 posts, one a week (10k posts: 40 shifts), each with
a random third to all of the teams. Shifts run 19:00–03:00, never on a night the clocks change. Every post is 40–120 words of Dutch-ish text in one to three
paragraphs, most with some **bold** and about half with a link; about 30 % have front matter
(a title, sometimes an author; ~2 % of all posts are pinned), the rest are bare text files
named `HHMM-slug-NNNNN.md`.

What each tool builds from it (SPEC §3 layout):

| output | followshift | Hugo | Eleventy |
| --- | --- | --- | --- |
| a page per post | post page | `page` | post layout |
| a listing per team in a shift (full posts) | team timeline | nested `section` | pagination |
| a combined listing per shift (full posts) | shift timeline | top `section` | pagination |
| a team across all shifts | `teams/<team>/` | taxonomy `term` | pagination |
| the home listing of shifts | `index.html` | `home` | `index.njk` |
| a feed | (not yet) | Atom, newest 50 | Atom, newest 50 |
| sitemap, robots.txt, 404 | yes | yes | yes |

The same seed always gives the same bytes. `corpus.json` in the output folder records the
parameters, so a second call with the same ones returns at once.
"""

# The Hugo and Eleventy templates below are kept one element per line, as written by hand.
# ruff: noqa: E501

from __future__ import annotations

import argparse
import json
import random
import shutil
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Europe/Amsterdam")
FORMAT_VERSION = 3  # bump when the files or the parameters change, so old corpora are rewritten
SHAPES = ("mixed", "weekly")
WEEKLY_SHIFT = 250  # posts in each shift of the weekly shape
FIRST_SHIFT = date(2024, 1, 12)
SHIFT_MINUTES = 8 * 60  # 19:00–03:00
BASE_URL = "https://bench.example/"
SITE_TITLE = "Politie Oost-Nederland volgt"
SITE_DESCRIPTION = "Kijk live mee met agenten in Oost-Nederland tijdens een volgdienst."

TEAM_NAMES = (
    "Zevenaar",
    "Neder-Betuwe",
    "Nijmegen-Zuid",
    "Nijmegen-Noord",
    "Arnhem-Noord",
    "Arnhem-Zuid",
    "Overbetuwe",
    "Rheden",
    "Apeldoorn",
    "Epe",
    "Ede",
    "Wageningen",
    "Tiel",
    "Zutphen",
    "Deventer",
    "Zwolle",
    "Kampen",
    "Hardenberg",
    "Almelo",
    "Hengelo",
    "Enschede",
    "Oldenzaal",
    "Borne",
    "Raalte",
    "Doetinchem",
    "Winterswijk",
    "Berkelland",
)
REGIONS = (
    "Gelderland-Midden",
    "Gelderland-Zuid",
    "Noord- en Oost-Gelderland",
    "IJsselland",
    "Twente",
)
AUTHORS = (
    "Wijkagent Marieke",
    "Wijkagent Hein",
    "Agent Jorien",
    "Brigadier Ruud",
    "Hoofdagent Samira",
    "Wijkagent Kees",
    "Agent Daan",
    "Brigadier Fatma",
)
TOPICS = (
    "weekmarkt",
    "fietsers zonder licht",
    "inbraakalarm",
    "verkeerscontrole",
    "snelheid",
    "aanrijding",
    "burenruzie",
    "melding overlast",
    "controle op de kermis",
    "rijbewijs kwijt",
    "alcoholcontrole",
    "verdachte situatie",
    "gevonden hond",
    "koffie op het bureau",
    "surveillance centrum",
    "vuurwerk",
    "parkeren op de stoep",
    "jongeren op het plein",
    "telefoon achter het stuur",
    "briefing",
    "de meldkamer",
    "preventietips",
    "winkeldiefstal",
    "brandje in een container",
    "vermiste fiets",
    "laatste ronde",
)
WORDS = (
    "de",
    "het",
    "een",
    "en",
    "van",
    "op",
    "in",
    "met",
    "voor",
    "bij",
    "naar",
    "we",
    "wij",
    "agenten",
    "politie",
    "dienst",
    "avond",
    "nacht",
    "straat",
    "wijk",
    "centrum",
    "markt",
    "auto",
    "fiets",
    "fietsers",
    "bestuurder",
    "melding",
    "collega",
    "collega's",
    "buurt",
    "bewoners",
    "controle",
    "snelheid",
    "verkeer",
    "rustig",
    "druk",
    "even",
    "nog",
    "ook",
    "maar",
    "dan",
    "toen",
    "direct",
    "gelukkig",
    "helaas",
    "vanavond",
    "vannacht",
    "ronde",
    "surveilleren",
    "spreken",
    "aangesproken",
    "gecontroleerd",
    "waarschuwing",
    "bekeuring",
    "rijbewijs",
    "kenteken",
    "alarm",
    "woning",
    "winkel",
    "plein",
    "kermis",
    "jongeren",
    "hond",
    "eigenaar",
    "gevonden",
    "meldkamer",
    "koffie",
    "bureau",
    "brug",
    "dijk",
    "rotonde",
    "kruispunt",
    "snelweg",
    "parkeerplaats",
    "station",
    "school",
    "sporthal",
    "café",
    "terras",
    "licht",
    "lampjes",
    "veilig",
    "samen",
    "weer",
    "terug",
    "verder",
    "vriendelijk",
    "verdacht",
    "situatie",
    "getuigen",
    "camerabeelden",
    "onderzoek",
    "aanrijding",
    "schade",
    "gewonden",
    "ambulance",
    "brandweer",
    "hulp",
    "snel",
    "daarna",
    "omdat",
    "zodat",
    "waar",
    "wie",
    "wat",
    "hoe",
    "alles",
    "niets",
    "iedereen",
    "mensen",
    "dank",
    "tips",
    "preventie",
    "inbraak",
    "ramen",
    "deuren",
    "sleutel",
    "buren",
    "opletten",
    "één",
    "twee",
    "drie",
    "paar",
    "veel",
    "weinig",
    "kwartier",
    "uur",
    "minuten",
    "later",
    "zojuist",
    "net",
    "mooi",
    "koud",
    "regen",
    "donker",
    "idee",
    "vraag",
    "antwoord",
    "gesprek",
    "uitleg",
    "afspraak",
    "wijkagent",
    "motoragent",
    "hondengeleider",
    "bus",
)
LINKS = (
    "https://www.politie.nl/themas/woninginbraak.html",
    "https://www.politie.nl/themas/verkeer.html",
    "https://www.politie.nl/mijn-buurt/politiebureaus",
    "https://www.politie.nl/aangifte-of-melding-doen",
    "https://www.politie.nl/themas/fietsdiefstal.html",
)


# -- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamData:
    id: str
    name: str
    region: str
    color: str


@dataclass(frozen=True)
class ShiftData:
    id: str
    title: str
    start: datetime  # aware, Europe/Amsterdam
    end: datetime
    teams: tuple[str, ...]
    description: str  # Markdown


@dataclass(frozen=True)
class PostData:
    shift: str
    team: str
    stem: str
    when: datetime  # aware, Europe/Amsterdam, whole minutes
    title: str | None
    author: str | None
    pinned: bool
    body: str  # Markdown


@dataclass(frozen=True)
class Corpus:
    teams: tuple[TeamData, ...]
    shifts: tuple[ShiftData, ...]
    posts: tuple[PostData, ...]

    def shift(self, shift_id: str) -> ShiftData:
        return next(s for s in self.shifts if s.id == shift_id)

    def team(self, team_id: str) -> TeamData:
        return next(t for t in self.teams if t.id == team_id)


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() and c.isascii() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)


def _teams(count: int, rng: random.Random) -> tuple[TeamData, ...]:
    teams = []
    for index in range(count):
        name = TEAM_NAMES[index] if index < len(TEAM_NAMES) else f"Team {index + 1}"
        teams.append(
            TeamData(
                id=_slug(name),
                name=f"Politieteam {name}",
                region=rng.choice(REGIONS),
                color=f"#{rng.randrange(0x1000000):06x}",
            )
        )
    return tuple(teams)


def _shift_sizes(posts: int, rng: random.Random) -> list[int]:
    """Sizes of ~500–5000 that add up to `posts` (one smaller shift if posts < 500)."""
    sizes, remaining = [], posts
    while remaining > 0:
        size = min(rng.randint(500, 5000), remaining)
        if remaining - size < 500:
            size = remaining if remaining <= 5000 else remaining - 500
        sizes.append(size)
        remaining -= size
    return sizes


def _weekly_sizes(posts: int) -> list[int]:
    """Shifts of WEEKLY_SHIFT posts; what is left over is one smaller last shift."""
    sizes = [WEEKLY_SHIFT] * (posts // WEEKLY_SHIFT)
    return [*sizes, posts % WEEKLY_SHIFT] if posts % WEEKLY_SHIFT else sizes


def _same_offset(day: date) -> bool:
    """Whether the clocks do not change between 19:00 on `day` and 03:00 the next morning."""
    start = datetime(day.year, day.month, day.day, 19, tzinfo=TZ)
    end_day = day + timedelta(days=1)
    end = datetime(end_day.year, end_day.month, end_day.day, 3, tzinfo=TZ)
    return start.utcoffset() == end.utcoffset()


def _sentence(rng: random.Random, words: int) -> str:
    chosen = [rng.choice(WORDS) for _ in range(words)]
    chosen[0] = chosen[0][:1].upper() + chosen[0][1:]
    return " ".join(chosen) + rng.choice((".", ".", ".", "!", "?"))


def _body(rng: random.Random) -> str:
    total = rng.randint(40, 120)
    sentences, count = [], 0
    while count < total:
        length = min(rng.randint(6, 14), total - count)
        if length < 3 and sentences:
            break
        sentences.append(_sentence(rng, length))
        count += length
    if rng.random() < 0.7:  # some bold
        index = rng.randrange(len(sentences))
        words = sentences[index].split(" ")
        pick = rng.randrange(len(words))
        word = words[pick].rstrip(".!?")
        words[pick] = f"**{word}**{words[pick][len(word) :]}"
        sentences[index] = " ".join(words)
    if rng.random() < 0.5:  # a link
        sentences.append(f"Meer tips op [politie.nl]({rng.choice(LINKS)}).")
    paragraphs = rng.randint(1, 3)
    cut = sorted(rng.sample(range(1, len(sentences)), min(paragraphs - 1, len(sentences) - 1)))
    parts, last = [], 0
    for point in [*cut, len(sentences)]:
        parts.append(" ".join(sentences[last:point]))
        last = point
    return "\n\n".join(parts) + "\n"


def _post(rng: random.Random, shift: ShiftData, team: str, when: datetime, number: int) -> PostData:
    topic = rng.choice(TOPICS)
    has_front = rng.random() < 0.30
    pinned = rng.random() < 0.02
    title = topic[:1].upper() + topic[1:] if has_front or pinned else None
    author = rng.choice(AUTHORS) if title and rng.random() < 0.5 else None
    return PostData(
        shift=shift.id,
        team=team,
        stem=f"{when:%H%M}-{_slug(topic)}-{number:05d}",
        when=when,
        title=title,
        author=author,
        pinned=pinned,
        body=_body(rng),
    )


def generate(posts: int, teams: int = 27, seed: int = 1, shape: str = "mixed") -> Corpus:
    """The corpus: the same arguments always give the same corpus."""
    if shape not in SHAPES:
        raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
    weekly = shape == "weekly"
    rng = random.Random(seed)
    team_data = _teams(teams, rng)
    shifts: list[ShiftData] = []
    all_posts: list[PostData] = []
    day = FIRST_SHIFT
    # The mixed shape draws its sizes from rng here, weekly does not: a mixed corpus stays
    # the same bytes as before the weekly shape existed.
    for size in _weekly_sizes(posts) if weekly else _shift_sizes(posts, rng):
        while not _same_offset(day):
            day += timedelta(days=1)
        if size >= 2000:
            members = tuple(t.id for t in team_data)
        else:
            count = rng.randint(max(1, teams // 3), teams)
            members = tuple(sorted(rng.sample([t.id for t in team_data], count)))
        start = datetime(day.year, day.month, day.day, 19, tzinfo=TZ)
        if len(members) > 3:
            shift_id, title = f"{day.isoformat()}-megavolgdienst", "Megavolgdienst Oost-Nederland"
        else:
            name = next(t.name for t in team_data if t.id == members[0])
            shift_id, title = f"{day.isoformat()}-volgdienst-{members[0]}", f"Volgdienst {name}"
        shift = ShiftData(
            id=shift_id,
            title=f"{title} {day.day}-{day.month}-{day.year}",
            start=start,
            end=start + timedelta(minutes=SHIFT_MINUTES),
            teams=members,
            description=(
                f"Vanavond laten **{len(members)} teams** zien wat ze tijdens een dienst "
                "meemaken.\n\nDit is geen meldpunt. **Bij spoed bel je 112**.\n"
            ),
        )
        shifts.append(shift)
        minutes = sorted(rng.randrange(SHIFT_MINUTES) for _ in range(size))
        for number, minute in enumerate(minutes):
            when = start + timedelta(minutes=minute)
            all_posts.append(_post(rng, shift, rng.choice(members), when, number))
        day += timedelta(days=7 if weekly else rng.randint(7, 21))
    return Corpus(team_data, tuple(shifts), tuple(all_posts))


def extra_post(corpus: Corpus) -> PostData:
    """The post of "one post added": the last minute of the last shift, first team."""
    shift = corpus.shifts[-1]
    rng = random.Random(f"extra-{len(corpus.posts)}")
    when = shift.end - timedelta(minutes=1)
    post = _post(rng, shift, shift.teams[0], when, 99999)
    return replace(post, title="Nagekomen bericht", pinned=False)


# -- followshift --------------------------------------------------------------------------------


def _yaml_str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def write_followshift(corpus: Corpus, content: Path) -> None:
    content.mkdir(parents=True)
    (content / "site.yaml").write_text(
        f"title: {_yaml_str(SITE_TITLE)}\nbase_url: {BASE_URL}\nlanguage: nl\n"
        f"timezone: Europe/Amsterdam\ndescription: {_yaml_str(SITE_DESCRIPTION)}\n",
        encoding="utf-8",
    )
    teams = []
    for team in corpus.teams:
        teams.append(
            f"{team.id}:\n  name: {_yaml_str(team.name)}\n  region: {_yaml_str(team.region)}\n"
            f'  color: "{team.color}"\n  links:\n'
            f"    website: https://www.politie.nl/mijn-buurt/{team.id}\n"
        )
    (content / "teams.yaml").write_text("".join(teams), encoding="utf-8")
    for shift in corpus.shifts:
        folder = content / shift.id
        folder.mkdir()
        description = "".join(
            f"  {line}\n" if line else "\n" for line in shift.description.splitlines()
        )
        (folder / "shift.yaml").write_text(
            f"title: {_yaml_str(shift.title)}\nstart: {shift.start:%Y-%m-%d %H:%M}\n"
            f"end: {shift.end:%Y-%m-%d %H:%M}\ndescription: |\n{description}",
            encoding="utf-8",
        )
        for team in shift.teams:
            (folder / team).mkdir()
    for post in corpus.posts:
        write_followshift_post(post, content)


def followshift_post_path(post: PostData, content: Path) -> Path:
    return content / post.shift / post.team / f"{post.stem}.md"


def write_followshift_post(post: PostData, content: Path) -> Path:
    lines = []
    if post.title:
        lines.append(f"title: {_yaml_str(post.title)}")
    if post.author:
        lines.append(f"author: {_yaml_str(post.author)}")
    if post.pinned:
        lines.append("pinned: true")
    front = "---\n" + "\n".join(lines) + "\n---\n" if lines else ""
    path = followshift_post_path(post, content)
    path.write_text(front + post.body, encoding="utf-8")
    return path


# -- Hugo ---------------------------------------------------------------------------------------

HUGO_CONFIG = f"""\
baseURL = "{BASE_URL}"
title = "{SITE_TITLE}"
languageCode = "nl"
defaultContentLanguage = "nl"
timeZone = "Europe/Amsterdam"
enableRobotsTXT = true
disableKinds = ["taxonomy", "rss"]

[params]
description = "{SITE_DESCRIPTION}"

[taxonomies]
team = "teams"

[mediaTypes."application/atom+xml"]
suffixes = ["xml"]

[outputFormats.atom]
mediaType = "application/atom+xml"
baseName = "feed"
isPlainText = true

[outputs]
home = ["html", "atom"]
section = ["html"]
page = ["html"]
term = ["html"]
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ site.Params.description }}">
<link rel="canonical" href="{{ .Permalink }}">
{{ $css := resources.Get "style.css" | fingerprint }}<link rel="stylesheet" href="{{ $css.RelPermalink }}">
<link rel="alternate" type="application/atom+xml" href="{{ "feed.xml" | absURL }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:url" content="{{ .Permalink }}">
</head>
<body>
<a class="skip" href="#main">Naar de inhoud</a>
<p class="emergency" role="note"><strong>Bij spoed: bel 112</strong></p>
<header class="site-header"><a class="site-title" href="{{ "/" | relURL }}">{{ site.Title }}</a></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>{{ site.Params.description }}</p><p>Bij spoed: bel 112</p></footer>
</body>
</html>
""",
    "_partials/post.html": """\
{{ $p := .post }}{{ $team := $p.Parent }}
<article class="post{{ if $p.Params.pinned }} is-pinned{{ end }}" id="{{ $p.Params.team }}--{{ $p.File.ContentBaseName }}">
  <header class="post-meta">
    <a class="badge team-{{ $p.Params.team }}" href="{{ $team.RelPermalink }}">{{ $team.Title }}</a>
    <a class="post-time" href="{{ $p.RelPermalink }}" title="{{ $p.Date | time.Format ":date_long" }} {{ $p.Date.Format "15:04" }}"><time datetime="{{ $p.Date.Format "2006-01-02T15:04:05-07:00" }}">{{ $p.Date.Format "15:04" }}</time></a>
    {{ if $p.Params.pinned }}<span class="tag tag-pinned">Hoogtepunt</span>{{ end }}
  </header>
  {{ if eq .heading "h1" }}<h1 class="post-title">{{ with $p.Title }}{{ . }}{{ else }}{{ $team.Title }}, {{ $p.Date.Format "15:04" }}{{ end }}</h1>
  {{ else }}<h3 class="post-title">{{ with $p.Title }}{{ . }}{{ else }}{{ $team.Title }}, {{ $p.Date.Format "15:04" }}{{ end }}</h3>{{ end }}
  <div class="post-body">{{ $p.Content }}</div>
  {{ with $p.Params.author }}<footer class="post-footer"><span class="post-author">{{ . }}</span></footer>{{ end }}
</article>
""",
    "_partials/highlights.html": """\
{{ with where .posts "Params.pinned" true }}
<section class="highlights" aria-labelledby="highlights-title">
  <h2 id="highlights-title">Hoogtepunten</h2>
  <ol>
  {{ range . }}<li><a href="#{{ .Params.team }}--{{ .File.ContentBaseName }}"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "15:04" }}</time> <span class="hl-title">{{ with .Title }}{{ . }}{{ else }}{{ .Plain | truncate 90 }}{{ end }}</span></a> <span class="hl-team">{{ .Parent.Title }}</span></li>
  {{ end }}
  </ol>
</section>
{{ end }}
""",
    "_partials/timeline.html": """\
<div class="timeline">
{{ $day := "" }}{{ range .posts }}{{ $d := .Date | time.Format ":date_full" }}{{ if ne $d $day }}<p class="day"><span>{{ $d }}</span></p>{{ $day = $d }}{{ end }}
{{ partial "post.html" (dict "post" . "heading" "h3") }}
{{ end }}
</div>
""",
    "_partials/team_filter.html": """\
<nav class="team-filter" aria-label="Teams">
  <ul>
    <li><a href="{{ .shift.RelPermalink }}"{{ if not .current }} aria-current="page"{{ end }}>Alle teams <span class="count">{{ len .shift.RegularPagesRecursive }}</span></a></li>
    {{ $current := .current }}{{ range .shift.Sections }}<li><a class="team-{{ .Params.team }}" href="{{ .RelPermalink }}"{{ if eq $current .Params.team }} aria-current="page"{{ end }}><span class="dot" aria-hidden="true"></span>{{ .Title }} <span class="count">{{ len .RegularPages }}</span></a></li>
    {{ end }}
  </ul>
</nav>
""",
    "home.html": """\
{{ define "main" }}
<header class="page-header"><h1>{{ site.Title }}</h1><p class="lead">{{ site.Params.description }}</p></header>
<section class="shift-list shift-list-ended" aria-labelledby="list-ended">
  <h2 id="list-ended">Eerdere volgdiensten</h2>
  <ul class="cards">
  {{ range .Sections.ByDate.Reverse }}
    <li class="shift-card"><p class="shift-status"><span class="status status-ended">Afgelopen</span> <time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date | time.Format ":date_long" }}, {{ .Date.Format "15:04" }}</time></p>
    <h3><a href="{{ .RelPermalink }}">{{ .Title }}</a></h3>
    <p class="meta">{{ len .RegularPagesRecursive }} berichten · {{ len .Sections }} teams</p></li>
  {{ end }}
  </ul>
</section>
{{ end }}
""",
    "section.html": """\
{{ define "title" }}{{ if .Parent.IsHome }}{{ .Title }}{{ else }}{{ .Title }} · {{ .Parent.Title }}{{ end }} · {{ site.Title }}{{ end }}
{{ define "main" }}
{{ if .Parent.IsHome }}
<header class="page-header"><h1>{{ .Title }}</h1><p><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date | time.Format ":date_long" }}, {{ .Date.Format "15:04" }}</time> – {{ .Params.end }}</p></header>
<div class="shift-description">{{ .Content }}</div>
{{ partial "team_filter.html" (dict "shift" . "current" "") }}
{{ $posts := .RegularPagesRecursive.ByDate }}
{{ partial "highlights.html" (dict "posts" $posts) }}
<section class="timeline-section" aria-labelledby="timeline-title">
  <h2 id="timeline-title">Tijdlijn <span class="order">oudste eerst</span></h2>
  {{ partial "timeline.html" (dict "posts" $posts) }}
</section>
{{ else }}
<nav class="breadcrumbs" aria-label="Kruimelpad"><a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<header class="page-header"><h1>{{ .Title }}</h1></header>
{{ with site.GetPage (printf "/teams/%s" .Params.team) }}<p class="team-links"><a href="{{ .RelPermalink }}">Alle volgdiensten van {{ .Title }}</a></p>{{ end }}
{{ partial "team_filter.html" (dict "shift" .Parent "current" .Params.team) }}
{{ $posts := .RegularPages.ByDate }}
{{ partial "highlights.html" (dict "posts" $posts) }}
<section class="timeline-section" aria-labelledby="timeline-title">
  <h2 id="timeline-title">Tijdlijn <span class="order">oudste eerst</span></h2>
  {{ partial "timeline.html" (dict "posts" $posts) }}
</section>
{{ end }}
{{ end }}
""",
    "page.html": """\
{{ define "title" }}{{ with .Title }}{{ . }}{{ else }}{{ $.Parent.Title }}, {{ $.Date.Format "15:04" }}{{ end }} · {{ .Parent.Parent.Title }} · {{ site.Title }}{{ end }}
{{ define "main" }}
<nav class="breadcrumbs" aria-label="Kruimelpad"><a href="{{ .Parent.Parent.RelPermalink }}">{{ .Parent.Parent.Title }}</a> › <a href="{{ .Parent.RelPermalink }}">{{ .Parent.Title }}</a></nav>
<div class="single">{{ partial "post.html" (dict "post" . "heading" "h1") }}</div>
<p class="post-date">Geplaatst {{ .Date | time.Format ":date_long" }} {{ .Date.Format "15:04" }}</p>
<nav class="post-nav" aria-label="Andere berichten">
  <ul>
    {{ with .PrevInSection }}<li class="older"><a href="{{ .RelPermalink }}" rel="prev"><span>Eerder</span> {{ with .Title }}{{ . }}{{ else }}{{ $.Parent.Title }}{{ end }}</a></li>{{ end }}
    <li class="back"><a href="{{ .Parent.Parent.RelPermalink }}#{{ .Params.team }}--{{ .File.ContentBaseName }}">Terug naar de tijdlijn</a></li>
    {{ with .NextInSection }}<li class="newer"><a href="{{ .RelPermalink }}" rel="next"><span>Later</span> {{ with .Title }}{{ . }}{{ else }}{{ $.Parent.Title }}{{ end }}</a></li>{{ end }}
  </ul>
</nav>
{{ end }}
""",
    "term.html": """\
{{ define "main" }}
<header class="page-header team-header">
  <p><span class="badge team-{{ .Params.team }}">{{ .Title }}</span></p>
  <h1>{{ .Title }}</h1>
  <p class="lead">{{ .Params.region }}</p>
  <ul class="social"><li><a href="{{ .Params.website }}" rel="noopener">Website</a></li></ul>
</header>
<section aria-labelledby="shifts-title">
  <h2 id="shifts-title">Volgdiensten</h2>
  <ul class="cards">
  {{ $team := .Params.team }}
  {{ range (.Pages.GroupBy "Section").Reverse }}{{ $shift := site.GetPage (printf "/%s" .Key) }}
    <li class="shift-card">
      <p class="shift-status"><span class="status status-ended">Afgelopen</span> {{ $shift.Date | time.Format ":date_long" }}</p>
      <h3><a href="{{ $shift.RelPermalink }}{{ $team }}/">{{ $shift.Title }}</a></h3>
      <p class="meta">{{ len .Pages }} berichten</p>
      {{ with where .Pages "Params.pinned" true }}<ul class="mini-highlights">
        {{ range .ByDate }}<li><a href="{{ .RelPermalink }}"><time datetime="{{ .Date.Format "2006-01-02T15:04:05-07:00" }}">{{ .Date.Format "15:04" }}</time> {{ with .Title }}{{ . }}{{ else }}{{ .Plain | truncate 80 }}{{ end }}</a></li>{{ end }}
      </ul>{{ end }}
    </li>
  {{ end }}
  </ul>
</section>
{{ end }}
""",
    "404.html": """\
{{ define "main" }}<h1>Pagina niet gevonden</h1><p><a href="{{ "/" | relURL }}">Naar de voorpagina</a></p>{{ end }}
""",
    "home.atom.xml": """\
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">
<title>{{ site.Title }}</title>
<id>{{ .Permalink }}</id>
<link rel="self" href="{{ "feed.xml" | absURL }}"/>
<link href="{{ .Permalink }}"/>
{{ $posts := first 50 site.RegularPages.ByDate.Reverse }}
<updated>{{ (index $posts 0).Date.Format "2006-01-02T15:04:05-07:00" }}</updated>
{{ range $posts }}<entry>
<title>{{ with .Title }}{{ . | htmlEscape }}{{ else }}{{ .Parent.Title }}, {{ .Date.Format "15:04" }}{{ end }}</title>
<id>{{ .Permalink }}</id>
<link href="{{ .Permalink }}"/>
<updated>{{ .Date.Format "2006-01-02T15:04:05-07:00" }}</updated>
<author><name>{{ .Parent.Title }}</name></author>
<content type="html">{{ .Content | htmlEscape }}</content>
</entry>
{{ end }}</feed>
""",
}


def _css(corpus: Corpus) -> str:
    rules = [
        "body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:42rem}",
        ".emergency{background:#c00;color:#fff}",
        ".post{border-top:1px solid #ccc}",
        ".badge{border-radius:1em;padding:0 .5em}",
    ]
    rules += [f".team-{t.id}{{--team-bg:{t.color}}}" for t in corpus.teams]
    return "\n".join(rules) + "\n"


def _hugo_front(fields: dict[str, object]) -> str:
    lines = [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in fields.items()]
    return "---\n" + "\n".join(lines) + "\n---\n"


def write_hugo(corpus: Corpus, site: Path) -> None:
    (site / "content").mkdir(parents=True)
    (site / "hugo.toml").write_text(HUGO_CONFIG, encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        path = site / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "style.css").write_text(_css(corpus), encoding="utf-8")
    for team in corpus.teams:  # the taxonomy term page of each team: its name and details
        folder = site / "content" / "teams" / team.id
        folder.mkdir(parents=True)
        (folder / "_index.md").write_text(
            _hugo_front(
                {
                    "title": team.name,
                    "team": team.id,
                    "region": team.region,
                    "website": f"https://www.politie.nl/mijn-buurt/{team.id}",
                }
            ),
            encoding="utf-8",
        )
    for shift in corpus.shifts:
        folder = site / "content" / shift.id
        folder.mkdir()
        (folder / "_index.md").write_text(
            _hugo_front(
                {"title": shift.title, "date": shift.start.isoformat(), "end": f"{shift.end:%H:%M}"}
            )
            + shift.description,
            encoding="utf-8",
        )
        for team_id in shift.teams:
            (folder / team_id).mkdir()
            (folder / team_id / "_index.md").write_text(
                _hugo_front({"title": corpus.team(team_id).name, "team": team_id}),
                encoding="utf-8",
            )
    for post in corpus.posts:
        write_hugo_post(post, site)


def hugo_post_path(post: PostData, site: Path) -> Path:
    return site / "content" / post.shift / post.team / f"{post.stem}.md"


def write_hugo_post(post: PostData, site: Path) -> Path:
    fields: dict[str, object] = {}
    if post.title:
        fields["title"] = post.title
    fields |= {"date": post.when.isoformat(), "team": post.team, "teams": [post.team]}
    if post.author:
        fields["author"] = post.author
    if post.pinned:
        fields["pinned"] = True
    path = hugo_post_path(post, site)
    path.write_text(_hugo_front(fields) + post.body, encoding="utf-8")
    return path


# -- Eleventy -----------------------------------------------------------------------------------

ELEVENTY_CONFIG = """\
// Eleventy 3 configuration of the TEXT-N benchmark site (see bench/text/make_corpus.py).
const dateLong = new Intl.DateTimeFormat("nl-NL", {
  dateStyle: "long", timeStyle: "short", timeZone: "Europe/Amsterdam" });
const dateFull = new Intl.DateTimeFormat("nl-NL", {
  dateStyle: "full", timeZone: "Europe/Amsterdam" });
const hhmm = new Intl.DateTimeFormat("nl-NL", {
  hour: "2-digit", minute: "2-digit", timeZone: "Europe/Amsterdam" });

function byShift(api) {
  const shifts = new Map();
  for (const post of api.getFilteredByTag("post")) {
    const key = post.data.shift;
    if (!shifts.has(key)) shifts.set(key, []);
    shifts.get(key).push(post);
  }
  return shifts;
}

function teamCounts(posts) {
  const teams = new Map();
  for (const post of posts) teams.set(post.data.team, (teams.get(post.data.team) || 0) + 1);
  return [...teams.entries()].sort().map(([id, count]) => ({ id, count }));
}

module.exports = function (cfg) {
  cfg.addPassthroughCopy({ assets: "assets" });
  cfg.addFilter("longdate", (d) => dateLong.format(d));
  cfg.addFilter("fulldate", (d) => dateFull.format(d));
  cfg.addFilter("hhmm", (d) => hhmm.format(d));
  cfg.addFilter("iso", (d) => d.toISOString());
  cfg.addCollection("shiftPages", (api) => {
    const pages = [];
    for (const [id, posts] of byShift(api)) {
      pages.push({ id, posts, teams: teamCounts(posts),
                   highlights: posts.filter((p) => p.data.pinned) });
    }
    return pages;
  });
  cfg.addCollection("teamShiftPages", (api) => {
    const pages = [];
    for (const [shift, posts] of byShift(api)) {
      const teams = teamCounts(posts);
      for (const { id } of teams) {
        const own = posts.filter((p) => p.data.team === id);
        pages.push({ shift, team: id, posts: own, teams, total: posts.length,
                     highlights: own.filter((p) => p.data.pinned) });
      }
    }
    return pages;
  });
  cfg.addCollection("teamPages", (api) => {
    const teams = new Map();
    for (const [shift, posts] of byShift(api)) {
      for (const { id } of teamCounts(posts)) {
        const own = posts.filter((p) => p.data.team === id);
        if (!teams.has(id)) teams.set(id, []);
        teams.get(id).push({ shift, count: own.length, pinned: own.filter((p) => p.data.pinned) });
      }
    }
    return [...teams.entries()].sort().map(([id, shifts]) => ({ id, shifts: shifts.reverse() }));
  });
  cfg.addCollection("neighbours", (api) => {
    const links = {};
    for (const posts of byShift(api).values()) {
      posts.forEach((post, i) => { links[post.url] = { prev: posts[i - 1], next: posts[i + 1] }; });
    }
    return links;
  });
  cfg.addCollection("feedPosts", (api) => api.getFilteredByTag("post").slice(-50).reverse());
  return {
    dir: { input: "src", output: "_site", includes: "_includes", data: "_data" },
    markdownTemplateEngine: false,
    htmlTemplateEngine: "njk",
    templateFormats: ["md", "njk"],
  };
};
"""

ELEVENTY_TEMPLATES = {
    "_includes/base.njk": """\
<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ pageTitle }} · {{ site.title }}</title>
<meta name="description" content="{{ site.description }}">
<link rel="canonical" href="{{ site.base_url }}{{ page.url | replace("/", "", 1) }}">
<link rel="stylesheet" href="/assets/style.css">
<link rel="alternate" type="application/atom+xml" href="{{ site.base_url }}feed.xml">
<meta property="og:title" content="{{ pageTitle }}">
</head>
<body>
<a class="skip" href="#main">Naar de inhoud</a>
<p class="emergency" role="note"><strong>Bij spoed: bel 112</strong></p>
<header class="site-header"><a class="site-title" href="/">{{ site.title }}</a></header>
<main id="main">{{ content | safe }}</main>
<footer class="site-footer"><p>{{ site.description }}</p><p>Bij spoed: bel 112</p></footer>
</body>
</html>
""",
    "_includes/macros.njk": """\
{% macro item(post, teams, heading) %}{% set t = teams[post.data.team] %}
<article class="post{% if post.data.pinned %} is-pinned{% endif %}" id="{{ post.data.team }}--{{ post.page.fileSlug }}">
  <header class="post-meta">
    <a class="badge team-{{ post.data.team }}" href="/{{ post.data.shift }}/{{ post.data.team }}/">{{ t.name }}</a>
    <a class="post-time" href="{{ post.url }}" title="{{ post.date | longdate }}"><time datetime="{{ post.date | iso }}">{{ post.date | hhmm }}</time></a>
    {% if post.data.pinned %}<span class="tag tag-pinned">Hoogtepunt</span>{% endif %}
  </header>
  <{{ heading }} class="post-title">{% if post.data.title %}{{ post.data.title }}{% else %}{{ t.name }}, {{ post.date | hhmm }}{% endif %}</{{ heading }}>
  <div class="post-body">{{ post.content | safe }}</div>
  {% if post.data.author %}<footer class="post-footer"><span class="post-author">{{ post.data.author }}</span></footer>{% endif %}
</article>
{% endmacro %}
{% macro highlights(posts) %}{% if posts.length %}
<section class="highlights" aria-labelledby="highlights-title">
  <h2 id="highlights-title">Hoogtepunten</h2>
  <ol>
  {% for post in posts %}<li><a href="#{{ post.data.team }}--{{ post.page.fileSlug }}"><time datetime="{{ post.date | iso }}">{{ post.date | hhmm }}</time> <span class="hl-title">{% if post.data.title %}{{ post.data.title }}{% else %}{{ post.content | striptags | truncate(90) }}{% endif %}</span></a></li>
  {% endfor %}
  </ol>
</section>
{% endif %}{% endmacro %}
{% macro timeline(posts, teams) %}
<div class="timeline">
{% for post in posts %}{% set d = post.date | fulldate %}{% if loop.first or (posts[loop.index0 - 1].date | fulldate) != d %}<p class="day"><span>{{ d }}</span></p>{% endif %}
{{ item(post, teams, "h3") }}
{% endfor %}
</div>
{% endmacro %}
{% macro filter(shift, teamCounts, total, teams, current) %}
<nav class="team-filter" aria-label="Teams">
  <ul>
    <li><a href="/{{ shift }}/"{% if not current %} aria-current="page"{% endif %}>Alle teams <span class="count">{{ total }}</span></a></li>
    {% for st in teamCounts %}<li><a class="team-{{ st.id }}" href="/{{ shift }}/{{ st.id }}/"{% if current == st.id %} aria-current="page"{% endif %}><span class="dot" aria-hidden="true"></span>{{ teams[st.id].name }} <span class="count">{{ st.count }}</span></a></li>
    {% endfor %}
  </ul>
</nav>
{% endmacro %}
""",
    "_includes/post.njk": """\
---
layout: base.njk
eleventyComputed:
  pageTitle: "{% if title %}{{ title }}{% else %}{{ teams[team].name }}{% endif %} · {{ shifts[shift].title }}"
---
{% from "macros.njk" import item %}
<nav class="breadcrumbs" aria-label="Kruimelpad"><a href="/{{ shift }}/">{{ shifts[shift].title }}</a> › <a href="/{{ shift }}/{{ team }}/">{{ teams[team].name }}</a></nav>
<div class="single">{% set self = collections.neighbours[page.url] %}
<article class="post{% if pinned %} is-pinned{% endif %}" id="{{ team }}--{{ page.fileSlug }}">
  <header class="post-meta">
    <a class="badge team-{{ team }}" href="/{{ shift }}/{{ team }}/">{{ teams[team].name }}</a>
    <a class="post-time" href="{{ page.url }}" title="{{ page.date | longdate }}"><time datetime="{{ page.date | iso }}">{{ page.date | hhmm }}</time></a>
    {% if pinned %}<span class="tag tag-pinned">Hoogtepunt</span>{% endif %}
  </header>
  <h1 class="post-title">{% if title %}{{ title }}{% else %}{{ teams[team].name }}, {{ page.date | hhmm }}{% endif %}</h1>
  <div class="post-body">{{ content | safe }}</div>
  {% if author %}<footer class="post-footer"><span class="post-author">{{ author }}</span></footer>{% endif %}
</article>
</div>
<p class="post-date">Geplaatst {{ page.date | longdate }}</p>
<nav class="post-nav" aria-label="Andere berichten">
  <ul>
    {% if self.prev %}<li class="older"><a href="{{ self.prev.url }}" rel="prev"><span>Eerder</span> {{ self.prev.data.title or teams[self.prev.data.team].name }}</a></li>{% endif %}
    <li class="back"><a href="/{{ shift }}/#{{ team }}--{{ page.fileSlug }}">Terug naar de tijdlijn</a></li>
    {% if self.next %}<li class="newer"><a href="{{ self.next.url }}" rel="next"><span>Later</span> {{ self.next.data.title or teams[self.next.data.team].name }}</a></li>{% endif %}
  </ul>
</nav>
""",
    "index.njk": """\
---
layout: base.njk
pageTitle: Volgdiensten
---
<header class="page-header"><h1>{{ site.title }}</h1><p class="lead">{{ site.description }}</p></header>
<section class="shift-list shift-list-ended" aria-labelledby="list-ended">
  <h2 id="list-ended">Eerdere volgdiensten</h2>
  <ul class="cards">
  {% for s in collections.shiftPages | reverse %}
    <li class="shift-card"><p class="shift-status"><span class="status status-ended">Afgelopen</span> {{ shifts[s.id].start_label }}</p>
    <h3><a href="/{{ s.id }}/">{{ shifts[s.id].title }}</a></h3>
    <p class="meta">{{ s.posts.length }} berichten · {{ s.teams.length }} teams</p></li>
  {% endfor %}
  </ul>
</section>
""",
    "shift.njk": """\
---
layout: base.njk
pagination:
  data: collections.shiftPages
  size: 1
  alias: s
permalink: "/{{ s.id }}/"
eleventyComputed:
  pageTitle: "{{ shifts[s.id].title }}"
---
{% from "macros.njk" import timeline, highlights, filter %}
<header class="page-header"><h1>{{ shifts[s.id].title }}</h1><p>{{ shifts[s.id].start_label }} – {{ shifts[s.id].end_label }}</p></header>
<div class="shift-description">{{ shifts[s.id].description_html | safe }}</div>
{{ filter(s.id, s.teams, s.posts.length, teams, "") }}
{{ highlights(s.highlights) }}
<section class="timeline-section" aria-labelledby="timeline-title">
  <h2 id="timeline-title">Tijdlijn <span class="order">oudste eerst</span></h2>
  {{ timeline(s.posts, teams) }}
</section>
""",
    "team_shift.njk": """\
---
layout: base.njk
pagination:
  data: collections.teamShiftPages
  size: 1
  alias: ts
permalink: "/{{ ts.shift }}/{{ ts.team }}/"
eleventyComputed:
  pageTitle: "{{ teams[ts.team].name }} · {{ shifts[ts.shift].title }}"
---
{% from "macros.njk" import timeline, highlights, filter %}
<nav class="breadcrumbs" aria-label="Kruimelpad"><a href="/{{ ts.shift }}/">{{ shifts[ts.shift].title }}</a></nav>
<header class="page-header"><h1>{{ teams[ts.team].name }}</h1></header>
<p class="team-links"><a href="/teams/{{ ts.team }}/">Alle volgdiensten van {{ teams[ts.team].name }}</a></p>
{{ filter(ts.shift, ts.teams, ts.total, teams, ts.team) }}
{{ highlights(ts.highlights) }}
<section class="timeline-section" aria-labelledby="timeline-title">
  <h2 id="timeline-title">Tijdlijn <span class="order">oudste eerst</span></h2>
  {{ timeline(ts.posts, teams) }}
</section>
""",
    "team.njk": """\
---
layout: base.njk
pagination:
  data: collections.teamPages
  size: 1
  alias: tp
permalink: "/teams/{{ tp.id }}/"
eleventyComputed:
  pageTitle: "{{ teams[tp.id].name }}"
---
{% set t = teams[tp.id] %}
<header class="page-header team-header">
  <p><span class="badge team-{{ tp.id }}">{{ t.name }}</span></p>
  <h1>{{ t.name }}</h1>
  <p class="lead">{{ t.region }}</p>
  <ul class="social"><li><a href="{{ t.website }}" rel="noopener">Website</a></li></ul>
</header>
<section aria-labelledby="shifts-title">
  <h2 id="shifts-title">Volgdiensten</h2>
  <ul class="cards">
  {% for a in tp.shifts %}
    <li class="shift-card">
      <p class="shift-status"><span class="status status-ended">Afgelopen</span> {{ shifts[a.shift].start_label }}</p>
      <h3><a href="/{{ a.shift }}/{{ tp.id }}/">{{ shifts[a.shift].title }}</a></h3>
      <p class="meta">{{ a.count }} berichten</p>
      {% if a.pinned.length %}<ul class="mini-highlights">
        {% for post in a.pinned %}<li><a href="{{ post.url }}"><time datetime="{{ post.date | iso }}">{{ post.date | hhmm }}</time> {{ post.data.title }}</a></li>{% endfor %}
      </ul>{% endif %}
    </li>
  {% endfor %}
  </ul>
</section>
""",
    "feed.njk": """\
---
permalink: /feed.xml
eleventyExcludeFromCollections: true
---
<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="nl">
<title>{{ site.title }}</title>
<id>{{ site.base_url }}</id>
<link rel="self" href="{{ site.base_url }}feed.xml"/>
<link href="{{ site.base_url }}"/>
<updated>{{ collections.feedPosts[0].date | iso }}</updated>
{% for post in collections.feedPosts %}<entry>
<title>{% if post.data.title %}{{ post.data.title }}{% else %}{{ teams[post.data.team].name }}, {{ post.date | hhmm }}{% endif %}</title>
<id>{{ site.base_url }}{{ post.url | replace("/", "", 1) }}</id>
<link href="{{ site.base_url }}{{ post.url | replace("/", "", 1) }}"/>
<updated>{{ post.date | iso }}</updated>
<author><name>{{ teams[post.data.team].name }}</name></author>
<content type="html">{{ post.content }}</content>
</entry>
{% endfor %}</feed>
""",
    "sitemap.njk": """\
---
permalink: /sitemap.xml
eleventyExcludeFromCollections: true
---
<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{% for p in collections.all %}<url><loc>{{ site.base_url }}{{ p.url | replace("/", "", 1) }}</loc><lastmod>{{ p.date | iso }}</lastmod></url>
{% endfor %}</urlset>
""",
    "robots.njk": """\
---
permalink: /robots.txt
eleventyExcludeFromCollections: true
---
User-agent: *
Sitemap: {{ site.base_url }}sitemap.xml
""",
    "404.njk": """\
---
layout: base.njk
permalink: /404.html
pageTitle: Pagina niet gevonden
eleventyExcludeFromCollections: true
---
<h1>Pagina niet gevonden</h1><p><a href="/">Naar de voorpagina</a></p>
""",
}


def _description_html(markdown: str) -> str:
    """The two-paragraph shift description as HTML (only **bold** occurs in it)."""
    parts = []
    for paragraph in markdown.strip().split("\n\n"):
        pieces = paragraph.split("**")
        html = "".join(f"<strong>{p}</strong>" if i % 2 else p for i, p in enumerate(pieces))
        parts.append(f"<p>{html}</p>")
    return "\n".join(parts)


def write_eleventy(corpus: Corpus, site: Path) -> None:
    src = site / "src"
    (src / "_data").mkdir(parents=True)
    (site / "eleventy.config.cjs").write_text(ELEVENTY_CONFIG, encoding="utf-8")
    (site / "assets").mkdir()
    (site / "assets" / "style.css").write_text(_css(corpus), encoding="utf-8")
    for name, text in ELEVENTY_TEMPLATES.items():
        path = src / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    data = {
        "site": {"title": SITE_TITLE, "base_url": BASE_URL, "description": SITE_DESCRIPTION},
        "teams": {
            t.id: {
                "name": t.name,
                "region": t.region,
                "color": t.color,
                "website": f"https://www.politie.nl/mijn-buurt/{t.id}",
            }
            for t in corpus.teams
        },
        "shifts": {
            s.id: {
                "title": s.title,
                "start_label": f"{s.start:%d-%m-%Y %H:%M}",
                "end_label": f"{s.end:%d-%m-%Y %H:%M}",
                "description_html": _description_html(s.description),
            }
            for s in corpus.shifts
        },
    }
    for name, value in data.items():
        (src / "_data" / f"{name}.json").write_text(
            json.dumps(value, ensure_ascii=False, indent=1), encoding="utf-8"
        )
    for shift in corpus.shifts:
        folder = src / shift.id
        folder.mkdir()
        (folder / f"{shift.id}.11tydata.json").write_text(
            '{"tags": ["post"], "layout": "post.njk"}\n', encoding="utf-8"
        )
        for team_id in shift.teams:
            (folder / team_id).mkdir()
    for post in corpus.posts:
        write_eleventy_post(post, site)


def eleventy_post_path(post: PostData, site: Path) -> Path:
    return site / "src" / post.shift / post.team / f"{post.stem}.md"


def write_eleventy_post(post: PostData, site: Path) -> Path:
    fields: dict[str, object] = {}
    if post.title:
        fields["title"] = post.title
    fields |= {"date": post.when.isoformat(), "shift": post.shift, "team": post.team}
    if post.author:
        fields["author"] = post.author
    if post.pinned:
        fields["pinned"] = True
    path = eleventy_post_path(post, site)
    lines = [
        f"{k}: {v if k == 'date' else json.dumps(v, ensure_ascii=False)}" for k, v in fields.items()
    ]  # an unquoted date is a YAML timestamp
    path.write_text("---\n" + "\n".join(lines) + "\n---\n" + post.body, encoding="utf-8")
    return path


# -- all of it ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sites:
    """Where the three renditions of one corpus live."""

    root: Path

    @property
    def content(self) -> Path:
        return self.root / "followshift" / "content"

    @property
    def hugo(self) -> Path:
        return self.root / "hugo"

    @property
    def eleventy(self) -> Path:
        return self.root / "eleventy"


def write_all(
    root: Path, posts: int, teams: int = 27, seed: int = 1, shape: str = "mixed"
) -> tuple[Sites, Corpus]:
    """Writes (or reuses, when corpus.json matches) the three sites under root."""
    sites = Sites(root)
    corpus = generate(posts, teams, seed, shape)
    params = {
        "posts": posts,
        "teams": teams,
        "seed": seed,
        "shape": shape,
        "version": FORMAT_VERSION,
    }
    marker = root / "corpus.json"
    if marker.exists() and json.loads(marker.read_text()) == params:
        return sites, corpus
    for folder in (root / "followshift", sites.hugo, sites.eleventy):
        shutil.rmtree(folder, ignore_errors=True)
    marker.unlink(missing_ok=True)
    write_followshift(corpus, sites.content)
    write_hugo(corpus, sites.hugo)
    write_eleventy(corpus, sites.eleventy)
    marker.write_text(json.dumps(params) + "\n")
    return sites, corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder to write (e.g. bench/corpus/text-10k)")
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=27)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="mixed", help="see above (mixed)")
    args = parser.parse_args(argv)
    sites, corpus = write_all(args.out.resolve(), args.posts, args.teams, args.seed, args.shape)
    print(
        f"{len(corpus.posts)} posts in {len(corpus.shifts)} shifts of {len(corpus.teams)} teams:"
        f" {sites.content}, {sites.hugo}, {sites.eleventy}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
