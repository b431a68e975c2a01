"""Calendar views as plain data: agenda (list by day), week grid and month grid.

Days are local days of the workspace's home zone; each post also carries its time in
any extra zones asked for.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .calendar_ops import POSTS, post_json
from .timeutil import day_bounds_utc, get_zone, in_zone
from .workspace import Workspace


def _posts_between(ws: Workspace, start: date, end_exclusive: date) -> tuple[list[dict[str, Any]], int]:
    """Scheduled-time posts in [start, end) local days, by time; and the count of undated posts."""
    lo, hi = day_bounds_utc(start, end_exclusive, ws.config.zone)
    found: list[dict[str, Any]] = []
    undated = 0
    for doc_id, doc in ws.store().read().scan(POSTS):  # times are UTC text, so a text comparison selects the range
        at = doc.get("at")
        if at is None:
            undated += doc.get("status") not in ("published", "cancelled")
        elif lo <= at < hi:
            found.append({**doc, "id": doc_id})
    found.sort(key=lambda p: (p["at"], p["id"]))
    return found, undated


def days_view(ws: Workspace, start: date, days: int, zones: list[str] | None = None) -> dict[str, Any]:
    """Posts of ``days`` local days from ``start``, grouped by day, with times in ``zones``."""
    zones = [z for z in (zones or []) if z != ws.config.zone]
    for z in zones:
        get_zone(z)
    end = start + timedelta(days=days)
    posts, undated = _posts_between(ws, start, end)
    home = ws.config.zone
    by_day: dict[date, list[dict[str, Any]]] = {start + timedelta(days=i): [] for i in range(days)}
    for p in posts:
        local = in_zone(p["at"], home)
        item = post_json(p)
        item["local_time"] = local.strftime("%H:%M")
        item["times"] = {home: local.isoformat(), **{z: in_zone(p["at"], z).isoformat() for z in zones}}
        by_day[local.date()].append(item)
    return {
        "zone": home,
        "zones": [home, *zones],
        "start": start.isoformat(),
        "end": (end - timedelta(days=1)).isoformat(),
        "days": [{"date": d.isoformat(), "weekday": d.strftime("%a"), "posts": ps} for d, ps in by_day.items()],
        "unscheduled": undated,
    }


def week_start(day: date) -> date:
    """Monday of the week holding ``day`` (weeks start on Monday in Australia and New Zealand)."""
    return day - timedelta(days=day.weekday())


def week_view(ws: Workspace, day: date, zones: list[str] | None = None) -> dict[str, Any]:
    return days_view(ws, week_start(day), 7, zones)


def month_view(ws: Workspace, first: date) -> dict[str, Any]:
    """Whole weeks (Monday to Sunday) covering the month of ``first``."""
    first = first.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    start = week_start(first)
    weeks = ((nxt - start).days + 6) // 7
    data = days_view(ws, start, weeks * 7)
    data["month"] = first.strftime("%Y-%m")
    for d in data["days"]:
        d["in_month"] = d["date"][:7] == data["month"]
    return data
