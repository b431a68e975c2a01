"""The trend log: sounds, hashtags, formats and challenges the team spotted, and the posts that used them.

Table ``trends`` in ``calendar/calendar.json``, one document per trend::

    {"name": "#SummerSounds", "kind": "hashtag", "status": "spotted", "region": "AU",
     "url": "https://www.tiktok.com/tag/summersounds", "note": "big in Melbourne", "posts": [12, 14],
     "spotted_at": "2026-11-17T23:00:00Z", "updated_at": "...", "log": [{"at", "by", "action", ...}]}

* ``kind`` is one of ``KINDS``; a hashtag's name is kept as ``#Tag``; ``region`` is AU, NZ, ANZ or None.
* ``status`` is one of ``STATUSES``: spotted -> trying -> used -> expired, in any order (a trend can come
  back); ``trend use`` links a post and makes it ``used``; unlinking its last post takes a used trend back to
  ``trying``. An expired trend takes no new posts until it is set back to spotted or trying.
* Only one trend of a kind and name (case aside) is active (not expired) at a time.
* ``log`` keeps every change with its time (each entry's ``status`` is the status after it), so a report of
  an earlier week still knows when a trend was marked used.

In a weekly report, a trend is *spotted* in the period when it was logged in it, and *used* in the period
when a post linked to it went out in it, or it was marked used in it (``trend use``, ``trend status ID used``).
Its figures are those of its linked posts as of the end of the period.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import metrics
from .calendar_ops import POSTS, _get_post, log_entry, normalise_hashtags, parse_id
from .errors import ConflictError, NotFoundError, TransitionError, UsageError
from .timeutil import local_iso, to_utc_iso
from .workspace import Workspace

if TYPE_CHECKING:
    from .report import Section

TRENDS = "trends"
KINDS = ("sound", "hashtag", "format", "challenge")
STATUSES = ("spotted", "trying", "used", "expired")
REGIONS = ("AU", "NZ", "ANZ")
MAX_NAME = 150
FIGURES = ("views", "engagement", "engagement_rate")  # of a trend's posts, in reports and 'trend show'


# -- checks ---------------------------------------------------------------------------------------
def parse_trend_id(text: str | int) -> int:
    return parse_id(text, "a trend", "contentops trend list")


def check_kind(kind: str) -> str:
    value = kind.strip().lower()
    if value not in KINDS:
        raise UsageError(f"unknown trend kind {kind!r}", hint=f"use one of: {', '.join(KINDS)}")
    return value


def check_status(status: str) -> str:
    value = status.strip().lower()
    if value not in STATUSES:
        raise UsageError(f"unknown trend status {status!r}", hint=f"use one of: {', '.join(STATUSES)}")
    return value


def check_region(region: str | None) -> str | None:
    if region is None:
        return None
    value = region.strip().upper()
    if value not in REGIONS:
        raise UsageError(f"unknown region {region!r}", hint=f"use one of: {', '.join(REGIONS)}")
    return value


def check_trend_url(url: str | None) -> str | None:
    """A web link (http or https) to the trend, e.g. the sound's or hashtag's page on TikTok."""
    if url is None:
        return None
    value = url.strip()
    try:
        parts = urlsplit(value)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # e.g. a broken [IPv6] address
        web = False
    if not web or any(c.isspace() for c in value):
        raise UsageError(
            f"{url!r} is not a web link", hint="give an http(s) link, e.g. https://www.tiktok.com/tag/summersounds"
        )
    return value


def trend_name(name: str, kind: str) -> str:
    """``name`` tidied for ``kind``: a hashtag as ``#Tag``, other names with their spaces collapsed."""
    if kind == "hashtag":
        tags = normalise_hashtags([name])
        if len(tags) != 1:
            raise UsageError(f"{name!r} is not one hashtag", hint="log one hashtag per trend, e.g. #SummerSounds")
        return tags[0]
    value = " ".join(name.split())
    if not value:
        raise UsageError("a trend needs a name", hint='e.g. contentops trend add "Espresso (sped up)" --kind sound')
    if len(value) > MAX_NAME:
        raise UsageError(f"the trend name is {len(value)} characters long", hint=f"keep it to {MAX_NAME} or fewer")
    return value


# -- output forms ---------------------------------------------------------------------------------
def _used_at(doc: Mapping[str, Any]) -> str | None:
    """When the trend was last marked used (UTC text), from its log."""
    return next((e["at"] for e in reversed(doc.get("log", [])) if e.get("status") == "used"), None)


def trend_json(doc: Mapping[str, Any], zone: str) -> dict[str, Any]:
    """The stable public form of a trend (times in ``zone``, the home zone)."""
    return {
        "id": doc["id"],
        "name": doc["name"],
        "kind": doc["kind"],
        "status": doc["status"],
        "region": doc.get("region"),
        "url": doc.get("url"),
        "note": doc.get("note"),
        "posts": list(doc.get("posts", [])),
        "spotted_at": local_iso(doc["spotted_at"], zone),
        "used_at": local_iso(_used_at(doc), zone),
        "updated_at": local_iso(doc.get("updated_at"), zone),
    }


# -- changes --------------------------------------------------------------------------------------
def _get(view: Any, trend_id: int) -> dict[str, Any]:
    doc = view.get(TRENDS, trend_id)
    if doc is None:
        raise NotFoundError(f"no trend with id {trend_id}", hint="'contentops trend list' shows the trends")
    return doc


def add_trend(
    ws: Workspace,
    name: str,
    kind: str,
    *,
    now: datetime,
    url: str | None = None,
    region: str | None = None,
    note: str | None = None,
    actor: str | None = None,
) -> dict[str, Any]:
    """``trend add``: log a trend, spotted now. An active trend of the same kind and name is refused."""
    kind = check_kind(kind)
    name = trend_name(name, kind)
    doc: dict[str, Any] = {
        "name": name,
        "kind": kind,
        "status": "spotted",
        "region": check_region(region),
        "url": check_trend_url(url),
        "note": " ".join(note.split()) if note and note.strip() else None,
        "posts": [],
        "spotted_at": to_utc_iso(now),
        "updated_at": to_utc_iso(now),
    }
    store = ws.store(actor)
    doc["log"] = log_entry(doc, now, store.actor, "spotted", None, status="spotted")
    with store.transaction("trend add", now) as tx:
        same = _active_twin(tx, kind, name)
        if same is not None:
            raise ConflictError(
                f"{kind} {same['name']!r} is in the log already: trend {same['id']}, {same['status']}",
                hint=f"see it with 'contentops trend show {same['id']}', or expire it first: "
                f"contentops trend status {same['id']} expired",
            )
        doc["id"] = tx.insert(TRENDS, doc)
        tx.summary = f"logged trend {doc['id']} {kind} '{name}'"
    return trend_json(doc, ws.config.zone)


def set_status(
    ws: Workspace, trend_id: int, status: str, *, now: datetime, note: str | None = None, actor: str | None = None
) -> tuple[dict[str, Any], str]:
    """``trend status``: set a trend's status; returns the trend and the status it had."""
    status = check_status(status)
    store = ws.store(actor)
    with store.transaction("trend status", now) as tx:
        doc = _get(tx, trend_id)
        old = doc["status"]
        if old == status:
            raise ConflictError(f"trend {trend_id} is {status} already", hint=f"statuses: {', '.join(STATUSES)}")
        if status != "expired":
            _refuse_twin(tx, doc)
        updated = tx.update(TRENDS, trend_id, {
            "status": status, "updated_at": to_utc_iso(now),
            "log": log_entry(doc, now, store.actor, "status", note, status=status),
        })  # fmt: skip
        tx.summary = f"trend {trend_id} '{doc['name']}': {old} -> {status}"
    return trend_json(updated, ws.config.zone), old


def _active_twin(view: Any, kind: str, name: str) -> dict[str, Any] | None:
    """The active (not expired) trend of ``kind`` named ``name`` (case aside), if any."""
    key = name.casefold()
    return next(
        (t for t in view.all(TRENDS) if t["kind"] == kind and t["name"].casefold() == key and t["status"] != "expired"),
        None,
    )


def _refuse_twin(tx: Any, doc: Mapping[str, Any]) -> None:
    """Refuse to bring an expired trend back while another trend of its kind and name is active."""
    if doc["status"] != "expired":
        return
    twin = _active_twin(tx, doc["kind"], doc["name"])
    if twin is not None:
        raise ConflictError(
            f"{doc['kind']} {doc['name']!r} is active as trend {twin['id']} ({twin['status']})",
            hint=f"use trend {twin['id']} instead",
        )


def use_trend(
    ws: Workspace, trend_id: int, post_id: int, *, now: datetime, actor: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``trend use``: link a post to a trend, which becomes ``used``; returns the trend and the post."""
    store = ws.store(actor)
    with store.transaction("trend use", now) as tx:
        doc = _get(tx, trend_id)
        post = _get_post(tx, post_id)
        if doc["status"] == "expired":
            raise TransitionError(
                f"trend {trend_id} '{doc['name']}' is expired",
                hint=f"bring it back first: contentops trend status {trend_id} trying",
            )
        if post["status"] == "cancelled":
            raise TransitionError(f"post {post_id} is cancelled: it will not go out", hint="link a post that will")
        if post_id in doc.get("posts", []):
            raise ConflictError(
                f"post {post_id} uses trend {trend_id} already", hint=f"see its posts: contentops trend show {trend_id}"
            )
        updated = tx.update(TRENDS, trend_id, {
            "status": "used", "posts": [*doc.get("posts", []), post_id], "updated_at": to_utc_iso(now),
            "log": log_entry(doc, now, store.actor, "use", None, post_id=post_id, status="used"),
        })  # fmt: skip
        tx.summary = f"post {post_id} uses trend {trend_id} '{doc['name']}'"
    return trend_json(updated, ws.config.zone), post


def unuse_trend(
    ws: Workspace, trend_id: int, post_id: int, *, now: datetime, actor: str | None = None
) -> dict[str, Any]:
    """``trend unuse``: unlink a post; a used trend left without posts goes back to ``trying``."""
    store = ws.store(actor)
    with store.transaction("trend unuse", now) as tx:
        doc = _get(tx, trend_id)
        posts = list(doc.get("posts", []))
        if post_id not in posts:
            linked = ", ".join(map(str, posts)) or "none"
            raise NotFoundError(f"post {post_id} does not use trend {trend_id}", hint=f"its posts: {linked}")
        posts.remove(post_id)
        status = "trying" if not posts and doc["status"] == "used" else doc["status"]
        updated = tx.update(TRENDS, trend_id, {
            "status": status, "posts": posts, "updated_at": to_utc_iso(now),
            "log": log_entry(doc, now, store.actor, "unuse", None, post_id=post_id, status=status),
        })  # fmt: skip
        tx.summary = f"post {post_id} no longer uses trend {trend_id} '{doc['name']}'"
    return trend_json(updated, ws.config.zone)


# -- reading --------------------------------------------------------------------------------------
def list_trends(ws: Workspace, *, active: bool = False, kind: str | None = None) -> list[dict[str, Any]]:
    """``trend list``: trends, newest first; ``active``: not expired; ``kind``: of that kind only."""
    kind = check_kind(kind) if kind is not None else None
    docs = [
        d for d in ws.store().read().all(TRENDS)
        if (not active or d["status"] != "expired") and (kind is None or d["kind"] == kind)
    ]  # fmt: skip
    docs.sort(key=lambda d: (d["spotted_at"], d["id"]), reverse=True)
    return [trend_json(d, ws.config.zone) for d in docs]


def show_trend(ws: Workspace, trend_id: int) -> dict[str, Any]:
    """``trend show``: the trend, its log, and the posts that used it with their latest figures."""
    from .report import _local, _read_metrics, post_figures

    zone = ws.config.zone
    view = ws.store().read()
    doc = _get(view, trend_id)
    timelines, _, _ = _read_metrics(ws, doc.get("posts", []))
    rows = []
    for pid in doc.get("posts", []):
        post = view.get(POSTS, pid)
        fig = _local(post_figures(timelines.get(pid), None), zone)
        rows.append({
            "id": pid,
            "title": post["title"] if post else None,
            "status": post["status"] if post else "removed",
            "at": local_iso(post.get("at"), zone) if post else None,
            "published_at": local_iso(post.get("published_at"), zone) if post else None,
            "url": post.get("url") if post else None,
            **{f: fig[f] for f in ("views", "likes", "comments", "shares", "saves", *FIGURES[1:], "snapshot_at")},
        })  # fmt: skip
    return {
        **trend_json(doc, zone),
        "log": [{**e, "at": local_iso(e["at"], zone)} for e in doc.get("log", [])],
        "post_list": rows,
        "totals": _totals(rows),
    }


def _totals(rows: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Views and engagement summed over posts (unknown stays unknown), and the engagement rate of the sums."""
    from .report import _add, _round

    views = engagement = None
    for row in rows:
        views, engagement = _add(views, row["views"]), _add(engagement, row["engagement"])
    return {"views": views, "engagement": engagement, "engagement_rate": _round(metrics.rate(engagement, views))}


# -- weekly report --------------------------------------------------------------------------------
def trend_report(
    trends: Iterable[Mapping[str, Any]],
    posts: Mapping[int, Mapping[str, Any]],
    start: str,
    end: str,
    zone: str,
    figures: Callable[[int], Mapping[str, Any]],
) -> dict[str, Any]:
    """The trends spotted and the trends used in [``start``, ``end``) (UTC text; see the module docstring),
    each with its posts and their ``figures`` (a post id -> ``report.post_figures`` as of ``end``)."""
    from .report import _went_out

    def row(doc: Mapping[str, Any], used_by: list[dict[str, Any]]) -> dict[str, Any]:
        return {**trend_json(doc, zone), "post_list": used_by, **_totals(used_by)}

    spotted, used = [], []
    for doc in sorted(trends, key=lambda d: (d["spotted_at"], d["id"])):
        used_by, went_out = [], False
        for pid in doc.get("posts", []):
            post = posts.get(pid)
            if post is None:
                continue
            out = _went_out(post)
            went_out = went_out or (out is not None and start <= out < end)
            fig = figures(pid)
            used_by.append({"id": pid, "title": post["title"], "status": post["status"],
                            "published_at": local_iso(out, zone), **{f: fig[f] for f in FIGURES}})  # fmt: skip
        marked = any(e.get("status") == "used" and start <= e["at"] < end for e in doc.get("log", []))
        if start <= doc["spotted_at"] < end:
            spotted.append(row(doc, used_by))
        if went_out or marked:
            used.append(row(doc, used_by))
    return {"spotted": spotted, "used": used}


def trends_section(trends: Mapping[str, Any]) -> Section:
    """The report's "Trends" section: one row per trend spotted or used in the period."""
    from .report import Section, count_text, rate_text

    rows: dict[int, tuple[dict[str, Any], list[str]]] = {}
    for what in ("spotted", "used"):
        for t in trends[what]:
            rows.setdefault(t["id"], (t, []))[1].append(what)
    if not rows:
        return Section("Trends", ("No trend was spotted or used in this period.",))
    notes = (
        "Spotted: logged in the period. Used: a post linked to the trend went out in the period, or the trend "
        "was marked used in it. Figures: the trend's posts as of the end of the period.",
    )
    return Section(
        "Trends", notes, ("ID", "Trend", "Kind", "Status", "In period", "Posts", "Views", "Engagement", "Eng. rate"),
        tuple((str(t["id"]), t["name"], t["kind"], t["status"], ", ".join(what),
               " ".join(f"#{p['id']}" for p in t["post_list"]) or "-", count_text(t["views"]),
               count_text(t["engagement"]), rate_text(t["engagement_rate"]))
              for t, what in rows.values()),
        "ntsssonnn",
    )  # fmt: skip


__all__ = [
    "KINDS",
    "STATUSES",
    "TRENDS",
    "add_trend",
    "list_trends",
    "set_status",
    "show_trend",
    "trend_report",
    "trends_section",
    "unuse_trend",
    "use_trend",
]
