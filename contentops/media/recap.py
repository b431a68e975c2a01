"""Recaps: cut-list segments rendered alike, an optional title card, joined losslessly, loudness normalised.

``make_recap(rows, output, style=..., encoding=...)`` takes the segments in order, either as the rows of
a cut list (``cutlist.read_cutlist``: ``CutRow`` objects, whose ``frame``, ``caption`` and ``srt`` are
used and whose ``name`` and ``post`` are not) or as plain tuples ``(source, start, end)`` or
``(source, start, end, caption)`` with times in seconds or as timecodes (``"1:15.5"``). Then:

1. every source is probed and every cut checked before anything is rendered (a bad row stops the recap
   at once, and the error names it: ``row 4, column source: ...`` or ``segment 2 (talk.mp4): ...``);
2. each segment is rendered with ``render.render_clip`` and the same ``Encoding`` into a temp folder next
   to the output, so all of them share codec settings, frame size, frame rate, time base and audio
   layout (AAC stereo) and can be joined without re-encoding. ``frame = none`` is refused: it keeps each
   source's own size;
3. with a ``title``, a title card comes first: ``TITLE_SECONDS`` of the brand background colour, the
   title in the brand font (captions style, larger, inside the safe zone), the logo and silent audio,
   rendered by ``render_clip`` too (from a generated plain-colour source), so it matches the segments;
4. the parts are joined by ffmpeg's concat demuxer, the video with ``-c copy`` (not re-encoded) and the
   audio decoded to PCM, which drops each part's AAC priming and padding (copied, they would push the
   sound 21 ms further behind the picture at every join). The list names the parts by their plain file
   names in the temp folder (so the demuxer's safe mode stays on) with their planned lengths;
5. two-pass EBU R128 normalisation with ffmpeg's ``loudnorm``: pass 1 measures the joined audio, pass 2
   applies the measured values (``linear=true``; loudnorm itself falls back to its dynamic mode when a
   linear gain would push the true peak over the limit or the loudness range is over 11 LU) to
   ``loudness`` LUFS integrated and ``true_peak`` dBTP, copying the video stream and re-encoding the
   audio as AAC 48 kHz. A recap without any sound only has its audio encoded;
6. the result is checked (frame size, frame rate, duration = the sum of the parts within a frame, audio
   present) and only then renamed onto ``output``.

On any failure or Ctrl-C the temp folder and everything in it is removed, nothing is written at
``output`` and no ffmpeg process is left running.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConflictError, ContentOpsError, MediaError, NotFoundError, UsageError
from .captions import SafeZone
from .cutlist import CutRow, read_cutlist
from .ffmpeg import input_args, output_arg, run_ffmpeg
from .job import ClipJob, ClipStyle, Encoding
from .probe import Probe, probe
from .render import REFERENCE_SIZE, check_output, render_clip, validate_job
from .style import clip_style
from .timecode import HINT as HINT_TIME
from .timecode import parse_timecode

if TYPE_CHECKING:
    from ..workspace import Workspace

TITLE_SECONDS = 2.0
TITLE_SCALE = 1.4  # the title's size relative to the caption size
LRA_TARGET = 11.0  # loudness range target of the second pass (LU)
PASS_TIMEOUT_FACTOR = 20.0  # seconds of wall time allowed per second of recap, per ffmpeg step (plus a minute)
# Share of the progress bar for each step after rendering, relative to the rendering of the parts.
JOIN_SHARE, MEASURE_SHARE, APPLY_SHARE = 0.02, 0.08, 0.10
_LOUDNORM_JSON = re.compile(r"\[Parsed_loudnorm_\d+ @ [^\]]*\]\s*(\{.*?\})", re.DOTALL)

# progress(fraction of the whole recap 0..1, what is being done now)
RecapProgress = Callable[[float, str], None]
Row = CutRow | Sequence[Any]


@dataclass(frozen=True)
class Segment:
    """One part of a recap, as rendered (``label`` names it in errors: ``row 4`` or ``segment 2 (talk.mp4)``)."""

    label: str
    source: Path
    start: float
    end: float
    caption: str | None = None
    srt: Path | None = None
    frame: str | None = None  # None: the style's frame mode


@dataclass(frozen=True)
class Loudness:
    """One loudnorm measurement: integrated loudness (LUFS), true peak (dBTP), loudness range (LU)."""

    integrated: float
    true_peak: float
    lra: float


@dataclass(frozen=True)
class RecapResult:
    """A finished recap. ``before`` is the joined parts' loudness, ``after`` the output's (as loudnorm
    measured it while normalising); both ``None`` for a recap without sound. ``normalisation`` is
    ``"linear"`` (one gain for the whole recap), ``"dynamic"`` (loudnorm had to compress) or ``"none"``."""

    output: Path
    duration: float  # seconds
    frames: int
    segments: int  # cut-list segments, the title card not counted
    title: bool
    target: float  # LUFS
    true_peak_limit: float  # dBTP
    before: Loudness | None
    after: Loudness | None
    normalisation: str
    seconds: float  # wall time


def make_recap(
    rows: Iterable[Row],
    output: Path | str,
    *,
    style: ClipStyle | None = None,
    encoding: Encoding | None = None,
    title: str | None = None,
    loudness: float = -14.0,
    true_peak: float = -1.5,
    force: bool = False,
    progress: RecapProgress | None = None,
) -> RecapResult:
    """Render ``rows`` into one loudness-normalised recap at ``output`` (see the module docstring).

    ``style`` is the look of every part (``style.clip_style(ws)``; default: the packaged brand kit); a
    row's ``frame`` overrides its frame mode. ``encoding`` defaults to TikTok's 1080x1920 at 30 fps.
    ``progress(fraction, step)`` gets the share of the whole recap done (0..1) and the step's name. An
    existing ``output`` is refused (``ConflictError``) unless ``force``. Raises ``UsageError``,
    ``NotFoundError`` or ``MediaError`` naming the failing row; ``KeyboardInterrupt`` passes through,
    after the cleanup."""
    began = time.perf_counter()
    style = style or clip_style(None)
    encoding = encoding or Encoding()
    output = Path(output).absolute()
    _check_targets(loudness, true_peak)
    segments = [_segment(row, n) for n, row in enumerate(rows, 1)]
    if not segments:
        raise UsageError("the recap has no segments", hint="list at least one cut in the cut list")
    _check_output_path(output, force)
    if title is not None and not title.strip():
        raise UsageError("the title is empty", hint="give the title text, or leave --title out")
    jobs = [(seg, _job(seg, style, encoding, output)) for seg in segments]
    infos = [_checked(seg, job) for seg, job in jobs]
    steps = _Steps(progress, ([TITLE_SECONDS] if title else []) + [job.duration for _, job in jobs])
    with _temp_folder(output) as folder:
        parts: list[tuple[Path, float]] = []  # each rendered part and its length
        if title:
            card = _title_job(title.strip(), style, encoding, folder)
            with steps.step("rendering the title card") as report:
                parts.append(_render(card, None, report, "the title card"))
        for n, ((seg, job), info) in enumerate(zip(jobs, infos, strict=True), 1):
            job = replace(job, output=folder / f"part-{n:04d}.mp4")
            with steps.step(f"rendering {seg.label} ({n}/{len(jobs)})") as report:
                parts.append(_render(job, info, report, seg.label))
        frames = sum(round(seconds * encoding.fps) for _, seconds in parts)
        duration = frames / encoding.fps
        joined = folder / "joined.mov"
        with steps.step("joining", JOIN_SHARE) as report:
            _join(parts, folder / "parts.txt", joined, duration, report)
        with steps.step("measuring loudness", MEASURE_SHARE) as report:
            before = _measure(joined, loudness, true_peak, duration, report)
        final = folder / "recap.mp4"
        with steps.step("normalising loudness", APPLY_SHARE) as report:
            after, mode = _normalise(joined, final, before, loudness, true_peak, encoding, duration, report)
        _quality_check(final, parts[0][0], style, encoding, frames)
        os.replace(final, output)
    return RecapResult(
        output=output,
        duration=duration,
        frames=frames,
        segments=len(segments),
        title=bool(title),
        target=loudness,
        true_peak_limit=true_peak,
        before=None if before is None else Loudness(before["input_i"], before["input_tp"], before["input_lra"]),
        after=after,
        normalisation=mode,
        seconds=time.perf_counter() - began,
    )


def recap_cutlist(
    ws: Workspace | None,
    cutlist: Path | str,
    output: Path | str,
    *,
    title: str | None = None,
    loudness: float = -14.0,
    true_peak: float = -1.5,
    logo: bool = True,
    force: bool = False,
    encoding: Encoding | None = None,
    progress: RecapProgress | None = None,
) -> RecapResult:
    """``clip recap``: the recap of the cut list at ``cutlist`` in ``ws``'s brand style (the packaged kit
    when ``ws`` is None), see ``make_recap``."""
    rows = read_cutlist(cutlist)
    if not rows:
        raise UsageError(f"cut list {cutlist} has no rows", hint="add one row per segment under the header")
    return make_recap(
        rows,
        output,
        style=clip_style(ws, logo=logo),
        encoding=encoding,
        title=title,
        loudness=loudness,
        true_peak=true_peak,
        force=force,
        progress=progress,
    )


def recap_json(result: RecapResult) -> dict[str, Any]:
    """The public JSON form of a recap (stable keys; loudness in LUFS, peaks in dBTP, ranges in LU)."""
    data = asdict(result)
    data["output"] = str(result.output)
    data["duration"] = round(result.duration, 3)
    data["seconds"] = round(result.seconds, 3)
    return data


# --- segments -----------------------------------------------------------------------------------


def _segment(row: Row, n: int) -> Segment:
    """A ``CutRow`` or a ``(source, start, end[, caption])`` tuple as a ``Segment``."""
    if isinstance(row, CutRow):
        if row.errors:
            more = f" (and {len(row.errors) - 1} more problems in this row)" if len(row.errors) > 1 else ""
            raise UsageError(row.errors[0] + more, hint="fix the row in the cut list: a recap needs every row")
        assert row.source is not None and row.start is not None and row.end is not None  # no errors: all read
        return Segment(f"row {row.line}", row.source, row.start, row.end, row.caption, row.srt, row.frame)
    if isinstance(row, str | bytes) or not isinstance(row, Sequence) or len(row) not in (3, 4):
        raise UsageError(
            f"segment {n}: {row!r} is not a cut-list row or a (source, start, end[, caption]) tuple",
            hint="pass the rows of cutlist.read_cutlist, or tuples like ('talk.mp4', '1:15', '1:30')",
        )
    source, start, end = Path(row[0]), _seconds(row[1], n), _seconds(row[2], n)
    caption = row[3] if len(row) == 4 and row[3] else None
    return Segment(f"segment {n} ({source.name})", source, start, end, caption)


def _seconds(value: Any, n: int) -> float:
    """A tuple's time: seconds as a number, or a timecode."""
    try:
        return parse_timecode(value) if isinstance(value, str) else float(value)
    except UsageError as exc:
        raise UsageError(f"segment {n}: {exc.message}", hint=exc.hint) from None
    except (TypeError, ValueError):
        raise UsageError(f"segment {n}: {value!r} is not a time", hint=HINT_TIME) from None


def _job(seg: Segment, style: ClipStyle, encoding: Encoding, output: Path) -> ClipJob:
    frame = seg.frame or style.frame
    if frame == "none":
        raise UsageError(
            f"{seg.label}: frame 'none' keeps the source's own size, and a recap needs one size for every part",
            hint="use frame crop, blur or fit for recap segments",
        )
    return ClipJob(
        source=seg.source,
        start=seg.start,
        end=seg.end,
        output=output,  # replaced by a temp file when rendered
        caption=seg.caption,
        srt=seg.srt,
        style=replace(style, frame=frame),
        encoding=encoding,
    )


def _named(label: str, exc: ContentOpsError) -> ContentOpsError:
    """The same error with ``label`` (the failing row) in front of its message."""
    return type(exc)(f"{label}: {exc.message}", hint=exc.hint)


def _checked(seg: Segment, job: ClipJob) -> Probe:
    """Probe and check one segment before anything is rendered."""
    try:
        info = probe(seg.source)
        validate_job(job, info)
    except ContentOpsError as exc:
        raise _named(seg.label, exc) from None
    return info


def _render(job: ClipJob, info: Probe | None, report: Callable[[float], None], label: str) -> tuple[Path, float]:
    try:
        result = render_clip(job, info=info, progress=report)
        return result.output, result.duration
    except ContentOpsError as exc:
        raise _named(label, exc) from None


def _title_job(title: str, style: ClipStyle, encoding: Encoding, folder: Path) -> ClipJob:
    """The title card as a clip job: a plain source of the brand background colour at the output size,
    captioned with the title (larger than captions, around the middle of the safe zone) and the logo."""
    source = folder / "title-source.mp4"
    colour = style.background.strip().lstrip("#")
    plain = f"color=c=0x{colour}:s={encoding.width}x{encoding.height}:r={encoding.fps}:d={TITLE_SECONDS}"
    args = ["-y", "-f", "lavfi", "-i", plain, "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0"]
    run_ffmpeg([*args, "-pix_fmt", "yuv420p", "-f", "mp4", output_arg(source)], timeout=60)
    captions = style.captions
    zone = captions.safe_zone
    size = round(captions.size * TITLE_SCALE)
    # Captions hang from the safe zone's bottom margin: raise it so a one-line title sits mid-zone.
    height = REFERENCE_SIZE[1]  # brand sizes are given for a 1080x1920 frame
    bottom = max(zone.bottom, height - (zone.top + (height - zone.top - zone.bottom) // 2) - size // 2)
    lifted = SafeZone(top=zone.top, bottom=bottom, left=zone.left, right=zone.right)
    title_captions = replace(captions, size=size, min_size=min(captions.min_size, size), safe_zone=lifted)
    return ClipJob(
        source=source,
        start=0.0,
        end=TITLE_SECONDS,
        output=folder / "part-0000.mp4",
        caption=title,
        style=replace(style, frame="crop", caption_mode="static", captions=title_captions),
        encoding=encoding,
    )


# --- join, loudness, check ----------------------------------------------------------------------


def _concat_lines(part: Path, seconds: float) -> str:
    """A part in a concat list: its plain file name (it sits next to the list), quoted, and its planned
    length, so each part starts exactly where the one before ends (a file's own duration can include
    the AAC padding after its last frame)."""
    return "file '" + part.name.replace("'", "'\\''") + f"'\nduration {seconds:.6f}\n"


def _join(
    parts: list[tuple[Path, float]], listing: Path, out: Path, duration: float, report: Callable[[float], None]
) -> None:
    """Join ``parts`` with the concat demuxer: video streams copied, audio decoded to PCM.

    Copying the AAC audio too would keep each part's encoder priming (1024 samples, 21 ms) that only the
    first part's edit list hides, so the sound would drift behind the picture by 21 ms per part; decoded
    through the demuxer the priming and padding are dropped, and every part's audio starts with its video.
    The audio is encoded once more anyway, by the loudness pass."""
    listing.write_text("ffconcat version 1.0\n" + "".join(_concat_lines(*part) for part in parts), encoding="utf-8")
    args = ["-y", "-f", "concat", *input_args(listing, formats="concat,mov"), "-map", "0:v:0", "-map", "0:a:0"]
    args += ["-c:v", "copy", "-c:a", "pcm_s16le", "-f", "mov", output_arg(out)]
    run_ffmpeg(args, timeout=_timeout(duration), progress=_fraction(report, duration))


def _loudnorm(loudness: float, true_peak: float) -> str:
    return f"loudnorm=I={loudness:g}:TP={true_peak:g}:LRA={LRA_TARGET:g}:print_format=json"


def _loudnorm_report(log: str) -> dict[str, Any]:
    """The JSON block loudnorm prints at the end of a run (values as text: ``"-23.51"``, ``"-inf"``)."""
    found = _LOUDNORM_JSON.findall(log)
    if not found:
        raise MediaError("loudness measurement failed: ffmpeg printed no loudnorm report", hint=_BUG_HINT)
    return json.loads(found[-1])


def _measure(
    joined: Path, loudness: float, true_peak: float, duration: float, report: Callable[[float], None]
) -> dict[str, float] | None:
    """Pass 1: the joined audio's loudness as loudnorm measures it; ``None`` when it is silent."""
    args = [*input_args(joined, formats="mov"), "-map", "0:a:0", "-af", _loudnorm(loudness, true_peak), "-f", "null"]
    result = run_ffmpeg([*args, "-"], timeout=_timeout(duration), progress=_fraction(report, duration))
    values = {key: float(value) for key, value in _loudnorm_report(result.log).items() if key != "normalization_type"}
    if not math.isfinite(values["input_i"]) or values["input_i"] <= -70:  # below the absolute gate: silence
        return None
    return values


def _normalise(
    joined: Path,
    out: Path,
    measured: dict[str, float] | None,
    loudness: float,
    true_peak: float,
    encoding: Encoding,
    duration: float,
    report: Callable[[float], None],
) -> tuple[Loudness | None, str]:
    """Pass 2: apply the measurement (video copied, audio re-encoded as AAC); the output's loudness and
    loudnorm's mode. Without a measurement (no sound) the audio is only encoded."""
    args = ["-y", *input_args(joined, formats="mov"), "-map", "0:v:0", "-map", "0:a:0", "-c:v", "copy"]
    if measured is not None:
        applied = (
            f"{_loudnorm(loudness, true_peak)}:linear=true"
            f":measured_I={_clamp(measured['input_i'], -99, 0):.2f}"
            f":measured_TP={_clamp(measured['input_tp'], -99, 99):.2f}"
            f":measured_LRA={_clamp(measured['input_lra'], 0, 99):.2f}"
            f":measured_thresh={_clamp(measured['input_thresh'], -99, 0):.2f}"
            f":offset={_clamp(measured['target_offset'], -99, 99):.2f}"
        )
        args += ["-af", applied]
    args += ["-c:a", "aac", "-b:a", encoding.audio_bitrate, "-ar", str(encoding.audio_rate)]
    args += ["-movflags", "+faststart", "-f", "mp4", output_arg(out)]
    result = run_ffmpeg(args, timeout=_timeout(duration), progress=_fraction(report, duration))
    if measured is None:
        return None, "none"
    data = _loudnorm_report(result.log)
    after = Loudness(float(data["output_i"]), float(data["output_tp"]), float(data["output_lra"]))
    return after, str(data.get("normalization_type", "linear"))


def _quality_check(final: Path, first: Path, style: ClipStyle, encoding: Encoding, frames: int) -> None:
    """``render.check_output`` on the whole recap, planned as one clip of all the parts' frames."""
    plan = ClipJob(first, 0.0, frames / encoding.fps, final, style=replace(style, frame="crop"), encoding=encoding)
    try:
        check_output(final, plan)
    except MediaError as exc:
        raise MediaError(exc.message.replace("the rendered clip", "the recap", 1), hint=_BUG_HINT) from None


_BUG_HINT = "this is a bug or a damaged part: run again with --debug and report it"


def _clamp(value: float, low: float, high: float) -> float:
    return min(high, max(low, value))


def _timeout(duration: float) -> float:
    return 60 + PASS_TIMEOUT_FACTOR * duration


def _fraction(report: Callable[[float], None], duration: float) -> Callable[[float], None]:
    """``ffmpeg``'s seconds of output -> a 0..1 fraction of ``duration``."""
    return lambda seconds: report(min(1.0, seconds / duration))


def _check_targets(loudness: float, true_peak: float) -> None:
    if not -70 <= loudness <= -5:
        raise UsageError(
            f"loudness target {loudness:g} LUFS is out of range", hint="use -70 to -5 (TikTok: -14, broadcast: -23)"
        )
    if not -9 <= true_peak <= 0:
        raise UsageError(f"true-peak limit {true_peak:g} dBTP is out of range", hint="use -9 to 0 (usual: -1.5)")


def _check_output_path(output: Path, force: bool) -> None:
    if output.suffix.lower() != ".mp4":
        raise UsageError(f"the recap {output.name} must be an .mp4 file", hint="name the output e.g. recap.mp4")
    if not output.parent.is_dir():
        raise NotFoundError(f"folder {output.parent} does not exist", hint="create it, or pick another -o path")
    if output.is_dir():
        raise UsageError(f"{output} is a folder", hint="give the path of the recap file, e.g. recap.mp4")
    if output.exists() and not force:
        raise ConflictError(f"{output} already exists", hint="use --force to replace it, or pick another -o path")


@contextmanager
def _temp_folder(output: Path) -> Iterator[Path]:
    """A hidden work folder next to ``output`` (same file system: the final rename is atomic), always removed."""
    try:
        folder = Path(tempfile.mkdtemp(prefix=f".{output.stem}.", suffix=".recap-tmp", dir=output.parent))
    except OSError as exc:
        raise MediaError(
            f"cannot write in {output.parent}: {exc.strerror}", hint="check the output folder and its permissions"
        ) from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class _Steps:
    """The progress of a whole recap: parts weighted by their length, then join and two loudness passes."""

    def __init__(self, progress: RecapProgress | None, part_seconds: list[float]) -> None:
        self.progress = progress
        self.parts = part_seconds
        self.total = sum(part_seconds) * (1 + JOIN_SHARE + MEASURE_SHARE + APPLY_SHARE)
        self.done = 0.0
        self.index = 0

    @contextmanager
    def step(self, label: str, share: float | None = None) -> Iterator[Callable[[float], None]]:
        """One step; ``share`` of the parts' total length for join and loudness, else the next part's length."""
        if share is None:
            weight = self.parts[self.index]
            self.index += 1
        else:
            weight = share * sum(self.parts)

        def report(fraction: float) -> None:
            if self.progress:
                self.progress(min(1.0, (self.done + weight * fraction) / self.total), label)

        report(0.0)
        yield report
        self.done += weight
        report(0.0)
