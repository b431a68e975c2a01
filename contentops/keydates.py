"""Public holidays (Australia, New Zealand and their states and regions) and the workspace's key dates.

Holidays come from the maintained ``holidays`` package, with Australian/New Zealand English
names, for the regions in ``contentops.toml`` (``[calendar] regions``). Key dates of the team's
own (industry events, sales days, cultural dates) live in ``calendar/key-dates.toml``::

    [[date]]
    date = 2026-11-27
    end = 2026-11-30          # optional, for a span of days
    name = "Black Friday sales"
    kind = "sales"            # optional free word: event, sales, cultural, ...
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from .errors import WorkspaceError
from .workspace import Workspace

KEY_DATES_FILE = "key-dates.toml"


@lru_cache(maxsize=32)
def _region_holidays(region: str, year: int) -> dict[date, str]:
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
    return {d: str(name) for d, name in sorted(found.items())}


def holidays_between(regions: list[str], start: date, end: date) -> dict[date, list[dict[str, Any]]]:
    """Public holidays in [start, end] (inclusive), merged across regions: one entry per day
    and name, listing the regions that observe it."""
    merged: dict[tuple[date, str], list[str]] = {}
    for region in regions:
        for year in range(start.year, end.year + 1):
            for day, name in _region_holidays(region, year).items():
                if start <= day <= end:
                    for one in name.split("; "):  # the package joins two holidays on one day with '; '
                        merged.setdefault((day, one), []).append(region)
    out: dict[date, list[dict[str, Any]]] = {}
    for (day, name), where in sorted(merged.items()):
        out.setdefault(day, []).append({"date": day.isoformat(), "name": name, "kind": "holiday", "regions": where})
    return out


def load_key_dates(path: Path) -> list[dict[str, Any]]:
    """Read ``key-dates.toml``; a missing file is no key dates."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise WorkspaceError(
            f"{path}: not valid TOML: {exc}", hint="fix the file; see the README's 'Key dates'"
        ) from None
    entries = data.get("date", [])
    if not isinstance(entries, list):
        raise WorkspaceError(
            f"{path}: 'date' must be an array of tables ([[date]])", hint="see the README's 'Key dates'"
        )
    out = []
    for n, entry in enumerate(entries, 1):
        where = f"{path}: [[date]] number {n}"
        if not isinstance(entry, dict):
            raise WorkspaceError(f"{where} is not a table", hint="write each key date as a [[date]] table")
        first, last, name = entry.get("date"), entry.get("end", entry.get("date")), entry.get("name")
        if not isinstance(first, date) or not isinstance(last, date):
            raise WorkspaceError(
                f"{where}: 'date' (and 'end') must be dates like 2026-11-27", hint="no quotes around dates"
            )
        if not isinstance(name, str) or not name.strip():
            raise WorkspaceError(f"{where}: 'name' must be text", hint='e.g. name = "Black Friday sales"')
        if last < first:
            raise WorkspaceError(f"{where}: 'end' is before 'date'", hint="swap them")
        kind = entry.get("kind", "key-date")
        out.append({"date": first, "end": last, "name": name.strip(), "kind": str(kind)})
    return out


def key_dates_between(ws: Workspace, start: date, end: date) -> dict[date, list[dict[str, Any]]]:
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
    """Holidays of the configured regions and the workspace's key dates in [start, end]."""
    out = holidays_between(ws.config.regions, start, end)
    for day, items in key_dates_between(ws, start, end).items():
        out.setdefault(day, []).extend(items)
    return out
