"""Running the bundled ffmpeg safely.

- ``ffmpeg_exe()``: the ffmpeg that ships with ``imageio_ffmpeg`` (``$IMAGEIO_FFMPEG_EXE`` overrides it).
- ``input_args(path)``: the ``-i`` arguments for a user's file. The path is made absolute and given as
  ``file:/abs/path`` (so ``-x.mp4`` is a file, never an option, and ``a:b.mp4`` is not a protocol), only the
  ``file`` protocol is allowed, and only video container formats (so a playlist or concat list renamed to
  ``.mp4`` cannot make ffmpeg open other files or URLs).
- ``run_ffmpeg(args, timeout=, progress=)``: runs ``ffmpeg -hide_banner -nostdin -nostats -progress pipe:1
  ARGS``; returns the log (stderr) and the final progress figures; raises ``MediaError`` with ffmpeg's
  last meaningful log line when it fails or times out; the child is always killed and reaped when the
  caller is interrupted (Ctrl-C) or anything else goes wrong, so no ffmpeg process is left behind.
"""

from __future__ import annotations

import re
import subprocess
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import MediaError

# Demuxers a source video may use (matched against ffmpeg's demuxer names, e.g. "mov,mp4,m4a,3gp,3g2,mj2").
# Playlists (hls), concat lists, image sequences and raw streams are not among them.
VIDEO_FORMATS = "mov,matroska,webm,avi,mpegts,mpeg,flv,asf,mxf"

# Generic lines ffmpeg prints after the real reason for a failure.
_GENERIC = re.compile(
    r"^(Error opening (input|output)( files?)?\b|Conversion failed|Exiting normally|Error while filtering"
    r"|Error processing filtergraph|Nothing was written|At least one output file must be specified|Press \[q\])",
    re.IGNORECASE,
)
_PREFIX = re.compile(r"^(\[[^\]]+ @ 0x[0-9a-f]+\] ?)+")  # "[in#0 @ 0x55d1...] " and nested ones

Progress = Callable[[float], None]


@dataclass(frozen=True)
class FfmpegResult:
    """A finished ffmpeg run: its exit code, its log (stderr) and the last progress block
    (``frame``, ``out_time_us``, ``speed``, ... as text; empty if ffmpeg stopped before reporting)."""

    returncode: int
    log: str
    stats: dict[str, str] = field(default_factory=dict)

    @property
    def out_seconds(self) -> float:
        """Seconds of output written (0.0 if unknown)."""
        return _seconds(self.stats.get("out_time_us"))


@cache
def ffmpeg_exe() -> str:
    """The path of the bundled ffmpeg executable."""
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as exc:
        raise MediaError(
            f"ffmpeg is not available: {exc}",
            hint="Reinstall contentops (pip install --force-reinstall imageio-ffmpeg), "
            "or set IMAGEIO_FFMPEG_EXE to an ffmpeg executable.",
        ) from None


def input_args(path: Path | str, *, formats: str = VIDEO_FORMATS) -> list[str]:
    """``-i`` and the guards for reading the user's file ``path`` (put input options such as ``-ss`` before)."""
    return [
        "-protocol_whitelist", "file",
        "-format_whitelist", formats,
        "-i", f"file:{Path(path).absolute()}",
    ]  # fmt: skip


def output_arg(path: Path | str) -> str:
    """An output file for ffmpeg's command line (absolute, ``file:``-prefixed: never taken for an option)."""
    return f"file:{Path(path).absolute()}"


def last_reason(log: str) -> str:
    """The last meaningful line of an ffmpeg log, without ``[component @ 0x...]`` prefixes."""
    for raw in reversed(log.splitlines()):
        line = _PREFIX.sub("", raw).strip()
        if line and not _GENERIC.match(line):
            return line
    return "no reason given"


def run_ffmpeg(
    args: Sequence[str], *, timeout: float | None = None, progress: Progress | None = None, check: bool = True
) -> FfmpegResult:
    """Run ``ffmpeg -hide_banner -nostdin -nostats -progress pipe:1 ARGS`` and wait for it.

    ``progress(seconds)`` is called in this thread with the seconds of output written so far (about
    twice a second, and once at the end). ``timeout`` (seconds) stops a run that takes longer, with a
    ``MediaError``. With ``check`` (the default) a non-zero exit is a ``MediaError`` carrying ffmpeg's
    last meaningful log line; without it the caller reads ``returncode`` and ``log`` itself.
    Whatever happens (Ctrl-C, an exception in ``progress``, a timeout), the child is killed and reaped.
    """
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-progress", "pipe:1", *args]
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    log_lines: list[str] = []
    reader = threading.Thread(target=_drain, args=(proc.stderr, log_lines), daemon=True)
    timed_out = threading.Event()

    def _stop() -> None:
        timed_out.set()
        proc.kill()

    timer = threading.Timer(timeout, _stop) if timeout is not None else None
    stats: dict[str, str] = {}
    block: dict[str, str] = {}
    try:  # from here on, whatever happens (even Ctrl-C this instant), the child is killed and reaped
        reader.start()
        if timer:
            timer.start()
        assert proc.stdout is not None
        for line in proc.stdout:
            key, _, value = line.strip().partition("=")
            block[key] = value
            if key == "progress":  # "continue" or "end" closes one block of figures
                stats, block = block, {}
                if progress:
                    progress(_seconds(stats.get("out_time_us")))
        proc.wait()
    finally:
        if timer:
            timer.cancel()
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if reader.ident is not None:  # started
            reader.join()
        for stream in (proc.stdout, proc.stderr):
            if stream:
                stream.close()
    log = "".join(log_lines)
    if timed_out.is_set():
        raise MediaError(
            f"ffmpeg took longer than {timeout:g} s and was stopped",
            hint="The file may be very long or damaged; try a shorter cut or re-export the video.",
        )
    if check and proc.returncode != 0:
        raise MediaError(
            f"ffmpeg failed: {last_reason(log)}",
            hint="Check that the input plays in a video player, and that the output folder is writable.",
        )
    return FfmpegResult(proc.returncode, log, stats)


def _drain(stream: Any, sink: list[str]) -> None:
    """Collect ffmpeg's log. When a stop (Ctrl-C, a terminated worker) closes the pipe under this thread,
    end quietly: the caller reports the stop, not a traceback from here."""
    try:
        for line in stream:
            sink.append(line)
    except (OSError, ValueError):
        pass


def _seconds(microseconds: str | None) -> float:
    try:
        return max(0, int(microseconds or 0)) / 1_000_000
    except ValueError:  # "N/A" before the first frame
        return 0.0
