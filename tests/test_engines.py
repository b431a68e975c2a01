"""The two engines: the moviepy engine on its own, and both engines rendering the same job alike.

Sources are tiny generated files (testsrc2 + sine); clips render at 270x480 to keep moviepy quick.
"""

from __future__ import annotations

import subprocess
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from media_fixtures import ffmpeg_children, make_video

from contentops.media import moviepy_engine
from contentops.media.captions import CaptionStyle, Cue, build_ass
from contentops.media.ffmpeg import ffmpeg_exe, output_arg
from contentops.media.fonts import font_dir_for
from contentops.media.job import ClipJob, Encoding
from contentops.media.probe import probe
from contentops.media.render import caption_style_for, check_output, logo_box, render_clip
from contentops.media.style import clip_style

SMALL = Encoding(width=270, height=480)
CAPTION = "Kia ora Tāmaki Makaurau 🎉 summer sale"
SRT = """1
00:00:00,000 --> 00:00:01,200
Kia ora koutou katoa

2
00:00:01,200 --> 00:00:02,500
Mōrena Aotearoa
"""


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("media")


@pytest.fixture(scope="module")
def source(media: Path) -> Path:
    return make_video(media / "source.mp4", seconds=2.5, size=(320, 240))


def _frames(path: Path, size: tuple[int, int]) -> np.ndarray:
    """Every frame of ``path`` as RGB, shape (frames, height, width, 3)."""
    cmd = [ffmpeg_exe(), "-v", "error", "-i", output_arg(path), "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, size[1], size[0], 3)


def _mad(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute difference of two images, in 0..255 levels."""
    return float(np.abs(a.astype(int) - b.astype(int)).mean())


def _job(source: Path, out: Path, **changes: object) -> ClipJob:
    job = ClipJob(source, 0.5, 2.0, out, caption=CAPTION, style=clip_style(None), encoding=SMALL, engine="moviepy")
    return replace(job, **changes)


# --- the moviepy engine alone ------------------------------------------------------------------------


def test_encode_writes_the_planned_clip(tmp_path: Path, source: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    job = _job(source, folder / "clip.mp4")
    out = folder / ".clip.x.tmp.mp4"
    seconds: list[float] = []
    moviepy_engine.encode(job, probe(source), out, seconds.append)
    check_output(out, job)  # size, frame rate, duration, audio as long as the video
    info = probe(out)
    assert (info.width, info.height, info.fps, info.rotation) == (270, 480, 30, 0)
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")
    assert [(a.codec, a.sample_rate, a.channels) for a in info.audio] == [("aac", 48000, 2)]
    assert len(_frames(out, (270, 480))) == job.frames == 45  # exactly, not within one frame
    assert seconds == sorted(seconds) and seconds[-1] == pytest.approx(job.duration)  # progress reaches the end
    assert [p.name for p in folder.iterdir()] == [out.name]  # the temp audio is gone


def test_duration_gives_moviepy_exactly_the_planned_frames() -> None:
    # moviepy writes int(duration * fps) frames; 123 / 30 * 30 is 122.99999999999999 in floating point
    assert int(123 / 30 * 30) == 122
    for fps in (24, 25, 30, 60):
        for frames in range(1, 3000):
            duration = moviepy_engine._exact_duration(frames, fps)
            assert int(duration * fps) == frames and duration - frames / fps < 1e-9


def test_geometry_rounds_like_ffmpeg() -> None:
    # scale=270:480:force_original_aspect_ratio=increase on 640x360 gives 853x480 (ffmpeg rounds to nearest)
    assert moviepy_engine.scaled_size((640, 360), (270, 480), cover=True) == (853, 480)
    assert moviepy_engine.scaled_size((640, 360), (270, 480), cover=False, divisible_by=2) == (270, 152)
    assert moviepy_engine.scaled_size((240, 320), (1080, 1920), cover=False, divisible_by=2) == (1080, 1440)
    # crop=32:60 of a 107-pixel-wide frame starts at x=38 (37.5 rounded, kept even for 4:2:0)
    assert moviepy_engine._crop_offset(37.5) == 38 and moviepy_engine._crop_offset(291.5) == 292


def test_parallel_jobs_keep_their_own_temp_audio(tmp_path: Path, source: Path, monkeypatch) -> None:
    made: list[Path] = []
    real = moviepy_engine._temp_next_to

    def spy(out: Path, suffix: str, temps: list[Path]) -> Path:
        made.append(real(out, suffix, temps))
        return made[-1]

    monkeypatch.setattr(moviepy_engine, "_temp_next_to", spy)
    # the same output name in two folders: moviepy's default temp audio name would be the same for both
    jobs = [_job(source, tmp_path / folder / "clip.mp4", end=1.5) for folder in ("a", "b")]
    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(render_clip, jobs))
    assert [r.frames for r in results] == [30, 30]
    audio = [p for p in made if p.name.endswith(".audio.m4a")]
    assert len(audio) == len(set(audio)) == 2
    assert {p.parent for p in audio} == {tmp_path / "a", tmp_path / "b"}
    for folder in ("a", "b"):
        assert [p.name for p in (tmp_path / folder).iterdir()] == ["clip.mp4"]
    assert not list(Path.cwd().glob("*TEMP_MPY*"))


def test_interrupted_render_closes_every_clip_and_leaves_nothing(tmp_path: Path, source: Path) -> None:
    calls: list[float] = []

    def interrupt(fraction: float) -> None:
        calls.append(fraction)
        if len(calls) == 10:
            raise KeyboardInterrupt  # Ctrl-C while moviepy is writing frames

    folder = tmp_path / "out"
    folder.mkdir()
    job = _job(source, folder / "clip.mp4", style=replace(clip_style(None), frame="blur"))
    with pytest.raises(KeyboardInterrupt):
        render_clip(job, progress=interrupt)
    assert len(calls) == 10
    assert list(folder.iterdir()) == []  # no output, no temp video, no temp audio
    assert ffmpeg_children() == []  # every reader and writer closed


# --- captions drawn with Pillow, as libass draws them --------------------------------------------------


def _libass_frame(tmp_path: Path, doc: str, size: tuple[int, int]) -> np.ndarray:
    """``doc`` burned by libass into a grey frame."""
    ass = tmp_path / "cap.ass"
    ass.write_text(doc, encoding="utf-8")
    cmd = [
        ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", f"color=c=gray:s={size[0]}x{size[1]}:r=1:d=1",
        "-vf", f"subtitles=cap.ass:fontsdir={font_dir_for(None)}", "-frames:v", "1",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]  # fmt: skip
    raw = subprocess.run(cmd, cwd=tmp_path, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(raw, np.uint8).reshape(size[1], size[0], 3)


def _fill_box(frame: np.ndarray) -> tuple[int, int, int, int]:
    """Bounding box (left, top, right, bottom) of the white caption fill."""
    ys, xs = np.nonzero(frame.min(axis=2) > 200)
    return int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max())


def test_caption_images_match_libass_and_stay_in_the_safe_zone(tmp_path: Path) -> None:
    from PIL import Image

    size = (540, 960)
    style = CaptionStyle().scaled(0.5)
    text = "Kia ora Tāmaki Makaurau 🎉 the summer sale is on across Aotearoa"
    cues = [Cue(0, 1, text)]
    [event] = moviepy_engine.caption_images(cues, style, size)
    assert (event.start, event.end) == (0, 1)
    zone = style.safe_zone
    assert event.x >= zone.left and event.x + event.image.width <= size[0] - zone.right
    assert event.y >= zone.top and event.y + event.image.height <= size[1] - zone.bottom
    drawn = Image.new("RGB", size, (128, 128, 128))
    drawn.paste(event.image, (event.x, event.y), event.image)
    ours, theirs = _fill_box(np.asarray(drawn)), _fill_box(_libass_frame(tmp_path, build_ass(cues, style, *size), size))
    assert theirs[3] - theirs[1] > 2 * style.size  # wrapped onto three lines
    assert np.abs(np.subtract(ours, theirs)).max() <= 4, (ours, theirs)

    words = moviepy_engine.caption_images([Cue(1, 3, "Kia ora koutou")], style, size, mode="words")
    assert [(e.start, e.end) for e in words] == [(1, 1.53), (1.53, 2.07), (2.07, 3)]
    for n, event in enumerate(words):  # the lit word is the n-th third of the text, in the highlight colour
        pixels = np.asarray(event.image.convert("RGB")).astype(int)
        lit = np.abs(pixels - (0xFE, 0x2C, 0x55)).max(axis=2) < 40
        columns = np.nonzero(lit.any(axis=0))[0]
        assert columns.size and n / 3 - 0.1 < columns.mean() / event.image.width < (n + 1) / 3 + 0.1


# --- both engines, the same job ---------------------------------------------------------------------

# The middle frame's mean absolute difference between the engines (0-255 levels) must stay below the
# threshold. Measured at 270x480: the engines differ by 1.3-2.9 (ffmpeg scales and overlays in 4:2:0 YUV,
# moviepy in RGB, which shows at testsrc2's sharp colour-bar edges; text and logo edges are anti-aliased a
# little differently), blur by 5.6 (ffmpeg blurs the 4:2:0 planes, Pillow RGB). Against that, the frame
# one step later differs by 5.2-6.4 (2.9 with fit's smaller picture, hence the second check), a missing
# logo by 4.3, a missing caption by 3.4 (hence the caption and logo checks) and another frame mode by 100.
CASES = {
    "crop-caption-logo": ({}, {}, 4.0),
    "fit-srt-words": ({}, {"frame": "fit", "caption_mode": "words", "srt": True}, 4.0),
    "blur": ({}, {"frame": "blur", "caption": None}, 8.0),
    "none": ({}, {"frame": "none", "caption": None, "logo": None}, 4.0),
    "rotated-phone": ({"rotate": 90}, {"frame": "fit"}, 4.0),
    "variable-rate": ({"vfr": True}, {}, 4.0),
    "no-audio": ({"audio": False}, {"caption": None}, 4.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_both_engines_render_the_same_clip(case: str, tmp_path: Path, source: Path) -> None:
    fixture, changes, threshold = CASES[case]
    if fixture:
        source = make_video(tmp_path / "source.mp4", seconds=2.5, size=(320, 240), **fixture)
    style = clip_style(None)
    style = replace(style, **{k: changes[k] for k in ("frame", "caption_mode", "logo") if k in changes})
    srt = None
    if changes.get("srt"):
        srt = tmp_path / "captions.srt"
        srt.write_text(SRT, encoding="utf-8")
    caption = changes.get("caption", CAPTION) if srt is None else None
    frames = {}
    for engine in ("ffmpeg", "moviepy"):
        job = _job(source, tmp_path / f"{engine}.mp4", caption=caption, srt=srt, style=style, engine=engine)
        result = render_clip(job)
        info = probe(result.output)
        assert result.frames == job.frames == 45
        assert info.audio and info.audio[0].codec == "aac"
        frames[engine] = _frames(result.output, (info.width, info.height))
    ours, theirs = frames["moviepy"], frames["ffmpeg"]
    assert ours.shape == theirs.shape  # same size and the same number of frames
    expected = (240, 320) if case == "none" else (480, 270)
    assert ours.shape == (45, *expected, 3)
    middle = len(ours) // 2
    assert _mad(ours[middle], theirs[middle]) < threshold
    assert _mad(ours[middle], theirs[middle]) < _mad(ours[middle], theirs[middle + 1])  # not a frame off
    if case == "crop-caption-logo":
        lower = slice(240, 480)  # the caption, away from the (partly white) logo
        assert np.abs(np.subtract(_fill_box(ours[middle][lower]), _fill_box(theirs[middle][lower]))).max() <= 3
        zone = caption_style_for(job, (270, 480)).safe_zone
        width, height, margin = logo_box(style.logo, (270, 480), zone.top, zone.bottom)
        logo = (slice(margin, margin + height), slice(270 - margin - width, 270 - margin))
        assert _mad(ours[middle][logo], theirs[middle][logo]) < 12
        assert _mad(ours[middle][logo], ours[middle][logo].mean(axis=(0, 1))) > 40  # the logo is there
