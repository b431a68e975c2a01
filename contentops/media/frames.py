"""Still frames from a video: for covers (``frame_at``, ``sharpest_frame``) and contact sheets.

Frames are read by one ffmpeg run with one fast-seeking input per time (``-ss`` before ``-i``, accurate to
the frame since ffmpeg decodes from the keyframe before), written as BMP into a temporary folder and
decoded by Pillow. ffmpeg turns phone video upright on the way (display rotation), so a frame is what a
player shows. The video is probed first, so a file that is not a playable video is a clear ``MediaError``.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MediaError, UsageError
from .ffmpeg import input_args, output_arg, run_ffmpeg
from .probe import Probe, probe
from .timecode import format_timecode

if TYPE_CHECKING:
    from PIL.Image import Image

FRAME_TIMEOUT = 120.0
SHARPEST_WINDOW = 5.0  # seconds at the start a cover frame is picked from
SHARPEST_COUNT = 5
MAX_SHEET = 100
END_GUARD = 0.05  # seconds kept clear of the end: the last frame may be shorter than 1/fps


def _check_time(info: Probe, at: float) -> float:
    if at < 0 or at >= info.duration:
        raise UsageError(
            f"{info.path.name} is {format_timecode(info.duration)} long; {format_timecode(at)} is not in it",
            hint=f"give a time from 0 to {format_timecode(max(0.0, info.duration - END_GUARD))}",
        )
    return min(at, max(0.0, info.duration - END_GUARD))


def grab_frames(info: Probe, times: list[float], width: int | None = None) -> list[Image]:
    """The frames at ``times`` (seconds) of the probed video, RGB, scaled to ``width`` if given."""
    from PIL import Image as PILImage

    if not times:
        return []
    args: list[str] = []
    for at in times:
        args += ["-ss", f"{_check_time(info, at):.3f}", *input_args(info.path)]
    scale = ["-vf", f"scale={width}:-2:flags=bicubic"] if width else []
    with tempfile.TemporaryDirectory(prefix="contentops-frames-") as tmp:
        outputs = [Path(tmp) / f"{i}.bmp" for i in range(len(times))]
        for i, out in enumerate(outputs):
            args += ["-map", f"{i}:{info.video_index}", "-frames:v", "1", *scale, "-c:v", "bmp", output_arg(out)]
        run_ffmpeg(["-y", *args], timeout=FRAME_TIMEOUT)
        frames = []
        for at, out in zip(times, outputs, strict=True):
            if not out.is_file():
                raise MediaError(
                    f"no frame at {format_timecode(at)} in {info.path.name}",
                    hint="pick another time, or check that the video plays to the end",
                )
            with PILImage.open(out) as image:
                frames.append(image.convert("RGB"))
    return frames


def frame_at(video: Path | str, at: float) -> Image:
    """The frame of ``video`` shown at ``at`` seconds."""
    return grab_frames(probe(video), [at])[0]


def sharpness(image: Image) -> float:
    """How much fine detail a frame has: the variance of its edges (blurred, faded or black frames score low)."""
    from PIL import ImageFilter, ImageStat

    small = image.convert("L")
    small.thumbnail((360, 360))
    return float(ImageStat.Stat(small.filter(ImageFilter.FIND_EDGES)).var[0])


@dataclass(frozen=True)
class PickedFrame:
    image: Image
    at: float  # seconds
    sharpness: float


def sharpest_frame(video: Path | str) -> PickedFrame:
    """The sharpest of ``SHARPEST_COUNT`` frames spread over the first ``SHARPEST_WINDOW`` seconds."""
    info = probe(video)
    window = min(SHARPEST_WINDOW, info.duration)
    times = [round(window * (i + 0.5) / SHARPEST_COUNT, 3) for i in range(SHARPEST_COUNT)]
    frames = grab_frames(info, times)
    scored = [PickedFrame(image, at, sharpness(image)) for image, at in zip(frames, times, strict=True)]
    return max(scored, key=lambda f: f.sharpness)


@dataclass(frozen=True)
class Sheet:
    image: Image
    times: list[float]
    columns: int
    tile: tuple[int, int]


def contact_sheet(video: Path | str, count: int = 12, *, columns: int | None = None, tile_width: int = 320) -> Sheet:
    """``count`` frames spread evenly over ``video`` (the middle of equal parts), laid out in a grid with each
    frame's time under it, for picking a cover time."""
    from PIL import Image as PILImage
    from PIL import ImageDraw

    from .cover import Face, face_font
    from .fonts import default_font

    if not 1 <= count <= MAX_SHEET:
        raise UsageError(f"--count {count}: a sheet has 1 to {MAX_SHEET} frames", hint="use e.g. --count 12")
    if not 80 <= tile_width <= 1080:
        raise UsageError(f"--width {tile_width}: a frame is 80 to 1080 pixels wide", hint="use e.g. --width 320")
    info = probe(video)
    times = [round(info.duration * (i + 0.5) / count, 3) for i in range(count)]
    frames = grab_frames(info, times, tile_width)
    columns = columns or min(count, 4 if info.display_height > info.display_width else 3)
    rows = -(-count // columns)
    label = max(18, tile_width // 12)
    pad = max(8, tile_width // 32)
    tile_h = max(f.height for f in frames)
    cell_w, cell_h = tile_width + pad, tile_h + label + 2 * pad
    sheet = PILImage.new("RGB", (columns * cell_w + pad, rows * cell_h + pad), "#111111")
    draw = ImageDraw.Draw(sheet)
    font = face_font(Face(default_font()), label)
    for i, (frame, at) in enumerate(zip(frames, times, strict=True)):
        x = pad + (i % columns) * cell_w
        y = pad + (i // columns) * cell_h
        sheet.paste(frame, (x, y))
        draw.text((x, y + tile_h + pad // 2), format_timecode(at), font=font, fill="#FFFFFF")
    return Sheet(sheet, times, columns, (tile_width, tile_h))
