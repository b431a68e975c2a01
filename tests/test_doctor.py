"""``contentops doctor``: each check against a healthy workspace and against each fault injected on its own,
outside a workspace, the JSON shape, the table in a narrow terminal, and that doctor never changes a file."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from collections import namedtuple
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli

from contentops.doctor import DISK_ERROR_BYTES, FFMPEG_ENCODERS, FFMPEG_FILTERS, Report, run_doctor
from contentops.media.ffmpeg import ffmpeg_exe
from contentops.store import SCHEMA_VERSION, Store
from contentops.workspace import Workspace

CLI = Cli(None)
MACHINE = ["python", "ffmpeg", "fonts"]
WORKSPACE = ["workspace", "settings", "brand kit", "calendar", "metrics", "lock", "temp files", "backups", "disk space"]
HOLDER = r"""
import sys, time
from contentops.store import Store

with Store(sys.argv[1], actor="holder-user").transaction("holder-test-cmd") as tx:
    tx.insert("posts", {"title": "held"})
    print("locked", flush=True)
    time.sleep(60)
"""


# -- helpers -------------------------------------------------------------------------------
def change(ws: Workspace, times: int = 1) -> None:
    """``times`` changes to the calendar (the second and later ones keep a backup of the one before)."""
    for i in range(times):
        with ws.store().transaction("post add") as tx:
            tx.insert("posts", {"title": f"post {i}", "status": "idea"})


def doctor(ws: Workspace | Path) -> tuple[int, dict[str, Any], str]:
    """``contentops doctor --json`` on ``ws``: exit code, the JSON, stderr."""
    root = ws.root if isinstance(ws, Workspace) else ws
    result = CLI.invoke("--workspace", str(root), "doctor", "--json")
    assert "Traceback" not in result.output
    return result.exit_code, json.loads(result.stdout), result.stderr


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in report["checks"]}


def statuses(report: dict[str, Any]) -> dict[str, str]:
    return {c["name"]: c["status"] for c in report["checks"]}


def only_problem(ws: Workspace, name: str, status: str) -> dict[str, Any]:
    """Run doctor; ``name`` must be the one check not ok, in ``status``, with a hint; the exit code must match."""
    code, report, stderr = doctor(ws)
    found = {n: s for n, s in statuses(report).items() if s != "ok"}
    assert found == {name: status}, report
    assert code == (3 if status == "error" else 0)
    assert report["ok"] is (status != "error")
    if status == "error":
        assert stderr.startswith(f"Error: 1 check failed: {name}") and "Hint:" in stderr
    check = by_name(report)[name]
    assert check["hint"]
    return check


def tree(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file and folder under ``root``: its bytes (None for a folder) and modification time (ns)."""
    return {
        str(p.relative_to(root)): (None if p.is_dir() else p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
    }


@pytest.fixture
def restore_ffmpeg():
    """``ffmpeg_exe`` caches its answer: clear it before and after a test that changes $IMAGEIO_FFMPEG_EXE."""
    ffmpeg_exe.cache_clear()
    yield
    ffmpeg_exe.cache_clear()


# -- healthy ---------------------------------------------------------------------------------
def test_fresh_workspace_is_healthy(ws: Workspace) -> None:
    code, report, stderr = doctor(ws)
    assert code == 0 and stderr == "" and report["ok"] is True
    assert [c["name"] for c in report["checks"]] == MACHINE + WORKSPACE
    assert set(statuses(report).values()) == {"ok"}
    checks = by_name(report)
    assert all(c["hint"] is None for c in report["checks"])
    assert checks["calendar"]["detail"] == "calendar.json: not created yet (the first change creates it)"
    assert checks["workspace"]["detail"] == str(ws.root)
    assert "(bundled with contentops)" in checks["ffmpeg"]["detail"]
    assert f"the {len(FFMPEG_FILTERS)} filters and {len(FFMPEG_ENCODERS)} encoders" in checks["ffmpeg"]["detail"]
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in checks["python"]["detail"]


def test_used_workspace_is_healthy_and_shown_as_a_table(ws: Workspace) -> None:
    change(ws, 3)
    with ws.metrics_store().transaction("metrics log") as tx:
        tx.insert("snapshots", {"post": 1, "views": 10})
    code, report, _ = doctor(ws)
    assert code == 0 and set(statuses(report).values()) == {"ok"}
    checks = by_name(report)
    assert checks["calendar"]["detail"] == f"calendar.json: revision 3, schema {SCHEMA_VERSION}"
    assert checks["metrics"]["detail"] == f"metrics.json: revision 1, schema {SCHEMA_VERSION}"
    assert checks["backups"]["detail"].startswith("calendar.json: 2 backups, newest calendar-r000002-")

    result = CLI.invoke("--workspace", str(ws.root), "doctor", env={"COLUMNS": "60"})
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 60
    assert "\x1b[" not in result.stdout  # NO_COLOR (set by conftest)
    for name in MACHINE + WORKSPACE:
        assert any(f"✓ ok │ {name} " in line for line in lines), name
    assert lines[-1] == "Everything contentops needs is in order."


# -- faults, each on its own -------------------------------------------------------------------
def test_corrupt_calendar(ws: Workspace) -> None:
    change(ws, 2)
    ws.calendar_db.write_text('{"meta": ', encoding="utf-8")
    check = only_problem(ws, "calendar", "error")
    assert "is not valid JSON" in check["detail"]
    assert "contentops restore calendar-r000001-" in check["hint"]  # the store's own hint: the newest backup


def test_newer_schema(ws: Workspace) -> None:
    change(ws, 2)
    data = json.loads(ws.calendar_db.read_bytes())
    data["meta"]["1"]["schema_version"] = SCHEMA_VERSION + 1
    ws.calendar_db.write_text(json.dumps(data), encoding="utf-8")
    check = only_problem(ws, "calendar", "error")
    assert "written by a newer contentops" in check["detail"] and "upgrade contentops" in check["hint"]


def test_invalid_settings_are_reported_and_the_rest_still_checked(ws: Workspace) -> None:
    change(ws, 2)
    text = ws.config_path.read_text(encoding="utf-8").replace('zone = "Australia/Sydney"', 'zone = "Mars/Olympus"')
    ws.config_path.write_text(text, encoding="utf-8")
    check = only_problem(ws, "settings", "error")
    assert (
        "unknown time zone 'Mars/Olympus'" in check["detail"] and "the checks below use the default" in check["detail"]
    )
    assert "fix the setting in" in check["hint"]
    assert by_name(doctor(ws)[1])["calendar"]["detail"].startswith("calendar.json: revision 2")


def test_brand_kit_error(ws: Workspace) -> None:
    brand = ws.assets_dir / "brand.toml"
    brand.write_text(brand.read_text(encoding="utf-8").replace('accent = "#FE2C55"', 'accent = "pink"'), "utf-8")
    check = only_problem(ws, "brand kit", "error")
    assert "colours.accent: 'pink' is not a colour" in check["detail"] and "#RRGGBB" in check["hint"]


def test_brand_kit_that_is_not_toml(ws: Workspace) -> None:
    (ws.assets_dir / "brand.toml").write_text("[colours\n", encoding="utf-8")
    check = only_problem(ws, "brand kit", "error")
    assert "not valid TOML" in check["detail"]


def test_unreadable_paths_are_reported_not_raised(ws: Workspace) -> None:
    (ws.assets_dir / "brand.toml").unlink()
    (ws.assets_dir / "brand.toml").mkdir()  # a folder where the brand kit should be
    shutil.rmtree(ws.calendar_dir)
    ws.calendar_dir.write_text("not a folder", encoding="utf-8")
    code, report, _ = doctor(ws)
    assert code == 3
    errors = {c["name"]: c["detail"] for c in report["checks"] if c["status"] == "error"}
    assert str(ws.assets_dir / "brand.toml") in errors.pop("brand kit")
    assert errors == {
        "calendar": f"cannot read {ws.calendar_db}: Not a directory",
        "metrics": f"cannot read {ws.metrics_db}: Not a directory",
    }


def test_missing_heading_font(ws: Workspace) -> None:
    brand = ws.assets_dir / "brand.toml"
    text = brand.read_text(encoding="utf-8").replace('heading = ""', 'heading = "Brand-Bold.ttf"')
    brand.write_text(text, encoding="utf-8")
    check = only_problem(ws, "fonts", "error")
    assert check["detail"] == f"the brand kit's heading font {ws.assets_dir / 'fonts' / 'Brand-Bold.ttf'} is missing"
    assert "put the font file there" in check["hint"]


def test_brand_font_is_named_when_present(ws: Workspace) -> None:
    from contentops.media.fonts import default_font

    (ws.assets_dir / "fonts").mkdir()
    shutil.copyfile(default_font(), ws.assets_dir / "fonts" / "Brand.ttf")
    brand = ws.assets_dir / "brand.toml"
    brand.write_text(brand.read_text(encoding="utf-8").replace('body = ""', 'body = "Brand.ttf"'), "utf-8")
    code, report, _ = doctor(ws)
    assert code == 0
    assert by_name(report)["fonts"]["detail"].startswith("heading Noto Sans Bold (built in), body Brand.ttf;")


def test_live_lock_holder_then_stale_holder_note(ws: Workspace) -> None:
    change(ws)
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(ws.calendar_db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
        check = only_problem(ws, "lock", "warning")
        assert check["detail"].startswith("held: calendar.json by 'holder-test-cmd' by holder-user on ")
        assert f"(pid {proc.pid}, since " in check["detail"]
        assert "wait for that command to finish" in check["hint"]
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        proc.stdout.close()  # type: ignore[union-attr]
    assert Store(ws.calendar_db).holder() is not None  # the killed command's note is still there
    check = only_problem(ws, "lock", "warning")
    assert check["detail"].startswith("free, with the note of a command stopped before it finished (calendar.json: ")
    assert f"pid {proc.pid}" in check["detail"] and "was not saved" in check["hint"]


def test_stray_temp_file(ws: Workspace) -> None:
    change(ws)
    (ws.calendar_dir / ".metrics.json.k3j2h1.tmp").write_bytes(b'{"half": ')
    check = only_problem(ws, "temp files", "warning")
    assert check["detail"] == "1 left by a stopped command in calendar/: .metrics.json.k3j2h1.tmp"
    assert "the next command that changes that file removes them" in check["hint"]


def test_no_backups(ws: Workspace) -> None:
    change(ws)
    shutil.rmtree(ws.calendar_dir / "backups", ignore_errors=True)
    code, report, _ = doctor(ws)  # one change: nothing to back up yet
    assert code == 0 and set(statuses(report).values()) == {"ok"}
    change(ws)
    shutil.rmtree(ws.calendar_dir / "backups")
    check = only_problem(ws, "backups", "warning")
    assert check["detail"] == f"none of calendar.json in {ws.calendar_dir / 'backups'}"
    assert "the next change keeps one" in check["hint"]


def test_no_backups_because_they_are_turned_off(ws: Workspace) -> None:
    text = ws.config_path.read_text(encoding="utf-8")
    text = text.replace("backups_recent = 10", "backups_recent = 0").replace("backups_daily = 14", "backups_daily = 0")
    ws.config_path.write_text(text, encoding="utf-8")
    change(ws, 3)
    shutil.rmtree(ws.calendar_dir / "backups", ignore_errors=True)
    check = only_problem(ws, "backups", "warning")
    assert check["hint"] == f"set storage.backups_recent in {ws.config_path} above 0"


def test_ffmpeg_missing(ws: Workspace, monkeypatch: pytest.MonkeyPatch, restore_ffmpeg: None, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-ffmpeg"
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(missing))
    check = only_problem(ws, "ffmpeg", "error")
    assert check["detail"] == f"{missing} cannot be run: No such file or directory ($IMAGEIO_FFMPEG_EXE)"
    assert "point IMAGEIO_FFMPEG_EXE at a working ffmpeg" in check["hint"]


@pytest.mark.skipif(os.name != "posix", reason="a shell script stands in for ffmpeg")
def test_ffmpeg_without_libass(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch, restore_ffmpeg: None, tmp_path: Path
) -> None:
    fake = tmp_path / "ffmpeg"
    filters = "".join(f" .. {name}  V->V  x\\n" for name in FFMPEG_FILTERS if name != "subtitles")
    encoders = "".join(f" V....D {name}  x\\n" for name in FFMPEG_ENCODERS if name != "libx264")
    fake.write_text(
        "#!/bin/sh\n"
        'case "$2" in\n'
        "  -version) echo 'ffmpeg version 4.4-distro Copyright';;\n"
        f"  -filters) printf 'Filters:\\n  ------\\n{filters}';;\n"
        f"  -encoders) printf 'Encoders:\\n ------\\n{encoders}';;\n"
        "esac\n",
        encoding="utf-8",
    )
    fake.chmod(0o755)
    monkeypatch.setenv("IMAGEIO_FFMPEG_EXE", str(fake))
    check = only_problem(ws, "ffmpeg", "error")
    assert check["detail"] == (
        f"ffmpeg 4.4-distro at {fake} ($IMAGEIO_FFMPEG_EXE) lacks the subtitles filter (captions (libass)), "
        "the libx264 encoder (H.264 video)"
    )
    assert "libass and libx264" in check["hint"]


Usage = namedtuple("Usage", "total used free")


@pytest.mark.parametrize(
    ("free", "status"), [(DISK_ERROR_BYTES - 1, "error"), (200 * 1024**2, "warning"), (20 * 1024**3, "ok")]
)
def test_disk_space(ws: Workspace, monkeypatch: pytest.MonkeyPatch, free: int, status: str) -> None:
    change(ws)
    seen = []

    def usage(path: Any) -> Usage:
        seen.append(Path(path))
        return Usage(100 * 1024**3, 100 * 1024**3 - free, free)

    monkeypatch.setattr(shutil, "disk_usage", usage)
    check = {c.name: c for c in run_doctor(ws.root).checks}["disk space"]
    assert seen == [ws.root]
    assert (check.status, check.hint is None) == (status, status == "ok")
    assert check.detail.startswith(f"{free / 1024**2:.1f} MB free of 100.0 GB" if free < 1024**3 else "20.0 GB")


def test_disk_space_small_next_to_the_databases(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    change(ws)
    size = ws.calendar_db.stat().st_size
    monkeypatch.setattr(shutil, "disk_usage", lambda path: Usage(10**12, 0, 600 * 1024**2))
    monkeypatch.setattr("contentops.doctor.DISK_DB_FACTOR", 600 * 1024**2 // size + 1)
    check = {c.name: c for c in run_doctor(ws.root).checks}["disk space"]
    assert check.status == "warning" and "x the databases" in (check.hint or "")


# -- where ------------------------------------------------------------------------------------
def test_outside_a_workspace(tmp_path: Path) -> None:
    result = CLI.invoke("doctor", "--json")  # cwd is tmp_path (conftest): no contentops.toml up from here
    assert result.exit_code == 0
    report = json.loads(result.stdout)
    assert statuses(report) == {"python": "ok", "ffmpeg": "ok", "fonts": "ok", "workspace": "warning"}
    assert "no contentops workspace here" in by_name(report)["workspace"]["detail"]
    assert "contentops init DIR" in by_name(report)["workspace"]["hint"]


def test_workspace_option_that_is_not_a_workspace(tmp_path: Path) -> None:
    code, report, stderr = doctor(tmp_path / "nowhere")
    assert code == 3 and report["ok"] is False and "Error: 1 check failed: workspace" in stderr
    assert by_name(report)["workspace"]["detail"] == f"{tmp_path / 'nowhere'} is not a contentops workspace " + (
        "(given by --workspace; it has no contentops.toml): its checks were skipped"
    )


def test_found_from_a_subfolder_and_from_contentops_home(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    sub = ws.root / "clips" / "raw"
    sub.mkdir(parents=True)
    assert {c.name: c.detail for c in run_doctor(cwd=sub).checks}["workspace"] == str(ws.root)
    monkeypatch.setenv("CONTENTOPS_HOME", str(ws.root))
    assert {c.name: c.detail for c in run_doctor().checks}["workspace"] == str(ws.root)


# -- output and side effects --------------------------------------------------------------------
def test_json_shape(ws: Workspace) -> None:
    (ws.calendar_dir / "calendar.json").write_text("", encoding="utf-8")
    code, report, _ = doctor(ws)
    assert code == 3
    assert list(report) == ["checks", "ok"] and report["ok"] is False
    for check in report["checks"]:
        assert list(check) == ["name", "status", "detail", "hint"]
        assert check["status"] in ("ok", "warning", "error")
        assert isinstance(check["detail"], str) and "\n" not in check["detail"]
        assert (check["hint"] is None) == (check["status"] == "ok")
    assert Report([]).to_json() == {"checks": [], "ok": True}


def test_table_lists_hints_and_fails_with_exit_3(ws: Workspace) -> None:
    ws.calendar_db.write_text("[]", encoding="utf-8")
    (ws.calendar_dir / ".calendar.json.x.tmp").write_text("", encoding="utf-8")
    result = CLI.invoke("--workspace", str(ws.root), "doctor", env={"COLUMNS": "50"})
    assert result.exit_code == 3
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 50
    assert any(re.match(r"│ ✗ error +│ calendar +│ /", line) for line in lines)
    assert any(re.match(r"│ ! warning +│ temp files +│ 1 left by a stopped", line) for line in lines)
    assert any(line.startswith("calendar: the file was left untouched") for line in lines)
    assert any(line.startswith("temp files: harmless") for line in lines)
    assert result.stderr.splitlines()[0] == "Error: 1 check failed: calendar"


def test_doctor_changes_no_file(ws: Workspace) -> None:
    change(ws, 3)
    with ws.metrics_store().transaction("metrics log") as tx:
        tx.insert("snapshots", {"post": 1, "views": 10})
    # problems of every kind, and a lock file and a stale holder note to try
    ws.calendar_db.write_text('{"meta": ', encoding="utf-8")
    (ws.calendar_dir / ".calendar.json.abc.tmp").write_bytes(b"x")
    Store(ws.calendar_db).holder_path.write_text('{"pid": 1, "command": "x"}', encoding="utf-8")
    brand = ws.assets_dir / "brand.toml"
    brand.write_text(brand.read_text(encoding="utf-8").replace('text = "#FFFFFF"', 'text = "white"'), "utf-8")
    ws.config_path.write_text(ws.config_path.read_text(encoding="utf-8") + "[rules\n", encoding="utf-8")
    assert Store(ws.calendar_db).lock_path.is_file() and Store(ws.metrics_db).lock_path.is_file()
    before = tree(ws.root)
    code, report, _ = doctor(ws)
    assert code == 3
    assert {n for n, s in statuses(report).items() if s == "error"} == {"settings", "brand kit", "calendar"}
    assert tree(ws.root) == before


def test_doctor_does_not_create_a_lock_file(ws: Workspace) -> None:
    before = tree(ws.root)
    assert doctor(ws)[0] == 0
    assert tree(ws.root) == before


def test_doctor_does_not_import_moviepy(ws: Workspace) -> None:
    code = (
        "import sys\n"
        "from contentops.cli.app import app\n"
        "try:\n"
        f"    app(['--workspace', {str(ws.root)!r}, 'doctor', '--json'], prog_name='contentops')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('moviepy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.splitlines()[-1] == "[]"
