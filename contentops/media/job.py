"""A clip job: what to cut from which source, and how it should look and be encoded.

Both engines (one ffmpeg command, or moviepy) render the same ``ClipJob``; batch and recap
build jobs from a cut list. ``job_key`` is the content hash that decides whether an output
is up to date: it covers the source file, the cut, the captions, the style, the encoding and
the engine, so changing any of them renders again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Literal

from .captions import CaptionStyle, SafeZone

FrameMode = Literal["crop", "blur", "fit", "none"]
FRAME_MODES: tuple[str, ...] = ("crop", "blur", "fit", "none")
CaptionMode = Literal["static", "words"]
Engine = Literal["ffmpeg", "moviepy"]
ENGINES: tuple[str, ...] = ("ffmpeg", "moviepy")
CORNERS: tuple[str, ...] = ("top-left", "top-right", "bottom-left", "bottom-right")
# Bump when rendering changes in a way that should make existing outputs stale.
RENDER_VERSION = 1
_SAMPLE = 1 << 20  # bytes hashed at each end of a source file


@dataclass(frozen=True)
class Encoding:
    """TikTok's upload sweet spot: 1080x1920, 30 fps constant, H.264 High yuv420p, AAC 48 kHz."""

    width: int = 1080
    height: int = 1920
    fps: int = 30
    preset: str = "veryfast"
    crf: int = 20
    audio_rate: int = 48000
    audio_bitrate: str = "160k"


@dataclass(frozen=True)
class Logo:
    """A logo image placed in a corner, ``scale`` = its width as a share of the frame width."""

    file: Path
    corner: str = "top-right"
    scale: float = 0.18
    margin: int = 40


@dataclass(frozen=True)
class ClipStyle:
    """Everything about the look that is not the cut itself (from the brand kit and options)."""

    frame: str = "crop"
    caption_mode: str = "static"
    captions: CaptionStyle = field(default_factory=CaptionStyle)
    background: str = "#000000"  # for --frame fit
    logo: Logo | None = None

    @property
    def safe_zone(self) -> SafeZone:
        return self.captions.safe_zone


@dataclass(frozen=True)
class ClipJob:
    """Cut ``source`` from ``start`` to ``end`` seconds into ``output``.

    ``caption`` is one caption for the whole clip; ``srt`` times captions instead (times in the
    SRT are relative to the source, as editors write them against the recording, and are
    shifted to the clip by the engines). At most one of the two is set.
    """

    source: Path
    start: float
    end: float
    output: Path
    caption: str | None = None
    srt: Path | None = None
    style: ClipStyle = field(default_factory=ClipStyle)
    encoding: Encoding = field(default_factory=Encoding)
    engine: str = "ffmpeg"

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def frames(self) -> int:
        """Frames the output must have: the cut's duration at the output frame rate."""
        return round(self.duration * self.encoding.fps)


def _file_fingerprint(path: Path) -> str:
    """Size, and a hash of the first and last MiB: cheap for two-hour recordings, and any
    re-export or trim of the file changes it."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(str(size).encode())
    with open(path, "rb") as fh:
        digest.update(fh.read(_SAMPLE))
        if size > 2 * _SAMPLE:
            fh.seek(-_SAMPLE, 2)
            digest.update(fh.read(_SAMPLE))
    return digest.hexdigest()


def job_key(job: ClipJob) -> str:
    """The content hash of a job (see the module docstring). The output path is not part of it."""

    def plain(value: object) -> object:
        if isinstance(value, Path):
            return str(value)
        raise TypeError(type(value))

    parts = {
        "version": RENDER_VERSION,
        "source": _file_fingerprint(job.source),
        "cut": [round(job.start, 3), round(job.end, 3)],
        "caption": job.caption,
        "srt": job.srt.read_text(encoding="utf-8") if job.srt else None,
        "style": asdict(job.style),
        "logo": _file_fingerprint(job.style.logo.file) if job.style.logo else None,
        "font": _file_fingerprint(job.style.captions.font) if job.style.captions.font else None,
        "encoding": asdict(job.encoding),
        "engine": job.engine,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=plain).encode()).hexdigest()
