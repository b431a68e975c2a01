"""``contentops tags ...``: named hashtag sets, added to posts with ``post add --tags NAME``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

NameArg = Annotated[str, typer.Argument(help="Name of the hashtag set, e.g. summer.", show_default=False)]


def _table(sets: list[dict[str, Any]]) -> None:
    from rich.table import Table

    t = Table(header_style="bold")
    t.add_column("Name")
    t.add_column("Hashtags", overflow="fold", ratio=1)
    for s in sets:
        t.add_row(esc(s["name"]), esc(" ".join(s["hashtags"])))
    console().print(t)


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    tags: Annotated[list[str], typer.Argument(help="Hashtags, with or without '#'.", show_default=False)],
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a set of that name.")] = False,
    by: ByOpt = None,
) -> None:
    """Save a named set of hashtags (an existing name needs --replace).

    Example: contentops tags add summer SummerSounds NewMusic AusMusic
    """
    from ..reuse import add_tagset

    tagset = add_tagset(workspace(ctx), name, tags, now=now(), replace=replace, actor=by)
    console().print(f"Saved hashtag set '{esc(tagset['name'])}': {esc(' '.join(tagset['hashtags']))}")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """List the hashtag sets."""
    from ..reuse import list_tagsets

    sets = list_tagsets(workspace(ctx))
    if json_:
        print_json(sets)
    elif sets:
        _table(sets)
    else:
        console().print("No hashtag sets yet. [dim]Add one: contentops tags add summer SummerSounds NewMusic[/]")


@app.command("show")
def show(ctx: typer.Context, name: NameArg, json_: JsonOpt = False) -> None:
    """Show one hashtag set."""
    from ..reuse import show_tagset

    tagset = show_tagset(workspace(ctx), name)
    if json_:
        print_json(tagset)
    else:
        _table([tagset])


@app.command("rm")
def rm(ctx: typer.Context, name: NameArg, by: ByOpt = None) -> None:
    """Remove a hashtag set (posts keep their hashtags; 'contentops undo' brings the set back)."""
    from ..reuse import remove_tagset

    tagset = remove_tagset(workspace(ctx), name, now=now(), actor=by)
    console().print(f"Removed hashtag set '{esc(tagset['name'])}'. [dim]'contentops undo' brings it back.[/]")
