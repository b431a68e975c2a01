"""``contentops cal export`` and ``contentops cal import``: the calendar as ICS, CSV or JSON files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, day_arg, esc, now, print_json, when_text, workspace

MAX_SHOWN = 100  # rows of the change table; --json has them all


def export(
    ctx: typer.Context,
    format_: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ics, csv or json (default: the extension of the -o file).", show_default=False
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Write to this file (atomically) instead of standard output.", show_default=False
        ),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day (2026-12-01, today, fri, 1/12).", show_default=False)
    ] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, included.", show_default=False)] = None,
) -> None:
    """Export posts for calendar apps (ics), Excel (csv) or scripts (json). Default: all posts.

    [bold]ics[/]: a 15-minute event per post with a time, except cancelled ones.
      Approved, scheduled and published: CONFIRMED; the others: TENTATIVE.
      Times keep their zone (with the VTIMEZONE rules Outlook needs). Each
      event keeps its UID, so importing a newer file updates the events.
    [bold]csv[/]: UTF-8 for Excel; columns id, title, status, at, tz, pillar, campaign,
      caption, hashtags, owner, video, url. A cell that starts like a formula
      (= + - @) gets a leading ' that 'contentops cal import' takes off again.
    [bold]json[/]: the list 'contentops post list --json' prints.

    With --from/--to, only posts with a time on those days are exported.

    Example: contentops cal export -o dec.ics --from 2026-12-01 --to 2026-12-31
    """
    import sys

    from ..exchange import export_calendar

    ws = workspace(ctx)
    result = export_calendar(ws, format_, now=now(), start=day_arg(from_, ws), end=day_arg(to, ws), out=out)
    if out is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
        return
    what = "event" if result.format == "ics" else "post"
    console().print(f"Exported {result.count} {what}{'s' if result.count != 1 else ''} to {esc(out)}")


def import_(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="A .csv or .json file.", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", "-n", help="Show what would change; change nothing.")] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Add and update posts from a CSV or JSON file (e.g. from 'cal export').

    Columns: id, title, status, at, tz, pillar, campaign, caption, hashtags,
    owner, video, url. Only title is needed, and only for new posts.
    - A row with the id of a post changes the fields given that differ.
    - A row without an id adds a post, as a draft (or status idea).
    - An empty cell clears that field; leave a column out to keep it.
    - Times: ISO with an offset, or what --at takes ('fri 6pm') in the row's tz.
    - Statuses do not change: use the review commands ('contentops post').
      New content sends an approved or scheduled post back to review.

    Every row is checked first: a bad cell stops the import with its row and
    column, and nothing changes. The whole file is one change, which
    'contentops undo' reverts. At most 20 MB and 20,000 rows, 10,000
    characters a cell and 200 a title; in JSON, a key given twice, NaN
    and Infinity are refused.

    Example: contentops cal import posts.csv --dry-run
    """
    from ..exchange import import_calendar

    report = import_calendar(workspace(ctx), file, now=now(), dry_run=dry_run, actor=by)
    if json_:
        print_json(report)
        return
    _render(report)


def _render(report: dict[str, Any]) -> None:
    from rich.table import Table

    added, changed = report["added"], report["changed"]
    if not added and not changed:
        console().print(f"Nothing to change: {esc(report['file'])} matches the calendar ({report['rows']} rows).")
        return
    t = Table(header_style="bold")
    t.add_column("Row", justify="right")
    t.add_column("ID", justify="right")
    t.add_column("Title", overflow="fold", ratio=1)
    t.add_column("Change", overflow="fold", ratio=2)
    lines = sorted(
        [(a["row"], "new" if report["dry_run"] else f"{a['id']} new", a["title"], _added_text(a)) for a in added]
        + [(c["row"], str(c["id"]), c["title"], _changes_text(c["changes"])) for c in changed]
    )
    for row, post_id, title, change in lines[:MAX_SHOWN]:
        t.add_row(str(row), post_id, esc(title), change)
    console().print(t)
    if len(lines) > MAX_SHOWN:
        console().print(f"[dim]... and {len(lines) - MAX_SHOWN} more rows (--json lists them all)[/]")
    counts = f"{len(added)} post{'s' if len(added) != 1 else ''}", f"{len(changed)}"
    if report["dry_run"]:
        console().print(f"Dry run: would add {counts[0]} and change {counts[1]}. Nothing was changed.")
    else:
        console().print(f"Added {counts[0]} and changed {counts[1]}. [dim]'contentops undo' reverts this import.[/]")


def _added_text(post: dict[str, Any]) -> str:
    return f"add as {post['status']}, {when_text(post['at'])}"


def _value_text(column: str, value: Any) -> str:
    if column == "at":
        return when_text(value)
    if isinstance(value, list):
        value = " ".join(value)
    text = "" if value is None else str(value)
    return esc(text if len(text) <= 40 else text[:39] + "…") if text else "[dim]-[/]"


def _changes_text(changes: dict[str, dict[str, Any]]) -> str:
    return "\n".join(
        f"{column}: {_value_text(column, c['before'])} -> {_value_text(column, c['after'])}"
        for column, c in changes.items()
    )
