"""Small test media made with the bundled ffmpeg (lavfi sources), and process checks.

Import these in any test module::

    from media_fixtures import make_video, ffmpeg_children

Each file is a few seconds at a small size, encoded with x264 ``ultrafast``: about 0.1 s to make.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from contentops.media.ffmpeg import ffmpeg_exe, output_arg


def _ffmpeg(*args: str) -> None:
    subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", *args], check=True)


def make_video(
    path: Path,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 30,
    audio: bool = True,
    rotate: int | None = None,
    vfr: bool = False,
    faststart: bool = False,
) -> Path:
    """An H.264 (+ AAC mono 48 kHz sine) file at ``path`` (the extension picks the container).

    ``rotate``: degrees clockwise in the display matrix (a phone filming upright writes 90); the stored
    picture stays ``size``. ``vfr``: frame steps alternate between short and long (average about ``fps``).
    ``faststart``: the MP4 index goes at the start (so a truncated copy still opens)."""
    width, height = size
    args = ["-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}:duration={seconds}"]
    if audio:
        args += ["-f", "lavfi", "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}"]
    if vfr:  # in milliseconds: steps of 1.5 and 0.5 frame durations, alternately
        step = 1000 / fps
        args += ["-vf", f"settb=1/1000,setpts='N*{step:.3f}+mod(N,2)*{step / 2:.3f}'", "-fps_mode", "vfr"]
        args += ["-enc_time_base:v", "1:1000"]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-shortest"]
    if faststart:
        args += ["-movflags", "+faststart"]
    if rotate is None:
        _ffmpeg(*args, output_arg(path))
        return path
    plain = path.with_name(f".plain-{path.name}")
    _ffmpeg(*args, output_arg(plain))
    # -display_rotation is counter-clockwise; the stream copy keeps the stored picture as it is.
    _ffmpeg("-display_rotation", str(-rotate), "-i", output_arg(plain), "-c", "copy", output_arg(path))
    plain.unlink()
    return path


def truncate(source: Path, dest: Path, fraction: float = 0.5) -> Path:
    """The first ``fraction`` of ``source``'s bytes, as an interrupted copy or download leaves it."""
    data = source.read_bytes()
    dest.write_bytes(data[: int(len(data) * fraction)])
    return dest


def ffmpeg_children() -> list[tuple[int, str]]:
    """(pid, state) of this process's child processes that are ffmpeg, zombies included (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        comm = stat[stat.index("(") + 1 : stat.rindex(")")]
        state, ppid = stat[stat.rindex(")") + 2 :].split()[:2]
        if int(ppid) == os.getpid() and comm.startswith("ffmpeg"):
            found.append((int(entry.name), state))
    return found
