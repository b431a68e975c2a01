"""Weekly reports, best posting times and campaign results (``contentops.report``, ``metrics report``,
``metrics best-times``, ``campaign show``).

The fixture is a small account in Sydney: seven posts around week 2026-W47 (Mon 16 - Sun 22 November,
AEDT +11:00), known snapshots and daily account figures. Every expected figure below is worked out by
hand from ``build``. The clock is pinned to Wednesday 25 November 2026, 09:00 in Sydney, so the default
report is W47.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import random
from datetime import date, datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli
from metrics_fixtures import add_snapshots, planned_post, t

from contentops import metrics
from contentops.calendar_ops import add_campaign, transition
from contentops.errors import UsageError
from contentops.report import (
    CSV_COLUMNS,
    Timeline,
    _edges,
    _gain,
    best_times,
    campaign_report,
    metrics_report,
    resolve_period,
)
from contentops.timeutil import to_utc_iso
from contentops.workspace import Workspace

NOW = "2026-11-25T09:00:00+11:00"  # Wednesday of week 2026-W48
CLI = Cli(NOW)
ok, run, run_json = CLI.ok, CLI.run, CLI.run_json
FIELDS = ("views", "likes", "comments", "shares", "saves", "followers")
SNAPSHOTS = [  # post, taken at (Sydney), (views, likes, comments, shares, saves, new followers)
    ("old", "2026-11-12T09:00:00+11:00", (1000, 100, 10, 5, 5, 3)),
    ("old", "2026-11-16T09:00:00+11:00", (1500, 150, 12, 6, 8, 4)),
    ("old", "2026-11-22T20:00:00+11:00", (2000, 180, 15, 7, None, 5)),  # saves unknown: 8 still holds
    ("stage", "2026-11-18T09:00:00+11:00", (3000, 300, 30, 20, 10, 12)),
    ("stage", "2026-11-21T09:00:00+11:00", (5000, 450, 40, 30, 25, None)),
    ("crew", "2026-11-20T09:00:00+11:00", (800, 40, 2, 1, 3, 1)),
    ("sunday", "2026-11-22T23:50:00+11:00", (100, 10, 1, 0, 0, None)),  # Sunday night: still W47
    ("sunday", "2026-11-23T10:00:00+11:00", (900, None, None, None, None, None)),  # Monday: W48
    ("monday", "2026-11-23T12:00:00+11:00", (400, 40, None, None, None, None)),
]


def build(ws: Workspace) -> dict[str, int]:
    """The fixture account; the ids of its posts by name."""
    early = t("2026-11-01T09:00:00+11:00")
    add_campaign(ws, "Summer Sounds", date(2026, 11, 1), date(2026, 12, 31), now=early,
                 goals={"views": 10000, "followers": 100, "posts": 4, "impressions": 5})  # fmt: skip

    def post(title: str, at: str, pillar: str, campaign: str | None = None, out: str | None = None) -> int:
        return planned_post(ws, title, at, created=early, went_out=out, pillar=pillar, campaign=campaign)

    ids = {
        "stage": post("Stage build", "2026-11-17 18:00", "educational", "Summer Sounds", "2026-11-17T18:05:00+11:00"),
        "crew": post("Meet the crew", "2026-11-19 12:00", "creator-showcase", None, "2026-11-19T13:00:00+11:00"),
        "sunday": post("Sunday night recap", "2026-11-22 23:30", "event-recap", "Summer Sounds",
                       "2026-11-22T23:30:00+11:00"),
        "teaser": post("Teaser", "2026-11-20 18:00", "educational"),  # approved, never went out: missed
        "dropped": post("Dropped duet", "2026-11-21 10:00", "trend"),
        "old": post("Old post", "2026-11-11 18:00", "trend", None, "2026-11-11T18:00:00+11:00"),
        "monday": post("Monday morning", "2026-11-23 08:00", "trend", None, "2026-11-23T08:00:00+11:00"),
    }  # fmt: skip
    transition(ws, ids["dropped"], "cancel", now=early)
    add_snapshots(ws, ids, SNAPSHOTS, FIELDS)
    daily = []
    for n in range(9, 23):  # 9 to 22 November
        doc: dict[str, Any] = {"day": f"2026-11-{n:02d}", **dict.fromkeys(metrics.ACCOUNT_FIELDS), "source": "import",
                               "key": str(n)}  # fmt: skip
        doc["followers"] = {15: 50000, 22: 50400}.get(n)
        doc["follower_change"] = 30 if n < 16 else [50, 60, 70, None, 80, 90, 50][n - 16]
        doc["video_views"] = 1000 if n >= 16 else None
        daily.append(doc)
    with ws.metrics_store().transaction("test daily", t(NOW)) as tx:
        tx.insert_many(metrics.DAILY, daily)
    return ids


@pytest.fixture
def ids(ws: Workspace) -> dict[str, int]:
    return build(ws)


def report(ws: Workspace, **kw: Any) -> dict[str, Any]:
    return metrics_report(ws, now=t(NOW), fmt="json", **kw).report


# -- figures -----------------------------------------------------------------------------------------
def test_report_figures_equal_hand_computed(ws: Workspace, ids: dict[str, int]) -> None:
    r = report(ws)
    assert r["period"] == {"label": "2026-W47", "start": "2026-11-16", "end": "2026-11-22", "days": 7, "week": True,
                           "complete": True}  # fmt: skip
    assert r["previous"]["label"] == "2026-W46"
    tot = r["totals"]
    # Gains in W47: old 2000-1000, stage 5000, crew 800, sunday 100 (its Monday snapshot is W48); monday: none.
    assert tot["views"] == {"value": 6900, "previous": 1000, "change": 5900, "change_percent": 590.0}
    assert [tot[f]["value"] for f in ("likes", "comments", "shares", "saves")] == [580, 48, 33, 31]
    assert [tot[f]["previous"] for f in ("likes", "comments", "shares", "saves")] == [100, 10, 5, 5]
    assert tot["engagement"] == {"value": 692, "previous": 120, "change": 572, "change_percent": 476.67}
    assert tot["new_followers"]["value"] == 15  # old 5-3, stage 12 (still known), crew 1; sunday unknown
    assert tot["engagement_rate"] == {"value": 10.03, "previous": 12.0, "change": -1.97,
                                      "change_percent": round((692 / 6900 - 0.12) / 0.12 * 100, 2)}  # fmt: skip
    assert tot["engagement_rate_followers"]["value"] == round(692 / 50400 * 100, 2)
    assert tot["engagement_rate_followers"]["previous"] == round(120 / 50000 * 100, 2)
    acc = r["account"]
    assert acc["followers"] == {"value": 50400, "previous": 50000, "change": 400, "change_percent": 0.8,
                                     "days_known": 1}  # fmt: skip
    assert acc["follower_change"]["value"] == 400 and acc["follower_change"]["days_known"] == 6
    assert acc["follower_change"]["previous"] == 210
    assert [d["views"] for d in r["daily"]] == [500, 0, 3000, 0, 800, 2000, 600]
    assert sum(d["views"] for d in r["daily"]) == tot["views"]["value"]
    assert [d["engagement"] for d in r["daily"]] == [56, 0, 360, 0, 46, 185, 45]

    rows = {p["id"]: p for p in r["posts"]}
    assert list(rows) == [ids["stage"], ids["crew"], ids["sunday"]]  # in the order they went out
    stage = rows[ids["stage"]]
    assert (stage["views"], stage["engagement"], stage["engagement_rate"]) == (5000, 545, 10.9)
    assert stage["engagement_rate_followers"] == round(545 / 50400 * 100, 2)
    assert stage["snapshot_at"] == "2026-11-21T09:00:00+11:00" and stage["new_followers"] == 12
    assert rows[ids["crew"]]["engagement_rate"] == 5.75
    assert [p["id"] for p in r["top"]["views"]] == [ids["stage"], ids["crew"], ids["sunday"]]
    assert [p["id"] for p in r["top"]["engagement_rate"]] == [ids["sunday"], ids["stage"], ids["crew"]]

    pillars = {g["name"]: g for g in r["by_pillar"]}
    assert list(pillars) == ["educational", "creator-showcase", "event-recap"]  # most views first
    assert (pillars["educational"]["posts"], pillars["educational"]["views"]) == (1, 5000)
    campaigns = {g["name"]: g for g in r["by_campaign"]}
    summer = campaigns["Summer Sounds"]
    assert (summer["posts"], summer["views"], summer["engagement"], summer["engagement_rate"]) == (2, 5100, 556, 10.9)
    assert campaigns[None]["posts"] == 1 and r["by"] == "pillar"

    adh = r["adherence"]
    assert {k: adh[k] for k in ("planned", "on_time", "early", "late", "missed", "cancelled", "upcoming")} == {
        "planned": 5, "on_time": 2, "early": 0, "late": 1, "missed": 1, "cancelled": 1, "upcoming": 0}  # fmt: skip
    assert adh["on_time_percent"] == 50.0  # 2 of the 4 due (the cancelled one is not)
    outcome = {i["id"]: (i["outcome"], i["delay_minutes"]) for i in adh["posts"]}
    assert outcome == {ids["stage"]: ("on_time", 5), ids["crew"]: ("late", 60), ids["teaser"]: ("missed", None),
                       ids["dropped"]: ("cancelled", None), ids["sunday"]: ("on_time", 0)}  # fmt: skip

    best = r["best_hours"]  # posts before the end of W47, figures as of then: old 18h, stage 18h, crew 13h, sunday 23h
    assert best["posts"] == 4
    assert {h["hour"]: (h["posts"], h["engagement_rate"]) for h in best["by_hour"]} == {
        13: (1, 5.75), 18: (2, round((210 / 2000 + 545 / 5000) / 2 * 100, 2)), 23: (1, 11.0)}  # fmt: skip
    assert [h["hour"] for h in best["top_hours"]] == [23, 18, 13] and all(h["few"] for h in best["top_hours"])


def test_week_boundary_is_sunday_midnight_in_sydney(ws: Workspace, ids: dict[str, int]) -> None:
    # 'sunday' went out at 23:30 Sunday in Sydney (12:30 UTC) and belongs to W47; 'monday' went out at
    # 08:00 Monday in Sydney, which is still Sunday in UTC (21:00), and belongs to W48.
    w47 = report(ws, week="2026-W47")
    assert ids["sunday"] in [p["id"] for p in w47["posts"]]
    assert ids["monday"] not in [p["id"] for p in w47["posts"]]
    assert w47["daily"][-1]["views"] == 600  # the snapshot at 23:50 Sunday counts, Monday's does not
    w48 = report(ws, week="2026-W48")
    assert [p["id"] for p in w48["posts"]] == [ids["monday"]]
    assert w48["period"]["complete"] is False
    assert [i["id"] for i in w48["adherence"]["posts"]] == [ids["monday"]]
    assert w48["totals"]["views"]["value"] == 800 + 400  # sunday 900-100, monday 400
    assert report(ws, week="2026-11-22")["period"]["label"] == "2026-W47"  # a day in the week


def test_week_edges_follow_daylight_saving() -> None:
    # Week 2026-W14 ends on Sunday 5 April, when Sydney goes back from +11:00 to +10:00: a 25-hour day.
    edges = _edges(date(2026, 3, 30), 7, "Australia/Sydney")
    assert edges[0] == "2026-03-29T13:00:00Z" and edges[-1] == "2026-04-05T14:00:00Z"
    hours = [(datetime.fromisoformat(b) - datetime.fromisoformat(a)).total_seconds() / 3600
             for a, b in pairwise(edges)]  # fmt: skip
    assert hours == [24] * 6 + [25]


def test_unknown_stays_unknown(ws: Workspace, ids: dict[str, int]) -> None:
    r = report(ws)
    acc = r["account"]
    assert acc["profile_views"] == {"value": None, "previous": None, "change": None, "change_percent": None,
                                    "days_known": 0}  # fmt: skip
    assert acc["video_views"]["value"] == 7000 and acc["video_views"]["change"] is None  # W46 unknown, not 0
    sunday = next(p for p in r["posts"] if p["id"] == ids["sunday"])
    assert sunday["new_followers"] is None and sunday["reach"] is None
    assert next(g for g in r["by_pillar"] if g["name"] == "event-recap")["new_followers"] is None
    md = metrics_report(ws, now=t(NOW), fmt="md").data.decode()
    assert "| Profile views (account) | ? | ? | ? |" in md
    # A week with no figures at all: every total unknown, none 0.
    empty = report(ws, week="2026-W40")
    assert all(v["value"] is None for v in empty["totals"].values())
    assert all(d["views"] is None for d in empty["daily"])


def test_timeline_answers_like_the_metrics_helpers() -> None:
    rng = random.Random(6)
    base = datetime(2026, 11, 1, tzinfo=t(NOW).tzinfo)
    snaps = []
    for n in range(60):
        at = to_utc_iso(base + timedelta(hours=rng.randint(0, 24 * 20)))
        snaps.append(metrics.snapshot_doc(1, at, {f: rng.choice([None, n * 10]) for f in FIELDS}, "log", str(n)))
    snaps = metrics.snapshots_by_post(snaps)[1]
    timeline = Timeline(snaps)
    bounds = [None, *sorted({s["at"] for s in snaps}), "2026-10-01T00:00:00Z", "2026-12-31T00:00:00Z"]
    bounds += [to_utc_iso(base + timedelta(hours=rng.randint(0, 24 * 21))) for _ in range(40)]
    for field in FIELDS:
        for before in bounds:
            assert timeline.value_at(field, before) == metrics.value_at(snaps, field, before)
        for lo, hi in pairwise(bounds[1:]):
            assert _gain(timeline.value_at(field, hi), timeline.value_at(field, lo)) == metrics.gain(
                snaps, field, lo, hi
            )


def test_periods() -> None:
    today = date(2026, 11, 25)  # a Wednesday
    default = resolve_period(None, None, None, today)
    assert (default.label, default.start, default.end) == ("2026-W47", date(2026, 11, 16), date(2026, 11, 23))
    assert resolve_period("2026-w48", None, None, today).start == date(2026, 11, 23)
    assert resolve_period("2027-W01", None, None, today).start == date(2027, 1, 4)
    assert resolve_period("today", None, None, today).label == "2026-W48"
    days = resolve_period(None, "1/11", "30/11", today)
    assert (days.start, days.end, days.days, days.label) == (date(2026, 11, 1), date(2026, 12, 1), 30,
                                                             "2026-11-01 to 2026-11-30")  # fmt: skip
    assert (days.previous.start, days.previous.end) == (date(2026, 10, 2), date(2026, 11, 1))
    assert resolve_period(None, "2026-11-20", None, today).end == date(2026, 11, 26)  # to today, included
    for week, start, end, needle in [("2026-W54", None, None, "not a week"), ("soon", None, None, "as a week"),
                                     ("2026-W48", "1/11", None, "not both"), (None, None, "30/11", "--to needs"),
                                     (None, "30/11", "1/11", "before --from")]:  # fmt: skip
        with pytest.raises(UsageError, match=needle):
            resolve_period(week, start, end, today)


# -- formats -----------------------------------------------------------------------------------------
def test_markdown_and_csv_shapes(ws: Workspace, ids: dict[str, int]) -> None:
    from contentops.calendar_ops import edit_post

    edit_post(ws, ids["crew"], title='=HYPERLINK("x") | crew', now=t(NOW))
    md = metrics_report(ws, now=t(NOW), fmt="md").data.decode()
    lines = md.splitlines()
    assert lines[0] == "# Metrics report @brand.anz: 2026-W47"
    for heading in ("Totals", "Day by day", "Posts published", "Top posts", "By pillar", "Plan adherence",
                    "Best posting hours"):  # fmt: skip
        assert f"## {heading}" in lines
    assert "Engagement rate = engagement / views x 100" in md
    table = [line for line in lines if line.startswith("|")]
    cells = [len(line.replace("\\|", "").split("|")) for line in table]
    assert table and all(n > 2 for n in cells)
    header = lines.index("| Metric | This week | Week before | Change |")
    assert (
        lines[header + 1] == "|:---|---:|---:|---:|"
        and lines[header + 2] == "| Views | 6,900 | 1,000 | +5,900 (+590.0%) |"
    )
    assert '=HYPERLINK("x") \\| crew' in md  # the title's | cannot break the table
    assert "2 on time, 1 late, 1 missed, 1 cancelled" in md

    data = metrics_report(ws, now=t(NOW), fmt="csv").data
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == 4
    crew = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert crew["title"] == '\'=HYPERLINK("x") | crew'  # neutralised for Excel
    assert (crew["views"], crew["engagement_rate"], crew["reach"]) == ("800", "5.75", "")  # unknown: empty


class _Html(HTMLParser):
    VOID = frozenset({"meta", "img", "br", "hr", "link", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack and self.stack.pop() == tag, f"</{tag}> does not close {self.stack[-1:]}"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_is_one_self_contained_file(ws: Workspace, ids: dict[str, int], tmp_path: Path) -> None:
    from contentops.calendar_ops import edit_post

    edit_post(ws, ids["stage"], title="<script>alert('x')</script> & <b>build</b>", now=t(NOW))
    out = tmp_path / "week.html"
    ok(ws, "metrics", "report", "-o", str(out))  # html from the extension
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script>" not in page
    parser = _Html()
    parser.feed(page)
    parser.close()
    assert parser.stack == []  # every element closed, in order
    assert "<script>alert('x')</script> & <b>build</b>" in "".join(parser.text)  # shown as text
    assert not [t for t, _ in parser.tags if t in ("script", "link", "iframe", "object")]
    for _, attrs in parser.tags:
        for name in ("src", "href"):
            assert not (attrs.get(name) or "").startswith(("http:", "https:", "//")), attrs
    images = [a["src"] for tag, a in parser.tags if tag == "img"]
    assert len(images) == 1 and images[0].startswith("data:image/png;base64,")
    png = base64.b64decode(images[0].split(",", 1)[1], validate=True)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def test_chart_png_in_the_brand_colour(ws: Workspace, ids: dict[str, int], tmp_path: Path) -> None:
    from PIL import Image

    kit = ws.assets_dir / "brand.toml"
    kit.write_text(kit.read_text(encoding="utf-8").replace('primary = "#FE2C55"', 'primary = "#1A7F5A"'))
    chart = tmp_path / "week.png"
    result = ok(ws, "metrics", "report", "--format", "md", "--chart", str(chart))
    assert result.stdout.startswith("# Metrics report") and "Wrote" not in result.stdout
    with Image.open(chart) as image:
        assert (image.format, image.size) == ("PNG", (1200, 720))
        pixels = image.convert("RGB").getdata()
        brand = sum(1 for p in pixels if p == (0x1A, 0x7F, 0x5A))
    assert brand > 5000  # the bars
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temp file left


# -- the command line --------------------------------------------------------------------------------
def test_cli_report_formats_and_refusals(ws: Workspace, ids: dict[str, int], tmp_path: Path) -> None:
    table = ok(ws, "metrics", "report").stdout
    for needle in ("Metrics report @brand.anz: 2026-W47", "Totals", "6,900", "Plan adherence", "late by 1 h 00 min",
                   "? = unknown", "Best posting hours"):  # fmt: skip
        assert needle in table
    assert "\x1b[" not in table  # NO_COLOR
    as_json = run_json(ws, "metrics", "report")
    assert as_json == json.loads(ok(ws, "metrics", "report", "--format", "json").stdout)
    assert as_json["totals"]["views"]["value"] == 6900 and "by_campaign" in as_json
    assert "By campaign" in ok(ws, "metrics", "report", "--by", "campaign").stdout
    md = tmp_path / "w47.md"
    assert ok(ws, "metrics", "report", "--week", "2026-W47", "-o", str(md)).stdout.strip() == f"Wrote {md}"
    assert md.read_text(encoding="utf-8").startswith("# Metrics report")
    ranged = run_json(ws, "metrics", "report", "--from", "2026-11-16", "--to", "2026-11-22")
    assert ranged["totals"]["views"] == as_json["totals"]["views"] and ranged["period"]["week"] is False
    for args, needle in [
        (("--week", "2026-W99"), "not a week"),
        (("--json", "--format", "md"), "disagree"),
        (("--format", "pdf"), "unknown report format"),
        (("-o", str(tmp_path / "r.txt")), "which format"),
        (("--format", "table", "-o", str(tmp_path / "r.md")), "for the terminal"),
        (("--by", "owner"), "cannot group by"),
        (("--chart", str(tmp_path / "c.jpg")), "PNG"),
    ]:
        CLI.assert_error(run(ws, "metrics", "report", *args), 2, needle)
    assert not (tmp_path / "r.md").exists()


def test_report_without_a_chart_does_not_load_pillow(ws: Workspace, ids: dict[str, int]) -> None:
    from test_layout import _loaded

    code, loaded = _loaded(["--workspace", str(ws.root), "metrics", "report", "--format", "md"], ws.root)
    assert code == 0 and "PIL" not in loaded


def test_best_times(ws: Workspace, ids: dict[str, int]) -> None:
    data = best_times(ws, now=t(NOW), weeks=12)
    assert data["posts"] == 5  # published in the last 12 weeks with a known rate (latest figures)
    grid = {d["weekday"]: d["hours"] for d in data["grid"]}
    assert list(grid) == ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] and all(len(h) == 24 for h in grid.values())
    assert grid["Tue"][18] == {"hour": 18, "posts": 1, "engagement_rate": 10.9, "views": 5000}
    assert grid["Mon"][8]["engagement_rate"] == 10.0  # 40 / 400
    assert grid["Sun"][23]["engagement_rate"] == round(11 / 900 * 100, 2)  # its latest views: 900
    assert grid["Fri"][18] == {"hour": 18, "posts": 0, "engagement_rate": None, "views": None}
    assert [(s["weekday"], s["hour"]) for s in data["top"]] == [("Tue", 18), ("Wed", 18), ("Mon", 8), ("Thu", 13),
                                                                ("Sun", 23)]  # fmt: skip
    assert all(s["few"] for s in data["top"]) and any("too few to trust" in n for n in data["notes"])
    assert data["activity"] is None
    assert best_times(ws, now=t(NOW), weeks=1)["posts"] == 3  # crew, sunday, monday: stage is 8 days old

    with ws.metrics_store().transaction("activity", t(NOW)) as tx:
        tx.insert_many("activity", [{"day": f"2026-11-{d}", "hour": h, "active_followers": 100 * h + d, "key": ""}
                                    for d in (20, 22) for h in range(24)])  # fmt: skip
    activity = best_times(ws, now=t(NOW))["activity"]
    assert activity[20] == {"hour": 20, "active_followers": 2021, "days": 2}
    text = ok(ws, "metrics", "best-times").stdout
    assert "Mon   .  .  .  .  .  .  .  . 10" in text  # readable without colour: numbers, '.' = no post
    assert "Tue 18:00" in text and "few posts" in text and "too few to trust" in text
    assert "Followers online most" in text and "23:00 (2,321)" in text
    assert run_json(ws, "metrics", "best-times", "--weeks", "4")["weeks"] == 4
    CLI.assert_error(run(ws, "metrics", "best-times", "--weeks", "0"), 2, "--weeks 0")


def test_campaign_show_results_against_goals(ws: Workspace, ids: dict[str, int]) -> None:
    campaign, posts, results = campaign_report(ws, "summer sounds", now=t(NOW))
    assert campaign["name"] == "Summer Sounds" and [p["id"] for p in posts] == [ids["stage"], ids["sunday"]]
    totals = results["totals"]  # latest figures: stage 5000 views, sunday 900 (likes etc. from its first snapshot)
    assert (totals["posts"], totals["views"], totals["engagement"], totals["new_followers"]) == (2, 5900, 556, 12)
    goals = {g["metric"]: g for g in results["goals"]}
    assert goals["views"] == {"metric": "views", "goal": 10000, "measured": True, "current": 5900,
                                   "percent": 59.0, "reached": False}  # fmt: skip
    assert (goals["followers"]["current"], goals["posts"]["percent"]) == (12, 50.0)
    assert goals["impressions"]["measured"] is False and goals["impressions"]["current"] is None
    shown = run_json(ws, "campaign", "show", "Summer Sounds")
    assert shown["results"]["goals"] == results["goals"] and shown["post_list"] == posts
    text = ok(ws, "campaign", "show", "Summer Sounds").stdout
    assert "Results as of Wed 25/11 09:00: 2 published, views 5,900" in text
    assert "not measured" in text and "59%" in text
