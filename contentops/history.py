"""The change journal as users see it: ``history`` and ``undo``.

The calendar (``calendar.json``) and the metrics (``metrics.json``) keep their own journals; history shows
both, newest first, each entry with its ``store``, and ``undo`` reverts the newest change of either.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .timeutil import local_iso
from .workspace import Workspace


def entry_json(entry: dict[str, Any], zone: str, store: str = "calendar") -> dict[str, Any]:
    return {
        "id": entry["id"],
        "store": store,
        "at": local_iso(entry["at"], zone),
        "by": entry["by"],
        "action": entry["action"],
        "summary": entry["summary"],
        "revision": entry.get("revision"),
        "undo_of": entry.get("undo_of"),
        "undone_by": entry.get("undone_by"),
        "changes": entry["changes"],
    }


def stores(ws: Workspace, actor: str | None = None) -> dict[str, Any]:
    """The workspace's two stores by name: ``calendar`` and ``metrics`` (each with its own journal)."""
    return {"calendar": ws.store(actor), "metrics": ws.metrics_store(actor)}


def ref(store: str, number: int) -> str:
    """How a journal entry or a backup is named: ``12`` in the calendar, ``m12`` in the metrics."""
    return f"m{number}" if store == "metrics" else str(number)


def history(ws: Workspace, limit: int | None = 20) -> list[dict[str, Any]]:
    """Newest first, from both journals. Entries beyond the live journals come from their archives."""
    tagged: list[tuple[str, dict[str, Any]]] = []
    for name, store in stores(ws).items():
        if not store.path.exists():
            continue
        entries = store.read().history()
        if limit is None or len(entries) < limit:
            live = {e["id"] for e in entries}
            entries = [e for e in store.archived_history() if e["id"] not in live] + entries
        tagged += [(name, e) for e in entries]
    tagged.sort(key=lambda item: (item[1]["at"], item[1]["id"]), reverse=True)
    if limit is not None:
        tagged = tagged[:limit]
    return [entry_json(e, ws.config.zone, name) for name, e in tagged]


def undo(ws: Workspace, actor: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Revert the newest change (of the calendar or the metrics) that is not yet undone; returns its entry."""
    from .errors import NotFoundError
    from .store import undo_target

    by_name = stores(ws, actor)
    newest: tuple[str, str] | None = None  # (at, store)
    for name, store in by_name.items():
        if not store.path.exists():
            continue
        entry = undo_target(store.read().history())
        if entry is not None and (newest is None or entry["at"] >= newest[0]):
            newest = (entry["at"], name)
    if newest is None:
        raise NotFoundError("nothing to undo", hint="'contentops history' lists the changes")
    return entry_json(by_name[newest[1]].undo(now), ws.config.zone, newest[1])
