"""Post performance: metric snapshots of published posts and the account's daily figures.

Stored in ``calendar/metrics.json`` (``Workspace.metrics_store``), apart from the plan:

* table ``snapshots``: what a post showed at one moment, the counts cumulative since it went out::

    {"post": 12, "at": "2026-11-24T07:00:00Z", "views": 15200, "likes": 1300, "comments": 41,
     "shares": 88, "saves": 120, "watch_time": 9.4, "full_watch": 31.5, "reach": 12100,
     "followers": 35, "source": "log", "key": "..."}

  ``views``, ``likes``, ``comments``, ``shares``, ``saves``, ``reach`` and ``followers`` (new followers
  from this post) are counts (``COUNTS``); ``watch_time`` is the average watch time in seconds and
  ``full_watch`` the share of views watched to the end, in percent (``RATES``). A value that is not
  known is ``None`` (TikTok Studio writes ``undefined``): unknown, not zero. ``source`` says where it
  came from (``log``, ``import``); ``key`` identifies the figures, so importing the same file twice adds
  nothing.

* table ``activity``: followers online per hour of a day (TikTok Studio's FollowerActivity), for best times.

* table ``daily``: the account on one day of the home zone (``{"day": "2026-11-24", "followers": 51200,
  "profile_views": 830, "video_views": 40210, ...}``, ``ACCOUNT_FIELDS``), from TikTok Studio's Overview and
  follower exports; also ``None`` for unknown.

A post's current figures are its latest snapshot; a period's gains are the difference between the latest
snapshot at the end of the period and the latest before it (zero before the first snapshot).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from .errors import NotFoundError, TransitionError, UsageError, ValidationError
from .timeutil import from_utc_iso, local_iso, parse_when, to_utc_iso
from .workspace import Workspace

SNAPSHOTS = "snapshots"
DAILY = "daily"
ACTIVITY = "activity"  # followers online by hour: {"day": "YYYY-MM-DD", "hour": 0-23, "active_followers": N, "key"}
MAX_FIGURE = 10**12  # a thousand billion: more than any TikTok count; larger is a mistake (or an attack)
COUNTS = ("views", "likes", "comments", "shares", "saves", "reach", "followers")
RATES = ("watch_time", "full_watch")
FIELDS = COUNTS + RATES
ACCOUNT_FIELDS = ("followers", "follower_change", "profile_views", "video_views", "likes", "comments", "shares")
FLAGS = {  # field -> its command-line flag
    "views": "--views",
    "likes": "--likes",
    "comments": "--comments",
    "shares": "--shares",
    "saves": "--saves",
    "reach": "--reach",
    "followers": "--followers",
    "watch_time": "--watch-time",
    "full_watch": "--full-watch",
}


def figures_key(*parts: Any) -> str:
    """A short stable hash of ``parts`` (JSON-encoded), for recognising figures seen before."""
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def check_figures(values: Mapping[str, Any], where: str = "") -> dict[str, int | float | None]:
    """``values`` (field -> number or None) checked: counts are whole numbers from 0, ``watch_time`` seconds
    from 0, ``full_watch`` a percentage 0-100. ``where`` prefixes messages (``"row 4, column 'Likes': "``)."""
    checked: dict[str, int | float | None] = {}
    for field, value in values.items():
        if field not in FIELDS:
            raise UsageError(f"{where}unknown metric {field!r}", hint=f"metrics: {', '.join(FIELDS)}")
        label = f"{where}{FLAGS[field]}" if not where else where.rstrip(": ")
        if value is None:
            checked[field] = None
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise UsageError(f"{label}: {value!r} is not a number", hint="give a number, e.g. 1200")
        elif math.isnan(value):
            raise UsageError(f"{label}: NaN is not a number", hint="give a number, e.g. 1200")
        elif abs(value) > MAX_FIGURE:
            raise UsageError(
                f"{label}: {value:g} is more than {MAX_FIGURE:,}", hint="check the figure: no count is that large"
            )
        elif field in COUNTS:
            if value != int(value) or value < 0:
                raise UsageError(f"{label}: {value:g} is not a count", hint="counts are whole numbers from 0")
            checked[field] = int(value)
        elif value < 0 or (field == "full_watch" and value > 100):
            rule = "a percentage from 0 to 100" if field == "full_watch" else "seconds from 0"
            raise UsageError(f"{label}: {value:g} is out of range", hint=f"give {rule}")
        else:
            checked[field] = float(value)
    return checked


def snapshot_doc(post_id: int, at_utc: str, figures: Mapping[str, Any], source: str, key: str) -> dict[str, Any]:
    """A snapshot document with every field (missing ones None)."""
    return {"post": post_id, "at": at_utc, **{f: figures.get(f) for f in FIELDS}, "source": source, "key": key}


def snapshots_by_post(docs: Iterable[dict[str, Any]]) -> dict[int, list[dict[str, Any]]]:
    """Snapshot documents grouped by post, each list in time order (the documents themselves, not copies)."""
    grouped: dict[int, list[dict[str, Any]]] = {}
    for doc in docs:
        grouped.setdefault(doc["post"], []).append(doc)
    for snaps in grouped.values():
        snaps.sort(key=lambda d: d["at"])
    return grouped


def latest(snaps: list[dict[str, Any]], before: str | None = None) -> dict[str, Any] | None:
    """The newest of ``snaps`` (time-ordered) taken before ``before`` (UTC text, exclusive), or the newest."""
    found = None
    for snap in snaps:
        if before is not None and snap["at"] >= before:
            break
        found = snap
    return found


def value_at(snaps: list[dict[str, Any]], field: str, before: str | None = None) -> int | float | None:
    """``field`` as of ``before``: from the newest snapshot before it that knows the field (None if none does)."""
    value = None
    for snap in snaps:
        if before is not None and snap["at"] >= before:
            break
        if snap.get(field) is not None:
            value = snap[field]
    return value


def gain(snaps: list[dict[str, Any]], field: str, start: str, end: str) -> int | None:
    """How much the count ``field`` grew from ``start`` to ``end`` (UTC text, end exclusive): the value before
    ``end`` less the value before ``start`` (0 before the first snapshot); None if nothing is known by ``end``."""
    after = value_at(snaps, field, end)
    if after is None:
        return None
    return int(after) - int(value_at(snaps, field, start) or 0)


# --- metrics log -----------------------------------------------------------------------------------


def log_metrics(
    ws: Workspace,
    post_id: int,
    values: Mapping[str, Any],
    *,
    now: datetime,
    at: str | None = None,
    force: bool = False,
    actor: str | None = None,
) -> dict[str, Any]:
    """``metrics log``: add a snapshot of a published post, taken at ``at`` (friendly or ISO time in the home
    zone; default ``now``). A count lower than the snapshot before it (or higher than the one after it) is
    refused unless ``force``; nothing is written when anything is refused."""
    from .calendar_ops import POSTS

    figures = check_figures({k: v for k, v in values.items() if v is not None})
    if not figures:
        raise UsageError("no figures given", hint="give at least --views N (see contentops metrics log --help)")
    post = ws.store().read().get(POSTS, post_id)
    if post is None:
        raise NotFoundError(f"no post with id {post_id}", hint="'contentops post list' shows the posts")
    if post["status"] != "published":
        raise TransitionError(
            f"post {post_id} is {post['status']}: only published posts have metrics",
            hint=f"mark it published first: contentops post publish {post_id} --url URL",
        )
    when = now if at is None else parse_when(at, ws.config.zone, now)
    at_utc = to_utc_iso(when)
    if when > now:
        raise UsageError(
            f"--at {local_iso(at_utc, ws.config.zone)} is in the future",
            hint="give the time the figures were read, e.g. --at 'yesterday 9am' or --at '2026-11-20 09:00'",
        )
    if post.get("published_at") and at_utc < post["published_at"]:
        raise UsageError(
            f"--at {local_iso(at_utc, ws.config.zone)} is before post {post_id} went out "
            f"({local_iso(post['published_at'], ws.config.zone)})",
            hint="give the time the figures were read",
        )
    store = ws.metrics_store(actor)
    with store.transaction("metrics log", now) as tx:
        snaps = snapshots_by_post(tx.find(SNAPSHOTS, lambda d: d["post"] == post_id)).get(post_id, [])
        if not force:
            check_monotonic(post_id, snaps, at_utc, figures, ws.config.zone, FLAGS)
        doc = snapshot_doc(post_id, at_utc, figures, "log", figures_key(post_id, at_utc, figures))
        doc_id = tx.insert(SNAPSHOTS, doc)
        tx.summary = f"metrics log: post {post_id} at {local_iso(at_utc, ws.config.zone)}"
    return {"id": doc_id, **snapshot_json(doc, ws.config.zone)}


def check_monotonic(
    post_id: int,
    snaps: list[dict[str, Any]],
    at_utc: str,
    figures: Mapping[str, Any],
    zone: str,
    names: Mapping[str, str] | None = None,
) -> None:
    """Refuse counts of a new snapshot of ``post_id`` at ``at_utc`` that are lower than the post's figures by
    then, or higher than a later snapshot's (``snaps``: its snapshots in time order). ``names`` says how to
    call each field in messages (``FLAGS`` for the command line; default: the field's name)."""
    split = bisect.bisect_right(snaps, at_utc, key=lambda s: s["at"])  # snaps[:split] are by then
    for field in COUNTS:
        value = figures.get(field)
        if value is None:
            continue
        name = (names or {}).get(field, field)
        before = next((snaps[j][field] for j in range(split - 1, -1, -1) if snaps[j].get(field) is not None), None)
        if before is not None and value < before:
            raise ValidationError(
                f"post {post_id}: {name} {value} is lower than {before}, logged for "
                f"{local_iso(at_utc, zone)} or earlier; counts only grow",
                hint="check the figure, or add --force if TikTok really lowered it (e.g. removed spam views)",
            )
        later = next((snaps[j] for j in range(split, len(snaps)) if snaps[j].get(field) is not None), None)
        if later is not None and value > later[field]:
            raise ValidationError(
                f"post {post_id}: {name} {value} is higher than {later[field]} logged later, at "
                f"{local_iso(later['at'], zone)}",
                hint="check the figure and --at, or add --force",
            )


def snapshot_json(doc: Mapping[str, Any], zone: str) -> dict[str, Any]:
    return {"post": doc["post"], "at": local_iso(doc["at"], zone), **{f: doc.get(f) for f in FIELDS},
            "source": doc.get("source")}  # fmt: skip


def engagement(figures: Mapping[str, Any]) -> int | None:
    """Likes + comments + shares + saves (unknown ones count 0); None when none of them is known."""
    parts = [figures.get(f) for f in ("likes", "comments", "shares", "saves")]
    known = [p for p in parts if p is not None]
    return sum(known) if known else None


def rate(part: int | float | None, whole: int | float | None) -> float | None:
    """``part / whole`` in percent, or None when either is unknown or ``whole`` is 0."""
    if part is None or not whole:
        return None
    return 100.0 * part / whole


def published_at(post: Mapping[str, Any]) -> datetime | None:
    value = post.get("published_at") or (post.get("at") if post.get("status") == "published" else None)
    return from_utc_iso(value) if value else None
