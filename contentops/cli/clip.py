"""``contentops clip ...``: 9:16 clips from recordings. Clip commands need no workspace.

Only typer is imported here at module level; ffmpeg and Rich are reached inside the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import JsonOpt, LogoOpt, console, esc, optional_workspace, print_json, progress_bar

if TYPE_CHECKING:
    from rich.progress import TaskID

    from ..media.batch import BatchReport
    from ..media.job import Encoding
    from ..media.probe import Probe
    from ..media.render import RenderResult

app = typer.Typer(no_args_is_help=True, add_completion=False)

# Options shared by cut and batch.
CaptionStyleOpt = Annotated[str, typer.Option("--caption-style", help="static, or words: highlight word by word.")]
EngineOpt = Annotated[str, typer.Option("--engine", help="ffmpeg (fast) or moviepy (reference).")]
CrfOpt = Annotated[int | None, typer.Option("--crf", help="x264 quality, 0-51, lower is better (default 20).")]
PresetOpt = Annotated[str | None, typer.Option("--preset", help="x264 preset, ultrafast..veryslow (default veryfast).")]


@app.callback()
def clip() -> None:
    """Cut 9:16 clips and recaps from recordings. Clip commands need no workspace."""


def _size_text(size: int) -> str:
    from ..fsutil import size_text

    return size_text(size) if size < 1024 else f"{size_text(size)} [dim]({size:,} bytes)[/]"


def _show(info: Probe) -> None:
    from rich.table import Table

    from ..media.timecode import format_timecode

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("File", esc(info.path))
    t.add_row("Format", f"{esc(info.format)}, {_size_text(info.file_size)}")
    t.add_row("Duration", f"{format_timecode(info.duration)}  [dim]({info.duration:g} s)[/]")
    shown = f"{info.display_width}x{info.display_height}"
    if info.rotation:
        shown += f" [dim](stored {info.width}x{info.height})[/]"
    t.add_row("Size", shown)
    t.add_row("Rotation", f"{info.rotation}° clockwise" if info.rotation else "none")
    t.add_row("Frame rate", f"{info.fps:g} fps" + (" [yellow](variable)[/]" if info.vfr else ""))
    t.add_row("Video", f"{esc(info.video_codec)}" + (f", {esc(info.pix_fmt)}" if info.pix_fmt else ""))
    if not info.audio:
        t.add_row("Audio", "[dim]none[/]")
    for number, stream in enumerate(info.audio, 1):
        facts = [stream.codec]
        if stream.sample_rate:
            facts.append(f"{stream.sample_rate} Hz")
        if stream.channels:
            facts.append({1: "mono", 2: "stereo"}.get(stream.channels, f"{stream.channels} channels"))
        t.add_row(f"Audio {number}" if len(info.audio) > 1 else "Audio", esc(", ".join(facts)))
    console().print(t)


@app.command("probe")
def probe(
    file: Annotated[str, typer.Argument(help="The video file.", show_default=False)],
    json_: JsonOpt = False,
) -> None:
    """Show what a video is: duration, size, rotation, frame rate, audio.

    Refuses, with the reason, anything that is not a playable video: a
    missing, empty, truncated or damaged file, a folder, or a playlist or
    concat list renamed to .mp4. Needs no workspace. Put -- before a file
    name that starts with -, e.g. contentops clip probe -- -take2.mp4

    Example: contentops clip probe ~/Movies/launch-day.mov
    """
    from ..media.probe import probe as probe_file
    from ..media.probe import probe_json

    info = probe_file(file)
    if json_:
        print_json(probe_json(info))
    else:
        _show(info)


def _encoding(crf: int | None, preset: str | None) -> Encoding:
    """The default encoding with the --crf/--preset given."""
    from dataclasses import replace

    from ..media.job import Encoding

    default = Encoding()
    return replace(default, crf=default.crf if crf is None else crf, preset=preset or default.preset)


def _show_clip(result: RenderResult) -> None:
    from rich.table import Table

    from ..media.timecode import format_timecode

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Output", esc(result.output))
    t.add_row("File", _size_text(result.output.stat().st_size))
    t.add_row("Duration", f"{format_timecode(result.duration, 3)}  [dim]({result.frames} frames)[/]")
    t.add_row(
        "Video", f"{result.size[0]}x{result.size[1]}, {result.frames / result.duration:g} fps, H.264 High yuv420p"
    )
    t.add_row("Audio", "AAC stereo")
    t.add_row("Engine", f"{esc(result.engine)} [dim]({result.seconds:.1f} s)[/]")
    console().print(t)


@app.command("cut")
def cut(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="The source video.", show_default=False)],
    start: Annotated[str, typer.Option("--start", help="Start: seconds, MM:SS.s or HH:MM:SS.s.", show_default=False)],
    end: Annotated[str, typer.Option("--end", help="End (same forms as --start).", show_default=False)],
    output: Annotated[
        str | None,
        typer.Option("--output", "-o", help="Output .mp4 (default: SOURCE-START-END.mp4 next to the source)."),
    ] = None,
    frame: Annotated[
        str,
        typer.Option(
            "--frame",
            help="crop: fill 9:16, centre-cropped; blur: the whole picture over a blurred copy; "
            "fit: the whole picture on the brand background; none: keep the source frame.",
        ),
    ] = "crop",
    caption: Annotated[str | None, typer.Option("--caption", help="One caption for the whole clip.")] = None,
    srt: Annotated[
        str | None, typer.Option("--srt", help="Timed captions: an SRT file timed against the source.")
    ] = None,
    caption_style: CaptionStyleOpt = "static",
    logo: LogoOpt = True,
    engine: EngineOpt = "ffmpeg",
    crf: CrfOpt = None,
    preset: PresetOpt = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output if it exists.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Cut one 9:16 clip for TikTok: 1080x1920, 30 fps, H.264 + AAC.

    The cut is frame-accurate; phone rotation and variable frame rate are
    fixed. Captions use the brand kit's font and colours and stay inside
    the safe zone. Inside a workspace its brand kit (assets/brand.toml) is
    used, elsewhere the built-in kit. An existing output is kept unless
    --force is given.

    Example: contentops clip cut talk.mov --start 1:15.5 --end 1:31 --caption "Kia ora Tāmaki"
    """
    from pathlib import Path

    from ..media.render import cut_clip
    from ..media.timecode import parse_timecode

    begin, finish = parse_timecode(start), parse_timecode(end)
    encoding = _encoding(crf, preset)
    ws = optional_workspace(ctx)
    bar = progress_bar("Cutting")
    with bar:
        task = bar.add_task("cut", total=1.0)
        result = cut_clip(
            ws,
            Path(source),
            begin,
            finish,
            output=Path(output) if output else None,
            force=force,
            caption=caption,
            srt=Path(srt) if srt else None,
            frame=frame,
            caption_mode=caption_style,
            logo=logo,
            engine=engine,
            encoding=encoding,
            progress=lambda fraction: bar.update(task, completed=fraction),
        )
    if json_:
        print_json(
            {
                "output": str(result.output),
                "frames": result.frames,
                "duration": result.duration,
                "width": result.size[0],
                "height": result.size[1],
                "fps": encoding.fps,
                "engine": result.engine,
                "seconds": round(result.seconds, 3),
            }
        )
    else:
        _show_clip(result)


@app.command("recap")
def recap(
    ctx: typer.Context,
    cutlist: Annotated[str, typer.Argument(help="The cut list (CSV), one segment per row.", show_default=False)],
    output: Annotated[str, typer.Option("--output", "-o", help="The recap (.mp4).", show_default=False)],
    title: Annotated[
        str | None, typer.Option("--title", help="Open with a 2 s title card: this text on the brand background.")
    ] = None,
    loudness: Annotated[float, typer.Option("--loudness", help="Target integrated loudness, LUFS.")] = -14.0,
    true_peak: Annotated[float, typer.Option("--true-peak", help="Highest true peak, dBTP.")] = -1.5,
    logo: Annotated[bool, typer.Option("--logo/--no-logo", help="Put the brand kit's logo in its corner.")] = True,
    force: Annotated[bool, typer.Option("--force", help="Replace the output if it exists.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Join the cut list's segments into one recap, loudness-normalised.

    Every row is rendered like `clip cut` (1080x1920, 30 fps, captions,
    logo; its frame, caption and srt columns apply), the parts are joined
    without re-encoding the video, then the sound is normalised in two
    passes (EBU R128) to --loudness LUFS (TikTok: -14) with true peaks
    at most --true-peak dBTP. A bad row stops the recap and is named;
    nothing is written then. An existing output is kept unless --force.

    Example: contentops clip recap day1.csv -o day1-recap.mp4 --title "Summer Sounds: day 1"
    """
    from pathlib import Path

    from ..media.recap import recap_cutlist, recap_json

    ws = optional_workspace(ctx)
    bar = progress_bar()
    with bar:
        task = bar.add_task("Reading the cut list", total=1.0)
        result = recap_cutlist(
            ws,
            Path(cutlist),
            Path(output),
            title=title,
            loudness=loudness,
            true_peak=true_peak,
            logo=logo,
            force=force,
            progress=lambda fraction, step: bar.update(task, completed=fraction, description=step.capitalize()),
        )
    if json_:
        print_json(recap_json(result))
        return
    from rich.table import Table

    from ..media.timecode import format_timecode

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Output", esc(result.output))
    t.add_row("File", _size_text(result.output.stat().st_size))
    t.add_row("Duration", f"{format_timecode(result.duration, 3)}  [dim]({result.frames} frames)[/]")
    t.add_row("Segments", f"{result.segments}" + (" [dim]+ title card[/]" if result.title else ""))
    if result.before is None or result.after is None:
        t.add_row("Loudness", "[dim]no sound: left as it is[/]")
    else:
        before, after = result.before, result.after
        t.add_row(
            "Loudness",
            f"{before.integrated:.1f} -> {after.integrated:.1f} LUFS "
            f"[dim](target {result.target:g}, {esc(result.normalisation)})[/]",
        )
        t.add_row(
            "True peak",
            f"{before.true_peak:.1f} -> {after.true_peak:.1f} dBTP [dim](limit {result.true_peak_limit:g})[/]",
        )
    t.add_row("Time", f"{result.seconds:.1f} s")
    console().print(t)


@app.command("batch")
def batch(
    ctx: typer.Context,
    cutlist: Annotated[str, typer.Argument(help="The cut list (CSV), one clip per row.", show_default=False)],
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Folder for the clips (default: clips/ next to the cut list).")
    ] = None,
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", help="Clips rendered at once (default: 2, or 1 on a one-core machine).", min=1),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Render every row again, even if up to date.")] = False,
    caption_style: CaptionStyleOpt = "static",
    logo: LogoOpt = True,
    engine: EngineOpt = "ffmpeg",
    crf: CrfOpt = None,
    preset: PresetOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Cut every row of a cut list into a 9:16 clip, several at once.

    Columns: source,start,end[,name,caption,srt,frame,post] (see the
    README). Clips already up to date (same source, cut, captions and
    style) are skipped unless --force. A bad row fails alone: the others
    still render, and the summary lists every failure (exit code 1).
    With a post id in the post column and a workspace, each clip becomes
    that post's video.

    Example: contentops clip batch launch-cuts.csv --out clips/ --jobs 2
    """
    from pathlib import Path

    from ..media.batch import BatchEvent, batch_cutlist
    from .common import now

    encoding = _encoding(crf, preset)
    ws = optional_workspace(ctx)
    bar = progress_bar()
    overall = bar.add_task("Clips", total=None)
    clips: dict[int, TaskID] = {}

    def show(event: BatchEvent) -> None:
        bar.update(overall, total=event.total, completed=event.done)
        if event.outcome is not None:
            if event.row in clips:
                bar.remove_task(clips.pop(event.row))
        elif event.row in clips:
            bar.update(clips[event.row], completed=event.fraction)
        else:
            clips[event.row] = bar.add_task(f"  row {event.row}: {esc(event.name)}", total=1.0)

    with bar:
        report = batch_cutlist(
            ws,
            Path(cutlist),
            Path(out) if out else None,
            now=now(),
            caption_mode=caption_style,
            logo=logo,
            encoding=encoding,
            engine=engine,
            jobs=jobs,
            force=force,
            progress=show,
        )
    if json_:
        print_json(report.to_json())
    else:
        _show_batch(report)
    if report.failed:
        raise typer.Exit(1)


def _show_batch(report: BatchReport) -> None:
    from rich.table import Table

    colour = {"rendered": "green", "skipped": "dim", "failed": "red"}
    t = Table(header_style="bold")
    t.add_column("Row", justify="right")
    t.add_column("Output", overflow="fold")
    t.add_column("Status")
    t.add_column("Seconds", justify="right")
    t.add_column("Error", overflow="fold")
    for c in report.clips:
        error = esc(c.error or "") + (f"\n[dim]{esc(c.hint)}[/]" if c.hint else "")
        seconds = f"{c.seconds:.1f}" if c.status != "skipped" and c.seconds else ""
        name = esc(c.name) + (f" [dim]-> post {c.post}[/]" if c.attached else "")
        t.add_row(str(c.row), name, f"[{colour[c.status]}]{c.status}[/]", seconds, error)
    out = console()
    out.print(t)
    for c in report.clips:
        if c.note:
            out.print(f"[yellow]Note:[/] {esc(c.note)}")
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("rendered", "skipped", "failed"))
    out.print(f"{counts}; clips in {esc(report.out_dir)}")
