"""Hostile media and hostile names (issue 8): every command that reads a user's media file refuses what is
not one before any work, and every output name built from a title stays in its folder and is valid on
Windows, macOS and Linux.

A refused input must give one ``Error:`` line and one ``Hint:`` line, a non-zero exit, no output, no temp
file anywhere (the workspace, the output folder, the system temp folder), a byte-identical
``calendar/calendar.json`` and no ffmpeg or worker process left. Symbolic links: a file named on the command
line is the user's choice and is followed wherever it leads (clip commands need no workspace); a relative
path stored in workspace data (a post's ``video``, the brand kit's logo and fonts) must stay inside its
folder once links are followed.
"""

from __future__ import annotations

import json
import os
import re
import struct
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cli_helpers import Cli, snapshot
from hypothesis import given, settings
from hypothesis import strategies as st
from media_fixtures import make_video, truncate
from PIL import Image

from contentops.calendar_ops import POSTS, add_post, transition
from contentops.errors import UsageError
from contentops.media import batch as batch_module
from contentops.media import recap as recap_module
from contentops.media.batch import batch_cutlist
from contentops.media.frames import frame_at
from contentops.media.job import Encoding
from contentops.media.render import cut_clip
from contentops.media.thumbs import make_cover
from contentops.names import (
    MAX_NAME_BYTES,
    MAX_NAME_CHARS,
    child_path,
    name_key,
    resolves_inside,
    safe_filename,
    slug,
    unique_filename,
)
from contentops.timeutil import from_utc_iso
from contentops.workspace import Workspace

CLI = Cli("2026-11-22T11:00:00+11:00", require_hint=True)
NOW = from_utc_iso("2026-11-22T00:00:00Z")
SMALL = Encoding(width=180, height=320, preset="ultrafast")
WINDOWS_BAD = set('<>:"/\\|?*')
RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(10)), *(f"LPT{n}" for n in range(10))}


@pytest.fixture
def ws(ws: Workspace) -> Workspace:
    """conftest's fresh workspace, with one post (so calendar.json exists to be compared)."""
    add_post(ws, "Seed idea", now=NOW)
    return ws


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_video(tmp_path_factory.mktemp("hostile-media") / "good.mp4", seconds=2, size=(144, 256))


# -- what must be left as it was -----------------------------------------------------------------------
def _processes() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, name, state) of every process (Linux /proc)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:  # ended meanwhile
                continue
            state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
            found[int(entry.name)] = (int(ppid), stat[stat.index("(") + 1 : stat.rindex(")")], state)
    return found


def leftover_processes() -> list[str]:
    """ffmpeg processes (alive or not reaped) started by this test or its workers, at any depth, and live
    pool workers: everything below this process except multiprocessing's long-lived helpers."""
    procs, me, left = _processes(), os.getpid(), []
    for pid, (ppid, name, state) in procs.items():
        chain, parent = [], ppid
        while parent in procs and parent != me and parent not in chain:
            chain.append(parent)
            parent = procs[parent][0]
        if parent != me:
            continue
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        helper = not chain and (b"forkserver" in cmdline or b"resource_tracker" in cmdline)
        if name.startswith("ffmpeg") or (not helper and state != "Z"):
            left.append(f"{pid} {name} {state}")
    return left


@pytest.fixture(autouse=True)
def isolated_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The system temp folder inside the test's folder (so the tree checks see it); no process left after."""
    temp = tmp_path / "systmp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    yield
    assert leftover_processes() == []


def tree(root: Path) -> dict[str, int]:
    """Every path under ``root`` (dotfiles, temp files and links too) with its size; ``home/`` (caches) aside."""
    found = {}
    for path in root.rglob("*"):
        if path.relative_to(root).parts[0] != "home":
            found[path.relative_to(root).as_posix()] = path.lstat().st_size if not path.is_dir() else -1
    return found


def refused(ws: Workspace, code: int, args: list[str], needle: str, root: Path) -> str:
    """Run ``args`` in ``ws``: refused with ``code`` and ``needle``, and nothing changed under ``root``."""
    before, files = snapshot(ws), tree(root)
    result = CLI.run(ws, *args)
    CLI.assert_error(result, code, needle)
    assert snapshot(ws) == before, f"{args} changed calendar.json"
    assert tree(root) == files, f"{args} left files behind"
    return result.stderr


# -- hostile videos ------------------------------------------------------------------------------------
def png_header(width: int, height: int, data: bytes = b"\0" * 64) -> bytes:
    """A PNG of ``width`` x ``height`` 1-bit grey pixels whose image data is ``data`` compressed."""

    def chunk(tag: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(data, 9)) + chunk(b"IEND", b"")


def bad_video(folder: Path, kind: str, good: Path) -> Path:
    """The hostile stand-in for a video, of ``kind``, in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.mp4"
    if kind == "truncated":  # a real video cut in half, as an interrupted copy leaves it
        truncate(good, path)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "hls":  # would make ffmpeg read another local file and a URL
        path.write_text(f"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n{good}\n#EXTINF:2.0,\n"
                        "http://127.0.0.1:9/segment.ts\n#EXT-X-ENDLIST\n")  # fmt: skip
    elif kind == "ffconcat":
        path.write_text(f"ffconcat version 1.0\nfile '{good}'\nfile 'http://127.0.0.1:9/more.mp4'\n")
    elif kind == "dash":  # a damaged file whose name is an ffmpeg option
        path = truncate(good, folder / "-y.mp4")
    elif kind == "loop":
        path.symlink_to(folder / "loop-back.mp4")
        (folder / "loop-back.mp4").symlink_to(path)
    elif kind == "bomb":  # a picture of 30,000 x 30,000 pixels in 100 bytes, named as a video
        path.write_bytes(png_header(30_000, 30_000))
    elif kind == "text":
        path.write_text("Shot list for Friday: 1. crowd 2. stage 3. interviews\n")
    return path


VIDEO_NEEDLES = {
    "truncated": "moov atom not found",
    "empty": "is empty (0 bytes)",
    "hls": "is a playlist (#EXTM3U), not a video",
    "ffconcat": "is an ffmpeg concat list, not a video",
    "dash": "-y.mp4 is not a playable video",
    "loop": "is a symbolic link that leads back to itself",
    "bomb": "is not in a video format contentops reads",
    "text": "is a text file, not a video",
}
# (entry point, kind) -> (exit code, needle) where the entry point words it its own way.
VIDEO_SPECIAL = {
    ("recap", "loop"): (2, "no such file"),  # the cut list's row check
    ("post", "loop"): (1, "is missing"),
    ("asset", "loop"): (1, "Too many levels of symbolic links"),
}


def _video_args(entry: str, ws: Workspace, bad: Path, good: Path) -> list[str]:
    rel = bad.relative_to(ws.root).as_posix()
    if entry == "probe":
        return ["clip", "probe", str(bad)]
    if entry == "cut":
        return ["clip", "cut", str(bad), "--start", "0", "--end", "1", "-o", str(ws.root / "out" / "c.mp4")]
    if entry == "recap":  # the good row first: a recap checks every row before it renders any
        cuts = ws.root / "media" / "recap.csv"
        cuts.write_text(f"source,start,end\n{good},0,1\n{rel.removeprefix('media/')},0,1\n", encoding="utf-8")
        return ["clip", "recap", str(cuts), "-o", str(ws.root / "recap.mp4")]
    if entry == "make":
        return ["thumb", "make", "--title", "Kia ora", f"--video={bad}", "-o", str(ws.root / "out" / "c.png")]
    if entry == "sheet":
        return ["thumb", "sheet", str(bad), "-n", "2", "-o", str(ws.root / "out" / "s.png")]
    if entry == "post":
        return ["thumb", "post", str(add_post(ws, "Friday", now=NOW, video=rel)["id"])]
    return ["asset", "add", str(bad)]


@pytest.mark.parametrize("kind", list(VIDEO_NEEDLES))
@pytest.mark.parametrize("entry", ["probe", "cut", "recap", "make", "sheet", "post", "asset"])
def test_hostile_videos_are_refused_before_any_work(
    entry: str, kind: str, ws: Workspace, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recap_module, "render_clip", _never("a recap rendered before checking every row"))
    bad = bad_video(ws.root / "media", kind, good)
    args = _video_args(entry, ws, bad, good)
    code, needle = VIDEO_SPECIAL.get((entry, kind), (1, VIDEO_NEEDLES[kind]))
    error = refused(ws, code, args, needle, tmp_path)
    assert bad.name in error


def _never(what: str) -> Callable[..., None]:
    def fail(*args: object, **kwargs: object) -> None:
        raise AssertionError(what)

    return fail


def test_a_clip_batch_fails_each_bad_source_alone_and_the_hopeless_ones_before_any_render(
    good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shoot"
    kinds = list(VIDEO_NEEDLES)
    bad = {kind: bad_video(folder, kind, good) for kind in kinds}
    (folder / "-i.mp4").write_bytes(good.read_bytes())  # a good video named like an ffmpeg option
    rows = ["source,start,end,name", "-i.mp4,0,1,-rf"] + [f"{bad[k].name},0,1,{k}" for k in kinds]
    (folder / "cuts.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    rendered: list[str] = []
    real_render = batch_module._Batch.render

    def spy(self: object, todo: list, workers: int) -> None:
        rendered.extend(outcome.name for _, outcome in todo)
        real_render(self, todo, workers)

    monkeypatch.setattr(batch_module._Batch, "render", spy)
    report = batch_cutlist(None, folder / "cuts.csv", tmp_path / "clips", encoding=SMALL, jobs=2)
    status = {c.name: (c.status, c.error or "") for c in report.clips}
    assert status.pop("rf.mp4")[0] == "rendered"
    for kind in kinds:
        state, error = status[f"{kind}.mp4"]
        needle = "no such file" if kind == "loop" else VIDEO_NEEDLES[kind]
        assert state == "failed" and needle in error, (kind, error)
    # Only what needs ffmpeg to judge reaches the workers; the rest failed in the check step.
    assert sorted(rendered) == ["bomb.mp4", "dash.mp4", "rf.mp4", "truncated.mp4"]
    assert sorted(p.name for p in (tmp_path / "clips").iterdir()) == [
        ".contentops-clips.json", ".contentops-clips.lock", "rf.mp4"
    ]  # fmt: skip


def test_clip_batch_of_bad_sources_only_starts_no_worker(
    ws: Workspace, good: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = ws.root / "media"
    names = [bad_video(folder, kind, good).name for kind in ("empty", "hls", "ffconcat", "text", "loop")]
    cuts = folder / "cuts.csv"
    cuts.write_text("source,start,end\n" + "".join(f"{name},0,1\n" for name in names), encoding="utf-8")
    monkeypatch.setattr(batch_module._Batch, "render", _never("a worker started for a source already refused"))
    before = snapshot(ws)
    result = CLI.run(ws, "clip", "batch", str(cuts), "-o", str(ws.root / "clips"), "--json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    assert data["failed"] == len(names) and data["rendered"] == 0
    assert sorted(p.name for p in (ws.root / "clips").iterdir()) == [".contentops-clips.lock"]
    assert snapshot(ws) == before


def scheduled(ws: Workspace, title: str, video: str | None, day: int) -> int:
    post = add_post(ws, title, now=NOW, at=f"2026-11-{day} 18:00", video=video)
    for action in ("submit", "approve", "schedule"):
        transition(ws, post["id"], action, now=NOW)
    return post["id"]


def test_thumb_batch_fails_each_hostile_video_alone(ws: Workspace, good: Path, tmp_path: Path) -> None:
    (ws.root / "media").mkdir()
    (ws.root / "media" / "good.mp4").write_bytes(good.read_bytes())
    (ws.root / "media" / "elsewhere.mp4").symlink_to(good)  # a teammate's link to a file outside
    videos = {kind: bad_video(ws.root / "media", kind, good).relative_to(ws.root).as_posix()
              for kind in ("truncated", "hls", "empty", "bomb")}  # fmt: skip
    videos |= {"good": "media/good.mp4", "outside": "media/elsewhere.mp4", "dotdot": f"../{good.parent.name}/x.mp4"}
    ids = {kind: scheduled(ws, f"Post {kind}", video, 24 + n) for n, (kind, video) in enumerate(videos.items())}
    result = CLI.run(ws, "thumb", "batch", "--jobs", "2", "--json")
    assert result.exit_code == 1, result.output
    items = {c["post"]: c for c in json.loads(result.stdout)["covers"]}
    assert items[ids["good"]]["status"] == "made"
    for kind in ("truncated", "hls", "empty", "bomb", "outside", "dotdot"):
        assert items[ids[kind]]["status"] == "failed" and items[ids[kind]]["hint"], kind
    assert "leads outside the workspace" in items[ids["outside"]]["error"]
    assert "leads outside the workspace" in items[ids["dotdot"]]["error"]
    assert [p.name for p in (ws.root / "covers").iterdir()] == [f"post-{ids['good']}-post-good.png"]
    posts = {p["id"]: p for p in ws.store().read().all(POSTS)}
    assert [pid for pid, post in posts.items() if post.get("cover")] == [ids["good"]]
    assert not [p for p in tmp_path.rglob("*") if p.name.endswith(".tmp") or ".tmp." in p.name]


# -- names starting with a dash, symbolic links --------------------------------------------------------
def test_a_video_named_like_an_option_works_and_a_bad_one_is_refused(
    ws: Workspace, good: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ws.root)
    Path("-i.mp4").write_bytes(good.read_bytes())
    cut = CLI.run(ws, "clip", "cut", "--start", "0", "--end", "0.5", "--preset", "ultrafast", "--json", "--", "-i.mp4")
    assert cut.exit_code == 0, cut.output
    assert json.loads(cut.stdout)["output"] == str(ws.root / "i-0-0.5.mp4")  # the output never starts with -
    sheet = CLI.run(ws, "thumb", "sheet", "-n", "2", "--", "-i.mp4")
    assert sheet.exit_code == 0 and (ws.root / "i-sheet.png").is_file(), sheet.output
    assert CLI.run(ws, "asset", "add", "--", "-i.mp4").exit_code == 0
    assert CLI.run(ws, "thumb", "make", "--title", "Kia ora", "--video=-i.mp4", "-o", "c.png").exit_code == 0
    bad_video(ws.root, "dash", good)
    cut = ["clip", "cut", "--start", "0", "--end", "1", "--", "-y.mp4"]
    for args in (
        ["clip", "probe", "--", "-y.mp4"],
        ["thumb", "sheet", "--", "-y.mp4"],
        cut,
        ["asset", "add", "--", "-y.mp4"],
    ):
        refused(ws, 1, args, "-y.mp4 is not a playable video", tmp_path)


def test_a_link_named_on_the_command_line_is_followed(ws: Workspace, good: Path) -> None:
    link = ws.root / "link.mp4"
    link.symlink_to(good)  # outside the workspace: the user named it, so it is read
    assert json.loads(CLI.run(ws, "clip", "probe", "--json", str(link)).stdout)["path"] == str(good)


def test_a_post_video_that_leads_outside_the_workspace_is_refused(ws: Workspace, good: Path, tmp_path: Path) -> None:
    (ws.root / "clips").mkdir()
    (ws.root / "clips" / "teaser.mp4").symlink_to(good)
    outside = os.path.relpath(good, ws.root)  # ../hostile-media0/good.mp4
    for video in ("clips/teaser.mp4", outside):
        pid = add_post(ws, "Teaser", now=NOW, video=video)["id"]
        error = refused(ws, 1, ["thumb", "post", str(pid)], "leads outside the workspace", tmp_path)
        assert f"contentops post edit {pid} --video" in error and str(good) in error
    pid = add_post(ws, "Teaser", now=NOW, video=str(good))["id"]  # an absolute path is taken as stored
    assert CLI.run(ws, "thumb", "post", str(pid)).exit_code == 0


# -- hostile pictures: backgrounds, assets, the brand kit's logo ---------------------------------------
def bad_picture(folder: Path, kind: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kind}.png"
    if kind == "bomb":
        path.write_bytes(png_header(30_000, 30_000))
    elif kind == "tiny-bomb":  # a valid PNG: 12 KB on disk, 100 megapixels decoded
        path.write_bytes(png_header(10_000, 10_000, (b"\0" + b"\0" * 1250) * 10_000))
        assert path.stat().st_size < 64_000
    elif kind == "text":
        path.write_text("<svg>not really</svg>\n")
    elif kind == "ico":  # a real picture, in a format contentops does not take
        Image.new("RGB", (32, 32), "red").save(path, format="ICO")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        Image.effect_noise((300, 300), 50).save(path)
        path.write_bytes(path.read_bytes()[:2000])
    elif kind == "loop":
        path.symlink_to(folder / "loop-back.png")
        (folder / "loop-back.png").symlink_to(path)
    return path


PICTURE_NEEDLES = {
    "bomb": "too large to open safely",
    "tiny-bomb": "too large to open safely",
    "text": "not an image contentops can read",
    "ico": "not an image contentops can read",
    "empty": "not an image contentops can read",
    "truncated": "cannot be decoded",
    "loop": "Too many levels of symbolic links",
}


def set_logo(ws: Workspace, value: str) -> None:
    brand = ws.assets_dir / "brand.toml"
    brand.write_text(re.sub(r'(?m)^file = "[^"]*"', f'file = "{value}"', brand.read_text()), encoding="utf-8")


@pytest.mark.parametrize("kind", list(PICTURE_NEEDLES))
@pytest.mark.parametrize("entry", ["background", "asset", "logo-cover", "logo-clip"])
def test_hostile_pictures_are_refused_before_any_work(
    entry: str, kind: str, ws: Workspace, good: Path, tmp_path: Path
) -> None:
    needle = PICTURE_NEEDLES[kind]
    if entry.startswith("logo"):
        bad = bad_picture(ws.assets_dir / "art", kind)
        set_logo(ws, f"art/{bad.name}")
        needle = "is missing" if kind == "loop" else needle
    else:
        bad = bad_picture(ws.root / "media", kind)
    args = {
        "background": ["thumb", "make", "--title", "Hi", "--background", str(bad), "-o", str(ws.root / "o" / "c.png")],
        "asset": ["asset", "add", str(bad)],
        "logo-cover": ["thumb", "make", "--title", "Hi", "-o", str(ws.root / "o" / "c.png")],
        "logo-clip": ["clip", "cut", str(good), "--start", "0", "--end", "1", "-o", str(ws.root / "o" / "c.mp4")],
    }[entry]
    assert bad.name in refused(ws, 1, args, needle, tmp_path)


def test_brand_kit_files_must_stay_in_the_kit_and_be_what_they_say(ws: Workspace, good: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (300, 100), "red").save(outside / "logo.png")
    (ws.assets_dir / "linked.png").symlink_to(outside / "logo.png")
    cover = ["thumb", "make", "--title", "Hi", "-o", str(ws.root / "c.png")]
    for value in ("linked.png", "../../elsewhere/logo.png"):
        set_logo(ws, value)
        refused(ws, 1, cover, "leads outside", tmp_path)
        result = CLI.run(ws, "brand", "check")
        assert result.exit_code == 3 and "leads outside" in result.output
    set_logo(ws, "logo.png")
    (ws.assets_dir / "fonts").mkdir()
    (ws.assets_dir / "fonts" / "Brand.ttf").write_text("not a font\n")
    brand = ws.assets_dir / "brand.toml"
    brand.write_text(brand.read_text().replace('body = ""', 'body = "Brand.ttf"'), encoding="utf-8")
    cut = ["clip", "cut", str(good), "--start", "0", "--end", "1", "-o", str(ws.root / "c.mp4")]
    refused(ws, 2, cut, "is not a font Pillow can read", tmp_path)
    (ws.assets_dir / "fonts" / "Brand.ttf").unlink()
    (ws.assets_dir / "fonts" / "Brand.ttf").symlink_to(outside / "logo.png")
    refused(ws, 1, cut, "body font", tmp_path)


@pytest.mark.parametrize("fmt", ["JPEG", "GIF", "TIFF", "WEBP"])
def test_a_logo_is_read_by_its_content_whatever_its_name(ws: Workspace, good: Path, tmp_path: Path, fmt: str) -> None:
    # Before: ffmpeg picked the logo's reader by its extension and refused a JPEG logo (or a GIF named .png)
    # with "Format not on whitelist" in the middle of the render, after brand check had passed it.
    Image.new("RGB", (256, 128), (255, 0, 0)).save(ws.assets_dir / "logo.png", format=fmt)
    result = cut_clip(ws, good, 0, 0.5, output=tmp_path / "c.mp4", encoding=SMALL)
    width = round(SMALL.width * 0.18)  # the kit's logo scale; margin 40 px of 1080 -> 7 px
    x, y = SMALL.width - 7 - width // 2, 7 + width // 4
    r, g, b = frame_at(result.output, 0.1).getpixel((x, y))
    assert r > 180 and g < 90 and b < 90


# -- output names ------------------------------------------------------------------------------------
NAMES = [
    ("../x", "x.png"),
    ("/abs", "abs.png"),
    ("C:\\x", "C_x.png"),
    ("a/../../b", "a_._._b.png"),
    ("CON", "_CON.png"),
    ("NUL.txt", "_NUL.txt.png"),
    ("con.txt", "_con.txt.png"),
    ("Aux", "_Aux.png"),
    ("COM1", "_COM1.png"),
    ("LPT9", "_LPT9.png"),
    ("CON .txt", "_CON .txt.png"),
    ("console", "console.png"),
    ("trailing. . .", "trailing.png"),
    ("trailing   ", "trailing.png"),
    ("..", "post-12.png"),
    ("", "post-12.png"),
    ("?!?", "!.png"),
    ("...///***", "post-12.png"),
    ("Tēnā koutou 🎉", "Tēnā koutou 🎉.png"),
    ("Te\u0304na\u0304", "Tēnā.png"),  # decomposed macrons (as macOS writes them) come out composed
    ("a\x00b\nc\td\x7fe\x85f", "a_b_c_d_e_f.png"),
    ("invoice\u202egnp.exe", "invoice_gnp.exe.png"),  # a right-to-left override would show "exe.png"
    ('what? "yes" <no> | *', "what_ _yes_ _no.png"),
    ("-rf", "rf.png"),
    (".hidden", "hidden.png"),
    ("Summer Drop.PNG", "Summer Drop.png"),
]


def check_name(name: str, ext: str = ".png") -> None:
    """What every output name must be, on every system."""
    stem = name[: -len(ext)]
    assert name.endswith(ext) and stem and stem == stem.strip() and not stem.endswith((".", " "))
    assert not name.startswith((".", "-", " ")) and ".." not in name
    assert not WINDOWS_BAD & set(name)
    assert not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") or 0x202A <= ord(c) <= 0x202E for c in name)
    assert stem.split(".")[0].strip().upper() not in RESERVED
    assert name == unicodedata.normalize("NFC", name)
    assert len(name) <= MAX_NAME_CHARS and len(name.encode()) <= MAX_NAME_BYTES
    assert len(unicodedata.normalize("NFD", name).encode("utf-16-le")) // 2 <= MAX_NAME_BYTES


@pytest.mark.parametrize(("text", "expected"), NAMES)
def test_safe_filename(text: str, expected: str, tmp_path: Path) -> None:
    name = safe_filename(text, ".png", fallback="post-12")
    assert name == expected
    check_name(name)
    target = child_path(tmp_path, name)
    target.write_bytes(b"")  # this file system takes it, in the folder itself
    assert target.resolve().parent == tmp_path.resolve()


@pytest.mark.parametrize("text", ["x" * 300, "ā" * 300, "🎉" * 300, "ǖ" * 300, "Summer " * 60, "a" * 250 + ". . ."])
def test_long_names_fit_every_file_system_with_room_for_a_suffix(text: str, tmp_path: Path) -> None:
    name = safe_filename(text, ".png", fallback="post-12")
    check_name(name)
    taken = {name_key(name)}
    for _ in range(12):
        check_name(unique_filename(name, taken))
    assert len(taken) == 13
    child_path(tmp_path, unique_filename(name, taken)).write_bytes(b"")


@settings(max_examples=300)
@given(st.text(max_size=400), st.sampled_from([".png", ".mp4"]))
def test_any_text_makes_a_valid_name(text: str, ext: str) -> None:
    name = safe_filename(text, ext, fallback="post-7")
    check_name(name, ext)
    assert safe_filename(name, ext, fallback="post-7") == name  # already safe: kept as it is


def test_names_that_differ_only_in_case_or_unicode_form_are_made_unique() -> None:
    taken: set[str] = set()
    titles = ["Summer Drop", "summer drop", "SUMMER DROP", "Tēnā", "Te\u0304na\u0304", "TĒNĀ", "Other"]
    names = [unique_filename(safe_filename(t, ".png", fallback="x"), taken) for t in titles]
    assert names == [
        "Summer Drop.png", "summer drop-2.png", "SUMMER DROP-3.png", "Tēnā.png", "Tēnā-2.png", "TĒNĀ-3.png", "Other.png"
    ]  # fmt: skip
    assert len({name_key(n) for n in names}) == len(names)


@pytest.mark.parametrize("name", ["", ".", "..", "../x.png", "a/b.png", "a\\b.png", "/abs.png"])
def test_child_path_refuses_a_name_that_leaves_the_folder(name: str, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="would leave"):
        child_path(tmp_path, name)


def test_resolves_inside(tmp_path: Path, good: Path) -> None:
    (tmp_path / "in.mp4").write_bytes(b"x")
    (tmp_path / "out.mp4").symlink_to(good)
    (tmp_path / "dangling.mp4").symlink_to(tmp_path / "gone.mp4")
    assert resolves_inside(tmp_path / "in.mp4", tmp_path) and resolves_inside(tmp_path / "dangling.mp4", tmp_path)
    assert not resolves_inside(tmp_path / "out.mp4", tmp_path)
    assert not resolves_inside(tmp_path / ".." / good.parent.name / "good.mp4", tmp_path)
    assert slug("🎉 !!") == "" and slug("Tēnā koutou: Summer!") == "tena-koutou-summer"


HOSTILE_TITLES = [
    "../x", "/abs", "C:\\x", "CON", "NUL.txt", "Aux", "trailing. . .", "Summer Drop", "summer drop",
    "Tēnā koutou 🎉", "???", "..", "Kia ora " * 25,  # 199 characters: the longest title a post takes
]  # fmt: skip


def test_thumb_batch_names_every_cover_inside_covers_and_apart(ws: Workspace, tmp_path: Path) -> None:
    ids = [scheduled(ws, title, None, 24 + n % 6) for n, title in enumerate(HOSTILE_TITLES)]
    result = CLI.run(ws, "thumb", "batch", "--jobs", "1", "--json")
    data = json.loads(result.stdout)
    outputs = {c["post"]: Path(c["output"]) for c in data["covers"]}
    assert sorted(outputs) == ids
    covers = (ws.root / "covers").resolve()
    for path in outputs.values():
        assert path.parent.resolve() == covers
        check_name(path.name)
    assert len({name_key(p.name) for p in outputs.values()}) == len(ids)  # apart on Windows and macOS too
    made = {c["post"] for c in data["covers"] if c["status"] == "made"}
    assert made >= set(ids[:-1])  # the very long title may not fit on the cover: that post fails alone
    assert sorted(p.name for p in covers.iterdir()) == sorted(outputs[pid].name for pid in made)
    assert outputs[ids[10]].name == f"post-{ids[10]}.png"  # no word in the title: the post id alone
    assert sorted(p.name for p in ws.root.iterdir()) == ["assets", "calendar", "contentops.toml", "covers"]


def test_thumb_make_names_its_default_output_from_the_title_in_this_folder(tmp_path: Path) -> None:
    result = make_cover(None, "../../CON: Nul?", template="square")
    assert result.output == Path("con-nul-square.png") and (tmp_path / "con-nul-square.png").is_file()
    assert make_cover(None, "🎉", template="square").output == Path("square.png")
