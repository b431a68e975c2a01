"""Calendar views as plain data: agenda (list by day), week grid and month grid.

Days are local days of the workspace's home zone. Each day lists its public holidays and the
workspace's key dates (``special``) and its posts; each post also carries its time in the extra
zones asked for (by default the workspace's display zones).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .calendar_ops import POSTS, post_json
from .keydates import special_days
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


def extra_zones(ws: Workspace, zones: list[str] | None) -> list[str]:
    """The zones to show next to the home zone: ``zones`` (checked, without the home zone and repeats),
    or the workspace's display zones when ``zones`` is None. ``[]`` means the home zone only."""
    out: list[str] = []
    for zone in ws.config.display_zones if zones is None else zones:
        get_zone(zone)
        if zone != ws.config.zone and zone not in out:
            out.append(zone)
    return out


def days_view(ws: Workspace, start: date, days: int, zones: list[str] | None = None) -> dict[str, Any]:
    """Posts, holidays and key dates of ``days`` local days from ``start``, grouped by day, with post
    times in the home zone and the extra zones (see ``extra_zones``)."""
    zones = extra_zones(ws, zones)
    end = start + timedelta(days=days)
    posts, undated = _posts_between(ws, start, end)
    special = special_days(ws, start, end - timedelta(days=1))
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
        "regions": list(ws.config.regions),
        "start": start.isoformat(),
        "end": (end - timedelta(days=1)).isoformat(),
        "days": [
            {
                "date": d.isoformat(),
                "weekday": d.strftime("%a"),
                "special": [
                    {"name": s["name"], "kind": s["kind"], "regions": s["regions"]} for s in special.get(d, [])
                ],
                "posts": ps,
            }
            for d, ps in by_day.items()
        ],
        "unscheduled": undated,
    }


def week_start(day: date) -> date:
    """Monday of the week holding ``day`` (weeks start on Monday in Australia and New Zealand)."""
    return day - timedelta(days=day.weekday())


def week_view(ws: Workspace, day: date, zones: list[str] | None = None) -> dict[str, Any]:
    return days_view(ws, week_start(day), 7, zones)


def month_view(ws: Workspace, first: date) -> dict[str, Any]:
    """Whole weeks (Monday to Sunday) covering the month of ``first``; times in the home zone only."""
    first = first.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    start = week_start(first)
    weeks = ((nxt - start).days + 6) // 7
    data = days_view(ws, start, weeks * 7, zones=[])
    data["month"] = first.strftime("%Y-%m")
    for d in data["days"]:
        d["in_month"] = d["date"][:7] == data["month"]
    return data
