"""followshift.times: officers' time text → instants, DST edges, days of a shift."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from followshift.times import (
    TimeError,
    clock_from_filename,
    localize,
    parse_clock,
    parse_datetime,
    parse_duration,
    parse_post_time,
    place_in_shift,
)

AMS = ZoneInfo("Europe/Amsterdam")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


# A follow shift from 19:00 to 03:00 local, on the night summer time ends.
START = utc(2026, 10, 24, 17, 0)  # 19:00 +02:00
END = utc(2026, 10, 25, 2, 0)  # 03:00 +01:00


# -- parse_duration ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", timedelta(minutes=15)),
        ("15min", timedelta(minutes=15)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("2H", timedelta(hours=2)),
        ("90s", timedelta(seconds=90)),
        ("0", timedelta()),
        ("20", timedelta(minutes=20)),
        (" 15m ", timedelta(minutes=15)),
        (15, timedelta(minutes=15)),
        (0, timedelta()),
    ],
)
def test_durations_are_read_with_minutes_as_the_default_unit(
    text: str | int, expected: timedelta
) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "soms", "15x", "m15", "1.5h", "-5m", "15m extra", True])
def test_nonsense_durations_are_refused_with_an_example(text: str | bool) -> None:
    with pytest.raises(TimeError, match="15m"):
        parse_duration(text)  # type: ignore[arg-type]


def test_a_negative_number_of_minutes_is_not_a_delay() -> None:
    with pytest.raises(TimeError):
        parse_duration(-5)


# -- parse_clock -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("19:15", time(19, 15)),
        ("9:05", time(9, 5)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("19.15", time(19, 15)),
        ("19:15:30", time(19, 15, 30)),
        (" 19:15 ", time(19, 15)),
    ],
)
def test_clock_times_are_read_in_the_usual_dutch_forms(text: str, expected: time) -> None:
    assert parse_clock(text) == expected


@pytest.mark.parametrize("text", ["24:00", "19:60", "25:99", "19:15:60", "1915", "19", "", "19:5"])
def test_impossible_or_malformed_clock_times_are_refused(text: str) -> None:
    with pytest.raises(TimeError):
        parse_clock(text)


# -- clock_from_filename -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stem", "expected"),
    [
        ("1915-weekmarkt", time(19, 15)),
        ("0105-laatste-ronde", time(1, 5)),
        ("0000", time(0, 0)),
        ("2359_einde", time(23, 59)),
        ("1915weekmarkt", time(19, 15)),
    ],
)
def test_a_file_name_starting_with_hhmm_gives_the_time(stem: str, expected: time) -> None:
    assert clock_from_filename(stem) == expected


@pytest.mark.parametrize(
    "stem",
    ["weekmarkt", "2460-x", "1975-x", "915-x", "20261024-x", "IMG_4711", "19:15-x", "12345"],
)
def test_a_file_name_without_a_valid_hhmm_prefix_gives_no_time(stem: str) -> None:
    assert clock_from_filename(stem) is None


# -- localize ----------------------------------------------------------------------------------


def test_an_ordinary_local_time_is_read_in_the_site_time_zone_without_warning() -> None:
    resolved = localize(datetime(2026, 10, 24, 19, 15), AMS)

    assert resolved.instant == utc(2026, 10, 24, 17, 15)
    assert resolved.instant.tzinfo is UTC
    assert resolved.warning is None


def test_a_winter_time_is_read_with_the_winter_offset() -> None:
    resolved = localize(datetime(2026, 1, 10, 19, 15), AMS)

    assert resolved.instant == utc(2026, 1, 10, 18, 15)
    assert resolved.warning is None


def test_a_time_the_clock_shows_twice_is_the_first_and_warns() -> None:
    resolved = localize(datetime(2026, 10, 25, 2, 30), AMS)

    assert resolved.instant == utc(2026, 10, 25, 0, 30)  # still summer time, +02:00
    assert resolved.warning is not None
    assert "twice" in resolved.warning
    assert "+01:00" in resolved.warning  # how to write the second one


def test_a_time_the_clock_never_shows_moves_forward_and_warns() -> None:
    resolved = localize(datetime(2026, 3, 29, 2, 30), AMS)

    assert resolved.instant == utc(2026, 3, 29, 1, 30)  # 03:30 +02:00
    assert resolved.warning is not None
    assert "does not exist" in resolved.warning
    assert "03:30" in resolved.warning


def test_the_edges_of_the_doubled_hour_are_unambiguous() -> None:
    before = localize(datetime(2026, 10, 25, 1, 59), AMS)
    after = localize(datetime(2026, 10, 25, 3, 0), AMS)

    assert before.warning is None and after.warning is None
    assert before.instant == utc(2026, 10, 24, 23, 59)
    assert after.instant == utc(2026, 10, 25, 2, 0)


def test_a_time_zone_without_dst_never_warns() -> None:
    resolved = localize(datetime(2026, 10, 25, 2, 30), ZoneInfo("UTC"))

    assert resolved.instant == utc(2026, 10, 25, 2, 30)
    assert resolved.warning is None


def test_resolved_instants_compare_by_instant_in_the_doubled_hour() -> None:
    first = parse_datetime("2026-10-25 02:45+02:00", AMS).instant
    second = parse_datetime("2026-10-25 02:15+01:00", AMS).instant

    assert first < second


# -- parse_datetime ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-24 19:15", utc(2026, 10, 24, 17, 15)),
        ("2026-10-24T19:15", utc(2026, 10, 24, 17, 15)),
        ("2026-10-24T19:15:30", utc(2026, 10, 24, 17, 15, 30)),
        ("2026-10-24T19:15:30.250", utc(2026, 10, 24, 17, 15, 30)),
        ("2026-10-24T19:15Z", utc(2026, 10, 24, 19, 15)),
        ("2026-10-24T19:15+01:00", utc(2026, 10, 24, 18, 15)),
        ("2026-10-24T19:15+0100", utc(2026, 10, 24, 18, 15)),
        ("2026-10-24 19:15 +02:00", utc(2026, 10, 24, 17, 15)),
        ("2026-10-24T19:15-05:30", utc(2026, 10, 25, 0, 45)),
    ],
)
def test_date_times_with_and_without_offset(text: str, expected: datetime) -> None:
    resolved = parse_datetime(text, AMS)

    assert resolved.instant == expected
    assert resolved.instant.tzinfo is UTC
    assert resolved.warning is None


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30 19:00",
        "2026-13-01 19:00",
        "2026-10-24 25:00",
        "2026-10-24",
        "24-10-2026 19:00",
        "morgen 19:00",
        "2026-10-24T19:15+25:00",
        "",
    ],
)
def test_impossible_date_times_are_refused(text: str) -> None:
    with pytest.raises(TimeError):
        parse_datetime(text, AMS)


def test_an_explicit_offset_never_warns_even_in_the_doubled_hour() -> None:
    assert parse_datetime("2026-10-25T02:30+01:00", AMS).warning is None
    assert parse_datetime("2026-10-25T02:30+02:00", AMS).warning is None


# -- place_in_shift ----------------------------------------------------------------------------


def test_an_evening_time_falls_on_the_first_day_of_the_shift() -> None:
    resolved = place_in_shift(time(19, 15), START, END, AMS)

    assert resolved.instant == utc(2026, 10, 24, 17, 15)
    assert resolved.warning is None


def test_an_after_midnight_time_falls_on_the_next_day() -> None:
    resolved = place_in_shift(time(1, 5), START, END, AMS)

    assert resolved.instant == utc(2026, 10, 24, 23, 5)  # 01:05 +02:00 on the 25th
    assert resolved.warning is None


def test_the_start_and_end_of_the_shift_are_inside_it() -> None:
    assert place_in_shift(time(19, 0), START, END, AMS).instant == START
    assert place_in_shift(time(3, 0), START, END, AMS).instant == END


def test_a_doubled_time_inside_the_shift_warns() -> None:
    resolved = place_in_shift(time(2, 30), START, END, AMS)

    assert resolved.instant == utc(2026, 10, 25, 0, 30)
    assert resolved.warning is not None and "twice" in resolved.warning


def test_a_time_outside_the_shift_takes_the_nearest_day_and_warns() -> None:
    resolved = place_in_shift(time(18, 30), START, END, AMS)

    assert resolved.instant == utc(2026, 10, 24, 16, 30)  # half an hour before the start
    assert resolved.warning is not None
    assert "outside the shift" in resolved.warning


def test_a_morning_time_outside_the_shift_goes_to_the_nearer_edge() -> None:
    resolved = place_in_shift(time(4, 0), START, END, AMS)

    assert resolved.instant == utc(2026, 10, 25, 3, 0)  # 04:00 +01:00, an hour after the end
    assert resolved.warning is not None


def test_a_day_shift_keeps_its_times_on_its_own_day() -> None:
    start, end = utc(2026, 6, 1, 6, 0), utc(2026, 6, 1, 16, 0)  # 08:00-18:00 +02:00

    assert place_in_shift(time(12, 0), start, end, AMS).instant == utc(2026, 6, 1, 10, 0)


# -- parse_post_time ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19:15", utc(2026, 10, 24, 17, 15)),
        ("01:05", utc(2026, 10, 24, 23, 5)),
        ("1:05", utc(2026, 10, 24, 23, 5)),
        ("0105", utc(2026, 10, 24, 23, 5)),
        ("1915", utc(2026, 10, 24, 17, 15)),
        (1915, utc(2026, 10, 24, 17, 15)),
        ("2026-10-24 21:00", utc(2026, 10, 24, 19, 0)),
        ("2026-10-25T02:30+01:00", utc(2026, 10, 25, 1, 30)),
    ],
)
def test_a_post_time_is_a_clock_time_or_a_full_date_time(value: object, expected: datetime) -> None:
    resolved = parse_post_time(value, START, END, AMS)

    assert resolved.instant == expected
    assert resolved.warning is None


@pytest.mark.parametrize("value", ["25:99", "kwart over zeven", "", None, True, 12.5, [19, 15]])
def test_a_post_time_that_is_not_a_time_is_refused(value: object) -> None:
    with pytest.raises(TimeError):
        parse_post_time(value, START, END, AMS)


def test_a_yaml_date_object_is_refused_rather_than_guessed() -> None:
    with pytest.raises(TimeError):
        parse_post_time(datetime(2026, 10, 24, 19, 15), START, END, AMS)


def test_a_doubled_post_time_warns_and_an_explicit_offset_does_not() -> None:
    naive = parse_post_time("02:30", START, END, AMS)
    explicit = parse_post_time("2026-10-25T02:30+01:00", START, END, AMS)

    assert naive.warning is not None and "twice" in naive.warning
    assert explicit.warning is None
    assert naive.instant < explicit.instant
