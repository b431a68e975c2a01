"""``contentops thumb ...``: branded cover thumbnails, and contact sheets for picking a cover frame."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import (
    ByOpt,
    JsonOpt,
    LogoOpt,
    console,
    day_arg,
    err_console,
    esc,
    now,
    optional_workspace,
    print_json,
    progress_bar,
    workspace,
)

if TYPE_CHECKING:
    from ..media.thumbs import CoverBatch, CoverResult

app = typer.Typer(no_args_is_help=True, add_completion=False)

TemplateOpt = Annotated[
    str, typer.Option("--template", "-t", help="cover (1080x1920), square (1080x1080) or landscape (1920x1080).")
]
AtOpt = Annotated[
    str | None,
    typer.Option("--at", help="Video frame: seconds, MM:SS.s or HH:MM:SS.s (default: the sharpest early frame)."),
]


@app.callback()
def thumb() -> None:
    """Branded cover thumbnails: from a title, a picture or a video frame.

    Covers use the brand kit (assets/brand.toml, or the built-in kit outside
    a workspace): background picture cover-cropped under a dark gradient or
    the brand background colour, the title as large as fits inside the safe
    zone, an accent bar, the handle and the logo.
    """


def _show_cover(result: CoverResult) -> None:
    from rich.table import Table

    layout = result.layout
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Cover", esc(result.output))
    if result.post is not None:
        t.add_row("Post", f"{result.post} [dim](cover attached)[/]")
    t.add_row("Size", f"{layout.size[0]}x{layout.size[1]} ({layout.template})")
    lines = " / ".join(layout.title_lines)
    t.add_row("Title", f"{layout.title_size} px, {len(layout.title_lines)} line(s): {esc(lines)}")
    t.add_row("Background", esc(result.background))
    console().print(t)
    if result.note:
        console().print(f"[yellow]Note:[/] {esc(result.note)}")


def _seconds(text: str | None) -> float | None:
    from ..media.timecode import parse_timecode

    return None if text is None else parse_timecode(text)


@app.command("make")
def make(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="The title, set as large as fits.", show_default=False)],
    subtitle: Annotated[str, typer.Option("--subtitle", help="A smaller line under the title.")] = "",
    background: Annotated[
        str | None, typer.Option("--background", "-b", help="Picture behind the title (PNG, JPEG, WebP).")
    ] = None,
    video: Annotated[str | None, typer.Option("--video", help="Take the background from this video.")] = None,
    at: AtOpt = None,
    template: TemplateOpt = "cover",
    lines: Annotated[int, typer.Option("--lines", help="Most lines the title may take.", min=1, max=8)] = 4,
    logo: LogoOpt = True,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Output .png/.jpg/.webp (default: TITLE-TEMPLATE.png here).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output if it exists.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Make one cover from a title, on a picture, a video frame or the brand colour.

    Nothing is written if anything is wrong (an unreadable or oversized
    picture, a missing font, a title that does not fit even at the
    smallest size). Needs no workspace.

    Examples:
      contentops thumb make --title "Kia ora, Tāmaki Makaurau!" --video keynote.mp4 --at 1:15
      contentops thumb make --title "Summer drop" --background shoot.jpg --template square
    """
    from pathlib import Path

    from ..media.thumbs import make_cover

    result = make_cover(
        optional_workspace(ctx),
        title,
        subtitle=subtitle,
        background=Path(background) if background else None,
        video=Path(video) if video else None,
        at=_seconds(at),
        template=template,
        out=Path(output) if output else None,
        max_lines=lines,
        logo=logo,
        force=force,
    )
    if json_:
        print_json(result.to_json())
    else:
        _show_cover(result)


@app.command("post")
def post(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(help="The post id.", show_default=False)],
    at: AtOpt = None,
    template: TemplateOpt = "cover",
    logo: LogoOpt = True,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Make a post's cover from its title and a frame of its video, and attach it.

    The cover goes to covers/post-ID-TITLE.png in the workspace (replacing
    an earlier one) and becomes the post's cover; the post keeps its
    status. Without a video the brand background colour is used.

    Example: contentops thumb post 12 --at 0:03.5
    """
    from ..calendar_ops import parse_post_id
    from ..media.thumbs import post_cover

    result = post_cover(
        workspace(ctx), parse_post_id(post_id), now=now(), actor=by, at=_seconds(at), template=template, logo=logo
    )
    if json_:
        print_json(result.to_json())
    else:
        _show_cover(result)


@app.command("batch")
def batch(
    ctx: typer.Context,
    week: Annotated[str | None, typer.Option("--week", help="Only the week (Mon-Sun) of this day, e.g. today.")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", help="Only this campaign's posts.")] = None,
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Covers drawn at once (processes).", min=1)] = 2,
    force: Annotated[bool, typer.Option("--force", help="Make new covers for posts that have one too.")] = False,
    logo: LogoOpt = True,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Make a cover for every scheduled post that has none, and attach them.

    Each cover uses the post's title and the sharpest early frame of its
    video. A post that fails (a missing video, a title that does not fit)
    is listed and the others still get theirs (exit code 1 if any failed).

    Example: contentops thumb batch --week today --jobs 2
    """
    ws = workspace(ctx)
    bar = progress_bar()
    task = bar.add_task("Covers", total=None)
    from ..media.thumbs import batch_covers

    with bar:
        report = batch_covers(
            ws,
            now=now(),
            actor=by,
            week=day_arg(week, ws),
            campaign=campaign,
            jobs=jobs,
            force=force,
            logo=logo,
            progress=lambda item, done, total: bar.update(task, completed=done, total=total),
        )
    if json_:
        print_json(report.to_json())
    else:
        _show_batch(report)
    if report.interrupted:
        from ..errors import EXIT_INTERRUPTED

        err_console().print(
            f"Interrupted: the {len(report.attached)} cover(s) made so far are attached; run it again for the rest"
        )
        raise typer.Exit(EXIT_INTERRUPTED)
    if report.failed:
        raise typer.Exit(1)


def _show_batch(report: CoverBatch) -> None:
    from rich.table import Table

    out = console()
    if not report.items:
        out.print(
            "No scheduled posts without a cover"
            + (f" ({report.skipped} already have one; --force makes them again)" if report.skipped else "")
        )
        return
    colour = {"made": "green", "failed": "red", "pending": "dim"}
    t = Table(header_style="bold")
    t.add_column("Post", justify="right")
    t.add_column("Title", overflow="fold")
    t.add_column("Status")
    t.add_column("Cover / error", overflow="fold")
    for item in report.items:
        detail = esc(item.output.name) if item.status == "made" else esc(item.error or "not made")
        if item.hint:
            detail += f"\n[dim]{esc(item.hint)}[/]"
        t.add_row(str(item.post), esc(item.title), f"[{colour[item.status]}]{item.status}[/]", detail)
    out.print(t)
    made = sum(i.status == "made" for i in report.items)
    out.print(f"{made} made and attached, {len(report.failed)} failed, {report.skipped} already had a cover")


@app.command("sheet")
def sheet(
    video: Annotated[str, typer.Argument(help="The video.", show_default=False)],
    count: Annotated[int, typer.Option("--count", "-n", help="Frames on the sheet (1-100).")] = 12,
    width: Annotated[int, typer.Option("--width", help="Width of each frame in pixels (80-1080).")] = 320,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Output .png (default: VIDEO-sheet.png next to the video).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace the output if it exists.")] = False,
    json_: JsonOpt = False,
) -> None:
    """A contact sheet: frames spread over a video, each with its time.

    Pick the frame you like and pass its time to 'thumb post --at' or
    'thumb make --video ... --at'. Needs no workspace.

    Example: contentops thumb sheet keynote.mp4 --count 16
    """
    from pathlib import Path

    from ..media.thumbs import make_sheet
    from ..media.timecode import format_timecode

    result, target = make_sheet(Path(video), count=count, out=Path(output) if output else None, width=width,
                                force=force)  # fmt: skip
    if json_:
        print_json(
            {
                "output": str(target),
                "width": result.image.width,
                "height": result.image.height,
                "columns": result.columns,
                "times": result.times,
            }
        )
        return
    size = f"{result.image.width}x{result.image.height}"
    console().print(f"Contact sheet {esc(target)}: {len(result.times)} frames, {size}")
    console().print("[dim]" + "  ".join(format_timecode(t) for t in result.times) + "[/]")
