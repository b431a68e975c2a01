"""Weekly posting slots, and filling them with posts that have no time yet.

A slot is a weekly wall-clock time in the workspace's home zone, stored in the table
``slots`` as ``{days: ["mon", "wed", "fri"], time: "18:00", pillar: str | None, created_at}``.
Occurrences are expanded with dateutil's ``rrule`` over naive local date-times and only then
given the home zone, so 18:00 stays 18:00 on both sides of a daylight-saving change (its UTC
offset changes instead). A slot time the clocks skip on one day (02:30 on the day daylight
saving starts) has no occurrence that day; it is not shifted. A time that happens twice (02:30
on the day daylight saving ends) is taken once, at its first, daylight-saving, instance.

``fill_slots`` gives posts without a time the next free occurrences, oldest approval first,
and never puts two posts at the same instant.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from itertools import islice, takewhile
from typing import Any

from .calendar_ops import POSTS, STATUSES, check_pillar, log_entry, parse_id
from .errors import ConflictError, NotFoundError, UsageError
from .timeutil import WEEKDAY_NAMES, WEEKDAYS, checked_local, get_zone, local_iso, parse_clock, to_utc_iso
from .workspace import Workspace

SLOTS = "slots"
FILL_DAYS = 28  # default window of 'slot fill'
NEXT_COUNT = 3  # occurrences shown per slot by 'slot list'
_DAY_GROUPS = {"daily": WEEKDAYS, "weekdays": WEEKDAYS[:5], "weekends": WEEKDAYS[5:], "weekend": WEEKDAYS[5:]}
_NOT_FILLABLE = ("published", "cancelled")


# -- validation -----------------------------------------------------------------------------
def parse_days(text: str | Iterable[str]) -> list[str]:
    """``"mon,wed,fri"`` (or full names, ``weekdays``, ``weekends``, ``daily``) -> days in week order."""
    parts = [text] if isinstance(text, str) else list(text)
    found: set[str] = set()
    for part in (p.strip().lower() for raw in parts for p in raw.replace(" ", ",").split(",")):
        if not part:
            continue
        if part in _DAY_GROUPS:
            found.update(_DAY_GROUPS[part])
        elif part in WEEKDAY_NAMES:
            found.add(WEEKDAYS[WEEKDAY_NAMES[part]])
        else:
            raise UsageError(
                f"{part!r} is not a day of the week",
                hint="use mon,tue,wed,thu,fri,sat,sun (or weekdays, weekends, daily), e.g. --days mon,wed,fri",
            )
    if not found:
        raise UsageError("a slot needs at least one day", hint="e.g. --days mon,wed,fri")
    return [d for d in WEEKDAYS if d in found]


def parse_slot_time(text: str) -> str:
    """``"18:00"``, ``"6pm"``, ``"6:30pm"``, ``"noon"`` -> ``"HH:MM"`` (24-hour)."""
    clock = parse_clock(text.lower())
    if clock is None:
        raise UsageError(
            f"{text!r} is not a time of day",
            hint="write it as HH:MM in 24-hour time (e.g. --time 18:00) or with am/pm (6pm)",
        )
    return f"{clock:%H:%M}"


def parse_slot_id(text: str | int) -> int:
    return parse_id(text, "a slot", "contentops slot list")


# -- expansion ------------------------------------------------------------------------------
def _iter_occurrences(slot: dict[str, Any], zone_name: str, start: datetime) -> Iterator[datetime]:
    """Occurrences of ``slot`` at or after ``start``, in order, without end, as aware local times."""
    from dateutil.rrule import WEEKLY, rrule

    zone = get_zone(zone_name)
    clock = time.fromisoformat(slot["time"])
    first_day = start.astimezone(zone).date() - timedelta(days=1)  # a day early: offsets differ by < 1 day
    rule = rrule(
        WEEKLY, dtstart=datetime.combine(first_day, clock), byweekday=[WEEKDAYS.index(d) for d in slot["days"]]
    )
    for naive in rule:  # naive local wall-clock times: DST cannot shift them
        try:
            local = checked_local(naive.date(), clock, zone, zone_name)
        except UsageError:
            continue  # the clocks skip this time on this day (daylight saving starts): no slot that day
        if local >= start:
            yield local


def slot_occurrences(slot: dict[str, Any], zone_name: str, start: datetime, end: datetime) -> list[datetime]:
    """Occurrences of ``slot`` in [start, end), as aware datetimes in ``zone_name``."""
    return list(takewhile(lambda o: o < end, _iter_occurrences(slot, zone_name, start)))


# -- output form ----------------------------------------------------------------------------
def slot_json(slot: dict[str, Any], zone: str, upcoming: list[datetime]) -> dict[str, Any]:
    return {
        "id": slot["id"],
        "days": list(slot["days"]),
        "time": slot["time"],
        "pillar": slot.get("pillar"),
        "zone": zone,
        "created_at": local_iso(slot.get("created_at"), zone),
        "next": [o.isoformat() for o in upcoming],
    }


def _describe(slot: dict[str, Any]) -> str:
    return f"{','.join(slot['days'])} {slot['time']}" + (f" ({slot['pillar']})" if slot.get("pillar") else "")


# -- slots ----------------------------------------------------------------------------------
def add_slot(
    ws: Workspace,
    days: str | Iterable[str],
    at: str,
    *,
    now: datetime,
    pillar: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """Add a weekly slot. A slot that shares a day and time with another one is refused:
    one instant holds one post, so the second slot could never be used."""
    doc = {
        "days": parse_days(days),
        "time": parse_slot_time(at),
        "pillar": check_pillar(ws, pillar),
        "created_at": to_utc_iso(now),
    }
    with ws.store(actor).transaction("slot add", now) as tx:
        for other in tx.all(SLOTS):
            shared = [d for d in doc["days"] if d in other["days"]]
            if other["time"] == doc["time"] and shared:
                raise ConflictError(
                    f"slot {other['id']} ({_describe(other)}) already covers {','.join(shared)} {doc['time']}",
                    hint=f"pick another time, or remove that slot first: contentops slot rm {other['id']}",
                )
        doc["id"] = tx.insert(SLOTS, doc)
        tx.summary = f"added slot {doc['id']} ({_describe(doc)})"
    return slot_json(doc, ws.config.zone, list(islice(_iter_occurrences(doc, ws.config.zone, now), NEXT_COUNT)))


def list_slots(ws: Workspace, *, now: datetime, count: int = NEXT_COUNT) -> list[dict[str, Any]]:
    """All slots by id, each with its next ``count`` occurrences from ``now``."""
    zone = ws.config.zone
    slots = sorted(ws.store().read().all(SLOTS), key=lambda s: s["id"])
    return [slot_json(s, zone, list(islice(_iter_occurrences(s, zone, now), count))) for s in slots]


def remove_slot(ws: Workspace, slot_id: int, *, now: datetime, actor: str | None = None) -> dict[str, Any]:
    """Remove a slot (posts already given its times keep them)."""
    with ws.store(actor).transaction("slot rm", now) as tx:
        if tx.get(SLOTS, slot_id) is None:
            raise NotFoundError(
                f"no slot with id {slot_id}", hint="'contentops slot list' shows the slots and their ids"
            )
        slot = tx.remove(SLOTS, slot_id)
        tx.summary = f"removed slot {slot_id} ({_describe(slot)})"
    return slot_json(slot, ws.config.zone, [])


# -- filling --------------------------------------------------------------------------------
def _window(zone_name: str, now: datetime, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    """[lo, hi) of the fill: from now (or the start of day ``start``, if later) to the end of day
    ``end``, else ``FILL_DAYS`` days after lo."""
    zone = get_zone(zone_name)
    lo = now if start is None else max(now, datetime.combine(start, time(0), tzinfo=zone))
    hi = (
        lo + timedelta(days=FILL_DAYS)
        if end is None
        else datetime.combine(end + timedelta(days=1), time(0), tzinfo=zone)
    )
    if hi <= lo:
        raise UsageError(
            f"nothing to fill between {lo.astimezone(zone):%Y-%m-%d %H:%M} and {hi.astimezone(zone):%Y-%m-%d %H:%M}: "
            "only future slots are filled",
            hint="give a --to day after --from and after today",
        )
    return lo.astimezone(zone), hi.astimezone(zone)


def _queue(view: Any, status: str) -> list[dict[str, Any]]:
    """Posts with ``status`` and no time, in fill order: oldest approval first for approved
    posts (then id), creation order for the others."""
    posts = view.find(POSTS, lambda p: p["status"] == status and p.get("at") is None)
    if status == "approved":
        return sorted(posts, key=lambda p: (p.get("approved_at") is None, p.get("approved_at") or "", p["id"]))
    return sorted(posts, key=lambda p: (p.get("created_at") or "", p["id"]))


Assignment = tuple[dict[str, Any], dict[str, Any], datetime]  # (post, slot, local time)


def _plan(
    view: Any, zone: str, now: datetime, lo: datetime, hi: datetime, queue: list[dict[str, Any]]
) -> tuple[list[Assignment], list[dict[str, Any]]]:
    """(assignments, posts left over with the reason). Each post in queue order takes the
    earliest free occurrence of a slot that accepts its pillar; an instant holding any post
    that is not cancelled is taken, and each occurrence goes to one post."""
    slots = sorted(view.all(SLOTS), key=lambda s: s["id"])
    taken = {p["at"] for p in view.all(POSTS) if p.get("at") and p["status"] != "cancelled"}
    free = sorted(
        ((to_utc_iso(o), o, s) for s in slots for o in slot_occurrences(s, zone, lo, hi) if o > now),
        key=lambda f: (f[0], f[2]["id"]),
    )
    planned: list[Assignment] = []
    left: list[dict[str, Any]] = []
    for post in queue:
        pillar = post.get("pillar")
        pick = next((f for f in free if f[2].get("pillar") in (None, pillar) and f[0] not in taken), None)
        if pick is not None:
            taken.add(pick[0])
            planned.append((post, pick[2], pick[1]))
            continue
        if any(s.get("pillar") in (None, pillar) for s in slots):
            reason = "no free slot left in the window"
        elif not slots:
            reason = "there are no slots yet"
        else:
            reason = f"no slot takes pillar '{pillar}'" if pillar else "every slot is kept for one pillar"
        left.append({"id": post["id"], "title": post["title"], "pillar": pillar, "reason": reason})
    return planned, left


def _assignment_json(post: dict[str, Any], slot: dict[str, Any], local: datetime) -> dict[str, Any]:
    return {
        "id": post["id"],
        "title": post["title"],
        "pillar": post.get("pillar"),
        "slot": slot["id"],
        "at": local.isoformat(),
    }


def fill_slots(
    ws: Workspace,
    *,
    now: datetime,
    start: date | None = None,
    end: date | None = None,
    status: str = "approved",
    dry_run: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """Give posts with ``status`` and no time the next free slot occurrences in [start, end]
    (default: from now for ``FILL_DAYS`` days). Applying sets ``at`` (UTC) and ``tz`` (home
    zone) and logs ``slot-fill`` on each post, all as one change (one ``undo``). ``dry_run``
    only plans. Returns the plan: ``filled`` (post, slot, local time) and ``unfilled`` (with why)."""
    if status not in STATUSES:
        raise UsageError(f"unknown status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    if status in _NOT_FILLABLE:
        raise UsageError(
            f"{status} posts do not get slots", hint="fill approved posts (the default), or drafts with --status draft"
        )
    zone = ws.config.zone
    lo, hi = _window(zone, now, start, end)
    store = ws.store(actor)
    if dry_run:
        view = store.read()
        planned, unfilled = _plan(view, zone, now, lo, hi, _queue(view, status))
    else:
        with store.transaction("slot fill", now) as tx:
            planned, unfilled = _plan(tx, zone, now, lo, hi, _queue(tx, status))
            for post, slot, local in planned:
                at_utc = to_utc_iso(local)
                tx.update(
                    POSTS,
                    post["id"],
                    {
                        "at": at_utc,
                        "tz": zone,
                        "updated_at": to_utc_iso(now),
                        "log": log_entry(post, now, store.actor, "slot-fill", None, slot=slot["id"], after=at_utc),
                    },
                )
            ids = ", ".join(str(post["id"]) for post, _, _ in planned)
            tx.summary = f"slot fill: gave {len(planned)} {status} post(s) a time ({ids})"
    return {
        "status": status,
        "zone": zone,
        "from": lo.isoformat(),
        "to": hi.isoformat(),
        "dry_run": dry_run,
        "filled": [_assignment_json(*a) for a in planned],
        "unfilled": unfilled,
    }


__all__ = [
    "SLOTS",
    "add_slot",
    "fill_slots",
    "list_slots",
    "parse_days",
    "parse_slot_id",
    "parse_slot_time",
    "remove_slot",
    "slot_occurrences",
]
