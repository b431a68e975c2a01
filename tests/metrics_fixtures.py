"""Published posts and their metric snapshots, made through the library, for the metrics, report and trend
tests. Times are ISO-8601 with an offset (``t``); a post's TikTok URL holds its id (``URL``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from contentops import metrics
from contentops.calendar_ops import add_post, transition
from contentops.timeutil import to_utc_iso
from contentops.workspace import Workspace

URL = "https://www.tiktok.com/@brand.anz/video/73012345678901234{:02d}"


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


def planned_post(ws: Workspace, title: str, at: str, *, created: datetime, went_out: str | None = None,
                 **fields: Any) -> int:  # fmt: skip
    """A post planned for ``at`` (home zone), submitted and approved at ``created`` and, when ``went_out``
    is given, published then with a TikTok URL holding its id. ``fields`` go to ``add_post``."""
    pid = add_post(ws, title, now=created, at=at, **fields)["id"]
    transition(ws, pid, "submit", now=created)
    transition(ws, pid, "approve", now=created)
    if went_out is not None:
        transition(ws, pid, "publish", now=t(went_out), url=URL.format(pid))
    return pid


def add_snapshots(
    ws: Workspace, ids: dict[str, int], rows: Sequence[tuple[str, str, tuple[Any, ...]]], fields: Sequence[str]
) -> None:
    """Snapshots of the posts named in ``rows`` (name, taken at, values of ``fields``), in one change."""
    docs = []
    for name, at, values in rows:
        at_utc, figures = to_utc_iso(t(at)), dict(zip(fields, values, strict=True))
        docs.append(metrics.snapshot_doc(ids[name], at_utc, figures, "log", metrics.figures_key(ids[name], at_utc)))
    with ws.metrics_store().transaction("test snapshots", t(rows[-1][1])) as tx:
        tx.insert_many(metrics.SNAPSHOTS, docs)
