"""The metrics model and ``metrics log`` (contentops.metrics): snapshots of published posts, validation,
counts that only grow, unknown values, the separate metrics.json, and history/undo across both journals."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from cli_helpers import Cli, snapshot
from metrics_fixtures import planned_post

from contentops.calendar_ops import POSTS, add_post
from contentops.metrics import SNAPSHOTS, engagement, gain, latest, rate, snapshots_by_post, value_at
from contentops.workspace import Workspace

CREATED = datetime(2026, 11, 15, 0, 0, tzinfo=UTC)
CLI = Cli("2026-11-22T09:00:00+11:00", require_hint=True)


def published(ws: Workspace) -> int:
    """A post planned for Fri 20 Nov 18:00 Sydney and published five minutes later."""
    return planned_post(ws, "Festival recap", "2026-11-20 18:00", created=CREATED, went_out="2026-11-20T18:05:00+11:00",
                        video="clips/a.mp4")  # fmt: skip


def snaps(ws: Workspace) -> list[dict]:
    return ws.metrics_store().read().all(SNAPSHOTS)


def test_log_keeps_a_snapshot_in_metrics_json_and_leaves_the_calendar_alone(ws: Workspace) -> None:
    pid = published(ws)
    calendar = snapshot(ws)
    data = CLI.run_json(ws, "metrics", "log", str(pid), "--views", "15200", "--likes", "1300", "--comments", "41",
                        "--shares", "88", "--saves", "120", "--watch-time", "9.4", "--full-watch", "31.5",
                        "--reach", "12100", "--followers", "35")  # fmt: skip
    assert data == {
        "id": 1, "post": pid, "at": "2026-11-22T09:00:00+11:00", "views": 15200, "likes": 1300, "comments": 41,
        "shares": 88, "saves": 120, "reach": 12100, "followers": 35, "watch_time": 9.4, "full_watch": 31.5,
        "source": "log",
    }  # fmt: skip
    assert snapshot(ws) == calendar and ws.metrics_db.is_file()
    stored = snaps(ws)
    assert len(stored) == 1 and stored[0]["at"] == "2026-11-21T22:00:00Z" and stored[0]["key"]


def test_figures_left_out_stay_unknown(ws: Workspace) -> None:
    pid = published(ws)
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "100")
    (doc,) = snaps(ws)
    assert doc["views"] == 100 and doc["likes"] is None and doc["watch_time"] is None


@pytest.mark.parametrize(
    ("args", "code", "needle"),
    [
        (["--views", "-5"], 2, "--views: -5 is not a count"),
        (["--full-watch", "101"], 2, "--full-watch: 101 is out of range"),
        (["--watch-time", "-1"], 2, "--watch-time: -1 is out of range"),
        ([], 2, "no figures given"),
        (["--views", "10", "--at", "tomorrow 9am"], 2, "is in the future"),
        (["--views", "10", "--at", "2026-11-19 09:00"], 2, "before post 1 went out"),
        (["--views", "10", "--at", "someday"], 2, "someday"),
    ],
)
def test_bad_figures_are_refused_and_nothing_is_written(ws: Workspace, args: list[str], code: int, needle: str) -> None:
    pid = published(ws)
    CLI.assert_error(CLI.run(ws, "metrics", "log", str(pid), *args), code, needle)
    assert not ws.metrics_db.exists()


def test_only_published_posts_take_metrics(ws: Workspace) -> None:
    draft = add_post(ws, "Draft", now=CREATED)["id"]
    CLI.assert_error(CLI.run(ws, "metrics", "log", str(draft), "--views", "1"), 4, "only published posts")
    CLI.assert_error(CLI.run(ws, "metrics", "log", "99", "--views", "1"), 1, "no post with id 99")
    assert not ws.metrics_db.exists()


def test_counts_only_grow_unless_forced(ws: Workspace) -> None:
    pid = published(ws)
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "1000", "--likes", "50", "--at", "2026-11-21 09:00")
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "2000")
    before = ws.metrics_db.read_bytes()
    result = CLI.run(ws, "metrics", "log", str(pid), "--views", "1500")  # lower than the 2000 at the same time
    CLI.assert_error(result, 3, "--views 1500 is lower than 2000", "--force")
    result = CLI.run(ws, "metrics", "log", str(pid), "--views", "2500", "--at", "2026-11-21 12:00")
    CLI.assert_error(result, 3, "--views 2500 is higher than 2000 logged later")
    CLI.assert_error(CLI.run(ws, "metrics", "log", str(pid), "--likes", "40"), 3, "--likes 40 is lower than 50")
    assert ws.metrics_db.read_bytes() == before
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "1900", "--force")
    assert sorted(s["views"] for s in snaps(ws)) == [1000, 1900, 2000]


def test_current_figures_and_gains_come_from_snapshots() -> None:
    docs = [
        {"post": 1, "at": "2026-11-21T00:00:00Z", "views": 100, "likes": None},
        {"post": 1, "at": "2026-11-23T00:00:00Z", "views": 400, "likes": 30},
        {"post": 2, "at": "2026-11-22T00:00:00Z", "views": 7, "likes": 1},
        {"post": 1, "at": "2026-11-22T00:00:00Z", "views": 250, "likes": 10},
    ]
    by_post = snapshots_by_post(docs)
    assert [s["views"] for s in by_post[1]] == [100, 250, 400]
    assert latest(by_post[1])["views"] == 400 and latest(by_post[1], "2026-11-22T12:00:00Z")["views"] == 250
    assert latest(by_post[1], "2026-11-20T00:00:00Z") is None
    assert value_at(by_post[1], "likes", "2026-11-21T12:00:00Z") is None  # unknown, not 0
    assert gain(by_post[1], "views", "2026-11-22T00:00:00Z", "2026-11-24T00:00:00Z") == 300
    assert gain(by_post[1], "views", "2026-11-01T00:00:00Z", "2026-11-21T12:00:00Z") == 100  # from nothing
    assert gain(by_post[1], "likes", "2026-11-01T00:00:00Z", "2026-11-21T12:00:00Z") is None
    assert engagement({"likes": 10, "comments": None, "shares": 2, "saves": 3}) == 15
    assert engagement({"views": 5}) is None
    assert rate(15, 300) == 5.0 and rate(15, 0) is None and rate(None, 10) is None


def test_history_and_undo_cover_both_journals(ws: Workspace) -> None:
    pid = published(ws)
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "100")
    CLI.at("2026-11-22T09:05:00+11:00").ok(ws, "post", "add", "Later idea", "--idea")
    history = json.loads(CLI.ok(ws, "history", "--json").stdout)
    assert [(e["store"], e["action"]) for e in history[:2]] == [("calendar", "post add"), ("metrics", "metrics log")]
    table = CLI.ok(ws, "history").stdout
    assert "m1" in table and "metrics log: post 1" in table
    undo = CLI.at("2026-11-22T09:10:00+11:00")
    assert "added post 2 'Later idea'" in undo.ok(ws, "undo").stdout  # the newest change first
    assert "Undid #m1: metrics log" in undo.ok(ws, "undo").stdout
    assert snaps(ws) == [] and ws.store().read().get(POSTS, pid)["status"] == "published"


def test_metrics_json_keeps_one_document_per_line(ws: Workspace) -> None:
    pid = published(ws)
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "100", "--at", "2026-11-21 09:00")
    CLI.ok(ws, "metrics", "log", str(pid), "--views", "250", "--likes", "7")
    text = ws.metrics_db.read_text(encoding="utf-8")
    lines = text.splitlines()
    snapshot_lines = [line for line in lines if line.startswith(('"1": {"at"', '"2": {"at"'))]
    assert len(snapshot_lines) == 2 and '"views": 250' in snapshot_lines[1]  # one line each, keys sorted
    assert json.loads(text)["snapshots"]["2"]["likes"] == 7 and text.endswith("}\n")
    assert ws.calendar_db.read_text(encoding="utf-8").startswith("{\n  ")  # the calendar stays indented
