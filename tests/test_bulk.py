"""Bulk operations: ``bulk shift``, ``bulk status`` and ``bulk tag add/rm``.

The clock is pinned to Monday 28 September 2026, 09:00 in Sydney (AEST, +10:00), the week
before daylight saving starts (Sunday 4 October 2026: 02:00 becomes 03:00, +11:00).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest
from cli_helpers import Cli

from contentops.bulk import parse_offset, shifted
from contentops.errors import UsageError
from contentops.workspace import Workspace, init_workspace

NOW = "2026-09-28T09:00:00+10:00"
URL = "https://www.tiktok.com/@brand.anz/video/7301234567890123456"
CLI = Cli(NOW, require_hint=True)
ok, run_json, add, refused = CLI.ok, CLI.run_json, CLI.add, CLI.refused
STEPS = {
    "draft": [],
    "in-review": ["submit"],
    "approved": ["submit", "approve"],
    "scheduled": ["submit", "approve", "schedule"],
    "published": ["submit", "approve", "publish"],
    "cancelled": ["cancel"],
}


def post(ws: Workspace, title: str, status: str = "draft", *args: str) -> int:
    pid = add(ws, title, *args)
    for action in STEPS[status]:
        ok(ws, "post", action, str(pid), *(["--url", URL] if action == "publish" else []))
    return pid


def show(ws: Workspace, pid: int) -> dict[str, Any]:
    return run_json(ws, "post", "show", str(pid))


def history_len(ws: Workspace) -> int:
    return len(run_json(ws, "history", "--limit", "1000"))


@pytest.fixture(scope="module")
def calendar_bytes(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, dict[str, int]]:
    """A campaign with posts in several statuses, and one post outside it, built once through
    the library (fast) and copied into each test's workspace."""
    from contentops.calendar_ops import add_campaign, add_post, transition

    ws = init_workspace(tmp_path_factory.mktemp("cal") / "ws")
    now = datetime.fromisoformat(NOW)
    add_campaign(ws, "Spring", date(2026, 9, 1), date(2026, 10, 31), now=now, actor="tester")

    def make(title: str, status: str, at: str | None, **kw: Any) -> int:
        pid = add_post(ws, title, at=at, now=now, actor="tester", **kw)["id"]
        for action in STEPS[status]:
            transition(ws, pid, action, now=now, by="tester", url=URL if action == "publish" else None)
        return pid

    ids = {
        "draft": make("Draft", "draft", "2026-10-02 18:00", campaign="Spring"),
        "review": make("Review", "in-review", "2026-10-03 18:00", campaign="Spring", hashtags=["Spring"]),
        "approved": make("Approved", "approved", "2026-10-05 18:00", campaign="Spring", hashtags=["Spring"]),
        "scheduled": make("Scheduled", "scheduled", "2026-10-06 18:00", campaign="Spring"),
        "published": make("Published", "published", "2026-10-07 18:00", campaign="Spring"),
        "cancelled": make("Cancelled", "cancelled", "2026-10-08 18:00", campaign="Spring"),
        "unscheduled": make("Unscheduled", "draft", None, campaign="Spring"),
        "other": make("Other", "draft", "2026-10-02 12:00", pillar="trend"),
    }
    return ws.calendar_db.read_bytes(), ids


@pytest.fixture
def cal(ws: Workspace, calendar_bytes: tuple[bytes, dict[str, int]]) -> dict[str, int]:
    data, ids = calendar_bytes
    ws.calendar_db.write_bytes(data)
    return ids


# -- shift ---------------------------------------------------------------------------------
def test_shift_days_keeps_local_time_across_dst_start(ws: Workspace, cal: dict[str, int]) -> None:
    result = run_json(ws, "bulk", "shift", "+2d", "--campaign", "Spring")
    assert result["operation"] == "shift +2d" and result["dry_run"] is False
    moved = {c["id"]: c["after"] for c in result["changed"]}
    # 2 October 18:00 AEST -> 4 October 18:00 AEDT: the same wall-clock time, an hour less later.
    assert moved[cal["draft"]] == "2026-10-04T18:00:00+11:00"
    assert show(ws, cal["draft"])["at"] == "2026-10-04T18:00:00+11:00"
    assert show(ws, cal["review"])["at"] == "2026-10-05T18:00:00+11:00"
    assert show(ws, cal["scheduled"])["at"] == "2026-10-08T18:00:00+11:00"
    assert show(ws, cal["scheduled"])["status"] == "scheduled"
    assert show(ws, cal["other"])["at"] == "2026-10-02T12:00:00+10:00"  # outside the filter
    ok(ws, "bulk", "shift", "+1w", "--pillar", "trend")
    assert show(ws, cal["other"])["at"] == "2026-10-09T12:00:00+11:00"


def test_shift_hours_moves_the_instant(ws: Workspace) -> None:
    night = post(ws, "Night", "draft", "--at", "2026-10-04 01:30")  # AEST, half an hour before the change
    evening = post(ws, "Evening", "draft", "--at", "2026-10-03 18:00")
    ok(ws, "bulk", "shift", "+2h", "--from", "2026-10-04")
    assert show(ws, night)["at"] == "2026-10-04T04:30:00+11:00"  # two real hours later; 02:00-03:00 is skipped
    ok(ws, "bulk", "shift", "-3h", "--all")  # a negative offset needs no '--'
    assert show(ws, evening)["at"] == "2026-10-03T15:00:00+10:00"
    assert show(ws, night)["at"] == "2026-10-04T00:30:00+10:00"  # 17:30Z - 3h = 14:30Z
    ok(ws, "bulk", "shift", "+30m", "--to", "2026-10-03")
    assert show(ws, evening)["at"] == "2026-10-03T15:30:00+10:00"


def test_shift_skips_unscheduled_published_and_cancelled(ws: Workspace, cal: dict[str, int]) -> None:
    before = {k: show(ws, pid) for k, pid in cal.items()}
    result = run_json(ws, "bulk", "shift", "+1d", "--campaign", "Spring")
    assert {c["id"] for c in result["changed"]} == {cal[k] for k in ("draft", "review", "approved", "scheduled")}
    reasons = {s["id"]: s["reason"] for s in result["skipped"]}
    assert reasons == {
        cal["published"]: "it is published",
        cal["cancelled"]: "it is cancelled",
        cal["unscheduled"]: "it has no time",
    }
    for key in ("published", "cancelled", "unscheduled"):
        assert show(ws, cal[key]) == before[key]
    text = ok(ws, "bulk", "shift", "+1d", "--campaign", "Spring").stdout
    assert "Skipped" in text and "it is published" in text and "it has no time" in text


def test_shift_refuses_to_move_scheduled_posts_into_the_past(ws: Workspace) -> None:
    soon = post(ws, "Soon", "scheduled", "--at", "2026-09-29 18:00")
    draft = post(ws, "Draft soon", "draft", "--at", "2026-09-29 12:00")
    refused(ws, 4, "bulk", "shift", "-2d", "--all", needles=(f"post {soon} 'Soon'", "past"))
    refused(ws, 4, "bulk", "shift", "-2d", "--all", "--dry-run", needles=(f"post {soon}",))
    # Drafts may sit in the past (as with 'post move'); only scheduled posts are protected.
    ok(ws, "bulk", "shift", "-2d", "--status", "draft")
    assert show(ws, draft)["at"] == "2026-09-27T12:00:00+10:00"


def test_shift_into_a_skipped_hour_is_refused(ws: Workspace) -> None:
    pid = post(ws, "Early", "draft", "--at", "2026-10-03 02:30")
    refused(ws, 2, "bulk", "shift", "+1d", "--all", needles=(f"post {pid}", "daylight saving"))


@pytest.mark.parametrize("offset", ["2d", "+0d", "+2x", "+2", "+d", "tomorrow", "+99999d"])
def test_bad_offsets_are_refused(ws: Workspace, cal: dict[str, int], offset: str) -> None:
    refused(ws, 2, "bulk", "shift", offset, "--all", needles=("shift",))


def test_offset_parsing_and_shifting() -> None:
    assert parse_offset("+2d") == (2, "d")
    assert parse_offset(" -3H ") == (-3, "h")
    assert parse_offset("+1w") == (1, "w")
    with pytest.raises(UsageError):
        parse_offset("-0m")
    # Week shifts keep the wall-clock time too: 18:00 AEST -> 18:00 AEDT.
    assert shifted("2026-10-01T08:00:00Z", "Australia/Sydney", 1, "w") == "2026-10-08T07:00:00Z"
    assert shifted("2026-10-01T08:00:00Z", "Australia/Sydney", -90, "m") == "2026-10-01T06:30:00Z"


# -- status --------------------------------------------------------------------------------
def test_bulk_status_skips_posts_where_the_action_is_not_allowed(ws: Workspace, cal: dict[str, int]) -> None:
    second = post(ws, "Review two", "in-review", "--campaign", "Spring")
    result = run_json(ws, "bulk", "status", "approve", "--campaign", "Spring", "--by", "Priya")
    assert {c["id"]: (c["before"], c["after"]) for c in result["changed"]} == {
        cal["review"]: ("in-review", "approved"),
        second: ("in-review", "approved"),
    }
    skipped = {s["id"]: s["reason"] for s in result["skipped"]}
    assert set(skipped) == {cal[k] for k in ("draft", "approved", "scheduled", "published", "cancelled", "unscheduled")}
    assert skipped[cal["draft"]] == "it is draft (approve works from in-review)"
    assert show(ws, cal["review"])["approved_by"] == "Priya"
    assert show(ws, cal["draft"])["status"] == "draft"
    # Schedule needs a time in the future: the approved post without one is skipped, with why.
    result = run_json(ws, "bulk", "status", "schedule", "--status", "approved")
    assert {c["id"] for c in result["changed"]} == {cal["review"], cal["approved"]}
    assert [s["id"] for s in result["skipped"]] == [second] and "no time" in result["skipped"][0]["reason"]


@pytest.mark.parametrize(("action", "code"), [("publish", 2), ("archive", 2)])
def test_bulk_status_refuses_publish_and_unknown_actions(
    ws: Workspace, cal: dict[str, int], action: str, code: int
) -> None:
    refused(ws, code, "bulk", "status", action, "--all", needles=(action,))


# -- hashtags ------------------------------------------------------------------------------
def test_bulk_tag_add_and_rm_send_approved_content_back_to_review(ws: Workspace, cal: dict[str, int]) -> None:
    result = run_json(ws, "bulk", "tag", "add", "#SpringSale", "spring", "--campaign", "Spring")
    changed = {c["id"]: c for c in result["changed"]}
    assert changed[cal["draft"]]["after"] == ["#SpringSale", "#spring"]
    assert changed[cal["approved"]]["before"] == ["#Spring"]
    assert changed[cal["approved"]]["after"] == ["#Spring", "#SpringSale"]  # de-duplicated, case-insensitive
    for key in ("approved", "scheduled"):
        assert changed[cal[key]]["status_after"] == "in-review"
        after = show(ws, cal[key])
        assert after["status"] == "in-review" and after["approved_by"] is None
    assert show(ws, cal["draft"])["status"] == "draft"
    assert {s["id"]: s["reason"] for s in result["skipped"]} == {
        cal["published"]: "it is published",
        cal["cancelled"]: "it is cancelled",
    }
    assert show(ws, cal["published"])["hashtags"] == []
    result = run_json(ws, "bulk", "tag", "rm", "SPRING", "--status", "in-review")
    assert {c["id"] for c in result["changed"]} == {cal["review"], cal["approved"], cal["scheduled"]}
    assert show(ws, cal["approved"])["hashtags"] == ["#SpringSale"]
    assert show(ws, cal["review"])["hashtags"] == ["#SpringSale"]
    again = run_json(ws, "bulk", "tag", "rm", "spring", "--status", "in-review")
    assert again["changed"] == [] and {s["reason"] for s in again["skipped"]} == {"it has none of them"}


# -- all operations: dry run, one history entry, undo ---------------------------------------
OPERATIONS = [
    ("bulk", "shift", "+2d", "--campaign", "Spring"),
    ("bulk", "shift", "-3h", "--campaign", "Spring"),
    ("bulk", "status", "cancel", "--campaign", "Spring"),
    ("bulk", "tag", "add", "Fresh", "--campaign", "Spring"),
    ("bulk", "tag", "rm", "Spring", "--campaign", "Spring"),
]


@pytest.mark.parametrize("args", OPERATIONS, ids=lambda a: " ".join(a[1:3]))
def test_dry_run_changes_nothing(ws: Workspace, cal: dict[str, int], args: tuple[str, ...]) -> None:
    before = ws.calendar_db.read_bytes()
    plan = run_json(ws, *args, "--dry-run")
    assert plan["dry_run"] is True and plan["changed"]
    text = ok(ws, *args, "--dry-run").stdout
    assert "Would change" in text and "nothing was changed" in text
    assert ws.calendar_db.read_bytes() == before
    assert run_json(ws, *args) == {**plan, "dry_run": False}  # the plan is what the real run does


@pytest.mark.parametrize("args", OPERATIONS, ids=lambda a: " ".join(a[1:3]))
def test_each_operation_is_one_change_and_one_undo(ws: Workspace, cal: dict[str, int], args: tuple[str, ...]) -> None:
    posts = run_json(ws, "post", "list")
    entries = history_len(ws)
    result = run_json(ws, *args)
    assert len(result["changed"]) >= 2
    assert run_json(ws, "post", "list") != posts
    assert history_len(ws) == entries + 1
    entry = run_json(ws, "history")[0]
    assert entry["action"] == f"bulk {args[1]}" and entry["summary"] == result["summary"]
    assert {c["id"] for c in entry["changes"]} == {c["id"] for c in result["changed"]}
    ok(ws, "undo")
    assert run_json(ws, "post", "list") == posts


# -- selection -----------------------------------------------------------------------------
def test_filter_matching_nothing_is_a_friendly_no_op(ws: Workspace, cal: dict[str, int]) -> None:
    ok(ws, "campaign", "add", "Empty", "--start", "2026-12-01", "--end", "2026-12-31")
    before = ws.calendar_db.read_bytes()
    for args in (
        ("shift", "+1d", "--campaign", "Empty"),
        ("status", "approve", "--from", "2027-01-01"),
        ("tag", "add", "X", "--pillar", "educational"),
    ):
        result = ok(ws, "bulk", *args)
        assert "No posts match these filters; nothing changed." in result.stdout
    assert run_json(ws, "bulk", "shift", "+1d", "--campaign", "Empty")["matched"] == 0
    assert ws.calendar_db.read_bytes() == before


def test_a_filter_or_all_is_required(ws: Workspace, cal: dict[str, int]) -> None:
    for args in (("shift", "+1d"), ("status", "submit"), ("tag", "add", "X"), ("tag", "rm", "Spring")):
        refused(ws, 2, "bulk", *args, needles=("--all",))


@pytest.mark.parametrize(
    ("args", "code"),
    [(("--status", "done"), 2), (("--pillar", "memes"), 2), (("--campaign", "Nope"), 1), (("--from", "someday"), 2)],
)
def test_bad_filters_are_refused(ws: Workspace, cal: dict[str, int], args: tuple[str, ...], code: int) -> None:
    refused(ws, code, "bulk", "shift", "+1d", *args)


def test_filters_combine(ws: Workspace, cal: dict[str, int]) -> None:
    result = run_json(ws, "bulk", "shift", "+1d", "-c", "spring", "--from", "2026-10-03", "--to", "2026-10-05")
    assert result["matched"] == 2
    assert {c["id"] for c in result["changed"]} == {cal["review"], cal["approved"]}
