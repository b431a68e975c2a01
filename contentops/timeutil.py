"""Time input and output.

Instants are stored as UTC ISO-8601 strings (``2026-12-04T07:00:00Z``, which sort and
compare as text) next to the IANA zone they were planned in. Everything here takes
``now``/``today`` as a parameter; only the CLI reads the clock.
"""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError

UTC = UTC
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Day names as people type them -> weekday number (Monday 0).
WEEKDAY_NAMES = {
    **{d: i for i, d in enumerate(WEEKDAYS)},
    "monday": 0,
    "tues": 1,
    "tuesday": 1,
    "weds": 2,
    "wednesday": 2,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_TIME_RE = re.compile(
    r"^(?:at\s+)?(?:(?P<noon>noon|midday)|(?P<midnight>midnight)|"
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?)$"
)
_TIME_TOKEN_RE = re.compile(r"\d{1,2}[:.]\d{2}|\d{1,2}\s*(am|pm)\b|\bnoon\b|\bmidday\b|\bmidnight\b")
WHEN_EXAMPLES = "'2026-12-04 18:00', 'fri 6pm', 'tomorrow 9:30', 'next monday 18:00' or '4/12 6pm'"
MAX_TEXT = 64  # characters of a time or a day: longer text is not one (and would make the friendly forms slow)
YEARS = (2000, 2999)  # a year outside is a typing mistake; four-digit years also keep stored times sortable as text


@lru_cache(maxsize=64)
def get_zone(name: str) -> ZoneInfo:
    """Return the IANA zone ``name`` or raise a UsageError that says how to fix it."""
    try:
        if not name or name != name.strip() or ".." in name or name.startswith("/"):
            raise ValueError(name)
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise UsageError(
            f"unknown time zone {name!r}",
            hint="use an IANA name such as Australia/Sydney, Australia/Perth, Australia/Adelaide or Pacific/Auckland",
        ) from None


def to_utc_iso(moment: datetime) -> str:
    """Aware datetime -> ``YYYY-MM-DDTHH:MM:SSZ``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def local_iso(utc_text: str | None, zone: str) -> str | None:
    """Stored UTC text -> ISO-8601 in ``zone`` with its offset, e.g. ``...T18:00:00+11:00``."""
    if not utc_text:
        return None
    return from_utc_iso(utc_text).astimezone(get_zone(zone)).isoformat()


def in_zone(utc_text: str, zone: str) -> datetime:
    return from_utc_iso(utc_text).astimezone(get_zone(zone))


def checked_local(day: date, at: time, zone: ZoneInfo, zone_name: str) -> datetime:
    """Combine a wall-clock time in ``zone``, refusing times skipped by daylight saving."""
    local = datetime.combine(day, at, tzinfo=zone)
    round_trip = local.astimezone(UTC).astimezone(zone)
    if round_trip.replace(tzinfo=None) != local.replace(tzinfo=None):
        raise UsageError(
            f"{local:%H:%M} does not exist on {day.isoformat()} in {zone_name}: the clocks skip it for daylight saving",
            hint="pick a time an hour later or earlier",
        )
    return local


def parse_clock(text: str) -> time | None:
    """A time of day (``18:00``, ``6pm``, ``6.30pm``, ``noon``, ``midnight``); None when ``text`` is not one."""
    m = _TIME_RE.match(text.strip())
    if not m:
        return None
    if m["noon"]:
        return time(12, 0)
    if m["midnight"]:
        return time(0, 0)
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["ampm"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ampm"] == "pm" else 0)
    elif m["m"] is None:
        return None  # a bare number is not a time of day
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _checked_text(text: str, what: str, examples: str) -> str:
    """``text`` with its whitespace collapsed; refused when empty or longer than ``MAX_TEXT``."""
    raw = " ".join(text.split())
    if not raw:
        raise UsageError(f"empty {what}", hint=f"write a {what} such as {examples}")
    if len(raw) > MAX_TEXT:
        raise UsageError(
            f"{raw[:20]!r}... is {len(raw):,} characters long, not a {what}",
            hint=f"write a {what} such as {examples}",
        )
    return raw


def _checked_year(raw: str, year: int) -> None:
    if not YEARS[0] <= year <= YEARS[1]:
        raise UsageError(f"{raw!r} is in the year {year}", hint=f"give a year from {YEARS[0]} to {YEARS[1]}")


def _relative_day(words: list[str], today: date) -> tuple[date, bool] | None:
    """``today``/``tomorrow``/``[next|this] weekday`` -> (day, may_roll_a_week)."""
    if not words:
        return None
    first = words[0]
    if first in ("today", "tonight") and len(words) == 1:
        return today, False
    if first in ("tomorrow", "tmrw", "tmr") and len(words) == 1:
        return today + timedelta(days=1), False
    if first == "yesterday" and len(words) == 1:
        return today - timedelta(days=1), False
    qualifier = None
    if first in ("next", "this") and len(words) == 2:
        qualifier, words = first, words[1:]
    if len(words) == 1 and words[0] in WEEKDAY_NAMES:
        ahead = (WEEKDAY_NAMES[words[0]] - today.weekday()) % 7
        if qualifier == "next" and ahead == 0:
            ahead = 7
        return today + timedelta(days=ahead), ahead == 0 and qualifier is None
    return None


def parse_when(text: str, zone_name: str, now: datetime) -> datetime:
    """Parse a posting time typed by a person into an aware datetime in ``zone_name``.

    Accepts ISO (``2026-12-04 18:00``, with or without ``T`` and an offset), friendly
    forms (``fri 6pm``, ``tomorrow 9:30``, ``next monday 18:00``, ``today noon``) and
    day-first dates (``4/12 6pm``, ``4 Dec 2026 18:00``). A weekday means the next such
    day (today if the time is still ahead); a date without a year means the next one.
    """
    zone = get_zone(zone_name)
    raw = _checked_text(text, "time", WHEN_EXAMPLES)
    local_now = now.astimezone(zone)
    today = local_now.date()

    iso = _parse_iso(raw)
    if iso is not None:
        _checked_year(raw, iso.year)
        if iso.tzinfo is not None:
            return iso.astimezone(zone)
        return checked_local(iso.date(), iso.time(), zone, zone_name)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
        raise UsageError(f"{raw!r} has no time of day", hint=f"add one, e.g. '{raw} 18:00'")

    lowered = raw.lower()
    # "<relative day> [at] <clock>" forms.
    words = lowered.split()
    for split in range(len(words) - 1, 0, -1):
        clock = parse_clock(" ".join(words[split:]))
        rel = _relative_day(words[:split], today)
        if clock is not None and rel is not None:
            day, may_roll = rel
            if words[0] == "tonight" and clock.hour < 12:
                clock = clock.replace(hour=clock.hour + 12)
            result = checked_local(day, clock, zone, zone_name)
            if may_roll and result <= local_now:
                result = checked_local(day + timedelta(days=7), clock, zone, zone_name)
            return result
    if _relative_day(words, today) is not None:
        raise UsageError(f"{raw!r} has no time of day", hint=f"add one, e.g. '{raw} 6pm'")

    return _parse_free_date(raw, lowered, zone, zone_name, today)


def _parse_iso(raw: str) -> datetime | None:
    if not re.match(r"^\d{4}-\d{2}-\d{2}[ T]\d", raw):
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError as exc:
        raise UsageError(
            f"cannot read {raw!r} as a time: {exc}", hint=f"write a time such as {WHEN_EXAMPLES}"
        ) from None


def _parse_free_date(raw: str, lowered: str, zone: ZoneInfo, zone_name: str, today: date) -> datetime:
    from dateutil.parser import parse

    if not _TIME_TOKEN_RE.search(lowered):
        bad = UsageError(
            f"cannot read {raw!r} as a time",
            hint=f"write a day and a time of day such as {WHEN_EXAMPLES}",
        )
        try:
            parse(raw, dayfirst=True, default=datetime(today.year, today.month, today.day))
        except (ValueError, ArithmeticError):  # dateutil's ParserError is a ValueError
            raise bad from None
        raise UsageError(f"{raw!r} has no time of day", hint=f"add one, e.g. '{raw} 18:00'")
    has_year = bool(re.search(r"\b\d{4}\b|\d{1,2}/\d{1,2}/\d{2,4}", lowered))
    try:
        parsed = parse(raw, dayfirst=True, default=datetime(today.year, today.month, today.day))
        _checked_year(raw, parsed.year)
        if parsed.tzinfo is not None:
            return parsed.astimezone(zone)
    except (ValueError, ArithmeticError) as exc:  # also an offset of a day or more ("6pm UTC+99")
        raise UsageError(
            f"cannot read {raw!r} as a time: {exc}",
            hint=f"write a time such as {WHEN_EXAMPLES} (dates are day first: 4/12 is 4 December)",
        ) from None
    day = parsed.date()
    if not has_year and day < today:
        with suppress(ValueError):  # 29 February stays in its year
            day = day.replace(year=day.year + 1)
    return checked_local(day, parsed.time(), zone, zone_name)


def parse_day(text: str, today: date) -> date:
    """Parse a calendar day: ISO ``2026-12-04``, ``today``, ``tomorrow``, ``yesterday``,
    a weekday (the next one, today included), or day-first ``4/12[/2026]``."""
    raw = _checked_text(text, "day", "2026-12-04, 4/12, today, tomorrow or fri")
    rel = _relative_day(raw.lower().split(), today)
    if rel is not None:
        return rel[0]
    found = None
    with suppress(ValueError):
        found = date.fromisoformat(raw)
    m = re.fullmatch(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?", raw)
    if m:
        year = int(m[3]) if m[3] else today.year
        year += 2000 if year < 100 else 0
        with suppress(ValueError):
            found = date(year, int(m[2]), int(m[1]))
    if found is not None:
        _checked_year(raw, found.year)
        return found
    raise UsageError(
        f"cannot read {raw!r} as a day",
        hint="write a day such as 2026-12-04, 4/12, today, tomorrow or fri",
    )


def parse_month(text: str) -> date:
    """``YYYY-MM`` -> the first day of that month."""
    raw = _checked_text(text, "month", "2026-12")
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", raw)
    if not m or not 1 <= int(m[2]) <= 12:
        raise UsageError(f"cannot read {raw!r} as a month", hint="write it as YYYY-MM, e.g. 2026-12")
    _checked_year(raw, int(m[1]))
    return date(int(m[1]), int(m[2]), 1)


def day_bounds_utc(start: date, end_exclusive: date, zone_name: str) -> tuple[str, str]:
    """UTC text bounds [start 00:00, end 00:00) of local days in ``zone_name``."""
    zone = get_zone(zone_name)
    lo = datetime.combine(start, time(0), tzinfo=zone)
    hi = datetime.combine(end_exclusive, time(0), tzinfo=zone)
    return to_utc_iso(lo), to_utc_iso(hi)


def now_utc() -> datetime:
    """The clock, for the CLI layer only."""
    return datetime.now(UTC)
