"""Cutting one clip (contentops.media.render, media.style, the brand kit's video keys, ``clip cut``).

Sources are tiny generated videos (tests/media_fixtures.py); most renders use a reduced output size
(270x480 or 540x960), one uses the real 1080x1920. Pixels are compared as decoded RGB frames: a
caption or logo is found as the difference between a render with it and the same render without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import Cli
from media_fixtures import ffmpeg_children, make_video, truncate

from contentops.brand import default_kit_dir, load_brand
from contentops.errors import ConflictError, MediaError, NotFoundError, UsageError, WorkspaceError
from contentops.media import render as render_module
from contentops.media.captions import Cue
from contentops.media.ffmpeg import ffmpeg_exe, input_args, run_ffmpeg
from contentops.media.job import ClipJob, ClipStyle, Encoding
from contentops.media.probe import probe
from contentops.media.render import clip_cues, cut_clip, default_output, filter_path, render_clip
from contentops.media.style import clip_style

CLI = Cli(None, require_hint=True)
SMALL = Encoding(width=270, height=480)
HALF = Encoding(width=540, height=960)
INK = 64  # a pixel differs by more than this in some channel: caption or logo ink, not encoding noise
LONG_CAPTION = "Kia ora Tāmaki Makaurau! This caption is long enough to wrap onto several lines 🎉"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cut-media")
    make_video(folder / "plain.mp4", seconds=3)
    make_video(folder / "silent.mp4", seconds=2, audio=False)
    make_video(folder / "phone.mp4", seconds=1, rotate=90, audio=False)
    make_video(folder / "vfr.mp4", seconds=3, vfr=True)
    return folder


@pytest.fixture(autouse=True)
def no_ffmpeg_left() -> None:
    yield
    assert ffmpeg_children() == []


# -- helpers -----------------------------------------------------------------------------------
def frames(path: Path, size: tuple[int, int], *, autorotate: bool = True) -> Any:
    """Every frame of ``path`` as a float array (frames, height, width, RGB)."""
    import numpy as np

    rotation = [] if autorotate else ["-noautorotate"]
    args = [
        ffmpeg_exe(),
        "-v",
        "error",
        "-nostdin",
        *rotation,
        *input_args(path),
        "-f",
        "rawvideo",
        "-pix_fmt",
        "rgb24",
        "-",
    ]
    data = np.frombuffer(subprocess.run(args, capture_output=True, check=True).stdout, np.uint8)
    width, height = size
    return data.reshape(-1, height, width, 3).astype(float)


def header(path: Path) -> str:
    return run_ffmpeg(input_args(path), check=False).log


def decoded_frames(path: Path) -> int:
    return int(run_ffmpeg([*input_args(path), "-map", "0:v:0", "-f", "null", "-"]).stats["frame"])


def audio_seconds(path: Path) -> float:
    return run_ffmpeg([*input_args(path), "-map", "0:a:0", "-f", "null", "-"]).out_seconds


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or ".tmp" in p.name)


def job(source: Path, out: Path, start: float = 0.5, end: float = 1.0, **changes: Any) -> ClipJob:
    style = changes.pop("style", clip_style(None, logo=False))
    return ClipJob(source, start, end, out, style=style, encoding=changes.pop("encoding", SMALL), **changes)


def ink(with_it: Path, without: Path, size: tuple[int, int], index: int = 5) -> Any:
    """Boolean mask (height, width) of the pixels where the two renders differ: the caption or logo."""
    a, b = frames(with_it, size)[index], frames(without, size)[index]
    return abs(a - b).max(axis=2) > INK


# -- output format -------------------------------------------------------------------------------
def test_cut_at_full_size_from_the_command_line(media: Path, tmp_path: Path) -> None:
    source = tmp_path / "talk.mp4"
    source.write_bytes((media / "plain.mp4").read_bytes())
    result = CLI.invoke("clip", "cut", str(source), "--start", "0.5", "--end", "1.5", "--caption", "Kia ora")
    assert result.exit_code == 0, result.output
    out = tmp_path / "talk-0.5-1.5.mp4"
    assert str(out) in result.stdout and "1080x1920" in result.stdout and "30 frames" in result.stdout
    log = header(out)
    assert "Video: h264 (High)" in log and "yuv420p" in log and "1080x1920" in log and "30 fps" in log
    assert "Audio: aac (LC)" in log and "48000 Hz, stereo" in log
    assert decoded_frames(out) == 30
    assert abs(audio_seconds(out) - 1.0) <= 1 / 30
    data = out.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # +faststart: the index comes first
    assert leftovers(tmp_path) == []
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # readable by the team, like any new file


@pytest.mark.parametrize(
    ("frame", "size"), [("crop", (270, 480)), ("blur", (270, 480)), ("fit", (270, 480)), ("none", (320, 240))]
)
def test_frame_modes_give_the_planned_size_rate_and_frames(media: Path, tmp_path: Path, frame: str, size) -> None:
    style = replace(clip_style(None, frame=frame, logo=False), background="#3366CC")
    result = render_clip(job(media / "plain.mp4", tmp_path / "out.mp4", 0.5, 1.5, style=style))
    assert (result.size, result.frames, result.duration, result.engine) == (size, 30, 1.0, "ffmpeg")
    info = probe(result.output)
    assert (info.display_width, info.display_height, info.fps, info.vfr) == (*size, 30.0, False)
    assert decoded_frames(result.output) == 30
    top = frames(result.output, size)[0][:40]  # the band above a 4:3 picture in a 9:16 frame
    spread = top.reshape(-1, 3).std(axis=0).max()
    mean = top.reshape(-1, 3).mean(axis=0)
    if frame == "fit":  # padded with the background colour
        assert spread < 4 and abs(mean - (0x33, 0x66, 0xCC)).max() < 6
    elif frame == "blur":  # a blurred copy of the picture: not flat, not the pad colour, smooth
        assert spread > 10 and abs(mean - (0x33, 0x66, 0xCC)).max() > 20
    else:  # crop and none: the picture itself (testsrc2's sharp bars)
        assert spread > 10


def test_a_source_without_audio_gets_a_silent_stereo_track(media: Path, tmp_path: Path) -> None:
    result = render_clip(job(media / "silent.mp4", tmp_path / "out.mp4"))
    assert "Audio: aac (LC)" in header(result.output) and "stereo" in header(result.output)
    assert abs(audio_seconds(result.output) - 0.5) <= 1 / 30


# -- accuracy and source hygiene ------------------------------------------------------------------
def test_the_cut_starts_on_the_exact_frame(media: Path, tmp_path: Path) -> None:
    source = frames(media / "plain.mp4", (320, 240))
    cut = job(media / "plain.mp4", tmp_path / "o.mp4", 1.1, 1.5, style=ClipStyle(frame="none"))
    first = frames(render_clip(cut).output, (320, 240))[0]
    differences = [abs(first - source[n]).mean() for n in (32, 33, 34)]  # 1.1 s is frame 33 at 30 fps
    assert differences[1] < 2 and differences[1] * 2 < min(differences[0], differences[2]), differences


def test_a_rotated_phone_video_comes_out_upright_and_undistorted(media: Path, tmp_path: Path) -> None:
    import numpy as np

    stored = frames(media / "phone.mp4", (320, 240), autorotate=False)[0]
    upright = np.rot90(stored, k=-1)  # the player turns it 90 degrees clockwise: 240 wide, 320 tall
    plain = render_clip(job(media / "phone.mp4", tmp_path / "none.mp4", 0, 0.2, style=ClipStyle(frame="none")))
    assert plain.size == (240, 320)
    assert abs(frames(plain.output, (240, 320))[0] - upright).mean() < 3
    assert abs(frames(plain.output, (240, 320))[0] - np.rot90(stored, k=1)).mean() > 20  # the wrong way round
    cropped = render_clip(job(media / "phone.mp4", tmp_path / "crop.mp4", 0, 0.2))
    assert cropped.size == (270, 480) and probe(cropped.output).rotation == 0
    # 240x320 covers 270x480 at 360x480 (no stretching), then the centre 270 columns are kept
    from PIL import Image

    expected = np.asarray(Image.fromarray(upright.astype("uint8")).resize((360, 480), Image.BICUBIC))[:, 45:315]
    assert abs(frames(cropped.output, (270, 480))[0] - expected).mean() < 8


def test_variable_frame_rate_becomes_constant_with_audio_in_sync(media: Path, tmp_path: Path) -> None:
    assert probe(media / "vfr.mp4").vfr is True
    result = render_clip(job(media / "vfr.mp4", tmp_path / "out.mp4", 0.5, 2.0))
    info = probe(result.output)
    assert (info.fps, info.vfr) == (30.0, False)
    assert decoded_frames(result.output) == 45
    assert abs(audio_seconds(result.output) - 1.5) <= 1 / 30


# -- captions and logo ----------------------------------------------------------------------------
def test_caption_ink_stays_inside_the_safe_zone(media: Path, tmp_path: Path) -> None:
    import numpy as np

    with_caption = render_clip(job(media / "plain.mp4", tmp_path / "a.mp4", caption=LONG_CAPTION, encoding=HALF))
    without = render_clip(job(media / "plain.mp4", tmp_path / "b.mp4", encoding=HALF))
    mask = ink(with_caption.output, without.output, (540, 960))
    zone = clip_style(None).safe_zone  # for 1080x1920; the output is half that
    top, bottom, left, right = zone.top // 2, 960 - zone.bottom // 2, zone.left // 2, 540 - zone.right // 2
    inside = np.zeros_like(mask)
    inside[top:bottom, left:right] = True
    assert mask[inside].sum() > 2000  # the caption is there
    assert mask[~inside].sum() == 0  # and nothing of it outside the safe zone
    rows = np.nonzero(mask.any(axis=1))[0]
    assert rows.max() - rows.min() > 2 * 40  # wrapped onto several lines of 40 px (80 px at 1080x1920)


def test_words_mode_highlights_in_the_brand_colour(media: Path, tmp_path: Path) -> None:
    style = clip_style(None, caption_mode="words", logo=False)
    source = media / "plain.mp4"
    words = render_clip(job(source, tmp_path / "w.mp4", caption="Kia ora koutou", style=style, encoding=HALF)).output
    static = replace(style, caption_mode="static")
    plain = render_clip(job(source, tmp_path / "s.mp4", caption="Kia ora koutou", style=static, encoding=HALF)).output
    caption = ink(plain, render_clip(job(source, tmp_path / "n.mp4", encoding=HALF)).output, (540, 960), index=0)

    def pink(path: Path) -> int:  # caption pixels in the primary colour #FE2C55
        first = frames(path, (540, 960))[0]
        return int(((abs(first - (0xFE, 0x2C, 0x55)).max(axis=2) < 60) & caption).sum())

    assert pink(words) > 20 and pink(plain) == 0


def test_srt_cues_are_shifted_to_the_clip_and_clipped_to_it(tmp_path: Path) -> None:
    srt = tmp_path / "talk.srt"
    srt.write_text(
        "1\n00:00:00,000 --> 00:00:01,000\nOne\n\n2\n00:00:01,000 --> 00:00:02,500\nTwo\n\n"
        "3\n00:00:03,000 --> 00:00:04,000\nThree\n",
        encoding="utf-8",
    )
    cut = ClipJob(tmp_path / "talk.mp4", 0.5, 2.0, tmp_path / "o.mp4", srt=srt)
    assert clip_cues(cut) == [Cue(0.0, 0.5, "One"), Cue(0.5, 1.5, "Two")]
    assert clip_cues(replace(cut, srt=None, caption="Hi")) == [Cue(0.0, 1.5, "Hi")]


def test_srt_captions_render_through_awkward_temp_paths(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    weird = tmp_path / "it's [a] test, dir: 1;2"
    weird.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(weird))  # the ASS file goes here: escaped in the graph
    srt = tmp_path / "talk.srt"
    srt.write_text("1\n00:00:00,000 --> 00:00:02,000\nKia ora\n", encoding="utf-8")
    with_caption = render_clip(job(media / "plain.mp4", tmp_path / "a.mp4", srt=srt))
    without = render_clip(job(media / "plain.mp4", tmp_path / "b.mp4"))
    assert ink(with_caption.output, without.output, (270, 480)).sum() > 100
    assert filter_path(Path("/a:b/it's,[x];y")) == r"/a\\:b/it\\\'s\,\[x\]\;y"  # ffmpeg-filters(1), "Notes on escaping"


def test_the_logo_sits_in_its_corner(media: Path, tmp_path: Path) -> None:
    import numpy as np

    style = clip_style(None, logo=True)
    logo = style.logo
    assert logo is not None and logo.corner == "top-right"
    with_logo = render_clip(job(media / "plain.mp4", tmp_path / "a.mp4", style=style, encoding=HALF))
    without = render_clip(job(media / "plain.mp4", tmp_path / "b.mp4", encoding=HALF))
    mask = ink(with_logo.output, without.output, (540, 960))
    margin, width = logo.margin // 2, round(540 * logo.scale)
    corner = np.zeros_like(mask)
    corner[margin : margin + width, 540 - margin - width : 540 - margin] = True
    assert mask[corner].mean() > 0.3 and mask[~corner].sum() == 0
    assert (margin + width) <= style.safe_zone.top // 2  # above the caption area


# -- brand kit ------------------------------------------------------------------------------------
def test_the_packaged_kit_is_small_and_complete() -> None:
    from PIL import Image

    folder = default_kit_dir()
    logo = folder / "logo.png"
    assert (folder / "brand.toml").is_file() and logo.stat().st_size < 20_000
    with Image.open(logo) as image:
        assert max(image.size) <= 512 and image.mode in ("RGBA", "P")
    kit = load_brand(None)
    assert kit.logo == logo and kit.colours["primary"] == "#FE2C55" and kit.safe_zone["bottom"] == 500


def test_a_workspace_kit_sets_colours_font_logo_and_safe_zone(ws, tmp_path: Path) -> None:
    from PIL import Image

    from contentops.media.fonts import default_font

    (ws.assets_dir / "brand.toml").write_text('name = "Brand"\n', encoding="utf-8")
    assert load_brand(ws).logo is None  # a workspace shows its own logo or none
    (ws.assets_dir / "fonts").mkdir(parents=True, exist_ok=True)
    (ws.assets_dir / "fonts" / "Brand.ttf").write_bytes(default_font().read_bytes())
    Image.new("RGBA", (64, 32), (255, 0, 0, 255)).save(ws.assets_dir / "mark.png")
    (ws.assets_dir / "brand.toml").write_text(
        '[colours]\nbackground = "#336699"\n[fonts]\nbody = "Brand.ttf"\n[logo]\nfile = "mark.png"\n'
        'corner = "bottom-left"\nscale = 0.25\n[safe_zone]\nbottom = 600\n[captions]\nsize = 70\nstroke = 3\n'
        "[language]\nbanned_words = []\n",
        encoding="utf-8",
    )
    style = clip_style(ws, frame="fit")
    assert style.background == "#336699" and style.captions.colour == "#FFFFFF"  # the rest from the default kit
    assert style.captions.font == ws.assets_dir / "fonts" / "Brand.ttf"
    assert (style.captions.size, style.captions.min_size, style.captions.outline) == (70, 35, 3)
    assert style.logo is not None and (style.logo.file, style.logo.corner, style.logo.scale, style.logo.margin) == (
        ws.assets_dir / "mark.png", "bottom-left", 0.25, 40,
    )  # fmt: skip
    assert (style.safe_zone.bottom, style.safe_zone.top) == (600, 250)
    assert clip_style(ws, logo=False).logo is None


@pytest.mark.parametrize(
    ("toml", "needle"),
    [
        ('[colours]\nprimary = "red"\n', "colours.primary: 'red' is not a colour"),
        ('[logo]\ncorner = "middle"\n', "logo.corner: 'middle' is not one of: top-left"),
        ("[logo]\nscale = 2\n", "logo.scale: must be a number from 0.01 to 0.5"),
        ('[safe_zone]\ntop = "250"\n', "safe_zone.top: must be a number"),
        ("colours = 3\n", "[colours] must be a table"),
    ],
)
def test_a_bad_video_kit_is_refused_with_the_key(ws, toml: str, needle: str) -> None:
    (ws.assets_dir / "brand.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(WorkspaceError) as caught:
        clip_style(ws)
    assert needle in caught.value.message and caught.value.hint


def test_cut_inside_a_workspace_uses_its_kit(media: Path, ws, tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGBA", (64, 64), (255, 0, 0, 255)).save(ws.assets_dir / "mark.png")
    (ws.assets_dir / "brand.toml").write_text(
        '[colours]\nbackground = "#336699"\n[logo]\nfile = "mark.png"\ncorner = "bottom-left"\n', encoding="utf-8"
    )
    out = tmp_path / "clip.mp4"
    result = CLI.invoke("--workspace", str(ws.root), "clip", "cut", str(media / "plain.mp4"), "--start", "0",
                        "--end", "0.5", "--frame", "fit", "-o", str(out), "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("{") and '"width": 1080' in result.stdout
    first = frames(out, (1080, 1920))[0]
    assert abs(first[100, 540] - (0x33, 0x66, 0x99)).max() < 8  # the brand background pads the picture
    assert abs(first[1920 - 40 - 90, 40 + 90] - (255, 0, 0)).max() < 40  # the red mark, bottom left


# -- refusals ---------------------------------------------------------------------------------------
def _bad_input(kind: str, media: Path, folder: Path) -> list[str]:
    """The ``clip cut`` arguments for the bad input ``kind`` (files made in ``folder``)."""
    plain = str(media / "plain.mp4")
    if kind == "playlist":
        (folder / "list.mp4").write_text("#EXTM3U\n#EXTINF:2.0,\nplain.mp4\n")
        return [str(folder / "list.mp4"), "--start", "0", "--end", "1"]
    if kind == "truncated":
        return [str(truncate(media / "plain.mp4", folder / "half.mp4")), "--start", "0", "--end", "1"]
    if kind == "bad-srt":
        (folder / "bad.srt").write_bytes(b"1\n00:00:00,000 --> 00:00:01,000\n\xff\xfe oops\n")
        return [plain, "--start", "0", "--end", "1", "--srt", str(folder / "bad.srt")]
    return {
        "start>=end": [plain, "--start", "2", "--end", "1"],
        "start=end": [plain, "--start", "1", "--end", "1"],
        "past-end": [plain, "--start", "1", "--end", "3.5"],
        "negative": [plain, "--start", "-1", "--end", "1"],
        "not-a-time": [plain, "--start", "1:75", "--end", "2"],
        "caption+srt": [plain, "--start", "0", "--end", "1", "--caption", "Hi", "--srt", str(folder / "x.srt")],
        "missing-srt": [plain, "--start", "0", "--end", "1", "--srt", str(folder / "gone.srt")],
        "frame": [plain, "--start", "0", "--end", "1", "--frame", "stretch"],
        "crf": [plain, "--start", "0", "--end", "1", "--crf", "70"],
        "not-mp4": [plain, "--start", "0", "--end", "1", "-o", str(folder / "clip.gif")],
        "missing": [str(folder / "nope.mp4"), "--start", "0", "--end", "1"],
        "too-long-word": [plain, "--start", "0", "--end", "1", "--caption", "W" * 80],
    }[kind]


BAD = {
    "start>=end": (2, "ends before or when it starts"),
    "start=end": (2, "ends before or when it starts"),
    "past-end": (2, "ends after the source, which is 0:00:03.000 long"),
    "negative": (2, "is negative"),
    "not-a-time": (2, "seconds after a colon"),
    "caption+srt": (2, "either a caption or an SRT file, not both"),
    "missing-srt": (1, "gone.srt not found"),
    "bad-srt": (2, "is not UTF-8 text"),
    "frame": (2, "unknown frame mode 'stretch'"),
    "crf": (2, "CRF 70 is out of range"),
    "not-mp4": (2, "is not an .mp4 file"),
    "playlist": (1, "is a playlist"),
    "truncated": (1, "is not a playable video"),
    "missing": (1, "no such file"),
    "too-long-word": (2, "is wider than the safe zone"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_cuts_are_refused_clearly_and_leave_nothing(media: Path, tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    args = _bad_input(kind, media, folder)
    before = sorted(p.name for p in folder.iterdir())
    code, needle = BAD[kind]
    result = CLI.invoke("clip", "cut", *args, "-o", str(folder / "out.mp4")) if "-o" not in args else None
    result = result or CLI.invoke("clip", "cut", *args)
    CLI.assert_error(result, code, needle)
    assert sorted(p.name for p in folder.iterdir()) == before  # no output, no temp file
    assert sorted(p.name for p in media.iterdir() if not p.name.endswith(".mp4")) == []


def test_an_existing_output_is_kept_without_force(media: Path, tmp_path: Path) -> None:
    out = tmp_path / "clip.mp4"
    out.write_bytes(b"keep me")
    args = ["clip", "cut", str(media / "plain.mp4"), "--start", "0", "--end", "0.5", "-o", str(out)]
    CLI.assert_error(CLI.invoke(*args), 4, "already exists", "--force")
    assert out.read_bytes() == b"keep me" and leftovers(tmp_path) == []
    assert CLI.invoke(*args, "--force", "--no-logo").exit_code == 0
    assert decoded_frames(out) == 15 and leftovers(tmp_path) == []
    with pytest.raises(UsageError, match="is the source itself"):
        cut_clip(None, out, 0, 0.2, output=out, force=True)


def test_default_output_name() -> None:
    assert default_output(Path("/v/talk.mov"), 75.5, 90) == Path("/v/talk-75.5-90.mp4")
    assert default_output(Path("talk.mp4"), 0.0, 1.25) == Path("talk-0-1.25.mp4")


def test_a_failed_quality_check_leaves_no_output(media: Path, tmp_path: Path, monkeypatch) -> None:
    def broken(path: Path, job: ClipJob, **_: Any) -> None:
        assert path.name.startswith(".out.") and path.name.endswith(".tmp.mp4") and path.stat().st_size > 0
        raise MediaError("the rendered clip failed its quality check: test", hint="-")

    monkeypatch.setattr(render_module, "check_output", broken)
    with pytest.raises(MediaError, match="quality check"):
        render_clip(job(media / "plain.mp4", tmp_path / "clips" / "out.mp4"))
    assert list((tmp_path / "clips").iterdir()) == []


def test_ctrl_c_during_a_render_leaves_no_output_and_no_ffmpeg(media: Path, tmp_path: Path) -> None:
    def interrupt(fraction: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        render_clip(job(media / "plain.mp4", tmp_path / "clips" / "out.mp4", 0, 3.0, encoding=HALF), progress=interrupt)
    assert list((tmp_path / "clips").iterdir()) == [] and ffmpeg_children() == []


def test_the_quality_check_catches_a_short_clip(media: Path, tmp_path: Path) -> None:
    done = render_clip(job(media / "plain.mp4", tmp_path / "out.mp4", 0.5, 1.0))
    with pytest.raises(MediaError, match=r"15 frames \(0.500 s\), planned 30"):
        render_module.check_output(done.output, job(media / "plain.mp4", done.output, 0.5, 1.5))


def test_moviepy_engine_missing_is_a_clear_error(media: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "contentops.media.moviepy_engine", None)
    result = CLI.invoke("clip", "cut", str(media / "plain.mp4"), "--start", "0", "--end", "0.5",
                        "-o", str(tmp_path / "clips" / "o.mp4"), "--engine", "moviepy")  # fmt: skip
    CLI.assert_error(result, 1, "moviepy engine is not available")
    assert list((tmp_path / "clips").iterdir()) == []


def test_library_errors_for_impossible_jobs(media: Path, tmp_path: Path) -> None:
    info = probe(media / "plain.mp4")
    base = job(media / "plain.mp4", tmp_path / "o.mp4")
    for bad, needle in [
        (replace(base, start=-0.5), "negative"),
        (replace(base, end=0.51), "shorter than one frame"),
        (replace(base, caption=" "), "caption is empty"),
        (replace(base, engine="gstreamer"), "unknown engine"),
        (replace(base, encoding=replace(SMALL, preset="warp")), "unknown x264 preset"),
        (replace(base, encoding=replace(SMALL, width=271)), "not usable"),
    ]:
        with pytest.raises(UsageError, match=needle):
            render_module.validate_job(bad, info)
    with pytest.raises(NotFoundError, match="logo"):
        missing = replace(base.style, logo=replace(clip_style(None).logo, file=tmp_path / "gone.png"))
        render_module.validate_job(replace(base, style=missing), info)
    with pytest.raises(ConflictError):
        (tmp_path / "o.mp4").write_bytes(b"x")
        cut_clip(None, media / "plain.mp4", 0, 1, output=tmp_path / "o.mp4")
