"""Backups and restore: what ``backup list`` and ``restore`` do.

Every write of ``calendar.json`` or ``metrics.json`` keeps the file as it was in ``calendar/backups/``
(``calendar-r000041-<time>.json`` holds revision 41), rotated by the store (the newest ones, and the
newest of each recent day). A backup is named here by its store and revision: ``41`` for the calendar,
``m41`` for the metrics (as ``history`` names journal entries), or by its file name.

``restore`` shows what differs, then makes the data what the backup holds as one journalled change, so
``undo`` takes it back. If the current file is broken, the backup replaces it and the broken file is set
aside next to the backups (nothing is deleted).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from .errors import CorruptStoreError, NotFoundError, SchemaError, UsageError
from .history import ref, stores
from .store import BACKUP_NAME, HISTORY, META, Store, View
from .timeutil import local_iso
from .workspace import Workspace

_REF = re.compile(r"^(?P<m>m?)(?P<rev>\d+)$")
SHOWN_PER_TABLE = 10  # documents listed per table in a plan (counts are always complete)


@dataclass(frozen=True)
class Backup:
    store: str  # calendar | metrics
    path: Path
    revision: int
    saved_at: str  # UTC ISO: when the store set it aside
    size: int
    followed_by: dict[str, Any] | None  # the journal entry of the change made after it, if still known

    @property
    def ref(self) -> str:
        return ref(self.store, self.revision)

    def to_json(self, zone: str) -> dict[str, Any]:
        nxt = self.followed_by
        return {
            "ref": self.ref,
            "store": self.store,
            "revision": self.revision,
            "saved_at": local_iso(self.saved_at, zone),
            "size": self.size,
            "file": self.path.name,
            "followed_by": None
            if nxt is None
            else {
                "id": nxt["id"],
                "ref": ref(self.store, nxt["id"]),
                "at": local_iso(nxt["at"], zone),
                "by": nxt["by"],
                "summary": nxt["summary"],
            },
        }


def _saved_at(stamp: str) -> str:
    t = datetime.strptime(stamp[:15], "%Y%m%dT%H%M%S")
    return f"{t:%Y-%m-%dT%H:%M:%S}Z"


def _journal(store: Store) -> dict[int, dict[str, Any]]:
    """Journal entries by the revision they made (the live journal only: it is what undo can reach)."""
    try:
        return {e["revision"]: e for e in store.read().history() if "revision" in e}
    except (CorruptStoreError, SchemaError):
        return {}


def list_backups(ws: Workspace, *, changes: bool = True) -> list[Backup]:
    """Every backup of both stores, newest first; with ``changes``, each with the change made after it
    (which reads both stores' journals)."""
    found: list[Backup] = []
    for name, store in stores(ws).items():
        paths = store.backups()
        journal = _journal(store) if paths and changes else {}
        for p in paths:
            m = BACKUP_NAME.match(p.name)
            assert m is not None  # backups() matched it
            rev = int(m["rev"])
            found.append(Backup(name, p, rev, _saved_at(m["stamp"]), p.stat().st_size, journal.get(rev + 1)))
    return sorted(found, key=lambda b: (b.saved_at, b.path.name), reverse=True)


def find_backup(ws: Workspace, ref: str | None, *, metrics: bool = False) -> Backup:
    """The backup ``ref`` names (``41``, ``m41``, a file name or path); none: the newest of the calendar,
    or of the metrics with ``metrics``."""
    backups = list_backups(ws, changes=False)  # restore reads the file it needs itself
    hint = "'contentops backup list' shows the backups"
    if ref is None:
        store = "metrics" if metrics else "calendar"
        newest = next((b for b in backups if b.store == store), None)
        if newest is None:
            raise NotFoundError(f"there is no backup of {store}.json yet", hint="one is kept at every change")
        return newest
    m = _REF.match(ref.strip())
    if m:
        store = "metrics" if m["m"] or metrics else "calendar"
        match = [b for b in backups if b.store == store and b.revision == int(m["rev"])]
        if not match:
            raise NotFoundError(f"no backup of {store}.json at revision {int(m['rev'])}", hint=hint)
        return match[0]  # newest first: after a restore, the newest of that revision
    name = Path(ref).name
    match = [b for b in backups if b.path.name == name]
    if not match:
        raise NotFoundError(f"no backup named {name} in {ws.calendar_dir / 'backups'}", hint=hint)
    return match[0]


@dataclass
class TableDiff:
    table: str
    added: list[dict[str, Any]] = field(default_factory=list)  # in the backup, not now: come back
    removed: list[dict[str, Any]] = field(default_factory=list)  # now, not in the backup: go away
    changed: list[dict[str, Any]] = field(default_factory=list)  # {"id", "label", "fields": [...]}

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "added": self.added, "removed": self.removed, "changed": self.changed}


def _label(doc: dict[str, Any]) -> str:
    for key in ("title", "name", "path", "text"):
        if isinstance(doc.get(key), str):
            text = doc[key]
            return text if len(text) <= 60 else text[:59] + "…"
    if "post" in doc and "at" in doc:
        return f"post {doc['post']} at {doc['at']}"
    return ""


def diff_data(current: dict[str, Any], backup: dict[str, Any]) -> list[TableDiff]:
    """What restoring ``backup`` over ``current`` changes, table by table (the journal and meta aside)."""
    out = []
    for table in sorted((set(current) | set(backup)) - {META, HISTORY}):
        now, then = current.get(table, {}), backup.get(table, {})
        d = TableDiff(table)
        for key in sorted(set(now) | set(then), key=int):
            a, b = now.get(key), then.get(key)
            if a == b:
                continue
            item = {"id": int(key), "label": _label(b if a is None else a)}
            if a is None:
                d.added.append(item)
            elif b is None:
                d.removed.append(item)
            else:
                fields = sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))
                d.changed.append({**item, "fields": fields})
        if d.added or d.removed or d.changed:
            out.append(d)
    return out


@dataclass
class RestorePlan:
    backup: Backup
    revision: int | None  # the current file's revision; None when it is broken
    broken: str | None  # why the current file cannot be read
    tables: list[TableDiff]
    restored: dict[str, Any] | None = None  # the journal entry, once done

    def check(self) -> None:
        """Refuse a restore that would change nothing."""
        if not self.tables and self.broken is None:
            raise UsageError(
                f"{self.backup.store}.json already holds what backup {self.backup.ref} holds", hint="nothing to restore"
            )

    def to_json(self, zone: str) -> dict[str, Any]:
        return {
            "backup": self.backup.to_json(zone),
            "current_revision": self.revision,
            "current_broken": self.broken,
            "tables": [t.to_json() for t in self.tables],
            "restored": None
            if self.restored is None
            else {
                "id": self.restored["id"],
                "ref": ref(self.backup.store, self.restored["id"]),
                "summary": self.restored["summary"],
                "revision": self.restored["revision"],
            },
        }


def plan_restore(ws: Workspace, ref: str | None, *, metrics: bool = False) -> RestorePlan:
    """Find the backup and compare it with the current file; changes nothing."""
    backup = find_backup(ws, ref, metrics=metrics)
    store = stores(ws)[backup.store]
    data = Store(backup.path).load(missing_ok=False)
    try:
        current = store.load()
    except CorruptStoreError as exc:
        return RestorePlan(backup, None, exc.message, diff_data({}, data))
    return RestorePlan(backup, View(current).revision, None, diff_data(current, data))


def restore(ws: Workspace, plan: RestorePlan, now: datetime, actor: str | None = None) -> RestorePlan:
    """Carry out ``plan``; refused with nothing changed if the file moved on since the plan was made."""
    plan.check()
    store = stores(ws, actor)[plan.backup.store]
    label = f"backup {plan.backup.ref} of {local_iso(plan.backup.saved_at, ws.config.zone)[:16].replace('T', ' ')}"
    plan.restored = store.restore(plan.backup.path, now, expect_revision=plan.revision, label=label)
    return plan


__all__ = ["Backup", "RestorePlan", "TableDiff", "diff_data", "find_backup", "list_backups", "plan_restore", "restore"]
