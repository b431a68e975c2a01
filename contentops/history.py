"""The change journal as users see it: ``history`` and ``undo``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .timeutil import local_iso
from .workspace import Workspace


def entry_json(entry: dict[str, Any], zone: str) -> dict[str, Any]:
    return {
        "id": entry["id"],
        "at": local_iso(entry["at"], zone),
        "by": entry["by"],
        "action": entry["action"],
        "summary": entry["summary"],
        "revision": entry.get("revision"),
        "undo_of": entry.get("undo_of"),
        "undone_by": entry.get("undone_by"),
        "changes": entry["changes"],
    }


def history(ws: Workspace, limit: int | None = 20) -> list[dict[str, Any]]:
    """Newest first. Entries beyond the live journal come from ``calendar/history/*.jsonl``."""
    store = ws.store()
    entries = store.read().history()
    if limit is None or len(entries) < limit:
        live = {e["id"] for e in entries}
        entries = [e for e in store.archived_history() if e["id"] not in live] + entries
    entries = entries[::-1]
    if limit is not None:
        entries = entries[:limit]
    return [entry_json(e, ws.config.zone) for e in entries]


def undo(ws: Workspace, actor: str | None = None, now: datetime | None = None) -> dict[str, Any]:
    """Revert the newest change that is not yet undone; returns that change's entry."""
    return entry_json(ws.store(actor).undo(now), ws.config.zone)
