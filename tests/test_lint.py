"""Calendar checks (``contentops cal check``): every rule firing and not firing, severities,
exit codes, UTF-16 caption lengths, holidays by state, brand kit errors, and no writes."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli
from typer.testing import Result

from contentops.calendar_ops import CAMPAIGNS, POSTS, new_post, resolve_when
from contentops.errors import UsageError, WorkspaceError
from contentops.lint import check_calendar, raise_for_findings, severities, utf16_len
from contentops.workspace import Workspace, find_workspace

NOW_TEXT = "2026-11-18T09:00:00+11:00"  # Wednesday 18 November 2026, 09:00 in Sydney
NOW = datetime.fromisoformat(NOW_TEXT)
CLI = Cli(NOW_TEXT)


# -- helpers ---------------------------------------------------------------------------------
def add(ws: Workspace, title: str, at: str | None = None, *, tz: str | None = None, **fields: Any) -> int:
    """Store a post as it is (any status, any fields) without the workflow, and return its id."""
    at_utc, zone = resolve_when(ws, at, tz, NOW)
    doc = new_post(ws, title, now=NOW, actor="tester", at_utc=at_utc, zone=zone)
    doc.update(fields)
    with ws.store().transaction("test add", NOW) as tx:
        return tx.insert(POSTS, doc)


def add_campaign(ws: Workspace, name: str, start: str, end: str) -> None:
    with ws.store().transaction("test campaign", NOW) as tx:
        tx.insert(CAMPAIGNS, {"name": name, "start": start, "end": end, "hashtags": [], "goals": {}})


def configure(
    ws: Workspace, regions: list[str] | None = None, extra: str = "", replace: tuple[str, str] | None = None
) -> Workspace:
    """Change contentops.toml (regions, one text replacement, extra TOML appended) and reload the workspace."""
    text = ws.config_path.read_text(encoding="utf-8")
    if regions is not None:
        text = re.sub(r"(?m)^regions = .*$", "regions = " + json.dumps(regions), text)
    if replace is not None:
        assert replace[0] in text
        text = text.replace(*replace)
    ws.config_path.write_text(text + extra, encoding="utf-8")
    return find_workspace(ws.root)


def set_brand(ws: Workspace, language: str) -> None:
    (ws.assets_dir / "brand.toml").write_text(f'name = "Brand"\n\n{language}', encoding="utf-8")


def check(ws: Workspace, start: str | None = None, end: str | None = None, now: datetime = NOW) -> dict[str, Any]:
    return check_calendar(
        ws, now=now, start=date.fromisoformat(start) if start else None, end=date.fromisoformat(end) if end else None
    )


def found(report: dict[str, Any], rule: str) -> dict[int, dict[str, Any]]:
    """Findings of one rule, by post id."""
    return {f["post"]: f for f in report["findings"] if f["rule"] == rule}


def cli(ws: Workspace, *args: str) -> Result:
    """``contentops cal check ARGS`` at ``NOW``."""
    return CLI.run(ws, "cal", "check", *args)


# -- posting rhythm --------------------------------------------------------------------------
def test_spacing_flags_the_later_of_two_close_posts_and_ignores_cancelled(ws: Workspace) -> None:
    first = add(ws, "First", "2026-12-04 12:00")
    close = add(ws, "Close", "2026-12-04 14:30")
    far = add(ws, "Far", "2026-12-04 17:30")
    add(ws, "Cancelled", "2026-12-04 18:00", status="cancelled")
    hits = found(check(ws), "spacing")
    assert set(hits) == {close}
    assert "2 h 30 min from post 1" in hits[close]["message"] and hits[close]["severity"] == "error"
    assert first not in hits and far not in hits


def test_spacing_counts_published_posts_and_looks_past_the_window(ws: Workspace) -> None:
    early = add(ws, "Draft before a published post", "2026-12-06 11:00")
    add(ws, "Published", "2026-12-06 12:00", status="published")
    add(ws, "Published too", "2026-12-08 12:00", status="published")
    add(ws, "Published close", "2026-12-08 13:00", status="published")
    edge = add(ws, "Last evening", "2026-12-15 23:00")  # the window's last day
    add(ws, "Just after the window", "2026-12-16 00:30")
    hits = found(check(ws), "spacing")
    assert set(hits) == {early, edge}  # two published posts close together: nothing left to fix
    assert hits[edge]["message"] == "1 h 30 min from post 6 (minimum 3 h between posts)"


def test_spacing_threshold_comes_from_the_settings(ws: Workspace) -> None:
    add(ws, "First", "2026-12-04 12:00")
    add(ws, "Close", "2026-12-04 14:30")
    ws = configure(ws, replace=("min_spacing_hours = 3", "min_spacing_hours = 2.5"))
    assert found(check(ws), "spacing") == {}


def test_daily_max_counts_home_zone_days_and_skips_cancelled(ws: Workspace) -> None:
    ids = [add(ws, f"Post {h}", f"2026-12-04 {h:02d}:00") for h in (8, 12, 16)]
    add(ws, "Cancelled", "2026-12-04 20:00", status="cancelled")
    # 23:30 in Perth on the 3rd is 02:30 on the 4th in Sydney: a fourth post of Sydney's 4 December.
    perth = add(ws, "Late in Perth", "2026-12-03 23:30", tz="Australia/Perth")
    add(ws, "Next day", "2026-12-05 08:00")
    hits = found(check(ws), "daily-max")
    assert set(hits) == {ids[-1]}  # the latest post of the day is the one to move
    assert hits[ids[-1]]["message"] == f"Fri 04/12 has 4 posts (maximum 3): posts {perth}, {ids[0]}, {ids[1]}, {ids[2]}"


def test_daily_max_is_clean_at_the_maximum(ws: Workspace) -> None:
    for h in (8, 12, 16):
        add(ws, f"Post {h}", f"2026-12-04 {h:02d}:00")
    assert found(check(ws), "daily-max") == {}


# -- captions and hashtags -------------------------------------------------------------------
def test_utf16_length_counts_emoji_as_two() -> None:
    assert utf16_len("😀") == 2
    assert utf16_len("ā") == 1
    assert utf16_len("Kia ora 😀 ā") == 12


@pytest.mark.parametrize(
    ("caption", "flagged"),
    [("😀" * 1100, False), ("😀" * 1101, True), ("ā" * 2200, False), ("ā" * 2201, True), ("a" * 2199 + "😀", True)],
)
def test_caption_length_in_utf16_code_units(ws: Workspace, caption: str, flagged: bool) -> None:
    pid = add(ws, "Long caption", "2026-12-04 18:00", caption=caption)
    hits = found(check(ws), "caption-length")
    assert (pid in hits) is flagged
    if flagged:
        assert f"{utf16_len(caption)} characters" in hits[pid]["message"]


def test_hashtag_count_adds_caption_tags_once_each(ws: Workspace) -> None:
    many = add(ws, "Many", "2026-12-04 12:00", hashtags=["#A", "#B", "#C"], caption="Go #D #E #F")
    five = add(ws, "Five", "2026-12-05 12:00", hashtags=["#A", "#B", "#C"], caption="Go #d #E #a")
    hits = found(check(ws), "hashtag-count")
    assert set(hits) == {many}
    assert hits[many]["message"].startswith("6 hashtags")
    assert five not in hits


def test_duplicate_hashtags_across_caption_and_list_any_case(ws: Workspace) -> None:
    dup = add(ws, "Dup", "2026-12-04 12:00", hashtags=["#Summer", "#Sale"], caption="Hot #summer days")
    clean = add(ws, "Clean", "2026-12-05 12:00", hashtags=["#Summer"], caption="Hot #days, see page#summer")
    hits = found(check(ws), "duplicate-hashtag")
    assert set(hits) == {dup}
    assert "#Summer used more than once" in hits[dup]["message"]
    assert clean not in hits


def test_duplicate_titles_and_captions_ignore_cancelled_and_empty(ws: Workspace) -> None:
    a = add(ws, "Summer drop", "2026-12-04 12:00", caption="Out now")
    b = add(ws, "summer  DROP", None, caption="out now ")
    add(ws, "Other", "2026-12-06 12:00", caption="")
    add(ws, "No caption", "2026-12-07 12:00", caption="")
    add(ws, "Cancelled twin", "2026-12-08 12:00", caption="Gone", status="cancelled")
    lone = add(ws, "Gone", "2026-12-09 12:00", caption="Gone")
    report = check(ws)
    titles, captions = found(report, "duplicate-title"), found(report, "duplicate-caption")
    assert set(titles) == {a, b} and set(captions) == {a, b}
    assert titles[b]["message"] == f"same title as post {a}" and titles[b]["at"] is None
    assert lone not in captions


def test_a_published_post_counts_as_a_duplicate_but_is_not_checked(ws: Workspace) -> None:
    old = add(ws, "Repeat me", "2026-11-10 18:00", status="published")
    new = add(ws, "Repeat me", "2026-12-04 18:00")
    hits = found(check(ws), "duplicate-title")
    assert set(hits) == {new}
    assert str(old) in hits[new]["message"]


# -- brand language --------------------------------------------------------------------------
def test_banned_words_match_whole_words_in_any_case(ws: Workspace) -> None:
    set_brand(ws, '[language]\nbanned_words = ["cheap", "free gift"]\n')
    bad = add(ws, "CHEAP seats", "2026-12-04 12:00", caption="Claim your Free  gift? no, your free gift!")
    ok = add(ws, "Cheapest seats", "2026-12-05 12:00", caption="cheaply made, free gifts")
    report = check(ws)
    hits = [f for f in report["findings"] if f["rule"] == "banned-word"]
    assert {(f["post"], f["message"]) for f in hits} == {
        (bad, "banned word 'cheap' in the title"),
        (bad, "banned word 'free gift' in the caption"),
    }
    assert ok not in {f["post"] for f in hits}


def test_brand_terms_are_case_sensitive_whole_words(ws: Workspace) -> None:
    # The workspace's brand kit maps "Tiktok" to "TikTok".
    bad = add(ws, "Tiktok live tonight", "2026-12-04 12:00", caption="See you on Tiktok!")
    good = add(ws, "TikTok live", "2026-12-05 12:00", caption="tiktok fans, Tiktoker of the week")
    hits = found(check(ws), "brand-term")
    assert set(hits) == {bad}
    assert hits[bad]["message"] == "'Tiktok' in the title and caption: the brand writes 'TikTok'"
    assert hits[bad]["severity"] == "warning" and good not in hits


# -- workflow against time -------------------------------------------------------------------
def test_approval_lead_flags_unapproved_posts_due_soon(ws: Workspace) -> None:
    soon = add(ws, "Soon draft", "2026-11-18 14:00")
    review = add(ws, "Soon in review", "2026-11-18 19:00", status="in-review")
    approved = add(ws, "Soon approved", "2026-11-19 08:00", status="approved")
    later = add(ws, "Later draft", "2026-11-19 10:00")  # 25 h away
    hits = found(check(ws), "approval-lead")
    assert set(hits) == {soon, review}
    assert "goes out in 5 h and is still draft" in hits[soon]["message"]
    assert hits[review]["hint"] == f"approve it: contentops post approve {review}"
    assert approved not in hits and later not in hits


def test_past_posts_must_be_published(ws: Workspace) -> None:
    late = add(ws, "Missed", "2026-11-18 08:00", status="scheduled", video="v.mp4", cover="c.png")
    done = add(ws, "Done", "2026-11-18 07:00", status="published")
    add(ws, "Dropped", "2026-11-18 06:00", status="cancelled")
    ahead = add(ws, "Ahead", "2026-11-18 12:00", status="scheduled", video="v.mp4", cover="c.png")
    report = check(ws)
    assert set(found(report, "past-unpublished")) == {late}
    assert done not in {f["post"] for f in report["findings"]}
    assert ahead not in {f["post"] for f in report["findings"]}


def test_scheduled_posts_need_a_video_and_a_cover(ws: Workspace) -> None:
    bare = add(ws, "Bare", "2026-12-04 12:00", status="scheduled")
    no_cover = add(ws, "No cover", "2026-12-05 12:00", status="scheduled", video="v.mp4")
    ready = add(ws, "Ready", "2026-12-06 12:00", status="scheduled", video="v.mp4", cover="c.png")
    approved = add(ws, "Approved", "2026-12-07 12:00", status="approved")
    report = check(ws)
    assert set(found(report, "missing-video")) == {bare}
    assert set(found(report, "missing-cover")) == {bare, no_cover}
    assert ready not in {f["post"] for f in report["findings"]}
    assert approved not in {f["post"] for f in report["findings"]}


# -- dates -----------------------------------------------------------------------------------
def test_anzac_day_is_a_holiday_in_nsw(ws: Workspace) -> None:
    ws = configure(ws, regions=["AU-NSW"])
    anzac = add(ws, "Lest we forget", "2026-04-25 11:00")
    # 23:30 in Perth on the 24th is already 25 April in Sydney, the home zone.
    perth = add(ws, "Perth eve", "2026-04-24 23:30", tz="Australia/Perth")
    eve = add(ws, "Day before", "2026-04-24 12:00")
    hits = found(
        check(ws, "2026-04-20", "2026-04-26", now=datetime.fromisoformat("2026-04-01T09:00:00+11:00")), "holiday"
    )
    assert set(hits) == {anzac, perth}
    assert hits[anzac]["message"] == "Sat 25/04 is a public holiday: ANZAC Day (AU-NSW)"
    assert hits[anzac]["severity"] == "warning" and eve not in hits


@pytest.mark.parametrize(
    ("region", "kings_birthday"),
    [
        ("AU-NSW", "2026-06-08"),
        ("AU-VIC", "2026-06-08"),
        ("AU-WA", "2026-09-28"),
        ("AU-QLD", "2026-10-05"),
        ("NZ", "2026-06-01"),
    ],
)
def test_kings_birthday_is_checked_by_state(ws: Workspace, region: str, kings_birthday: str) -> None:
    ws = configure(ws, regions=[region])
    ids = {
        day: add(ws, f"Post {day}", f"{day} 18:00") for day in ("2026-06-01", "2026-06-08", "2026-09-28", "2026-10-05")
    }
    report = check(ws, "2026-05-25", "2026-10-10", now=datetime.fromisoformat("2026-05-01T09:00:00+10:00"))
    kings = {pid for pid, f in found(report, "holiday").items() if "King's Birthday" in f["message"]}
    assert kings == {ids[kings_birthday]}


def test_campaign_dates_are_inclusive_home_zone_days(ws: Workspace) -> None:
    add_campaign(ws, "Summer Sounds", "2026-12-01", "2026-12-31")
    inside = [
        add(ws, "First day", "2026-12-01 00:30", campaign="Summer Sounds"),
        add(ws, "Last day", "2026-12-31 23:30", campaign="Summer Sounds"),
    ]
    before = add(ws, "Too early", "2026-11-30 23:30", campaign="Summer Sounds")
    after = add(ws, "Too late", "2027-01-01 00:30", campaign="Summer Sounds")
    ghost = add(ws, "Ghost", "2026-12-10 12:00", campaign="Gone Campaign")
    hits = found(check(ws, "2026-11-30", "2027-01-02"), "campaign-dates")
    assert set(hits) == {before, after, ghost}
    assert hits[after]["message"] == "Fri 01/01 is outside campaign 'Summer Sounds' (2026-12-01 to 2026-12-31)"
    assert "does not exist" in hits[ghost]["message"]
    assert not set(inside) & set(hits)


# -- window ----------------------------------------------------------------------------------
def test_default_window_is_28_days_plus_unscheduled_posts_for_content_rules(ws: Workspace) -> None:
    last = add(ws, "Day 28", "2026-12-15 23:00", status="scheduled")
    beyond = add(ws, "Day 29", "2026-12-16 00:30", status="scheduled")
    loose = add(ws, "Loose", None, caption="x" * 2201, status="scheduled")
    report = check(ws)
    assert (report["from"], report["to"]) == ("2026-11-18", "2026-12-15")
    posts = {f["post"] for f in report["findings"]}
    assert last in posts and beyond not in posts
    assert {f["rule"] for f in report["findings"] if f["post"] == loose} == {"caption-length"}
    assert report["posts_checked"] == 1 and report["unscheduled_checked"] == 1


def test_a_reversed_window_is_a_usage_error(ws: Workspace) -> None:
    with pytest.raises(UsageError, match="before"):
        check(ws, "2026-12-10", "2026-12-01")


# -- severities ------------------------------------------------------------------------------
def test_severity_overrides_and_off(ws: Workspace) -> None:
    ws = configure(
        ws, extra='\n[rules.severity]\nmissing-video = "warning"\nmissing-cover = "off"\nholiday = "error"\n'
    )
    levels = severities(ws)
    assert (levels["missing-video"], levels["missing-cover"], levels["holiday"]) == ("warning", "off", "error")
    add(ws, "Bare", "2026-12-04 12:00", status="scheduled")
    xmas = add(ws, "Christmas", "2026-12-25 12:00")
    report = check(ws, "2026-12-01", "2026-12-31")
    assert {(f["rule"], f["severity"]) for f in report["findings"]} == {
        ("missing-video", "warning"),
        ("holiday", "error"),
    }
    assert found(report, "holiday")[xmas]["message"].startswith("Fri 25/12 is a public holiday: Christmas Day")
    assert (report["errors"], report["warnings"]) == (1, 1)


@pytest.mark.parametrize(
    ("setting", "needle"),
    [
        ('[rules.severity]\nspelling = "error"', "unknown rule 'spelling'"),
        ('[rules.severity]\nholiday = "loud"', "rules.severity.holiday must be"),
        ('[rules]\nseverity = "off"', "[rules.severity] must be a table"),
    ],
)
def test_bad_severity_settings_name_the_file(ws: Workspace, setting: str, needle: str) -> None:
    ws = configure(ws, replace=("[rules]", setting.replace("[rules.severity]", "[rules]\n[rules.severity]", 1)))
    with pytest.raises(WorkspaceError) as info:
        severities(ws)
    assert needle in info.value.message and str(ws.config_path) in info.value.message


def test_raise_for_findings_strict() -> None:
    clean = {"errors": 0, "warnings": 0}
    warned = {"errors": 0, "warnings": 2}
    raise_for_findings(clean, strict=True)
    raise_for_findings(warned)
    with pytest.raises(Exception, match="2 warnings") as info:
        raise_for_findings(warned, strict=True)
    assert info.value.exit_code == 3  # type: ignore[attr-defined]


# -- brand kit -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "needle"),
    [
        ("[language\n", "not valid TOML"),
        ('language = "cheap"\n', "[language] must be a table"),
        ('[language]\nbanned_words = "cheap"\n', "banned_words must be a list"),
        ('[language]\nbanned_words = ["ok", 3]\n', "banned_words must be a list"),
        ('[language]\nterms = ["Tiktok"]\n', "[language.terms] must be a table"),
        ('[language.terms]\n"Tiktok" = 1\n', "'Tiktok' must map to a non-empty spelling"),
        ('[language.terms]\n"TikTok" = "TikTok"\n', "'TikTok' maps to itself"),
    ],
)
def test_brand_kit_errors_exit_1_and_name_the_file(ws: Workspace, language: str, needle: str) -> None:
    set_brand(ws, language)
    add(ws, "A post", "2026-12-04 12:00")
    result = cli(ws)
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: ") and needle in result.stderr
    assert str(Path(ws.root) / "assets" / "brand.toml") in result.stderr.replace("\n", "")
    assert result.stdout == ""


def test_a_missing_brand_kit_has_no_language_rules(ws: Workspace) -> None:
    (ws.assets_dir / "brand.toml").unlink()
    add(ws, "Tiktok", "2026-12-04 12:00")
    assert found(check(ws), "brand-term") == {}


# -- command line ----------------------------------------------------------------------------
def test_cli_clean_calendar_exits_0(ws: Workspace) -> None:
    add(ws, "Fine", "2026-12-04 18:00", status="approved", caption="All good #SummerSounds")
    result = cli(ws)
    assert result.exit_code == 0, result.output
    assert "No findings" in result.stdout


def test_cli_errors_exit_3_and_write_nothing(ws: Workspace) -> None:
    add(ws, "Bare", "2026-12-04 12:00", status="scheduled", cover="c.png")
    before = ws.calendar_db.read_bytes()
    result = cli(ws)
    assert result.exit_code == 3
    assert "missing-video" in result.stdout and "Fri 04/12 12:00" in result.stdout
    assert result.stderr.startswith("Error: the calendar check found 1 error")
    assert ws.calendar_db.read_bytes() == before
    assert [p.name for p in ws.calendar_dir.iterdir() if p.name.startswith("calendar")] == ["calendar.json"]


def test_cli_warnings_pass_unless_strict(ws: Workspace) -> None:
    add(ws, "Tiktok tips", "2026-12-04 18:00", status="approved")
    assert cli(ws).exit_code == 0
    strict = cli(ws, "--strict")
    assert strict.exit_code == 3 and "1 warning" in strict.stderr


def test_cli_json_findings_and_counts(ws: Workspace) -> None:
    pid = add(ws, "Tiktok tips", "2026-12-04 18:00", status="scheduled")
    result = cli(ws, "--json", "--from", "2026-12-01", "--to", "2026-12-07")
    assert result.exit_code == 3
    data = json.loads(result.stdout)
    assert (data["from"], data["to"], data["errors"], data["warnings"]) == ("2026-12-01", "2026-12-07", 1, 2)
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [
        ("missing-video", "error"),
        ("brand-term", "warning"),
        ("missing-cover", "warning"),
    ]
    first = data["findings"][0]
    assert set(first) == {"severity", "rule", "post", "title", "status", "at", "message", "hint"}
    assert (first["post"], first["at"]) == (pid, "2026-12-04T18:00:00+11:00")
    assert "\x1b" not in result.stdout


def test_cli_findings_are_sorted_by_time(ws: Workspace) -> None:
    late = add(ws, "Late", "2026-12-10 18:00", status="scheduled", cover="c.png")
    early = add(ws, "Early", "2026-12-02 18:00", status="scheduled", cover="c.png")
    loose = add(ws, "Loose", None, caption="😀" * 1101)
    data = json.loads(cli(ws, "--json").stdout)
    assert [f["post"] for f in data["findings"]] == [early, late, loose]


def test_cli_bad_day_is_a_usage_error(ws: Workspace) -> None:
    result = cli(ws, "--from", "someday")
    assert result.exit_code == 2 and result.stderr.startswith("Error: ")


def test_severity_example_in_new_settings_works_when_uncommented(ws: Workspace) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    assert "# [rules.severity]" in text and '# missing-cover = "off"' in text
    ws.config_path.write_text(
        text.replace("# [rules.severity]", "[rules.severity]").replace("# missing-cover", "missing-cover"),
        encoding="utf-8",
    )
    again = find_workspace(ws.root)
    assert severities(again)["missing-cover"] == "off"
    assert again.config.rules["max_per_day"] == 3  # the rules above the example are still rules
