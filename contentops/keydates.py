"""Public holidays (Australia, New Zealand and their states and regions) and the workspace's key dates.

Holidays come from the maintained ``holidays`` package, with Australian/New Zealand English
names, for the regions in ``contentops.toml`` (``[calendar] regions``). Key dates of the team's
own (industry events, sales days, cultural dates) live in ``calendar/key-dates.toml``::

    [[date]]
    date = 2026-11-27
    end = 2026-11-30          # optional, for a span of days
    name = "Black Friday sales"
    kind = "sales"            # optional free word: event, sales, cultural, ... (default: key-date)

Importing ``holidays`` and its country tables takes about 0.2 s, more than a whole calendar
command, so each region's holidays of a year are computed once and kept in a small cache file
(``$XDG_CACHE_HOME/contentops/holidays.json``, default ``~/.cache``) that is thrown away when
the installed ``holidays`` package changes. The cache is only a speed-up: if it cannot be read
or written, the holidays are computed as usual.
"""

from __future__ import annotations

import json
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import WorkspaceError
from .workspace import Workspace, read_toml

KEY_DATES_FILE = "key-dates.toml"
CACHE_FORMAT = 1
_KEY_DATES_HINT = "see the README's 'Key dates' for the format"

# "<region> <year>" -> [[ISO date, name], ...], for this process (filled from and saved to the cache file).
_known: dict[str, list[list[str]]] = {}


def cache_path() -> Path:
    """Where computed holidays are kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "contentops" / "holidays.json"


def _package_stamp() -> str | None:
    """Identifies the installed ``holidays`` package without importing it (an upgrade rewrites its files)."""
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or spec.origin is None:
        return None
    st = os.stat(spec.origin)
    return f"{CACHE_FORMAT}|{spec.origin}|{st.st_mtime_ns}|{st.st_size}"


def _read_cache(stamp: str) -> dict[str, list[list[str]]]:
    try:
        data = json.loads(cache_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    table = data.get("holidays") if isinstance(data, dict) and data.get("stamp") == stamp else None
    try:  # a hand-edited or truncated cache is ignored, never trusted
        return {
            str(key): [[date.fromisoformat(day).isoformat(), str(name)] for day, name in days]
            for key, days in table.items()
        }
    except (AttributeError, TypeError, ValueError):
        return {}


def _write_cache(stamp: str) -> None:
    from .fsutil import atomic_write_text

    path = cache_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps({"stamp": stamp, "holidays": _known}, ensure_ascii=False, sort_keys=True))
    except OSError:
        pass  # a read-only home or a full disk only costs speed next time


def _compute(region: str, year: int) -> list[list[str]]:
    import holidays

    country, _, subdiv = region.partition("-")
    kwargs: dict[str, Any] = {"years": year, "subdiv": subdiv or None}
    if country == "AU":
        kwargs["language"] = "en_AU"
    try:
        found = holidays.country_holidays(country, **kwargs)
    except NotImplementedError:
        raise WorkspaceError(
            f"unknown holiday region {region!r}",
            hint="use AU, AU-NSW, AU-VIC, AU-QLD, AU-WA, AU-SA, AU-TAS, AU-ACT, AU-NT, NZ or NZ-<region> "
            "(e.g. NZ-AUK) under [calendar] regions in contentops.toml",
        ) from None
    return [[day.isoformat(), str(name)] for day, name in sorted(found.items())]


def _region_holidays(regions: list[str], years: range) -> dict[str, list[list[str]]]:
    """``{"<region> <year>": [[ISO date, name], ...]}`` for every region and year, from the cache when possible."""
    wanted = [f"{region} {year}" for region in regions for year in years]
    missing = [key for key in wanted if key not in _known]
    if missing:
        stamp = _package_stamp()
        if stamp is not None:
            _known.update(_read_cache(stamp))
        missing = [key for key in wanted if key not in _known]
        for key in missing:
            region, _, year = key.partition(" ")
            _known[key] = _compute(region, int(year))
        if missing and stamp is not None:
            _write_cache(stamp)
    return {key: _known[key] for key in wanted}


def holidays_between(regions: list[str], start: date, end: date) -> dict[date, list[dict[str, Any]]]:
    """Public holidays in [start, end] (inclusive), merged across regions: one entry per day and name
    (case aside: Australia's "ANZAC Day" and New Zealand's "Anzac Day" are one), listing the regions
    that observe it."""
    merged: dict[tuple[str, str], tuple[str, list[str]]] = {}
    lo, hi = start.isoformat(), end.isoformat()
    for key, days in _region_holidays(regions, range(start.year, end.year + 1)).items():
        region = key.partition(" ")[0]
        for day, names in days:
            if lo <= day <= hi:
                for name in names.split("; "):  # the package joins two holidays on one day with '; '
                    _, where = merged.setdefault((day, name.casefold()), (name, []))
                    if region not in where:
                        where.append(region)
    out: dict[date, list[dict[str, Any]]] = {}
    for (day, _), (name, where) in sorted(merged.items()):
        out.setdefault(date.fromisoformat(day), []).append(
            {"date": day, "name": name, "kind": "holiday", "regions": where}
        )
    return out


def _key_dates_error(path: Path, message: str, hint: str = _KEY_DATES_HINT) -> WorkspaceError:
    return WorkspaceError(f"{path}: {message}", hint=hint)


def load_key_dates(path: Path) -> list[dict[str, Any]]:
    """Read ``key-dates.toml``; a missing file is no key dates."""
    data = read_toml(path, lambda message: _key_dates_error(path, message))
    if data is None:
        return []
    entries = data.get("date", [])
    if not isinstance(entries, list):
        raise _key_dates_error(path, "'date' must be an array of tables ([[date]])")
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"[[date]] number {n}"
        if not isinstance(entry, dict):
            raise _key_dates_error(path, f"{where} is not a table", "write each key date as a [[date]] table")
        first, last, name = entry.get("date"), entry.get("end", entry.get("date")), entry.get("name")
        if not all(isinstance(d, date) and not isinstance(d, datetime) for d in (first, last)):
            raise _key_dates_error(
                path, f"{where}: 'date' (and 'end') must be days like 2026-11-27", "no quotes and no time of day"
            )
        if not isinstance(name, str) or not name.strip():
            raise _key_dates_error(path, f"{where}: 'name' must be text", 'e.g. name = "Black Friday sales"')
        if last < first:
            raise _key_dates_error(path, f"{where}: 'end' ({last}) is before 'date' ({first})", "swap them")
        kind = entry.get("kind", "key-date")
        if not isinstance(kind, str) or not kind.strip():
            raise _key_dates_error(path, f"{where}: 'kind' must be a word", 'e.g. kind = "sales"')
        out.append({"date": first, "end": last, "name": name.strip(), "kind": kind.strip()})
    return out


def key_dates_between(ws: Workspace, start: date, end: date) -> dict[date, list[dict[str, Any]]]:
    """The workspace's key dates in [start, end], one entry per day (a span shows on each of its days)."""
    out: dict[date, list[dict[str, Any]]] = {}
    for entry in load_key_dates(ws.calendar_dir / KEY_DATES_FILE):
        day = max(entry["date"], start)
        while day <= min(entry["end"], end):
            out.setdefault(day, []).append(
                {"date": day.isoformat(), "name": entry["name"], "kind": entry["kind"], "regions": []}
            )
            day += timedelta(days=1)
    return out


def special_days(ws: Workspace, start: date, end: date) -> dict[date, list[dict[str, Any]]]:
    """Holidays of the configured regions and the workspace's key dates in [start, end]: holidays
    first (by name), then key dates in the file's order."""
    out = holidays_between(ws.config.regions, start, end)
    for day, items in key_dates_between(ws, start, end).items():
        out.setdefault(day, []).extend(items)
    return out
