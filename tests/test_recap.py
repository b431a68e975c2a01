"""Recaps (contentops.media.recap, ``clip recap``): segments rendered alike, a title card, a lossless join
and two-pass EBU R128 loudness normalisation.

Sources are tiny (320x240, 3 s) with a sine tone at very different levels, so the normalisation has work to
do; recaps are rendered at 270x480 through the library, and once at the real 1080x1920 through the command
line. Every check reads the output with ffmpeg directly (frames decoded, ``ebur128`` for loudness), not
through the code under test.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from cli_helpers import Cli
from media_fixtures import ffmpeg_children, make_video

from contentops.errors import ConflictError, MediaError, NotFoundError, UsageError
from contentops.media import recap as recap_module
from contentops.media.cutlist import read_cutlist
from contentops.media.ffmpeg import ffmpeg_exe, output_arg
from contentops.media.job import Encoding
from contentops.media.recap import TITLE_SECONDS, make_recap, recap_json
from contentops.media.style import clip_style

CLI = Cli(None, require_hint=True)
SMALL = Encoding(width=270, height=480)
FPS = SMALL.fps
BLUE = "#1E90FF"
BLUE_RGB = (0x1E, 0x90, 0xFF)


def _ffmpeg(*args: str) -> str:
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", *args], capture_output=True, text=True, check=True
    )
    return done.stderr


def tone(path: Path, volume: float, seconds: float = 3.0) -> Path:
    """A 320x240 test picture with a 440 Hz tone at ``volume`` (1.0 = the sine source's -18 dBFS)."""
    _ffmpeg(
        "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=30:duration={seconds}",
        "-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds},volume={volume}",
        "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        output_arg(path),
    )  # fmt: skip
    return path


def integrated_loudness(path: Path) -> float:
    log = _ffmpeg("-i", output_arg(path), "-map", "0:a:0", "-af", "ebur128", "-f", "null", "-")
    return float(re.findall(r"^\s+I:\s+(-?[\d.]+) LUFS", log, re.MULTILINE)[-1])


def stream_facts(path: Path) -> dict[str, object]:
    """Size and frame rate from the header; video frames and audio seconds counted by decoding."""
    header = subprocess.run([ffmpeg_exe(), "-hide_banner", "-i", output_arg(path)], capture_output=True, text=True)
    video = re.search(r"Video: h264 \(High\).*?, yuv420p.*?, (\d+)x(\d+).*?, ([\d.]+) fps", header.stderr)
    audio = re.search(r"Audio: aac .*?, (\d+) Hz, stereo", header.stderr)
    assert video and audio, header.stderr
    crc = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", output_arg(path), "-map", "0:v:0", "-map", "0:a:0", "-f", "framecrc", "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rows = [line.split(",") for line in crc.splitlines() if not line.startswith("#")]
    samples = sum(int(row[3]) for row in rows if row[0].strip() == "1")
    return {
        "size": (int(video[1]), int(video[2])),
        "fps": float(video[3]),
        "frames": sum(1 for row in rows if row[0].strip() == "0"),
        "audio_seconds": samples / int(audio[1]),
        "audio_rate": int(audio[1]),
    }


def pixel(path: Path, frame: int, x: int, y: int) -> tuple[int, int, int]:
    """The RGB colour at ``x``, ``y`` of frame number ``frame`` (of a 270x480 or 1080x1920 video)."""
    raw = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", output_arg(path), "-vf", f"select=eq(n\\,{frame})", "-frames:v", "1",
         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    width = 270 if len(raw) == 270 * 480 * 3 else 1080
    i = (y * width + x) * 3
    return raw[i], raw[i + 1], raw[i + 2]


def close(a: tuple[int, int, int], b: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(p - q) <= tolerance for p, q in zip(a, b, strict=True))


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("recap-media")
    tone(folder / "quiet.mp4", 0.05)
    tone(folder / "loud.mp4", 0.8)
    make_video(folder / "silent.mp4", seconds=3.0, audio=False)
    return folder


@pytest.fixture(scope="module")
def blue_style():
    return replace(clip_style(None), background=BLUE)


@pytest.fixture(scope="module")
def titled(media: Path, blue_style, tmp_path_factory: pytest.TempPathFactory):
    """One recap with a title card and three segments (quiet, loud, silent) at -14 LUFS."""
    out = tmp_path_factory.mktemp("titled") / "recap.mp4"
    steps: list[tuple[float, str]] = []
    rows = [
        (media / "quiet.mp4", 0.5, 2.5, "Kia ora Tāmaki"),
        (media / "loud.mp4", "0:01", "0:02.5"),
        (media / "silent.mp4", 0, 1),
    ]
    result = make_recap(
        rows,
        out,
        style=blue_style,
        encoding=SMALL,
        title="Summer Sounds 2026",
        progress=lambda f, s: steps.append((f, s)),
    )
    return result, steps


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder for outputs (``tmp_path`` also holds the test's home folder)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture(autouse=True)
def no_ffmpeg_left():
    yield
    assert ffmpeg_children() == []


def leftovers(folder: Path, *expected: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in expected)


# -- the recap -------------------------------------------------------------------------------------
def test_recap_is_the_sum_of_its_parts(titled) -> None:
    result, _ = titled
    planned = round(TITLE_SECONDS * FPS) + 2 * FPS + round(1.5 * FPS) + FPS
    assert (result.frames, result.segments, result.title) == (planned, 3, True)
    assert result.duration == pytest.approx(planned / FPS)
    facts = stream_facts(result.output)
    assert facts["size"] == (270, 480) and facts["fps"] == FPS and facts["audio_rate"] == 48000
    assert abs(facts["frames"] - planned) <= 1
    # Sound and picture end together: a stream-copied AAC join would add 21 ms of priming per part.
    assert abs(facts["audio_seconds"] - planned / FPS) <= 1 / FPS
    assert leftovers(result.output.parent) == ["recap.mp4"]


def test_recap_loudness_hits_the_target(titled) -> None:
    result, _ = titled
    measured = integrated_loudness(result.output)
    assert abs(measured - -14.0) <= 1.0
    assert result.before is not None and result.after is not None
    assert result.before.integrated < -20  # the parts were far from the target: normalising mattered
    assert abs(result.after.integrated - measured) <= 1.0
    assert result.after.true_peak <= -1.5 + 0.5


def test_title_card_comes_first_in_the_brand_background(titled) -> None:
    result, _ = titled
    out = result.output
    for x, y in ((4, 4), (4, 470), (140, 470)):  # away from the title (middle) and the logo (top right)
        assert close(pixel(out, 0, x, y), BLUE_RGB), (x, y)
    first_segment = round(TITLE_SECONDS * FPS)
    assert close(pixel(out, first_segment - 1, 4, 470), BLUE_RGB)
    assert not close(pixel(out, first_segment, 4, 470), BLUE_RGB)
    # The title is drawn: the middle of the card is not all background.
    assert any(not close(pixel(out, 0, x, 208), BLUE_RGB) for x in range(40, 230, 6))


def test_progress_covers_segments_join_and_both_passes(titled) -> None:
    _, steps = titled
    labels = list(dict.fromkeys(label for _, label in steps))
    assert labels[0] == "rendering the title card"
    assert [label.split(" (")[0] for label in labels[1:4]] == [f"rendering segment {n}" for n in (1, 2, 3)]
    assert labels[4:] == ["joining", "measuring loudness", "normalising loudness"]
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == pytest.approx(1.0)


def test_recap_json_has_stable_keys(titled) -> None:
    data = json.loads(json.dumps(recap_json(titled[0])))
    assert sorted(data) == [
        "after", "before", "duration", "frames", "normalisation", "output", "seconds", "segments", "target",
        "title", "true_peak_limit",
    ]  # fmt: skip
    assert sorted(data["before"]) == ["integrated", "lra", "true_peak"]
    assert (data["output"], data["duration"], data["target"]) == (str(titled[0].output), 6.5, -14.0)


def test_recap_to_another_target_from_cut_list_rows(media: Path, blue_style, out: Path) -> None:
    (out / "cut.csv").write_text(
        f"source,start,end,frame\n{media / 'loud.mp4'},0,2,fit\n{media / 'quiet.mp4'},1,3,blur\n", encoding="utf-8"
    )
    recap = out / "recap.mp4"
    result = make_recap(read_cutlist(out / "cut.csv"), recap, style=blue_style, encoding=SMALL, loudness=-16.0)
    assert (result.frames, result.title) == (4 * FPS, False)
    assert abs(integrated_loudness(recap) - -16.0) <= 1.0
    assert stream_facts(recap)["frames"] == 4 * FPS
    assert leftovers(out, "cut.csv") == ["recap.mp4"]


def test_silent_recap_is_not_normalised(media: Path, blue_style, out: Path) -> None:
    result = make_recap([(media / "silent.mp4", 0, 1)], out / "quiet.mp4", style=blue_style, encoding=SMALL)
    assert (result.before, result.after, result.normalisation) == (None, None, "none")
    assert stream_facts(result.output)["frames"] == FPS


# -- refusals: a clear error naming the row, nothing written, no temp, no ffmpeg ----------------------
def test_bad_cut_list_row_is_named_and_nothing_is_written(media: Path, blue_style, out: Path) -> None:
    (out / "cut.csv").write_text(f"source,start,end\n{media / 'loud.mp4'},0,1\nmissing.mp4,0,1\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"^row 3, column source: no such file: missing\.mp4"):
        make_recap(read_cutlist(out / "cut.csv"), out / "recap.mp4", style=blue_style, encoding=SMALL)
    assert leftovers(out, "cut.csv") == []


@pytest.mark.parametrize(
    ("row", "error", "message"),
    [
        (("missing.mp4", 0, 1), MediaError, r"^segment 2 \(missing\.mp4\): no such file"),
        (("{media}/loud.mp4", 2, 9), UsageError, r"^segment 2 \(loud\.mp4\): cut .* ends after the source"),
        (("{media}/loud.mp4", "1:xx", 2), UsageError, r"^segment 2: '1:xx' is not a time"),
        (("{media}/loud.mp4",), UsageError, r"^segment 2: .* is not a cut-list row"),
    ],
)
def test_bad_segment_is_named_before_anything_is_rendered(
    media: Path, blue_style, out: Path, row: tuple, error: type, message: str
) -> None:
    bad = tuple(v.format(media=media) if isinstance(v, str) else v for v in row)
    with pytest.raises(error, match=message):
        make_recap([(media / "quiet.mp4", 0, 1), bad], out / "recap.mp4", style=blue_style, encoding=SMALL)
    assert leftovers(out) == []


def test_frame_none_is_refused_for_a_recap(media: Path, blue_style, out: Path) -> None:
    (out / "cut.csv").write_text(f"source,start,end,frame\n{media / 'loud.mp4'},0,1,none\n", encoding="utf-8")
    with pytest.raises(UsageError, match="row 2: frame 'none'"):
        make_recap(read_cutlist(out / "cut.csv"), out / "r.mp4", style=blue_style, encoding=SMALL)


def test_output_checks(media: Path, blue_style, out: Path) -> None:
    rows = [(media / "quiet.mp4", 0, 1)]
    existing = out / "recap.mp4"
    existing.write_bytes(b"keep me")
    with pytest.raises(ConflictError, match="already exists"):
        make_recap(rows, existing, style=blue_style, encoding=SMALL)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(NotFoundError, match="does not exist"):
        make_recap(rows, out / "no" / "recap.mp4", style=blue_style, encoding=SMALL)
    with pytest.raises(UsageError, match=r"must be an \.mp4"):
        make_recap(rows, out / "recap.mov", style=blue_style, encoding=SMALL)
    with pytest.raises(UsageError, match="loudness target"):
        make_recap(rows, out / "r.mp4", style=blue_style, encoding=SMALL, loudness=3)
    with pytest.raises(UsageError, match="no segments"):
        make_recap([], out / "r.mp4", style=blue_style, encoding=SMALL)
    assert leftovers(out, "recap.mp4") == []


def test_title_that_does_not_fit_is_refused(media: Path, blue_style, out: Path) -> None:
    with pytest.raises(UsageError, match=r"^the title card: caption .* does not fit"):
        make_recap([(media / "quiet.mp4", 0, 1)], out / "r.mp4", style=blue_style, encoding=SMALL, title="W" * 60)
    assert leftovers(out) == []


def test_failure_after_rendering_removes_everything(
    media: Path, blue_style, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args, **kwargs):
        raise MediaError("ffmpeg failed: simulated")

    monkeypatch.setattr(recap_module, "_normalise", broken)
    with pytest.raises(MediaError, match="simulated"):
        make_recap([(media / "loud.mp4", 0, 1)], out / "recap.mp4", style=blue_style, encoding=SMALL)
    assert leftovers(out) == []


def test_interrupt_during_a_pass_kills_ffmpeg_and_cleans_up(media: Path, blue_style, out: Path) -> None:
    def interrupt(fraction: float, step: str) -> None:
        if step == "measuring loudness" and fraction > 0:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make_recap(
            [(media / "loud.mp4", 0, 2)], out / "recap.mp4", style=blue_style, encoding=SMALL, progress=interrupt
        )
    assert leftovers(out) == []


# -- the command line (the real 1080x1920) -----------------------------------------------------------
def test_cli_recap_in_a_workspace_brand(media: Path, ws, out: Path) -> None:
    brand = ws.assets_dir / "brand.toml"
    text = brand.read_text(encoding="utf-8")
    assert 'background = "#000000"' in text
    brand.write_text(text.replace('background = "#000000"', f'background = "{BLUE}"'), encoding="utf-8")
    cut = out / "cut.csv"
    cut.write_text(f"source,start,end,caption\n{media / 'quiet.mp4'},0,0.5,Kia ora\n{media / 'loud.mp4'},1,1.5,\n")
    recap = out / "recap.mp4"
    result = CLI.run(ws, "clip", "recap", str(cut), "-o", str(recap), "--title", "Day 1", "--loudness", "-16")
    assert result.exit_code == 0, result.output
    for needle in ("Segments   2 + title card", "0:00:03.000  (90 frames)", "-> ", "LUFS (target -16", "dBTP"):
        assert needle in result.stdout
    facts = stream_facts(recap)
    assert facts["size"] == (1080, 1920) and facts["frames"] == 90 and facts["fps"] == 30
    assert close(pixel(recap, 0, 20, 1900), BLUE_RGB)
    assert abs(integrated_loudness(recap) - -16.0) <= 1.0
    before = recap.read_bytes()
    CLI.assert_error(CLI.run(ws, "clip", "recap", str(cut), "-o", str(recap)), 4, "already exists", "--force")
    assert recap.read_bytes() == before
    cut.write_text(f"source,start,end\n{media / 'quiet.mp4'},0,1\n{media / 'quiet.mp4'},2,1\n")
    CLI.assert_error(CLI.run(ws, "clip", "recap", str(cut), "-o", str(out / "b.mp4")), 2, "row 3, column end")
    assert leftovers(out, "cut.csv") == ["recap.mp4"]
