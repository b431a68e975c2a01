"""``contentops backup list``: the rotating backups (``contentops restore`` is in restore.py)."""

from __future__ import annotations

import typer

from .common import JsonOpt, console, esc, print_json, when_text, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)


@app.callback()
def backup() -> None:
    """The backups kept at every change of calendar.json and metrics.json.

    Each change keeps the file as it was in calendar/backups/: the newest
    ones, and the newest of each recent day ([storage] in contentops.toml
    sets how many). 'contentops restore' puts one back.
    """


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """The backups of both files, newest first, with the change made after each one.

    Restore one by its ref: 41 is the calendar at revision 41, m41 the metrics.

    Example: contentops backup list
    """
    from rich.table import Table

    from ..backup import list_backups
    from ..fsutil import size_text

    ws = workspace(ctx)
    found = [b.to_json(ws.config.zone) for b in list_backups(ws)]
    if json_:
        print_json(found)
        return
    if not found:
        console().print("No backups yet: one is kept at every change.")
        return
    t = Table(header_style="bold")
    for col in ("Ref", "File", "Saved", "Size", "Changed after it"):
        t.add_column(col, overflow="fold")
    for b in found:
        nxt = b["followed_by"]
        after = "-" if nxt is None else f"#{nxt['ref']} {esc(nxt['summary'])}"
        t.add_row(b["ref"], f"{b['store']}.json", when_text(b["saved_at"], False), size_text(b["size"]), after)
    console().print(t)
