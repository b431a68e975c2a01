"""``contentops brand ...``: see and check the brand kit (``assets/brand.toml``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import typer

from .common import JsonOpt, console, err_console, esc, optional_workspace, print_json

if TYPE_CHECKING:
    from ..brand import BrandKit, Problem

app = typer.Typer(no_args_is_help=True, add_completion=False)

ROLES = {
    "primary": "the brand colour",
    "secondary": "second colour",
    "accent": "bar above cover titles, handle",
    "text": "cover titles",
    "background": "covers without a picture, --frame fit",
}


@app.callback()
def brand() -> None:
    """The brand kit: colours, fonts, logo, safe zone, caption style and words.

    Inside a workspace the kit is assets/brand.toml (keys it leaves out
    come from the built-in kit); elsewhere the built-in kit is used.
    """


def _font_text(path: Any, default: str) -> str:
    from ..errors import ContentOpsError
    from ..media.fonts import font_family, load_font

    if path is None:
        return f"{default} [dim](built in)[/]"
    if not path.is_file():
        return f"{esc(path)} [red](missing)[/]"
    try:
        load_font(path, 16)
    except ContentOpsError:
        return f"{esc(path)} [red](not a readable font)[/]"
    return f"{esc(font_family(path))} [dim]{esc(path)}[/]"


def _logo_text(kit: BrandKit) -> str:
    from ..errors import ContentOpsError
    from ..media.kit import open_image

    if kit.logo is None:
        return "[dim]none[/]"
    try:
        image = open_image(kit.logo, "logo")
    except ContentOpsError as exc:
        return f"{esc(kit.logo)} [red]({esc(exc.message)})[/]"
    shown = round(1080 * kit.logo_scale)
    return (
        f"{esc(kit.logo)} [dim]({image.width}x{image.height} px)[/]\n"
        f"{kit.logo_corner}, {shown} px wide on a 1080-wide frame ({kit.logo_scale:g}), {kit.logo_margin} px margin"
    )


def _show(kit: BrandKit, problems: list[Problem]) -> None:
    from rich.table import Table
    from rich.text import Text

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Kit", esc(kit.source) + (" [dim](built in)[/]" if kit.packaged else ""))
    t.add_row("Name", esc(kit.name))
    t.add_row("Handle", esc(kit.handle) or "[dim]none[/]")
    t.add_row("", "")
    for key, value in kit.colours.items():
        swatch = Text("      ", style=f"on {value}")
        t.add_row(key.capitalize(), Text.assemble(swatch, f" {value}  ", (ROLES[key], "dim")))
    t.add_row("", "")
    t.add_row("Heading font", _font_text(kit.heading_font, "Noto Sans Bold"))
    t.add_row("Body font", _font_text(kit.body_font, "Noto Sans"))
    t.add_row("Logo", _logo_text(kit))
    zone = kit.safe_zone
    free = f"{1080 - zone['left'] - zone['right']}x{1920 - zone['top'] - zone['bottom']}"
    t.add_row(
        "Safe zone",
        f"top {zone['top']}, bottom {zone['bottom']}, left {zone['left']}, right {zone['right']} px "
        f"[dim](leaves {free} of 1080x1920 for text)[/]",
    )
    captions = Text(f"{kit.caption_size} px, {kit.caption_stroke} px outline  ")
    for value, role in ((kit.caption_colour, "text"), (kit.caption_stroke_colour, "outline"),
                        (kit.caption_highlight, "highlight")):  # fmt: skip
        captions.append_text(Text.assemble(Text("  ", style=f"on {value}"), f" {role} {value}  "))
    t.add_row("Captions", captions)
    console().print(t)
    if problems:
        err_console().print(
            f"[yellow]{len(problems)} problem{'s' if len(problems) != 1 else ''}[/]: run 'contentops brand check'"
        )


@app.command("show")
def show(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Show the brand kit: colour swatches, fonts, logo size, safe zone, captions.

    Example: contentops brand show
    """
    from ..brand import brand_problems

    kit, problems = brand_problems(optional_workspace(ctx))
    if json_:
        print_json({**kit.to_json(), "problems": len(problems)})
    else:
        _show(kit, problems)


@app.command("check")
def check(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Check the brand kit: every key, and the font and logo files it names.

    Lists each problem with its key (colours.accent, fonts.heading,
    logo.file, safe_zone ...) and how to fix it, and exits 3 if there is
    any, so it can guard a CI job or a pre-commit hook.

    Example: contentops brand check
    """
    from ..media.kit import check_kit, raise_for_problems

    kit, problems = check_kit(optional_workspace(ctx))
    if json_:
        print_json(
            {
                "source": str(kit.source),
                "ok": not problems,
                "problems": [{"key": p.key, "message": p.message, "hint": p.hint} for p in problems],
            }
        )
    elif problems:
        out = console()
        for p in problems:
            out.print(f"[red]✗[/] [bold]{esc(p.key)}[/]: {esc(p.message)}")
            if p.hint:
                out.print(f"  [dim]{esc(p.hint)}[/]")
    else:
        console().print(f"[green]✓[/] the brand kit {esc(kit.source)} is complete")
    raise_for_problems(kit, problems)
