"""What a source video is, and whether it is one at all.

``probe(path)`` returns a ``Probe``: duration, stored and displayed size, rotation, average frame rate,
variable frame rate or not, codecs and audio streams. The bundled ffmpeg has no ffprobe, so it reads
``ffmpeg -i FILE``'s description of the file, then decodes the first frame (proof that the video decodes),
reads the packet timestamps of the first ``DECODE_CHECK_SECONDS`` without decoding them (variable
frame rate, and a file that stops early) and, for longer files, decodes one frame near the end (proof
that the file is complete).

Anything that is not a playable video is rejected with a ``MediaError`` whose message names the file and
says what is wrong, before any work that writes files: a missing path, a folder, a device or pipe, an
empty file, a playlist, concat list or other text file (whatever its extension), a file ffmpeg cannot
open or that is not a video container, no video stream, an unknown duration, and a file whose video
cannot be decoded or stops early (truncated). Symbolic links are followed and the target is checked; a
link loop is refused. A file named on the command line may be anywhere: the user chose it.

Rotation is in degrees clockwise, the way the player turns the stored picture (the convention of the
``rotate`` tag: a phone filming upright writes 90), read from the display matrix or the ``rotate`` tag.
ffmpeg applies it when decoding, so cuts work in display size (``display_width`` x ``display_height``).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import asdict, dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..errors import MediaError
from .ffmpeg import input_args, last_reason, run_ffmpeg

DECODE_CHECK_SECONDS = 20.0  # packets read from the start to detect variable frame rate and damage
PROBE_TIMEOUT = 120.0  # seconds for one ffmpeg step of a probe
SNIFF_BYTES = 512

_INPUT = re.compile(r"^Input #0, (?P<format>.+?), from ")
_DURATION = re.compile(r"^\s+Duration: (?:(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?)|N/A)")
_STREAM = re.compile(r"^\s+Stream #0:(?P<index>\d+)\S*: (?P<kind>\w+): (?P<details>.*)$")
_MATRIX = re.compile(r"display ?matrix: rotation of (?P<deg>-?\d+(?:\.\d+)?) degrees", re.IGNORECASE)
_ROTATE_TAG = re.compile(r"^\s+rotate\s*: (?P<deg>-?\d+(?:\.\d+)?)\s*$")
_SIZE = re.compile(r"^(?P<w>\d+)x(?P<h>\d+)\b")
_RATE = re.compile(r"^(?P<n>\d+(?:\.\d+)?)(?P<k>k?) (?P<unit>fps|tbr)\b")
_TIMEBASE = re.compile(r"^#tb 0: (?P<num>\d+)/(?P<den>\d+)", re.MULTILINE)
_PACKET = re.compile(r"^\s*0,\s*-?\d+,\s*(?P<pts>-?\d+),\s*(?P<dur>-?\d+),", re.MULTILINE)
_CHANNELS = {"mono": 1, "stereo": 2, "downmix": 2, "quad": 4, "hexagonal": 6, "octagonal": 8}
_CONCAT = re.compile(rb"^(ffconcat\b|file\s+'|file\s+\S)")

HINT_VIDEO = "Give the original video file (MP4, MOV, MKV/WebM) as saved by the phone, camera or editor."


@dataclass(frozen=True)
class AudioStream:
    codec: str
    sample_rate: int | None
    channels: int | None


@dataclass(frozen=True)
class Probe:
    """The facts about one source video (see the module docstring for rotation)."""

    path: Path  # the file read (symbolic links resolved)
    format: str  # ffmpeg's demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    file_size: int  # bytes
    duration: float  # seconds
    width: int  # as stored
    height: int
    display_width: int  # as shown (after rotation)
    display_height: int
    rotation: int  # 0, 90, 180 or 270 degrees clockwise
    fps: float  # average frame rate
    vfr: bool  # variable frame rate
    video_codec: str
    pix_fmt: str | None
    audio: tuple[AudioStream, ...]
    video_index: int  # ffmpeg's index of the video stream (for -map 0:N)


@dataclass
class _Video:
    index: int
    codec: str
    pix_fmt: str | None
    width: int
    height: int
    fps: float
    rotation: int = 0
    rotation_from_matrix: bool = False


def probe_json(info: Probe) -> dict[str, Any]:
    """The public JSON form of a probe (stable keys)."""
    data = asdict(info)
    data["path"] = str(info.path)
    data["audio"] = [asdict(stream) for stream in info.audio]
    return data


def probe(path: Path | str, *, timeout: float = PROBE_TIMEOUT) -> Probe:
    """Probe the video at ``path``; a ``MediaError`` (one line and a hint) if it is not a playable video."""
    name = str(path)
    file, size = check_source(path)
    header = run_ffmpeg(input_args(file), check=False, timeout=timeout)
    fmt, duration, video, audio = _parse_header(name, header.log)
    vfr = _check_decoding(name, file, video.index, duration, timeout)
    turned = video.rotation in (90, 270)
    return Probe(
        path=file,
        format=fmt,
        file_size=size,
        duration=duration,
        width=video.width,
        height=video.height,
        display_width=video.height if turned else video.width,
        display_height=video.width if turned else video.height,
        rotation=video.rotation,
        fps=video.fps,
        vfr=vfr,
        video_codec=video.codec,
        pix_fmt=video.pix_fmt,
        audio=tuple(audio),
        video_index=video.index,
    )


def check_source(path: Path | str) -> tuple[Path, int]:
    """The checks that need no ffmpeg: ``path`` (symbolic links resolved) is a non-empty regular file
    that is not a playlist, concat list or other text. Returns the resolved path and its size in bytes."""
    name = str(path)
    file = Path(os.path.realpath(path))  # Path.resolve() raises RuntimeError on a link loop before Python 3.13
    try:
        info = file.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise MediaError(f"no such file: {name}", hint="Check the path and the file name.") from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise MediaError(
                f"{name} is a symbolic link that leads back to itself", hint="Give the real path of the video file."
            ) from None
        raise MediaError(f"cannot read {name}: {exc.strerror}", hint="Check the path and its permissions.") from None
    if stat.S_ISDIR(info.st_mode):
        raise MediaError(f"{name} is a folder, not a video file", hint="Give the path of one video file.")
    if not stat.S_ISREG(info.st_mode):
        raise MediaError(f"{name} is not a regular file (a device or pipe)", hint=HINT_VIDEO)
    if info.st_size == 0:
        raise MediaError(f"{name} is empty (0 bytes)", hint="The copy or download did not finish: copy it again.")
    try:
        with file.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise MediaError(f"cannot read {name}: {exc.strerror}", hint="Check the file's permissions.") from None
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text.startswith((b"#EXTM3U", b"#EXTINF")):
        raise MediaError(
            f"{name} is a playlist (#EXTM3U), not a video",
            hint="Download or export the stream to one video file first, then give that file.",
        )
    if _CONCAT.match(text):
        raise MediaError(f"{name} is an ffmpeg concat list, not a video", hint="Give each video file on its own.")
    if _is_text(head):
        raise MediaError(f"{name} is a text file, not a video", hint=HINT_VIDEO)
    return file, info.st_size


def _is_text(head: bytes) -> bool:
    """No control bytes other than whitespace: every video container has binary headers (NUL bytes)."""
    return not any((byte < 0x20 and byte not in b"\t\n\r\f") or byte == 0x7F for byte in head)


def _parse_header(name: str, log: str) -> tuple[str, float, _Video, list[AudioStream]]:
    fmt: str | None = None
    duration: float | None = None
    videos: list[_Video] = []
    audio: list[AudioStream] = []
    current: _Video | None = None  # the video stream whose metadata and side data follow
    for line in log.splitlines():
        if match := _INPUT.match(line):
            fmt = match["format"]
        elif match := _DURATION.match(line):
            if match["h"] is not None:
                duration = int(match["h"]) * 3600 + int(match["m"]) * 60 + float(match["s"])
        elif match := _STREAM.match(line):
            current = None
            if match["kind"] == "Video" and "(attached pic)" not in match["details"]:
                current = _parse_video(int(match["index"]), match["details"])
                if current:
                    videos.append(current)
            elif match["kind"] == "Audio":
                audio.append(_parse_audio(match["details"]))
        elif current and (match := _MATRIX.search(line)):
            current.rotation, current.rotation_from_matrix = _quarter_turns(-float(match["deg"])), True
        elif current and not current.rotation_from_matrix and (match := _ROTATE_TAG.match(line)):
            current.rotation = _quarter_turns(float(match["deg"]))
    if fmt is None:
        reason = last_reason(log)
        if "not on whitelist" in reason:
            raise MediaError(f"{name} is not in a video format contentops reads", hint=HINT_VIDEO)
        raise MediaError(f"{name} is not a playable video: {reason}", hint=HINT_VIDEO)
    if not videos:
        kind = "audio only" if audio else "no audio either"
        raise MediaError(f"{name} has no video stream ({kind})", hint=HINT_VIDEO)
    if not duration:
        raise MediaError(
            f"{name} has no known duration: it looks truncated or damaged",
            hint="Copy or export the video again; check that it plays to the end.",
        )
    return fmt, duration, videos[0], audio


def _split_top(details: str) -> list[str]:
    """Split a stream description on the commas outside parentheses and brackets."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(details):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(details[start:i].strip())
            start = i + 1
    parts.append(details[start:].strip())
    return parts


def _parse_video(index: int, details: str) -> _Video | None:
    parts = _split_top(details)
    codec = parts[0].split()[0] if parts[0] else "unknown"
    size = next((m for part in parts if (m := _SIZE.match(part))), None)
    if not size:
        return None
    rates = {m["unit"]: float(m["n"]) * (1000 if m["k"] else 1) for part in parts if (m := _RATE.match(part))}
    second = parts[1] if len(parts) > 1 else ""
    pix_fmt = None if _SIZE.match(second) else (re.match(r"[a-z0-9_]+", second) or [None])[0]
    fps = rates.get("fps") or rates.get("tbr") or 0.0
    return _Video(index, codec, pix_fmt, int(size["w"]), int(size["h"]), fps)


def _parse_audio(details: str) -> AudioStream:
    parts = _split_top(details)
    codec = parts[0].split()[0] if parts[0] else "unknown"
    rate = next((int(m[1]) for part in parts if (m := re.fullmatch(r"(\d+) Hz", part))), None)
    channels = None
    for part in parts:
        layout = part.split("(")[0].strip()
        if layout in _CHANNELS:
            channels = _CHANNELS[layout]
        elif m := re.fullmatch(r"(\d+) channels", layout):
            channels = int(m[1])
        elif m := re.fullmatch(r"(\d+)\.(\d+)", layout):
            channels = int(m[1]) + int(m[2])
        else:
            continue
        break
    return AudioStream(codec, rate, channels)


def _quarter_turns(degrees: float) -> int:
    return round(degrees / 90) * 90 % 360


def _check_decoding(name: str, file: Path, index: int, duration: float, timeout: float) -> bool:
    """Decode the first frame (and for long files one near the end), and read the packets of the first
    ``DECODE_CHECK_SECONDS`` without decoding them; True if the frame rate varies."""
    stream = ["-map", f"0:{index}", "-an", "-sn", "-dn"]
    damaged = "Re-export or copy the video again; check that it plays to the end in a video player."

    def decodes(seek: list[str]) -> tuple[bool, str]:
        result = run_ffmpeg([*seek, *input_args(file), *stream, "-frames:v", "1", "-f", "null", "-"],
                            check=False, timeout=timeout)  # fmt: skip
        return result.returncode == 0 and bool(int(result.stats.get("frame", "0") or 0)), result.log

    first, log = decodes([])
    if not first:
        raise MediaError(f"{name} is damaged: cannot decode its first frame ({last_reason(log)})", hint=damaged)
    window = min(duration, DECODE_CHECK_SECONDS)
    # Packet timestamps, copied not decoded: cheap even for a 4K source.
    scan = run_ffmpeg(
        ["-t", f"{window:.3f}", *input_args(file), *stream, "-c", "copy", "-f", "framecrc", "pipe:2"],
        check=False,
        timeout=timeout,
    )
    base = _TIMEBASE.search(scan.log)
    stamps = sorted((int(m["pts"]), int(m["dur"])) for m in _PACKET.finditer(scan.log))
    if scan.returncode != 0 or base is None or not stamps:
        raise MediaError(f"{name} is damaged: its video cannot be read ({last_reason(scan.log)})", hint=damaged)
    tick = int(base["num"]) / int(base["den"])
    covered = (stamps[-1][0] + max(stamps[-1][1], 0) - stamps[0][0]) * tick
    if covered + max(1.0, 0.1 * window) < window:
        raise MediaError(
            f"{name} is truncated or damaged: its video stops at {covered:.1f} s of {duration:.1f} s", hint=damaged
        )
    if duration > window and not decodes(["-ss", f"{max(0.0, duration - 1.0):.3f}"])[0]:
        raise MediaError(f"{name} is truncated or damaged: its last second does not decode", hint=damaged)
    return _is_vfr([pts for pts, _ in stamps])


def _is_vfr(pts: list[int]) -> bool:
    """Whether frame-to-frame steps (in ticks of the stream's time base) vary. Steps that differ by one
    tick are rounding (30 fps in Matroska's milliseconds: 33, 34, 33 ...), not a variable rate."""
    steps = [b - a for a, b in pairwise(pts) if b > a]
    if len(steps) < 2:
        return False
    average = sum(steps) / len(steps)
    return max(steps) - min(steps) > max(1, 0.02 * average)
