"""Posting slots: expansion across daylight-saving changes, and ``slot fill``.

The clock is pinned (``CONTENTOPS_NOW``, or ``now=`` for library calls) to Wednesday 18 November
2026, 09:00 in Sydney, unless a test needs a day near a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from cli_helpers import Cli

from contentops.errors import ConflictError, UsageError
from contentops.slots import add_slot, fill_slots, parse_days, parse_slot_time, slot_occurrences
from contentops.workspace import Workspace, init_workspace

NOW = "2026-11-18T09:00:00+11:00"  # Wednesday, AEDT
CLI = Cli(NOW, require_hint=True)
ok, run_json, refused = CLI.ok, CLI.run_json, CLI.refused


def post(ws: Workspace, title: str, *args: str, status: str = "approved", now: str = NOW) -> int:
    """A post that reaches ``status`` (approved by default) at ``now``."""
    cli = CLI.at(now)
    pid = cli.add(ws, title, *args)
    steps = {"draft": [], "approved": ["submit", "approve"], "cancelled": ["cancel"]}[status]
    for action in steps:
        cli.ok(ws, "post", action, str(pid))
    return pid


def at_of(ws: Workspace, pid: int) -> str | None:
    return run_json(ws, "post", "show", str(pid))["at"]


def history_len(ws: Workspace) -> int:
    return len(run_json(ws, "history", "--limit", "1000"))


# -- expansion across daylight saving -------------------------------------------------------
@pytest.mark.parametrize(
    ("zone", "change", "before", "after"),
    [
        ("Australia/Sydney", date(2026, 10, 4), "+10:00", "+11:00"),
        ("Australia/Sydney", date(2027, 4, 4), "+11:00", "+10:00"),
        ("Pacific/Auckland", date(2026, 9, 27), "+12:00", "+13:00"),
        ("Pacific/Auckland", date(2027, 4, 4), "+13:00", "+12:00"),
    ],
)
def test_slot_keeps_wall_clock_time_across_daylight_saving(zone: str, change: date, before: str, after: str) -> None:
    slot = {"id": 1, "days": ["sat", "sun", "mon"], "time": "18:00"}
    start = datetime(change.year, change.month, change.day, tzinfo=UTC) - timedelta(days=3)
    found = slot_occurrences(slot, zone, start, start + timedelta(days=6))
    assert [o.date() for o in found] == [change - timedelta(days=1), change, change + timedelta(days=1)]
    assert [o.strftime("%H:%M") for o in found] == ["18:00"] * 3
    assert [o.isoformat()[-6:] for o in found] == [before, after, after]
    utc_hours = {o.astimezone(UTC).hour for o in found}
    assert len(utc_hours) == 2  # the same local time is a different UTC time after the change


@pytest.mark.parametrize(
    ("zone", "start_day"), [("Australia/Sydney", date(2026, 10, 4)), ("Pacific/Auckland", date(2026, 9, 27))]
)
def test_time_skipped_by_daylight_saving_is_skipped_that_day_not_shifted(zone: str, start_day: date) -> None:
    slot = {"id": 1, "days": ["sun"], "time": "02:30"}
    lo = datetime(2026, 9, 1, tzinfo=UTC)
    found = slot_occurrences(slot, zone, lo, lo + timedelta(days=60))
    days = [o.date() for o in found]
    assert start_day not in days
    assert start_day - timedelta(days=7) in days and start_day + timedelta(days=7) in days
    assert all(o.strftime("%H:%M") == "02:30" for o in found)


def test_time_repeated_when_daylight_saving_ends_is_used_once() -> None:
    slot = {"id": 1, "days": ["sun"], "time": "02:30"}
    lo = datetime(2027, 4, 1, tzinfo=UTC)
    found = slot_occurrences(slot, "Australia/Sydney", lo, lo + timedelta(days=7))
    assert [o.isoformat() for o in found] == ["2027-04-04T02:30:00+11:00"]


def test_auckland_workspace_lists_and_fills_across_its_change(tmp_path) -> None:
    ws = init_workspace(tmp_path / "nz", handle="@brand.nz", zone="Pacific/Auckland")
    now = "2026-09-25T12:00:00+12:00"  # Friday before daylight saving starts in New Zealand
    kiwi = CLI.at(now)
    kiwi.ok(ws, "slot", "add", "--days", "sat,sun,mon", "--time", "18:00")
    (listed,) = kiwi.run_json(ws, "slot", "list", "--next", "3")
    expected = ["2026-09-26T18:00:00+12:00", "2026-09-27T18:00:00+13:00", "2026-09-28T18:00:00+13:00"]
    assert listed["next"] == expected and listed["zone"] == "Pacific/Auckland"
    pids = [post(ws, f"Kiwi {i}", now=now) for i in range(3)]
    kiwi.ok(ws, "slot", "fill")
    for pid, when in zip(pids, expected, strict=True):
        shown = kiwi.run_json(ws, "post", "show", str(pid))
        assert (shown["at"], shown["tz"]) == (when, "Pacific/Auckland")


# -- validation -------------------------------------------------------------------------------
def test_days_and_time_are_normalised() -> None:
    assert parse_days("Fri, monday,wed") == ["mon", "wed", "fri"]
    assert parse_days("weekends") == ["sat", "sun"]
    assert parse_days(["weekdays", "sun"]) == ["mon", "tue", "wed", "thu", "fri", "sun"]
    assert parse_slot_time("6pm") == "18:00" and parse_slot_time("7:05") == "07:05"
    for bad in ("", "funday", ","):
        with pytest.raises(UsageError):
            parse_days(bad)
    for bad in ("24:00", "18", "6:75pm", "soon"):
        with pytest.raises(UsageError):
            parse_slot_time(bad)


def test_cli_refuses_bad_slots_and_unknown_ids(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "mon,wed,fri", "--time", "18:00")
    refused(ws, 2, "slot", "add", "--days", "mon,funday", "--time", "18:00", needles=("'funday'",))
    refused(ws, 2, "slot", "add", "--days", "mon", "--time", "25:00", needles=("'25:00'",))
    refused(ws, 2, "slot", "add", "--days", "mon", "--time", "18:00", "--pillar", "memes", needles=("pillar",))
    refused(ws, 4, "slot", "add", "--days", "fri,sat", "--time", "6pm", needles=("slot 1",))
    refused(ws, 1, "slot", "rm", "7", needles=("no slot with id 7",))
    refused(ws, 2, "slot", "rm", "seven")
    refused(ws, 2, "slot", "fill", "--status", "published")
    refused(ws, 2, "slot", "fill", "--status", "someday")
    refused(ws, 2, "slot", "fill", "--to", "2026-11-10")


def test_add_list_rm_and_undo(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "weekdays", "--time", "7:30am")
    ok(ws, "slot", "add", "-d", "sat", "--time", "11:00", "-p", "trend")
    slots = run_json(ws, "slot", "list")
    assert [(s["id"], s["days"], s["time"], s["pillar"]) for s in slots] == [
        (1, ["mon", "tue", "wed", "thu", "fri"], "07:30", None),
        (2, ["sat"], "11:00", "trend"),
    ]
    assert slots[0]["next"] == ["2026-11-19T07:30:00+11:00", "2026-11-20T07:30:00+11:00", "2026-11-23T07:30:00+11:00"]
    assert "Removed slot 1" in ok(ws, "slot", "rm", "1").stdout
    assert [s["id"] for s in run_json(ws, "slot", "list")] == [2]
    ok(ws, "undo")
    assert [s["id"] for s in run_json(ws, "slot", "list")] == [1, 2]


# -- fill -------------------------------------------------------------------------------------
def test_fill_skips_taken_times_and_never_double_books(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "mon,wed,fri", "--time", "18:00")
    busy = post(ws, "Already there", "--at", "2026-11-18 18:00", status="draft")
    post(ws, "Cancelled one", "--at", "2026-11-20 18:00", status="cancelled")  # does not hold its time
    # Approved at different times: the oldest approval goes first, whatever the id.
    pids = [post(ws, f"Approved {i}", now=f"2026-11-18T0{8 - i}:00:00+11:00") for i in range(5)]
    plan = run_json(ws, "slot", "fill", "--to", "2026-11-27")
    assert [f["id"] for f in plan["filled"]] == pids[::-1][:4]
    assert [f["at"] for f in plan["filled"]] == [
        "2026-11-20T18:00:00+11:00",
        "2026-11-23T18:00:00+11:00",
        "2026-11-25T18:00:00+11:00",
        "2026-11-27T18:00:00+11:00",
    ]
    assert [(u["id"], u["reason"]) for u in plan["unfilled"]] == [(pids[0], "no free slot left in the window")]
    assert at_of(ws, busy) == "2026-11-18T18:00:00+11:00"
    times = [at_of(ws, p) for p in pids]
    assert times[0] is None and len(set(times[1:])) == 4
    # A second run finds the free times taken, and the one left over has none in the window.
    again = run_json(ws, "slot", "fill", "--to", "2026-11-27")
    assert again["filled"] == [] and [u["id"] for u in again["unfilled"]] == [pids[0]]
    text = ok(ws, "slot", "fill", "--to", "2026-11-27").stdout
    assert "left without a slot" in text and "--to" in text


def test_fill_only_uses_future_times(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "wed", "--time", "08:00")
    pid = post(ws, "Late")
    ok(ws, "slot", "fill")
    assert at_of(ws, pid) == "2026-11-25T08:00:00+11:00"  # not 08:00 today, an hour ago


def test_pillar_slots_take_only_their_pillar(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "sat", "--time", "11:00", "--pillar", "trend")
    ok(ws, "slot", "add", "--days", "mon", "--time", "18:00")
    edu = post(ws, "Explainer", "--pillar", "educational", now="2026-11-18T06:00:00+11:00")
    plain = post(ws, "No pillar", now="2026-11-18T07:00:00+11:00")
    trend = post(ws, "Dance trend", "--pillar", "trend", now="2026-11-18T08:00:00+11:00")
    plan = run_json(ws, "slot", "fill", "--to", "2026-11-30")
    assert {f["id"]: (f["slot"], f["at"]) for f in plan["filled"]} == {
        edu: (2, "2026-11-23T18:00:00+11:00"),
        plain: (2, "2026-11-30T18:00:00+11:00"),
        trend: (1, "2026-11-21T11:00:00+11:00"),  # approved last, but the only one the trend slot takes
    }
    ok(ws, "slot", "rm", "2")
    other = post(ws, "Creator duet", "--pillar", "creator-showcase")
    bare = post(ws, "Plain again")
    left = {u["id"]: u["reason"] for u in run_json(ws, "slot", "fill")["unfilled"]}
    assert left == {other: "no slot takes pillar 'creator-showcase'", bare: "every slot is kept for one pillar"}


def test_status_option_fills_drafts_in_creation_order(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "daily", "--time", "12:00")
    first, second = post(ws, "Draft one", status="draft"), post(ws, "Draft two", status="draft")
    approved = post(ws, "Approved")
    plan = run_json(ws, "slot", "fill", "--status", "draft", "--from", "2026-11-20", "--to", "2026-11-21")
    assert [(f["id"], f["at"]) for f in plan["filled"]] == [
        (first, "2026-11-20T12:00:00+11:00"),
        (second, "2026-11-21T12:00:00+11:00"),
    ]
    assert at_of(ws, approved) is None


def test_dry_run_changes_nothing_and_plans_what_fill_does(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "tue,thu", "--time", "19:30")
    for i in range(3):
        post(ws, f"Queued {i}")
    before = ws.calendar_db.read_bytes()
    plan = run_json(ws, "slot", "fill", "--dry-run")
    text = ok(ws, "slot", "fill", "--dry-run").stdout
    assert "dry run" in text and "Queued 0" in text and "Thu 19/11 19:30" in text
    assert ws.calendar_db.read_bytes() == before
    assert plan["dry_run"] is True and len(plan["filled"]) == 3
    applied = run_json(ws, "slot", "fill")
    assert applied["filled"] == plan["filled"] and applied["dry_run"] is False


def test_fill_is_one_change_that_undo_reverts(ws: Workspace) -> None:
    ok(ws, "slot", "add", "--days", "mon,wed,fri", "--time", "18:00")
    pids = [post(ws, f"Post {i}") for i in range(4)]
    shown_before = [run_json(ws, "post", "show", str(p)) for p in pids]
    entries = history_len(ws)
    ok(ws, "slot", "fill")
    assert history_len(ws) == entries + 1
    (entry,) = run_json(ws, "history", "--limit", "1")
    assert entry["action"] == "slot fill" and len(entry["changes"]) == 4
    shown = run_json(ws, "post", "show", str(pids[0]))
    assert shown["tz"] == "Australia/Sydney" and shown["log"][-1]["action"] == "slot-fill"
    assert shown["log"][-1]["slot"] == 1
    # Running it again adds nothing: no change, no journal entry.
    before = ws.calendar_db.read_bytes()
    assert "Nothing to fill" in ok(ws, "slot", "fill").stdout
    assert ws.calendar_db.read_bytes() == before
    ok(ws, "undo")
    assert [run_json(ws, "post", "show", str(p)) for p in pids] == shown_before


def test_library_fill_without_queue_or_slots(ws: Workspace) -> None:
    now = datetime.fromisoformat(NOW)
    empty = fill_slots(ws, now=now)
    assert (empty["filled"], empty["unfilled"]) == ([], [])
    assert empty["from"] == "2026-11-18T09:00:00+11:00" and empty["to"] == "2026-12-16T09:00:00+11:00"
    pid = post(ws, "Waiting")
    assert fill_slots(ws, now=now)["unfilled"] == [
        {"id": pid, "title": "Waiting", "pillar": None, "reason": "there are no slots yet"}
    ]
    add_slot(ws, "sun", "17:00", now=now)
    with pytest.raises(ConflictError):
        add_slot(ws, "daily", "5pm", now=now)
