"""``contentops slot ...``: weekly posting slots, and filling them with approved posts."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, day_arg, esc, now, print_json, short_when, when_text, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)


def _days_text(days: list[str]) -> str:
    return " ".join(d.capitalize() for d in days)


@app.command("add")
def add(
    ctx: typer.Context,
    days: Annotated[
        str,
        typer.Option(
            "--days", "-d", help="Days of the week: mon,tue,...,sun, or weekdays, weekends, daily.", show_default=False
        ),
    ],
    at: Annotated[
        str, typer.Option("--time", help="Wall-clock time in the home zone, e.g. 18:00 or 6pm.", show_default=False)
    ],
    pillar: Annotated[
        str | None,
        typer.Option("--pillar", "-p", help="Only posts of this pillar take the slot (default: any post)."),
    ] = None,
    by: ByOpt = None,
) -> None:
    """Add a weekly slot in the home zone; it keeps its wall-clock time across daylight saving.

    Example: contentops slot add --days mon,wed,fri --time 18:00 --pillar trend
    """
    from ..slots import add_slot

    slot = add_slot(workspace(ctx), days, at, now=now(), pillar=pillar, actor=by)
    which = f" for {esc(slot['pillar'])} posts" if slot["pillar"] else ""
    console().print(f"Added slot {slot['id']}: {_days_text(slot['days'])} at {slot['time']}{which}.")
    if slot["next"]:
        console().print("[dim]Next: " + ", ".join(when_text(o, False) for o in slot["next"]) + "[/]")


@app.command("list")
def list_(
    ctx: typer.Context,
    count: Annotated[int, typer.Option("--next", "-n", min=0, max=52, help="Upcoming times to show per slot.")] = 3,
    json_: JsonOpt = False,
) -> None:
    """List the slots with their next occurrences (times in the home zone).

    Example: contentops slot list --next 5
    """
    from rich.table import Table

    from ..slots import list_slots

    ws = workspace(ctx)
    slots = list_slots(ws, now=now(), count=count)
    if json_:
        print_json(slots)
        return
    if not slots:
        console().print("No slots yet. Add one: contentops slot add --days mon,wed,fri --time 18:00")
        return
    t = Table(header_style="bold", title=f"Posting slots ({ws.config.zone})", title_justify="left")
    t.add_column("ID", justify="right")
    t.add_column("Days")
    t.add_column("Time")
    t.add_column("Pillar", overflow="fold")
    t.add_column("Next", overflow="fold", ratio=1)
    for s in slots:
        t.add_row(
            str(s["id"]),
            _days_text(s["days"]),
            s["time"],
            esc(s["pillar"] or "any"),
            "\n".join(short_when(o) for o in s["next"]),
        )
    console().print(t)


@app.command("rm")
def rm(
    ctx: typer.Context,
    slot_id: Annotated[str, typer.Argument(help="Slot id (from 'contentops slot list').", show_default=False)],
    by: ByOpt = None,
) -> None:
    """Remove a slot; posts already given its times keep them ('contentops undo' brings it back).

    Example: contentops slot rm 2
    """
    from ..slots import parse_slot_id, remove_slot

    slot = remove_slot(workspace(ctx), parse_slot_id(slot_id), now=now(), actor=by)
    console().print(
        f"Removed slot {slot['id']} ({_days_text(slot['days'])} {slot['time']}). "
        "[dim]'contentops undo' brings it back.[/]"
    )


@app.command("fill")
def fill(
    ctx: typer.Context,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day (default: now; only future slots are filled).")
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, included (default: 28 days on).")] = None,
    status: Annotated[str, typer.Option("--status", "-s", help="Fill posts with this status.")] = "approved",
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the plan and change nothing.")] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Give approved posts without a time the next free slots, oldest approval first.

    A slot time already holding a post (other than a cancelled one) is skipped, and no two posts get the same time.
    The whole fill is one change: 'contentops undo' reverts it.

    Example: contentops slot fill --to 2026-12-31 --dry-run
    """
    from ..slots import fill_slots

    ws = workspace(ctx)
    plan = fill_slots(
        ws, now=now(), start=day_arg(from_, ws), end=day_arg(to, ws), status=status, dry_run=dry_run, actor=by
    )
    if json_:
        print_json(plan)
    else:
        _render_fill(plan)


def _render_fill(plan: dict[str, Any]) -> None:
    from rich.table import Table

    out = console()
    status = plan["status"]
    if not plan["filled"] and not plan["unfilled"]:
        out.print(f"Nothing to fill: no {status} posts without a time.")
        return
    if plan["filled"]:
        heading = "Plan (dry run, nothing changed)" if plan["dry_run"] else "Filled"
        t = Table(header_style="bold", title=f"{heading} - times in {plan['zone']}", title_justify="left")
        t.add_column("Post", justify="right", no_wrap=True)
        t.add_column("Title", overflow="fold", ratio=1, min_width=16)
        t.add_column("Pillar", overflow="fold")
        t.add_column("Slot", justify="right", no_wrap=True)
        t.add_column("When", no_wrap=True)
        for a in plan["filled"]:
            t.add_row(str(a["id"]), esc(a["title"]), esc(a["pillar"] or ""), str(a["slot"]), short_when(a["at"]))
        out.print(t)
        n = len(plan["filled"])
        if plan["dry_run"]:
            out.print(f"[dim]{n} post{'s' if n != 1 else ''} would get a time; run without --dry-run to apply.[/]")
        else:
            out.print(f"Gave {n} post{'s' if n != 1 else ''} a time. [dim]'contentops undo' reverts the whole fill.[/]")
    if plan["unfilled"]:
        out.print(f"[yellow]{len(plan['unfilled'])} {status} post(s) left without a slot:[/]")
        for p in plan["unfilled"]:
            out.print(f"  {p['id']}  {esc(p['title'])} [dim]({esc(p['reason'])})[/]")
        out.print(
            f"[yellow]Hint:[/] add slots (contentops slot add --days mon,wed,fri --time 18:00) "
            f"or widen the window with --to (it now ends {when_text(plan['to'], False)})."
        )
