"""Weekly reports, best posting times and campaign results, from the plan and the metrics.

Everything is computed from one read of each store: posts and campaigns from ``calendar/calendar.json``;
snapshots, daily account figures and follower activity from ``calendar/metrics.json``. Each post's
snapshots become a ``Timeline`` once, which answers "the value as of" with a binary search, so a report
over 50,000 snapshots costs little more than reading the file.

Definitions (the reports print them):

* a period is whole days of the home zone, from the first day's 00:00 to the last day's 24:00; a week runs
  Monday to Sunday (``2026-W48``); by default a report covers the last complete week;
* a period's gains are ``metrics.gain`` (the value before its end less the value before its start),
  summed over every post, older posts included; the previous period has the same length;
* a post's figures "as of" a moment: each figure from the latest snapshot before it that knows it;
  unknown stays unknown (``None``), never 0, and a sum of unknowns is unknown;
* engagement = likes + comments + shares + saves; engagement rate = engagement / views x 100; per
  follower = engagement / the account's followers at the end of the period x 100;
* plan adherence: each post planned (``at``) in the period went out on time (published at most
  ``ON_TIME_MINUTES`` away from the planned time), early, late, or was missed or cancelled, or is still
  upcoming;
* best hours: the mean engagement rate of the account's own posts by the hour (and weekday) they went out
  in the home zone, with the number of posts behind each figure.
"""

from __future__ import annotations

import csv
import html
import io
import json
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from . import metrics
from .calendar_ops import POSTS, show_campaign
from .errors import UsageError
from .feedback import FEEDBACK, community, community_section
from .fsutil import atomic_write_bytes
from .store import View
from .timeutil import day_bounds_utc, from_utc_iso, get_zone, in_zone, local_iso, parse_day, to_utc_iso
from .trends import TRENDS, trend_report, trends_section
from .views import week_start
from .workspace import Workspace

FORMATS = ("table", "json", "md", "csv", "html")
EXTENSIONS = {".json": "json", ".md": "md", ".markdown": "md", ".csv": "csv", ".html": "html", ".htm": "html"}
GROUPINGS = ("pillar", "campaign")
ON_TIME_MINUTES = 15  # published at most this many minutes from the planned time: on time
MIN_SLOT_POSTS = 3  # fewer posts than this behind an hour or slot: a hint, not a finding
MIN_POSTS = 20  # fewer posts than this behind a heatmap: too few to trust
TOP_POSTS = 3
TOP_SLOTS = 5
UNKNOWN = "?"
PARTS = ("likes", "comments", "shares", "saves")  # engagement
GAINED = ("views", *PARTS, "followers")  # counts summed over posts for a period ("followers": new, from posts)
OUTCOMES = ("on_time", "early", "late", "missed", "cancelled", "upcoming")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
FORMULA = {
    "engagement": "likes + comments + shares + saves",
    "engagement_rate": "engagement / views x 100",
    "engagement_rate_followers": "engagement / account followers at the end of the period x 100",
}
CSV_COLUMNS = (
    "id", "published_at", "title", "pillar", "campaign", "url", "views", "likes", "comments", "shares", "saves",
    "engagement", "engagement_rate", "engagement_rate_followers", "new_followers", "reach", "watch_time",
    "full_watch", "snapshot_at",
)  # fmt: skip


# --- figures over time -------------------------------------------------------------------------------
def _gain(after: int | float | None, before: int | float | None) -> int | None:
    """``metrics.gain`` from the two values it compares."""
    return None if after is None else int(after) - int(before or 0)


class Timeline:
    """Documents in ``key`` order (snapshots by ``at``, daily figures by ``day``), read field by field.

    ``value_at`` gives what ``metrics.value_at`` gives (and ``_gain`` of two of them ``metrics.gain``): by a
    binary search over the field's known values (listed on first use), or from the newest document that knows
    it when ``before`` is after every document (the usual case for all but the newest posts)."""

    __slots__ = ("_docs", "_keys", "_latest", "_series")

    def __init__(self, docs: Sequence[Mapping[str, Any]], key: str = "at") -> None:
        self._docs = docs
        self._keys = [d[key] for d in docs]
        self._series: dict[str, tuple[list[str], list[Any]]] = {}
        self._latest: dict[str, Any] = {}

    def _known(self, field: str) -> tuple[list[str], list[Any]]:
        series = self._series.get(field)
        if series is None:
            values = [d.get(field) for d in self._docs]
            if None in values:
                pairs = [(k, v) for k, v in zip(self._keys, values, strict=True) if v is not None]
                series = [k for k, _ in pairs], [v for _, v in pairs]
            else:
                series = self._keys, values
            self._series[field] = series
        return series

    def latest(self, field: str) -> Any:
        """``field`` from the newest document that knows it."""
        if field not in self._latest:
            self._latest[field] = next((d[field] for d in reversed(self._docs) if d.get(field) is not None), None)
        return self._latest[field]

    def value_at(self, field: str, before: str | None = None) -> Any:
        """``field`` from the newest document before ``before`` (exclusive; None: of all) that knows it."""
        if before is None or not self._keys or before > self._keys[-1]:
            return self.latest(field)
        keys, values = self._known(field)
        i = bisect_left(keys, before)
        return values[i - 1] if i else None

    def last_key(self, before: str | None = None) -> str | None:
        """The key (time) of the newest document before ``before``."""
        i = len(self._keys) if before is None else bisect_left(self._keys, before)
        return self._keys[i - 1] if i else None


def _add(total: int | None, value: int | None) -> int | None:
    """A sum in which unknown plus unknown stays unknown."""
    if value is None:
        return total
    return value if total is None else total + value


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _compare(value: int | float | None, previous: int | float | None) -> dict[str, Any]:
    """A figure next to the previous period's: the change, absolute and in percent (None when unknown)."""
    change = None if value is None or previous is None else value - previous
    as_float = isinstance(value, float) or isinstance(previous, float)
    return {
        "value": _round(value) if as_float else value,
        "previous": _round(previous) if as_float else previous,
        "change": _round(change) if as_float else change,
        "change_percent": _round(metrics.rate(change, abs(previous) if previous else None)),
    }


def post_figures(timeline: Timeline | None, before: str | None, followers: int | None = None) -> dict[str, Any]:
    """A post's figures as of ``before`` (None: its latest), with engagement and both engagement rates
    (per view, and per ``followers`` of the account)."""
    fig = {f: timeline.value_at(f, before) if timeline else None for f in metrics.FIELDS}
    eng = metrics.engagement(fig)
    return {
        **{f: fig[f] for f in ("views", *PARTS)},
        "engagement": eng,
        "engagement_rate": _round(metrics.rate(eng, fig["views"])),
        "engagement_rate_followers": _round(metrics.rate(eng, followers)),
        "new_followers": fig["followers"],
        "reach": fig["reach"],
        "watch_time": fig["watch_time"],
        "full_watch": fig["full_watch"],
        "snapshot_at": timeline.last_key(before) if timeline else None,
    }


# --- the data ----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Data:
    """What reports read: posts (id -> document), a timeline per post that has snapshots, the daily account
    figures (in day order) and the follower activity."""

    posts: dict[int, dict[str, Any]]
    timelines: dict[int, Timeline]
    daily: list[dict[str, Any]]
    activity: list[dict[str, Any]]
    calendar: View  # the calendar as read, for its other tables (trends, feedback)


def load_data(ws: Workspace) -> Data:
    """Read both stores once."""
    calendar = ws.store().read()
    posts = {i: {**d, "id": i} for i, d in calendar.scan(POSTS)}
    return Data(posts, *_read_metrics(ws), calendar=calendar)


def _read_metrics(
    ws: Workspace, post_ids: Iterable[int] | None = None
) -> tuple[dict[int, Timeline], list[dict[str, Any]], list[dict[str, Any]]]:
    """Timelines of the posts with snapshots (only ``post_ids`` when given), daily figures, activity."""
    view = ws.metrics_store().read()
    docs: Iterable[Mapping[str, Any]] = (d for _, d in view.scan(metrics.SNAPSHOTS))
    if post_ids is not None:
        wanted = set(post_ids)
        docs = (d for d in docs if d["post"] in wanted)
    timelines = {pid: Timeline(snaps) for pid, snaps in metrics.snapshots_by_post(docs).items()}
    daily = sorted((d for _, d in view.scan(metrics.DAILY)), key=lambda d: d["day"])
    return timelines, daily, [d for _, d in view.scan(metrics.ACTIVITY)]


def _went_out(post: Mapping[str, Any]) -> str | None:
    """When a published post went out (UTC text); None for other posts."""
    moment = metrics.published_at(post) if post.get("status") == "published" else None
    return to_utc_iso(moment) if moment else None


# --- periods -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """Local days of the home zone from ``start`` to ``end`` (exclusive)."""

    start: date
    end: date
    label: str
    is_week: bool

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def previous(self) -> Period:
        return period_of(self.start - timedelta(days=self.days), self.start, self.is_week)

    def to_json(self) -> dict[str, Any]:
        last = self.end - timedelta(days=1)
        return {"label": self.label, "start": self.start.isoformat(), "end": last.isoformat(), "days": self.days,
                "week": self.is_week}  # fmt: skip


def period_of(start: date, end: date, is_week: bool = False) -> Period:
    """The period of local days ``start`` to ``end`` (exclusive); ``is_week``: a Monday-to-Sunday week."""
    if is_week:
        year, week, _ = start.isocalendar()
        return Period(start, end, f"{year}-W{week:02d}", True)
    return Period(start, end, f"{start.isoformat()} to {(end - timedelta(days=1)).isoformat()}", False)


def _week(monday: date) -> Period:
    return period_of(monday, monday + timedelta(days=7), True)


def resolve_period(week: str | None, date_from: str | None, date_to: str | None, today: date) -> Period:
    """The period asked for: ``week`` (``2026-W48``, or a day in the week: ``2026-11-25``, ``today``), or the
    days ``date_from`` to ``date_to`` (included; default today); by default the week before this one."""
    if week is not None and (date_from or date_to):
        raise UsageError("give --week or --from/--to, not both", hint="e.g. --week 2026-W48, or --from 1/11 --to 30/11")
    if date_to is not None and date_from is None:
        raise UsageError("--to needs --from", hint="e.g. --from 2026-11-01 --to 2026-11-30")
    if date_from is not None:
        start = parse_day(date_from, today)
        last = parse_day(date_to, today) if date_to else today
        if last < start:
            raise UsageError(f"--to {last} is before --from {start}", hint="swap the two days")
        return period_of(start, last + timedelta(days=1))
    if week is None:
        return _week(week_start(today) - timedelta(days=7))
    text = week.strip().upper()
    year, sep, number = text.partition("-W")
    if not sep:
        try:
            return _week(week_start(parse_day(week, today)))
        except UsageError:
            raise UsageError(
                f"cannot read {week!r} as a week", hint="write an ISO week such as 2026-W48, or a day in it: 2026-11-25"
            ) from None
    try:
        return _week(date.fromisocalendar(int(year), int(number), 1))
    except ValueError:
        raise UsageError(
            f"{week!r} is not a week", hint="write an ISO week such as 2026-W48 (weeks 1 to 52 or 53)"
        ) from None


def _edges(start: date, days: int, zone: str) -> list[str]:
    """UTC text of local midnight at the start of each of ``days`` days from ``start``, and after the last."""
    days_ = [start + timedelta(days=i) for i in range(days + 1)]
    return [day_bounds_utc(day, day, zone)[0] for day in days_]


# --- the report --------------------------------------------------------------------------------------
def report_data(
    data: Data, period: Period, *, zone: str, now: datetime, handle: str = "", by: str = "pillar"
) -> dict[str, Any]:
    """The report of ``period`` as plain data (the ``--json`` form); ``by`` picks the group table shown."""
    prev = period.previous
    edges = _edges(prev.start, prev.days + period.days, zone)  # the previous period's days, then this one's
    prev_start, start, end = edges[0], edges[prev.days], edges[-1]
    day_edges = edges[prev.days :]

    # Gains of every post over both periods and each day, from its values at the day edges (metrics.gain).
    total: dict[str, int | None] = dict.fromkeys(GAINED)
    total_before: dict[str, int | None] = dict.fromkeys(GAINED)
    by_day: list[dict[str, int | None]] = [dict.fromkeys(GAINED) for _ in range(period.days)]
    for timeline in data.timelines.values():
        for field in GAINED:
            values = [timeline.value_at(field, edge) for edge in day_edges]
            total[field] = _add(total[field], _gain(values[-1], values[0]))
            total_before[field] = _add(total_before[field], _gain(values[0], timeline.value_at(field, prev_start)))
            for i, day in enumerate(by_day):
                day[field] = _add(day[field], _gain(values[i + 1], values[i]))

    account = _account(data.daily, period, prev)
    followers = account["followers"]["value"]
    now_totals = _totals(total, followers)
    then_totals = _totals(total_before, account["followers"]["previous"])
    rows = _post_rows(data, start, end, zone, followers)
    by_views = sorted((r for r in rows if r["views"] is not None), key=lambda r: (-r["views"], r["id"]))
    by_rate = sorted((r for r in rows if r["engagement_rate"] is not None),
                     key=lambda r: (-r["engagement_rate"], r["id"]))  # fmt: skip
    return {
        "handle": handle,
        "zone": zone,
        "generated_at": local_iso(to_utc_iso(now), zone),
        "period": {**period.to_json(), "complete": end <= to_utc_iso(now)},
        "previous": prev.to_json(),
        "by": by,
        "formula": dict(FORMULA),
        "totals": {k: _compare(v, then_totals[k]) for k, v in now_totals.items()},
        "account": account,
        "posts": rows,
        "top": {
            "views": [_top(r) for r in by_views[:TOP_POSTS]],
            "engagement_rate": [_top(r) for r in by_rate[:TOP_POSTS]],
        },
        "by_pillar": _groups(rows, "pillar"),
        "by_campaign": _groups(rows, "campaign"),
        "adherence": _adherence(data.posts.values(), start, end, zone, now),
        "trends": trend_report(
            data.calendar.all(TRENDS),
            data.posts,
            start,
            end,
            zone,
            lambda pid: post_figures(data.timelines.get(pid), end),
        ),
        "daily": [
            {
                "day": (period.start + timedelta(days=i)).isoformat(),
                "views": day["views"],
                "engagement": metrics.engagement(day),
                "new_followers": day["followers"],
            }
            for i, day in enumerate(by_day)
        ],
        "best_hours": _best_hours(data, end, zone),
        "community": community(data.calendar.all(FEEDBACK), data.posts, start, end, zone),
    }


def _totals(sums: Mapping[str, int | None], followers: int | None) -> dict[str, Any]:
    eng = metrics.engagement(sums)
    return {
        **{f: sums[f] for f in ("views", *PARTS)},
        "engagement": eng,
        "new_followers": sums["followers"],
        "engagement_rate": metrics.rate(eng, sums["views"]),
        "engagement_rate_followers": metrics.rate(eng, followers),
    }


def _account(daily: list[dict[str, Any]], period: Period, prev: Period) -> dict[str, Any]:
    """The account's followers at the end of each period, and its daily figures summed over each period
    (``days_known``: the days of the period that know the figure)."""
    start, end, prev_start = period.start.isoformat(), period.end.isoformat(), prev.start.isoformat()
    days = [d for d in daily if start <= d["day"] < end]
    days_before = [d for d in daily if prev_start <= d["day"] < start]

    def known(docs: list[dict[str, Any]], field: str) -> list[Any]:
        return [d[field] for d in docs if d.get(field) is not None]

    level = Timeline(daily, key="day")
    out = {"followers": {**_compare(level.value_at("followers", end), level.value_at("followers", start)),
                         "days_known": len(known(days, "followers"))}}  # fmt: skip
    for field in ("follower_change", "profile_views", "video_views"):
        now_, then = known(days, field), known(days_before, field)
        out[field] = {**_compare(sum(now_) if now_ else None, sum(then) if then else None), "days_known": len(now_)}
    return out


def _post_rows(data: Data, start: str, end: str, zone: str, followers: int | None) -> list[dict[str, Any]]:
    """Posts that went out in [start, end) with their figures as of ``end``, in the order they went out."""
    found = []
    for post in data.posts.values():
        out = _went_out(post)
        if out is not None and start <= out < end:
            found.append((out, post))
    found.sort(key=lambda item: (item[0], item[1]["id"]))
    return [
        {"id": p["id"], "title": p["title"], "pillar": p.get("pillar"), "campaign": p.get("campaign"),
         "url": p.get("url"), "published_at": local_iso(out, zone),
         **_local(post_figures(data.timelines.get(p["id"]), end, followers), zone)}
        for out, p in found
    ]  # fmt: skip


def _local(figures: dict[str, Any], zone: str) -> dict[str, Any]:
    """``post_figures`` with the snapshot time in ``zone``."""
    return {**figures, "snapshot_at": local_iso(figures["snapshot_at"], zone)}


def _top(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "title", "views", "engagement_rate")}


def _groups(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    """Posts, figures and engagement rate per pillar or campaign (None: posts without one), most views first."""
    summed = ("views", *PARTS, "new_followers")
    groups: dict[str | None, dict[str, Any]] = {}
    for row in rows:
        group = groups.setdefault(row[key], {"name": row[key], "posts": 0, **dict.fromkeys(summed)})
        group["posts"] += 1
        for field in summed:
            group[field] = _add(group[field], row[field])
    out = []
    for group in groups.values():
        eng = metrics.engagement(group)
        out.append({**group, "engagement": eng, "engagement_rate": _round(metrics.rate(eng, group["views"]))})
    return sorted(out, key=lambda g: (g["views"] is None, -(g["views"] or 0), g["name"] is None, g["name"] or ""))


def _adherence(posts: Iterable[dict[str, Any]], start: str, end: str, zone: str, now: datetime) -> dict[str, Any]:
    """What became of the posts planned in [start, end): on time, early, late, missed, cancelled, upcoming."""
    now_utc = to_utc_iso(now)
    items = []
    for post in sorted(posts, key=lambda p: (p.get("at") or "", p["id"])):
        at = post.get("at")
        if at is None or not start <= at < end:
            continue
        out = _went_out(post)
        delay = None
        if out is not None:
            delay = round((from_utc_iso(out) - from_utc_iso(at)).total_seconds() / 60)
            outcome = "late" if delay > ON_TIME_MINUTES else "early" if delay < -ON_TIME_MINUTES else "on_time"
        elif post["status"] == "cancelled":
            outcome = "cancelled"
        else:
            outcome = "upcoming" if at > now_utc else "missed"
        items.append({"id": post["id"], "title": post["title"], "status": post["status"],
                      "planned_at": local_iso(at, zone), "published_at": local_iso(out, zone),
                      "delay_minutes": delay, "outcome": outcome})  # fmt: skip
    counts = {o: sum(1 for i in items if i["outcome"] == o) for o in OUTCOMES}
    due = sum(counts[o] for o in ("on_time", "early", "late", "missed"))
    return {"planned": len(items), **counts, "on_time_percent": _round(metrics.rate(counts["on_time"], due)),
            "on_time_minutes": ON_TIME_MINUTES, "posts": items}  # fmt: skip


# --- best times --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Sample:
    local: datetime  # when the post went out, home zone
    rate: float  # its engagement rate
    views: int


def _samples(data: Data, zone: str, lo: str | None, hi: str, as_of: str | None) -> list[_Sample]:
    """Posts that went out in [lo, hi) whose engagement rate is known as of ``as_of``."""
    found = []
    for post in data.posts.values():
        out = _went_out(post)
        if out is None or out >= hi or (lo is not None and out < lo):
            continue
        fig = post_figures(data.timelines.get(post["id"]), as_of)
        if fig["engagement_rate"] is not None:
            found.append(_Sample(in_zone(out, zone), fig["engagement_rate"], fig["views"]))
    return found


def _slot_stats(samples: Iterable[_Sample], key: Callable[[_Sample], Any]) -> dict[Any, dict[str, Any]]:
    """Posts, mean engagement rate and mean views of ``samples`` grouped by ``key``."""
    groups: dict[Any, list[_Sample]] = {}
    for s in samples:
        groups.setdefault(key(s), []).append(s)
    return {
        k: {"posts": len(g), "engagement_rate": _round(sum(s.rate for s in g) / len(g)),
            "views": round(sum(s.views for s in g) / len(g))}
        for k, g in groups.items()
    }  # fmt: skip


def _ranked(slots: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Slots by engagement rate, more posts first among equals; ``few`` marks the ones with too few posts."""
    ranked = sorted(slots, key=lambda s: (-s["engagement_rate"], -s["posts"]))
    return [{**s, "few": s["posts"] < MIN_SLOT_POSTS} for s in ranked[:TOP_SLOTS]]


def _best_hours(data: Data, end: str, zone: str) -> dict[str, Any]:
    """Engagement by the hour and the weekday posts went out, from every post before ``end``."""
    samples = _samples(data, zone, None, end, end)
    hours = _slot_stats(samples, lambda s: s.local.hour)
    weekdays = _slot_stats(samples, lambda s: s.local.weekday())
    return {
        "posts": len(samples),
        "min_posts": MIN_SLOT_POSTS,
        "by_hour": [{"hour": h, **hours[h]} for h in sorted(hours)],
        "by_weekday": [{"weekday": WEEKDAYS[d], **weekdays[d]} for d in sorted(weekdays)],
        "top_hours": _ranked({"hour": h, **v} for h, v in hours.items()),
    }


def best_times(ws: Workspace, *, now: datetime, weeks: int = 12) -> dict[str, Any]:
    """``metrics best-times``: engagement of the account's posts of the last ``weeks`` weeks by the weekday and
    hour they went out (home zone): a 7 x 24 grid, the best slots, and the follower activity when imported."""
    if not 1 <= weeks <= 520:
        raise UsageError(f"--weeks {weeks} is out of range", hint="give a number of weeks from 1 to 520, e.g. 12")
    zone = ws.config.zone
    data = load_data(ws)
    lo, hi = to_utc_iso(now - timedelta(weeks=weeks)), to_utc_iso(now)
    samples = _samples(data, zone, lo, hi, None)
    cells = _slot_stats(samples, lambda s: (s.local.weekday(), s.local.hour))
    empty = {"posts": 0, "engagement_rate": None, "views": None}
    notes = []
    if not samples:
        notes.append(f"No posts with views went out in the last {weeks} weeks: nothing to go by yet.")
    elif len(samples) < MIN_POSTS:
        notes.append(f"Only {len(samples)} posts in {weeks} weeks: too few to trust; read the slots as hints.")
    top = _ranked({"weekday": WEEKDAYS[d], "hour": h, **v} for (d, h), v in cells.items())
    if any(s["few"] for s in top):
        notes.append(f"Slots with fewer than {MIN_SLOT_POSTS} posts are hints, not findings.")
    today = now.astimezone(get_zone(zone)).date()
    return {
        "zone": zone,
        "weeks": weeks,
        "from": local_iso(lo, zone),
        "to": local_iso(hi, zone),
        "posts": len(samples),
        "min_posts": MIN_SLOT_POSTS,
        "grid": [
            {"weekday": WEEKDAYS[d], "hours": [{"hour": h, **cells.get((d, h), empty)} for h in range(24)]}
            for d in range(7)
        ],
        "top": top,
        "notes": notes,
        "activity": _activity(data.activity, today - timedelta(weeks=weeks), today),
    }


def _activity(docs: list[dict[str, Any]], first: date, last: date) -> list[dict[str, Any]] | None:
    """Mean active followers by hour of the days ``first`` to ``last``; None without activity figures."""
    lo, hi = first.isoformat(), last.isoformat()
    by_hour: dict[int, list[int]] = {}
    for doc in docs:
        if lo <= str(doc.get("day")) <= hi and doc.get("active_followers") is not None:
            by_hour.setdefault(int(doc["hour"]), []).append(doc["active_followers"])
    if not by_hour:
        return None
    return [{"hour": h, "active_followers": round(sum(v) / len(v)), "days": len(v)} for h, v in sorted(by_hour.items())]


# --- campaign results --------------------------------------------------------------------------------
def campaign_report(
    ws: Workspace, name: str, *, now: datetime
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, Any]]:
    """``campaign show``: the campaign, its posts (as ``show_campaign`` gives them) and its results against
    its goals: totals of its published posts' latest figures; ``posts`` counts the published ones,
    ``followers`` the new followers from them."""
    campaign, posts = show_campaign(ws, name)
    published = [p for p in posts if p["status"] == "published"]
    timelines, _, _ = _read_metrics(ws, [p["id"] for p in published])
    totals: dict[str, Any] = dict.fromkeys(("views", *PARTS, "reach", "new_followers"))
    rows = []
    for post in published:
        fig = _local(post_figures(timelines.get(post["id"]), None), ws.config.zone)
        rows.append({"id": post["id"], "title": post["title"], "published_at": post["published_at"], **fig})
        for field in totals:
            totals[field] = _add(totals[field], fig[field])
    totals.update(engagement=metrics.engagement(totals), posts=len(published))
    totals["engagement_rate"] = _round(metrics.rate(totals["engagement"], totals["views"]))
    goals = []
    for metric, goal in campaign["goals"].items():
        key = "new_followers" if metric == "followers" else metric
        current = totals.get(key)
        goals.append({"metric": metric, "goal": goal, "measured": key in totals,
                      "current": current, "percent": _round(metrics.rate(current, goal)),
                      "reached": None if current is None else current >= goal})  # fmt: skip
    results = {"as_of": local_iso(to_utc_iso(now), ws.config.zone), "totals": totals, "goals": goals, "posts": rows}
    return campaign, posts, results


# --- output ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Section:
    """One part of a report as text: a title, notes, and a table (cells already formatted)."""

    title: str
    notes: tuple[str, ...] = ()
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    # Per column: "n" number, "s" short text, "t" free text (may wrap); a terminal shows "d" (detail numbers)
    # only when very wide and "o" (optional text) only when wide.
    kinds: str = ""
    chart: bool = False  # the chart goes after this section (html)


def count_text(value: int | float | None) -> str:
    return UNKNOWN if value is None else f"{value:,}"


def rate_text(value: float | None) -> str:
    return UNKNOWN if value is None else f"{value:.2f}%"


def _change_text(entry: Mapping[str, Any], points: bool = False) -> str:
    change = entry["change"]
    if change is None:
        return UNKNOWN
    text = f"{change:+.2f} pts" if points else f"{change:+,}"
    if entry["change_percent"] is not None:
        text += f" ({entry['change_percent']:+.1f}%)"
    return text


def _short(iso: str | None, form: str = "%a %d/%m %H:%M") -> str:
    return "-" if iso is None else datetime.fromisoformat(iso).strftime(form)


def _minutes_text(minutes: int) -> str:
    hours, mins = divmod(abs(minutes), 60)
    return f"{hours} h {mins:02d} min" if hours else f"{mins} min"


OUTCOME_TEXT = {"on_time": "on time", "early": "early", "late": "late", "missed": "missed",
                "cancelled": "cancelled", "upcoming": "upcoming"}  # fmt: skip
TOTAL_ROWS = (
    ("Views", "views"), ("Likes", "likes"), ("Comments", "comments"), ("Shares", "shares"), ("Saves", "saves"),
    ("Engagement", "engagement"), ("New followers (from posts)", "new_followers"),
    ("Engagement rate (per view)", "engagement_rate"), ("Engagement rate (per follower)", "engagement_rate_followers"),
)  # fmt: skip
ACCOUNT_ROWS = (
    ("Followers (account, at the end)", "followers"), ("Follower change (account)", "follower_change"),
    ("Profile views (account)", "profile_views"), ("Video views (account)", "video_views"),
)  # fmt: skip


def report_sections(report: Mapping[str, Any]) -> list[Section]:
    """The report as titled notes and tables, the same for the terminal, Markdown and HTML."""
    period, prev = report["period"], report["previous"]
    this, before = ("This week", "Week before") if period["week"] else ("This period", "Period before")

    def day_text(iso: str) -> str:
        return date.fromisoformat(iso).strftime("%a %d %b %Y")

    header = [
        f"{day_text(period['start'])} to {day_text(period['end'])} ({report['zone']}), "
        f"compared with {prev['label']} ({day_text(prev['start'])} to {day_text(prev['end'])}).",
        f"Engagement = {FORMULA['engagement']}. Engagement rate = {FORMULA['engagement_rate']}; "
        f"per follower = {FORMULA['engagement_rate_followers']}.",
        f"{UNKNOWN} = unknown (never logged, or 'undefined' in TikTok's export); unknown never counts as 0.",
    ]
    if not period["complete"]:
        header.insert(1, f"The period is not over: figures up to {_short(report['generated_at'])}.")
    sections = [Section(f"Metrics report {report['handle']}: {period['label']}", tuple(header))]

    totals, account = report["totals"], report["account"]
    rows = []
    for label, key in TOTAL_ROWS:
        entry, points = totals[key], key.startswith("engagement_rate")
        show = rate_text if points else count_text
        rows.append((label, show(entry["value"]), show(entry["previous"]), _change_text(entry, points)))
    for label, key in ACCOUNT_ROWS:
        entry = account[key]
        value = count_text(entry["value"])
        if key != "followers" and entry["value"] is not None and entry["days_known"] < period["days"]:
            value += f" ({entry['days_known']} of {period['days']} days)"
        rows.append((label, value, count_text(entry["previous"]), _change_text(entry)))
    sections.append(Section(
        "Totals", ("Gains of all posts in the period, older posts included; account figures from TikTok's daily "
                   "overview.",),
        ("Metric", this, before, "Change"), tuple(rows), "tnnn", chart=True,
    ))  # fmt: skip
    sections.append(Section(
        "Day by day", (), ("Day", "Views", "Engagement", "New followers"),
        tuple((day_text(d["day"])[:10], count_text(d["views"]), count_text(d["engagement"]),
               count_text(d["new_followers"])) for d in report["daily"]),
        "snnn",
    ))  # fmt: skip

    posts = report["posts"]
    sections.append(Section(
        "Posts published",
        ("Figures as of the end of the period." if posts else "No post went out in this period.",),
        ("ID", "Published", "Title", "Pillar", "Campaign", "Views", "Likes", "Comments", "Shares", "Saves",
         "Engagement", "Eng. rate", "New followers"),
        tuple((str(p["id"]), _short(p["published_at"], "%d/%m %H:%M"), p["title"], p["pillar"] or "-",
               p["campaign"] or "-", *(count_text(p[f]) for f in ("views", *PARTS, "engagement")),
               rate_text(p["engagement_rate"]), count_text(p["new_followers"]))
              for p in posts),
        "nstoon" + "d" * 4 + "nnn",
    ))  # fmt: skip

    top = report["top"]
    if top["views"]:
        by_views = [f"#{t['id']} {t['title']} ({count_text(t['views'])})" for t in top["views"]]
        by_rate = [f"#{t['id']} {t['title']} ({rate_text(t['engagement_rate'])})" for t in top["engagement_rate"]]
        ranks = max(len(by_views), len(by_rate))
        sections.append(Section(
            "Top posts", (), ("#", "By views", "By engagement rate"),
            tuple((str(i + 1), by_views[i] if i < len(by_views) else "", by_rate[i] if i < len(by_rate) else "")
                  for i in range(ranks)),
            "ntt",
        ))  # fmt: skip

    by = report["by"]
    sections.append(Section(
        f"By {by}", () if posts else ("No post went out in this period.",),
        (by.capitalize(), "Posts", "Views", "Engagement", "Eng. rate", "New followers"),
        tuple((g["name"] or f"(no {by})", str(g["posts"]), count_text(g["views"]), count_text(g["engagement"]),
               rate_text(g["engagement_rate"]), count_text(g["new_followers"])) for g in report[f"by_{by}"]),
        "tnnnnn",
    ))  # fmt: skip
    sections.append(_adherence_section(report["adherence"]))
    sections.append(trends_section(report["trends"]))
    sections.extend(_best_sections(report["best_hours"], report["zone"]))
    sections.append(community_section(report["community"]))
    return sections


def _adherence_section(adh: Mapping[str, Any]) -> Section:
    if not adh["planned"]:
        return Section("Plan adherence", ("No post was planned in this period.",))
    counts = ", ".join(f"{adh[o]} {OUTCOME_TEXT[o]}" for o in OUTCOMES if adh[o])
    notes = (
        f"{adh['planned']} planned: {counts}. On time: {rate_text(adh['on_time_percent'])} of those due "
        f"(published at most {adh['on_time_minutes']} minutes from the planned time).",
    )

    def outcome(item: Mapping[str, Any]) -> str:
        text = OUTCOME_TEXT[item["outcome"]]
        if item["outcome"] in ("early", "late"):
            text += f" by {_minutes_text(item['delay_minutes'])}"
        if item["outcome"] == "missed":
            text += f" (still {item['status']})"
        return text

    return Section(
        "Plan adherence", notes, ("ID", "Planned", "Published", "Outcome", "Title"),
        tuple((str(i["id"]), _short(i["planned_at"]), _short(i["published_at"]), outcome(i), i["title"])
              for i in adh["posts"]),
        "nsstt",
    )  # fmt: skip


def _best_sections(best: Mapping[str, Any], zone: str) -> list[Section]:
    if not best["posts"]:
        return [Section("Best posting hours", ("No post with views yet: nothing to go by.",))]
    notes = [f"From the account's {best['posts']} posts up to the end of the period, by the time they went out "
             f"({zone}): the mean engagement rate per post, and how many posts it rests on."]  # fmt: skip
    if any(s["few"] for s in best["top_hours"]):
        notes.append(f"Hours with fewer than {best['min_posts']} posts are hints, not findings.")
    columns = ("Posts", "Eng. rate", "Avg views")

    def cells(s: Mapping[str, Any]) -> tuple[str, ...]:
        return str(s["posts"]), rate_text(s["engagement_rate"]), count_text(s["views"])

    return [
        Section("Best posting hours", tuple(notes), ("Hour", *columns),
                tuple((f"{s['hour']:02d}:00", *cells(s)) for s in best["top_hours"]), "snnn"),
        Section("By day of the week", (), ("Day", *columns),
                tuple((s["weekday"], *cells(s)) for s in best["by_weekday"]), "snnn"),
    ]  # fmt: skip


def _md_cell(text: str) -> str:
    text = " ".join(text.split())
    for char in "\\`*_[]<>|":
        text = text.replace(char, "\\" + char)
    return text


def report_markdown(sections: Sequence[Section]) -> str:
    """Markdown for a chat or a document: headings, notes, GitHub tables."""
    lines: list[str] = []
    for i, s in enumerate(sections):
        lines += [("# " if i == 0 else "## ") + _md_cell(s.title), ""]
        for note in s.notes:
            lines += [_md_cell(note), ""]
        if s.columns:
            lines.append("| " + " | ".join(_md_cell(c) for c in s.columns) + " |")
            lines.append("|" + "|".join("---:" if kind in "nd" else ":---" for kind in s.kinds) + "|")
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in s.rows]
            lines.append("")
    return "\n".join(lines)


def report_csv(report: Mapping[str, Any]) -> bytes:
    """The per-post table for Excel: UTF-8 with a byte-order mark, CRLF; formula-like cells quoted with '."""
    from .exchange import neutralise

    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for post in report["posts"]:
        writer.writerow([neutralise("" if post[c] is None else str(post[c])) for c in CSV_COLUMNS])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


HTML_STYLE = """
body{margin:0;background:#f6f6f7;color:#1d1d1f;font:15px/1.45 -apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:1.6em;border-bottom:4px solid var(--brand);padding-bottom:6px}
h2{font-size:1.2em;margin-top:1.8em;border-left:4px solid var(--brand);padding-left:8px}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.92em}
th,td{padding:5px 8px;border-bottom:1px solid #e3e3e6;text-align:left;vertical-align:top}
th{background:#fafafa}
td.n,th.n{text-align:right;white-space:nowrap}
figure{margin:1.5em 0}figure img{max-width:100%;height:auto;background:#fff}
footer{margin-top:2em;color:#777;font-size:.85em}
"""


def report_html(sections: Sequence[Section], *, colour: str, chart_uri: str | None = None) -> str:
    """One self-contained HTML file: inline CSS, the chart as a data URI, every text escaped."""
    from . import __version__

    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    title = sections[0].title if sections else "Metrics report"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title>",
        f"<style>:root{{--brand:{esc(colour)}}}{HTML_STYLE}</style></head>",
        "<body><main>",
    ]
    for i, s in enumerate(sections):
        parts.append(f"<section><h{1 if i == 0 else 2}>{esc(s.title)}</h{1 if i == 0 else 2}>")
        parts += [f"<p>{esc(note)}</p>" for note in s.notes]
        if s.columns:
            cls = [' class="n"' if kind in "nd" else "" for kind in s.kinds]
            parts.append("<table><thead><tr>" + "".join(f"<th{c}>{esc(h)}</th>" for c, h in zip(cls, s.columns,
                         strict=True)) + "</tr></thead><tbody>")  # fmt: skip
            parts += ["<tr>" + "".join(f"<td{c}>{esc(v)}</td>" for c, v in zip(cls, row, strict=True)) + "</tr>"
                      for row in s.rows]  # fmt: skip
            parts.append("</tbody></table>")
        parts.append("</section>")
        if s.chart and chart_uri:
            parts.append(f'<figure><img alt="Daily views and engagement" src="{esc(chart_uri)}"></figure>')
    parts += [f"<footer>Made with contentops {esc(__version__)}</footer>", "</main></body></html>", ""]
    return "\n".join(parts)


def report_chart(report: Mapping[str, Any], colour: str) -> bytes:
    """A PNG of the daily views and engagement of the report's period."""
    from .media.charts import daily_chart

    days = report["daily"]
    return daily_chart(
        [date.fromisoformat(d["day"]).strftime("%a %d") for d in days],
        [("Views", [d["views"] for d in days]),
         (f"Engagement ({FORMULA['engagement']})", [d["engagement"] for d in days])],
        title=f"Daily views and engagement, {report['period']['label']} ({report['zone']})",
        colour=colour,
    )  # fmt: skip


@dataclass(frozen=True)
class ReportOutput:
    report: dict[str, Any]
    format: str
    sections: list[Section]
    data: bytes | None  # the report in ``format`` (None for the terminal table)
    written: list[Path]  # files written: the report (-o), the chart


def report_format(fmt: str | None, out: Path | None) -> str:
    """``fmt`` checked; by default the format of ``out``'s extension, else the terminal table."""
    if fmt is None:
        if out is None:
            return "table"
        fmt = EXTENSIONS.get(out.suffix.lower())
        if fmt is None:
            raise UsageError(
                f"which format for {out.name}?", hint="give --format md, csv, html or json, or a file ending in one"
            )
    fmt = fmt.strip().lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}", hint=f"use one of: {', '.join(FORMATS)}")
    if fmt == "table" and out is not None:
        raise UsageError("the table is for the terminal", hint="write a file with --format md, csv, html or json")
    return fmt


def metrics_report(
    ws: Workspace,
    *,
    now: datetime,
    week: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    by: str = "pillar",
    fmt: str | None = None,
    out: Path | None = None,
    chart: Path | None = None,
) -> ReportOutput:
    """``metrics report``: the report of a week (default: the last complete one) or of days ``date_from`` to
    ``date_to``, rendered as ``fmt`` and written atomically to ``out``; ``chart`` gets a PNG of the days."""
    fmt = report_format(fmt, out)
    if by not in GROUPINGS:
        raise UsageError(f"cannot group by {by!r}", hint=f"use --by {' or --by '.join(GROUPINGS)}")
    if chart is not None and chart.suffix.lower() != ".png":
        raise UsageError(f"--chart {chart.name}: the chart is a PNG image", hint="name the file like chart.png")
    zone = ws.config.zone
    period = resolve_period(week, date_from, date_to, now.astimezone(get_zone(zone)).date())
    report = report_data(load_data(ws), period, zone=zone, now=now, handle=ws.config.handle, by=by)
    sections = report_sections(report)
    png = colour = None
    if chart is not None or fmt == "html":
        from .brand import load_brand

        colour = load_brand(ws).colours["primary"]
        png = report_chart(report, colour)
    data: bytes | None = None
    if fmt == "json":
        data = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    elif fmt == "md":
        data = report_markdown(sections).encode("utf-8")
    elif fmt == "csv":
        data = report_csv(report)
    elif fmt == "html":
        from .media.charts import data_uri

        data = report_html(sections, colour=colour or "", chart_uri=data_uri(png or b"")).encode("utf-8")
    written = []
    if out is not None and data is not None:
        atomic_write_bytes(out, data)
        written.append(out)
    if chart is not None and png is not None:
        atomic_write_bytes(chart, png)
        written.append(chart)
    return ReportOutput(report, fmt, sections, data, written)
