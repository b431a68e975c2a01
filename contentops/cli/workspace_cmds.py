"""Top-level commands: init, demo, history, undo."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, print_json, when_text, workspace


def init(
    directory: Annotated[str, typer.Argument(help="Folder for the new workspace (created if needed).")] = ".",
    account: Annotated[str, typer.Option("--account", help="The TikTok handle, e.g. @brand.anz.")] = "@yourbrand",
    tz: Annotated[str, typer.Option("--tz", help="Home time zone (IANA name).")] = "Australia/Sydney",
    name: Annotated[str, typer.Option("--name", help="Display name of the account.")] = "",
) -> None:
    """Create a workspace: contentops.toml, calendar/ and assets/brand.toml."""
    from ..workspace import init_workspace

    ws = init_workspace(directory, handle=account, zone=tz, name=name)
    console().print(f"Created workspace {esc(ws.root)} for {esc(ws.config.handle)} ({ws.config.zone}).")
    console().print(f'[dim]Next: cd {esc(ws.root)} && contentops post add "First post" --at "fri 6pm"[/]')


DEMO_TRY = (
    "contentops cal agenda --days 14     # also in Perth, Adelaide, Auckland",
    "contentops cal check                # what to fix before posting",
    "contentops slot fill --dry-run      # approved posts into free slots",
    "contentops cal export -o demo.ics   # for Google Calendar or Outlook",
    "contentops clip probe clips/recap.mp4",
    'contentops post add "Encore" --at "sat 7pm" --tags summer --template recap',
    "contentops metrics report -o last-week.html --chart last-week.png",
    "contentops history && contentops undo",
)


def demo(
    out: Annotated[str, typer.Option("--out", help="Folder for the demo workspace.")] = "contentops-demo",
    force: Annotated[bool, typer.Option("--force", help="Rebuild an earlier demo in that folder.")] = False,
    video: Annotated[
        bool, typer.Option("--video/--no-video", help="Also cut clips from a generated recording and make a recap.")
    ] = True,
) -> None:
    """Build a demo workspace to try everything on, and show its fortnight.

    A sample ANZ campaign, a fortnight of posts in every status, clips, a recap
    and covers cut from a generated recording, sample metrics, assets, trends
    and comments; it ends with last week's metrics report in short.
    """
    from ..demo import build_demo
    from . import cal
    from .common import now

    ws = build_demo(out, now=now(), force=force, video=video, step=lambda m: console().print(f"[dim]{esc(m)}...[/]"))
    this_week = cal.today(ws)
    for week in (this_week, this_week + timedelta(days=7)):
        cal.render_week(ws, week, zones=[])  # the home zone only: two grids must fit a narrow terminal
    from ..report import metrics_report
    from .metrics import print_sections

    sections = metrics_report(ws, now=now(), fmt="table").sections
    print_sections([s for s in sections if s is sections[0] or s.title in ("Totals", "Top posts")])
    out = console()
    out.print(f"\nDemo workspace: [bold]{esc(ws.root)}[/]  (cd into it, then try:)")
    for line in DEMO_TRY:
        out.print(f"  [dim]{esc(line)}[/]")


def history(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many changes to show.")] = 20,
    json_: JsonOpt = False,
) -> None:
    """The journal of changes, newest first: who, when, what."""
    from rich.table import Table

    from ..history import history as load

    entries = load(workspace(ctx), limit)
    if json_:
        print_json(entries)
        return
    t = Table(header_style="bold")
    for col in ("#", "When", "Who", "Change"):
        t.add_column(col, overflow="fold")
    for e in entries:
        summary = esc(e["summary"])
        if e["undone_by"]:
            summary = f"[dim strike]{summary}[/] [dim](undone by #{_ref({**e, 'id': e['undone_by']})})[/]"
        t.add_row(_ref(e), when_text(e["at"], False), esc(e["by"]), summary)
    console().print(t)


def undo(ctx: typer.Context, by: ByOpt = None) -> None:
    """Revert the newest change not yet undone (the undo is journalled too; repeat to go further back)."""
    from ..history import undo as run
    from .common import now

    entry = run(workspace(ctx), by, now())
    console().print(f"Undid #{_ref(entry)}: {esc(entry['summary'])}")


def _ref(entry: dict[str, Any]) -> str:
    """How history shows an entry's id: ``12`` for the calendar, ``m3`` for the metrics journal."""
    from ..history import ref

    return ref(entry["store"], entry["id"])


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("history")(history)
    app.command("undo")(undo)
    from .restore import restore  # typer only at module level, like this module

    app.command("restore")(restore)
    from .doctor import doctor  # typer only at module level too

    app.command("doctor")(doctor)
