"""Probing source videos, running ffmpeg safely, and cut times (contentops.media, ``clip probe``).

Test media are made with the bundled ffmpeg (tests/media_fixtures.py). Every rejected input must give
one clear ``MediaError`` (``Error:``/``Hint:`` and exit 1 on the command line), write nothing, and leave
no ffmpeg process behind.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from cli_helpers import Cli
from media_fixtures import ffmpeg_children, make_video, truncate

from contentops.errors import MediaError, UsageError
from contentops.media import probe as probe_module
from contentops.media.ffmpeg import input_args, last_reason, run_ffmpeg
from contentops.media.probe import probe, probe_json
from contentops.media.timecode import format_timecode, parse_timecode

CLI = Cli(None, require_hint=True)
LONG_JOB = ["-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=60", "-f", "null", "-"]


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    make_video(folder / "plain.mp4")
    make_video(folder / "silent.mp4", audio=False, size=(160, 120), fps=25)
    make_video(folder / "phone.mp4", rotate=90)
    make_video(folder / "vfr.mp4", vfr=True, audio=False)
    make_video(folder / "screen.mkv", audio=False)
    return folder


@pytest.fixture(autouse=True)
def no_ffmpeg_left() -> None:
    yield
    assert ffmpeg_children() == []


# -- facts -----------------------------------------------------------------------------------
def test_probe_reads_the_facts_of_a_plain_video(media: Path) -> None:
    info = probe(media / "plain.mp4")
    assert info.path == media / "plain.mp4"
    assert info.format.startswith("mov,mp4")
    assert info.file_size == (media / "plain.mp4").stat().st_size
    assert info.duration == pytest.approx(2.0, abs=0.05)
    assert (info.width, info.height, info.display_width, info.display_height) == (320, 240, 320, 240)
    assert (info.rotation, info.fps, info.vfr) == (0, 30.0, False)
    assert (info.video_codec, info.pix_fmt) == ("h264", "yuv420p")
    assert [(a.codec, a.sample_rate, a.channels) for a in info.audio] == [("aac", 48000, 1)]
    data = probe_json(info)
    assert json.loads(json.dumps(data)) == data
    assert data["path"] == str(media / "plain.mp4") and data["audio"] == [
        {"codec": "aac", "sample_rate": 48000, "channels": 1}
    ]


def test_probe_without_audio(media: Path) -> None:
    info = probe(media / "silent.mp4")
    assert info.audio == ()
    assert (info.width, info.height, info.fps) == (160, 120, 25.0)


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_probe_reads_rotation_and_display_size(tmp_path: Path, rotate: int) -> None:
    info = probe(make_video(tmp_path / "turned.mp4", rotate=rotate, audio=False))
    assert info.rotation == rotate
    assert (info.width, info.height) == (320, 240)
    expected = (240, 320) if rotate in (90, 270) else (320, 240)
    assert (info.display_width, info.display_height) == expected


def test_probe_detects_variable_frame_rate(media: Path) -> None:
    assert probe(media / "vfr.mp4").vfr is True
    # Matroska keeps milliseconds, so 30 fps steps are 33, 34, 33 ms: rounding, not a variable rate.
    mkv = probe(media / "screen.mkv")
    assert mkv.format == "matroska,webm" and mkv.vfr is False


def test_symlink_is_followed(media: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.mp4"
    link.symlink_to(media / "plain.mp4")
    assert probe(link).path == media / "plain.mp4"


def test_a_name_starting_with_a_dash_is_a_file_not_an_ffmpeg_option(
    media: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "clips"
    folder.mkdir()
    monkeypatch.chdir(folder)
    (folder / "-y.mp4").write_bytes((media / "plain.mp4").read_bytes())
    assert probe("-y.mp4").duration == pytest.approx(2.0, abs=0.05)
    assert input_args("-y.mp4")[-1] == f"file:{folder / '-y.mp4'}"
    (folder / "-i").write_text("not a video\n")
    with pytest.raises(MediaError, match="-i is a text file"):
        probe("-i")
    assert sorted(p.name for p in folder.iterdir()) == ["-i", "-y.mp4"]


# -- what is not a playable video ------------------------------------------------------------
def _bad(folder: Path, media: Path, kind: str) -> Path:
    """Make the bad input ``kind`` in ``folder``; return its path."""
    target = folder / f"{kind}.mp4"
    if kind == "empty":
        target.write_bytes(b"")
    elif kind == "truncated":  # index (moov) at the end: the first half has none
        truncate(media / "plain.mp4", target)
    elif kind == "truncated-faststart":  # index at the start: opens, then the video stops early
        truncate(make_video(folder / "whole.mp4", seconds=4, faststart=True), target)
    elif kind == "playlist":
        target.write_text("#EXTM3U\n#EXT-X-VERSION:3\n#EXTINF:2.0,\nplain.mp4\n#EXT-X-ENDLIST\n")
    elif kind == "concat":
        target.write_text(f"ffconcat version 1.0\nfile '{media / 'plain.mp4'}'\n")
    elif kind == "concat-bare":
        target.write_text(f"file '{media / 'plain.mp4'}'\n")
    elif kind == "text":
        target.write_text("Kia ora! Notes for the shoot, not a video.\n")
    elif kind == "garbage":
        target.write_bytes(bytes(range(256)) * 64)
    elif kind == "audio-only":
        target = folder / "voice.m4a"
        make_video(folder / "both.mp4")
        run_ffmpeg([*input_args(folder / "both.mp4"), "-vn", "-c", "copy", f"file:{target}"])
    elif kind == "folder":
        target = folder / "footage"
        target.mkdir()
    elif kind == "broken-link":
        target.symlink_to(folder / "gone.mp4")
    return target


BAD = {
    "missing": "no such file",
    "broken-link": "no such file",
    "folder": "is a folder, not a video file",
    "empty": "is empty (0 bytes)",
    "truncated": "is not a playable video: moov atom not found",
    "truncated-faststart": "is truncated or damaged: its video stops at",
    "playlist": "is a playlist (#EXTM3U), not a video",
    "concat": "is an ffmpeg concat list, not a video",
    "concat-bare": "is an ffmpeg concat list, not a video",
    "text": "is a text file, not a video",
    "garbage": "is not a playable video",
    "audio-only": "has no video stream (audio only)",
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_inputs_are_refused_clearly_and_leave_nothing_behind(tmp_path: Path, media: Path, kind: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    bad = _bad(folder, media, kind)
    before = sorted(folder.rglob("*"))
    with pytest.raises(MediaError) as caught:
        probe(bad)
    assert BAD[kind] in caught.value.message and str(bad) in caught.value.message
    assert "\n" not in caught.value.message and caught.value.hint
    assert sorted(folder.rglob("*")) == before


def test_a_file_truncated_after_the_checked_start_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe_module, "DECODE_CHECK_SECONDS", 1.0)  # as a long video's first 20 s
    whole = make_video(tmp_path / "whole.mp4", seconds=4, faststart=True, audio=False)
    assert probe(whole).duration == pytest.approx(4.0, abs=0.05)
    with pytest.raises(MediaError, match="truncated or damaged: its last second does not decode"):
        probe(truncate(whole, tmp_path / "cut.mp4", 0.7))


def test_the_input_guards_stop_a_concat_list_from_opening_other_files(tmp_path: Path, media: Path) -> None:
    # Behind the first-bytes check: ffmpeg itself would open this list and read plain.mp4 through it.
    (tmp_path / "plain.mp4").write_bytes((media / "plain.mp4").read_bytes())
    listing = tmp_path / "list.mp4"
    listing.write_text("ffconcat version 1.0\nfile 'plain.mp4'\n")
    plain = run_ffmpeg(["-i", str(listing)], check=False)
    assert "Input #0, concat" in plain.log
    guarded = run_ffmpeg(input_args(listing), check=False)
    assert "Input #0" not in guarded.log and "not on whitelist" in last_reason(guarded.log)


# -- running ffmpeg --------------------------------------------------------------------------
def test_run_ffmpeg_failure_carries_the_reason() -> None:
    with pytest.raises(MediaError, match="ffmpeg failed: No such filter: 'nosuchfilter'") as caught:
        run_ffmpeg(["-f", "lavfi", "-i", "nosuchfilter", "-f", "null", "-"])
    assert caught.value.hint


def test_run_ffmpeg_reports_progress_and_final_figures() -> None:
    seen: list[float] = []
    result = run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10:duration=1", "-f", "null", "-"],
                        progress=seen.append)  # fmt: skip
    assert result.returncode == 0 and result.stats["progress"] == "end"
    assert result.stats["frame"] == "10" and result.out_seconds == pytest.approx(1.0, abs=0.11)
    assert seen and seen[-1] == result.out_seconds


def test_interrupt_kills_and_reaps_ffmpeg() -> None:
    def interrupt(seconds: float) -> None:
        assert ffmpeg_children(), "ffmpeg should be running while it reports progress"
        raise KeyboardInterrupt

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_ffmpeg(LONG_JOB, progress=interrupt)
    assert ffmpeg_children() == []
    assert time.monotonic() - started < 10  # stopped at once, not waited for (the job runs 60 s)


def test_timeout_kills_ffmpeg() -> None:
    with pytest.raises(MediaError, match=r"longer than 0\.3 s") as caught:
        run_ffmpeg(LONG_JOB, timeout=0.3)
    assert caught.value.hint
    assert ffmpeg_children() == []


def test_last_reason_skips_generic_lines() -> None:
    log = (
        "[in#0 @ 0x559edc4c11c0] moov atom not found\n"
        "[in#0 @ 0x559edc4c0e40] Error opening input: Invalid data found when processing input\n"
        "Error opening input file file:/tmp/t.mp4.\n"
        "Error opening input files: Invalid data found when processing input\n"
    )
    assert last_reason(log) == "moov atom not found"
    assert last_reason("") == "no reason given"


# -- cut times -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "seconds"),
    [("75", 75.0), ("12.5", 12.5), (".5", 0.5), ("1:15.5", 75.5), ("01:05", 65.0), ("0:01:15", 75.0),
     ("1:02:03.25", 3723.25), (" 3 ", 3.0), ("90:00:00", 324000.0)],
)  # fmt: skip
def test_parse_timecode(text: str, seconds: float) -> None:
    assert parse_timecode(text) == seconds


@pytest.mark.parametrize(
    ("text", "needle"),
    [("-1", "negative"), ("-0:05", "negative"), ("1:60", "60 seconds"), ("60:00", "60 minutes"),
     ("1:75:00", "75 minutes"), ("abc", "not a time"), ("", "not a time"), ("1:2:3:4", "not a time"),
     ("1.2.3", "not a time"), ("1,5", "not a time")],
)  # fmt: skip
def test_parse_timecode_refuses_bad_times(text: str, needle: str) -> None:
    with pytest.raises(UsageError, match=needle) as caught:
        parse_timecode(text)
    assert "MM:SS.s" in (caught.value.hint or "")


@pytest.mark.parametrize(
    ("seconds", "decimals", "text"),
    [(75.5, 1, "0:01:15.5"), (0, 1, "0:00:00.0"), (3723.26, 2, "1:02:03.26"), (59.96, 1, "0:01:00.0"),
     (36000, 0, "10:00:00"), (-1.5, 1, "-0:00:01.5")],
)  # fmt: skip
def test_format_timecode(seconds: float, decimals: int, text: str) -> None:
    assert format_timecode(seconds, decimals) == text
    if seconds >= 0:
        assert parse_timecode(text) == pytest.approx(seconds, abs=10**-decimals)


# -- command line ----------------------------------------------------------------------------
def test_cli_probe_table_outside_a_workspace(media: Path) -> None:
    result = CLI.invoke("clip", "probe", str(media / "phone.mp4"))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for needle in ("0:00:02.0", "240x320 (stored 320x240)", "90° clockwise", "30 fps", "aac, 48000 Hz, mono"):
        assert needle in out, out
    assert "(variable)" not in out
    vfr = CLI.invoke("clip", "probe", str(media / "vfr.mp4"))
    assert "(variable)" in vfr.stdout and "Audio       none" in vfr.stdout


def test_cli_probe_json(media: Path) -> None:
    result = CLI.invoke("clip", "probe", str(media / "plain.mp4"), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == probe_json(probe(media / "plain.mp4"))


@pytest.mark.parametrize("kind", ["missing", "truncated", "playlist", "folder"])
def test_cli_probe_refuses_bad_media_with_exit_1(tmp_path: Path, media: Path, kind: str) -> None:
    CLI.assert_error(CLI.invoke("clip", "probe", str(_bad(tmp_path, media, kind))), 1, BAD[kind])


def test_cli_name_starting_with_a_dash(media: Path, tmp_path: Path) -> None:
    (tmp_path / "-take2.mp4").write_bytes((media / "plain.mp4").read_bytes())
    refused = CLI.invoke("clip", "probe", "-take2.mp4")
    assert refused.exit_code == 2 and "No such option" in refused.output
    result = CLI.invoke("clip", "probe", "--json", "--", "-take2.mp4")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["path"] == str(tmp_path / "-take2.mp4")
