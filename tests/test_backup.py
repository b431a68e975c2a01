"""``backup list`` and ``restore``: backups of both stores, the diff shown first, a restore that is one
journalled, undoable change, a broken file set aside (never deleted), and no restore over changes made
after the user looked."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_helpers import Cli
from metrics_fixtures import planned_post, t

from contentops import metrics
from contentops.backup import find_backup, list_backups, plan_restore, restore
from contentops.calendar_ops import add_post, edit_post
from contentops.errors import ConflictError, CorruptStoreError, NotFoundError
from contentops.history import undo
from contentops.store import HISTORY, META
from contentops.workspace import Workspace

NOW = t("2026-11-20T09:00:00+11:00")
CLI = Cli("2026-11-20T09:00:00+11:00", require_hint=True)
run, ok, run_json = CLI.run, CLI.ok, CLI.run_json


def tables(path: Path) -> dict:
    """The data of a database file, the meta record and the journal aside."""
    data = json.loads(path.read_bytes())
    return {k: v for k, v in data.items() if k not in (META, HISTORY) and v}


@pytest.fixture
def three(ws: Workspace) -> Workspace:
    """Revision 1: post 1; revision 2: posts 1, 2; revision 3: post 1 retitled."""
    add_post(ws, "Bondi sunrise", now=NOW)
    add_post(ws, "Lineup drop", now=NOW)
    edit_post(ws, 1, now=NOW, title="Bondi at dawn")
    return ws


def test_backup_list_names_each_backup_and_the_change_after_it(three: Workspace) -> None:
    found = run_json(three, "backup", "list")
    assert [(b["ref"], b["store"], b["revision"]) for b in found] == [("2", "calendar", 2), ("1", "calendar", 1)]
    assert found[0]["followed_by"]["summary"].startswith("edited post 1")
    assert found[1]["followed_by"]["summary"] == "added post 2 'Lineup drop'"
    assert all(Path(three.calendar_dir / "backups" / b["file"]).stat().st_size == b["size"] for b in found)
    table = ok(three, "backup", "list").stdout
    assert "calendar.json" in table and "added post 2 'Lineup drop'" in table


def test_dry_run_shows_the_differences_and_changes_nothing(three: Workspace) -> None:
    before = three.calendar_db.read_bytes()
    plan = run_json(three, "restore", "1", "--dry-run")
    posts = next(d for d in plan["tables"] if d["table"] == "posts")
    assert posts["removed"] == [{"id": 2, "label": "Lineup drop"}]
    assert posts["changed"] == [{"id": 1, "label": "Bondi at dawn", "fields": ["log", "title"]}]
    assert plan["current_revision"] == 3 and plan["restored"] is None
    text = ok(three, "restore", "1", "--dry-run").stdout
    assert "goes away post 2 'Lineup drop'" in text and "changes post 1" in text and "nothing was changed" in text
    assert three.calendar_db.read_bytes() == before


def test_restore_is_one_journalled_change_that_undo_takes_back(three: Workspace) -> None:
    backup = find_backup(three, "1").path
    before = tables(three.calendar_db)
    out = ok(three, "restore", "1", "--yes").stdout
    assert "goes away post 2" in out and "'contentops undo' takes it back" in out
    assert tables(three.calendar_db) == tables(backup)  # the data are the backup's
    entry = run_json(three, "history")[0]
    assert entry["action"] == "restore" and "to revision 1 (backup 1 of " in entry["summary"]
    # ids are never reused: the next post is 3, not 2 again
    assert add_post(three, "After the restore", now=NOW)["id"] == 3
    undo(three, now=NOW)  # the new post
    undo(three, now=NOW)  # the restore
    assert tables(three.calendar_db) == before


def test_restore_over_a_later_change_is_refused(three: Workspace) -> None:
    plan = plan_restore(three, "1")
    edit_post(three, 2, now=NOW, title="Changed meanwhile")  # someone else, while the diff was on screen
    before = three.calendar_db.read_bytes()
    with pytest.raises(ConflictError, match="changed since you read it") as err:
        restore(three, plan, NOW)
    assert "edited post 2" in err.value.message
    assert three.calendar_db.read_bytes() == before


def test_a_backup_rotated_away_after_the_plan_is_not_taken_for_an_empty_one(three: Workspace) -> None:
    plan = plan_restore(three, "1")
    plan.backup.path.unlink()  # another command's rotation removed it while the diff was on screen
    before = three.calendar_db.read_bytes()
    with pytest.raises(NotFoundError, match="does not exist"):
        restore(three, plan, NOW)
    assert three.calendar_db.read_bytes() == before


def test_a_broken_file_is_set_aside_and_the_backup_takes_its_place(three: Workspace) -> None:
    newest = find_backup(three, None).path
    broken = b'{"meta": {"1": {"schema_version": 1, "rev'
    three.calendar_db.write_bytes(broken)
    res = run(three, "post", "list")
    CLI.assert_error(res, 1, "is not valid JSON", f"contentops restore {newest.name}")

    plan = run_json(three, "restore", "--dry-run")
    assert plan["current_broken"] and plan["backup"]["revision"] == 2
    out = ok(three, "restore", newest.name, "--yes").stdout
    assert "is kept as" in out
    assert tables(three.calendar_db) == tables(newest)
    kept = [p for p in (three.calendar_dir / "backups").iterdir() if "-broken-" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == broken
    # the backup's own journal came with it, and the restore is its newest entry, not undoable
    journal = run_json(three, "history")
    assert [e["id"] for e in journal] == [3, 2, 1] and journal[0]["summary"].endswith("over a broken calendar.json")
    CLI.assert_error(run(three, "undo"), 4, "cannot be undone", kept[0].name)
    assert [p["title"] for p in run_json(three, "post", "list")] == ["Bondi sunrise", "Lineup drop"]


def test_metrics_backups_restore_separately(ws: Workspace) -> None:
    pid = planned_post(ws, "Out", "2026-11-18 18:00", created=t("2026-11-17T09:00:00+11:00"),
                       went_out="2026-11-18T18:00:00+11:00")  # fmt: skip
    for views in (100, 250):
        metrics.log_metrics(ws, pid, {"views": views}, now=NOW)
    calendar_before = ws.calendar_db.read_bytes()
    refs = [b.ref for b in list_backups(ws) if b.store == "metrics"]
    assert refs == ["m1"]
    out = ok(ws, "restore", "--metrics", "--yes").stdout
    assert "metrics.json" in out
    snaps = json.loads(ws.metrics_db.read_bytes())["snapshots"]
    assert [s["views"] for s in snaps.values()] == [100]
    assert ws.calendar_db.read_bytes() == calendar_before
    assert run_json(ws, "history")[0]["store"] == "metrics"


def test_refusals(three: Workspace, tmp_path: Path) -> None:
    before = three.calendar_db.read_bytes()
    CLI.assert_error(run(three, "restore", "41"), 1, "no backup of calendar.json at revision 41")
    CLI.assert_error(run(three, "restore", "m1"), 1, "no backup of metrics.json")
    CLI.assert_error(run(three, "restore", "calendar-r000009-x.json"), 1, "no backup named")
    with pytest.raises(NotFoundError, match=r"no backup of metrics\.json yet"):
        find_backup(three, None, metrics=True)
    # a backup that is itself broken is refused before anything changes
    find_backup(three, "1").path.write_text("{")
    with pytest.raises(CorruptStoreError):
        plan_restore(three, "1")
    CLI.assert_error(run(three, "restore", "1", "--yes"), 1, "is not valid JSON")
    # restoring what is already there is refused (a dry run just says so)
    ok(three, "restore", "2", "--yes")
    after = three.calendar_db.read_bytes()
    assert "No differences." in ok(three, "restore", "2", "--dry-run").stdout
    CLI.assert_error(run(three, "restore", "2", "--yes"), 2, "already holds what backup 2 holds")
    assert three.calendar_db.read_bytes() == after != before


def _in_a_terminal(ws: Workspace, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    """``contentops ARGS`` with a pseudo-terminal as its stdin and stdout (so it asks before restoring)."""
    parent, child = pty.openpty()
    env = {**os.environ, "CONTENTOPS_NOW": CLI.now or "", "COLUMNS": "120"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "contentops", "--workspace", str(ws.root), *args],
        stdin=child, stdout=child, stderr=child, env=env,
    )  # fmt: skip
    os.close(child)
    return proc, parent


def _read_until(fd: int, needle: bytes, timeout: float = 20) -> bytes:
    seen, end = b"", time.monotonic() + timeout
    while needle not in seen:
        assert time.monotonic() < end, seen.decode(errors="replace")
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096)
            except OSError:  # the other side closed
                break
    return seen


@pytest.mark.parametrize("meanwhile", [False, True], ids=["declined", "changed-meanwhile"])
def test_the_prompt_in_a_terminal(three: Workspace, meanwhile: bool) -> None:
    proc, fd = _in_a_terminal(three, "restore", "1")
    try:
        shown = _read_until(fd, b"[y/N]")
        assert b"goes away post 2 'Lineup drop'" in shown
        if meanwhile:  # a teammate changes the calendar while the diff is on screen
            edit_post(three, 2, now=NOW, title="Changed meanwhile")
        before = three.calendar_db.read_bytes()
        os.write(fd, b"y\n" if meanwhile else b"n\n")
        rest = _read_until(fd, b"changed since you read it" if meanwhile else b"Aborted")
        assert proc.wait(20) == (4 if meanwhile else 1), rest
        assert b"Traceback" not in rest
    finally:
        proc.kill()
        os.close(fd)
    assert three.calendar_db.read_bytes() == before
