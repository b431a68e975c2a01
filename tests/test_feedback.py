"""Community feedback (``contentops feedback ...``, ``contentops.feedback``) and its part of the weekly report.

The account has three posts: two published with their TikTok links, one still a draft. The clock is pinned
to Wednesday 25 November 2026, 09:00 in Sydney (AEDT, +11:00), so the default weekly report is week
2026-W47 (Monday 16 to Sunday 22 November). Refused commands are checked for their exit code, an error that
names the file, row and column, and a byte-identical ``calendar/calendar.json``.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest
from cli_helpers import Cli, snapshot

from contentops.calendar_ops import add_post, transition
from contentops.feedback import add_feedback, list_feedback, set_flag
from contentops.report import load_data, report_data, report_markdown, report_sections, resolve_period
from contentops.workspace import Workspace

NOW = "2026-11-25T09:00:00+11:00"
CLI = Cli(NOW, require_hint=True)
ok, run, run_json, refused = CLI.ok, CLI.run, CLI.run_json, CLI.refused
VIDEO = "7301234567890123456"
URL = f"https://www.tiktok.com/@brand.anz/video/{VIDEO}"


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def posts(ws: Workspace) -> dict[str, int]:
    """'gig' (published, with URL), 'crew' (published, another video), 'draft' (not out yet)."""
    early = t("2026-11-10T09:00:00+11:00")

    def published(title: str, url: str) -> int:
        pid = add_post(ws, title, now=early, at="2026-11-17 18:00")["id"]
        transition(ws, pid, "submit", now=early)
        transition(ws, pid, "approve", now=early)
        transition(ws, pid, "publish", now=t("2026-11-17T18:00:00+11:00"), url=url)
        return pid

    return {
        "gig": published("Gig night recap", URL),
        "crew": published("Meet the crew", "https://www.tiktok.com/@brand.anz/video/7301234567890199999"),
        "draft": add_post(ws, "Next week's teaser", now=early)["id"],
    }


def write_csv(path: Path, lines: list[str], bom: bool = True) -> Path:
    path.write_bytes((("\ufeff" if bom else "") + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


# -- add, list, flag ----------------------------------------------------------------------------------
def test_add_list_and_flag_filters(ws: Workspace, posts: dict[str, int]) -> None:
    gig, crew = str(posts["gig"]), str(posts["crew"])
    first = ok(ws, "feedback", "add", gig, "--text", "  Best night of the summer!  ", "-s", "Positive", "-t",
               "Music", "--author", "@mia.k", "--at", "2026-11-18 20:15").stdout.strip()  # fmt: skip
    assert first == "1"
    second = run_json(ws, "feedback", "add", gig, "--text", "Tickets sold out in 5 minutes", "--sentiment",
                      "negative", "--tag", "Tickets; Customer Service", "--tag", "#price", "--flag", "--at",
                      "2026-11-19 08:00")  # fmt: skip
    assert second["tags"] == ["tickets", "customer-service", "price"]
    assert second["flagged"] is True and second["post_title"] == "Gig night recap"
    assert second["at"] == "2026-11-19T08:00:00+11:00" and second["by"] == "tester"
    third = run_json(ws, "feedback", "add", crew, "--text", "Who is the drummer?", "--tag", "music")
    assert third["sentiment"] == "neutral" and third["author"] is None  # the default sentiment
    assert third["at"] == "2026-11-25T09:00:00+11:00"  # default: now

    everything = run_json(ws, "feedback", "list")
    assert [f["id"] for f in everything] == [3, 2, 1]  # newest first
    assert everything[2]["text"] == "Best night of the summer!" and everything[2]["sentiment"] == "positive"
    assert set(everything[0]) == {"id", "post", "post_title", "at", "author", "text", "sentiment", "tags",
                                  "flagged", "source", "by", "created_at"}  # fmt: skip
    ids = lambda *args: [f["id"] for f in run_json(ws, "feedback", "list", *args)]  # noqa: E731
    assert ids("--flagged") == [2]
    assert ids("--post", gig) == [2, 1]
    assert ids("--sentiment", "NEGATIVE") == [2]
    assert ids("--tag", "Music") == [3, 1]
    assert ids("--tag", "music", "--post", crew) == [3]
    assert ids("--flagged", "--sentiment", "positive") == []

    assert run_json(ws, "feedback", "flag", "1")["flagged"] is True
    assert ids("--flagged") == [2, 1]
    assert "already" in ok(ws, "feedback", "flag", "1").stdout
    assert run_json(ws, "feedback", "unflag", "2")["flagged"] is False
    assert run_json(ws, "feedback", "flag", "1", "--off")["flagged"] is False
    assert ids("--flagged") == []
    table = ok(ws, "feedback", "list").stdout
    assert "Who is the drummer?" in table and "customer-service" in table and "3 comments, 0 flagged" in table

    summaries = [e["summary"] for e in run_json(ws, "history", "--limit", "5")]
    assert summaries == ["unflagged feedback 1 on post 1", "unflagged feedback 2 on post 1",
                         "flagged feedback 1 on post 1", "feedback 3 on post 2: neutral",
                         "feedback 2 on post 1: negative, flagged"]  # fmt: skip
    ok(ws, "undo")
    assert ids("--flagged") == [1]


def test_add_and_flag_refusals(ws: Workspace, posts: dict[str, int]) -> None:
    gig = str(posts["gig"])
    refused(ws, 1, "feedback", "add", "99", "--text", "hi", needles=("no post with id 99",))
    refused(ws, 2, "feedback", "add", gig, "--text", "   ", needles=("empty",))
    refused(ws, 2, "feedback", "add", gig, "--text", "x" * 2001, needles=("2,001 characters",))
    refused(ws, 2, "feedback", "add", gig, "--text", "hi", "-s", "angry", needles=("unknown sentiment 'angry'",))
    refused(ws, 2, "feedback", "add", gig, "--text", "hi", "-t", "no/slash", needles=("is not a tag",))
    refused(ws, 2, "feedback", "add", gig, "--text", "hi", "--at", "fri 6pm", needles=("in the future",))
    refused(ws, 2, "feedback", "add", gig, "--text", "hi", "--at", "someday", needles=("cannot read 'someday'",))
    refused(ws, 1, "feedback", "flag", "7", needles=("no feedback with id 7",))
    refused(ws, 2, "feedback", "list", "--sentiment", "meh")
    refused(ws, 1, "feedback", "list", "--post", "42", needles=("no post with id 42",))
    ok(ws, "feedback", "add", gig, "--text", "Same words", "--author", "@a", "--at", "2026-11-20 10:00")
    refused(ws, 4, "feedback", "add", gig, "--text", "Same words", "--author", "@A", "--at", "2026-11-20 10:00",
            needles=("logged already (feedback 1)",))  # fmt: skip


# -- import -------------------------------------------------------------------------------------------
HEADER = "post,url,author,text,time,sentiment,tags,flag"


def comments(tmp_path: Path, *bad: str) -> Path:
    """Four good rows (rows 2 to 5 as a spreadsheet counts them; ``bad`` rows go in at row 4)."""
    return write_csv(tmp_path / "comments.csv", [
        HEADER,
        f",{URL}?is_from_webapp=1,@mia.k,\"Loved it, see you next year\",2026-11-18 20:15,Positive,music;crowd,no",
        "2,,@sam,Where do I buy the shirt?,2026-11-19T09:30:00Z,,merch|question,yes",
        *bad,
        f"1,{URL},,Too loud at the back,21/11/2026 10pm,negative,sound,1",
        "3,,@lee,Can't wait,,neutral,,",
    ])  # fmt: skip


def test_import_with_bom_url_and_id_rows(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    path = comments(tmp_path)
    dry = run_json(ws, "feedback", "import", str(path), "--dry-run")
    assert dry["dry_run"] is True and not dry["applied"] and len(dry["added"]) == 4
    assert run_json(ws, "feedback", "list") == []  # the dry run wrote nothing

    report = run_json(ws, "feedback", "import", str(path))
    assert report["rows"] == 4 and report["already_imported"] == 0 and report["applied"]
    by_row = {a["row"]: a for a in report["added"]}
    assert sorted(by_row) == [2, 3, 4, 5]
    url_row = by_row[2]  # matched to the post by the video id in its link (the BOM did not hide 'post')
    assert (url_row["post"], url_row["author"], url_row["text"]) == (
        posts["gig"],
        "@mia.k",
        "Loved it, see you next year",
    )
    assert url_row["sentiment"] == "positive" and url_row["tags"] == ["music", "crowd"] and not url_row["flagged"]
    assert url_row["at"] == "2026-11-18T20:15:00+11:00" and url_row["source"] == "import"
    assert by_row[3]["post"] == posts["crew"] and by_row[3]["sentiment"] == "neutral"
    assert by_row[3]["at"] == "2026-11-19T20:30:00+11:00" and by_row[3]["tags"] == ["merch", "question"]
    assert by_row[3]["flagged"] and by_row[4]["flagged"]  # yes, 1
    assert by_row[4]["post"] == posts["gig"] and by_row[4]["at"] == "2026-11-21T22:00:00+11:00"
    assert by_row[5]["post"] == posts["draft"] and by_row[5]["at"] == "2026-11-25T09:00:00+11:00"  # no time: now
    assert [f["id"] for f in run_json(ws, "feedback", "list", "--flagged")] == [3, 2]
    assert run_json(ws, "history", "--limit", "1")[0]["summary"] == "imported comments.csv: 4 comments"


def test_reimport_adds_nothing(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    path = comments(tmp_path)
    ok(ws, "feedback", "import", str(path))
    before = snapshot(ws)
    again = CLI.at("2026-11-27T10:00:00+11:00").run(ws, "feedback", "import", str(path), "--json")  # later, too
    assert again.exit_code == 0, again.output
    report = json.loads(again.stdout)
    assert report["added"] == [] and report["already_imported"] == 4 and not report["applied"]
    assert snapshot(ws) == before  # nothing written, nothing journalled
    assert "Nothing new to import: 4 already imported" in ok(ws, "feedback", "import", str(path)).stdout
    assert len(run_json(ws, "feedback", "list")) == 4


@pytest.mark.parametrize(
    ("row", "column", "code", "needle"),
    [
        ("9,,@x,Hello,2026-11-20 10:00,,,", "post", 1, "no post with id 9"),
        (
            ",https://www.tiktok.com/@brand.anz/video/7309999999999999999,@x,Hello,,,,",
            "url",
            1,
            "no post has this video",
        ),
        (",https://example.com/whatever,@x,Hello,,,,", "url", 2, "holds no TikTok video id"),
        ("1,,@x,   ,2026-11-20 10:00,,,", "text", 2, "empty"),
        ("1,,@x,Hello,2026-11-20 10:00,furious,,", "sentiment", 2, "unknown sentiment"),
        ("1,,@x,Hello,not a time,,,", "time", 2, "cannot read 'not a time'"),
        ("1,,@x,Hello,2026-12-20 10:00,,,", "time", 2, "in the future"),
        ("1,,@x,Hello,,,,maybe", "flag", 2, "is not yes or no"),
        (f"2,{URL},@x,Hello,,,,", "url", 2, "post 1's, not post 2's"),
        (",,@x,Hello,,,,", "post", 2, "no post and no url"),
    ],
)
def test_a_bad_row_in_the_middle_imports_nothing(
    ws: Workspace, posts: dict[str, int], tmp_path: Path, row: str, column: str, code: int, needle: str
) -> None:
    ok(ws, "feedback", "add", "1", "--text", "Already here")
    refused(ws, code, "feedback", "import", str(comments(tmp_path, row)),
            needles=(f"comments.csv, row 4, column '{column}'", needle, "nothing was imported"))  # fmt: skip
    assert len(run_json(ws, "feedback", "list")) == 1


def test_import_file_refusals(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    typo = write_csv(tmp_path / "typo.csv", ["post,author,comment", "1,@a,hi"])
    refused(ws, 2, "feedback", "import", str(typo), needles=("typo.csv, row 1, column 'comment': unknown column",))
    refused(ws, 1, "feedback", "import", str(tmp_path / "missing.csv"), needles=("does not exist",))


# -- the weekly report --------------------------------------------------------------------------------
def test_report_section_counts_the_week(ws: Workspace, posts: dict[str, int]) -> None:
    now = t(NOW)
    gig, crew = posts["gig"], posts["crew"]
    week = [  # W47: Monday 16 to Sunday 22 November, Sydney time
        (gig, "2026-11-16 00:00", "positive", ["music"], False, "@first", "Right at the start of the week"),
        (gig, "2026-11-18 20:00", "positive", ["music", "crowd"], False, "@mia", "Best night | of the summer"),
        (gig, "2026-11-19 08:00", "negative", ["tickets", "price"], True, "@sam", "Sold out in five minutes " * 6),
        (crew, "2026-11-20 12:00", None, ["music"], False, None, "Who is the drummer?"),
        (crew, "2026-11-22 23:59", "negative", ["sound"], True, None, "Too loud at the back"),
    ]
    outside = [
        (gig, "2026-11-15 23:59", "negative", ["price"], True, "@early", "Last Sunday"),
        (gig, "2026-11-23 00:00", "positive", ["music"], True, "@late", "This Monday"),
    ]
    for post_id, at, sentiment, tags, flag, author, text in week + outside:
        add_feedback(ws, post_id, text, now=now, at=at, sentiment=sentiment, tags=tags, flag=flag, author=author)
    set_flag(ws, 1, True, now=now)
    set_flag(ws, 1, False, now=now)  # flagged, then dealt with: not in the report

    period = resolve_period(None, None, None, date(2026, 11, 25))
    data = report_data(load_data(ws), period, zone=ws.config.zone, now=now, handle="@brand.anz")
    community = data["community"]
    assert list(community) == ["total", "by_sentiment", "by_tag", "flagged"]
    assert community["total"] == 5
    assert community["by_sentiment"] == {"positive": 2, "neutral": 1, "negative": 2}
    assert list(community["by_tag"].items()) == [("music", 3), ("crowd", 1), ("price", 1), ("sound", 1),
                                                 ("tickets", 1)]  # fmt: skip
    assert [(f["id"], f["post"], f["author"]) for f in community["flagged"]] == [(3, gig, "@sam"), (5, crew, None)]
    assert community["flagged"][0]["text"] == ("Sold out in five minutes " * 6).strip()  # whole in JSON

    sections = report_sections(data)
    assert sections[-1].title == "What the community said"
    md = report_markdown(sections)
    part = md[md.index("## What the community said") :]
    assert "5 comments dated in the period: 2 positive, 1 neutral, 2 negative." in part
    assert "Tags: music 3, crowd 1, price 1, sound 1, tickets 1." in part
    assert "| ID | Post | Author | Sentiment | Comment |" in part
    shortened = ("Sold out in five minutes " * 6)[:79].rstrip() + "…"
    assert f"| 3 | #{gig} Gig night recap | @sam | negative | {shortened} |" in part
    assert f"| 5 | #{crew} Meet the crew | - | negative | Too loud at the back |" in part
    assert "Last Sunday" not in part and "This Monday" not in part and "Best night" not in part

    text = ok(ws, "metrics", "report").stdout  # the terminal table has it too
    assert "What the community said" in text and "Too loud at the back" in text
    assert run_json(ws, "metrics", "report")["community"] == json.loads(json.dumps(community))


def test_report_section_without_feedback(ws: Workspace, posts: dict[str, int]) -> None:
    assert list_feedback(ws) == []
    period = resolve_period("2026-W47", None, None, date(2026, 11, 25))
    data = report_data(load_data(ws), period, zone=ws.config.zone, now=t(NOW))
    assert data["community"] == {"total": 0, "by_sentiment": {"positive": 0, "neutral": 0, "negative": 0},
                                 "by_tag": {}, "flagged": []}  # fmt: skip
    md = report_markdown(report_sections(data))
    assert "## What the community said\n\nNo feedback was logged for this period" in md
