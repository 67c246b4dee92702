"""The page language: UI text from the theme's gettext catalogs, dates and times from Babel.

Catalogs are plain .po files in `<theme>/locales/<lang>/LC_MESSAGES/messages.po`, compiled in
memory when a build starts, so a theme author edits text without a compile step. English is the
source language of the templates.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, tzinfo
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations


def load_translations(locale_dirs: list[Path], language: str) -> NullTranslations:
    """The first catalog found for `language` in the theme search path; English needs none."""
    for folder in locale_dirs:
        po = folder / language / "LC_MESSAGES" / "messages.po"
        if po.is_file():
            with po.open("rb") as handle:
                catalog = read_po(handle, locale=language)
            buffer = io.BytesIO()
            write_mo(buffer, catalog)
            buffer.seek(0)
            return Translations(buffer)
    return NullTranslations()


# Formatted instants kept (Formatter._cached): a post's time is asked for on its own pages
# within a shift or two, so a few shifts' worth (at ~5 kinds an instant) is enough; kept for
# a whole 50,000-post site they held ~250,000 strings in each render process.
INSTANTS_KEPT = 1 << 15

# The methods Formatter.datetime, .time and .date (template filters) shadow the types inside
# the class body.
Instant = datetime
Clock = time
Day = date


class Formatter:
    """Dates and times in the site's language and time zone.

    Each result is remembered for the build: a post's time appears on five or more pages, and
    Babel's formatting is costly compared with a dictionary lookup.
    """

    def __init__(self, language: str, tz: tzinfo) -> None:
        self.language = language
        self.tz = tz
        self.locale = Locale.parse(language)
        self._memo: dict[tuple[str, Instant], str] = {}
        self._clocks: dict[tuple[Clock, timedelta | None, str | None], str] = {}
        self._days: dict[Day, str] = {}

    def _cached(self, kind: str, instant: Instant, make: Callable[[], str]) -> str:
        key = (kind, instant)
        text = self._memo.get(key)
        if text is None:
            if len(self._memo) >= INSTANTS_KEPT:
                self._memo.clear()
            text = self._memo[key] = make()
        return text

    def local(self, instant: Instant) -> Instant:
        return instant.astimezone(self.tz)

    def time(self, instant: Instant) -> str:
        return self._cached("time", instant, lambda: self._clock(self.local(instant)))

    def date(self, instant: Instant) -> str:
        return self._cached("date", instant, lambda: self._day(self.local(instant).date()))

    # A site's posts have far fewer distinct local days and clock times than instants (a night
    # of 250 posts: one or two days, a few hundred minutes that recur every week): Babel formats
    # each once (10-12 µs), not once per instant.
    def _clock(self, local: Instant) -> str:
        key = (local.time(), local.utcoffset(), local.tzname())
        text = self._clocks.get(key)
        if text is None:
            text = self._clocks[key] = format_time(
                local, "short", tzinfo=self.tz, locale=self.locale
            )
        return text

    def _day(self, day: Day) -> str:
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = format_date(day, "full", locale=self.locale)
        return text

    def short_date(self, instant: Instant) -> str:
        return self._cached(
            "short_date",
            instant,
            lambda: format_date(self.local(instant).date(), "medium", locale=self.locale),
        )

    def datetime(self, instant: Instant) -> str:
        """`zaterdag 24 oktober 2026 om 19:15`, joined the way the locale joins them."""
        return self._cached(
            "datetime",
            instant,
            lambda: str(self.locale.datetime_formats["long"]).format(
                self.time(instant), self.date(instant)
            ),
        )

    def day_time(self, instant: Instant) -> str:
        """`za 24 okt, 19:15`: the compact form for times that need their day."""

        def make() -> str:
            day = format_skeleton("MMMEd", self.local(instant), locale=self.locale)
            return str(self.locale.datetime_formats["short"]).format(self.time(instant), day)

        return self._cached("day_time", instant, make)

    def repeated_hour(self, instant: Instant) -> str:
        """ "summer" or "winter" when the local clock time happens twice (the hour that repeats
        when summer time ends: 02:10 in summer time, then 02:10 in winter time), else "".
        Templates label only those times; every other time is unambiguous."""
        local = self.local(instant)
        other = local.replace(fold=1 - local.fold)
        if other.utcoffset() == local.utcoffset():
            return ""
        return "summer" if local.dst() else "winter"

    def iso(self, instant: Instant) -> str:
        """For <time datetime> and feeds: local wall time with its UTC offset."""
        return self._cached(
            "iso", instant, lambda: self.local(instant).isoformat(timespec="seconds")
        )
