"""Rendering one clip job: checks, the one ffmpeg command, quality check, atomic output.

``render_clip(job)`` probes the source (``probe`` rejects anything that is not a playable video),
``validate_job`` refuses impossible cuts, the job's engine renders into a temp file next to the output
(``.NAME.XXXX.tmp.mp4``), ``check_output`` checks the result against the plan, and only then is the
temp file renamed onto ``job.output``. On any failure (or Ctrl-C) the temp file is removed, nothing is
left at the output path and no ffmpeg process is left running.

The default engine is one ffmpeg command (``encode_args``):

- frame-accurate cut: ``-ss`` before the input (ffmpeg decodes from the keyframe before and drops the
  frames before ``start``), ``-t`` for the length;
- the picture upright: ffmpeg applies the source's rotation when decoding, so frames are in display size;
- constant frame rate: ``fps`` in the graph and ``-fps_mode cfr``, so variable-frame-rate phone video
  stays in sync with its audio; the last frame is held if the video stream ends a little early;
- the frame mode (``FRAME_MODES``): ``crop`` scales to cover and centre-crops 9:16, ``blur`` fits the
  picture over a blurred, filled copy of itself, ``fit`` pads with the brand background colour, ``none``
  keeps the source's display size (rounded down to even numbers: H.264 4:2:0 needs them);
- captions: an ASS document (``captions.build_ass``) burned in with libass (``subtitles``), fonts from
  ``fonts.font_dir_for``; logo: scaled to ``logo.scale`` of the frame width, in its corner, kept in the
  margin band outside the captions' safe zone;
- H.264 High yuv420p (preset and CRF from ``Encoding``), AAC stereo at ``audio_rate``, ``+faststart``;
  a source without audio gets a silent track, so every clip has audio.

Brand sizes (caption size, safe zone, logo margin) are for a 1080x1920 frame and scale with the output.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ConflictError, MediaError, NotFoundError, UsageError
from ..fsutil import default_file_mode
from ..names import safe_filename
from .captions import MODES, CaptionStyle, Cue, build_ass, parse_srt
from .ffmpeg import input_args, last_reason, output_arg, run_ffmpeg
from .fonts import font_dir_for
from .job import ENGINES, FRAME_MODES, ClipJob, Encoding, Logo
from .probe import PROBE_TIMEOUT, Probe, _parse_header, probe
from .timecode import format_timecode

if TYPE_CHECKING:
    from ..workspace import Workspace

REFERENCE_SIZE = (1080, 1920)  # the frame brand sizes are given for
BLUR_DOWNSCALE = 8  # the blurred background is blurred at 1/8 size, then scaled up: cheap and smooth
RENDER_TIMEOUT_FACTOR = 60.0  # seconds of wall time allowed per second of clip (plus a minute)
# The logo is read by its content, in the formats open_image accepts (kit.IMAGE_FORMATS): ffmpeg's image2
# demuxer would go by the file name's extension (and expand patterns in it).
LOGO_FORMATS = "png_pipe,jpeg_pipe,webp_pipe,gif,bmp_pipe,tiff_pipe"
X264_PRESETS = ("ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow")
MAX_CRF = 51
OUTPUT_SUFFIX = ".mp4"
_TOLERANCE = 0.0005  # seconds: cut times are compared with the source's duration to the millisecond
_FILTER_VALUE = re.compile(r"([\\':])")
_FILTER_GRAPH = re.compile(r"([\\'\[\],;])")

Progress = Callable[[float], None]


@dataclass(frozen=True)
class RenderResult:
    """A rendered clip: the output file, its frame count and duration, the engine and the wall time."""

    output: Path
    frames: int
    duration: float  # seconds of video
    engine: str
    seconds: float  # wall time of the render, probe and checks included
    size: tuple[int, int] = (0, 0)  # width, height of the output frame


# --- checks -------------------------------------------------------------------------------------


def validate_job(job: ClipJob, info: Probe) -> None:
    """Refuse a job that cannot be rendered from ``info``'s source, before any file is written."""
    cut = f"{format_timecode(job.start, 3)} to {format_timecode(job.end, 3)}"
    if job.start < 0 or job.end < 0:
        raise UsageError(f"cut {cut} has a negative time", hint="times count from the start of the video")
    if job.start >= job.end:
        raise UsageError(
            f"cut {cut} ends before or when it starts",
            hint="give an end time later than the start time",
        )
    if job.end > info.duration + _TOLERANCE:
        raise UsageError(
            f"cut {cut} ends after the source, which is {format_timecode(info.duration, 3)} long",
            hint=f"end at {format_timecode(info.duration, 3)} or earlier (see `contentops clip probe`)",
        )
    if job.frames < 1:
        raise UsageError(f"cut {cut} is shorter than one frame at {job.encoding.fps} fps", hint="make the cut longer")
    if job.caption is not None and job.srt is not None:
        raise UsageError("a clip takes either a caption or an SRT file, not both", hint="drop --caption or --srt")
    if job.caption is not None and not job.caption.strip():
        raise UsageError("the caption is empty", hint="give the caption text, or leave the caption out")
    _check_choice("frame mode", job.style.frame, FRAME_MODES)
    _check_choice("caption style", job.style.caption_mode, MODES)
    _check_choice("engine", job.engine, ENGINES)
    _check_choice("x264 preset", job.encoding.preset, X264_PRESETS)
    if not 0 <= job.encoding.crf <= MAX_CRF:
        raise UsageError(
            f"CRF {job.encoding.crf} is out of range", hint=f"use 0 (lossless) to {MAX_CRF}; 18-23 looks good"
        )
    width, height = job.encoding.width, job.encoding.height
    if width < 16 or height < 16 or width % 2 or height % 2:
        raise UsageError(f"output size {width}x{height} is not usable", hint="use even sizes such as 1080x1920")
    if job.style.logo is not None and not job.style.logo.file.is_file():
        raise NotFoundError(
            f"logo {job.style.logo.file} not found",
            hint="put the logo file in the brand kit's assets folder, or render with --no-logo",
        )
    if job.srt is not None:
        parse_srt(job.srt)


def _check_choice(label: str, value: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise UsageError(f"unknown {label} {value!r}", hint=f"use one of: {', '.join(choices)}")


def check_output(path: Path, job: ClipJob, *, info: Probe | None = None) -> None:
    """Quality check of a rendered clip: frame size, frame rate, video duration within one frame of the
    plan, and an audio stream as long as the video (within one frame). A ``MediaError`` says what is wrong.

    ``info`` (the source's probe) is only needed for ``--frame none``, whose size is the source's; without
    it the source is probed again."""
    facts = _output_facts(path)
    if job.style.frame == "none" and info is None:
        info = probe(job.source)
    want = output_size(job, info) if info is not None else (job.encoding.width, job.encoding.height)
    fps = job.encoding.fps
    frame = 1 / fps
    video = facts.frames / fps
    problems = []
    if facts.size != want:
        problems.append(f"size {facts.size[0]}x{facts.size[1]}, planned {want[0]}x{want[1]}")
    if abs(facts.fps - fps) > 0.01:
        problems.append(f"frame rate {facts.fps:g} fps, planned {fps}")
    if abs(video - job.duration) > frame + _TOLERANCE:
        problems.append(f"{facts.frames} frames ({video:.3f} s), planned {job.frames} ({job.duration:.3f} s)")
    if facts.audio is None:
        problems.append("no audio stream")
    elif abs(facts.audio - video) > frame + _TOLERANCE:
        problems.append(f"audio lasts {facts.audio:.3f} s, video {video:.3f} s")
    if problems:
        raise MediaError(
            f"the rendered clip failed its quality check: {'; '.join(problems)}",
            hint="the source may be damaged: check it with `contentops clip probe`, re-export it and try again",
        )


@dataclass(frozen=True)
class _Facts:
    size: tuple[int, int]
    fps: float
    frames: int  # video frames (packets: the file is not decoded)
    audio: float | None  # seconds of audio (decoded), None without an audio stream


_VIDEO_PACKETS = re.compile(r"Output stream #0:0 \(video\): (\d+) packets muxed")
_AUDIO_SAMPLES = re.compile(r"Output stream #1:0 \(audio\): .*?\((\d+) samples\)")


def _output_facts(path: Path) -> _Facts:
    """Read a rendered file: its header, its video packets (copied, not decoded) and its decoded audio."""
    args = ["-v", "verbose", *input_args(path, formats="mov"), "-map", "0:v:0", "-c", "copy", "-f", "null", "-"]
    result = run_ffmpeg([*args, "-map", "0:a:0?", "-f", "null", "-"], check=False, timeout=PROBE_TIMEOUT)
    try:
        _, _, video, audio = _parse_header(str(path), result.log)
    except MediaError as exc:
        raise MediaError(f"the rendered clip cannot be read: {exc.message}", hint=exc.hint) from None
    packets = _VIDEO_PACKETS.search(result.log)
    if result.returncode != 0 or not packets:
        raise MediaError(
            f"the rendered clip cannot be read: {last_reason(result.log)}",
            hint="check the free space and the output folder, then render again",
        )
    samples = _AUDIO_SAMPLES.search(result.log)
    seconds = None
    if audio and samples and audio[0].sample_rate:
        seconds = int(samples[1]) / audio[0].sample_rate
    return _Facts((video.width, video.height), video.fps, int(packets[1]), seconds)


# --- the plan -----------------------------------------------------------------------------------


def output_size(job: ClipJob, info: Probe) -> tuple[int, int]:
    """The output frame: the job's encoding size, or for ``--frame none`` the source's display size
    rounded down to even numbers."""
    if job.style.frame == "none":
        return info.display_width // 2 * 2, info.display_height // 2 * 2
    return job.encoding.width, job.encoding.height


def layout_factor(size: tuple[int, int]) -> float:
    """How much brand sizes (given for 1080x1920) scale on a ``size`` frame: the smaller of the two ratios."""
    return min(size[0] / REFERENCE_SIZE[0], size[1] / REFERENCE_SIZE[1])


def caption_style_for(job: ClipJob, size: tuple[int, int]) -> CaptionStyle:
    """The job's caption style scaled to the output frame."""
    factor = layout_factor(size)
    style = job.style.captions
    return style if factor == 1 else style.scaled(factor)


def clip_cues(job: ClipJob) -> list[Cue]:
    """The captions on the clip's own clock: the one caption for the whole clip, or the SRT's cues
    shifted by ``-start``, those overlapping the cut kept and clipped to it."""
    if job.caption is not None:
        return [Cue(0.0, job.duration, job.caption)]
    if job.srt is None:
        return []
    cues = []
    for cue in parse_srt(job.srt):
        start, end = max(0.0, cue.start - job.start), min(job.duration, cue.end - job.start)
        if end - start >= 0.01:  # ASS times are centiseconds
            cues.append(Cue(start, end, cue.text))
    return cues


def logo_box(logo: Logo, size: tuple[int, int], zone_top: int, zone_bottom: int) -> tuple[int, int, int]:
    """The logo's largest width and height and its margin on a ``size`` frame, as the overlay places it:
    ``logo.scale`` of the frame width, and no taller than the band between the frame edge (plus margin)
    and the captions' safe zone (``zone_top``/``zone_bottom``, already scaled to the frame)."""
    factor = layout_factor(size)
    margin = round(logo.margin * factor)
    band = (zone_top if logo.corner.startswith("top") else zone_bottom) - margin
    width = max(2, round(size[0] * logo.scale))
    height = max(2, band if band >= 2 else round(size[1] * logo.scale))
    return width, height, margin


# --- the ffmpeg engine --------------------------------------------------------------------------


def filter_path(path: Path) -> str:
    """``path`` as a filter option value inside a filtergraph (both levels of ffmpeg's escaping)."""
    return _FILTER_GRAPH.sub(r"\\\1", _FILTER_VALUE.sub(r"\\\1", str(path.absolute())))


def _colour(value: str) -> str:
    return "0x" + value.strip().lstrip("#")


def _frame_filters(job: ClipJob, size: tuple[int, int]) -> str:
    """The filter chain from ``[src]`` to ``[framed]``: the frame mode at the output size."""
    w, h = size
    mode = job.style.frame
    if mode == "crop":
        return f"[src]scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}[framed]"
    if mode == "fit":
        return (
            f"[src]scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
            f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color={_colour(job.style.background)}[framed]"
        )
    if mode == "blur":
        bw, bh = max(2, w // BLUR_DOWNSCALE // 2 * 2), max(2, h // BLUR_DOWNSCALE // 2 * 2)
        return (
            f"[src]split[bgsrc][fgsrc];"
            f"[bgsrc]scale={bw}:{bh}:force_original_aspect_ratio=increase,crop={bw}:{bh},"
            f"gblur=sigma={max(1, bw // 20)},scale={w}:{h}[bg];"
            f"[fgsrc]scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2[fg];"
            f"[bg][fg]overlay=(W-w)/2:(H-h)/2[framed]"
        )
    return f"[src]crop={w}:{h}[framed]"  # none: the display size, rounded down to even


def filter_graph(
    job: ClipJob, info: Probe, ass: Path | None, fonts_dir: Path | None, *, logo_input: int | None = None
) -> str:
    """The video filtergraph of the ffmpeg engine, from ``[0:v]`` to ``[v]`` (see the module docstring)."""
    size = output_size(job, info)
    fps = job.encoding.fps
    # Constant rate first (less to scale for 60 fps sources); hold the last frame if the video stream
    # ends a little before the cut does (-t trims the rest).
    parts = [f"[{0}:{info.video_index}]fps={fps}:start_time=0,tpad=stop_mode=clone:stop_duration=1[src]"]
    parts.append(_frame_filters(job, size))
    last = "framed"
    if ass is not None:
        fonts = f":fontsdir={filter_path(fonts_dir)}" if fonts_dir is not None else ""
        parts.append(f"[{last}]subtitles=filename={filter_path(ass)}{fonts}[captioned]")
        last = "captioned"
    logo = job.style.logo
    if logo is not None and logo_input is not None:
        zone = caption_style_for(job, size).safe_zone
        width, height, margin = logo_box(logo, size, zone.top, zone.bottom)
        x = f"W-w-{margin}" if logo.corner.endswith("right") else str(margin)
        y = f"H-h-{margin}" if logo.corner.startswith("bottom") else str(margin)
        # Blend in YUV: with an RGBA overlay ffmpeg would convert every full frame to RGBA (10x slower).
        parts.append(
            f"[{logo_input}:v]scale={width}:{height}:force_original_aspect_ratio=decrease,format=yuva420p[logo]"
        )
        parts.append(f"[{last}][logo]overlay={x}:{y}:format=yuv420[logoed]")
        last = "logoed"
    parts.append(f"[{last}]format=yuv420p,setsar=1[v]")
    return ";".join(parts)


def encode_args(job: ClipJob, info: Probe, out: Path, ass: Path | None, fonts_dir: Path | None) -> list[str]:
    """The one ffmpeg command (after ``ffmpeg``'s own options) that renders ``job`` into ``out``.

    ``ass`` is the captions document (``None``: no captions) and ``fonts_dir`` the fonts folder for it."""
    enc = job.encoding
    args = ["-y", "-ss", f"{job.start:.6f}", *input_args(info.path)]
    inputs = 1
    audio = f"0:a:{0}" if info.audio else None
    if audio is None:
        args += ["-f", "lavfi", "-i", f"anullsrc=r={enc.audio_rate}:cl=stereo"]
        audio = f"{inputs}:a"
        inputs += 1
    logo_input = None
    if job.style.logo is not None:
        args += input_args(job.style.logo.file, formats=LOGO_FORMATS)
        logo_input = inputs
    graph = filter_graph(job, info, ass, fonts_dir, logo_input=logo_input)
    args += ["-filter_complex", graph, "-map", "[v]", "-map", audio, "-t", f"{job.duration:.6f}"]
    args += ["-c:v", "libx264", "-profile:v", "high", "-preset", enc.preset, "-crf", str(enc.crf)]
    args += ["-pix_fmt", "yuv420p", "-r", str(enc.fps), "-fps_mode", "cfr"]
    args += ["-c:a", "aac", "-b:a", enc.audio_bitrate, "-ar", str(enc.audio_rate), "-ac", "2"]
    args += ["-af", "apad"] if info.audio else []
    args += ["-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1", "-movflags", "+faststart"]
    return [*args, "-f", "mp4", output_arg(out)]


# --- rendering ----------------------------------------------------------------------------------


def render_clip(job: ClipJob, *, info: Probe | None = None, progress: Progress | None = None) -> RenderResult:
    """Render ``job`` with its engine into ``job.output``, atomically (see the module docstring).

    ``info`` is the source's probe (probed here when ``None``); ``progress(fraction)`` is called with
    0..1 as the render goes. Raises ``MediaError``, ``UsageError`` or ``NotFoundError``."""
    began = time.perf_counter()
    if info is None:
        info = probe(job.source)
    validate_job(job, info)
    output = job.output.absolute()
    output.parent.mkdir(parents=True, exist_ok=True)
    with _temp_output(output) as temp:
        if job.engine == "moviepy":
            _moviepy_encode()(job, info, temp, _fractions(job, progress))
        else:
            _ffmpeg_encode(job, info, temp, progress)
        check_output(temp, job, info=info)
        os.replace(temp, output)
    if progress:
        progress(1.0)
    seconds = time.perf_counter() - began
    return RenderResult(output, job.frames, job.frames / job.encoding.fps, job.engine, seconds, output_size(job, info))


def default_output(source: Path, start: float, end: float) -> Path:
    """``SOURCE-START-END.mp4`` next to the source, times in seconds: ``talk.mov`` 75.5 to 90 ->
    ``talk-75.5-90.mp4`` (made safe by ``names.safe_filename``: ``-take2.mov`` gives ``take2-...``)."""

    def seconds(value: float) -> str:
        return f"{value:.3f}".rstrip("0").rstrip(".")

    name = f"{source.stem}-{seconds(start)}-{seconds(end)}"
    return source.with_name(safe_filename(name, OUTPUT_SUFFIX, fallback="clip"))


def cut_clip(
    ws: Workspace | None,
    source: Path,
    start: float,
    end: float,
    *,
    output: Path | None = None,
    force: bool = False,
    caption: str | None = None,
    srt: Path | None = None,
    frame: str = "crop",
    caption_mode: str = "static",
    logo: bool = True,
    engine: str = "ffmpeg",
    encoding: Encoding | None = None,
    progress: Progress | None = None,
) -> RenderResult:
    """``clip cut``: one clip of ``source`` in the brand kit's style (``ws`` None = the packaged kit).

    ``output`` defaults to ``default_output``; an existing output is a ``ConflictError`` unless ``force``."""
    from .style import clip_style

    if caption is not None and srt is not None:
        raise UsageError("a clip takes either a caption or an SRT file, not both", hint="drop --caption or --srt")
    out = output if output is not None else default_output(source, start, end)
    if out.suffix.lower() != OUTPUT_SUFFIX:
        raise UsageError(f"output {out} is not an .mp4 file", hint=f"give an output name ending in {OUTPUT_SUFFIX}")
    if out.exists() and os.path.realpath(out) == os.path.realpath(source):
        raise UsageError(f"output {out} is the source itself", hint="give another output name with -o")
    if out.exists() and not force:
        raise ConflictError(f"{out} already exists", hint="use --force to replace it, or give another name with -o")
    job = ClipJob(
        source=source,
        start=start,
        end=end,
        output=out,
        caption=caption,
        srt=srt,
        style=clip_style(ws, frame=frame, caption_mode=caption_mode, logo=logo),
        encoding=encoding or Encoding(),
        engine=engine,
    )
    return render_clip(job, progress=progress)


@contextlib.contextmanager
def _temp_output(output: Path) -> Iterator[Path]:
    """A fresh temp file next to ``output`` (``.NAME.XXXX.tmp.mp4``), removed unless it was renamed."""
    try:
        handle, name = tempfile.mkstemp(prefix=f".{output.stem}.", suffix=".tmp.mp4", dir=output.parent)
    except OSError as exc:
        raise MediaError(
            f"cannot write in {output.parent}: {exc.strerror}", hint="check the output folder and its permissions"
        ) from None
    os.close(handle)
    temp = Path(name)
    os.chmod(temp, default_file_mode())  # ffmpeg keeps the mode: the clip must be readable by the team
    try:
        yield temp
    finally:
        temp.unlink(missing_ok=True)


def _fractions(job: ClipJob, progress: Progress | None) -> Progress | None:
    """``progress(seconds of output)`` -> ``progress(fraction of the clip)``."""
    if progress is None:
        return None
    return lambda seconds: progress(min(1.0, max(0.0, seconds / job.duration)))


def _ffmpeg_encode(job: ClipJob, info: Probe, out: Path, progress: Progress | None) -> None:
    size = output_size(job, info)
    cues = clip_cues(job)
    with tempfile.TemporaryDirectory(prefix="contentops-ass-") as folder:
        ass = None
        fonts_dir = None
        if cues:
            ass = Path(folder) / "captions.ass"
            style = caption_style_for(job, size)
            ass.write_text(build_ass(cues, style, *size, mode=job.style.caption_mode), encoding="utf-8")
            fonts_dir = font_dir_for(job.style.captions.font)
        timeout = 60 + RENDER_TIMEOUT_FACTOR * job.duration
        run_ffmpeg(encode_args(job, info, out, ass, fonts_dir), timeout=timeout, progress=_fractions(job, progress))


def _moviepy_encode() -> Callable[[ClipJob, Probe, Path, Progress | None], None]:
    try:
        from .moviepy_engine import encode
    except ModuleNotFoundError as exc:
        if exc.name != "contentops.media.moviepy_engine":
            raise MediaError(
                f"the moviepy engine needs {exc.name}, which is not installed",
                hint="reinstall contentops (pip install .), or use --engine ffmpeg",
            ) from None
        raise MediaError(
            "the moviepy engine is not available in this version of contentops", hint="use --engine ffmpeg"
        ) from None
    return encode
