"""Calendar export (ICS, CSV, JSON) and import (CSV, JSON), through the command line.

The clock is pinned to Wednesday 18 November 2026, 09:00 in Sydney. Refused imports are
checked for exit code 2, an error naming the row and column, and a byte-identical
``calendar/calendar.json``.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli

from contentops import exchange
from contentops.calendar_ops import add_campaign, add_post, transition
from contentops.workspace import Workspace

NOW = "2026-11-18T09:00:00+11:00"
URL = "https://www.tiktok.com/@brand.anz/video/7301234567890123456"
CAPTION = 'Kia ora, Tāmaki Makaurau! 🎉\nSee you at the "main" stage, 6pm'
CLI = Cli(NOW)
ok, run_json, refused = CLI.ok, CLI.run_json, CLI.refused


def posts(ws: Workspace) -> list[dict[str, Any]]:
    return run_json(ws, "post", "list")


def by_id(ws: Workspace) -> dict[int, dict[str, Any]]:
    return {p["id"]: p for p in posts(ws)}


@pytest.fixture
def cal(ws: Workspace) -> dict[str, int]:
    """A calendar with a post in every status, three zones, a daylight-saving change, a campaign,
    non-ASCII text and an unscheduled idea."""
    now = datetime.fromisoformat(NOW)
    add_campaign(ws, "Summer Sounds", date(2026, 12, 1), date(2027, 4, 30), hashtags=["SummerSounds"], now=now)

    def add(title: str, **kw: Any) -> int:
        return add_post(ws, title, now=now, **kw)["id"]

    ids = {
        "draft": add(
            "Stage build timelapse", at="fri 6pm", pillar="educational", campaign="Summer Sounds",
            caption=CAPTION, hashtags=["SummerSounds,Matariki"], owner="Aroha",
        ),
        "approved": add("Perth meetup", at="2026-12-04 18:00", tz="Australia/Perth"),
        "scheduled": add("Auckland teaser", at="2026-12-05 18:00", tz="Pacific/Auckland"),
        "published": add("Festival recap", at="2026-11-14 18:00", video="clips/recap.mp4"),
        "cancelled": add("Dropped duet", at="2026-12-06 18:00"),
        "in-review": add("Autumn sale", at="2027-04-10 18:00"),  # after daylight saving ends: +10:00
        "idea": add("Someday maybe", idea=True),
    }  # fmt: skip
    steps = {
        "approved": ["submit", "approve"],
        "scheduled": ["submit", "approve", "schedule"],
        "published": ["submit", "approve", "publish"],
        "cancelled": ["cancel"],
        "in-review": ["submit"],
    }
    for status, actions in steps.items():
        for action in actions:
            transition(ws, ids[status], action, now=now, url=URL if action == "publish" else None)
    assert {p["status"] for p in posts(ws)} == {*ids}
    return ids


def ics_events(data: bytes) -> tuple[Any, dict[str, Any]]:
    from icalendar import Calendar

    parsed = Calendar.from_ical(data)
    return parsed, {str(ev["UID"]): ev for ev in parsed.walk("VEVENT")}


# -- ICS ---------------------------------------------------------------------------------------
def test_ics_events_match_posts_with_zones_and_stable_uids(ws: Workspace, cal: dict[str, int]) -> None:
    ok(ws, "cal", "export", "-o", "first.ics")
    data = Path("first.ics").read_bytes()
    assert ok(ws, "cal", "export", "--format", "ics").stdout_bytes == data  # stdout and -o agree
    lines = data.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and len(line) <= 75 for line in lines)

    parsed, events = ics_events(data)
    assert (str(parsed["VERSION"]), str(parsed["METHOD"])) == ("2.0", "PUBLISH")
    assert "contentops" in str(parsed["PRODID"]) and str(parsed["X-WR-CALNAME"])
    expected = {p["id"]: p for p in posts(ws) if p["at"] and p["status"] != "cancelled"}
    assert set(events) == {f"post-{i}@brand.anz.contentops" for i in expected}
    assert cal["cancelled"] not in expected and cal["idea"] not in expected
    for post_id, post in expected.items():
        ev = events[f"post-{post_id}@brand.anz.contentops"]
        assert ev.start == datetime.fromisoformat(post["at"])  # the same instant
        assert ev["DTSTART"].params["TZID"] == post["tz"] and ev.start.tzinfo.key == post["tz"]
        assert ev.end - ev.start == timedelta(minutes=15)
        assert str(ev["SUMMARY"]) == post["title"]
        assert f"Status: {post['status']}" in str(ev["DESCRIPTION"])
        confirmed = post["status"] in ("approved", "scheduled", "published")
        assert str(ev["STATUS"]) == ("CONFIRMED" if confirmed else "TENTATIVE")
        assert ev["DTSTAMP"].dt == datetime.fromisoformat(NOW)
    draft = events[f"post-{cal['draft']}@brand.anz.contentops"]
    assert CAPTION in str(draft["DESCRIPTION"]) and "#SummerSounds #Matariki" in str(draft["DESCRIPTION"])
    # Outlook needs a VTIMEZONE for every TZID used.
    assert {str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")} == {p["tz"] for p in expected.values()}
    assert parsed.get_missing_tzids() == set()

    # Editing and moving a post keeps its UID: calendar apps update the event.
    ok(ws, "post", "edit", str(cal["draft"]), "--title", "Stage build in 60 seconds")
    ok(ws, "post", "move", str(cal["draft"]), "--at", "2026-12-11 19:30")
    _, again = ics_events(ok(ws, "cal", "export", "-f", "ics").stdout_bytes)
    assert set(again) == set(events)
    moved = again[f"post-{cal['draft']}@brand.anz.contentops"]
    assert str(moved["SUMMARY"]) == "Stage build in 60 seconds"
    assert moved.start == datetime.fromisoformat("2026-12-11T19:30:00+11:00")


def test_export_range_and_format_choice(ws: Workspace, cal: dict[str, int]) -> None:
    _, events = ics_events(
        ok(ws, "cal", "export", "-f", "ics", "--from", "2026-12-05", "--to", "2026-12-06").stdout_bytes
    )
    assert set(events) == {f"post-{cal['scheduled']}@brand.anz.contentops"}  # the cancelled one is left out
    result = ok(ws, "cal", "export", "-o", "range.json", "--from", "2026-12-05", "--to", "2026-12-06")
    assert "Exported 2 posts" in result.stdout
    assert [p["id"] for p in json.loads(Path("range.json").read_text())] == [cal["scheduled"], cal["cancelled"]]
    refused(ws, 2, "cal", "export", needles=("which format",))
    refused(ws, 2, "cal", "export", "-o", "out.xml", needles=("unknown export format 'xml'",))
    assert not Path("out.xml").exists()


# -- CSV ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("first", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formulas_and_import_restores_them(ws: Workspace, first: str) -> None:
    caption = f'{first}HYPERLINK("http://evil.example","click")'
    title = f"{first}SUM(1,2)" if first.strip() else "Plain title"  # titles cannot start with whitespace
    now = datetime.fromisoformat(NOW)
    post_id = add_post(ws, title, now=now, caption=caption, owner=f"{first}cmd", at="fri 6pm")["id"]
    ok(ws, "cal", "export", "-o", "posts.csv")
    data = Path("posts.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert list(rows[0]) == list(exchange.COLUMNS) and rows[0]["id"] == str(post_id)
    assert rows[0]["caption"] == "'" + caption and rows[0]["owner"] == f"'{first}cmd"
    assert rows[0]["title"] == ("'" + title if first.strip() else title)
    before = ws.calendar_db.read_bytes()
    assert "Nothing to change" in ok(ws, "cal", "import", "posts.csv").stdout
    assert ws.calendar_db.read_bytes() == before


def test_neutralise_round_trips_every_value() -> None:
    for value in ["=1+1", "'=1+1", "''+x", "'plain", "plain", "", "'", "-", "@a", "\tx", "#Tag", "2026-12-04"]:
        quoted = exchange.neutralise(value)
        assert not quoted.startswith(exchange.FORMULA_START)
        assert exchange.unneutralise(quoted) == value


# -- round trips ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_then_import_changes_nothing(ws: Workspace, cal: dict[str, int], fmt: str) -> None:
    ok(ws, "cal", "export", "-o", f"all.{fmt}")
    before = ws.calendar_db.read_bytes()
    result = ok(ws, "cal", "import", f"all.{fmt}")
    assert "Nothing to change" in result.stdout and "(7 rows)" in result.stdout
    report = run_json(ws, "cal", "import", f"all.{fmt}")
    assert (report["added"], report["changed"], report["unchanged"], report["format"]) == ([], [], 7, fmt)
    assert ws.calendar_db.read_bytes() == before


# -- import that changes -----------------------------------------------------------------------------
def write_csv(rows: list[str], name: str = "in.csv") -> str:
    Path(name).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return name


def test_import_adds_and_updates_in_one_change_that_undo_reverts(ws: Workspace, cal: dict[str, int]) -> None:
    before = posts(ws)
    entries = len(run_json(ws, "history", "--limit", "100"))
    d, idea = cal["draft"], cal["idea"]
    name = write_csv(
        [
            "id,title,status,at,tz,campaign,hashtags",
            ",Matariki teaser,idea,fri 7pm,Pacific/Auckland,summer sounds,Matariki",
            f"{d},Stage build in 60 seconds,draft,6/12 18:00,,Summer Sounds,#SummerSounds #Matariki",
            f"{idea},Someday maybe,idea,,Australia/Sydney,,#Later",
        ]
    )
    result = ok(ws, "cal", "import", name)
    assert "Added 1 post and changed 2" in result.stdout
    now = by_id(ws)
    new = next(p for p in now.values() if p["title"] == "Matariki teaser")
    assert (new["status"], new["at"], new["tz"]) == ("idea", "2026-11-20T19:00:00+13:00", "Pacific/Auckland")
    assert (new["campaign"], new["hashtags"]) == ("Summer Sounds", ["#Matariki"])
    assert now[d]["title"] == "Stage build in 60 seconds" and now[d]["at"] == "2026-12-06T18:00:00+11:00"
    assert now[idea]["hashtags"] == ["#Later"] and now[idea]["at"] is None
    history = run_json(ws, "history", "--limit", "100")
    assert len(history) == entries + 1 and history[0]["summary"].startswith("imported in.csv: added 1 post")

    ok(ws, "undo")
    assert posts(ws) == before


def test_import_json_updates_only_the_keys_given(ws: Workspace, cal: dict[str, int]) -> None:
    approved = cal["approved"]
    Path("in.json").write_text(
        json.dumps({"posts": [{"id": approved, "caption": "New words"}, {"title": "From JSON", "hashtags": ["#A"]}]}),
        encoding="utf-8",
    )
    before = by_id(ws)[approved]
    report = run_json(ws, "cal", "import", "in.json")
    assert report["applied"] and [a["title"] for a in report["added"]] == ["From JSON"]
    change = report["changed"][0]
    # New content sends an approved post back to review (as 'post edit' does); nothing else moves.
    assert change["changes"] == {
        "status": {"before": "approved", "after": "in-review"},
        "caption": {"before": "", "after": "New words"},
    }
    after = by_id(ws)[approved]
    moved = ("caption", "status", "approved_by", "approved_at", "updated_at", "log")
    assert {k: v for k, v in after.items() if k not in moved} == {k: v for k, v in before.items() if k not in moved}


def test_dry_run_shows_the_changes_and_changes_nothing(ws: Workspace, cal: dict[str, int]) -> None:
    name = write_csv(["id,title", ",Brand new", f"{cal['draft']},Renamed"])
    before = ws.calendar_db.read_bytes()
    result = ok(ws, "cal", "import", name, "--dry-run")
    assert "would add 1 post and change 1" in result.stdout and "Nothing was changed" in result.stdout
    assert "Renamed" in result.stdout and "Brand new" in result.stdout
    report = run_json(ws, "cal", "import", name, "--dry-run")
    assert report["dry_run"] and not report["applied"]
    assert report["changed"][0]["changes"] == {"title": {"before": "Stage build timelapse", "after": "Renamed"}}
    assert ws.calendar_db.read_bytes() == before


# -- refused imports ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rows", "needles"),
    [
        (["id,title,at", ",Fine,fri 6pm", ",Bad time,31/02"], ("column 'at'", "cannot read '31/02' as a time")),
        (["id,title,pillar", ",Fine,trend", ",Bad pillar,dance"], ("column 'pillar'", "unknown pillar 'dance'")),
        (["id,title,campaign", ",Fine,", ",Bad,Winter"], ("column 'campaign'", "no campaign named 'Winter'")),
        (["id,status", "{idea},idea", "{draft},approved"], ("column 'status'", "does not change statuses")),
        (["id,title,status", ",Fine,idea", ",New,scheduled"], ("column 'status'", "an idea or a draft")),
        (["id,title,owner", ",Fine,", ",   ,Mia"], ("column 'title'", "needs a title")),
        (["id,caption", "{draft},fine", ",just a caption"], ("column 'title'", "needs a title")),
        (["id,title", ",Fine", "999,Ghost"], ("column 'id'", "no post with id 999")),
        (["id,title", "{draft},Once", "{draft},Twice"], ("column 'id'", "twice")),
        (["id,at", "{draft},fri 7pm", "{published},fri 6pm"], ("column 'at'", "its time cannot change")),
        (["id,at", "{draft},fri 7pm", "{scheduled},2026-11-01 18:00"], ("column 'at'", "in the past")),
        (["id,url", "{published}," + URL, "{draft}," + URL], ("column 'url'", "only published posts")),
    ],
)
def test_bad_row_refuses_the_whole_file(ws: Workspace, cal: dict[str, int], rows: list[str], needles: Any) -> None:
    name = write_csv([row.format(**cal) for row in rows])
    refused(ws, 2, "cal", "import", name, needles=("row 3, ", *needles, "nothing was changed"))


def test_unknown_column_is_named(ws: Workspace, cal: dict[str, int]) -> None:
    name = write_csv(["id,title,colour", ",Good,red"])
    refused(ws, 2, "cal", "import", name, needles=("row 1, column 'colour': unknown column", "columns: id,title"))


def test_every_problem_is_counted_and_json_rows_are_named(ws: Workspace, cal: dict[str, int]) -> None:
    name = write_csv(["id,title,at,pillar", ",One,31/02,dance", ",Two,fri 6pm,nope"])
    refused(ws, 2, "cal", "import", name, needles=("row 2, column 'at'", "2 more problems", "row 3, column 'pillar'"))
    Path("bad.json").write_text(json.dumps([{"title": "Fine"}, {"title": 5}]), encoding="utf-8")
    refused(ws, 2, "cal", "import", "bad.json", needles=("row 2, column 'title'", "expected text"))
    Path("bad2.json").write_text(json.dumps([{"title": "Fine", "colour": "red"}]), encoding="utf-8")
    refused(ws, 2, "cal", "import", "bad2.json", needles=("row 1, column 'colour'", "unknown column"))


def test_import_refuses_big_files_and_other_formats(
    ws: Workspace, cal: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = write_csv(["title", "One", "Two", "Three"])
    monkeypatch.setattr(exchange, "MAX_IMPORT_ROWS", 2)
    refused(ws, 2, "cal", "import", name, needles=("more than 2 rows",))
    ok(ws, "cal", "export", "-o", "cal.ics")
    refused(ws, 2, "cal", "import", "cal.ics", needles=("not iCalendar",))
    Path("latin1.csv").write_bytes("title\nCafé\n".encode("latin-1"))
    refused(ws, 2, "cal", "import", "latin1.csv", needles=("not UTF-8",))
    Path("broken.json").write_text('[{"title": "x"', encoding="utf-8")
    refused(ws, 2, "cal", "import", "broken.json", needles=("not valid JSON",))
    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 10)
    refused(ws, 2, "cal", "import", name, needles=("an import takes at most",))
