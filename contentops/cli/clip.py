"""``contentops clip ...``: 9:16 clips from recordings. Clip commands need no workspace.

Only typer is imported here at module level; ffmpeg and Rich are reached inside the commands.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import JsonOpt, console, esc, print_json

if TYPE_CHECKING:
    from ..media.probe import Probe

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.callback()
def clip() -> None:
    """Cut 9:16 clips and recaps from recordings. Clip commands need no workspace."""


def _size_text(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit} [dim]({size:,} bytes)[/]"
    return f"{size} bytes"


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
