"""The trend log (``contentops.trends``, ``contentops trend ...``) and its section of the weekly report.

CLI tests pin the clock to Wednesday 18 November 2026, 09:00 in Sydney (AEDT, +11:00). The report fixture is
week 2026-W47 (Mon 16 - Sun 22 November) with the clock on Wednesday 25 November; its expected figures are
worked out by hand from ``build``.
"""

from __future__ import annotations

from typing import Any

import pytest
from cli_helpers import Cli
from metrics_fixtures import URL, add_snapshots, planned_post, t

from contentops.report import metrics_report
from contentops.trends import add_trend, set_status, use_trend
from contentops.workspace import Workspace

NOW = "2026-11-18T09:00:00+11:00"
CLI = Cli(NOW, require_hint=True)
ok, run, run_json, refused = CLI.ok, CLI.run, CLI.run_json, CLI.refused


def add(ws: Workspace, *args: str) -> dict[str, Any]:
    return run_json(ws, "trend", "add", *args)


def show(ws: Workspace, trend_id: int) -> dict[str, Any]:
    return run_json(ws, "trend", "show", str(trend_id))


def published_post(ws: Workspace, title: str) -> int:
    pid = CLI.add(ws, title, "--at", "fri 6pm")
    for action in ("submit", "approve"):
        ok(ws, "post", action, str(pid))
    ok(ws, "post", "publish", str(pid), "--url", URL.format(pid))
    return pid


# -- the command line --------------------------------------------------------------------------------
def test_add_list_show(ws: Workspace) -> None:
    tag = add(ws, "summerSounds", "--kind", "hashtag", "--region", "au", "--url",
              "https://www.tiktok.com/tag/summersounds", "--note", "  big with   Melbourne creators ")  # fmt: skip
    assert tag == {
        "id": 1, "name": "#summerSounds", "kind": "hashtag", "status": "spotted", "region": "AU",
        "url": "https://www.tiktok.com/tag/summersounds", "note": "big with Melbourne creators", "posts": [],
        "spotted_at": "2026-11-18T09:00:00+11:00", "used_at": None, "updated_at": "2026-11-18T09:00:00+11:00",
    }  # fmt: skip
    sound = add(ws, "Espresso   (sped up)", "--kind", "SOUND")
    assert (sound["id"], sound["name"], sound["kind"], sound["region"], sound["url"]) == (
        2, "Espresso (sped up)", "sound", None, None,
    )  # fmt: skip
    later = CLI.at("2026-11-19T10:00:00+11:00")
    assert later.ok(ws, "trend", "add", "Duet chain", "--kind", "challenge", "--region", "ANZ").stdout == (
        "Logged trend 3: Duet chain (challenge, spotted).\n"
    )
    assert [d["id"] for d in run_json(ws, "trend", "list")] == [3, 2, 1]  # newest first
    assert [d["id"] for d in run_json(ws, "trend", "list", "--kind", "hashtag")] == [1]
    table = ok(ws, "trend", "list").stdout
    assert "#summerSounds" in table and "Espresso (sped up)" in table and "big with Melbourne" in table
    shown = show(ws, 1)
    assert {k: shown[k] for k in tag} == tag
    assert shown["log"] == [{"at": "2026-11-18T09:00:00+11:00", "by": "tester", "action": "spotted",
                             "status": "spotted"}]  # fmt: skip
    assert shown["post_list"] == [] and shown["totals"] == {"views": None, "engagement": None, "engagement_rate": None}
    assert "No post uses it yet" in ok(ws, "trend", "show", "1").stdout


def test_refusals_change_nothing(ws: Workspace) -> None:
    add(ws, "SummerSounds", "--kind", "hashtag")
    cancelled = CLI.add(ws, "Dropped duet", "--at", "fri 6pm")
    ok(ws, "post", "cancel", str(cancelled))
    draft = CLI.add(ws, "Duet", "--at", "sat 6pm")
    ok(ws, "trend", "use", "1", str(draft))
    expired = add(ws, "Old dance", "--kind", "format")["id"]
    ok(ws, "trend", "status", str(expired), "expired")

    refused(ws, 2, "trend", "add", "X", "--kind", "meme", needles=("unknown trend kind 'meme'",))
    refused(ws, 2, "trend", "add", "X", "--kind", "sound", "--url", "ftp://example.com/x", needles=("web link",))
    for url in ("tiktok.com/tag/x", "https://", "http://[::1", "https://www.tiktok.com/tag/a b"):
        refused(ws, 2, "trend", "add", "X", "--kind", "sound", "--url", url, needles=("web link",))
    refused(ws, 2, "trend", "add", "X", "--kind", "sound", "--region", "US", needles=("unknown region 'US'",))
    refused(ws, 2, "trend", "add", "summer sounds", "--kind", "hashtag", needles=("not one hashtag",))
    refused(ws, 2, "trend", "add", "   ", "--kind", "sound", needles=("needs a name",))
    # The same kind and name (case aside, '#' or not) while the first is active: refused, with the way out.
    result = refused(ws, 4, "trend", "add", "#summersounds", "--kind", "hashtag")
    assert result.stderr == (
        "Error: hashtag '#SummerSounds' is in the log already: trend 1, used\n"
        "Hint: see it with 'contentops trend show 1', or expire it first: contentops trend status 1 expired\n"
    )
    refused(ws, 1, "trend", "show", "9", needles=("no trend with id 9",))
    refused(ws, 2, "trend", "show", "abc", needles=("not a trend id",))
    refused(ws, 2, "trend", "list", "--kind", "meme")
    refused(ws, 2, "trend", "status", "1", "viral", needles=("unknown trend status 'viral'",))
    refused(ws, 4, "trend", "status", "1", "used", needles=("trend 1 is used already",))
    refused(ws, 1, "trend", "status", "9", "used", needles=("no trend with id 9",))
    refused(ws, 4, "trend", "use", "1", str(draft), needles=(f"post {draft} uses trend 1 already",))
    refused(ws, 4, "trend", "use", "1", str(cancelled), needles=("cancelled",))
    refused(ws, 1, "trend", "use", "1", "99", needles=("no post with id 99",))
    refused(ws, 2, "trend", "use", "1", "x", needles=("not a post id",))
    refused(ws, 4, "trend", "use", str(expired), str(draft), needles=("expired",))
    refused(ws, 1, "trend", "unuse", str(expired), str(draft), needles=(f"post {draft} does not use trend",))
    # An expired trend comes back only while no other trend of its kind and name is active.
    add(ws, "old  dance", "--kind", "format")
    refused(ws, 4, "trend", "status", str(expired), "trying", needles=("is active as trend",))


def test_statuses_and_active(ws: Workspace) -> None:
    for name in ("A", "B", "C"):
        add(ws, name, "--kind", "format")
    out = ok(ws, "trend", "status", "2", "trying", "--note", "Priya drafts one").stdout
    assert out == "Trend 2 B: spotted -> trying.\n"
    ok(ws, "trend", "status", "3", "expired")
    assert [(d["id"], d["status"]) for d in run_json(ws, "trend", "list", "--active")] == [
        (2, "trying"),
        (1, "spotted"),
    ]
    assert [d["id"] for d in run_json(ws, "trend", "list")] == [3, 2, 1]
    assert show(ws, 2)["log"][-1] == {"at": "2026-11-18T09:00:00+11:00", "by": "tester", "action": "status",
                                      "status": "trying", "note": "Priya drafts one"}  # fmt: skip
    # Marked used by hand (a post outside the calendar): used_at is when.
    later = CLI.at("2026-11-20T12:00:00+11:00")
    later.ok(ws, "trend", "status", "2", "used")
    assert show(ws, 2)["used_at"] == "2026-11-20T12:00:00+11:00"
    # Expired comes back, and an expired trend's name can be logged anew.
    ok(ws, "trend", "status", "3", "spotted")
    ok(ws, "trend", "status", "3", "expired")
    assert add(ws, "c", "--kind", "format")["id"] == 4


def test_use_links_posts_and_shows_their_figures(ws: Workspace) -> None:
    trend = add(ws, "Espresso", "--kind", "sound")["id"]
    out_post = published_post(ws, "Stage duet")
    ok(ws, "metrics", "log", str(out_post), "--views", "5000", "--likes", "450", "--comments", "40",
       "--shares", "30", "--saves", "25")  # fmt: skip
    draft = CLI.add(ws, "Crew dance", "--at", "sat 6pm")
    assert ok(ws, "trend", "use", str(trend), str(out_post)).stdout == (
        f"Post {out_post} 'Stage duet' uses trend {trend} Espresso (now used).\n"
    )
    ok(ws, "trend", "use", str(trend), str(draft))
    doc = show(ws, trend)
    assert doc["status"] == "used" and doc["posts"] == [out_post, draft]
    assert doc["used_at"] == "2026-11-18T09:00:00+11:00"
    first, second = doc["post_list"]
    assert (first["id"], first["title"], first["status"], first["views"], first["engagement"],
            first["engagement_rate"]) == (out_post, "Stage duet", "published", 5000, 545, 10.9)  # fmt: skip
    assert first["published_at"] == "2026-11-18T09:00:00+11:00"
    assert (second["id"], second["status"], second["views"], second["engagement"]) == (draft, "draft", None, None)
    assert doc["totals"] == {"views": 5000, "engagement": 545, "engagement_rate": 10.9}
    table = ok(ws, "trend", "show", str(trend)).stdout
    assert "Stage duet" in table and "5,000" in table and "10.90%" in table and "Crew dance" in table
    # Unlinking: the last post gone, a used trend is back to trying.
    ok(ws, "trend", "unuse", str(trend), str(out_post))
    assert show(ws, trend)["status"] == "used"
    ok(ws, "trend", "unuse", str(trend), str(draft))
    doc = show(ws, trend)
    assert (doc["status"], doc["posts"]) == ("trying", [])
    assert [e["action"] for e in doc["log"]] == ["spotted", "use", "use", "unuse", "unuse"]


def test_every_change_is_one_undoable_step(ws: Workspace) -> None:
    trend = add(ws, "Espresso", "--kind", "sound")["id"]
    post = CLI.add(ws, "Duet", "--at", "sat 6pm")
    ok(ws, "trend", "use", str(trend), str(post))
    history = ok(ws, "history").stdout
    assert f"post {post} uses trend {trend} 'Espresso'" in history
    assert "logged trend 1 sound 'Espresso'" in history
    ok(ws, "undo")
    doc = show(ws, trend)
    assert (doc["status"], doc["posts"], len(doc["log"])) == ("spotted", [], 1)
    ok(ws, "undo")  # the post
    ok(ws, "undo")  # the trend
    assert run_json(ws, "trend", "list") == []


# -- the weekly report -------------------------------------------------------------------------------
REPORT_NOW = "2026-11-25T09:00:00+11:00"  # Wednesday of W48: the default report is W47
FIELDS = ("views", "likes", "comments", "shares", "saves")
SNAPSHOTS = [  # post, taken at (Sydney), figures
    ("stage", "2026-11-18T09:00:00+11:00", (3000, 300, 30, 20, 10)),
    ("stage", "2026-11-21T09:00:00+11:00", (5000, 450, 40, 30, 25)),
    ("stage", "2026-11-24T09:00:00+11:00", (9000, 800, 60, 50, 40)),  # W48: not in W47's figures
    ("crew", "2026-11-20T09:00:00+11:00", (800, 40, 2, 1, 3)),
    ("old", "2026-11-12T09:00:00+11:00", (1000, 100, 10, 5, 5)),
]


def build(ws: Workspace) -> dict[str, int]:
    """Posts (stage, crew: out in W47; old: out in W46; plan: not out) and trends by name."""
    early = t("2026-11-01T09:00:00+11:00")

    def post(title: str, at: str, out: str | None = None) -> int:
        return planned_post(ws, title, at, created=early, went_out=out)

    ids = {
        "stage": post("Stage duet", "2026-11-17 18:00", "2026-11-17T18:05:00+11:00"),
        "crew": post("Crew dance", "2026-11-19 12:00", "2026-11-19T13:00:00+11:00"),
        "old": post("Old post", "2026-11-11 18:00", "2026-11-11T18:00:00+11:00"),
        "plan": post("Planned", "2026-11-27 18:00"),
    }
    add_snapshots(ws, ids, SNAPSHOTS, FIELDS)

    def trend(name: str, kind: str, spotted: str) -> int:
        return add_trend(ws, name, kind, now=t(spotted))["id"]

    trends = {
        "espresso": trend("Espresso", "sound", "2026-11-16T10:00:00+11:00"),  # spotted and used in W47
        "oldtag": trend("OldTag", "hashtag", "2026-11-10T10:00:00+11:00"),  # spotted and used in W46
        "pov": trend("POV crowd", "format", "2026-11-05T10:00:00+11:00"),  # marked used in W47, no post
        "sunday": trend("Sunday dance", "challenge", "2026-11-22T23:30:00+11:00"),  # Sunday night: W47
        "monday": trend("Monday dance", "challenge", "2026-11-23T00:30:00+11:00"),  # Monday: W48 (UTC: Sunday)
        "planned": trend("Later", "sound", "2026-11-02T10:00:00+11:00"),  # its post not out yet
    }
    use_trend(ws, trends["espresso"], ids["stage"], now=t("2026-11-17T09:00:00+11:00"))
    use_trend(ws, trends["espresso"], ids["crew"], now=t("2026-11-18T09:00:00+11:00"))
    use_trend(ws, trends["oldtag"], ids["old"], now=t("2026-11-10T11:00:00+11:00"))
    use_trend(ws, trends["planned"], ids["plan"], now=t("2026-11-12T11:00:00+11:00"))
    set_status(ws, trends["pov"], "trying", now=t("2026-11-12T10:00:00+11:00"))
    set_status(ws, trends["pov"], "used", now=t("2026-11-20T10:00:00+11:00"))
    return {**ids, **trends}


@pytest.fixture
def ids(ws: Workspace) -> dict[str, int]:
    return build(ws)


def week(ws: Workspace, label: str | None = None, fmt: str = "json") -> Any:
    return metrics_report(ws, now=t(REPORT_NOW), week=label, fmt=fmt)


def test_report_lists_trends_spotted_and_used_with_figures(ws: Workspace, ids: dict[str, int]) -> None:
    trends = week(ws).report["trends"]
    assert [r["id"] for r in trends["spotted"]] == [ids["espresso"], ids["sunday"]]
    assert [r["id"] for r in trends["used"]] == [ids["pov"], ids["espresso"]]  # by when spotted
    espresso = trends["used"][1]
    assert espresso == trends["spotted"][0]
    # Figures as of the end of W47: stage's snapshot of Saturday (not Tuesday's of W48), crew's of Friday.
    assert [(p["id"], p["views"], p["engagement"], p["engagement_rate"]) for p in espresso["post_list"]] == [
        (ids["stage"], 5000, 450 + 40 + 30 + 25, 10.9),
        (ids["crew"], 800, 40 + 2 + 1 + 3, 5.75),
    ]
    assert espresso["post_list"][0]["published_at"] == "2026-11-17T18:05:00+11:00"
    assert (espresso["views"], espresso["engagement"], espresso["engagement_rate"]) == (5800, 591, 10.19)
    assert (espresso["name"], espresso["kind"], espresso["status"]) == ("Espresso", "sound", "used")
    pov = trends["used"][0]
    assert (pov["post_list"], pov["views"], pov["engagement_rate"]) == ([], None, None)
    assert pov["used_at"] == "2026-11-20T10:00:00+11:00"

    # The week before: OldTag, spotted, marked used and out in W46, with its post's figures then.
    before = week(ws, "2026-W46").report["trends"]
    assert [r["id"] for r in before["spotted"]] == [ids["oldtag"]]
    # Used: "Later" was marked used in W46 (its post is still to go out), OldTag's post went out in W46.
    assert [r["id"] for r in before["used"]] == [ids["planned"], ids["oldtag"]]
    later, oldtag = before["used"]
    assert (later["post_list"][0]["status"], later["post_list"][0]["published_at"], later["views"]) == (
        "approved", None, None,
    )  # fmt: skip
    assert (oldtag["views"], oldtag["engagement"], oldtag["engagement_rate"]) == (1000, 120, 12.0)
    # The week after: Monday's challenge only (spotted at 00:30 Sydney, still Sunday in UTC).
    after = week(ws, "2026-W48").report["trends"]
    assert ([r["id"] for r in after["spotted"]], after["used"]) == ([ids["monday"]], [])


def test_report_section_in_markdown_and_terminal(ws: Workspace, ids: dict[str, int]) -> None:
    md = week(ws, fmt="md").data.decode()
    section = md.split("## Trends\n", 1)[1].split("\n## ", 1)[0]
    assert "a post linked to the trend went out in the period" in section
    assert (f"| {ids['espresso']} | Espresso | sound | used | spotted, used | #{ids['stage']} #{ids['crew']} "
            "| 5,800 | 591 | 10.19% |") in section  # fmt: skip
    assert f"| {ids['pov']} | POV crowd | format | used | used | - | ? | ? | ? |" in section
    assert f"| {ids['sunday']} | Sunday dance | challenge | spotted | spotted | - | ? | ? | ? |" in section
    assert "Monday dance" not in section and "OldTag" not in section
    assert md.index("## Plan adherence") < md.index("## Trends") < md.index("## Best posting hours")
    # Nothing to show: one line.
    empty = week(ws, "2026-W40", fmt="md").data.decode()
    assert "## Trends\n\nNo trend was spotted or used in this period.\n" in empty
    terminal = Cli(REPORT_NOW).ok(ws, "metrics", "report").stdout
    assert "Trends" in terminal and "Espresso" in terminal and "5,800" in terminal
