"""The crash-safe TinyDB store (DESIGN section 4).

TinyDB keeps the documents and answers queries; this module makes it safe:

* one cross-process lock (``filelock``) around open -> read -> change -> write -> close;
* one atomic write per command however many documents change (TinyDB's own storage would
  rewrite the whole file on every call), via a temp file, fsync and ``os.replace``;
* a ``meta`` record with ``schema_version``, a revision counter and id counters (ids are
  never reused, so "post 12" always means the same post);
* a newer schema is refused; an older one is upgraded by the first command that writes, after a
  backup of the old file is on disk (``MIGRATIONS``); readers upgrade in memory only;
* an empty or corrupt file is never replaced: the command stops and names the newest backup,
  which ``restore`` (:meth:`Store.restore`) puts back, setting the broken file aside;
* a transaction may name the revision its caller read (``expect_revision``): if the file
  changed meanwhile it stops with "changed since you read it" instead of overwriting;
* stray temp files of killed writers are removed, rotating backups are kept;
* every change is journalled (who, when, what, before/after), which gives history and undo.
  The live journal keeps the newest entries; older ones move to ``history/YYYY-MM.jsonl``.

Reads do not take the lock: writes replace the file atomically, so a reader always sees
one whole revision.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document

from .errors import (
    ConflictError,
    CorruptStoreError,
    LockedError,
    NotFoundError,
    SchemaError,
    StoreError,
    UsageError,
)
from .fsutil import NotSyncedError, atomic_write_bytes, fsync_dir, stray_temp_files
from .timeutil import UTC, to_utc_iso

SCHEMA_VERSION = 1
# Upgrades of the file layout: MIGRATIONS[v] turns the whole data of schema v (every table, the
# journal's before/after documents included) into schema v + 1. None are needed yet: schema 1 is the
# first. The machinery (backup first, one atomic write, refusal of newer files) is tested with a
# migration the tests register.
MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}
META = "meta"
HISTORY = "history"
# calendar-r000041-20261122T011500123456Z.json: the revision it holds, and when it was set aside.
BACKUP_NAME = re.compile(r"^(?P<stem>.+)-r(?P<rev>\d+)-(?P<stamp>\d{8}T\d{6}(?:\d{6})?Z)\.json$")

Doc = dict[str, Any]


def default_actor() -> str:
    name = os.environ.get("CONTENTOPS_USER")
    if name:
        return name
    import getpass  # lazy, like socket below: only writers need them

    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def dump_json(data: Any) -> bytes:
    """The on-disk JSON form: stable and readable in a diff."""
    return (json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


_LINE_ENCODER = json.JSONEncoder(sort_keys=True, ensure_ascii=False)


def dump_json_lines(data: dict[str, dict[str, Any]]) -> bytes:
    """The same data with each document on one line, keys sorted: still stable and diffable line by line,
    and several times faster to write for large files, since Python's JSON encoder is C code only
    without ``indent``. Used for ``metrics.json``, which grows by thousands of snapshots."""
    encode = _LINE_ENCODER.encode  # one encoder for all: json.dumps with options builds one per call
    tables = []
    for name in sorted(data):
        docs = data[name]
        lines = ",\n".join(f"{encode(key)}: {encode(docs[key])}" for key in sorted(docs))
        body = f"{{\n{lines}\n}}" if lines else "{}"
        tables.append(f"{encode(name)}: {body}")
    return ("{\n" + ",\n".join(tables) + "\n}\n").encode("utf-8")


class _MemoryStorage(Storage):
    """TinyDB storage over a dict we loaded ourselves; writes stay in memory until commit."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    def read(self) -> dict[str, Any]:
        return self.data

    def write(self, data: dict[str, Any]) -> None:
        self.data = data


def _public(doc: Document | dict | None) -> Doc | None:
    if doc is None:
        return None
    out = dict(doc)
    if isinstance(doc, Document):
        out["id"] = doc.doc_id
    return out


class View:
    """Read-only access to one revision of the database."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.db = TinyDB(storage=_MemoryStorage, data=data)

    @property
    def meta(self) -> Doc:
        return dict(self.db.table(META).get(doc_id=1) or {})

    @property
    def revision(self) -> int:
        return int(self.meta.get("revision", 0))

    def get(self, table: str, doc_id: int) -> Doc | None:
        return _public(self.db.table(table).get(doc_id=doc_id))

    def all(self, table: str) -> list[Doc]:
        return [_public(d) for d in self.db.table(table).all()]  # type: ignore[misc]

    def scan(self, table: str) -> Iterator[tuple[int, Doc]]:
        """``(id, document)`` pairs without copying the documents (TinyDB's ``all()`` copies
        each one); for read-only passes over big tables. Do not change what it yields."""
        for key, doc in self.db.storage.read().get(table, {}).items():
            yield int(key), doc

    def find(self, table: str, predicate: Callable[[Doc], bool]) -> list[Doc]:
        return [p for p in self.all(table) if predicate(p)]

    def history(self) -> list[Doc]:
        return sorted(self.all(HISTORY), key=lambda e: e["id"])


class Transaction(View):
    """A read-change session under the lock. Changes are journalled as one entry on commit."""

    def __init__(self, data: dict[str, Any], action: str, actor: str) -> None:
        super().__init__(data)
        self.action = action
        self.actor = actor
        self.summary: str = action
        self.changes: dict[tuple[str, int], dict[str, Any]] = {}
        self.undo_of: int | None = None
        self.now: datetime | None = None
        self.journal_extra: dict[str, Any] = {}  # more fields for the journal entry
        self._checked_tables: set[str] = set()

    def _record(self, table: str, doc_id: int, before: Doc | None, after: Doc | None) -> None:
        key = (table, doc_id)
        if key in self.changes:
            self.changes[key]["after"] = after
        else:
            self.changes[key] = {"table": table, "id": doc_id, "before": before, "after": after}

    def _raw(self, table: str, doc_id: int) -> Doc | None:
        doc = self.db.table(table).get(doc_id=doc_id)
        return None if doc is None else json.loads(json.dumps(dict(doc)))

    def next_id(self, table: str) -> int:
        """A fresh id for ``table``; ids are never reused, even after a removal."""
        return self._take_ids(table, 1)[0]

    def _take_ids(self, table: str, count: int) -> range:
        ids = dict(self.meta.get("next_ids", {}))
        if table not in self._checked_tables:  # guard against hand-edited files once per table
            self._checked_tables.add(table)
            existing = max((int(k) for k in self.db.storage.read().get(table, {})), default=0)
            ids[table] = max(int(ids.get(table, 1)), existing + 1)
        first = int(ids.get(table, 1))
        ids[table] = first + count
        self.db.table(META).update({"next_ids": ids}, doc_ids=[1])
        return range(first, first + count)

    def _set(self, table: str, doc_id: int, doc: Doc | None) -> None:
        """Set or remove one document in the data in place. (TinyDB's own insert and remove rebuild the
        whole table at each call, which made undoing or restoring thousands of documents quadratic:
        41 s for 5,000 snapshots.)"""
        data = self.db.storage.read()
        if doc is None:
            data.get(table, {}).pop(str(doc_id), None)
        else:
            data.setdefault(table, {})[str(doc_id)] = json.loads(
                json.dumps({k: v for k, v in doc.items() if k != "id"})
            )
        self.db.table(table).clear_cache()

    def insert(self, table: str, doc: Doc) -> int:
        doc_id = self.next_id(table)
        self._set(table, doc_id, doc)
        self._record(table, doc_id, None, self._raw(table, doc_id))
        return doc_id

    def insert_many(self, table: str, docs: list[Doc]) -> list[int]:
        ids = self._take_ids(table, len(docs))
        for doc_id, doc in zip(ids, docs, strict=True):
            self._set(table, doc_id, doc)
            self._record(table, doc_id, None, self._raw(table, doc_id))
        return list(ids)

    def put(self, table: str, doc_id: int, doc: Doc | None) -> None:
        """Set the whole document (``None`` removes it); used by undo to restore a 'before'."""
        before = self._raw(table, doc_id)
        self._set(table, doc_id, doc)
        self._record(table, doc_id, before, self._raw(table, doc_id))

    def update(self, table: str, doc_id: int, fields: Doc) -> Doc:
        before = self._raw(table, doc_id)
        if before is None:
            raise NotFoundError(f"no {table[:-1]} with id {doc_id}")
        after = {**before, **{k: v for k, v in fields.items() if k != "id"}}
        self.put(table, doc_id, after)
        return {**after, "id": doc_id}

    def remove(self, table: str, doc_id: int) -> Doc:
        before = self._raw(table, doc_id)
        if before is None:
            raise NotFoundError(f"no {table[:-1]} with id {doc_id}")
        self.put(table, doc_id, None)
        return {**before, "id": doc_id}

    def replace_data(self, data: dict[str, Any]) -> None:
        """Make every table but the meta record and the journal hold exactly what ``data`` holds
        (a restore). Ids stay unique: the id counters never go back."""
        source = View(data)
        for table in sorted((set(data) | set(self.db.tables())) - {META, HISTORY}):
            wanted = {d["id"]: d for d in source.all(table)} if table in data else {}
            for doc in self.all(table):
                if doc["id"] not in wanted:
                    self.put(table, doc["id"], None)
            for doc_id, doc in wanted.items():
                current = self._raw(table, doc_id)
                target = {k: v for k, v in doc.items() if k != "id"}
                if current != target:
                    self.put(table, doc_id, target)

    def effective_changes(self) -> list[dict[str, Any]]:
        return [c for c in self.changes.values() if c["before"] != c["after"]]


def undo_target(journal: list[Doc]) -> Doc | None:
    """The entry ``undo`` reverts: the newest change not undone, and not an undo itself. Schema
    upgrades are passed over: they are not a user's change, and the data they touched stay valid."""
    return next(
        (e for e in reversed(journal) if "undo_of" not in e and "undone_by" not in e and not e.get("upgrade")),
        None,
    )


class Store:
    """One TinyDB database file guarded as described in the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        lock_timeout: float = 10.0,
        backups_recent: int = 10,
        backups_daily: int = 14,
        journal_keep: int = 200,
        actor: str | None = None,
        archive_dir: Path | None = None,
        line_per_document: bool = False,
    ) -> None:
        self.path = Path(path)
        self._archive_dir = archive_dir
        self._dump = dump_json_lines if line_per_document else dump_json
        self.lock_timeout = lock_timeout
        self.backups_recent = backups_recent
        self.backups_daily = backups_daily
        self.journal_keep = max(1, journal_keep)
        self.actor = actor or default_actor()

    # -- paths ---------------------------------------------------------------------------
    @property
    def lock_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock")

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(f".{self.path.name}.lock.holder")

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    @property
    def archive_dir(self) -> Path:
        """Where journal entries beyond ``journal_keep`` go (``history/`` next to the file by default)."""
        return self._archive_dir or self.path.parent / "history"

    # -- reading -------------------------------------------------------------------------
    def _fresh(self) -> dict[str, Any]:
        return {META: {"1": {"schema_version": SCHEMA_VERSION, "revision": 0, "next_ids": {}}}}

    def load(self, *, missing_ok: bool = True) -> dict[str, Any]:
        """Read and validate the file (a missing file is an empty database, or ``NotFoundError`` without
        ``missing_ok``); a file of an older schema is upgraded in memory (only a transaction writes that)."""
        data = self._load_raw(missing_ok)
        return self._migrated(data) if self._version(data) < SCHEMA_VERSION else data

    @staticmethod
    def _version(data: dict[str, Any]) -> int:
        return int(data[META]["1"]["schema_version"])

    def _migrated(self, data: dict[str, Any]) -> dict[str, Any]:
        version = self._version(data)
        try:
            while version < SCHEMA_VERSION:
                data = MIGRATIONS[version](data)
                version += 1
                data[META]["1"]["schema_version"] = version
        except Exception as exc:  # a migration that fails on this file: keep the file as it is
            raise StoreError(
                f"could not upgrade {self.path} from schema {version} to {version + 1} ({type(exc).__name__}: {exc})",
                hint="the file was left untouched; please report this with the file attached",
            ) from exc
        return data

    def _load_raw(self, missing_ok: bool = True) -> dict[str, Any]:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            if not missing_ok:
                raise NotFoundError(
                    f"{self.path} does not exist (any more)", hint="'contentops backup list' shows the backups kept now"
                ) from None
            return self._fresh()
        except OSError as exc:
            raise StoreError(f"cannot read {self.path}: {exc.strerror}", hint="check the file's permissions") from None
        if not raw or raw.isspace():  # raw.strip() would copy the whole file
            raise self._corrupt("is empty")
        try:
            data = json.loads(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise self._corrupt("is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise self._corrupt(f"is not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno})") from None
        if not isinstance(data, dict) or not all(
            isinstance(t, dict) and all(isinstance(d, dict) and k.isascii() and k.isdigit() for k, d in t.items())
            for t in data.values()
        ):
            raise self._corrupt("does not have the layout of a contentops database")
        meta = data.get(META, {}).get("1")
        if not isinstance(meta, dict) or not isinstance(meta.get("schema_version"), int):
            raise self._corrupt("has no contentops meta record (schema_version)")
        version = meta["schema_version"]
        if version < 1:
            raise self._corrupt(f"has an unknown schema_version {version}")
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path} was written by a newer contentops (schema {version}; this one knows {SCHEMA_VERSION})",
                hint="upgrade contentops (pip install -U contentops) before using this workspace",
            )
        return data

    def _corrupt(self, what: str) -> CorruptStoreError:
        backup = self.latest_backup()
        if backup is not None:
            hint = (
                f"the file was left untouched; put the newest backup back with: contentops restore {backup.name} "
                "(add --dry-run to see what it holds first)"
            )
        else:
            hint = f"the file was left untouched and there is no backup in {self.backup_dir}; fix or move it away"
        return CorruptStoreError(f"{self.path} {what}", hint=hint)

    def read(self) -> View:
        return View(self.load())

    # -- locking -------------------------------------------------------------------------
    @contextmanager
    def _locked(self, action: str) -> Iterator[None]:
        import socket

        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_path), timeout=self.lock_timeout)
        try:
            lock.acquire()
        except Timeout:
            raise LockedError(
                f"{self.path.name} is busy: {self._describe_holder()} has held it for more than "
                f"{self.lock_timeout:g} s",
                hint="wait for that command to finish and try again (a lock of a process that "
                "has died is freed by the system)",
            ) from None
        try:
            holder = {
                "pid": os.getpid(),
                "host": socket.gethostname(),
                "user": self.actor,
                "command": action,
                "since": to_utc_iso(datetime.now(UTC)),
            }
            self.holder_path.write_text(json.dumps(holder), encoding="utf-8")
            yield
        finally:
            self.holder_path.unlink(missing_ok=True)
            lock.release()

    def _describe_holder(self) -> str:
        try:
            h = json.loads(self.holder_path.read_text(encoding="utf-8"))
            return f"'{h['command']}' by {h['user']} on {h['host']} (pid {h['pid']}, since {h['since']})"
        except (OSError, ValueError, KeyError, TypeError):
            return "another contentops command"

    def holder(self) -> dict[str, Any] | None:
        try:
            return json.loads(self.holder_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    # -- writing -------------------------------------------------------------------------
    @contextmanager
    def transaction(
        self,
        action: str,
        now: datetime | None = None,
        *,
        dry_run: bool = False,
        expect_revision: int | None = None,
    ) -> Iterator[Transaction]:
        """Lock, load, yield a Transaction; on a clean exit write once and journal it.

        ``now`` is the time the journal records (the caller's clock); backups are named
        by the real clock, since they rotate by it. ``dry_run`` yields a Transaction over the
        data as it is and writes nothing (no lock: nothing is written to guard).
        ``expect_revision``: the revision the caller showed the user; if the file has moved on
        since, nothing is changed and ``ConflictError`` says so.
        """
        if dry_run:
            tx = Transaction(self.load(), action, self.actor)
            tx.now = now
            yield tx
            return
        with self._locked(action):
            tx = self._begin(action, now, expect_revision)
            yield tx
            if tx.effective_changes():
                self._commit(tx)

    def _begin(self, action: str, now: datetime | None, expect_revision: int | None) -> Transaction:
        """Under the lock: clean up after killed writers, load (upgrading an older file first)."""
        for stray in stray_temp_files(self.path):
            stray.unlink(missing_ok=True)
        data = self._load_raw()
        if self._version(data) < SCHEMA_VERSION:
            data = self._upgrade(data, now)
        tx = Transaction(data, action, self.actor)
        tx.now = now
        if expect_revision is not None and tx.revision != expect_revision:
            last = tx.history()[-1] if tx.history() else {}
            raise ConflictError(
                f"{self.path.name} changed since you read it (revision {expect_revision}, now {tx.revision}: "
                f"'{last.get('summary', '?')}' by {last.get('by', '?')})",
                hint="nothing was changed; run the command again to see the current state",
            )
        return tx

    def _upgrade(self, data: dict[str, Any], now: datetime | None) -> dict[str, Any]:
        """Upgrade an older file: its bytes are kept as a backup first, then the upgraded data
        replace it in one atomic write. Killed at any point, the old file or the new one is there."""
        old = self._version(data)
        migrated = self._migrated(data)
        backup = self._backup_path(int(data[META]["1"].get("revision", 0)), datetime.now(UTC))
        self.backup_dir.mkdir(exist_ok=True)
        atomic_write_bytes(backup, self.path.read_bytes())
        tx = Transaction(migrated, "upgrade", self.actor)
        tx.now = now
        tx.summary = f"upgraded {self.path.name} from schema {old} to {SCHEMA_VERSION} (old file: {backup.name})"
        tx.journal_extra = {"upgrade": True, "kept_as": backup.name}
        self._commit(tx, keep_backup=False)
        return self._load_raw()

    def _backup_path(self, revision: int, clock: datetime) -> Path:
        return self.backup_dir / f"{self.path.stem}-r{revision:06d}-{clock:%Y%m%dT%H%M%S%f}Z.json"

    def _commit(self, tx: Transaction, *, keep_backup: bool = True) -> None:
        clock = datetime.now(UTC)
        now = to_utc_iso(tx.now or clock)
        meta = tx.meta
        revision = int(meta.get("revision", 0)) + 1
        history = tx.db.table(HISTORY)
        entry_id = tx.next_id(HISTORY)
        entry = {
            "at": now,
            "by": tx.actor,
            "action": tx.action,
            "summary": tx.summary,
            "revision": revision,
            "changes": tx.effective_changes(),
            **tx.journal_extra,
        }
        if tx.undo_of is not None:
            entry["undo_of"] = tx.undo_of
            history.update({"undone_by": entry_id}, doc_ids=[tx.undo_of])
        history.insert(Document(entry, doc_id=entry_id))
        tx.db.table(META).update(
            {"revision": revision, "updated_at": now, "schema_version": SCHEMA_VERSION}, doc_ids=[1]
        )

        backup = self._backup_path(revision - 1, clock)

        def keep_old_as_backup() -> None:
            if not keep_backup or not self.path.exists():
                return
            self.backup_dir.mkdir(exist_ok=True)
            try:
                os.link(self.path, backup)
            except FileExistsError:
                pass
            except OSError:
                shutil.copy2(self.path, backup)
            fsync_dir(self.backup_dir)

        try:
            self._archive_old_entries(tx)
            payload = self._dump(tx.db.storage.data)  # type: ignore[attr-defined]
            atomic_write_bytes(self.path, payload, before_replace=keep_old_as_backup)
        except UnicodeEncodeError as exc:  # text from bytes the terminal could not decode (lone surrogates)
            bad = exc.object[exc.start : exc.end] if isinstance(exc.object, str) else ""
            raise UsageError(
                f"cannot save text with characters that are not valid Unicode ({bad!r}); nothing was changed",
                hint="type the text again in a UTF-8 terminal (the bytes given could not be read as UTF-8)",
            ) from None
        except NotSyncedError as exc:
            raise StoreError(
                f"{self.path} was changed, but the system could not confirm it is on disk ({exc.strerror})",
                hint="check the disk; 'contentops history' shows whether the change is there before you repeat it",
            ) from None
        except OSError as exc:
            raise StoreError(
                f"could not write {self.path}: {exc.strerror or exc}; nothing was changed",
                hint="check free disk space and permissions, then run the command again",
            ) from None
        with suppress(OSError):  # the change is saved; a backup left over is harmless
            self._rotate_backups()

    def _archive_old_entries(self, tx: Transaction) -> None:
        history = tx.db.table(HISTORY)
        entries = sorted(history.all(), key=lambda d: d.doc_id)
        surplus = entries[: max(0, len(entries) - self.journal_keep)]
        if not surplus:
            return
        by_month: dict[str, list[str]] = {}
        for doc in surplus:
            line = json.dumps({**doc, "id": doc.doc_id}, sort_keys=True, ensure_ascii=False)
            by_month.setdefault(doc["at"][:7], []).append(line)
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        for month, lines in by_month.items():
            # Appended before the main write: after a crash in between, the entries are
            # archived twice, and readers drop duplicates by id. A line cut short by a crash
            # is ended first, so it cannot swallow the next entry.
            with open(self.archive_dir / f"{month}.jsonl", "a+b") as fh:
                fh.seek(0, os.SEEK_END)
                torn = False
                if fh.tell():
                    fh.seek(-1, os.SEEK_END)
                    torn = fh.read(1) != b"\n"
                fh.write((("\n" if torn else "") + "\n".join(lines) + "\n").encode("utf-8"))
                fh.flush()
                os.fsync(fh.fileno())
        history.remove(doc_ids=[d.doc_id for d in surplus])

    def archived_history(self) -> list[Doc]:
        seen: dict[int, Doc] = {}
        for f in sorted(self.archive_dir.glob("*.jsonl")):
            for line in f.read_text(encoding="utf-8").splitlines():
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue  # a line cut short by a crash
                seen.setdefault(entry["id"], entry)
        return [seen[k] for k in sorted(seen)]

    # -- backups -------------------------------------------------------------------------
    def backups(self) -> list[Path]:
        """Backups of this file, oldest first (by when they were set aside, then revision:
        after a restore of an older backup, revision numbers start again from it)."""
        if not self.backup_dir.is_dir():
            return []
        found = []
        for p in self.backup_dir.iterdir():
            m = BACKUP_NAME.match(p.name)
            if m and m["stem"] == self.path.stem:
                found.append((m["stamp"].rstrip("Z").ljust(21, "0"), int(m["rev"]), p))
        return [p for *_, p in sorted(found)]

    def latest_backup(self) -> Path | None:
        found = self.backups()
        return found[-1] if found else None

    def _rotate_backups(self) -> None:
        found = self.backups()
        keep = set(found[-self.backups_recent :]) if self.backups_recent else set()
        days: dict[str, Path] = {}
        for p in found:
            stamp = BACKUP_NAME.match(p.name)["stamp"]  # type: ignore[index]
            days[stamp[:8]] = p  # newest of each day wins
        for day in sorted(days)[-self.backups_daily :] if self.backups_daily else []:
            keep.add(days[day])
        for p in found:
            if p not in keep:
                p.unlink(missing_ok=True)

    def restore(
        self, backup: Path, now: datetime | None = None, *, expect_revision: int | None = None, label: str = ""
    ) -> Doc:
        """Make the data what ``backup`` holds, as one journalled change that ``undo`` reverts.

        The journal and the id counters stay (ids are never reused). If the file itself cannot be
        read (corrupt), it is set aside in the backup folder as ``<stem>-broken-<time>.json`` and the
        backup, its own journal included, takes its place; that entry cannot be undone. Returns
        the journal entry.
        """
        data = Store(backup).load(missing_ok=False)  # a broken or vanished backup is refused before anything
        summary = f"restored {self.path.name} to revision {View(data).revision} ({label or backup.name})"
        with self._locked("restore"):
            try:
                tx = self._begin("restore", now, expect_revision)
            except CorruptStoreError:
                if expect_revision is not None:  # it was readable when the caller looked
                    raise
                kept = self.backup_dir / f"{self.path.stem}-broken-{datetime.now(UTC):%Y%m%dT%H%M%S%f}Z.json"
                self.backup_dir.mkdir(exist_ok=True)
                os.replace(self.path, kept)  # same folder tree: a rename, nothing is lost
                fsync_dir(self.backup_dir)
                fsync_dir(self.path.parent)
                tx = Transaction(data, "restore", self.actor)
                tx.now = now
                tx.summary = f"{summary} over a broken {self.path.name}"
                tx.journal_extra = {"undoable": False, "kept_as": kept.name}
                self._commit(tx)
                return tx.history()[-1]
            tx.replace_data(data)
            tx.summary = summary
            if not tx.effective_changes():
                raise UsageError(f"{self.path.name} already holds what {backup.name} holds", hint="nothing to restore")
            self._commit(tx)
            return tx.history()[-1]

    # -- history and undo ----------------------------------------------------------------
    def undo(self, now: datetime | None = None) -> Doc:
        """Revert the newest change not yet undone; the undo is itself a journalled change."""
        with self.transaction("undo", now) as tx:
            target = undo_target(tx.history())
            if target is None:
                raise NotFoundError("nothing to undo", hint="'contentops history' lists the changes")
            if target.get("undoable") is False:
                raise ConflictError(
                    f"#{target['id']} cannot be undone ({target['summary']})",
                    hint=f"the file as it was before is kept in {self.backup_dir.name}/{target.get('kept_as', '')}",
                )
            for change in reversed(target["changes"]):
                current = tx._raw(change["table"], change["id"])
                if current != change["after"]:
                    raise ConflictError(
                        f"cannot undo #{target['id']} ({target['summary']}): "
                        f"{change['table'][:-1]} {change['id']} was changed since",
                        hint="make the change back by hand; 'contentops history' shows the before and after",
                    )
                tx.put(change["table"], change["id"], change["before"])
            tx.undo_of = target["id"]
            tx.summary = f"undo #{target['id']}: {target['summary']}"
        return target


__all__ = [
    "SCHEMA_VERSION",
    "Store",
    "Transaction",
    "View",
    "default_actor",
    "dump_json",
    "dump_json_lines",
    "undo_target",
]
