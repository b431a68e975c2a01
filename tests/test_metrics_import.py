"""``contentops metrics import``: TikTok Studio exports and contentops' own CSV into ``calendar/metrics.json``.

The files are built here in the shape of real exports: a UTF-8 byte-order mark, every cell quoted, no
newline at the end, header names in varying case with a trailing non-breaking space, ``undefined`` for
unknown values and dates without a year. The clock is pinned to Sunday 3 January 2027, 09:00 in Sydney,
so "December 30" is last year's. Refused imports are checked for their exit code, an error naming the
file, row and column, and a ``metrics.json`` that is byte-identical (or still absent).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli

from contentops import metrics_import as mi
from contentops.calendar_ops import POSTS, add_post, transition
from contentops.errors import UsageError, ValidationError
from contentops.metrics import log_metrics
from contentops.workspace import Workspace

NOW = "2027-01-03T09:00:00+11:00"  # Sunday 3 January 2027, 09:00 in Sydney (AEDT)
NOW_UTC = "2027-01-02T22:00:00Z"
CLI = Cli(NOW)
run, ok, assert_error = CLI.run, CLI.ok, CLI.assert_error
VIDEO = {"recap": "7451234567890123456", "teaser": "7451234567890123457", "planned": "7451234567890123458"}
STRANGER = "7459999999999999999"


def url(video: str) -> str:
    return f"https://www.tiktok.com/@brand.anz/video/{video}"


def export_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """A CSV as TikTok Studio writes it: BOM, every cell quoted, no newline at the end."""
    buf = io.StringIO()
    csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows([header, *rows])
    return ("\ufeff" + buf.getvalue().rstrip("\n")).encode("utf-8")


OVERVIEW = (
    ["Date", "video views\u00a0", "Profile Views", "LIKES", "Comments", "Shares"],
    [["December 30", "1,234", "12", "undefined", "4", "2"],
     ["December 31", "2,000", "15", "300", "6", "3"],
     ["January 1", "900", "8", "100", "1", "0"],
     ["January 2", "undefined", "undefined", "undefined", "undefined", "undefined"]],
)  # fmt: skip
FOLLOWERS = (
    ["Date", "Followers", "Difference in followers from previous day\u00a0"],
    [["30 December", "51,200", "+40"], ["31 December", "51,180", "-20"], ["1 January", "51,300", "120"],
     ["2 January", "51,330", "30"]],
)  # fmt: skip
ACTIVITY = (
    ["Date", "Hour", "Active followers"],
    [[day, str(hour), str(100 + hour)] for day in ("Jan 1", "Jan 2") for hour in range(24)],
)
CONTENT = (
    ["Time", "Video title", "Video link", "Post time", "Total likes", "Total comments", "Total shares",
     "Total views", "Added to favorites", "Average watch time", "Watched full video"],
    [["January 3", "Summer recap #SummerSounds", url(VIDEO["recap"]), "December 28", "1,300", "41", "88", "15,200",
      "120", "9.4s", "31.5%"],
     ["January 3", "Beach teaser", url(VIDEO["teaser"]), "December 30", "undefined", "3", "4", "800", "undefined",
      "undefined", "undefined"],
     ["January 3", "Someone else's duet", url(STRANGER), "December 31", "5", "0", "0", "60", "0", "3", "10"],
     ["January 3", "Planned one", url(VIDEO["planned"]), "January 2", "1", "0", "0", "9", "0", "2", "5"]],
)  # fmt: skip
FILES = {"Overview.csv": OVERVIEW, "FollowerHistory.csv": FOLLOWERS, "FollowerActivity.csv": ACTIVITY,
         "Content.csv": CONTENT}  # fmt: skip


def make_zip(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return path


def tiktok_zip(tmp_path: Path, name: str = "export.zip", change: Any = None) -> Path:
    """The four exports in one zip, with the members contentops does not read; ``change(files)`` edits the
    tables (name -> (header, rows)) first."""
    tables = {n: (list(h), [list(r) for r in rows]) for n, (h, rows) in FILES.items()}
    if change is not None:
        change(tables)
    files = {n: export_csv(h, rows) for n, (h, rows) in tables.items()}
    files["FollowerGender.csv"] = export_csv(["Gender", "Distribution"], [])
    files["Viewers.xlsx"] = b"not read"
    files["__MACOSX/._Content.csv"] = b"\x00\x05\x16\x07"
    return make_zip(tmp_path / name, files)


@pytest.fixture
def posts(ws: Workspace) -> dict[str, int]:
    """Two published posts with TikTok links, and a scheduled post that already carries one."""
    when = datetime.fromisoformat("2026-12-20T10:00:00+11:00")
    ids = {}
    for name, at in (("recap", "2026-12-28 18:00"), ("teaser", "2026-12-30 18:00"), ("planned", "2027-01-08 18:00")):
        ids[name] = add_post(ws, f"{name.title()} post", now=when, at=at)["id"]
        for action in ("submit", "approve"):
            transition(ws, ids[name], action, now=when)
    for name in ("recap", "teaser"):
        transition(ws, ids[name], "publish", now=when, url=url(VIDEO[name]))
    transition(ws, ids["planned"], "schedule", now=when)
    with ws.store().transaction("test: a link on a scheduled post", when) as tx:
        tx.update(POSTS, ids["planned"], {"url": url(VIDEO["planned"])})
    return ids


def metrics_bytes(ws: Workspace) -> bytes | None:
    return ws.metrics_db.read_bytes() if ws.metrics_db.exists() else None


def tables(ws: Workspace) -> dict[str, list[dict[str, Any]]]:
    view = ws.metrics_store().read()
    return {t: view.all(t) for t in ("snapshots", "daily", "activity")}


def import_json(ws: Workspace, *args: str, cli: Cli = CLI) -> dict[str, Any]:
    result = cli.run(ws, "metrics", "import", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# -- TikTok Studio exports ---------------------------------------------------------------------------
def test_zip_of_tiktok_exports(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    report = import_json(ws, str(tiktok_zip(tmp_path)))
    files = {f["file"]: f for f in report["files"]}
    assert {name: f["kind"] for name, f in files.items()} == {
        "export.zip:Overview.csv": "overview",
        "export.zip:FollowerHistory.csv": "follower-history",
        "export.zip:FollowerActivity.csv": "follower-activity",
        "export.zip:Content.csv": "content",
    }
    assert report["written"] == {"snapshots": 2, "daily": 4, "activity": 48}
    assert report["at"] == NOW and report["applied"] is True and report["already_imported"] == 0
    assert {s["file"]: s["reason"] for s in report["skipped"]} == {
        "export.zip:Viewers.xlsx": "not a CSV file (.xlsx)",
        "export.zip:FollowerGender.csv": "not a file contentops reads (columns: Gender, Distribution)",
    }

    # Days across New Year, from two files merged into one document a day; 'undefined' is None, not 0.
    data = tables(ws)
    days = {d["day"]: d for d in data["daily"]}
    assert sorted(days) == ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"]
    assert days["2026-12-30"] | {"key": None} == {
        "day": "2026-12-30", "video_views": 1234, "profile_views": 12, "likes": None, "comments": 4, "shares": 2,
        "followers": 51200, "follower_change": 40, "source": "import", "key": None, "id": days["2026-12-30"]["id"],
    }  # fmt: skip
    assert days["2026-12-31"]["follower_change"] == -20
    assert days["2027-01-02"]["video_views"] is None and days["2027-01-02"]["followers"] == 51330
    hours = {(d["day"], d["hour"]): d["active_followers"] for d in data["activity"]}
    assert len(hours) == 48 and hours[("2027-01-01", 0)] == 100 and hours[("2027-01-02", 23)] == 123

    # Content rows: matched by the video id of published posts, taken at the export time.
    snaps = {s["post"]: s for s in data["snapshots"]}
    assert set(snaps) == {posts["recap"], posts["teaser"]}
    recap = snaps[posts["recap"]]
    assert (recap["at"], recap["views"], recap["likes"], recap["comments"], recap["shares"]) == (
        NOW_UTC, 15200, 1300, 41, 88,
    )  # fmt: skip
    assert (recap["saves"], recap["watch_time"], recap["full_watch"], recap["reach"]) == (120, 9.4, 31.5, None)
    teaser = snaps[posts["teaser"]]
    assert teaser["views"] == 800 and teaser["likes"] is None and teaser["saves"] is None
    content = files["export.zip:Content.csv"]
    assert (content["rows"], content["new"], content["already_imported"]) == (4, 2, 0)
    assert [(u["row"], u["video_id"], u["title"], u["reason"]) for u in content["unmatched"]] == [
        (4, STRANGER, "Someone else's duet", "no post has this video"),
        (5, VIDEO["planned"], "Planned one", f"post {posts['planned']} is scheduled, not published"),
    ]
    assert "columns not used: Time, Post time" in content["notes"]
    entry = ws.metrics_store().read().history()[-1]
    assert entry["summary"] == ("metrics import export.zip: 2 snapshots, 4 days, 48 activity hours, 2 unmatched")


def test_reimport_adds_nothing(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    export = tiktok_zip(tmp_path)
    import_json(ws, str(export))
    before = metrics_bytes(ws)
    # An hour later (the default export time moves with the clock), and the same file again, alone.
    content = tmp_path / "Content.csv"
    content.write_bytes(export_csv(*CONTENT))
    again = import_json(ws, str(export), str(content), cli=CLI.at("2027-01-03T10:00:00+11:00"))
    assert again["written"] == {"snapshots": 0, "daily": 0, "activity": 0} and again["applied"] is False
    assert [(f["new"], f["already_imported"]) for f in again["files"]] == [(0, 4), (0, 4), (0, 48), (0, 2), (0, 2)]
    assert metrics_bytes(ws) == before
    text = CLI.at("2027-01-03T10:00:00+11:00").run(ws, "metrics", "import", str(export)).stdout
    assert "Nothing new to import: 58 rows already imported, 2 unmatched." in text


def test_a_new_export_updates_days_and_keeps_known_values(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    first = tmp_path / "Overview.csv"
    first.write_bytes(export_csv(*OVERVIEW))
    import_json(ws, str(first))
    header = OVERVIEW[0]
    later = tmp_path / "later.csv"  # TikTok corrected 2 January; 'undefined' does not erase 31 December
    later.write_bytes(
        export_csv(header, [["December 31", *["undefined"] * 5], ["January 2", "950", "9", "80", "2", "1"]])
    )
    report = import_json(ws, str(later))
    assert (report["files"][0]["new"], report["files"][0]["already_imported"]) == (1, 1)
    days = {d["day"]: d for d in tables(ws)["daily"]}
    assert days["2026-12-31"]["video_views"] == 2000 and days["2027-01-02"]["video_views"] == 950


def test_tiktok_lowering_a_count_is_kept_with_a_note(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    log_metrics(ws, posts["recap"], {"views": 20000}, now=datetime.fromisoformat("2027-01-02T09:00:00+11:00"))
    content = tmp_path / "Content.csv"
    content.write_bytes(export_csv(*CONTENT))
    report = import_json(ws, str(content))
    assert report["written"]["snapshots"] == 2
    assert any("lower than 20000" in note for note in report["files"][0]["notes"])


# -- refusals ----------------------------------------------------------------------------------------
def _cell(file: str, row: int, column: str, value: str) -> Any:
    def change(tables: dict[str, Any]) -> None:
        header, rows = tables[file]
        rows[row - 2][[h.strip() for h in header].index(column)] = value

    return change


BAD = [
    ("Content.csv", 4, "Total likes", "12x", 2, "'12x' is not a number"),
    ("Content.csv", 3, "Watched full video", "140%", 2, "140 is out of range"),
    ("Content.csv", 2, "Total views", "1.5", 2, "1.5 is not a count"),
    ("Overview.csv", 3, "Date", "Decembr 31", 2, "cannot read 'Decembr 31' as a day"),
    ("Overview.csv", 2, "Date", "February 30", 2, "not a day of the calendar"),
    ("FollowerHistory.csv", 5, "Followers", "-5", 2, "'-5' is not a count"),
    ("FollowerActivity.csv", 49, "Hour", "24", 2, "'24' is not an hour of the day"),
    ("Overview.csv", 5, "Date", "2027-01-04", 3, "after the day of the export (2027-01-03)"),
]


@pytest.mark.parametrize(("file", "row", "column", "value", "code", "message"), BAD)
def test_a_bad_cell_anywhere_changes_nothing(
    ws: Workspace, posts: dict[str, int], tmp_path: Path, file: str, row: int, column: str, value: str, code: int,
    message: str,
) -> None:  # fmt: skip
    bad = tiktok_zip(tmp_path, "bad.zip", _cell(file, row, column, value))
    result = run(ws, "metrics", "import", str(bad))
    assert_error(result, code, f"bad.zip:{file} row {row}, column '{column}", message)
    assert metrics_bytes(ws) is None  # nothing written, not even an empty file
    import_json(ws, str(tiktok_zip(tmp_path)))
    before = metrics_bytes(ws)
    assert_error(run(ws, "metrics", "import", str(bad)), code)
    assert metrics_bytes(ws) == before


def test_dry_run_writes_nothing(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    export = tiktok_zip(tmp_path)
    report = import_json(ws, str(export), "--dry-run")
    assert report["dry_run"] is True and report["applied"] is False
    assert report["written"] == {"snapshots": 2, "daily": 4, "activity": 48}
    assert metrics_bytes(ws) is None
    out = ok(ws, "metrics", "import", str(export), "-n").stdout
    assert "Dry run: would import 2 snapshots, 4 days, 48 activity hours" in out and "Nothing was written." in out
    assert metrics_bytes(ws) is None


# -- dates and numbers -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("December 30", None, date(2026, 12, 30)),  # exported on 3 January: last year
        ("30 December", None, date(2026, 12, 30)),
        ("Dec. 30", None, date(2026, 12, 30)),
        ("January 3", None, date(2027, 1, 3)),  # the export day itself
        ("Jan 4", None, date(2026, 1, 4)),  # after the export day: a year earlier
        ("Sunday, 3rd of January", None, date(2027, 1, 3)),
        ("29 February", None, date(2024, 2, 29)),  # the latest 29 February before the export
        ("August 9, 2026", None, date(2026, 8, 9)),
        ("2026-12-30", None, date(2026, 12, 30)),
        ("2026/12/30 00:00:00", None, date(2026, 12, 30)),
        ("December 30", 2025, date(2025, 12, 30)),
        ("January 2", 2026, date(2026, 1, 2)),
    ],
)
def test_year_inference(text: str, year: int | None, expected: date) -> None:
    assert mi.Dates(date(2027, 1, 3), year).day(text) == expected


def test_year_inference_refusals() -> None:
    with pytest.raises(ValidationError, match=r"in --year 2027 is 2027-12-30, after the day of the export"):
        mi.Dates(date(2027, 1, 3), 2027).day("December 30")
    for text in ("13/12", "Smarch 3", "December", "December 30 31", "30 December 2026 2027"):
        with pytest.raises(UsageError, match="cannot read"):
            mi.Dates(date(2027, 1, 3)).day(text)


def test_at_and_year_place_an_old_export(ws: Workspace, tmp_path: Path) -> None:
    header, _ = OVERVIEW
    old = tmp_path / "Overview.csv"
    old.write_bytes(
        export_csv(header, [["December 30", "1", "0", "0", "0", "0"], ["August 9", "2", "0", "0", "0", "0"]])
    )
    report = import_json(ws, str(old), "--at", "2026-08-20 09:00", "--dry-run")
    assert report["at"] == "2026-08-20T09:00:00+10:00"
    import_json(ws, str(old), "--at", "2026-08-20 09:00")
    assert sorted(d["day"] for d in tables(ws)["daily"]) == ["2025-12-30", "2026-08-09"]
    ws.metrics_db.unlink()
    import_json(ws, str(old), "--year", "2025")
    assert sorted(d["day"] for d in tables(ws)["daily"]) == ["2025-08-09", "2025-12-30"]
    assert_error(run(ws, "metrics", "import", str(old), "--at", "tomorrow 9am"), 2, "is in the future")
    assert_error(run(ws, "metrics", "import", str(old), "--year", "1999"), 2, "--year 1999")


@pytest.mark.parametrize(
    ("text", "kind", "expected"),
    [
        ("1,234", {}, 1234),
        ("1 234 567", {}, 1234567),
        ("\u00a012\u00a0", {}, 12),
        ("undefined", {}, None),
        ("", {}, None),
        ("+40", {}, 40),
        ("-20", {}, -20),
        ("31.5%", {"percent": True}, 31.5),
        ("31,5", {"percent": True}, 31.5),
        ("12.5s", {"seconds": True}, 12.5),
        ("9 s", {"seconds": True}, 9),
        ("1:05", {"seconds": True}, 65),
    ],
)
def test_numbers_as_exports_write_them(text: str, kind: dict[str, bool], expected: float | None) -> None:
    assert mi.parse_number(text, **kind) == expected


def test_header_names_are_compared_loosely() -> None:
    header = '"\ufeffDATE","Video Views\u00a0",Profile views,"likes","Comments (total)",Shares'
    table = mi.parse_table("x.csv", ("\ufeff" + header + '\n"9 August",1,2,3,4,5\n').encode())
    assert table.kind == "overview"
    assert set(table.columns) == {"day", "video_views", "profile_views", "likes", "shares"}
    assert table.unused == ["Comments (total)"]
    semicolons = mi.parse_table("y.csv", b"Date;Followers\n9 August;10\n")
    assert (
        semicolons is not None
        and semicolons.kind == "follower-history"
        and semicolons.rows == [(2, ["9 August", "10"])]
    )
    with pytest.raises(
        mi.UnknownFileError, match=r"z.csv is not a file contentops reads \(columns: Gender, Distribution\)"
    ):
        mi.parse_table("z.csv", b'"Gender","Distribution"\n')


# -- contentops' own CSV -----------------------------------------------------------------------------
OWN_HEADER = ["post", "url", "at", "title", "views", "likes", "comments", "shares", "saves", "reach", "followers",
              "watch_time", "full_watch"]  # fmt: skip


def own_csv(path: Path, rows: list[list[Any]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf).writerows([OWN_HEADER, *[[str(c) for c in r] for r in rows]])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_own_csv(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    recap = posts["recap"]
    log_metrics(ws, recap, {"views": 10000, "likes": 900}, now=datetime.fromisoformat(NOW), at="2027-01-01 09:00")
    sheet = own_csv(tmp_path / "team.csv", [
        [recap, "", "2027-01-01 09:00", "Summer recap", "10,000", "900", "", "", "", "", "", "", ""],  # = the log
        [recap, "", "2027-01-02T09:00:00+11:00", "", "12000", "1000", "30", "60", "80", "undefined", "5", "8.5", "30"],
        ["", url(VIDEO["teaser"]), "", "", "700", "", "", "", "", "", "", "", ""],  # at the export time
        ["", url(STRANGER), "", "Not ours", "5", "", "", "", "", "", "", "", ""],
    ])  # fmt: skip
    report = import_json(ws, str(sheet))
    file = report["files"][0]
    assert (file["kind"], file["rows"], file["new"], file["already_imported"]) == ("contentops", 4, 2, 1)
    assert [(u["row"], u["video_id"], u["title"]) for u in file["unmatched"]] == [(5, STRANGER, "Not ours")]
    snaps = sorted((s["post"], s["at"], s["views"], s["full_watch"], s["reach"]) for s in tables(ws)["snapshots"])
    assert snaps == [
        (recap, "2026-12-31T22:00:00Z", 10000, None, None),
        (recap, "2027-01-01T22:00:00Z", 12000, 30.0, None),
        (posts["teaser"], NOW_UTC, 700, None, None),
    ]
    before = metrics_bytes(ws)
    again = import_json(ws, str(sheet), cli=CLI.at("2027-01-03T12:00:00+11:00"))
    assert again["written"]["snapshots"] == 0 and metrics_bytes(ws) == before


@pytest.mark.parametrize(
    ("row", "code", "message"),
    [
        (["{recap}", "", "2027-01-02 09:00", "", "9000"], 3, "views 9000 is lower than 10000"),
        (["{planned}", "", "", "", "10"], 3, "is scheduled, not published"),
        (["99", "", "", "", "10"], 1, "column 'post': no post with id 99"),
        (["{recap}", url(STRANGER), "", "", "10"], 3, "has another video than the url"),
        (["{recap}", "", "2027-01-04 09:00", "", "10"], 3, "column 'at': 2027-01-04T09:00:00+11:00 is in the future"),
        (["{recap}", "", "2026-12-19 09:00", "", "10"], 3, "2026-12-19T09:00:00+11:00 is before post 1 went out"),
        (["", "", "", "", "10"], 2, "no post and no url"),
        (["{recap}", "", "", "", ""], 2, "no figures"),
    ],
)
def test_own_csv_refusals(
    ws: Workspace, posts: dict[str, int], tmp_path: Path, row: list[str], code: int, message: str
) -> None:
    good = [posts["recap"], "", "2027-01-01 09:00", "", "10000", "", "", "", "", "", "", "", ""]
    bad = [c.format(**posts) for c in row] + [""] * (len(OWN_HEADER) - len(row))
    sheet = own_csv(tmp_path / "team.csv", [good, bad])
    assert_error(run(ws, "metrics", "import", str(sheet)), code, "team.csv row 3", message)
    assert metrics_bytes(ws) is None


def test_own_csv_unknown_column(ws: Workspace, tmp_path: Path) -> None:
    sheet = tmp_path / "team.csv"
    sheet.write_text("post,veiws\n1,10\n", encoding="utf-8")
    assert_error(run(ws, "metrics", "import", str(sheet)), 2, "team.csv row 1, column 'veiws'", "Hint: columns: post")


# -- files and zips ----------------------------------------------------------------------------------
def test_zip_members_not_read(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    inner = make_zip(tmp_path / "inner.zip", {"Content.csv": export_csv(*CONTENT)}).read_bytes()
    export = make_zip(tmp_path / "odd.zip", {
        "Followers_brand/FollowerHistory.csv": export_csv(*FOLLOWERS),  # a folder inside the zip is fine
        "../escape.csv": export_csv(*OVERVIEW),
        "inner.zip": inner,
        "Followers_brand/": b"",
    })  # fmt: skip
    report = import_json(ws, str(export))
    assert [f["file"] for f in report["files"]] == ["odd.zip:Followers_brand/FollowerHistory.csv"]
    assert {s["file"]: s["reason"].split(":")[0] for s in report["skipped"]} == {
        "odd.zip:../escape.csv": "a path outside the zip's own folder; not read",
        "odd.zip:inner.zip": "a zip inside the zip is not read",
    }


def test_files_that_are_refused(ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "nope.zip"
    assert_error(run(ws, "metrics", "import", str(missing)), 1, "nope.zip does not exist")
    corrupt = tmp_path / "broken.zip"
    corrupt.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    assert_error(run(ws, "metrics", "import", str(corrupt)), 2, "broken.zip is not a readable zip file")
    workbook = make_zip(tmp_path / "Viewers.xlsx", {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<x/>"})
    assert_error(run(ws, "metrics", "import", str(workbook)), 2, "Viewers.xlsx is an Excel workbook")
    only_unknown = make_zip(
        tmp_path / "Audience.zip", {"FollowerGender.csv": export_csv(["Gender", "Distribution"], [])}
    )
    assert_error(run(ws, "metrics", "import", str(only_unknown)), 2, "nothing to import in Audience.zip")
    unknown = tmp_path / "Viewers.csv"
    unknown.write_bytes(export_csv(["Date", "Total Viewers", "New Viewers"], [["9 August", "1", "1"]]))
    assert_error(run(ws, "metrics", "import", str(unknown)), 2, "(columns: Date, Total Viewers, New Viewers)")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes('Date,Followers\n"9 août",1\n'.encode("latin-1"))
    assert_error(run(ws, "metrics", "import", str(latin1)), 2, "latin1.csv is not UTF-8 text")
    monkeypatch.setattr(mi, "MAX_IMPORT_BYTES", 2000)  # a member unpacking beyond the limit: a zip bomb
    big = make_zip(tmp_path / "big.zip", {"Overview.csv": export_csv(OVERVIEW[0], OVERVIEW[1] * 40)})
    assert_error(run(ws, "metrics", "import", str(big)), 2, "big.zip:Overview.csv unpacks to")
    assert metrics_bytes(ws) is None


# -- output ------------------------------------------------------------------------------------------
def test_table_output(ws: Workspace, posts: dict[str, int], tmp_path: Path) -> None:
    out = ok(ws, "metrics", "import", str(tiktok_zip(tmp_path))).stdout
    expected = (
        "export.zip:Content.csv", "content -> snapshots", "follower-activity -> activity", "Unmatched rows",
        "Someone else's duet", STRANGER, "is scheduled, not published", "Export of Sun 03 Jan 2027 09:00",
        "export.zip:Viewers.xlsx: skipped, not a CSV file",
        "Imported 2 snapshots, 4 days, 48 activity hours (0 rows already imported, 2 unmatched).",
    )  # fmt: skip
    for text in expected:
        assert text in out, (text, out)
    history = CLI.run_json(ws, "history")
    assert any("metrics import export.zip: 2 snapshots" in json.dumps(e) for e in history)
    ok(ws, "undo")  # the import is one change
    assert tables(ws) == {"snapshots": [], "daily": [], "activity": []}
