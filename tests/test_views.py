"""Calendar views with public holidays, key dates and several time zones (``cal agenda|week|month``).

Holidays are checked through the views' JSON for the regions configured in ``contentops.toml``;
times in other zones are hand-checked literals on both sides of each daylight-saving change of
2026-27: Auckland 27 Sep 2026, Sydney and Adelaide 4 Oct 2026, all three 4 Apr 2027 (Perth and
Brisbane keep one offset all year).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli

from contentops import keydates
from contentops.calendar_ops import add_post
from contentops.workspace import Workspace, find_workspace

ROOT = Path(__file__).resolve().parents[1]
NOW = "2026-04-01T09:00:00+11:00"  # Wednesday 1 April 2026, Sydney (AEDT)
ZONES = ["Australia/Sydney", "Australia/Perth", "Australia/Brisbane", "Australia/Adelaide", "Pacific/Auckland"]
CLI = Cli(NOW)
run, ok, run_json = CLI.run, CLI.ok, CLI.run_json


# -- helpers ---------------------------------------------------------------------------------
def view(ws: Workspace, *args: str) -> dict[str, Any]:
    return run_json(ws, "cal", *args)


def add(ws: Workspace, title: str, at: str, tz: str | None = None) -> int:
    return add_post(ws, title, at=at, tz=tz, now=datetime.fromisoformat(NOW))["id"]


def configure(ws: Workspace, regions: list[str] | None = None, display: list[str] | None = None) -> Workspace:
    text = ws.config_path.read_text(encoding="utf-8")
    if regions is not None:
        text = re.sub(r"(?m)^regions = .*$", "regions = " + json.dumps(regions), text)
    if display is not None:
        text = re.sub(r"(?m)^display_zones = .*$", "display_zones = " + json.dumps(display), text)
    ws.config_path.write_text(text, encoding="utf-8")
    return find_workspace(ws.root)


def specials(data: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Days that have holidays or key dates -> those entries."""
    return {d["date"]: d["special"] for d in data["days"] if d["special"]}


def named(data: dict[str, Any], name: str) -> dict[str, list[str]]:
    """Day -> regions of the holiday ``name`` (all of its days in view)."""
    return {day: s["regions"] for day, items in specials(data).items() for s in items if s["name"] == name}


def times(data: dict[str, Any], post_id: int) -> dict[str, str]:
    return next(p["times"] for d in data["days"] for p in d["posts"] if p["id"] == post_id)


def write_key_dates(ws: Workspace, text: str) -> Path:
    path = ws.calendar_dir / "key-dates.toml"
    path.write_text(text, encoding="utf-8")
    return path


def lines_with(text: str, needle: str) -> list[str]:
    return [line for line in text.splitlines() if needle in line]


# -- public holidays -------------------------------------------------------------------------
def test_anzac_day_is_one_holiday_for_australia_and_new_zealand(ws: Workspace) -> None:
    data = view(ws, "agenda", "--from", "2026-04-24", "--days", "3")
    assert data["regions"] == ["AU-NSW", "AU-VIC", "NZ"]  # the default regions
    day = next(d for d in data["days"] if d["date"] == "2026-04-25")
    assert day["special"] == [{"name": "ANZAC Day", "kind": "holiday", "regions": ["AU-NSW", "AU-VIC", "NZ"]}]
    assert day["posts"] == []
    assert named(view(configure(ws, regions=["NZ"]), "agenda", "--from", "2026-04-25", "--days", "1"), "Anzac Day") == {
        "2026-04-25": ["NZ"]
    }


def test_matariki_in_new_zealand_only(ws: Workspace) -> None:
    ws = configure(ws, regions=["AU-NSW", "NZ"])
    assert named(view(ws, "month", "2026-07"), "Matariki") == {"2026-07-10": ["NZ"]}
    assert named(view(ws, "agenda", "--from", "2027-06-21", "--days", "7"), "Matariki") == {"2027-06-25": ["NZ"]}
    assert named(view(configure(ws, regions=["AU-NSW"]), "month", "2026-07"), "Matariki") == {}


def test_kings_birthday_differs_by_state(ws: Workspace) -> None:
    ws = configure(ws, regions=["AU-NSW", "AU-VIC", "AU-WA", "AU-QLD", "NZ"])
    data = view(ws, "agenda", "--from", "2026-05-25", "--days", "140")
    assert named(data, "King's Birthday") == {
        "2026-06-01": ["NZ"],
        "2026-06-08": ["AU-NSW", "AU-VIC"],
        "2026-09-28": ["AU-WA"],
        "2026-10-05": ["AU-QLD"],
    }
    assert named(view(ws, "week", "2026-09-30"), "King's Birthday") == {"2026-09-28": ["AU-WA"]}


def test_new_zealand_region_holiday(ws: Workspace) -> None:
    data = view(configure(ws, regions=["NZ-AUK"]), "agenda", "--from", "2027-01-25", "--days", "14")
    assert named(data, "Auckland Anniversary Day") == {"2027-02-01": ["NZ-AUK"]}
    assert named(data, "Waitangi Day") == {"2027-02-06": ["NZ-AUK"]}


def test_unknown_holiday_region_is_an_error(ws: Workspace) -> None:
    result = run(configure(ws, regions=["AU-XX"]), "cal", "agenda")
    assert result.exit_code == 1
    assert "unknown holiday region 'AU-XX'" in result.stderr and "Hint:" in result.stderr


def test_holidays_show_in_every_view(ws: Workspace) -> None:
    pid = add(ws, "Dawn service", "2026-04-25 11:00")
    agenda = ok(ws, "cal", "agenda", "--from", "2026-04-22", "--days", "5").stdout
    (anzac,) = lines_with(agenda, "ANZAC Day (AU-NSW, AU-VIC, NZ)")
    assert "Sat 25/04" in anzac
    (post,) = lines_with(agenda, "Dawn service")
    assert "11:00" in post and f" {pid} " in post
    assert "ANZAC Day (AU-NSW, AU-VIC, NZ)" in ok(ws, "cal", "agenda", "--from", "2026-04-25", "--days", "1").stdout
    week = ok(ws, "cal", "week", "2026-04-25").stdout
    assert "ANZAC Day (AU-NSW," in week and "Dawn service" in week
    assert "holiday" in week.splitlines()[-2]  # the legend
    month = ok(ws, "cal", "month", "2026-04").stdout
    assert "Good Friday" in month and "ANZAC Day" in month


def test_holiday_only_day_still_shows_in_the_agenda(ws: Workspace) -> None:
    text = ok(ws, "cal", "agenda", "--from", "2026-12-24", "--days", "5", "--home-only").stdout
    days = [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]
    assert [d for d in days if d] == ["Fri 25/12", "Sat 26/12", "Mon 28/12"]
    assert "Boxing Day (observed) (AU-NSW, AU-VIC, NZ)" in text
    assert "0 posts in view" in text


# -- key dates -------------------------------------------------------------------------------
KEY_DATES = """
[[date]]
date = 2026-11-27
end = 2026-11-30
name = "Black Friday to Cyber Monday"
kind = "sales"

[[date]]
date = 2026-12-26
name = "Boxing Day sales"
kind = "sales"

[[date]]
date = 2026-11-29
name = "Team offsite"
"""


def test_key_dates_from_the_file(ws: Workspace) -> None:
    write_key_dates(ws, KEY_DATES)
    data = view(ws, "agenda", "--from", "2026-11-26", "--days", "6", "--home-only")
    black_friday = {"name": "Black Friday to Cyber Monday", "kind": "sales", "regions": []}
    assert specials(data) == {
        "2026-11-27": [black_friday],
        "2026-11-28": [black_friday],
        "2026-11-29": [black_friday, {"name": "Team offsite", "kind": "key-date", "regions": []}],
        "2026-11-30": [black_friday],
    }
    boxing = specials(view(ws, "week", "2026-12-26"))["2026-12-26"]  # holidays first, then key dates
    assert [(s["name"], s["kind"]) for s in boxing] == [("Boxing Day", "holiday"), ("Boxing Day sales", "sales")]
    text = ok(ws, "cal", "agenda", "--from", "2026-11-29", "--days", "1").stdout
    assert "Black Friday to Cyber Monday (sales)" in text and "Team offsite (key-date)" in text
    assert "Boxing Day sales" in ok(ws, "cal", "month", "2026-12").stdout


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("[[date]\n", "not valid TOML"),
        ('[[date]]\ndate = "2026-11-27"\nname = "Quoted"\n', "must be days"),
        ('[[date]]\ndate = 2026-11-27T09:00:00\nname = "With a time"\n', "must be days"),
        ("[[date]]\ndate = 2026-11-27\n", "'name' must be text"),
        ('[[date]]\ndate = 2026-11-27\nend = 2026-11-20\nname = "Backwards"\n', "'end' (2026-11-20) is before"),
        ('[[date]]\ndate = 2026-11-27\nname = "Kind"\nkind = 3\n', "'kind' must be a word"),
        ('date = "soon"\n', "array of tables"),
    ],
)
def test_invalid_key_dates_file(ws: Workspace, text: str, needle: str) -> None:
    path = write_key_dates(ws, text)
    for args in (["agenda"], ["week"], ["month"], ["agenda", "--json"]):
        result = run(ws, "cal", *args)
        assert result.exit_code == 1, result.output
        error, hint = result.stderr.splitlines()
        assert error.startswith(f"Error: {path}: ") and needle in error
        assert hint.startswith("Hint: ")
        assert result.stdout == "" and "Traceback" not in result.output


def test_repository_key_dates_are_valid() -> None:
    entries = keydates.load_key_dates(ROOT / "calendar" / "key-dates.toml")
    by_name = {e["name"]: e for e in entries}
    assert by_name["Black Friday to Cyber Monday"]["date"] == date(2026, 11, 27)
    assert {e["kind"] for e in entries} == {"sales", "cultural"}
    assert all(date(2026, 1, 1) <= e["date"] <= e["end"] <= date(2027, 12, 31) for e in entries)


# -- zones across daylight saving ------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Before Auckland's change (27 Sep): Sydney +10, Adelaide +9:30, Auckland +12.
        ("2026-09-21", ["18:00:00+10:00", "16:00:00+08:00", "18:00:00+10:00", "17:30:00+09:30", "20:00:00+12:00"]),
        # Auckland already on daylight time (+13), Sydney and Adelaide not yet.
        ("2026-09-30", ["18:00:00+10:00", "16:00:00+08:00", "18:00:00+10:00", "17:30:00+09:30", "21:00:00+13:00"]),
        # After Sydney's and Adelaide's change (4 Oct): Perth and Brisbane fall back an hour behind Sydney.
        ("2026-10-05", ["18:00:00+11:00", "15:00:00+08:00", "17:00:00+10:00", "17:30:00+10:30", "20:00:00+13:00"]),
        # The last days of daylight time, then all three change on 4 April 2027.
        ("2027-04-02", ["18:00:00+11:00", "15:00:00+08:00", "17:00:00+10:00", "17:30:00+10:30", "20:00:00+13:00"]),
        ("2027-04-05", ["18:00:00+10:00", "16:00:00+08:00", "18:00:00+10:00", "17:30:00+09:30", "20:00:00+12:00"]),
    ],
)
def test_display_zone_times_across_daylight_saving(ws: Workspace, day: str, expected: list[str]) -> None:
    pid = add(ws, "Six pm Sydney", f"{day} 18:00")
    agenda = view(ws, "agenda", "--from", day, "--days", "1")
    assert agenda["zones"] == ZONES  # the default display zones
    assert times(agenda, pid) == {zone: f"{day}T{t}" for zone, t in zip(ZONES, expected, strict=True)}
    assert times(view(ws, "week", day), pid) == times(agenda, pid)


def test_times_on_the_night_of_the_change_mark_other_days(ws: Workspace) -> None:
    # 01:30 on 4 Oct 2026 in Sydney is still AEST (+10); the clocks jump at 02:00.
    early = add(ws, "Early", "2026-10-04 01:30")
    late = add(ws, "Late", "2026-10-03 23:30")
    data = view(ws, "agenda", "--from", "2026-10-03", "--days", "2")
    assert times(data, early)["Australia/Perth"] == "2026-10-03T23:30:00+08:00"
    assert times(data, early)["Pacific/Auckland"] == "2026-10-04T04:30:00+13:00"
    assert times(data, late)["Pacific/Auckland"] == "2026-10-04T02:30:00+13:00"
    text = ok(ws, "cal", "agenda", "--from", "2026-10-03", "--days", "2").stdout
    (early_line,) = lines_with(text, "Early")
    assert "01:30" in early_line and "23:30 (-1d)" in early_line and "04:30" in early_line
    (late_line,) = lines_with(text, "Late")
    assert "02:30 (+1d)" in late_line
    week = ok(ws, "cal", "week", "2026-10-03").stdout
    assert "Perth 23:30-1d" in week and "Auckland 02:30+1d" in week and "Auckland 04:30" in week


def test_zone_options(ws: Workspace) -> None:
    pid = add(ws, "Summer", "2026-12-04 18:00")
    assert view(ws, "agenda", "--from", "2026-12-04", "--days", "1", "--zones", "")["zones"] == ["Australia/Sydney"]
    home = view(ws, "agenda", "--from", "2026-12-04", "--days", "1", "--home-only")
    assert home["zones"] == ["Australia/Sydney"] and times(home, pid) == {
        "Australia/Sydney": "2026-12-04T18:00:00+11:00"
    }
    some = view(ws, "week", "2026-12-04", "--zones", "Pacific/Auckland,Australia/Sydney,Pacific/Auckland")
    assert some["zones"] == ["Australia/Sydney", "Pacific/Auckland"]
    assert view(ws, "month", "2026-12")["zones"] == ["Australia/Sydney"]
    for args in (["agenda", "--zones", "Mars/Olympus"], ["week", "--zones", "Mars/Olympus"]):
        result = run(ws, "cal", *args)
        assert result.exit_code == 2 and "Mars/Olympus" in result.stderr
    result = run(ws, "cal", "agenda", "--home-only", "--zones", "Australia/Perth")
    assert result.exit_code == 2 and "--home-only" in result.stderr
    text = ok(ws, "cal", "agenda", "--from", "2026-12-04", "--days", "1", "--home-only").stdout
    assert "Perth" not in text and "Auckland" not in text and "18:00" in text


def test_configured_display_zones_are_the_default(ws: Workspace) -> None:
    ws = configure(ws, display=["Asia/Singapore"])
    pid = add(ws, "Summer", "2026-12-04 18:00")
    data = view(ws, "agenda", "--from", "2026-12-04", "--days", "1")
    assert times(data, pid) == {
        "Australia/Sydney": "2026-12-04T18:00:00+11:00",
        "Asia/Singapore": "2026-12-04T15:00:00+08:00",
    }
    assert "Singapore 15:00" in ok(ws, "cal", "week", "2026-12-04").stdout


# -- layout at 160 and 80 columns ------------------------------------------------------------
@pytest.fixture
def narrow(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 80-column terminal."""
    monkeypatch.setenv("COLUMNS", "80")


def test_wide_agenda_shows_each_zone_under_its_city(ws: Workspace) -> None:
    add(ws, "Late", "2026-12-04 23:00")
    text = ok(ws, "cal", "agenda", "--from", "2026-12-04", "--days", "1").stdout
    header = next(line for line in text.splitlines() if "Day" in line)
    assert [w for w in re.split(r"[┃│ ]+", header) if w] == [
        "Day", "Sydney", "Perth", "Brisbane", "Adelaide", "Auckland", "ID", "Status", "Title",
    ]  # fmt: skip
    (late,) = lines_with(text, "Late")
    assert "23:00" in late and "20:00" in late and "22:30" in late and "01:00 (+1d)" in late
    assert max(len(line) for line in text.splitlines()) <= 160


def test_narrow_terminal_keeps_every_line_within_80_columns(ws: Workspace, narrow: None) -> None:
    add(ws, "A post with a rather long title for a narrow terminal", "2026-12-04 23:00")
    add(ws, "Second", "2026-12-05 09:00")
    agenda = ok(ws, "cal", "agenda", "--from", "2026-12-04", "--days", "2").stdout
    week = ok(ws, "cal", "week", "2026-12-04").stdout
    month = ok(ws, "cal", "month", "2026-12").stdout
    for text in (agenda, week, month):
        assert max(len(line) for line in text.splitlines()) <= 80, text
    assert "Elsewhere" in agenda
    for label in ("PER 20:00", "BRI 22:00", "ADE 22:30", "AUC 01:00+1d"):
        assert label in agenda
    assert "AUC Pacific/Auckland" in agenda  # the short labels are explained
    assert "Second" in week and "AUC" in week and "Second" in month


def test_pack_never_splits_an_item() -> None:
    from contentops.cli.cal import _codes, _pack

    items = ["PER 15:00", "BRI 17:00", "AUC 01:00+1d"]
    assert _pack(items, 21) == ["PER 15:00 · BRI 17:00", "AUC 01:00+1d"]
    assert _pack(items, 5) == items
    assert _codes(["America/Santiago", "America/Santo_Domingo", "Australia/Perth"]) == {
        "America/Santiago": "SANTI",
        "America/Santo_Domingo": "SANTO",
        "Australia/Perth": "PERTH",
    }


# -- speed: holidays are computed once, then read from a small cache -------------------------
PROBE = """
import sys
from contentops.cli.app import app
try:
    app({args!r}, prog_name="contentops")
except SystemExit as exc:
    assert not exc.code, exc.code
print("HOLIDAYS_IMPORTED", "holidays" in sys.modules)
"""


def test_agenda_imports_holidays_only_to_fill_the_cache(ws: Workspace, tmp_path: Path) -> None:
    args = ["--workspace", str(ws.root), "cal", "agenda", "--from", "2026-04-20"]

    def imported() -> str:
        out = subprocess.run(
            [sys.executable, "-c", PROBE.format(args=args)], capture_output=True, text=True, check=True, cwd=tmp_path
        ).stdout
        assert "ANZAC Day" in out
        return out.splitlines()[-1]

    assert imported() == "HOLIDAYS_IMPORTED True"
    assert keydates.cache_path().is_file()
    assert imported() == "HOLIDAYS_IMPORTED False"


def test_holiday_cache_is_trusted_only_for_the_installed_package(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, last = date(2026, 4, 25), date(2026, 4, 25)
    path = keydates.cache_path()
    path.parent.mkdir(parents=True)

    def lookup(cache: str) -> list[str]:
        path.write_text(cache, encoding="utf-8")
        monkeypatch.setattr(keydates, "_known", {})
        return [h["name"] for h in keydates.holidays_between(["AU-NSW"], first, last).get(first, [])]

    fake = {"AU-NSW 2026": [["2026-04-25", "Cached Day"]]}
    assert lookup(json.dumps({"stamp": keydates._package_stamp(), "holidays": fake})) == ["Cached Day"]
    assert lookup(json.dumps({"stamp": "another holidays version", "holidays": fake})) == ["ANZAC Day"]
    assert json.loads(path.read_text())["stamp"] == keydates._package_stamp()  # rewritten with real data
    assert lookup("{not json") == ["ANZAC Day"]
    assert lookup(json.dumps({"stamp": keydates._package_stamp(), "holidays": {"AU-NSW 2026": [["x"]]}})) == [
        "ANZAC Day"
    ]
    path.unlink()
    path.parent.rmdir()
    path.parent.write_text("not a folder")  # the cache cannot be written: holidays still work
    monkeypatch.setattr(keydates, "_known", {})
    assert keydates.holidays_between(["NZ"], first, last)[first][0]["name"] == "Anzac Day"
