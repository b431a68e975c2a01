"""``contentops template ...``: caption templates, used with ``post add --template NAME``."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

NameArg = Annotated[str, typer.Argument(help="Name of the template, e.g. promo.", show_default=False)]


def _names(names: list[str]) -> str:
    return esc(" ".join("{" + n + "}" for n in names))


@app.command("add")
def add(
    ctx: typer.Context,
    name: NameArg,
    text: Annotated[str, typer.Argument(help="Caption text with {placeholders}.", show_default=False)],
    replace: Annotated[bool, typer.Option("--replace", help="Overwrite a template of that name.")] = False,
    by: ByOpt = None,
) -> None:
    """Save a caption template. Built-in placeholders: {title}, {campaign}, {handle}, {hashtags}
    and {date} (the post's local date, e.g. Fri 4 Dec); any other {name} is a variable given
    with 'post add --var name=VALUE'. Write a literal brace twice: {{ }}.

    Example: contentops template add promo "{title}: {offer} this {date} only! {hashtags}"
    """
    from ..reuse import add_template

    template = add_template(workspace(ctx), name, text, now=now(), replace=replace, actor=by)
    console().print(f"Saved template '{esc(template['name'])}'.")
    if template["variables"]:
        console().print(f"[dim]Variables to give with --var: {_names(template['variables'])}[/]")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """List the caption templates."""
    from rich.table import Table

    from ..reuse import list_templates

    templates = list_templates(workspace(ctx))
    if json_:
        print_json(templates)
        return
    if not templates:
        console().print('No templates yet. [dim]Add one: contentops template add promo "{title} {hashtags}"[/]')
        return
    t = Table(header_style="bold")
    t.add_column("Name")
    t.add_column("Text", overflow="fold", ratio=1)
    t.add_column("Variables", overflow="fold")
    for tpl in templates:
        t.add_row(esc(tpl["name"]), esc(tpl["text"]), _names(tpl["variables"]))
    console().print(t)


@app.command("show")
def show(ctx: typer.Context, name: NameArg, json_: JsonOpt = False) -> None:
    """Show one template with its built-in placeholders and variables."""
    from rich.table import Table

    from ..reuse import show_template

    tpl: dict[str, Any] = show_template(workspace(ctx), name)
    if json_:
        print_json(tpl)
        return
    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Template", esc(tpl["name"]))
    t.add_row("Text", esc(tpl["text"]))
    t.add_row("Built-ins", _names(tpl["builtins"]) or "[dim]none[/]")
    t.add_row("Variables", _names(tpl["variables"]) or "[dim]none[/]")
    console().print(t)


@app.command("rm")
def rm(ctx: typer.Context, name: NameArg, by: ByOpt = None) -> None:
    """Remove a template (captions made from it stay; 'contentops undo' brings it back)."""
    from ..reuse import remove_template

    tpl = remove_template(workspace(ctx), name, now=now(), actor=by)
    console().print(f"Removed template '{esc(tpl['name'])}'. [dim]'contentops undo' brings it back.[/]")
