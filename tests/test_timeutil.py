"""Time input: ISO, friendly and day-first forms, zones and daylight saving."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from contentops.errors import UsageError
from contentops.timeutil import UTC, get_zone, local_iso, parse_day, parse_month, parse_when, to_utc_iso

SYD = "Australia/Sydney"
# Wednesday 18 November 2026, 20:00 in Sydney (UTC+11).
NOW = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-04 18:00", "2026-12-04T18:00:00+11:00"),
        ("2026-12-04T18:00", "2026-12-04T18:00:00+11:00"),
        ("fri 6pm", "2026-11-20T18:00:00+11:00"),
        ("Friday 6 pm", "2026-11-20T18:00:00+11:00"),
        ("fri at 18:00", "2026-11-20T18:00:00+11:00"),
        ("tomorrow 9:30", "2026-11-19T09:30:00+11:00"),
        ("today noon", "2026-11-18T12:00:00+11:00"),
        ("yesterday 6pm", "2026-11-17T18:00:00+11:00"),
        ("next monday 18:00", "2026-11-23T18:00:00+11:00"),
        # Today's weekday: later today if still ahead, else next week; "next" is never today.
        ("wed 9pm", "2026-11-18T21:00:00+11:00"),
        ("wed 6pm", "2026-11-25T18:00:00+11:00"),
        ("next wed 9pm", "2026-11-25T21:00:00+11:00"),
        # Day-first dates, as written in Australia and New Zealand.
        ("4/12 6pm", "2026-12-04T18:00:00+11:00"),
        ("4/12/2026 18:00", "2026-12-04T18:00:00+11:00"),
        ("4 Dec 2026 18:00", "2026-12-04T18:00:00+11:00"),
        # A date without a year that has passed means next year.
        ("4/1 18:00", "2027-01-04T18:00:00+11:00"),
        # An explicit offset keeps the instant.
        ("2026-12-04T18:00+08:00", "2026-12-04T21:00:00+11:00"),
    ],
)
def test_parse_when_forms(text: str, expected: str) -> None:
    assert parse_when(text, SYD, NOW).isoformat() == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("31/02", "cannot read"),
        ("31/02 6pm", "day is out of range"),
        ("fri", "no time of day"),
        ("2026-12-04", "no time of day"),
        ("soon", "cannot read"),
        ("25:00", "cannot read"),
        ("", "empty time"),
        ("2026-13-01 10:00", "cannot read"),
    ],
)
def test_parse_when_rejects_with_hint(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_when(text, SYD, NOW)
    assert message in err.value.message
    assert err.value.hint


def test_unknown_zone_is_a_usage_error() -> None:
    for name in ("Mars/Olympus", "", "../etc/passwd", "/etc/localtime"):
        with pytest.raises(UsageError, match="unknown time zone"):
            get_zone(name)


def test_other_zone() -> None:
    perth = parse_when("fri 6pm", "Australia/Perth", NOW)
    assert perth.isoformat() == "2026-11-20T18:00:00+08:00"
    assert to_utc_iso(perth) == "2026-11-20T10:00:00Z"


def test_time_skipped_by_daylight_saving_is_refused() -> None:
    # Sydney clocks jump from 02:00 to 03:00 on Sunday 4 October 2026.
    with pytest.raises(UsageError, match="does not exist"):
        parse_when("2026-10-04 02:30", SYD, NOW)


@pytest.mark.parametrize(
    ("zone", "before", "after"),
    [
        # Sydney: daylight saving starts 2026-10-04 and ends 2027-04-04.
        (SYD, ("2026-10-03 18:00", "+10:00"), ("2026-10-05 18:00", "+11:00")),
        (SYD, ("2027-04-03 18:00", "+11:00"), ("2027-04-05 18:00", "+10:00")),
        # Auckland: starts 2026-09-27, ends 2027-04-04.
        ("Pacific/Auckland", ("2026-09-26 18:00", "+12:00"), ("2026-09-28 18:00", "+13:00")),
        ("Pacific/Auckland", ("2027-04-03 18:00", "+13:00"), ("2027-04-05 18:00", "+12:00")),
    ],
)
def test_wall_clock_survives_daylight_saving(zone: str, before: tuple[str, str], after: tuple[str, str]) -> None:
    for text, offset in (before, after):
        stored = to_utc_iso(parse_when(text, zone, NOW))
        shown = local_iso(stored, zone)
        assert shown == text.replace(" ", "T") + ":00" + offset


def test_parse_day_and_month() -> None:
    today = date(2026, 11, 18)
    assert parse_day("2026-12-04", today) == date(2026, 12, 4)
    assert parse_day("4/12", today) == date(2026, 12, 4)
    assert parse_day("4/12/27", today) == date(2027, 12, 4)
    assert parse_day("today", today) == today
    assert parse_day("tomorrow", today) == date(2026, 11, 19)
    assert parse_day("yesterday", today) == date(2026, 11, 17)
    assert parse_day("fri", today) == date(2026, 11, 20)
    assert parse_month("2026-12") == date(2026, 12, 1)
    for bad in ("31/02", "someday"):
        with pytest.raises(UsageError):
            parse_day(bad, today)
    for bad in ("2026-13", "Dec", "2026"):
        with pytest.raises(UsageError):
            parse_month(bad)
