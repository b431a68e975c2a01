"""End-to-end tests of the command line: every command through Typer's CliRunner.

The clock is pinned with ``CONTENTOPS_NOW`` (a Wednesday morning in Sydney, daylight saving
time), so relative times such as ``fri 6pm`` have one right answer. Commands that must refuse
are checked for their exit code, a one-line ``Error:``/``Hint:`` on stderr, and an unchanged
``calendar/calendar.json`` (byte for byte).
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli, snapshot

from contentops.errors import TransitionError
from contentops.workspace import Workspace, init_workspace

NOW = "2026-11-18T09:00:00+11:00"  # Wednesday 18 November 2026, 09:00 in Sydney (AEDT)
URL = "https://www.tiktok.com/@brand.anz/video/7301234567890123456"
FUTURE = "2026-12-04 18:00"  # a Friday, AEDT (+11:00)

CLI = Cli(NOW)
invoke, run, ok, run_json, add = CLI.invoke, CLI.run, CLI.ok, CLI.run_json, CLI.add
assert_error, refused = CLI.assert_error, CLI.refused


# -- helpers ---------------------------------------------------------------------------------
def show(ws: Workspace, post_id: int) -> dict[str, Any]:
    return run_json(ws, "post", "show", str(post_id))


# The workflow path that leads to each status (from a draft, or an idea for "idea").
PATH_TO = {
    "idea": [],
    "draft": [],
    "in-review": ["submit"],
    "changes-requested": ["submit", "request-changes"],
    "approved": ["submit", "approve"],
    "scheduled": ["submit", "approve", "schedule"],
    "published": ["submit", "approve", "publish"],
    "cancelled": ["cancel"],
}
ALLOWED = {
    "submit": ({"idea", "draft", "changes-requested"}, "in-review"),
    "approve": ({"in-review"}, "approved"),
    "request-changes": ({"in-review", "approved", "scheduled"}, "changes-requested"),
    "schedule": ({"approved"}, "scheduled"),
    "publish": ({"approved", "scheduled"}, "published"),
    "cancel": ({"idea", "draft", "in-review", "changes-requested", "approved", "scheduled"}, "cancelled"),
}


def make_post(ws: Workspace, status: str, at: str | None = FUTURE, title: str | None = None) -> int:
    args = ["--at", at] if at else []
    pid = add(ws, title or f"{status} post", *args, *(["--idea"] if status == "idea" else []))
    for action in PATH_TO[status]:
        ok(ws, "post", action, str(pid), *(["--url", URL] if action == "publish" else []))
    assert show(ws, pid)["status"] == status
    return pid


# -- init ------------------------------------------------------------------------------------
def test_init_creates_workspace(tmp_path: Path) -> None:
    result = invoke("init", "team", "--account", "@summer.anz", "--tz", "Australia/Perth")
    assert result.exit_code == 0, result.output
    root = tmp_path / "team"
    assert (root / "contentops.toml").is_file()
    assert (root / "calendar").is_dir()
    assert (root / "assets" / "brand.toml").is_file()
    toml = (root / "contentops.toml").read_text()
    assert '"@summer.anz"' in toml and 'zone = "Australia/Perth"' in toml
    assert "@summer.anz" in result.stdout and "Australia/Perth" in result.stdout
    # The new workspace works and plans in its own home zone.
    result = invoke("--workspace", str(root), "post", "add", "First", "--at", FUTURE)
    assert result.exit_code == 0, result.output
    data = json.loads(invoke("--workspace", str(root), "post", "show", "1", "--json").stdout)
    assert data["tz"] == "Australia/Perth"
    assert data["at"] == "2026-12-04T18:00:00+08:00"


def test_init_defaults_to_current_folder_and_sydney(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    result = invoke("init")
    assert result.exit_code == 0, result.output
    assert 'zone = "Australia/Sydney"' in (tmp_path / "here" / "contentops.toml").read_text()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--account", "@bad handle!"], "is not a TikTok handle"),
        (["--account", "@x"], "is not a TikTok handle"),
        (["--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_init_bad_values_exit_2_and_create_nothing(tmp_path: Path, args: list[str], needle: str) -> None:
    result = invoke("init", "team", *args)
    assert_error(result, 2, needle)
    assert not (tmp_path / "team").exists()


def test_init_refuses_existing_workspace(ws: Workspace) -> None:
    config = ws.config_path.read_bytes()
    result = invoke("init", str(ws.root), "--account", "@other.brand")
    assert_error(result, 1, "already a workspace")
    assert ws.config_path.read_bytes() == config


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("x")
    assert_error(invoke("init", "afile"), 1)
    assert (tmp_path / "afile").read_text() == "x"


# -- demo ------------------------------------------------------------------------------------
def readme_tryout() -> list[list[str]]:
    """The commands of the README's "Then try" block, each as its arguments after ``contentops``."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("Then try, inside the demo workspace", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    commands = []
    for line in block.splitlines():
        for part in line.split("  #", 1)[0].split("&&"):
            words = shlex.split(part)
            assert words[0] == "contentops", line
            commands.append(words[1:])
    return commands


def test_demo_builds_workspace_and_shows_week(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = invoke("demo", "--out", "d")
    assert result.exit_code == 0, result.output
    root = (tmp_path / "d").resolve()
    assert f"Demo workspace: {root}" in result.stdout
    assert "Week of 2026-11-16 (Australia/Sydney)" in result.stdout  # the pinned Wednesday's week
    assert "Wed 18/11" in result.stdout and "Livestream" in result.stdout
    assert (root / "contentops.toml").is_file() and (root / "calendar" / "calendar.json").is_file()
    posts = json.loads(invoke("-w", str(root), "post", "list", "--json").stdout)
    statuses = {p["status"] for p in posts}
    assert len(posts) >= 10
    assert {"published", "scheduled", "approved", "in-review", "draft", "idea"} <= statuses
    campaigns = json.loads(invoke("-w", str(root), "campaign", "list", "--json").stdout)
    assert len(campaigns) == 1 and campaigns[0]["posts"]["total"] == len(posts)
    # Real clips cut from a generated recording, attached to their posts, and a recap.
    from contentops.media.probe import probe

    by_id = {p["id"]: p for p in posts}
    for post_id in (5, 6, 7):
        clip = probe(root / by_id[post_id]["video"])
        assert (clip.display_width, clip.display_height, clip.fps) == (1080, 1920, 30.0) and clip.audio
    assert by_id[5]["status"] == "scheduled"  # clips were cut before review, so approvals stand
    recap = probe(root / "clips" / "recap.mp4")
    assert (recap.display_width, recap.display_height) == (1080, 1920) and recap.duration > 8
    assert "Making a recap" in result.stdout
    # Covers drawn from the clips for the scheduled posts and the approved lineup drop, attached to them.
    from PIL import Image

    for post_id in (5, 6, 7):
        with Image.open(root / by_id[post_id]["cover"]) as cover:
            assert cover.size == (1080, 1920)
    # Sample metrics for every published post, and a fortnight of account figures.
    from contentops.metrics import DAILY, SNAPSHOTS
    from contentops.workspace import find_workspace

    metrics = find_workspace(root).metrics_store().read()
    published = {p["id"] for p in posts if p["status"] == "published"}
    assert len(published) >= 6 and {s["post"] for s in metrics.all(SNAPSHOTS)} == published
    assert len(metrics.all(DAILY)) == 14
    assert "Metrics report @brand.anz: 2026-W46" in result.stdout  # last week's report, in short
    # Assets (two creator submissions and the recording), trends and comments, one of them flagged.
    assets = json.loads(invoke("-w", str(root), "asset", "list", "--json").stdout)
    assert sorted(a["kind"] for a in assets) == ["creator-submission", "creator-submission", "video"]
    trends = json.loads(invoke("-w", str(root), "trend", "list", "--json").stdout)
    assert {t["status"] for t in trends} == {"used", "spotted", "trying"}
    flagged = json.loads(invoke("-w", str(root), "feedback", "list", "--flagged", "--json").stdout)
    assert len(flagged) == 1 and "sold out" in flagged[0]["text"]
    # Every command the README suggests trying in the demo works as written, in its order.
    monkeypatch.chdir(root)
    tryout = readme_tryout()
    assert len(tryout) >= 20
    for args in tryout:
        tried = invoke(*args)
        allowed = (0, 3) if args[:2] == ["cal", "check"] else (0,)  # 3: the check found something to fix
        assert tried.exit_code in allowed, f"contentops {' '.join(args)}: exit {tried.exit_code}\n{tried.output}"
        assert "Traceback" not in tried.output
    assert "Totals" in result.stdout and "Top posts" in result.stdout


def test_demo_refuses_non_demo_folder_even_with_force(tmp_path: Path) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    for extra in ([], ["--force"]):
        result = invoke("demo", "--no-video", "--out", str(folder), *extra)
        assert_error(result, 1, "not an empty folder")
        assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
        assert (folder / "notes.txt").read_text() == "keep me"


def test_demo_force_rebuilds_only_a_demo(tmp_path: Path) -> None:
    assert invoke("demo", "--no-video", "--out", "d").exit_code == 0
    root = tmp_path / "d"
    before = json.loads(invoke("-w", str(root), "post", "list", "--json").stdout)
    assert invoke("-w", str(root), "post", "rm", "1").exit_code == 0
    (root / "scratch.txt").write_text("x")
    # Without --force an earlier demo is kept.
    assert_error(invoke("demo", "--no-video", "--out", "d"), 1, "--force")
    assert (root / "scratch.txt").exists()
    result = invoke("demo", "--no-video", "--out", "d", "--force")
    assert result.exit_code == 0, result.output
    assert not (root / "scratch.txt").exists()
    after = json.loads(invoke("-w", str(root), "post", "list", "--json").stdout)
    assert [p["title"] for p in after] == [p["title"] for p in before]


# -- campaigns -------------------------------------------------------------------------------
def test_campaign_add_list_show(ws: Workspace) -> None:
    result = ok(ws, "campaign", "add", "Summer Drop", "--start", "2026-12-01", "--end", "2026-12-20",
                "--hashtag", "SummerDrop", "-t", "#BrandANZ", "--goal", "views=100000",
                "-g", "followers=2,000")  # fmt: skip
    assert "Summer Drop" in result.stdout
    ok(ws, "campaign", "add", "Early", "--start", "1/11", "--end", "30/11")
    add(ws, "Teaser", "--at", FUTURE, "--campaign", "summer drop")  # case-insensitive name
    add(ws, "Unrelated", "--at", FUTURE)

    campaigns = run_json(ws, "campaign", "list")
    assert [c["name"] for c in campaigns] == ["Early", "Summer Drop"]  # by start date
    summer = campaigns[1]
    assert summer["start"] == "2026-12-01" and summer["end"] == "2026-12-20"
    assert summer["hashtags"] == ["#SummerDrop", "#BrandANZ"]
    assert summer["goals"] == {"views": 100000, "followers": 2000}
    assert summer["posts"] == {"total": 1, "by_status": {"draft": 1}}
    assert campaigns[0]["start"] == "2026-11-01" and campaigns[0]["posts"]["total"] == 0

    text = ok(ws, "campaign", "list").stdout
    assert "Summer Drop" in text and "views 100,000" in text

    data = run_json(ws, "campaign", "show", "Summer Drop")
    assert data["name"] == "Summer Drop"
    assert [p["title"] for p in data["post_list"]] == ["Teaser"]
    assert data["post_list"][0]["campaign"] == "Summer Drop"
    assert data["post_list"][0]["at"] == "2026-12-04T18:00:00+11:00"
    # By id too.
    assert run_json(ws, "campaign", "show", str(summer["id"]))["name"] == "Summer Drop"
    text = ok(ws, "campaign", "show", "summer drop").stdout
    assert "Summer Drop" in text and "Teaser" in text and "2026-12-01 to 2026-12-20" in text


def test_campaign_refusals(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Drop", "--start", "2026-12-01", "--end", "2026-12-20")
    refused(ws, 4, "campaign", "add", "summer  drop", "--start", "2026-12-01", "--end", "2026-12-02",
            needles=("exists already",))  # fmt: skip
    for goal in ("views", "views=lots", "=100", "views=-5"):
        refused(ws, 2, "campaign", "add", "Other", "--start", "2026-12-01", "--end", "2026-12-02", "--goal", goal,
                needles=("goal",))  # fmt: skip
    refused(ws, 2, "campaign", "add", "Other", "--start", "2026-12-10", "--end", "2026-12-01",
            needles=("before it starts",))  # fmt: skip
    refused(ws, 2, "campaign", "add", "Other", "--start", "someday", "--end", "2026-12-01")
    refused(ws, 1, "campaign", "show", "Nope", needles=("no campaign named 'Nope'",))
    result = run(ws, "campaign", "add", "Other", "--start", "2026-12-01")  # --end missing: Typer usage error
    assert result.exit_code == 2
    assert [c["name"] for c in run_json(ws, "campaign", "list")] == ["Summer Drop"]


# -- posts: add, list, show ------------------------------------------------------------------
def test_post_add_all_options_and_show(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Drop", "--start", "2026-12-01", "--end", "2026-12-20")
    pid = add(ws, "  Summer   teaser ", "--at", FUTURE, "--pillar", "Announcement", "--campaign", "Summer Drop",
              "--caption", "Kia ora, Tāmaki Makaurau! ☀️", "--hashtag", "SummerDrop,sale", "-t", "#summerdrop",
              "-t", "#BrandANZ", "--owner", "Mia", "--video", "clips/teaser.mp4")  # fmt: skip
    assert pid == 1
    post = show(ws, pid)
    assert post == {
        **post,
        "id": 1,
        "title": "Summer teaser",
        "status": "draft",
        "at": "2026-12-04T18:00:00+11:00",
        "tz": "Australia/Sydney",
        "pillar": "announcement",
        "campaign": "Summer Drop",
        "caption": "Kia ora, Tāmaki Makaurau! ☀️",
        "hashtags": ["#SummerDrop", "#sale", "#BrandANZ"],
        "owner": "Mia",
        "video": "clips/teaser.mp4",
        "url": None,
        "approved_by": None,
        "created_at": "2026-11-18T09:00:00+11:00",
    }
    assert post["log"] == [{"at": NOW, "by": "tester", "action": "created", "status": "draft"}]
    text = ok(ws, "post", "show", "1").stdout
    assert "Summer teaser" in text and "Fri 04 Dec 2026 18:00" in text and "Tāmaki Makaurau" in text

    idea = add(ws, "Someday", "--idea")
    assert idea == 2
    data = show(ws, idea)
    assert data["status"] == "idea" and data["at"] is None and data["tz"] == "Australia/Sydney"
    assert "unscheduled" in ok(ws, "post", "show", "2").stdout


def test_post_add_refusals_change_nothing(ws: Workspace) -> None:
    add(ws, "Existing", "--at", FUTURE)
    refused(ws, 2, "post", "add", "   ", "--at", FUTURE, needles=("title",))
    refused(ws, 2, "post", "add", "X", "--pillar", "memes", needles=("unknown pillar 'memes'",))
    refused(ws, 1, "post", "add", "X", "--campaign", "Nope", needles=("no campaign named 'Nope'",))
    refused(ws, 2, "post", "add", "X", "--hashtag", "#bad#tag")
    assert len(run_json(ws, "post", "list")) == 1


def test_post_list_filters(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Drop", "--start", "2026-12-01", "--end", "2026-12-20")
    a = add(ws, "A", "--at", "2026-12-04 18:00", "--pillar", "trend", "--campaign", "Summer Drop")
    b = add(ws, "B", "--at", "2026-12-02 09:00", "--pillar", "educational")
    c = make_post(ws, "approved", at="2026-12-06 12:00", title="C")
    d = add(ws, "D")  # unscheduled
    # Perth 23:30 on the 4th is 02:30 on the 5th in Sydney, the home zone of the day filters.
    e = add(ws, "E", "--at", "2026-12-04 23:30", "--tz", "Australia/Perth")

    def ids(*args: str) -> list[int]:
        return [p["id"] for p in run_json(ws, "post", "list", *args)]

    assert ids() == [b, a, e, c, d]  # by time, unscheduled last
    assert ids("--from", "2026-12-03") == [a, e, c]
    assert ids("--to", "2026-12-04") == [b, a]
    assert ids("--from", "2026-12-05", "--to", "5/12") == [e]
    assert ids("--from", "fri", "--to", "fri") == []  # fri = 2026-11-20
    assert ids("--status", "approved") == [c]
    assert ids("--status", "draft") == [b, a, e, d]
    assert ids("--campaign", "summer drop") == [a]
    assert ids("--pillar", "educational") == [b]
    assert ids("--pillar", "trend", "--status", "draft", "--from", "2026-12-04", "--to", "2026-12-04") == [a]

    text = ok(ws, "post", "list").stdout
    assert "5 posts" in text and "unscheduled" in text
    for bad, code in (("--status", 2), ("--pillar", 2), ("--campaign", 1), ("--from", 2)):
        assert_error(run(ws, "post", "list", bad, "nonsense"), code)


def test_post_show_unknown_and_bad_ids(ws: Workspace) -> None:
    add(ws, "A")
    assert_error(run(ws, "post", "show", "99"), 1, "no post with id 99")
    assert_error(run(ws, "post", "show", "abc"), 2, "not a post id")
    assert run_json(ws, "post", "show", "#1")["id"] == 1


def test_markup_like_titles_are_shown_as_typed(ws: Workspace) -> None:
    title = "[bold]Big[/bold] news [/b]"
    pid = add(ws, title, "--at", FUTURE)
    assert title in ok(ws, "post", "list").stdout
    assert title in ok(ws, "post", "show", str(pid)).stdout
    assert title in ok(ws, "cal", "agenda", "--from", "2026-12-04", "--days", "1").stdout
    assert title in ok(ws, "history").stdout


@pytest.mark.parametrize("title", ["[bold]Big[/bold] news", "Sale ends [/b]"])
def test_post_rm_message_shows_title_as_typed(ws: Workspace, title: str) -> None:
    pid = add(ws, title)
    result = run(ws, "post", "rm", str(pid))
    assert result.exit_code == 0, result.output
    assert f"Removed post {pid} '{title}'" in result.stdout


@pytest.mark.parametrize("name", ["[b]Sale", "Promo [/]"])
def test_campaign_add_message_shows_name_as_typed(ws: Workspace, name: str) -> None:
    result = run(ws, "campaign", "add", name, "--start", "2026-12-01", "--end", "2026-12-02")
    assert result.exit_code == 0, result.output
    assert f"Added campaign '{name}'" in result.stdout


# -- posts: edit, move, rm -------------------------------------------------------------------
@pytest.mark.parametrize("status", ["approved", "scheduled"])
def test_content_edit_sends_post_back_to_review(ws: Workspace, status: str) -> None:
    pid = make_post(ws, status)
    result = ok(ws, "post", "edit", str(pid), "--caption", "New words")
    assert "back in review" in result.stdout
    post = show(ws, pid)
    assert post["status"] == "in-review"
    assert post["caption"] == "New words"
    assert post["log"][-1]["action"] == "edit"
    assert post["approved_by"] is None and post["approved_at"] is None  # the approval was for the old words


def test_non_content_edit_keeps_approval(ws: Workspace) -> None:
    pid = make_post(ws, "approved")
    post = run_json(ws, "post", "edit", str(pid), "--pillar", "trend", "--owner", "Jack")
    assert post["status"] == "approved" and post["pillar"] == "trend" and post["owner"] == "Jack"
    post = run_json(ws, "post", "edit", str(pid), "--at", "2026-12-05 19:00")
    assert post["status"] == "approved" and post["at"] == "2026-12-05T19:00:00+11:00"


def test_post_edit_fields(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Drop", "--start", "2026-12-01", "--end", "2026-12-20")
    pid = add(ws, "Old", "--at", FUTURE, "-t", "a,b", "--owner", "Mia", "--pillar", "trend")
    post = run_json(ws, "post", "edit", str(pid), "--title", "New title", "--add-hashtag", "c",
                    "--remove-hashtag", "#A", "--campaign", "Summer Drop", "--owner", "", "--pillar", "")  # fmt: skip
    assert post["title"] == "New title"
    assert post["hashtags"] == ["#b", "#c"]
    assert post["campaign"] == "Summer Drop"
    assert post["owner"] is None and post["pillar"] is None
    assert run_json(ws, "post", "edit", str(pid), "--hashtag", "x", "-t", "y")["hashtags"] == ["#x", "#y"]
    # --tz alone keeps the instant and shows it in the new zone.
    post = run_json(ws, "post", "edit", str(pid), "--tz", "Australia/Perth")
    assert post["tz"] == "Australia/Perth" and post["at"] == "2026-12-04T15:00:00+08:00"
    post = run_json(ws, "post", "edit", str(pid), "--unschedule")
    assert post["at"] is None and post["status"] == "draft"


def test_post_edit_no_change_writes_nothing(ws: Workspace) -> None:
    pid = add(ws, "Same", "--caption", "c")
    before = snapshot(ws)
    result = ok(ws, "post", "edit", str(pid), "--title", "Same", "--caption", "c")
    assert "nothing changed" in result.stdout
    assert snapshot(ws) == before


def test_post_edit_refusals(ws: Workspace) -> None:
    scheduled = make_post(ws, "scheduled")
    published = make_post(ws, "published")
    refused(ws, 4, "post", "edit", str(scheduled), "--unschedule", needles=("needs a time",))
    refused(ws, 4, "post", "edit", str(published), "--at", "2026-12-10 18:00")
    refused(ws, 2, "post", "edit", str(scheduled), "--pillar", "memes")
    refused(ws, 2, "post", "edit", str(scheduled), "--title", "  ")
    refused(ws, 2, "post", "edit", str(scheduled), "--at", "31/02 6pm")
    refused(ws, 1, "post", "edit", "99", "--title", "x")


def test_post_move(ws: Workspace) -> None:
    pid = make_post(ws, "scheduled")
    result = ok(ws, "post", "move", str(pid), "--at", "sat 7pm")
    assert "Sat 21 Nov 2026 19:00" in result.stdout
    post = show(ws, pid)
    assert post["at"] == "2026-11-21T19:00:00+11:00" and post["status"] == "scheduled"
    assert post["log"][-1]["action"] == "move"
    # A post keeps its zone when moved without --tz.
    perth = add(ws, "Perth", "--at", FUTURE, "--tz", "Australia/Perth")
    ok(ws, "post", "move", str(perth), "--at", "2026-12-05 18:00")
    assert show(ws, perth)["at"] == "2026-12-05T18:00:00+08:00"

    published = make_post(ws, "published")
    refused(ws, 4, "post", "move", str(published), "--at", "2026-12-10 18:00", needles=("cannot move",))
    refused(ws, 2, "post", "move", str(pid), "--at", "someday")
    # A scheduled post must stay in the future, by move or by edit.
    refused(ws, 4, "post", "move", str(pid), "--at", "2026-11-17 18:00", needles=("in the past",))
    refused(ws, 4, "post", "edit", str(pid), "--at", "yesterday 18:00", needles=("in the past",))
    # An unscheduled-status post may be moved into the past (e.g. logging what went out).
    draft = make_post(ws, "draft")
    ok(ws, "post", "move", str(draft), "--at", "2026-11-17 18:00")
    assert run(ws, "post", "move", str(pid)).exit_code == 2  # --at is required


def test_post_rm(ws: Workspace) -> None:
    keep = add(ws, "Keep")
    gone = add(ws, "Gone")
    result = ok(ws, "post", "rm", str(gone))
    assert "Removed post 2" in result.stdout and "undo" in result.stdout
    assert [p["id"] for p in run_json(ws, "post", "list")] == [keep]
    assert_error(run(ws, "post", "show", str(gone)), 1)
    refused(ws, 1, "post", "rm", str(gone), needles=("no post with id 2",))
    # Ids are never reused.
    assert add(ws, "New") == 3


# -- workflow --------------------------------------------------------------------------------
@pytest.mark.parametrize("action", list(ALLOWED))
def test_workflow_matrix(ws: Workspace, action: str) -> None:
    """Every (status, action) pair: allowed ones move the post, all others exit 4 and change nothing."""
    posts = {status: make_post(ws, status) for status in PATH_TO}
    sources, target = ALLOWED[action]
    extra = ["--url", URL] if action == "publish" else []
    for status, pid in posts.items():
        before = snapshot(ws)
        result = run(ws, "post", action, str(pid), *extra)
        if status in sources:
            assert result.exit_code == 0, f"{action} from {status}: {result.output}"
            assert f"is now {target}" in result.stdout
            post = show(ws, pid)
            assert post["status"] == target
            assert post["log"][-1]["action"] == action and post["log"][-1]["status"] == target
            ws.calendar_db.write_bytes(before)  # back to the start state for the next pair
        else:
            assert_error(result, 4, f"cannot {action} post {pid}: it is {status}", "Hint:")
            assert snapshot(ws) == before, f"refused {action} from {status} changed the file"


def test_full_review_cycle_with_notes(ws: Workspace) -> None:
    pid = add(ws, "Cycle", "--at", FUTURE)
    ok(ws, "post", "submit", str(pid), "--by", "Mia")
    ok(ws, "post", "request-changes", str(pid), "--by", "Priya", "--note", "Add the NZ dates")
    assert show(ws, pid)["status"] == "changes-requested"
    ok(ws, "post", "submit", str(pid), "--by", "Mia", "-n", "Done")
    ok(ws, "post", "approve", str(pid), "--by", "Priya")
    ok(ws, "post", "schedule", str(pid))
    result = CLI.at("2026-12-04T18:05:00+11:00").ok(ws, "post", "publish", str(pid), "--url", URL)
    assert URL in result.stdout
    post = show(ws, pid)
    assert post["status"] == "published" and post["url"] == URL
    assert post["published_at"] == "2026-12-04T18:05:00+11:00"
    log = post["log"]
    assert [e["action"] for e in log] == [
        "created", "submit", "request-changes", "submit", "approve", "schedule", "publish",
    ]  # fmt: skip
    assert log[2]["by"] == "Priya" and log[2]["note"] == "Add the NZ dates"
    assert log[3]["note"] == "Done" and log[1]["by"] == "Mia"
    assert log[5]["by"] == "tester"  # $CONTENTOPS_USER
    text = ok(ws, "post", "show", str(pid)).stdout
    assert "Add the NZ dates" in text and "Priya" in text


def test_approve_records_who_and_when(ws: Workspace) -> None:
    pid = make_post(ws, "in-review")
    ok(ws, "post", "approve", str(pid), "--by", "Priya", "--note", "Looks great")
    post = show(ws, pid)
    assert post["approved_by"] == "Priya"
    assert post["approved_at"] == NOW
    assert post["log"][-1] == {
        "at": NOW, "by": "Priya", "action": "approve", "status": "approved", "note": "Looks great",
    }  # fmt: skip
    assert "Approved" in ok(ws, "post", "show", str(pid)).stdout
    # Without --by, the approver is $CONTENTOPS_USER; times are shown in the post's own zone.
    perth = add(ws, "Perth", "--at", FUTURE, "--tz", "Australia/Perth")
    ok(ws, "post", "submit", str(perth))
    ok(ws, "post", "approve", str(perth))
    post = show(ws, perth)
    assert post["approved_by"] == "tester" and post["approved_at"] == "2026-11-18T06:00:00+08:00"


def test_publish_refusals(ws: Workspace) -> None:
    pid = make_post(ws, "approved")
    refused(ws, 2, "post", "publish", str(pid), needles=("needs the TikTok URL",))
    for url in (
        "https://www.youtube.com/watch?v=abc",
        "http://www.tiktok.com/@brand/video/7301234567890123456",
        "https://www.tiktok.com/@brand/video/notanumber",
        "https://tiktok.com.evil.example/@brand/video/1",
        "tiktok",
    ):
        refused(ws, 2, "post", "publish", str(pid), "--url", url, needles=("is not a TikTok video URL",))
    draft = make_post(ws, "draft")
    refused(ws, 4, "post", "publish", str(draft), "--url", URL)
    ok(ws, "post", "publish", str(pid), "--url", "https://vm.tiktok.com/ZSabc123/")
    assert show(ws, pid)["url"] == "https://vm.tiktok.com/ZSabc123/"


def test_schedule_rules(ws: Workspace) -> None:
    untimed = make_post(ws, "approved", at=None)
    refused(ws, 4, "post", "schedule", str(untimed), needles=("has no time",))
    past = make_post(ws, "approved", at="2026-11-17 18:00")
    refused(ws, 4, "post", "schedule", str(past), needles=("in the past",))
    refused(ws, 4, "post", "schedule", str(untimed), "--at", "2026-11-18 08:59", needles=("in the past",))
    refused(ws, 2, "post", "schedule", str(untimed), "--at", "fri")
    refused(ws, 2, "post", "schedule", str(untimed), "--tz", "Mars/Olympus", "--at", "fri 6pm")
    # Giving a time while scheduling sets it.
    result = ok(ws, "post", "schedule", str(untimed), "--at", "fri 6pm")
    assert "Fri 20 Nov 2026 18:00" in result.stdout
    post = show(ws, untimed)
    assert post["status"] == "scheduled" and post["at"] == "2026-11-20T18:00:00+11:00"
    ok(ws, "post", "schedule", str(past), "--at", "sat 18:00", "--tz", "Pacific/Auckland")
    post = show(ws, past)
    assert post["tz"] == "Pacific/Auckland" and post["at"] == "2026-11-21T18:00:00+13:00"


def test_workflow_unknown_post(ws: Workspace) -> None:
    add(ws, "A")
    for action in ALLOWED:
        refused(ws, 1, "post", action, "42", *(["--url", URL] if action == "publish" else []))
    refused(ws, 2, "post", "approve", "x1")


# -- time input ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("when", "tz", "expected"),
    [
        ("fri 6pm", None, "2026-11-20T18:00:00+11:00"),
        ("tomorrow 9:30", None, "2026-11-19T09:30:00+11:00"),
        ("next monday 18:00", None, "2026-11-23T18:00:00+11:00"),
        ("2026-12-04 18:00", None, "2026-12-04T18:00:00+11:00"),
        ("2026-12-04T18:00", None, "2026-12-04T18:00:00+11:00"),
        ("4/12 6pm", None, "2026-12-04T18:00:00+11:00"),
        ("wed 6pm", None, "2026-11-18T18:00:00+11:00"),  # later today
        ("wed 8am", None, "2026-11-25T08:00:00+11:00"),  # already gone today: next week
        ("today noon", None, "2026-11-18T12:00:00+11:00"),
        ("fri 6pm", "Australia/Perth", "2026-11-20T18:00:00+08:00"),
        ("2026-12-04 18:00", "Pacific/Auckland", "2026-12-04T18:00:00+13:00"),
        ("2026-12-04T18:00+08:00", None, "2026-12-04T21:00:00+11:00"),  # explicit offset, home zone
    ],
)
def test_time_input(ws: Workspace, when: str, tz: str | None, expected: str) -> None:
    pid = add(ws, "Timed", "--at", when, *(["--tz", tz] if tz else []))
    post = show(ws, pid)
    assert post["at"] == expected
    assert post["tz"] == (tz or "Australia/Sydney")


def test_perth_post_shows_in_sydney_time_in_views(ws: Workspace) -> None:
    add(ws, "Perth drop", "--at", "fri 6pm", "--tz", "Australia/Perth")
    data = run_json(ws, "cal", "agenda")
    fri = next(d for d in data["days"] if d["date"] == "2026-11-20")
    assert [p["local_time"] for p in fri["posts"]] == ["21:00"]


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--at", "31/02"], "31/02"),
        (["--at", "31/02 6pm"], "31/02"),
        (["--at", "fri"], "has no time of day"),
        (["--at", "2026-12-04"], "has no time of day"),
        (["--at", "someday soon"], "cannot read"),
        (["--at", "2026-12-04 25:00"], "cannot read"),
        (["--at", "2026-10-04 02:30"], "does not exist"),  # skipped by daylight saving in Sydney
        (["--at", "fri 6pm", "--tz", "Mars/Olympus"], "unknown time zone 'Mars/Olympus'"),
        (["--tz", "Mars/Olympus"], "unknown time zone"),
    ],
)
def test_bad_time_input(ws: Workspace, args: list[str], needle: str) -> None:
    add(ws, "Existing", "--at", FUTURE)
    result = refused(ws, 2, "post", "add", "New", *args, needles=(needle,))
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 2  # Error: + Hint:


def test_bad_pinned_clock(ws: Workspace) -> None:
    assert_error(CLI.at("2026-11-18 09:00").run(ws, "post", "add", "x", "--at", "fri 6pm"), 2, "CONTENTOPS_NOW")
    assert_error(CLI.at("yesterday").run(ws, "post", "add", "x"), 2, "CONTENTOPS_NOW")


# -- JSON time zones and daylight saving -------------------------------------------------------
def test_json_times_keep_wall_clock_across_daylight_saving(ws: Workspace) -> None:
    september = CLI.at("2026-09-20T09:00:00+10:00")
    before = september.add(ws, "Before DST", "--at", "2026-09-28 18:00")
    after = september.add(ws, "After DST", "--at", "2026-10-05 18:00")
    assert show(ws, before)["at"] == "2026-09-28T18:00:00+10:00"
    assert show(ws, after)["at"] == "2026-10-05T18:00:00+11:00"
    assert show(ws, before)["created_at"] == "2026-09-20T09:00:00+10:00"
    listed = {p["id"]: p["at"] for p in run_json(ws, "post", "list")}
    assert listed == {before: "2026-09-28T18:00:00+10:00", after: "2026-10-05T18:00:00+11:00"}
    agenda = run_json(ws, "cal", "agenda", "--from", "2026-09-28", "--days", "8")
    times = {p["id"]: (d["date"], p["local_time"]) for d in agenda["days"] for p in d["posts"]}
    assert times == {before: ("2026-09-28", "18:00"), after: ("2026-10-05", "18:00")}
    # Moving across the change keeps 18:00 on the wall clock.
    september.ok(ws, "post", "move", str(before), "--at", "2026-10-06 18:00")
    assert show(ws, before)["at"] == "2026-10-06T18:00:00+11:00"


# -- calendar views --------------------------------------------------------------------------
def test_agenda_extra_zones_json(ws: Workspace) -> None:
    pid = add(ws, "Summer", "--at", "2026-12-04 18:00")
    late = add(ws, "Late", "--at", "2026-12-04 23:00")
    add(ws, "Unscheduled")
    data = run_json(ws, "cal", "agenda", "--from", "2026-12-03", "--days", "3",
                    "--zones", "Australia/Perth, Pacific/Auckland,Australia/Sydney")  # fmt: skip
    assert data["zone"] == "Australia/Sydney"
    assert data["zones"] == ["Australia/Sydney", "Australia/Perth", "Pacific/Auckland"]
    assert data["start"] == "2026-12-03" and data["end"] == "2026-12-05"
    assert [d["date"] for d in data["days"]] == ["2026-12-03", "2026-12-04", "2026-12-05"]
    assert [d["weekday"] for d in data["days"]] == ["Thu", "Fri", "Sat"]
    assert data["unscheduled"] == 1
    fri = data["days"][1]["posts"]
    assert [p["id"] for p in fri] == [pid, late]
    assert fri[0]["local_time"] == "18:00"
    assert fri[0]["times"] == {
        "Australia/Sydney": "2026-12-04T18:00:00+11:00",
        "Australia/Perth": "2026-12-04T15:00:00+08:00",
        "Pacific/Auckland": "2026-12-04T20:00:00+13:00",
    }
    assert fri[1]["times"]["Pacific/Auckland"] == "2026-12-05T01:00:00+13:00"


def test_agenda_text(ws: Workspace) -> None:
    add(ws, "Summer", "--at", "2026-12-04 18:00")
    add(ws, "Late", "--at", "2026-12-04 23:00")
    text = ok(
        ws, "cal", "agenda", "--from", "2026-12-04", "--days", "1", "--zones", "Australia/Perth,Pacific/Auckland"
    ).stdout
    assert "Perth" in text and "Auckland" in text
    summer = next(line for line in text.splitlines() if "Summer" in line)
    assert "Fri 04/12" in summer and "18:00" in summer and "15:00" in summer and "20:00" in summer
    late = next(line for line in text.splitlines() if "Late" in line)
    assert "23:00" in late and "20:00" in late and "01:00 (+1d)" in late
    assert "2 posts in view" in text


def test_agenda_defaults_and_errors(ws: Workspace) -> None:
    add(ws, "Friday", "--at", "fri 6pm")
    add(ws, "Far", "--at", "2026-12-20 18:00")
    data = run_json(ws, "cal", "agenda")
    assert data["start"] == "2026-11-18" and data["end"] == "2026-11-24"
    assert [p["title"] for d in data["days"] for p in d["posts"]] == ["Friday"]
    data = run_json(ws, "cal", "agenda", "--days", "40")
    assert [p["title"] for d in data["days"] for p in d["posts"]] == ["Friday", "Far"]
    assert_error(run(ws, "cal", "agenda", "--zones", "Mars/Olympus"), 2, "Mars/Olympus")
    assert_error(run(ws, "cal", "agenda", "--from", "31/02"), 2)
    assert run(ws, "cal", "agenda", "--days", "0").exit_code == 2


def test_week_view(ws: Workspace) -> None:
    fri = add(ws, "Friday", "--at", "2026-12-04 18:00")
    perth = add(ws, "Perth late", "--at", "2026-12-04 23:30", "--tz", "Australia/Perth")  # Sat 02:30 in Sydney
    add(ws, "Next week", "--at", "2026-12-07 09:00")
    data = run_json(ws, "cal", "week", "2026-12-04")
    assert [d["date"] for d in data["days"]] == [
        f"2026-{m}" for m in ("11-30", "12-01", "12-02", "12-03", "12-04", "12-05", "12-06")
    ]
    assert data["days"][0]["weekday"] == "Mon"
    placed = {p["id"]: (d["date"], p["local_time"]) for d in data["days"] for p in d["posts"]}
    assert placed == {fri: ("2026-12-04", "18:00"), perth: ("2026-12-05", "02:30")}
    # Default: the pinned Wednesday's week.
    data = run_json(ws, "cal", "week")
    assert data["start"] == "2026-11-16" and data["end"] == "2026-11-22"
    text = ok(ws, "cal", "week", "4/12").stdout
    assert "Week of 2026-11-30" in text and "Friday" in text and "Perth late" in text and "Next week" not in text
    assert_error(run(ws, "cal", "week", "31/02"), 2)


def test_month_view(ws: Workspace) -> None:
    pid = add(ws, "Summer", "--at", "2026-12-04 18:00")
    jan = add(ws, "New year", "--at", "2027-01-02 10:00")  # in the last (partial) week of the grid
    add(ws, "February", "--at", "2027-02-02 10:00")
    data = run_json(ws, "cal", "month", "2026-12")
    assert data["month"] == "2026-12"
    days = data["days"]
    assert days[0]["date"] == "2026-11-30" and days[-1]["date"] == "2027-01-03"
    assert len(days) == 35 and len(days) % 7 == 0
    assert [d["in_month"] for d in days].count(True) == 31
    assert not days[0]["in_month"] and days[1]["in_month"]
    placed = {p["id"]: d["date"] for d in days for p in d["posts"]}
    assert placed == {pid: "2026-12-04", jan: "2027-01-02"}
    assert run_json(ws, "cal", "month")["month"] == "2026-11"
    text = ok(ws, "cal", "month", "2026-12").stdout
    assert "December 2026" in text and "Summer" in text
    for bad in ("2026-13", "december", "2026-00", "12-2026"):
        assert_error(run(ws, "cal", "month", bad), 2, "as a month")


# -- history and undo ------------------------------------------------------------------------
def test_history(ws: Workspace) -> None:
    add(ws, "First")
    add(ws, "Second")
    ok(ws, "post", "submit", "1", "--by", "Mia")
    entries = run_json(ws, "history")
    assert [e["summary"] for e in entries] == [
        "submit post 1: draft -> in-review",
        "added post 2 'Second'",
        "added post 1 'First'",
    ]
    assert entries[0]["by"] == "Mia" and entries[1]["by"] == "tester"
    assert entries[0]["id"] > entries[1]["id"] > entries[2]["id"]
    assert entries[0]["at"].endswith(("+11:00", "+10:00"))
    assert len(run_json(ws, "history", "--limit", "1")) == 1
    text = ok(ws, "history").stdout
    assert "added post 2 'Second'" in text and "Mia" in text
    assert run(ws, "history", "--limit", "0").exit_code == 2


def test_undo_rm_brings_post_back(ws: Workspace) -> None:
    pid = add(ws, "Precious", "--at", FUTURE, "--caption", "keep me")
    add(ws, "Other")
    original = show(ws, pid)
    ok(ws, "post", "rm", str(pid))
    rm_entry = run_json(ws, "history")[0]
    result = ok(ws, "undo")
    assert f"Undid #{rm_entry['id']}" in result.stdout
    assert show(ws, pid) == original  # same id, same content
    entries = run_json(ws, "history")
    assert entries[0]["undo_of"] == rm_entry["id"]
    assert entries[0]["summary"].startswith(f"undo #{rm_entry['id']}")
    assert entries[1]["id"] == rm_entry["id"] and entries[1]["undone_by"] == entries[0]["id"]
    assert "undone by" in ok(ws, "history").stdout


def test_undo_walks_back_then_stops(ws: Workspace) -> None:
    add(ws, "One")
    ok(ws, "post", "edit", "1", "--title", "Renamed")
    ok(ws, "undo")
    assert show(ws, 1)["title"] == "One"
    ok(ws, "undo")
    assert run_json(ws, "post", "list") == []
    refused(ws, 1, "undo", needles=("nothing to undo",))


def test_undo_in_fresh_workspace(ws: Workspace) -> None:
    assert_error(run(ws, "undo"), 1, "nothing to undo")


def test_request_changes_clears_approval(ws: Workspace) -> None:
    pid = make_post(ws, "approved")
    ok(ws, "post", "request-changes", str(pid), "--note", "Shorter hook")
    post = show(ws, pid)
    assert post["status"] == "changes-requested"
    assert post["approved_by"] is None and post["approved_at"] is None
    assert post["log"][-1]["note"] == "Shorter hook"


def test_emoji_codes_in_titles_are_not_replaced(ws: Workspace) -> None:
    pid = add(ws, "Hot take :fire: 🔥", "--at", FUTURE)
    text = ok(ws, "post", "show", str(pid)).stdout
    assert ":fire:" in text and "🔥" in text
    assert text.count("🔥") == 1


def test_campaign_created_at_has_home_offset(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer", "--start", "2026-12-01", "--end", "2026-12-31")
    assert run_json(ws, "campaign", "list")[0]["created_at"] == NOW


def test_history_time_follows_pinned_clock(ws: Workspace) -> None:
    pid = add(ws, "Pinned")
    assert show(ws, pid)["created_at"] == NOW
    assert run_json(ws, "history")[0]["at"] == NOW


# -- workspace discovery ---------------------------------------------------------------------
def test_workspace_from_env_and_cwd(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = init_workspace(tmp_path / "other", handle="@other.brand")
    # $CONTENTOPS_HOME
    assert invoke("post", "add", "Via env", env={"CONTENTOPS_HOME": str(ws.root)}).exit_code == 0
    assert [p["title"] for p in run_json(ws, "post", "list")] == ["Via env"]
    # --workspace wins over $CONTENTOPS_HOME
    result = invoke("--workspace", str(other.root), "post", "add", "Via flag", env={"CONTENTOPS_HOME": str(ws.root)})
    assert result.exit_code == 0
    assert [p["title"] for p in run_json(other, "post", "list")] == ["Via flag"]
    # The nearest folder up with contentops.toml.
    sub = ws.root / "assets" / "deep"
    sub.mkdir()
    monkeypatch.chdir(sub)
    assert invoke("post", "add", "Via cwd").exit_code == 0
    assert [p["title"] for p in run_json(ws, "post", "list")] == ["Via env", "Via cwd"]
    # $CONTENTOPS_HOME wins over the current folder.
    assert invoke("post", "add", "Env again", env={"CONTENTOPS_HOME": str(other.root)}).exit_code == 0
    assert len(run_json(other, "post", "list")) == 2


def test_no_workspace(tmp_path: Path) -> None:
    result = invoke("post", "list")
    assert_error(result, 1, "no contentops workspace", "contentops init")
    result = invoke("--workspace", str(tmp_path), "post", "list")
    assert_error(result, 1, "not a contentops workspace", "contentops init")
    result = invoke("cal", "agenda", env={"CONTENTOPS_HOME": str(tmp_path / "missing")})
    assert_error(result, 1, "CONTENTOPS_HOME", "contentops init")


@pytest.mark.parametrize(
    ("old", "new", "needle"),
    [
        ("[time]", "[time", "not valid TOML"),
        ('zone = "Australia/Sydney"', 'zone = "Mars/Olympus"', "Mars/Olympus"),
        ('"Australia/Perth",', '"Atlantis/Capital",', "Atlantis/Capital"),
        ("max_per_day = 3", "max_per_day = -3", "max_per_day"),
    ],
)
def test_broken_config(ws: Workspace, old: str, new: str, needle: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = ws.config_path.read_text()
    assert old in text
    ws.config_path.write_text(text.replace(old, new, 1))
    assert_error(run(ws, "post", "list"), 1, str(ws.config_path), needle)
    monkeypatch.chdir(ws.root)  # found by discovery: same message
    assert_error(invoke("cal", "week"), 1, str(ws.config_path), needle)


# -- errors and --debug ----------------------------------------------------------------------
def test_debug_shows_the_exception(ws: Workspace) -> None:
    pid = make_post(ws, "draft")
    plain = run(ws, "post", "approve", str(pid))
    assert plain.exit_code == 4
    assert isinstance(plain.exception, SystemExit)
    assert "Traceback" not in plain.output
    debug = invoke("--debug", "--workspace", str(ws.root), "post", "approve", str(pid))
    assert isinstance(debug.exception, TransitionError)
    assert debug.exit_code != 0
    assert "Error:" not in debug.stderr  # re-raised, not rendered


def _subprocess(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CONTENTOPS_NOW": NOW}
    return subprocess.run(
        [sys.executable, "-m", "contentops", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_python_m_debug_traceback(ws: Workspace) -> None:
    pid = make_post(ws, "draft")
    plain = _subprocess("-w", str(ws.root), "post", "approve", str(pid))
    assert plain.returncode == 4
    assert plain.stderr.startswith("Error: cannot approve")
    assert "Traceback" not in plain.stderr + plain.stdout
    debug = _subprocess("--debug", "-w", str(ws.root), "post", "approve", str(pid))
    assert debug.returncode != 0
    assert "Traceback (most recent call last)" in debug.stderr
    assert "TransitionError" in debug.stderr


def test_python_m_help() -> None:
    result = _subprocess("--help")
    assert result.returncode == 0, result.stderr
    for word in ("post", "campaign", "cal", "init", "demo", "history", "undo", "--workspace", "--debug"):
        assert word in result.stdout
    assert result.stderr == ""


# -- narrow terminals ------------------------------------------------------------------------
@pytest.mark.parametrize("columns", [60, 80, 160])
def test_post_list_fits_the_terminal(ws: Workspace, columns: int) -> None:
    add(ws, "A rather long title for a post about the festival", "--at", FUTURE, "-p", "event-recap")
    add(ws, "Perth post", "--at", FUTURE, "--tz", "Australia/Perth")
    out = invoke("--workspace", str(ws.root), "post", "list", env={"COLUMNS": str(columns)}).stdout
    lines = out.splitlines()
    assert all(len(line) <= columns for line in lines), out
    assert ("Pillar" in out) == (columns >= 110)  # optional columns only where there is room
    assert "Fri 04/12 18:00" in out and "Perth" in out  # a time in another zone is marked
    assert "A rather long" in out  # the title keeps readable width
