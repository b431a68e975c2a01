"""Architecture rules: fast start, a library free of the CLI, data folders free of Python."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("moviepy", "numpy", "PIL")

PROBE = """
import sys
from contentops.cli.app import app
try:
    app({args!r}, prog_name="contentops")
except SystemExit as exc:
    code = exc.code
print("EXIT", code)
print("LOADED", " ".join(sorted({{m.split(".")[0] for m in sys.modules}} | set(sys.modules))))
"""


def _loaded(args: list[str], cwd: Path) -> tuple[int, set[str]]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE.format(args=args)], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout
    lines = dict(line.split(" ", 1) for line in out.splitlines() if line.startswith(("EXIT", "LOADED")))
    return int(lines["EXIT"]), set(lines["LOADED"].split())


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["cal", "agenda"],
        ["post", "list", "--json"],
        ["post", "--help"],
        ["thumb", "--help"],
        ["brand", "--help"],
    ],
)
def test_calendar_commands_do_not_import_heavy_libraries(ws, args: list[str]) -> None:
    from contentops.calendar_ops import add_post
    from contentops.timeutil import now_utc

    add_post(ws, "A post", now=now_utc(), at="tomorrow 18:00")
    code, loaded = _loaded(["--workspace", str(ws.root), *args], ws.root)
    assert code == 0
    assert not loaded & set(HEAVY), f"{args} imported {loaded & set(HEAVY)}"


def test_clip_probe_does_not_import_heavy_libraries(tmp_path: Path) -> None:
    from media_fixtures import make_video

    video = make_video(tmp_path / "take.mp4", seconds=1.0, audio=False)
    code, loaded = _loaded(["clip", "probe", str(video)], tmp_path)  # outside any workspace
    assert code == 0
    assert not loaded & set(HEAVY), f"clip probe imported {loaded & set(HEAVY)}"


def test_root_help_lists_every_group_without_loading_them(ws) -> None:
    from contentops.cli.app import GROUPS

    code, loaded = _loaded(["--help"], ws.root)
    assert code == 0
    assert not {f"contentops.cli.{module}" for module, _ in GROUPS.values()} & loaded
    out = subprocess.run(
        [sys.executable, "-m", "contentops", "--help"], capture_output=True, text=True, check=True,
        env={**os.environ, "COLUMNS": "120"},
    ).stdout  # fmt: skip
    for name, (_, help_text) in GROUPS.items():
        assert name in out and help_text[:30] in out


def test_library_does_not_import_the_cli() -> None:
    code = (
        "import sys, contentops.calendar_ops, contentops.views, contentops.history, contentops.demo, contentops.store;"
        "print(' '.join(m for m in ('typer', 'rich', 'click') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == ""


@pytest.mark.parametrize("folder", ["calendar", "assets"])
def test_data_folders_hold_no_python(folder: str) -> None:
    found = [p for p in (ROOT / folder).rglob("*") if p.suffix in (".py", ".pyc") or p.name == "__pycache__"]
    assert found == []


def test_repository_root_is_a_workspace() -> None:
    from contentops.workspace import find_workspace

    ws = find_workspace(ROOT)
    assert ws.config.zone == "Australia/Sydney"
    assert (ROOT / "assets" / "brand.toml").is_file()


def test_stdlib_calendar_is_not_shadowed() -> None:
    out = subprocess.run(
        [sys.executable, "-c", "import calendar; print(calendar.__file__)"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "site-packages" not in out and out.strip().endswith("calendar.py")
    assert not out.strip().startswith(str(ROOT / "calendar"))
