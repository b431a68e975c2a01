"""Tests of the crash-safe store (DESIGN section 4) against real files and real processes.

Covers: corrupt and newer files (left untouched), atomic writes and rotating backups, the lock and its
timeout, the change journal with undo and its monthly archive, one write per command, and failed writes.
Many processes at once, killed writers and failures at each step of a write: tests/test_reliability.py.
"""

from __future__ import annotations

import errno
import json
import os
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli

import contentops.fsutil as fsutil_mod
import contentops.store as store_mod
from contentops.errors import (
    ConflictError,
    CorruptStoreError,
    LockedError,
    NotFoundError,
    SchemaError,
    StoreError,
)
from contentops.store import SCHEMA_VERSION, Store, dump_json
from contentops.workspace import Workspace, find_workspace

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
BACKUP_NAME = re.compile(r"^calendar-r(\d{6})-\d{8}T\d{12}Z\.json$")
cli = Cli(None).run  # the command line, with the clock not pinned


# -- helpers -------------------------------------------------------------------------------
def snapshot(path: Path) -> tuple[bytes, int]:
    """The bytes and the modification time (ns) of ``path``: 'untouched' means both are equal."""
    return path.read_bytes(), path.stat().st_mtime_ns


def strays(path: Path) -> list[Path]:
    """Temp files of ``path`` (``.calendar.json.<random>.tmp``) left in its folder."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def backup_revs(store: Store) -> list[int]:
    return [int(BACKUP_NAME.match(p.name)[1]) for p in store.backups()]  # type: ignore[index]


def add_one(store: Store, title: str, **extra: Any) -> int:
    with store.transaction("post add") as tx:
        post_id = tx.insert("posts", {"title": title, "status": "draft", **extra})
        tx.summary = f"added post {post_id} '{title}'"
    return post_id


def set_storage(ws: Workspace, **values: float) -> Workspace:
    """Change ``[storage]`` settings in the workspace's contentops.toml and reload it."""
    text = ws.config_path.read_text(encoding="utf-8")
    for key, value in values.items():
        text, n = re.subn(rf"^{key} = .*$", f"{key} = {value}", text, flags=re.M)
        assert n == 1, key
    ws.config_path.write_text(text, encoding="utf-8")
    return find_workspace(ws.root)


def rewrite(path: Path, change) -> None:
    """Hand-edit the JSON file (as a person with an editor would), keeping it valid."""
    data = json.loads(path.read_bytes())
    change(data)
    path.write_bytes(dump_json(data))


class Clock:
    """Stands in for ``contentops.store.datetime`` so backups and journal entries get chosen times."""

    def __init__(self, start: datetime) -> None:
        self.t = start

    def now(self, tz=None) -> datetime:
        return self.t.astimezone(tz) if tz is not None else self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(NOW)
    monkeypatch.setattr(store_mod, "datetime", c)
    return c


# -- 1. many processes at once, and writers killed: see tests/test_reliability.py ------------------


def test_transaction_removes_stray_temp_files_only(tmp_path: Path) -> None:
    path = tmp_path / "calendar.json"
    store = Store(path)
    add_one(store, "first")
    fake = path.parent / ".calendar.json.k1ll3d.tmp"
    fake.write_bytes(b'{"half a wri')
    others = [path.parent / ".metrics.json.abc123.tmp", path.parent / "calendar.json.tmp", path.parent / "notes.tmp"]
    for o in others:
        o.write_text("keep me")
    assert strays(path) == [fake]
    store.read()  # reading does not clean up (nor change anything)
    assert fake.exists()
    add_one(store, "second")
    assert not fake.exists() and strays(path) == []
    assert all(o.read_text() == "keep me" for o in others)
    assert [p["title"] for p in store.read().all("posts")] == ["first", "second"]


# -- 3. corrupt files are refused and left untouched --------------------------------------------
def _good_bytes() -> bytes:
    return dump_json(
        {
            "meta": {"1": {"schema_version": SCHEMA_VERSION, "revision": 7, "next_ids": {"posts": 3}}},
            "posts": {"1": {"title": "Behind the scenes"}, "2": {"title": "Summer drop"}},
        }
    )


CORRUPT: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t \r\n  ",
    "truncated": _good_bytes()[: len(_good_bytes()) // 2],
    "not-utf8": b'{"meta": {"1": {"schema_version": 1, "revision": 1}}, "posts": {"1": {"title": "caf\xe9 \xff"}}}',
    "a-list": b"[1, 2, 3]\n",
    "table-is-a-list": b'{"meta": {"1": {"schema_version": 1}}, "posts": [{"title": "a"}]}',
    "id-not-a-number": b'{"meta": {"1": {"schema_version": 1}}, "posts": {"first": {"title": "a"}}}',
    "missing-meta": b'{"posts": {"1": {"title": "a"}}}',
    "meta-without-schema": b'{"meta": {"1": {"revision": 3}}, "posts": {}}',
}


@pytest.mark.parametrize("with_backup", [False, True], ids=["no-backup", "backup"])
@pytest.mark.parametrize("kind", list(CORRUPT))
def test_corrupt_file_is_refused_and_untouched(ws: Workspace, kind: str, with_backup: bool) -> None:
    store = ws.store()
    if with_backup:
        for title in ("a", "b", "c"):
            add_one(store, title)
        newest = store.latest_backup()
        assert newest is not None and "-r000002-" in newest.name
    ws.calendar_db.parent.mkdir(parents=True, exist_ok=True)
    ws.calendar_db.write_bytes(CORRUPT[kind])
    os.utime(ws.calendar_db, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))
    before = snapshot(ws.calendar_db)
    backups_before = store.backups()

    with pytest.raises(CorruptStoreError) as read_err:
        store.read()
    with pytest.raises(CorruptStoreError) as tx_err, store.transaction("post add") as tx:
        tx.insert("posts", {"title": "never written"})
    for err in (read_err.value, tx_err.value):
        assert str(ws.calendar_db) in err.message
        assert "untouched" in (err.hint or "")
        if with_backup:
            assert f"contentops restore {store.latest_backup().name} " in (err.hint or "")  # type: ignore[union-attr]
        else:
            assert "no backup" in (err.hint or "")

    for args in (["post", "list"], ["post", "add", "Another post"]):
        result = cli(ws, *args)
        assert result.exit_code == 1, result.output
        assert "Error:" in result.output
        if with_backup:
            assert store.latest_backup().name in result.output  # type: ignore[union-attr]

    assert snapshot(ws.calendar_db) == before
    assert store.backups() == backups_before
    assert strays(ws.calendar_db) == []


# -- 4. a newer schema is refused -------------------------------------------------------------
def test_newer_schema_is_refused_and_untouched(ws: Workspace) -> None:
    store = ws.store()
    add_one(store, "from the future")
    rewrite(ws.calendar_db, lambda d: d["meta"]["1"].update(schema_version=SCHEMA_VERSION + 1))
    before = snapshot(ws.calendar_db)

    with pytest.raises(SchemaError, match="newer"):
        store.read()
    with pytest.raises(SchemaError, match="newer"), store.transaction("post add") as tx:
        tx.insert("posts", {"title": "x"})
    for args in (["post", "list"], ["post", "add", "Another post"]):
        result = cli(ws, *args)
        assert result.exit_code == 1 and "Error:" in result.output and "newer" in result.output
    assert snapshot(ws.calendar_db) == before


# -- 5. atomic writes and backups ----------------------------------------------------------------
def test_backups_hold_previous_revisions(tmp_path: Path) -> None:
    path = tmp_path / "calendar.json"
    store = Store(path, backups_recent=3, backups_daily=2)
    states: dict[int, bytes] = {}
    for i in range(1, 9):
        if path.exists():
            states[store.read().revision] = path.read_bytes()
        add_one(store, f"post {i}")
        data = json.loads(path.read_bytes())
        assert data["meta"]["1"]["revision"] == i
        assert path.read_bytes() == dump_json(data)  # indent=2, sorted keys, one trailing newline
    revs = backup_revs(store)
    assert all(p.parent == tmp_path / "backups" for p in store.backups())
    assert len(revs) <= 3 + 2
    assert revs == [5, 6, 7]  # all made today: the 3 recent ones (today's newest is among them)
    for p, rev in zip(store.backups(), revs, strict=True):
        json.loads(p.read_bytes())
        assert Store(p).read().revision == rev
        assert p.read_bytes() == states[rev]
    assert store.latest_backup().read_bytes() == states[7]  # type: ignore[union-attr]
    assert strays(path) == []


def test_backup_rotation_keeps_recent_and_daily(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "calendar.json"
    store = Store(path, backups_recent=2, backups_daily=2)
    states: dict[int, bytes] = {}
    for change in range(1, 13):  # 3 changes a day on 4 days
        day, nth = divmod(change - 1, 3)
        clock.t = NOW + timedelta(days=day, minutes=nth)
        if path.exists():
            states[store.read().revision] = path.read_bytes()
        add_one(store, f"post {change}")
        assert len(store.backups()) <= 2 + 2
    # backup rN is made by change N+1: r1,r2 on day 0; r3-r5 on day 1; r6-r8 day 2; r9-r11 day 3.
    # Kept: the 2 most recent (r10, r11) and the newest of each of the last 2 days (r8, r11).
    assert backup_revs(store) == [8, 10, 11]
    for p, rev in zip(store.backups(), backup_revs(store), strict=True):
        assert p.read_bytes() == states[rev]
    assert store.latest_backup().read_bytes() == states[11]  # type: ignore[union-attr]


def test_newest_backup_after_restoring_an_older_one(tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / "calendar.json"
    store = Store(path, backups_recent=3, backups_daily=1)
    for i in range(1, 11):
        clock.t = NOW + timedelta(minutes=i)
        add_one(store, f"post {i}")
    assert backup_revs(store) == [7, 8, 9]
    # The user restores the r7 backup (say, to drop a bad bulk import), then keeps working.
    path.write_bytes(store.backups()[0].read_bytes())
    clock.t = NOW + timedelta(hours=1)
    add_one(store, "after restore 1")
    before_last = path.read_bytes()
    clock.t = NOW + timedelta(hours=1, minutes=1)
    add_one(store, "after restore 2")
    # The hint for a corrupt file names latest_backup(): it must be the state before the last change.
    assert store.latest_backup().read_bytes() == before_last  # type: ignore[union-attr]


# -- 6. the lock ---------------------------------------------------------------------------------
HOLDER = r"""
import sys, time
from contentops.store import Store

with Store(sys.argv[1], actor="holder-user").transaction("holder-test-cmd") as tx:
    tx.insert("posts", {"title": "held"})
    print("locked", flush=True)
    time.sleep(60)
"""


def test_lock_timeout_names_the_holder(ws: Workspace) -> None:
    store = ws.store()
    add_one(store, "existing")
    before = snapshot(ws.calendar_db)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.calendar_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        holder = store.holder()
        assert holder is not None and holder["pid"] == proc.pid and holder["command"] == "holder-test-cmd"

        quick = Store(ws.calendar_db, lock_timeout=0.5)
        t0 = time.monotonic()
        with pytest.raises(LockedError) as err, quick.transaction("post add") as tx:
            tx.insert("posts", {"title": "blocked"})
        waited = time.monotonic() - t0
        assert 0.4 <= waited < 5
        assert "'holder-test-cmd'" in err.value.message and f"pid {proc.pid}" in err.value.message
        assert "holder-user" in err.value.message
        # reads do not wait for the lock
        assert [p["title"] for p in quick.read().all("posts")] == ["existing"]

        # the same through the CLI, with the timeout from contentops.toml
        set_storage(ws, lock_timeout_seconds=0.5)
        result = cli(ws, "post", "add", "Blocked post")
        assert result.exit_code == 4 and "Error:" in result.output and f"pid {proc.pid}" in result.output
        assert snapshot(ws.calendar_db) == before
    finally:
        proc.kill()
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
    # the dead holder's lock is freed by the system; its unfinished change never landed
    assert snapshot(ws.calendar_db) == before
    add_one(Store(ws.calendar_db, lock_timeout=5), "after the holder died")
    assert [p["title"] for p in store.read().all("posts")] == ["existing", "after the holder died"]
    assert store.holder() is None


# -- 7. the journal, undo and the archive --------------------------------------------------------
def test_every_change_is_journalled_and_undo_walks_back(ws: Workspace) -> None:
    from contentops.history import history, undo

    store = Store(ws.calendar_db, actor="alice")
    a = add_one(store, "A")
    with store.transaction("post edit") as tx:
        tx.update("posts", a, {"title": "A2"})
    with store.transaction("post import") as tx:
        b, c = tx.insert_many("posts", [{"title": "B"}, {"title": "C"}])
    with store.transaction("post edit") as tx:  # changes nothing: no write, no entry
        tx.update("posts", a, {"title": "A2"})
    view = store.read()
    assert view.revision == 3
    journal = view.history()
    assert [e["id"] for e in journal] == [1, 2, 3]
    assert [e["action"] for e in journal] == ["post add", "post edit", "post import"]
    assert [e["revision"] for e in journal] == [1, 2, 3]
    for e in journal:
        assert e["by"] == "alice"
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", e["at"])
    assert journal[0]["changes"] == [
        {"table": "posts", "id": a, "before": None, "after": {"title": "A", "status": "draft"}}
    ]
    assert journal[1]["changes"] == [
        {
            "table": "posts",
            "id": a,
            "before": {"title": "A", "status": "draft"},
            "after": {"title": "A2", "status": "draft"},
        }
    ]
    assert [(ch["id"], ch["before"], ch["after"]) for ch in journal[2]["changes"]] == [
        (b, None, {"title": "B"}),
        (c, None, {"title": "C"}),
    ]

    def titles() -> list[str]:
        return [p["title"] for p in store.read().all("posts")]

    assert undo(ws, actor="bob")["id"] == 3
    assert titles() == ["A2"]
    assert store.read().revision == 4
    entry = store.read().history()[-1]
    assert entry["undo_of"] == 3 and entry["action"] == "undo" and entry["by"] == "bob"
    assert [(ch["id"], ch["after"]) for ch in entry["changes"]] == [(c, None), (b, None)]
    assert store.read().history()[2]["undone_by"] == entry["id"]

    assert store.undo()["id"] == 2
    assert titles() == ["A"]
    assert store.undo()["id"] == 1
    assert titles() == []
    assert [e["undo_of"] for e in history(ws)] == [1, 2, 3, None, None, None]

    before = snapshot(ws.calendar_db)
    with pytest.raises(NotFoundError, match="nothing to undo"):
        store.undo()
    assert snapshot(ws.calendar_db) == before
    # ids are never reused, even after the undo removed the posts
    assert add_one(store, "D") == 4


def test_undo_on_an_empty_journal(ws: Workspace) -> None:
    with pytest.raises(NotFoundError, match="nothing to undo"):
        ws.store().undo()
    assert not ws.calendar_db.exists()


def _hand_edit_post(data: dict) -> None:
    data["posts"]["1"]["title"] = "edited by hand"


def _hand_edit_journal(data: dict) -> None:
    data["history"]["2"]["changes"][0]["after"]["title"] = "something else"


@pytest.mark.parametrize("edit", [_hand_edit_post, _hand_edit_journal], ids=["post-edited", "journal-edited"])
def test_undo_refuses_changes_the_journal_does_not_explain(ws: Workspace, edit) -> None:
    store = ws.store()
    a = add_one(store, "A")
    with store.transaction("post edit") as tx:
        tx.update("posts", a, {"title": "A2"})
    rewrite(ws.calendar_db, edit)
    before = snapshot(ws.calendar_db)
    with pytest.raises(ConflictError, match=r"cannot undo #2 .*post 1 was changed since"):
        store.undo()
    assert snapshot(ws.calendar_db) == before
    assert "undone_by" not in store.read().history()[-1]


def test_journal_cap_moves_old_entries_to_monthly_archive(ws: Workspace, clock: Clock) -> None:
    from contentops.history import history

    store = Store(ws.calendar_db, journal_keep=3)
    for i in range(1, 11):  # 5 changes in October, 5 in November (UTC)
        clock.t = datetime(2026, 10, 30, 12, i, tzinfo=UTC) if i <= 5 else datetime(2026, 11, 2, 12, i, tzinfo=UTC)
        add_one(store, f"post {i}")
    assert [e["id"] for e in store.read().history()] == [8, 9, 10]
    archive = ws.calendar_dir / "history"

    def archived_ids(month: str) -> list[int]:
        return [json.loads(line)["id"] for line in (archive / f"{month}.jsonl").read_text().splitlines()]

    assert sorted(p.name for p in archive.iterdir()) == ["2026-10.jsonl", "2026-11.jsonl"]
    assert archived_ids("2026-10") == [1, 2, 3, 4, 5]
    assert archived_ids("2026-11") == [6, 7]
    first = json.loads((archive / "2026-10.jsonl").read_text().splitlines()[0])
    assert first["action"] == "post add" and first["changes"][0]["after"]["title"] == "post 1"

    assert [e["id"] for e in history(ws, limit=None)] == list(range(10, 0, -1))
    assert [e["id"] for e in history(ws, limit=5)] == [10, 9, 8, 7, 6]
    # A crash between the archive append and the main write archives entries twice: readers drop duplicates.
    oct_lines = (archive / "2026-10.jsonl").read_text().splitlines()
    nov_lines = (archive / "2026-11.jsonl").read_text().splitlines()
    with open(archive / "2026-11.jsonl", "a", encoding="utf-8") as fh:
        fh.write("\n".join([oct_lines[0], nov_lines[1], nov_lines[1]]) + "\n")
    # ...and the live journal's entries may also be in the archive already
    live = store.read().history()
    with open(archive / "2026-11.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(live[0], sort_keys=True) + "\n")
    entries = history(ws, limit=None)
    assert [e["id"] for e in entries] == list(range(10, 0, -1))
    assert [e["summary"] for e in entries] == [f"added post {i} 'post {i}'" for i in range(10, 0, -1)]


class _PowerCut(BaseException):
    pass


def _power_cut(*args: Any, **kwargs: Any) -> None:
    raise _PowerCut


def test_journal_entry_survives_a_torn_archive_append(ws: Workspace, clock: Clock, monkeypatch) -> None:
    from contentops.history import history

    store = Store(ws.calendar_db, journal_keep=2)
    add_one(store, "one")
    add_one(store, "two")
    # The third change archives entry 1, then the machine dies before the main write ...
    with monkeypatch.context() as m:
        m.setattr(store_mod, "atomic_write_bytes", _power_cut)
        with pytest.raises(_PowerCut):
            add_one(store, "three")
    month = ws.calendar_dir / "history" / f"{NOW:%Y-%m}.jsonl"
    full = month.read_bytes()
    # ... and the append reached the disk only in part (power loss / ENOSPC short write).
    month.write_bytes(full[: len(full) // 2])
    add_one(store, "three")  # archives entry 1 again
    assert [e["id"] for e in history(ws, limit=None)] == [3, 2, 1]


# -- 8. one write per command --------------------------------------------------------------------
@pytest.fixture
def count_writes(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    calls: list[Path] = []
    real = store_mod.atomic_write_bytes

    def counting(path: Path, data: bytes, **kwargs: Any) -> None:
        calls.append(Path(path))
        real(path, data, **kwargs)

    monkeypatch.setattr(store_mod, "atomic_write_bytes", counting)
    return calls


def test_a_dry_run_transaction_sees_its_changes_and_writes_nothing(ws: Workspace, count_writes: list[Path]) -> None:
    from contentops.calendar_ops import add_post

    add_post(ws, "Teaser", now=NOW)
    before = ws.calendar_db.read_bytes()
    with ws.store().transaction("post import", NOW, dry_run=True) as tx:
        new_id = tx.insert("posts", {"title": "tried", "status": "idea"})
        tx.update("posts", 1, {"status": "in-review"})
        assert tx.get("posts", new_id)["title"] == "tried" and tx.effective_changes()
    assert count_writes == [ws.calendar_db] and ws.calendar_db.read_bytes() == before


def test_one_write_per_transaction(ws: Workspace, count_writes: list[Path]) -> None:
    from contentops.calendar_ops import add_post

    store = ws.store()
    add_post(ws, "Teaser", now=NOW)
    assert count_writes == [ws.calendar_db]
    backups = len(store.backups())

    docs = [{"title": f"imported {i}", "status": "idea"} for i in range(500)]
    with store.transaction("post import") as tx:
        ids = tx.insert_many("posts", docs)
        tx.update("posts", 1, {"status": "in-review"})
        tx.insert("campaigns", {"name": "Summer"})
    assert count_writes == [ws.calendar_db] * 2
    assert ids == list(range(2, 502))
    view = store.read()
    assert view.revision == 2
    assert len(view.all("posts")) == 501
    assert len(view.history()) == 2 and len(view.history()[-1]["changes"]) == 502
    assert len(store.backups()) == backups + 1
    assert sorted(json.loads(ws.calendar_db.read_bytes())["posts"], key=int) == [str(i) for i in range(1, 502)]

    with store.transaction("post edit") as tx:  # no effective change: no write at all
        tx.update("posts", 1, {"status": "in-review"})
    assert len(count_writes) == 2 and store.read().revision == 2


# -- 9. failed writes -------------------------------------------------------------------------
class _FullDisk:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, fh) -> None:
        self.fh = fh

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def write(self, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)


def _no_space(*args: Any, **kwargs: Any) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_failed_write_changes_nothing(ws: Workspace, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    store = ws.store()
    add_one(store, "kept")
    add_one(store, "kept too")
    before = snapshot(ws.calendar_db)
    with monkeypatch.context() as m:
        if where == "write":
            real_fdopen = os.fdopen
            m.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k)))
        elif where == "fsync":
            m.setattr(os, "fsync", _no_space)
        else:
            m.setattr(os, "replace", _no_space)
        with pytest.raises(StoreError) as err:
            add_one(store, "lost")
    assert "No space left on device" in err.value.message and "nothing was changed" in err.value.message
    assert snapshot(ws.calendar_db) == before
    assert strays(ws.calendar_db) == []
    assert not store.holder_path.exists()
    # the store keeps working afterwards
    add_one(store, "after")
    assert [p["title"] for p in store.read().all("posts")] == ["kept", "kept too", "after"]
    assert store.read().revision == 3


def test_full_disk_while_archiving_the_journal(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    store = Store(ws.calendar_db, journal_keep=1)
    add_one(store, "one")
    before = snapshot(ws.calendar_db)
    real_open = builtins.open

    def open_on_full_disk(file, *args: Any, **kwargs: Any):
        if Path(file).parent == store.archive_dir:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(store_mod, "open", open_on_full_disk, raising=False)
    try:
        with pytest.raises(StoreError):
            add_one(store, "two")
    finally:
        assert snapshot(ws.calendar_db) == before


def test_failure_after_replace_is_not_reported_as_nothing_changed(ws: Workspace, monkeypatch) -> None:
    store = ws.store()
    add_one(store, "one")
    real_fsync_dir = fsutil_mod.fsync_dir

    def failing_fsync_dir(folder: Path) -> None:
        if Path(folder) == ws.calendar_dir:
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync_dir(folder)

    monkeypatch.setattr(fsutil_mod, "fsync_dir", failing_fsync_dir)
    with pytest.raises(StoreError) as err:
        add_one(store, "two")
    changed = store.read().revision == 2
    assert not (changed and "nothing was changed" in err.value.message)
