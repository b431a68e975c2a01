"""``contentops restore``: put a backup back, after showing what differs (a top-level command)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import ByOpt, JsonOpt, console, esc, print_json, when_text, workspace

if TYPE_CHECKING:
    from ..backup import RestorePlan


def _show_plan(plan: RestorePlan, zone: str) -> None:
    from ..backup import SHOWN_PER_TABLE

    out = console()
    b = plan.backup.to_json(zone)
    saved = when_text(b["saved_at"])
    out.print(f"Backup [bold]{b['ref']}[/]: {b['store']}.json at revision {b['revision']}, saved {saved}")
    if plan.broken:
        out.print(f"[red]The current file cannot be read[/] ({esc(plan.broken)}): it will be set aside, not deleted.")
    else:
        out.print(f"The current file is at revision {plan.revision}.")
    if not plan.tables:
        out.print("No differences.")
    verbs = (
        ("added", "[green]+ comes back[/]"),
        ("removed", "[red]- goes away[/]"),
        ("changed", "[yellow]~ changes[/]"),
    )
    for diff in plan.tables:
        counts = ", ".join(f"{len(getattr(diff, k))} {k}" for k, _ in verbs if getattr(diff, k))
        out.print(f"[bold]{diff.table}[/]: {counts}")
        noun = diff.table.removesuffix("s")
        for key, verb in verbs:
            items = getattr(diff, key)
            for item in items[:SHOWN_PER_TABLE]:
                fields = f" ({', '.join(item['fields'])})" if "fields" in item else ""
                label = f" '{esc(item['label'])}'" if item["label"] else ""
                out.print(f"  {verb} {noun} {item['id']}{label}{fields}")
            if len(items) > SHOWN_PER_TABLE:
                out.print(f"  … and {len(items) - SHOWN_PER_TABLE} more")


def restore(
    ctx: typer.Context,
    backup: Annotated[
        str | None,
        typer.Argument(
            help="Which backup: 41 (calendar at revision 41), m41 (metrics), or a file name from "
            "'contentops backup list'. Default: the newest backup of the calendar.",
            show_default=False,
        ),
    ] = None,
    metrics: Annotated[
        bool, typer.Option("--metrics", help="Without BACKUP: the newest backup of the metrics instead.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change and stop.")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask before restoring.")] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Put a backup of calendar.json or metrics.json back, after showing what differs.

    The restore is one change in the journal: 'contentops undo' takes it
    back. If the current file is broken, it is set aside in calendar/backups/
    and the backup takes its place. In a terminal you are asked before
    anything changes; scripts pass --yes.

    Example: contentops restore 41 --dry-run
    """
    import sys

    from ..backup import plan_restore
    from ..backup import restore as run
    from .common import now

    ws = workspace(ctx)
    plan = plan_restore(ws, backup, metrics=metrics)
    zone = ws.config.zone
    if not dry_run:
        plan.check()
    if json_ and dry_run:
        print_json(plan.to_json(zone))
        return
    if not json_:
        _show_plan(plan, zone)
    if dry_run:
        console().print("Dry run: nothing was changed.")
        return
    if not yes and not json_ and sys.stdin.isatty():
        typer.confirm(f"Restore {plan.backup.store}.json from backup {plan.backup.ref}?", abort=True)
    run(ws, plan, now(), by)
    if json_:
        print_json(plan.to_json(zone))
        return
    entry = plan.restored or {}
    change = plan.to_json(zone)["restored"]["ref"]
    console().print(f"Restored {plan.backup.store}.json from backup {plan.backup.ref} (change #{change}).")
    if entry.get("undoable") is False:
        console().print(f"The broken file is kept as calendar/backups/{esc(entry.get('kept_as'))}.")
    else:
        console().print("'contentops undo' takes it back.")
