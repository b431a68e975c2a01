"""The store's reliability suite (issue 8): nothing is lost, whatever happens around a write.

1. Eight processes making 50 mixed changes each end with the calendar and metrics that the same changes
   applied one by one give; ids stay unique.
2. A model-based stateful test (hypothesis): random inserts, edits, removals, failed transactions, undos
   and restores against a plain in-memory model.
3. Two people changing one post at once: the second waits for the first and builds on its result.
4. Writers killed at random points, hundreds of times, and killed at each step of a write in turn: the
   file holds the old or the new revision, and the next command cleans up.
5. An I/O error or a full disk at each step of a write: the original stays and the failure is reported.
6. A schema upgrade interrupted at each step leaves the old file and a backup; a failing upgrade
   changes nothing; a newer file is refused (tests/test_store.py).

The lock timeout naming its holder, corrupt files and the journal archive are in tests/test_store.py.
"""

from __future__ import annotations

import copy
import errno
import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

import contentops.fsutil as fsutil_mod
import contentops.store as store_mod
from contentops import metrics
from contentops.calendar_ops import add_post, edit_post, transition
from contentops.errors import NotFoundError, SchemaError, StoreError, UsageError
from contentops.store import HISTORY, META, Store
from contentops.workspace import Workspace, find_workspace, init_workspace

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
FORK = multiprocessing.get_context("fork")


def data_tables(path: Path) -> dict[str, Any]:
    """A database file's documents, the meta record and the journal aside."""
    data = json.loads(path.read_bytes())
    return {k: v for k, v in data.items() if k not in (META, HISTORY) and v}


def strays(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


# -- 1. eight processes, fifty mixed changes each ----------------------------------------------------
WORKERS, PER_WORKER = 8, 50
NEXT_ACTION = {"draft": "submit", "in-review": "request-changes", "changes-requested": "submit"}


def _worker_ops(k: int) -> list[str]:
    rng = random.Random(k)
    return ["add", *rng.choices(["add", "edit", "status", "metrics"], weights=[3, 3, 2, 2], k=PER_WORKER - 1)]


def _apply_ops(root: str, k: int, published: int, start: Any = None) -> None:
    """Worker ``k``'s changes: posts of its own, and snapshots of its own published post."""
    ws = find_workspace(root)
    own: list[tuple[int, str]] = []  # (id, status)
    if start is not None:
        start.wait(60)
    for i, op in enumerate(_worker_ops(k)):
        now = NOW + timedelta(minutes=i + 1)
        if op == "add":
            own.append((add_post(ws, f"w{k}-{i:02d}", now=now, caption=f"by worker {k}")["id"], "draft"))
            continue
        n = i % len(own)
        pid, status = own[n]
        if op == "edit":
            edit_post(ws, pid, now=now, caption=f"worker {k}, change {i}", add_hashtags=[f"#w{k}c{i}"])
        elif op == "status":
            own[n] = (pid, transition(ws, pid, NEXT_ACTION[status], now=now)["status"])
        else:
            metrics.log_metrics(ws, published, {"views": 100 * (i + 1), "likes": i}, now=now)


def _published_workspace(root: Path) -> tuple[Workspace, list[int]]:
    ws = init_workspace(root, handle="@brand.anz")
    text = ws.config_path.read_text(encoding="utf-8").replace("lock_timeout_seconds = 10", "lock_timeout_seconds = 120")
    ws.config_path.write_text(text, encoding="utf-8")
    ws = find_workspace(root)
    ids = []
    for k in range(WORKERS):
        pid = add_post(ws, f"published {k}", now=NOW - timedelta(days=1))["id"]
        for action in ("submit", "approve"):
            transition(ws, pid, action, now=NOW - timedelta(days=1))
        url = f"https://www.tiktok.com/@brand.anz/video/73000000000000000{k:02d}"
        transition(ws, pid, "publish", now=NOW - timedelta(hours=2), url=url)
        ids.append(pid)
    return ws, ids


def _by_title(ws: Workspace) -> tuple[dict[str, Any], dict[tuple[str, str], Any]]:
    """Posts by title and snapshots by (post title, time): what must match whatever the ids are."""
    posts = json.loads(ws.calendar_db.read_bytes())["posts"]
    titles = {int(k): p["title"] for k, p in posts.items()}
    snaps = json.loads(ws.metrics_db.read_bytes())["snapshots"]
    by_post = {(titles[s["post"]], s["at"]): {k: v for k, v in s.items() if k != "post"} for s in snaps.values()}
    return {p["title"]: p for p in posts.values()}, by_post


def test_eight_processes_of_mixed_changes_equal_the_same_changes_one_by_one(tmp_path: Path) -> None:
    ws, published = _published_workspace(tmp_path / "together")
    start = FORK.Event()
    procs = [FORK.Process(target=_apply_ops, args=(str(ws.root), k, published[k], start)) for k in range(WORKERS)]
    try:
        for p in procs:
            p.start()
        start.set()  # all of them begin at the same moment
        for p in procs:
            p.join(180)
        assert [p.exitcode for p in procs] == [0] * WORKERS
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
                p.join()

    alone, _ = _published_workspace(tmp_path / "one-by-one")
    for k in range(WORKERS):
        _apply_ops(str(alone.root), k, published[k])

    together_posts, together_snaps = _by_title(ws)
    alone_posts, alone_snaps = _by_title(alone)
    assert together_snaps == alone_snaps and len(together_snaps) > WORKERS * 5
    assert together_posts.keys() == alone_posts.keys()
    for title, post in together_posts.items():
        assert {**post, "log": None} == {**alone_posts[title], "log": None}, title
        assert [e["action"] for e in post["log"]] == [e["action"] for e in alone_posts[title]["log"]]

    # no duplicate id, no gap: every change got its own id and its own journal entry
    for path, table in ((ws.calendar_db, "posts"), (ws.metrics_db, "snapshots")):
        data = json.loads(path.read_bytes())
        assert sorted(map(int, data[table])) == list(range(1, len(data[table]) + 1))
        assert data["meta"]["1"]["next_ids"][table] == len(data[table]) + 1
    changes = WORKERS * PER_WORKER + 4 * WORKERS  # the workers' and the set-up's
    calendar, metrics_ = ws.store().read(), ws.metrics_store().read()
    assert calendar.revision + metrics_.revision == changes
    archived = len(ws.store().archived_history()) + len(ws.metrics_store().archived_history())
    assert len(calendar.history()) + len(metrics_.history()) + archived == changes
    assert strays(ws.calendar_db) == strays(ws.metrics_db) == []


# -- 2. a model-based stateful test of the store -------------------------------------------------------
TABLES = st.sampled_from(["posts", "notes"])
VALUES = st.one_of(
    st.integers(-5, 5), st.text(max_size=6), st.booleans(), st.none(), st.lists(st.integers(0, 3), max_size=3)
)
DOCS = st.dictionaries(st.sampled_from(["title", "status", "n", "tags"]), VALUES, max_size=4)


class StoreAgainstModel(RuleBasedStateMachine):
    """The store must behave as a dict of tables with a stack of earlier states (for undo) and a list of
    states by revision (what each backup holds)."""

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="store-model-"))
        self.store = Store(self.dir / "calendar.json", journal_keep=10_000, backups_recent=4, backups_daily=1)
        self.model: dict[str, dict[int, dict[str, Any]]] = {"posts": {}, "notes": {}}
        self.undo_stack: list[dict[str, dict[int, dict[str, Any]]]] = []
        self.by_revision = [copy.deepcopy(self.model)]
        self.ever_used: dict[str, set[int]] = {"posts": set(), "notes": set()}

    def teardown(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def _committed(self, before: dict[str, dict[int, dict[str, Any]]]) -> None:
        if before != self.model:  # the store writes (and journals) only effective changes
            self.undo_stack.append(before)
            self.by_revision.append(copy.deepcopy(self.model))

    def _ids(self, table: str) -> list[int]:
        return sorted(self.model[table])

    @rule(table=TABLES, docs=st.lists(DOCS, min_size=1, max_size=3))
    def insert(self, table: str, docs: list[dict[str, Any]]) -> None:
        before = copy.deepcopy(self.model)
        with self.store.transaction("insert") as tx:
            ids = tx.insert_many(table, docs) if len(docs) > 1 else [tx.insert(table, docs[0])]
        for doc_id, doc in zip(ids, docs, strict=True):
            assert doc_id not in self.ever_used[table], "an id was used twice"
            self.ever_used[table].add(doc_id)
            self.model[table][doc_id] = dict(doc)
        self._committed(before)

    @precondition(lambda self: any(self.model.values()))
    @rule(data=st.data(), fields=DOCS)
    def update(self, data: st.DataObject, fields: dict[str, Any]) -> None:
        table = data.draw(st.sampled_from([t for t in self.model if self.model[t]]))
        doc_id = data.draw(st.sampled_from(self._ids(table)))
        before = copy.deepcopy(self.model)
        with self.store.transaction("update") as tx:
            tx.update(table, doc_id, fields)
        self.model[table][doc_id].update(fields)
        self._committed(before)

    @precondition(lambda self: any(self.model.values()))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        table = data.draw(st.sampled_from([t for t in self.model if self.model[t]]))
        doc_id = data.draw(st.sampled_from(self._ids(table)))
        before = copy.deepcopy(self.model)
        with self.store.transaction("remove") as tx:
            tx.remove(table, doc_id)
        del self.model[table][doc_id]
        self._committed(before)

    @rule(table=TABLES, doc=DOCS)
    def failed_transaction(self, table: str, doc: dict[str, Any]) -> None:
        with pytest.raises(UsageError), self.store.transaction("fails") as tx:
            tx.insert(table, doc)
            for doc_id in list(self.model["posts"]):
                tx.remove("posts", doc_id)
            raise UsageError("refused halfway")
        # nothing changed, and the id it took is not taken either (it was never written)

    @rule()
    def undo(self) -> None:
        if not self.undo_stack:
            with pytest.raises(NotFoundError):
                self.store.undo()
            return
        self.store.undo()
        self.model = self.undo_stack.pop()
        self.by_revision.append(copy.deepcopy(self.model))

    @precondition(lambda self: bool(self.store.backups()))
    @rule(data=st.data())
    def restore_a_backup(self, data: st.DataObject) -> None:
        backup = data.draw(st.sampled_from(self.store.backups()))
        revision = Store(backup).read().revision
        before = copy.deepcopy(self.model)
        target = copy.deepcopy(self.by_revision[revision])
        if target == self.model:
            with pytest.raises(UsageError, match="already holds"):
                self.store.restore(backup)
            return
        self.store.restore(backup)
        self.model = target
        self._committed(before)

    @invariant()
    def file_matches_model(self) -> None:
        view = self.store.read()
        for table, docs in self.model.items():
            assert {d["id"]: {k: v for k, v in d.items() if k != "id"} for d in view.all(table)} == docs
        assert view.revision == len(self.by_revision) - 1
        assert strays(self.store.path) == []


TestStoreAgainstModel = StoreAgainstModel.TestCase
TestStoreAgainstModel.settings = settings(max_examples=25, stateful_step_count=25)


# -- 3. two people changing the same post at once --------------------------------------------------------
EDITOR = r"""
import sys, time
from datetime import datetime, UTC
from contentops.store import Store

with Store(sys.argv[1], actor="alice").transaction("post edit") as tx:
    tx.update("posts", 1, {"title": "Alice's title", "caption": "Alice's caption"})
    tx.summary = "alice edits post 1"
    print("editing", flush=True)
    time.sleep(1.0)  # alice's command is still working when bob's starts
"""


def test_two_people_editing_one_post_never_overwrite_each_other(ws: Workspace) -> None:
    from cli_helpers import Cli

    add_post(ws, "Original", now=NOW)
    alice = subprocess.Popen([sys.executable, "-c", EDITOR, str(ws.calendar_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert alice.stdout is not None and alice.stdout.readline().strip() == "editing"
        t0 = time.monotonic()
        res = Cli(None).invoke(
            "--workspace", str(ws.root), "post", "edit", "1", "--title", "Bob's title", env={"CONTENTOPS_USER": "bob"}
        )
        assert res.exit_code == 0, res.output
        assert time.monotonic() - t0 > 0.3  # bob waited for alice's write
        assert alice.wait(10) == 0
    finally:
        alice.kill()
        alice.wait()
        alice.stdout.close()  # type: ignore[union-attr]
    post = ws.store().read().get("posts", 1)
    assert post is not None and post["title"] == "Bob's title"
    assert post["caption"] == "Alice's caption"  # bob's change was made on top of alice's, not over it
    journal = ws.store().read().history()
    assert [e["by"] for e in journal[-2:]] == ["alice", "bob"]
    alice_after = journal[-2]["changes"][0]["after"]
    assert journal[-1]["changes"][0]["before"] == alice_after  # the journal shows both, in order
    # and what a person looked at before changing (restore's prompt) is checked: see tests/test_backup.py


# -- 4. writers killed at random points, and at each step of a write ----------------------------------------
def _writer_loop(path: str, ready: Any) -> None:
    store = Store(Path(path), lock_timeout=30, backups_recent=3, backups_daily=2, journal_keep=5, actor="writer")
    ready.set()
    while True:
        with store.transaction("writer") as tx:
            n = tx.revision + 1
            tx.insert("posts", {"title": f"p{n}", "body": "x" * 200})
            tx.put("counters", 1, {"n": n})
            tx.summary = f"p{n}"


def _consistent_state(store: Store) -> int:
    """Assert that the file on disk is one whole revision, with its journal and backups; return it."""
    if not store.path.exists():
        return 0
    view = store.read()
    rev = view.revision
    assert sorted(p["title"] for p in view.all("posts")) == sorted(f"p{i}" for i in range(1, rev + 1))
    assert (view.get("counters", 1) or {"n": 0})["n"] == rev
    ids = {e["id"] for e in view.history()} | {e["id"] for e in store.archived_history()}
    assert sorted(ids) == list(range(1, rev + 1))  # one journal entry per revision, each once
    for b in store.backups():  # every backup is a whole earlier revision (or this one, when the
        b_rev = int(b.name.split("-r")[1][:6])  # writer died between the backup and the replace)
        assert Store(b).read().revision == b_rev <= rev
    return rev


def _after_crash(store: Store, rev: int) -> int:
    """The next command: cleans up after the dead writer, and works."""
    with store.transaction("after crash") as tx:
        tx.insert("posts", {"title": f"p{rev + 1}", "body": ""})
        tx.put("counters", 1, {"n": rev + 1})
    assert strays(store.path) == [] and not store.holder_path.exists()
    assert _consistent_state(store) == rev + 1
    return rev + 1


def test_writers_killed_at_random_points_hundreds_of_times(tmp_path: Path) -> None:
    path = tmp_path / "calendar" / "calendar.json"
    store = Store(path, backups_recent=3, backups_daily=2, journal_keep=5)
    rng = random.Random(8)
    kills, mid_write, last_rev = 300, 0, 0
    for _ in range(kills):
        ready = FORK.Event()
        proc = FORK.Process(target=_writer_loop, args=(str(path), ready))
        proc.start()
        try:
            assert ready.wait(10)
            time.sleep(rng.uniform(0, 0.03))
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.join(10)
        assert proc.exitcode == -signal.SIGKILL
        mid_write += bool(strays(path))
        rev = _consistent_state(store)
        assert rev >= last_rev, "a revision was lost"
        last_rev = _after_crash(store, rev)
    assert mid_write >= 10, f"only {mid_write} of {kills} kills landed inside a write"


class _CountedFile:
    """The temp file of a write, whose ``write`` counts as a step."""

    def __init__(self, fh: Any, step: Callable[..., Any]) -> None:
        self.fh, self.step = fh, step

    def __enter__(self) -> _CountedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.fh.close()

    def write(self, data: bytes) -> int:
        return self.step(self.fh, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)


_IO_STEPS = [
    (tempfile, "mkstemp"),
    (os, "fsync"),
    (os, "chmod"),
    (os, "link"),
    (shutil, "copy2"),
    (os, "replace"),
    (fsutil_mod, "fsync_dir"),
    (store_mod, "fsync_dir"),
]


@contextmanager
def _at_step(n: int, effect: Callable[[], None]) -> Iterator[list[str]]:
    """Count the file-system calls of a write; on the ``n``-th, run ``effect`` (crash or fail)."""
    seen: list[str] = []
    saved = [(mod, name, getattr(mod, name)) for mod, name in [*_IO_STEPS, (os, "fdopen")]]

    def wrap(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            seen.append(name)
            if len(seen) == n:
                effect()
            return real(*args, **kwargs)

        return step

    for mod, name, real in saved[:-1]:
        setattr(mod, name, wrap(name, real))
    real_fdopen = saved[-1][2]
    os.fdopen = lambda *a, **k: _CountedFile(real_fdopen(*a, **k), wrap("write", lambda f, d: f.write(d)))
    store_mod.open = wrap("archive append", open)  # type: ignore[attr-defined]  # the journal archive
    try:
        yield seen
    finally:
        for mod, name, real in saved:
            setattr(mod, name, real)
        del store_mod.open  # type: ignore[attr-defined]


def _store_with_history(path: Path) -> Store:
    store = Store(path, backups_recent=2, backups_daily=1, journal_keep=2)
    for i in range(1, 4):
        with store.transaction("setup") as tx:
            tx.insert("posts", {"title": f"p{i}", "body": ""})
            tx.put("counters", 1, {"n": i})
    return store


def _one_change(store: Store) -> None:
    with store.transaction("change") as tx:
        tx.insert("posts", {"title": "p4", "body": ""})
        tx.put("counters", 1, {"n": 4})


def _killed_at_step(n: int, store: Store) -> None:
    """In a child process: make one change and die at its ``n``-th file-system step."""
    with _at_step(n, lambda: os._exit(99)):
        _one_change(store)
    os._exit(0)


def _steps_of_one_write(tmp_path: Path) -> list[str]:
    store = _store_with_history(tmp_path / "count" / "calendar.json")
    with _at_step(0, lambda: None) as seen:
        _one_change(store)
    return list(seen)


def test_killed_at_each_step_of_a_write(tmp_path: Path) -> None:
    steps = _steps_of_one_write(tmp_path)
    assert {"mkstemp", "write", "fsync", "link", "replace", "fsync_dir"} <= set(steps)
    for n in range(1, len(steps) + 1):
        path = tmp_path / f"kill-{n}" / "calendar.json"
        store = _store_with_history(path)
        old = path.read_bytes()
        proc = FORK.Process(target=_killed_at_step, args=(n, store))
        proc.start()
        proc.join(10)
        assert proc.exitcode == 99, f"step {n} ({steps[n - 1]}) was not reached"
        rev = _consistent_state(store)
        assert rev in (3, 4), steps[n - 1]
        if rev == 3:
            assert path.read_bytes() == old
        _after_crash(store, rev)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["disk-full", "io-error"])
def test_an_error_at_each_step_of_a_write_keeps_the_original(tmp_path: Path, code: int) -> None:
    steps = _steps_of_one_write(tmp_path)
    for n in range(1, len(steps) + 1):
        path = tmp_path / f"{code}-{n}" / "calendar.json"
        store = _store_with_history(path)
        old = path.read_bytes()

        def fail() -> None:
            raise OSError(code, os.strerror(code))

        with _at_step(n, fail):
            try:
                _one_change(store)
                failed: StoreError | None = None
            except StoreError as exc:
                failed = exc
        rev = _consistent_state(store)
        where = f"step {n} ({steps[n - 1]})"
        if rev == 3:  # not written: said so, and the file is the original, byte for byte
            assert failed is not None and "nothing was changed" in failed.message, where
            assert os.strerror(code) in failed.message, where
            assert path.read_bytes() == old, where
        else:  # written; only syncing the folder or rotating backups failed afterwards
            assert failed is None or "could not confirm" in failed.message, where
        assert strays(path) == [] and not store.holder_path.exists(), where
        _after_crash(store, rev)


# -- 6. schema upgrades --------------------------------------------------------------------------------
def _to_schema_2(data: dict[str, Any]) -> dict[str, Any]:
    """A test migration: posts' ``title`` becomes ``name`` (in the journal's documents too)."""
    for doc in data.get("posts", {}).values():
        doc["name"] = doc.pop("title")
    for entry in data.get(HISTORY, {}).values():
        for change in entry["changes"]:
            for side in ("before", "after"):
                if change["table"] == "posts" and change[side]:
                    change[side]["name"] = change[side].pop("title")
    return data


@pytest.fixture
def schema_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {1: _to_schema_2})


def _schema_1_file(path: Path) -> bytes:
    """A file as contentops of schema 1 wrote it (whatever the test made SCHEMA_VERSION)."""
    current, store_mod.SCHEMA_VERSION = store_mod.SCHEMA_VERSION, 1
    try:
        store = Store(path, backups_recent=2, backups_daily=1)
        for title in ("Bondi sunrise", "Lineup drop"):
            with store.transaction("post add") as tx:
                tx.insert("posts", {"title": title})
    finally:
        store_mod.SCHEMA_VERSION = current
    return path.read_bytes()


def test_upgrade_keeps_a_backup_first_and_is_one_journalled_write(tmp_path: Path, schema_2: None) -> None:
    path = tmp_path / "calendar.json"
    old = _schema_1_file(path)
    store = Store(path)
    assert [p["name"] for p in store.read().all("posts")] == ["Bondi sunrise", "Lineup drop"]  # in memory
    assert path.read_bytes() == old  # readers do not write
    with store.transaction("post add") as tx:
        tx.insert("posts", {"name": "After the upgrade"})
    data = json.loads(path.read_bytes())
    assert data["meta"]["1"]["schema_version"] == 2
    assert [p["name"] for p in data["posts"].values()] == ["Bondi sunrise", "Lineup drop", "After the upgrade"]
    journal = store.read().history()
    assert [e["action"] for e in journal] == ["post add", "post add", "upgrade", "post add"]
    kept = store.backup_dir / journal[2]["kept_as"]
    assert kept.read_bytes() == old
    # undo passes over the upgrade: the second undo takes back 'Lineup drop', whose journal entry the
    # migration upgraded too
    store.undo()
    store.undo()
    assert [p["name"] for p in store.read().all("posts")] == ["Bondi sunrise"]


def test_upgrade_interrupted_at_each_step_leaves_the_old_file_and_a_backup(tmp_path: Path, schema_2: None) -> None:
    counted = tmp_path / "count" / "calendar.json"
    _schema_1_file(counted)
    with _at_step(0, lambda: None) as seen:
        _one_change(Store(counted))
    steps = list(seen)
    for n in range(1, len(steps) + 1):
        path = tmp_path / f"kill-{n}" / "calendar.json"
        old = _schema_1_file(path)
        store = Store(path)
        proc = FORK.Process(target=_killed_at_step, args=(n, store))
        proc.start()
        proc.join(10)
        assert proc.exitcode == 99
        version = json.loads(path.read_bytes())["meta"]["1"]["schema_version"]
        if version == 1:
            assert path.read_bytes() == old, steps[n - 1]
        kept = [b for b in store.backups() if b.read_bytes() == old]
        assert kept or version == 1, f"upgraded without a backup of the old file (step {n})"
        with store.transaction("post add") as tx:  # the next command finishes the upgrade
            tx.insert("posts", {"name": "next"})
        assert json.loads(path.read_bytes())["meta"]["1"]["schema_version"] == 2
        assert any(b.read_bytes() == old for b in store.backups())
        assert strays(path) == []


def test_a_failing_upgrade_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "calendar.json"
    old = _schema_1_file(path)

    def broken(data: dict[str, Any]) -> dict[str, Any]:
        data["posts"]["1"]["name"] = data["posts"]["1"].pop("title")
        raise KeyError("title")  # halfway through

    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 2)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {1: broken})
    store = Store(path)
    for attempt in (store.read, lambda: _one_change(store)):
        with pytest.raises(StoreError, match=r"could not upgrade .* from schema 1 to 2") as err:
            attempt()
        assert "left untouched" in (err.value.hint or "")
    assert path.read_bytes() == old and strays(path) == []


def test_an_older_contentops_refuses_a_newer_file(
    tmp_path: Path, schema_2: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written by 'schema 2', read by this contentops pretending to be the older one."""
    path = tmp_path / "calendar.json"
    _schema_1_file(path)
    _one_change(Store(path))  # now schema 2
    newer = path.read_bytes()
    monkeypatch.setattr(store_mod, "SCHEMA_VERSION", 1)

    with pytest.raises(SchemaError, match=r"newer contentops \(schema 2; this one knows 1\)"):
        _one_change(Store(path))
    assert path.read_bytes() == newer
