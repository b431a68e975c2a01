"""Cut times as people type them, and back.

``parse_timecode`` accepts seconds (``75``, ``12.5``, ``.5``), ``MM:SS.s`` (``1:15.5``) and
``HH:MM:SS.s`` (``0:01:15``); minutes, and seconds after a colon, must be below 60, and times are never
negative nor ``MAX_HOURS`` or more. ``format_timecode`` writes ``H:MM:SS.s`` (``0:01:15.5``).
"""

from __future__ import annotations

import re

from ..errors import UsageError

_TIMECODE = re.compile(r"(?:(?:(?P<h>\d+):)?(?P<m>\d{1,2}):)?(?P<s>\d+(?:\.\d+)?|\.\d+)")
HINT = "Use seconds (75 or 12.5), MM:SS.s (1:15.5) or HH:MM:SS.s (0:01:15)."
MAX_HOURS = 100  # longer than any recording; also keeps digits by the thousand out of int() and float()
MAX_CHARS = 24  # "99:59:59.999" has 12


def parse_timecode(text: str) -> float:
    """``"1:15.5"`` -> ``75.5``. A ``UsageError`` with a hint for anything else."""
    cleaned = text.strip()
    if len(cleaned) > MAX_CHARS:
        raise UsageError(f"{cleaned[:MAX_CHARS]!r}... ({len(cleaned):,} characters) is not a time", hint=HINT)
    if cleaned.startswith("-"):
        raise UsageError(f"time {cleaned!r} is negative", hint="Times count from the start of the video. " + HINT)
    match = _TIMECODE.fullmatch(cleaned)
    if not match:
        raise UsageError(f"{cleaned!r} is not a time", hint=HINT)
    hours, minutes, seconds = int(match["h"] or 0), int(match["m"] or 0), float(match["s"])
    if match["m"] is not None and seconds >= 60:
        raise UsageError(f"time {cleaned!r} has {seconds:g} seconds after a colon (60 or more)", hint=HINT)
    if minutes >= 60:
        raise UsageError(f"time {cleaned!r} has {minutes} minutes (60 or more)", hint=HINT)
    total = hours * 3600 + minutes * 60 + seconds
    if total >= MAX_HOURS * 3600:
        raise UsageError(f"time {cleaned!r} is {MAX_HOURS} hours or more", hint=HINT)
    return total


def format_timecode(seconds: float, decimals: int = 1) -> str:
    """``75.5`` -> ``"0:01:15.5"`` (``H:MM:SS`` plus ``decimals`` digits of the second)."""
    sign = "-" if seconds < 0 else ""
    scale = 10**decimals
    units = round(abs(seconds) * scale)
    whole, fraction = divmod(units, scale)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    text = f"{sign}{hours}:{minutes:02d}:{secs:02d}"
    return f"{text}.{fraction:0{decimals}d}" if decimals else text
