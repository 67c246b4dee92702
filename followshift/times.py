"""Times: how the text an officer wrote becomes an instant.

Rules (documented in docs/content.md):
- A naive local time is read in the site time zone, never as UTC.
- A time the clock shows twice (the night summer time ends) is read as the FIRST occurrence (still
  summer time, the earlier instant); a time the clock never shows (the night summer time starts)
  is moved forward by the gap (02:30 becomes 03:30 summer time). Both give a warning that asks
  for an explicit UTC offset.
- A time without a date falls on the day that puts it inside the shift.
- Seconds may be given everywhere (`19:15:42`, `2026-10-24 19:15:42`): `new` writes them, so
  two posts of one minute keep the order they were written in. `19.15` (which YAML would read as
  the number 19.15; yamlio keeps it as text) and `1915` mean 19:15.
- Dates are years 1970 to 2999 (SOURCE_DATE_EPOCH is 1970 at its lowest; Windows' clock
  functions end in 3000); a delay is at most a week. Beyond that, adding a time zone or a delay
  overflowed Python's datetime into a traceback.
Every instant leaves this module in UTC; pages convert to the site time zone for display.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo

from followshift.clean import echo

_CLOCK = re.compile(r"^(\d{1,2})[:.](\d{2})(?::(\d{2}))?$")
_DATETIME = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$"
)
_FILENAME = re.compile(r"^(\d{2})(\d{2})(?!\d)")
_DURATION = re.compile(r"(\d+)\s*(h|min|m|s)", re.IGNORECASE)

MIN_YEAR, MAX_YEAR = 1970, 2999
MAX_DELAY = timedelta(days=7)
# The epoch seconds of 1970-01-01 and of 3000-01-01 UTC.
MAX_EPOCH = int(
    (datetime(MAX_YEAR + 1, 1, 1, tzinfo=UTC) - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
)


class TimeError(ValueError):
    """Text that is not a time we understand; the message is for the user."""


@dataclass(frozen=True)
class Resolved:
    """An instant, always in UTC: Python compares two datetimes of one ZoneInfo by wall time,
    ignoring `fold`, which would misorder the doubled hour of the night summer time ends."""

    instant: datetime
    warning: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "instant", self.instant.astimezone(UTC))


def parse_duration(text: object) -> timedelta:
    """`15m`, `1h30m`, `90s`, `0`; a bare number is minutes. At most MAX_DELAY."""
    if isinstance(text, bool) or not isinstance(text, str | int):
        raise TimeError(f"'{echo(text)}' is not a duration such as 15m or 1h30m")
    if isinstance(text, int):
        if text < 0:
            raise TimeError(f"'{text}' is negative; a delay holds posts back, e.g. 15m")
        return _bounded(text * 60, text)
    value = text.strip().replace(" ", "")
    if value.isascii() and value.isdigit():
        return _bounded(int(value) * 60, text)
    parts = _DURATION.findall(value)
    if not parts or "".join(n + u for n, u in parts).lower() != value.lower():
        raise TimeError(f"'{echo(text)}' is not a duration such as 15m or 1h30m")
    seconds = 0
    for number, unit in parts:
        unit = unit.lower()
        seconds += int(number) * (3600 if unit == "h" else 60 if unit in ("m", "min") else 1)
    return _bounded(seconds, text)


def _bounded(seconds: int, text: object) -> timedelta:
    # Compared as an integer first: timedelta() itself overflows on absurd numbers.
    if seconds > MAX_DELAY.total_seconds():
        raise TimeError(f"'{echo(text)}' is longer than the longest delay, a week (7 days)")
    return timedelta(seconds=seconds)


def parse_clock(text: str) -> time:
    """`19:15`, `19:15:42`, `19.15`, `9:05`."""
    match = _CLOCK.match(text.strip())
    if not match:
        raise TimeError(f"'{echo(text)}' is not a time such as 19:15 or 19:15:42")
    hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
    if hour > 23 or minute > 59 or second > 59:
        raise TimeError(f"'{echo(text)}' is not a valid time of day")
    return time(hour, minute, second)


def clock_from_filename(stem: str) -> time | None:
    """`1915-weekmarkt` → 19:15; None when the name does not start with a valid HHMM."""
    match = _FILENAME.match(stem)
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def localize(naive: datetime, tz: tzinfo) -> Resolved:
    """Attaches the site time zone to a wall-clock time, resolving DST edges as documented."""
    first = naive.replace(tzinfo=tz, fold=0)
    second = naive.replace(tzinfo=tz, fold=1)
    if first.utcoffset() == second.utcoffset():
        return Resolved(first)
    # Round-tripping through UTC tells a repeated wall time from one that never happens.
    if _wall(first) == naive and _wall(second) == naive:
        return Resolved(
            first,
            f"{_fmt(naive)} occurs twice in {tz} (summer time ends); read as the first, "
            f"{_fmt_offset(first)}; write the UTC offset to be sure, e.g. "
            f"{naive.isoformat(timespec='minutes')}{_offset(second)} for the second",
        )
    # Nonexistent: fold=0 carries the offset from before the gap, which lands after it.
    moved = first.astimezone(UTC).astimezone(tz)
    return Resolved(
        moved,
        f"{_fmt(naive)} does not exist in {tz} (summer time starts); read as "
        f"{_fmt(moved.replace(tzinfo=None))} {_offset(moved)}; write the UTC offset to be sure",
    )


def parse_datetime(text: str, tz: tzinfo) -> Resolved:
    """`2026-10-24 19:15`, `2026-10-24T19:15:00`, optionally with `Z` or `+02:00`."""
    match = _DATETIME.match(text.strip())
    if not match:
        raise TimeError(f"'{echo(text)}' is not a date and time such as 2026-10-24 19:15")
    if not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise TimeError(f"'{echo(text)}' is not a year from {MIN_YEAR} to {MAX_YEAR}")
    try:
        naive = datetime(
            int(match[1]),
            int(match[2]),
            int(match[3]),
            int(match[4]),
            int(match[5]),
            int(match[6] or 0),
        )
    except ValueError as exc:
        raise TimeError(f"'{echo(text)}' is not a valid date and time: {exc}") from None
    offset = match[7]
    if offset is None:
        return localize(naive, tz)
    if offset == "Z":
        return Resolved(naive.replace(tzinfo=UTC))
    sign = -1 if offset[0] == "-" else 1
    digits = offset[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        raise TimeError(f"'{echo(text)}' has an impossible UTC offset")
    return Resolved(naive.replace(tzinfo=timezone(sign * delta)))


# Every post of a shift named after its minute (`1915-…`) asks this again for the same shift:
# 1,440 clock times at most per shift, each worked out once (Resolved is immutable).
@functools.lru_cache(maxsize=8192)
def place_in_shift(clock: time, start: datetime, end: datetime, tz: tzinfo) -> Resolved:
    """Puts a bare time of day on the date that puts it inside the shift [start, end].

    Outside every candidate day, the nearest one is taken and a warning says so.
    """
    first_day = start.astimezone(tz).date() - timedelta(days=1)
    last_day = end.astimezone(tz).date() + timedelta(days=1)
    candidates: list[Resolved] = []
    day = first_day
    while day <= last_day:
        candidate = localize(datetime.combine(day, clock), tz)
        if start <= candidate.instant <= end:
            return candidate  # the first day that puts it inside: the later ones are not needed
        candidates.append(candidate)
        day += timedelta(days=1)
    nearest = min(candidates, key=lambda c: _distance(c.instant, start, end))
    return Resolved(
        nearest.instant,
        _join(
            nearest.warning,
            f"{clock.strftime('%H:%M')} is outside the shift ({_fmt_local(start, tz)} to "
            f"{_fmt_local(end, tz)}); read as {_fmt_local(nearest.instant, tz)}",
        ),
    )


def parse_post_time(value: object, start: datetime, end: datetime, tz: tzinfo) -> Resolved:
    """A front-matter `time` (or `updated`): a time of day or a full date-time."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TimeError(f"'{echo(value)}' is not a time such as 19:15")
    text = str(value).strip()
    if re.fullmatch(r"\d{3,4}", text):  # `time: 1915` (YAML reads it as a number)
        text = f"{text[:-2]}:{text[-2:]}"
    if _CLOCK.match(text):
        return place_in_shift(parse_clock(text), start, end, tz)
    if not re.match(r"\d{4}-", text):  # no date: it was meant as a time of day
        raise TimeError(f"'{echo(text)}' is not a time such as 19:15 or 2026-10-24 19:15")
    return parse_datetime(text, tz)


def outside_warning(instant: datetime, start: datetime, end: datetime, tz: tzinfo) -> str | None:
    """For times that carry their own date (a full date-time, a camera clock)."""
    if start <= instant <= end:
        return None
    return (
        f"{_fmt_local(instant, tz)} is outside the shift ({_fmt_local(start, tz)} to "
        f"{_fmt_local(end, tz)}); is the date right?"
    )


def _distance(instant: datetime, start: datetime, end: datetime) -> timedelta:
    if instant < start:
        return start - instant
    return instant - end if instant > end else timedelta()


def _wall(aware: datetime) -> datetime:
    return aware.astimezone(UTC).astimezone(aware.tzinfo).replace(tzinfo=None, fold=0)


def _offset(aware: datetime) -> str:
    total = int(aware.utcoffset().total_seconds())  # type: ignore[union-attr]
    sign = "-" if total < 0 else "+"
    hours, minutes = divmod(abs(total) // 60, 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def _fmt(naive: datetime) -> str:
    return naive.strftime("%Y-%m-%d %H:%M")


def _fmt_offset(aware: datetime) -> str:
    return f"{_fmt(aware.replace(tzinfo=None))} {_offset(aware)}"


def _fmt_local(aware: datetime, tz: tzinfo) -> str:
    return _fmt(aware.astimezone(tz).replace(tzinfo=None))


def _join(*parts: str | None) -> str:
    return "; ".join(p for p in parts if p)


def parse_epoch(text: str) -> datetime:
    """SOURCE_DATE_EPOCH: whole seconds since 1970-01-01 UTC, before the year 3000."""
    value = text.strip()
    if not (value.isascii() and value.isdigit()):
        raise TimeError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC, not '{echo(text)}'"
        )
    if len(value) > 12 or int(value) >= MAX_EPOCH:
        raise TimeError(
            f"SOURCE_DATE_EPOCH {echo(value)} is after the year {MAX_YEAR}; "
            "give whole seconds since 1970-01-01 UTC"
        )
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=int(value))


def resolve_now(now: str | None, epoch: str | None, tz: tzinfo) -> datetime:
    """--now (site time zone when it has no offset), else SOURCE_DATE_EPOCH, else the clock.
    TimeError when one is given but not a time in range (the command line checks first)."""
    if now:
        return parse_datetime(now, tz).instant
    if epoch:
        return parse_epoch(epoch)
    return datetime.now(UTC)
