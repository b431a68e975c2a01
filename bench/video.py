"""Video benchmark: ``contentops clip cut`` against a hand-written ffmpeg command and a moviepy script.

A 1920x1080 30 fps source (testsrc2 + a sine tone, ``--source-seconds`` long) is generated in a temp
folder. Every case runs as a subprocess; after a warm-up (the source read once, ``contentops --help``
run once) the cases are run ``--runs`` times, round-robin (so drift hits them all alike), and the
medians are compared:

* (a) contentops   ``contentops clip cut SOURCE --start 2 --end 12 --frame crop --caption TEXT`` with
                   the logo (the default engine: one ffmpeg command, plus probe and quality check)
* (b) ffmpeg       the same clip as one hand-written ffmpeg command (``handwritten_ffmpeg``: seek,
                   scale and crop to 9:16, the same ASS captions through libass, the logo overlaid, the
                   same encoding settings), run with the same bundled ffmpeg
* (c) moviepy      a straightforward moviepy script doing the same (``MOVIEPY_SCRIPT``: VideoFileClip,
                   resized and cropped, a TextClip caption, an ImageClip logo, write_videofile)
* (d) batch        ``contentops clip batch`` of 6 clips (5 s each) with ``--jobs 1`` and ``--jobs 2``
                   (skipped with a note when this contentops has no ``clip batch``)

Targets: (a) / (b) <= 1.15 and (c) / (a) >= 4; the batch speed-up is reported.

Run from the repository root (it takes a few minutes: moviepy is slow)::

    .venv/bin/python bench/video.py [--runs 3] [--json-out [PATH]] [--keep]
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import benchlib as bl

CAPTION = "Kia ora Tāmaki Makaurau! Summer sale on now 🎉"
START, END = 2, 12  # the cut, seconds
BATCH_CLIPS, BATCH_SECONDS = 6, 5
TARGETS = {"(a) / (b)": ("<=", 1.15), "(c) / (a)": (">=", 4.0)}
RATIOS = (  # label, numerator, denominator
    ("(a) / (b)", "(a) contentops", "(b) ffmpeg"),
    ("(c) / (a)", "(c) moviepy", "(a) contentops"),
    ("batch --jobs 1 / --jobs 2", "(d) batch --jobs 1", "(d) batch --jobs 2"),
)

# (c): what a person would write with moviepy 2 for the same clip. Filled in with str.format.
MOVIEPY_SCRIPT = '''\
"""(c) of bench/video.py: a straightforward moviepy script for the clip (generated; do not edit)."""

from moviepy import CompositeVideoClip, ImageClip, TextClip, VideoFileClip

video = VideoFileClip({source!r}).subclipped({start}, {end})
video = video.resized(height=1920)
video = video.cropped(x_center=video.w / 2, width=1080, height=1920)
caption = TextClip(
    font={font!r},
    text={caption!r},
    font_size=53,  # the ASS size 80 in Pillow's em units
    color="white",
    stroke_color="black",
    stroke_width=5,
    method="caption",
    size=(770, None),
    margin=(10, 20),  # without it the outline and the last line's descenders are cut off
    text_align="center",
    duration={seconds},
)
caption = caption.with_position(("center", 1920 - 485 - caption.h))
logo = ImageClip({logo!r}).resized(width=194).with_duration({seconds}).with_position((1080 - 194 - 40, 40))
clip = CompositeVideoClip([video, caption, logo])
clip.write_videofile(
    {output!r},
    fps=30,
    codec="libx264",
    audio_codec="aac",
    audio_fps=48000,
    audio_bitrate="160k",
    preset="veryfast",
    ffmpeg_params=["-crf", "20", "-pix_fmt", "yuv420p", "-profile:v", "high", "-movflags", "+faststart"],
    logger=None,
)
clip.close()
video.close()
'''


def handwritten_ffmpeg(ffmpeg: str, source: str, logo: str, output: str) -> list[str]:
    """(b): the clip as one ffmpeg command, as a person would write it. Runs in the temp folder, which
    holds ``caption.ass`` (the ASS contentops makes for the caption) and ``fonts/`` (its fonts)."""
    graph = (
        "[0:v]scale=1080:1920:force_original_aspect_ratio=increase,crop=1080:1920,"
        "subtitles=filename=caption.ass:fontsdir=fonts[captioned];"
        "[1:v]scale=194:194[logo];"
        "[captioned][logo]overlay=W-w-40:40,format=yuv420p[v]"
    )
    return [
        ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-y",
        "-ss", str(START), "-i", source, "-i", logo,
        "-filter_complex", graph, "-map", "[v]", "-map", "0:a", "-t", str(END - START),
        "-c:v", "libx264", "-profile:v", "high", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p",
        "-r", "30", "-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2", "-movflags", "+faststart",
        output,
    ]  # fmt: skip


# -- the generated data ----------------------------------------------------------------------
def prepare(folder: Path, logo: Path) -> None:
    """What (b) and (c) are given ready-made, as contentops has them: ``caption.ass`` and ``fonts/`` (the
    ASS document and fonts contentops uses for the caption), and ``logo.png`` as RGBA (moviepy's ImageClip
    ignores the transparency of the packaged palette PNG and would draw a black square)."""
    from PIL import Image

    from contentops.media.captions import Cue, build_ass
    from contentops.media.fonts import font_dir_for
    from contentops.media.style import clip_style

    captions = clip_style(None).captions
    doc = build_ass([Cue(0, END - START, CAPTION)], captions, 1080, 1920)
    (folder / "caption.ass").write_text(doc, encoding="utf-8")
    (folder / "fonts").symlink_to(font_dir_for(captions.font), target_is_directory=True)
    with Image.open(logo) as image:
        image.convert("RGBA").save(folder / "logo.png")


def write_cutlist(path: Path, source: Path) -> None:
    rows = ["source,start,end,name,caption,srt,frame,post"]
    for i in range(BATCH_CLIPS):
        start = 2 * i
        rows.append(f"{source.name},{start},{start + BATCH_SECONDS},clip{i + 1},Clip {i + 1} of the launch,,crop,")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")


# -- the checks ------------------------------------------------------------------------------
def has_batch(co: list[str], env: dict[str, str], cwd: Path) -> bool:
    proc = subprocess.run([*co, "clip", "batch", "--help"], env=env, cwd=cwd, capture_output=True, check=False)
    return proc.returncode == 0


def describe(path: Path) -> str:
    """``1080x1920, 10.00 s, audio`` for an output file (checks that every case made the same clip)."""
    from contentops.media.probe import probe

    info = probe(path)
    return f"{info.display_width}x{info.display_height}, {info.duration:.2f} s, {'audio' if info.audio else 'NO AUDIO'}"


def main(argv: list[str] | None = None) -> int:
    parser = bl.bench_parser(__doc__, "video", 3, "keep the temp folder (source, outputs) and print its path")
    parser.add_argument("--source-seconds", type=int, default=15, help="length of the generated source (default 15)")
    args = bl.parse_args(parser, argv)
    shortest = max(END, 2 * (BATCH_CLIPS - 1) + BATCH_SECONDS)
    if args.source_seconds < shortest:
        parser.error(f"--source-seconds must be at least {shortest}")
    from contentops.media.ffmpeg import ffmpeg_exe
    from contentops.media.fonts import default_font
    from contentops.media.style import clip_style

    ffmpeg = ffmpeg_exe()
    with bl.work_folder("video", args.keep) as tmp:
        source = tmp / "source.mp4"
        t0 = time.perf_counter()
        bl.make_test_video(ffmpeg, source, "1920x1080", args.source_seconds, crf=18, tone=True)
        make_s = time.perf_counter() - t0
        logo = clip_style(None).logo
        assert logo is not None
        prepare(tmp, logo.file)
        script = tmp / "moviepy_clip.py"
        script.write_text(
            MOVIEPY_SCRIPT.format(
                source=str(source),
                start=START,
                end=END,
                seconds=END - START,
                font=str(default_font()),
                caption=CAPTION,
                logo=str(tmp / "logo.png"),
                output=str(tmp / "c.mp4"),
            ),
            encoding="utf-8",
        )
        write_cutlist(tmp / "cuts.csv", source)
        env = bl.bench_env()  # no workspace: the packaged brand kit, as in the other two cases

        co = bl.contentops_cmd()
        cut = [*co, "clip", "cut", str(source), "--start", str(START), "--end", str(END), "--frame", "crop"]
        cases = [
            bl.Case("(a) contentops", [*cut, "--caption", CAPTION, "-o", str(tmp / "a.mp4"), "--force"]),
            bl.Case("(b) ffmpeg", handwritten_ffmpeg(ffmpeg, str(source), str(logo.file), str(tmp / "b.mp4"))),
            bl.Case("(c) moviepy", [sys.executable, str(script)]),
        ]
        batch_note = f"{BATCH_CLIPS} clips of {BATCH_SECONDS} s from cuts.csv, --force"
        if has_batch(co, env, tmp):
            for jobs in (1, 2):
                batch = [*co, "clip", "batch", "cuts.csv", "-o", str(tmp / f"batch{jobs}"), "-j", str(jobs), "--force"]
                cases.append(bl.Case(f"(d) batch --jobs {jobs}", batch))
        else:
            batch_note = "skipped: this contentops has no `clip batch` command"

        # The warm-up (not a round of the cases: they take minutes): the source in the page cache,
        # contentops' .pyc files written.
        source.read_bytes()
        bl.run_once([*co, "--help"], env, tmp)
        times = bl.measure(cases, args.runs, env, tmp, warm_up=False)
        rows = bl.summarise(times, "s")
        ratio_rows = bl.ratios(times, RATIOS, TARGETS)

        bl.print_header(
            [
                ("ffmpeg", ffmpeg),
                ("source", f"1920x1080 30 fps, {args.source_seconds} s, made in {make_s:.1f} s; cut {START}-{END} s"),
                *((f"output {name}", describe(tmp / f"{name}.mp4")) for name in ("a", "b", "c")),
                ("batch", batch_note),
            ],
            f"{args.runs} per case, round-robin, after a warm-up",
        )
        bl.print_table(rows, bl.timing_columns("case", "s"))
        bl.print_ratios(ratio_rows)

        report = {
            "source": {"size": "1920x1080", "fps": 30, "seconds": args.source_seconds},
            "cut": [START, END],
            "caption": CAPTION,
            "batch": batch_note,
            "results": rows,
            "ratios": ratio_rows,
        }
        return bl.finish(args, "video", cases, times, "s", report, verdict=ratio_rows, kept=f"kept: {tmp}")


if __name__ == "__main__":
    sys.exit(main())
