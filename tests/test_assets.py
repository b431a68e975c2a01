"""The asset library: registering files (hashes, media facts, de-duplication), refusals that change
nothing, list/show/consent/refresh, linking assets to posts, and the two ``cal check`` rules."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli, snapshot
from media_fixtures import make_video

from contentops import assets as assets_module
from contentops.workspace import Workspace, find_workspace

NOW = "2026-11-18T09:00:00+11:00"  # Wednesday 18 November 2026, 09:00 in Sydney
FUTURE = "2026-12-04 18:00"  # inside the 28 days 'cal check' looks at

CLI = Cli(NOW)
run, ok, run_json, add_post, refused = CLI.run, CLI.ok, CLI.run_json, CLI.add, CLI.refused
WORKFLOW = {"draft": [], "approved": ["submit", "approve"], "scheduled": ["submit", "approve", "schedule"]}


# -- helpers ---------------------------------------------------------------------------------
def png(path: Path, size: tuple[int, int] = (40, 30), colour: str = "red") -> Path:
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path)
    return path


def media(ws: Workspace, name: str, **kwargs: Any) -> Path:
    """A small PNG inside the workspace's media/ folder."""
    return png(ws.root / "media" / name, **kwargs)


def add(ws: Workspace, *args: str | Path) -> dict[str, Any]:
    return run_json(ws, "asset", "add", *map(str, args))


def post(ws: Workspace, status: str = "draft", *assets: int) -> int:
    pid = add_post(ws, f"{status} post", "--at", FUTURE)
    for action in WORKFLOW[status]:
        ok(ws, "post", action, str(pid))
    if assets:
        ok(ws, "post", "edit", str(pid), *[a for i in assets for a in ("--asset", str(i))])
    return pid


def findings(ws: Workspace, rule: str) -> list[dict[str, Any]]:
    """The ``cal check`` findings of one rule."""
    result = run(ws, "cal", "check", "--json")
    assert result.exit_code in (0, 3), result.output
    return [f for f in json.loads(result.stdout)["findings"] if f["rule"] == rule]


def creator_submission(ws: Workspace, name: str = "kiri.png", *extra: str) -> int:
    result = add(ws, media(ws, name, colour="blue"), "--kind", "creator-submission", "--creator", "@kiri.nz", *extra)
    return result["added"][0]["id"]


# -- add: facts ------------------------------------------------------------------------------
def test_add_reads_video_facts_and_guesses_the_kind(ws: Workspace) -> None:
    (ws.root / "media").mkdir()
    video = make_video(ws.root / "media" / "hero.mp4", seconds=1.0, size=(160, 120), audio=False)
    upright = make_video(ws.root / "media" / "phone.mp4", seconds=1.0, size=(160, 120), audio=False, rotate=90)
    result = add(ws, video, upright, "-t", "hero, b-roll", "-t", "Hero")
    hero, phone = result["added"]
    assert result["duplicates"] == []
    assert hero["path"] == "media/hero.mp4"  # relative to the workspace root
    assert (hero["kind"], hero["media"], hero["width"], hero["height"]) == ("video", "video", 160, 120)
    assert hero["duration"] == pytest.approx(1.0, abs=0.1)
    assert hero["size"] == video.stat().st_size
    assert hero["sha256"] == hashlib.sha256(video.read_bytes()).hexdigest()
    assert hero["tags"] == ["hero", "b-roll"]
    assert (hero["consent"], hero["creator"], hero["consent_log"]) == (None, None, [])
    assert (hero["added_by"], hero["added_at"]) == ("tester", "2026-11-18T09:00:00+11:00")
    assert (phone["width"], phone["height"]) == (120, 160)  # display size: a phone filming upright


def test_add_reads_picture_facts_and_stores_outside_paths_absolute(ws: Workspace, tmp_path: Path) -> None:
    outside = png(tmp_path / "shoot" / "still.png", size=(48, 27))
    [photo] = add(ws, outside, "--source", "shoot 3 Dec")["added"]
    assert (photo["kind"], photo["media"], photo["width"], photo["height"], photo["duration"]) == (
        "photo", "photo", 48, 27, None
    )  # fmt: skip
    assert photo["path"] == str(outside.resolve()) and photo["source"] == "shoot 3 Dec"
    text = ok(ws, "asset", "add", str(png(ws.root / "b.png", colour="green"))).stdout
    assert "Added asset 2: b.png (photo 40x30" in text


def test_same_content_is_registered_once_under_any_path(ws: Workspace) -> None:
    first = media(ws, "hero.png")
    copy = ws.root / "media" / "copy-of-hero.png"
    copy.write_bytes(first.read_bytes())
    result = add(ws, first, copy)  # one command: the second file is a duplicate of the first
    assert [a["id"] for a in result["added"]] == [1]
    assert result["duplicates"] == [
        {"path": str(copy), "asset": 1, "registered_path": "media/hero.png", "same_path": False}
    ]
    before = snapshot(ws)
    out = " ".join(ok(ws, "asset", "add", str(copy), str(first)).stdout.split())  # nothing new, nothing written
    assert "already registered as asset 1 under media/hero.png (same content); not added again" in out
    assert f"{first}: already registered as asset 1; not added again" in out
    assert snapshot(ws) == before
    assert [a["id"] for a in run_json(ws, "asset", "list")] == [1]


def test_creator_submissions_need_a_creator_and_start_pending(ws: Workspace) -> None:
    [sub] = add(ws, media(ws, "kiri.png"), "--kind", "creator-submission", "--creator", " @kiri.nz ")["added"]
    assert (sub["kind"], sub["creator"], sub["consent"]) == ("creator-submission", "@kiri.nz", "pending")
    assert sub["consent_log"] == [{"at": "2026-11-18T09:00:00+11:00", "by": "tester", "consent": "pending"}]
    [given] = add(
        ws, media(ws, "ana.png", colour="blue"), "--kind", "creator-submission", "--creator", "Ana", "--consent",
        "granted",
    )["added"]  # fmt: skip
    assert given["consent"] == "granted"


def test_one_add_is_one_change_that_undo_reverts(ws: Workspace) -> None:
    add(ws, media(ws, "a.png"), media(ws, "b.png", colour="blue"))
    history = run_json(ws, "history")
    assert history[0]["summary"] == "added assets 1, 2"
    ok(ws, "undo")
    assert run_json(ws, "asset", "list") == []


# -- add: refusals ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("case", "code", "needle"),
    [
        ("missing", 1, "no such file: "),
        ("folder", 2, "is a folder, not a file"),
        ("text", 1, "is neither a video nor a picture contentops can read"),
        ("picture-as-video", 1, "not in a video format"),
        ("unreadable", 1, "cannot read"),
        ("unknown-kind", 2, "unknown kind 'clip'"),
        ("consent-without-submission", 2, "consent is recorded for creator submissions only"),
        ("submission-without-creator", 2, "needs the creator's name"),
        ("unknown-campaign", 1, "no campaign named 'Winter'"),
    ],
)
def test_a_bad_path_or_option_refuses_everything(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, case: str, code: int, needle: str
) -> None:
    add(ws, media(ws, "first.png"))
    good = media(ws, "good.png", colour="blue")
    folder = ws.root / "media"
    text = ws.root / "notes.txt"
    text.write_text("not a picture\n")
    locked = media(ws, "locked.png", colour="green")
    real = assets_module.sha256_file

    def sha256_file(path: Path) -> str:  # as reading a file without permission goes (tests may run as root)
        if path.name == locked.name:
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(assets_module, "sha256_file", sha256_file)
    args = {
        "missing": [good, ws.root / "nope.mp4"],
        "folder": [good, folder],
        "text": [good, text],
        "picture-as-video": [good, "--kind", "video"],
        "unreadable": [good, locked],
        "unknown-kind": [good, "--kind", "clip"],
        "consent-without-submission": [good, "--consent", "granted"],
        "submission-without-creator": [good, "--kind", "creator-submission"],
        "unknown-campaign": [good, "--campaign", "Winter"],
    }[case]
    refused(ws, code, "asset", "add", *map(str, args), needles=(needle,))
    assert [a["id"] for a in run_json(ws, "asset", "list")] == [1]


def test_a_registered_path_with_new_content_is_refused_with_refresh_hint(ws: Workspace) -> None:
    file = media(ws, "hero.png")
    add(ws, file)
    png(file, colour="blue")
    result = refused(ws, 4, "asset", "add", str(file), needles=("is asset 1, and its content changed",))
    assert "contentops asset refresh 1" in result.stderr


# -- list and show ---------------------------------------------------------------------------
def test_list_filters_by_campaign_kind_and_consent(ws: Workspace) -> None:
    ok(ws, "campaign", "add", "Summer Sounds", "--start", "2026-12-01", "--end", "2027-01-31")
    add(ws, media(ws, "a.png"), "--campaign", "summer sounds")  # 1: campaign name matched in any case
    add(ws, make_video(ws.root / "v.mp4", seconds=1.0, size=(64, 64), audio=False))  # 2
    sub = creator_submission(ws)  # 3
    ok(ws, "asset", "consent", str(sub), "refused")

    def ids(*args: str) -> list[int]:
        return [a["id"] for a in run_json(ws, "asset", "list", *args)]

    assert ids() == [1, 2, 3]
    assert ids("--campaign", "Summer Sounds") == [1]
    assert ids("--kind", "video") == [2]
    assert ids("--kind", "creator-submission") == [3]
    assert ids("--consent", "refused") == [3] and ids("--consent", "pending") == []
    assert run_json(ws, "asset", "list")[0]["campaign"] == "Summer Sounds"
    refused(ws, 2, "asset", "list", "--kind", "clip", needles=("unknown kind 'clip'",))
    refused(ws, 2, "asset", "list", "--consent", "maybe", needles=("unknown consent 'maybe'",))
    refused(ws, 1, "asset", "list", "--campaign", "Winter", needles=("no campaign named 'Winter'",))
    table = ok(ws, "asset", "list").stdout
    assert "media/a.png" in table and "refused" in table and "3 assets" in table


def test_show_has_facts_posts_and_file_state(ws: Workspace) -> None:
    [asset] = add(ws, media(ws, "a.png"))["added"]
    pid = post(ws, "draft", asset["id"])
    shown = run_json(ws, "asset", "show", "1")
    assert set(shown) == {*asset, "used_by", "file"}
    assert {k: shown[k] for k in asset if k != "posts"} == {k: v for k, v in asset.items() if k != "posts"}
    assert shown["posts"] == [pid]
    assert shown["used_by"] == [
        {"id": pid, "title": "draft post", "status": "draft", "at": "2026-12-04T18:00:00+11:00"}
    ]
    assert shown["file"] == {"path": str(ws.root / "media" / "a.png"), "state": "ok"}
    assert run_json(ws, "asset", "list")[0]["posts"] == [pid]
    text = ok(ws, "asset", "show", "1").stdout
    assert "present, unchanged" in text and f"post {pid}" in text and "draft post" in text
    (ws.root / "media" / "a.png").unlink()
    assert run_json(ws, "asset", "show", "1")["file"]["state"] == "missing"
    refused(ws, 1, "asset", "show", "9", needles=("no asset with id 9",))
    refused(ws, 2, "asset", "show", "x", needles=("'x' is not an asset id",))


def test_add_json_shape(ws: Workspace) -> None:
    result = add(ws, media(ws, "a.png"))
    assert set(result) == {"added", "duplicates"}
    assert list(result["added"][0]) == [
        "id", "path", "kind", "media", "size", "sha256", "duration", "width", "height", "campaign", "creator",
        "consent", "consent_log", "source", "tags", "added_at", "added_by", "posts",
    ]  # fmt: skip


# -- consent ---------------------------------------------------------------------------------
def test_consent_lint_is_an_error_until_consent_is_granted(ws: Workspace) -> None:
    sub = creator_submission(ws)
    draft = post(ws, "draft", sub)
    approved = post(ws, "approved", sub)
    scheduled = post(ws, "scheduled", sub)
    found = findings(ws, "asset-consent")
    assert [(f["post"], f["severity"]) for f in found] == [(approved, "error"), (scheduled, "error")]
    assert draft not in [f["post"] for f in found]  # a draft may wait for consent
    assert "without granted consent (it is pending)" in found[0]["message"]
    assert f"contentops asset consent {sub} granted" in found[0]["hint"]

    out = ok(ws, "asset", "consent", str(sub), "granted", "--note", "release form signed", "--by", "Priya").stdout
    assert "consent granted" in out
    assert findings(ws, "asset-consent") == []

    refused_out = ok(ws, "asset", "consent", str(sub), "refused").stdout
    assert f"posts {approved}, {scheduled} use it" in refused_out
    assert len(findings(ws, "asset-consent")) == 2
    log = run_json(ws, "asset", "show", str(sub))["consent_log"]
    assert [(e["by"], e["consent"], e.get("note")) for e in log] == [
        ("tester", "pending", None), ("Priya", "granted", "release form signed"), ("tester", "refused", None)
    ]  # fmt: skip
    assert run_json(ws, "history")[0]["summary"] == f"consent of asset {sub} (@kiri.nz): granted -> refused"


def test_consent_severity_can_be_changed(ws: Workspace) -> None:
    post(ws, "approved", creator_submission(ws))
    text = ws.config_path.read_text() + '\n[rules.severity]\nasset-consent = "warning"\n'
    ws.config_path.write_text(text)
    ws = find_workspace(ws.root)
    assert [f["severity"] for f in findings(ws, "asset-consent")] == ["warning"]
    ws.config_path.write_text(text.replace('"warning"', '"off"'))
    assert findings(ws, "asset-consent") == []


def test_consent_is_for_creator_submissions_only(ws: Workspace) -> None:
    add(ws, media(ws, "a.png"))
    refused(ws, 4, "asset", "consent", "1", "granted", needles=("not a creator submission",))
    sub = creator_submission(ws)
    refused(ws, 2, "asset", "consent", str(sub), "maybe", needles=("unknown consent 'maybe'",))
    before = snapshot(ws)
    assert "pending already; nothing changed" in ok(ws, "asset", "consent", str(sub), "pending").stdout
    assert snapshot(ws) == before


# -- linking ---------------------------------------------------------------------------------
def test_post_edit_links_and_unlinks_assets(ws: Workspace) -> None:
    add(ws, media(ws, "a.png"), media(ws, "b.png", colour="blue"))
    pid = post(ws, "approved")
    shown = run_json(ws, "post", "edit", str(pid), "--asset", "1", "--asset", "2")
    assert shown["assets"] == [1, 2]
    assert shown["status"] == "approved"  # linking material does not undo the approval
    assert "Assets" in ok(ws, "post", "show", str(pid)).stdout
    assert run_json(ws, "post", "edit", str(pid), "--no-asset", "1")["assets"] == [2]
    assert "asset 1 was not linked" in ok(ws, "post", "edit", str(pid), "--no-asset", "1").stdout
    refused(ws, 1, "post", "edit", str(pid), "--asset", "2", "--asset", "7", needles=("no asset with id 7",))
    refused(ws, 2, "post", "edit", str(pid), "--asset", "2", "--no-asset", "2", needles=("both linked and unlinked",))
    assert run_json(ws, "post", "show", str(pid))["assets"] == [2]
    assert run_json(ws, "history")[0]["summary"] == f"edited post {pid} (assets)"


def test_a_link_to_an_asset_that_is_gone_is_found_and_can_be_removed(ws: Workspace) -> None:
    add(ws, media(ws, "a.png"))
    pid = post(ws, "draft", 1)
    with ws.store().transaction("test: remove by hand") as tx:
        tx.remove(assets_module.ASSETS, 1)
    [gone] = findings(ws, "asset-changed")
    assert "asset 1 is not in the asset library" in gone["message"]
    assert run_json(ws, "post", "edit", str(pid), "--no-asset", "1")["assets"] == []
    assert findings(ws, "asset-changed") == []


def test_linking_a_submission_without_consent_warns(ws: Workspace) -> None:
    sub = creator_submission(ws)
    pid = post(ws, "draft")
    out = ok(ws, "post", "edit", str(pid), "--asset", str(sub)).stdout
    assert f"asset {sub} is a creator submission by @kiri.nz and its consent is pending" in out
    assert f"contentops asset consent {sub} granted" in out


def test_json_export_and_import_round_trip_with_assets(ws: Workspace) -> None:
    add(ws, media(ws, "a.png"))
    post(ws, "draft", 1)
    ok(ws, "cal", "export", "-o", "all.json")
    before = snapshot(ws)
    assert "Nothing to change" in ok(ws, "cal", "import", "all.json").stdout
    assert snapshot(ws) == before


# -- files that go missing or change ---------------------------------------------------------
def test_missing_and_changed_files_are_warnings(ws: Workspace) -> None:
    file = media(ws, "a.png")
    add(ws, file)
    pid = post(ws, "draft", 1)
    assert findings(ws, "asset-changed") == []
    data, stamp = file.read_bytes(), file.stat().st_mtime_ns

    file.rename(file.with_name("moved.png"))
    [missing] = findings(ws, "asset-changed")
    assert (missing["post"], missing["severity"]) == (pid, "warning")
    assert "media/a.png is missing" in missing["message"] and "asset refresh 1 --path NEW" in missing["hint"]
    assert run(ws, "cal", "check").exit_code == 0  # warnings only

    file.with_name("moved.png").rename(file)
    file.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # same size, other content
    os.utime(file, ns=(stamp + 10**9, stamp + 10**9))
    [changed] = findings(ws, "asset-changed")
    assert "changed since it was registered" in changed["message"] and "asset refresh 1" in changed["hint"]
    assert run(ws, "cal", "check", "--strict").exit_code == 3

    file.write_bytes(data)  # the original back, with a new modification time: no finding
    os.utime(file, ns=(stamp + 2 * 10**9, stamp + 2 * 10**9))
    assert findings(ws, "asset-changed") == []


def test_file_state_hashes_again_only_when_size_matches_and_time_differs(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = media(ws, "a.png")
    add(ws, file)
    asset = ws.store().read().get(assets_module.ASSETS, 1)
    calls: list[Path] = []
    real = assets_module.sha256_file
    monkeypatch.setattr(assets_module, "sha256_file", lambda path: calls.append(path) or real(path))

    assert assets_module.file_state(ws.root, asset) == "ok" and calls == []  # size and time match
    stamp = asset["mtime_ns"]
    os.utime(file, ns=(stamp + 10**9, stamp + 10**9))
    assert assets_module.file_state(ws.root, asset) == "ok" and len(calls) == 1  # touched: hashed, same
    file.write_bytes(file.read_bytes() + b"more")
    assert assets_module.file_state(ws.root, asset) == "changed" and len(calls) == 1  # new size: no hash needed


def test_refresh_accepts_a_changed_or_moved_file(ws: Workspace) -> None:
    sub = creator_submission(ws, "kiri.png", "--consent", "granted")
    other = add(ws, media(ws, "other.png", colour="green"))["added"][0]["id"]
    pid = post(ws, "approved", sub)
    file = ws.root / "media" / "kiri.png"
    png(file, size=(60, 40), colour="white")
    assert len(findings(ws, "asset-changed")) == 1

    out = ok(ws, "asset", "refresh", str(sub)).stdout
    assert "new content" in out
    shown = run_json(ws, "asset", "show", str(sub))
    assert (shown["width"], shown["height"], shown["consent"], shown["posts"]) == (60, 40, "granted", [pid])
    assert shown["sha256"] == hashlib.sha256(file.read_bytes()).hexdigest()
    assert findings(ws, "asset-changed") == []

    before = snapshot(ws)
    assert "up to date; nothing changed" in ok(ws, "asset", "refresh", str(sub)).stdout
    assert snapshot(ws) == before

    moved = ws.root / "final" / "kiri.png"
    moved.parent.mkdir()
    file.rename(moved)
    refused(ws, 1, "asset", "refresh", str(sub), needles=("media/kiri.png is missing", "--path NEW"))
    assert run_json(ws, "asset", "refresh", str(sub), "--path", str(moved))["path"] == "final/kiri.png"
    assert findings(ws, "asset-changed") == []

    refused(ws, 4, "asset", "refresh", str(sub), "--path", str(ws.root / "media" / "other.png"),
            needles=(f"has the content of asset {other}",))  # fmt: skip
    refused(ws, 1, "asset", "refresh", str(other), "--path", str(make_video(ws.root / "v.mp4", seconds=0.5)),
            needles=("not an image",))  # fmt: skip


# -- light commands stay light ---------------------------------------------------------------
def test_cal_check_and_asset_list_do_not_import_heavy_libraries(ws: Workspace) -> None:
    from test_layout import HEAVY, _loaded

    add(ws, media(ws, "a.png"))
    post(ws, "draft", 1)
    for args in (["cal", "check"], ["asset", "list"], ["asset", "show", "1"], ["post", "edit", "1", "--no-asset", "1"]):
        code, loaded = _loaded(["--workspace", str(ws.root), *args], ws.root)
        assert code == 0 and not loaded & set(HEAVY), f"{args} imported {loaded & set(HEAVY)}"
