"""The moviepy engine (``--engine moviepy``): the same clip job as the ffmpeg command, composed in moviepy.

``render.render_clip`` validates the job, calls ``encode(job, info, out, progress)`` to write the temp
file ``out``, checks it and renames it, exactly as for the ffmpeg engine. ``encode`` rebuilds the ffmpeg
engine's picture (``render.filter_graph``) with moviepy 2 clips, using ``render``'s own plan (output size,
caption style and cues, logo box) and computing sizes and offsets the way ffmpeg's filters round them, so
the two engines give the same frame to within scaling and colour-conversion noise:

- reading: ``VideoFileClip(target_resolution=...)`` has moviepy's ffmpeg reader scale while decoding
  (``crop`` reads the cover size and crops the centre, ``fit`` and ``blur`` read the fitted size). The
  explicit size also keeps rotated phone video upright and undistorted: ffmpeg rotates the frames when
  decoding, but moviepy 2.2 does not recognise ffmpeg 7+'s "Display Matrix" side data, so without it the
  upright frames would be squeezed back into the stored width and height.
- variable frame rate: moviepy takes frame ``n`` as the picture at ``n / fps``, so a VFR source's range is
  first converted to constant rate (one ffmpeg run into a lossless temp file), as the ffmpeg engine's
  ``fps`` filter does; audio stays in sync.
- ``fit`` lays the picture on a ``ColorClip`` of the brand background colour; ``blur`` on a copy of itself
  shrunk to 1/``BLUR_DOWNSCALE``, blurred and scaled back up (Pillow, per frame).
- captions: moviepy cannot render ASS, so each event ``captions.build_ass`` would write (one per cue, or one
  per word for ``words``) is drawn with Pillow (``caption_images``): the same fonts and fallbacks, size
  (shrunk to fit like ``build_ass``), colours, outline, libass's line wrapping inside the safe zone,
  bottom-centre; each becomes an ``ImageClip`` shown for its time.
- the logo is an ``ImageClip`` fitted into ``render.logo_box`` in its corner.
- the composite's first layer is opaque and frame-sized, so the output has no alpha; audio is the source's
  (stereo, padded with silence if it ends early) or silence, written as AAC through a temp audio file
  unique to this job next to ``out``; exactly ``job.frames`` frames are written.

Every clip is closed (and every temp file removed) whatever happens, so no ffmpeg process is left behind.
moviepy, numpy and Pillow are imported inside the functions.
"""

from __future__ import annotations

import itertools
import math
import os
import struct
import tempfile
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import MediaError
from .captions import (
    CaptionStyle,
    Cue,
    Token,
    ass_colour,
    check_cues,
    fit_tokens,
    split_lines,
    split_words,
    text_width,
    tokenize,
    word_times,
)
from .ffmpeg import input_args, output_arg, run_ffmpeg
from .fonts import ass_em_ratio, load_font, sfnt_tables
from .job import ClipJob
from .probe import Probe
from .render import BLUR_DOWNSCALE, caption_style_for, clip_cues, logo_box, output_size

if TYPE_CHECKING:
    from PIL.Image import Image

Progress = Callable[[float], None]  # seconds of output written so far


@dataclass(frozen=True)
class CaptionImage:
    """One caption event drawn on a transparent image, placed at ``x``, ``y`` from ``start`` to ``end``."""

    start: float
    end: float
    x: int
    y: int
    image: Image  # RGBA, cropped to what was drawn


def encode(job: ClipJob, info: Probe, out: Path, progress: Progress | None = None) -> None:
    """Render ``job`` from the source ``info`` into ``out`` (an MP4) with moviepy; see the module docstring.

    ``progress(seconds)`` is called with the seconds of video written so far. Raises ``MediaError``."""
    import numpy as np
    from moviepy import AudioFileClip, CompositeVideoClip, ImageClip, VideoFileClip

    size = output_size(job, info)
    fps = job.encoding.fps
    duration = _exact_duration(job.frames, fps)
    cues = clip_cues(job)
    captions = caption_images(cues, caption_style_for(job, size), size, job.style.caption_mode) if cues else []
    logo = _logo_image(job, size) if job.style.logo is not None else None
    clips: list[Any] = []  # every clip made, closed in the finally block
    temps: list[Path] = []

    def keep(clip: Any) -> Any:
        clips.append(clip)
        return clip

    try:
        source, start = info.path, job.start
        if info.vfr:
            source, start = _constant_rate_copy(job, info, _temp_next_to(out, ".cfr.mkv", temps)), 0.0
        read = _read_size(job, info, size)
        video = keep(VideoFileClip(str(source), audio=False, target_resolution=read))
        picture = keep(video.subclipped(start, min(start + duration, video.duration)))
        layers = _frame_layers(job, picture, read, size, duration, keep)
        for caption in captions:
            layer = keep(ImageClip(np.asarray(caption.image), duration=caption.end - caption.start))
            layer = keep(layer.with_start(caption.start))
            layers.append(keep(layer.with_position((caption.x, caption.y))))
        if logo is not None:
            image, x, y = logo
            layer = keep(ImageClip(np.asarray(image), duration=duration))
            layers.append(keep(layer.with_position((x, y))))
        heard = keep(AudioFileClip(str(source), fps=job.encoding.audio_rate)) if info.audio else None
        audio = keep(_stereo(heard, start, duration, job.encoding.audio_rate))
        # use_bgclip: the first layer is frame-sized and opaque, so the composite has no mask (no alpha).
        composite = keep(CompositeVideoClip(layers, size=size, use_bgclip=True)) if len(layers) > 1 else layers[0]
        final = keep(keep(composite.with_duration(duration)).with_audio(audio))
        enc = job.encoding
        params = ["-crf", str(enc.crf), "-pix_fmt", "yuv420p", "-profile:v", "high", "-movflags", "+faststart"]
        with warnings.catch_warnings():
            # moviepy warns and repeats the last frame when the video stream ends just before the cut does
            # (the ffmpeg engine holds the last frame too)
            warnings.filterwarnings("ignore", message=r".*bytes wanted but", category=UserWarning)
            final.write_videofile(
                str(out),
                fps=fps,
                codec="libx264",
                audio_codec="aac",
                audio_fps=enc.audio_rate,
                audio_bitrate=enc.audio_bitrate,
                preset=enc.preset,
                ffmpeg_params=params,
                temp_audiofile=str(_temp_next_to(out, ".audio.m4a", temps)),
                logger=_progress_logger(progress, fps),
            )
    except OSError as exc:  # moviepy's reader and writer report ffmpeg failures as OSError with ffmpeg's log
        detail = next((line.strip() for line in reversed(str(exc).splitlines()) if line.strip()), "no reason given")
        raise MediaError(
            f"the moviepy engine failed: {detail}",
            hint="check the source plays in a video player and the output folder is writable, or use --engine ffmpeg",
        ) from None
    finally:
        for clip in reversed(clips):
            clip.close()
        for path in temps:
            path.unlink(missing_ok=True)


def _exact_duration(frames: int, fps: int) -> float:
    """``frames / fps``, nudged up where floating point would make moviepy's ``int(duration * fps)`` one short."""
    duration = frames / fps
    while int(duration * fps) < frames:
        duration = math.nextafter(duration, math.inf)
    return duration


def _temp_next_to(out: Path, suffix: str, temps: list[Path]) -> Path:
    """A new empty file next to ``out`` whose name no other job can have (``mkstemp``), removed at the end."""
    handle, name = tempfile.mkstemp(prefix=f".{out.name.removesuffix('.tmp.mp4')}.", suffix=suffix, dir=out.parent)
    os.close(handle)
    temps.append(Path(name))
    return temps[-1]


def _constant_rate_copy(job: ClipJob, info: Probe, path: Path) -> Path:
    """The cut's range of a variable-frame-rate source at the output's constant rate, losslessly, in ``path``
    (the ffmpeg engine's ``fps`` filter, applied ahead so moviepy reads evenly spaced frames)."""
    fps = job.encoding.fps
    args = [
        "-y", "-ss", f"{job.start:.6f}", *input_args(info.path), "-t", f"{job.duration + 1 / fps:.6f}",
        "-map", f"0:{info.video_index}", "-map", "0:a:0?", "-vf", f"fps={fps}:start_time=0",
        "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-c:a", "pcm_s16le", "-sn", "-dn",
        "-f", "matroska", output_arg(path),
    ]  # fmt: skip
    run_ffmpeg(args, timeout=60 + 10 * job.duration)
    return path


# --- geometry: the sizes and offsets ffmpeg's filters compute -----------------------------------------


def _rescale(a: int, b: int, c: int) -> int:
    """ffmpeg's ``av_rescale``: ``a * b / c`` rounded to the nearest integer (halves away from zero)."""
    return (a * b + c // 2) // c


def scaled_size(
    source: tuple[int, int], box: tuple[int, int], *, cover: bool, divisible_by: int = 1
) -> tuple[int, int]:
    """The size ffmpeg's ``scale=W:H:force_original_aspect_ratio=increase|decrease[:force_divisible_by=N]``
    gives a ``source`` frame for the ``box`` (``cover`` = increase: fill the box; otherwise fit inside it)."""
    (sw, sh), (w, h), n = source, box, divisible_by
    tmp_w, tmp_h = _rescale(h, sw, sh * n) * n, _rescale(w, sh, sw * n) * n
    if cover:
        w, h = max(w, tmp_w), max(h, tmp_h)
        return (w + n - 1) // n * n, (h + n - 1) // n * n
    w, h = min(w, tmp_w), min(h, tmp_h)
    return w // n * n, h // n * n


def _even(value: float) -> int:
    """An offset as ffmpeg's ``pad`` and ``overlay`` place it on a 4:2:0 frame: truncated, then down to even."""
    return int(value) & ~1


def _crop_offset(value: float) -> int:
    """An offset as ffmpeg's ``crop`` places it on a 4:2:0 frame: rounded (``lrint``: halves to even),
    then down to even."""
    return round(value) & ~1


def _read_size(job: ClipJob, info: Probe, size: tuple[int, int]) -> tuple[int, int]:
    """The size moviepy's reader scales the upright picture to: covering the frame (``crop``), fitted in it
    (``fit``, ``blur``: even, like the ffmpeg engine's ``force_divisible_by=2``) or the display size (``none``)."""
    display = (info.display_width, info.display_height)
    if job.style.frame == "none":
        return display
    cover = job.style.frame == "crop"
    return scaled_size(display, size, cover=cover, divisible_by=1 if cover else 2)


def _frame_layers(
    job: ClipJob, picture: Any, read: tuple[int, int], size: tuple[int, int], duration: float, keep: Callable
) -> list[Any]:
    """The picture (read at ``read`` size) framed at the output size, as composite layers, the first one
    opaque and frame-sized."""
    from moviepy import ColorClip

    w, h = size
    if job.style.frame in ("crop", "none"):
        x, y = _crop_offset((read[0] - w) / 2), _crop_offset((read[1] - h) / 2)
        return [keep(picture.cropped(x1=x, y1=y, width=w, height=h))]
    if job.style.frame == "fit":
        background = keep(ColorClip(size, color=_rgb(job.style.background), duration=duration))
    else:
        background = keep(picture.image_transform(_blurred_fill(size)))
    return [background, keep(picture.with_position((_even((w - read[0]) / 2), _even((h - read[1]) / 2))))]


def _blurred_fill(size: tuple[int, int]) -> Callable[[Any], Any]:
    """Per frame: the picture covering a 1/``BLUR_DOWNSCALE`` frame, Gaussian-blurred, scaled up to ``size``
    (the ffmpeg engine's ``scale,crop,gblur,scale`` chain)."""
    import numpy as np
    from PIL import Image, ImageFilter

    w, h = size
    small = max(2, w // BLUR_DOWNSCALE // 2 * 2), max(2, h // BLUR_DOWNSCALE // 2 * 2)
    sigma = max(1, small[0] // 20)

    def fill(frame: Any) -> Any:
        image = Image.fromarray(frame)
        cover = scaled_size(image.size, small, cover=True)
        image = image.resize(cover, Image.Resampling.BICUBIC)
        x, y = _crop_offset((cover[0] - small[0]) / 2), _crop_offset((cover[1] - small[1]) / 2)
        image = image.crop((x, y, x + small[0], y + small[1])).filter(ImageFilter.GaussianBlur(sigma))
        return np.asarray(image.resize(size, Image.Resampling.BICUBIC))

    return fill


def _rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` -> (r, g, b); a bad colour is the same ``UsageError`` as in the ASS captions."""
    bgr = ass_colour(colour)[4:]  # "&H00BBGGRR" -> "BBGGRR"
    return int(bgr[4:6], 16), int(bgr[2:4], 16), int(bgr[0:2], 16)


def _logo_image(job: ClipJob, size: tuple[int, int]) -> tuple[Image, int, int]:
    """The logo scaled into its box (``render.logo_box``) and its top-left corner on the frame."""
    from PIL import Image, UnidentifiedImageError

    logo = job.style.logo
    assert logo is not None
    zone = caption_style_for(job, size).safe_zone
    box_w, box_h, margin = logo_box(logo, size, zone.top, zone.bottom)
    try:
        with Image.open(logo.file) as opened:
            image = opened.convert("RGBA")
    except (OSError, UnidentifiedImageError) as exc:
        raise MediaError(f"cannot read the logo {logo.file}: {exc}", hint="use a PNG image as the logo") from None
    image = image.resize(scaled_size(image.size, (box_w, box_h), cover=False), Image.Resampling.BICUBIC)
    x = size[0] - image.width - margin if logo.corner.endswith("right") else margin
    y = size[1] - image.height - margin if logo.corner.startswith("bottom") else margin
    return image, _even(x), _even(y)


def _stereo(source: Any, start: float, duration: float, rate: int) -> Any:
    """Stereo audio for the clip from ``source`` (an ``AudioFileClip``, or None: silence) from ``start`` on,
    padded with silence where it ends early (the ffmpeg engine's ``-ac 2``, ``apad`` and ``anullsrc``)."""
    import numpy as np
    from moviepy import AudioClip

    limit = source.duration if source is not None else 0.0

    def frames(t: Any) -> Any:
        times = np.atleast_1d(np.asarray(t, dtype=float)) + start
        result = np.zeros((times.size, 2))
        inside = times < limit
        if inside.any():
            got = np.asarray(source.get_frame(times[inside])).reshape(int(inside.sum()), -1)
            result[inside] = got[:, :2] if got.shape[1] >= 2 else np.repeat(got, 2, axis=1)
        return result if np.ndim(t) else result[0]

    return AudioClip(frames, duration=duration, fps=rate)


def _progress_logger(progress: Progress | None, fps: int) -> Any:
    """A proglog logger that forwards moviepy's frame counter as seconds written (or None: silent)."""
    if progress is None:
        return None
    from proglog import ProgressBarLogger

    class Forward(ProgressBarLogger):  # type: ignore[misc]
        def bars_callback(self, bar: str, attr: str, value: Any, old_value: Any = None) -> None:
            if bar == "frame_index" and attr == "index" and value >= 0:
                progress(value / fps)

    return Forward(logged_bars=False)


# --- captions drawn with Pillow -----------------------------------------------------------------------


def caption_images(
    cues: Sequence[Cue], style: CaptionStyle, size: tuple[int, int], mode: str = "static"
) -> list[CaptionImage]:
    """The events ``captions.build_ass(cues, style, *size, mode=mode)`` describes, drawn as libass would."""
    check_cues(cues)
    width, height = size
    zone, pad = style.safe_zone, style.outline
    left, right, bottom = zone.left + pad, width - zone.right - pad, height - zone.bottom - pad
    images = []
    for cue in cues:
        tokens = tokenize(cue.text, style.fonts)
        px = fit_tokens(tokens, style, width, height)
        lines = _wrap(tokens, style.fonts, px, right - left)
        if mode == "static":
            spans: list[tuple[int | None, float, float]] = [(None, cue.start, cue.end)]
        else:
            spans = [(w, a, b) for w, a, b in word_times(tokens, cue.start, cue.end) if b > a]
        for lit, a, b in spans:
            image, x, y = _draw(lines, style, px, lit, (left + right) / 2, bottom, width)
            images.append(CaptionImage(a, b, x, y, image))
    return images


_SPACE = Token(" ", " ", 0, None)


def _wrap(tokens: Sequence[Token], fonts: Sequence[Path], px: int, room: float) -> list[list[Token]]:
    """Lines as libass's smart wrapping (``WrapStyle: 0``) makes them: forced breaks kept, words placed
    until a line would reach ``room``, then a line's last word moved down while that evens out the two."""
    space = text_width([_SPACE], fonts, px)
    result: list[list[Token]] = []
    for forced in split_lines(tokens):
        words = split_words(forced)
        widths = [text_width(word, fonts, px) for word in words]
        for a, b in itertools.pairwise(_balanced(_greedy(widths, space, room), widths, space, room)):
            line: list[Token] = []
            for word in words[a:b]:
                line += [_SPACE, *word] if line else word
            result.append(line)
    return result


def _greedy(widths: Sequence[float], space: float, room: float) -> list[int]:
    """Line bounds (word indexes, first 0, last ``len(widths)``) filling each line until it reaches ``room``."""
    bounds = [0]
    used = None
    for i, width in enumerate(widths):
        if used is not None and used + space + width >= room:
            bounds.append(i)
            used = width
        else:
            used = width if used is None else used + space + width
    return [*bounds, len(widths)]


def _balanced(bounds: list[int], widths: Sequence[float], space: float, room: float) -> list[int]:
    """libass's rebalancing: move a line's last word to the next line while that makes the two more even."""

    def span(a: int, b: int) -> float:
        return sum(widths[a:b]) + space * max(0, b - a - 1)

    moved = True
    while moved:
        moved = False
        for k in range(1, len(bounds) - 1):
            a, b, c = bounds[k - 1], bounds[k], bounds[k + 1]
            if b - a < 2:
                continue
            if abs(span(a, b - 1) - span(b - 1, c)) < abs(span(a, b) - span(b, c)) and span(b - 1, c) < room:
                bounds[k] = b - 1
                moved = True
    return bounds


def _draw(
    lines: Sequence[Sequence[Token]],
    style: CaptionStyle,
    px: int,
    lit: int | None,
    centre: float,
    bottom: int,
    width: int,
) -> tuple[Image, int, int]:
    """Draw ``lines`` centred on ``centre``, the last line's box ending at ``bottom``; word ``lit`` highlighted.
    Returns the image cropped to its ink and its top-left position on the frame."""
    from PIL import Image, ImageDraw

    fonts = style.fonts
    # libass stacks lines by the tallest ascent and the deepest descent of the fonts each line uses
    extents = []
    for line in lines:
        shares = [_ascent(fonts[font]) for font in {token.font for token in line}]
        extents.append((max(shares) * px, (1 - min(shares)) * px))
    height = round(sum(a + d for a, d in extents))
    outline = style.outline
    margin = outline + 2
    top = bottom - height
    canvas = Image.new("RGBA", (width, height + 2 * margin), (0, 0, 0, 0))
    draw = ImageDraw.Draw(canvas)
    fill, highlight, stroke = (_rgb(c) for c in (style.colour, style.highlight, style.outline_colour))
    runs = []  # (x, baseline, text, font, colour), in drawing order
    baseline = float(margin)
    for line, (ascent, descent) in zip(lines, extents, strict=True):
        x = centre - text_width(line, fonts, px) / 2
        baseline += ascent
        for index, text, lit_run in _runs(line, lit):
            path = fonts[index]
            font = load_font(path, px * ass_em_ratio(path))
            runs.append((x, baseline, text, font, highlight if lit_run else fill))
            x += font.getlength(text)
        baseline += descent
    if outline > 0:  # the outlines first, so no outline covers a neighbour's fill
        for x, y, text, font, _ in runs:
            draw.text((x, y), text, font=font, fill=stroke, anchor="ls", stroke_width=outline, stroke_fill=stroke)
    for x, y, text, font, colour in runs:
        draw.text((x, y), text, font=font, fill=colour, anchor="ls")
    box = canvas.getbbox() or (0, 0, 1, 1)
    return canvas.crop(box), box[0], top - margin + box[1]


@lru_cache(maxsize=32)
def _ascent(path: Path) -> float:
    """The share of the ASS font size above the baseline, as libass measures it: ``usWinAscent`` over
    ``usWinAscent + usWinDescent`` (the font's ascender and descender when it has no OS/2 table)."""
    data = path.read_bytes()
    try:
        os2 = sfnt_tables(data)[b"OS/2"]
        win_ascent, win_descent = struct.unpack(">HH", data[os2 + 74 : os2 + 78])
        return win_ascent / (win_ascent + win_descent)
    except (KeyError, struct.error, ZeroDivisionError):
        ascent, descent = load_font(path, 1000).getmetrics()
        return ascent / (ascent + descent)


def _runs(line: Sequence[Token], lit: int | None) -> list[tuple[int, str, bool]]:
    """``line`` as runs of one font and one colour: (font index, text, highlighted). Spaces join the run
    they follow when its font is the caption font (a space is measured in the caption font)."""
    runs: list[tuple[int, str, bool]] = []
    for token in line:
        on = token.word is not None and token.word == lit
        if runs and runs[-1][0] == token.font and (token.word is None or runs[-1][2] == on):
            runs[-1] = (token.font, runs[-1][1] + token.char, runs[-1][2])
        else:
            runs.append((token.font, token.char, on))
    return runs
