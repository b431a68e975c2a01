"""``contentops cal check``: lint the calendar against the posting, caption, brand and workflow rules."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import JsonOpt, console, day_arg, esc, now, print_json, workspace

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow"}


def check(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: today).", show_default=False)] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day (default: 27 days after --from).", show_default=False)
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Fail (exit 3) on warnings too.")] = False,
    json_: JsonOpt = False,
) -> None:
    """Check the calendar: spacing, posts per day, captions, hashtags, brand words, approvals, holidays,
    creator consent and asset files.

    Looks at 28 days from today (home-zone days) and every unscheduled post; changes nothing.
    Exits 0 when clean, 3 on errors (or on warnings with --strict).
    Thresholds: \\[rules] in contentops.toml. Severities: \\[rules.severity], rule = "error", "warning" or "off".
    Banned words and brand spellings: \\[language] in assets/brand.toml.

    Example: contentops cal check --from 2026-12-01 --to 2026-12-31 --strict
    """
    from ..lint import check_calendar, raise_for_findings

    ws = workspace(ctx)
    report = check_calendar(ws, now=now(), start=day_arg(from_, ws), end=day_arg(to, ws))
    if json_:
        print_json(report)
    else:
        _render(report)
    raise_for_findings(report, strict)


def _render(report: dict[str, Any]) -> None:
    from datetime import datetime

    from rich.table import Table

    from ..timeutil import get_zone

    out = console()
    zone = get_zone(report["zone"])
    period = f"{report['from']} to {report['to']} ({report['zone']})"
    checked = f"{report['posts_checked']} posts from {period} and {report['unscheduled_checked']} unscheduled"
    if not report["findings"]:
        out.print(f"[green]No findings[/]: {checked} checked.")
        return
    wide = out.width >= 120
    t = Table(header_style="bold", title=f"Calendar check {period}", title_justify="left")
    t.add_column("When", no_wrap=True)
    t.add_column("Severity", no_wrap=True)
    t.add_column("Rule", no_wrap=True)
    t.add_column("Post", justify="right")
    if wide:
        t.add_column("Title", no_wrap=True, overflow="ellipsis", max_width=30)
    t.add_column("Problem and fix", overflow="fold", ratio=1)
    for f in report["findings"]:
        when = (
            f"{datetime.fromisoformat(f['at']).astimezone(zone):%a %d/%m %H:%M}" if f["at"] else "[dim]unscheduled[/]"
        )
        style = SEVERITY_STYLE[f["severity"]]
        t.add_row(
            when,
            f"[{style}]{f['severity']}[/]",
            f["rule"],
            str(f["post"]),
            *([esc(f["title"])] if wide else []),
            f"{esc(f['message'])}\n[dim]{esc(f['hint'])}[/]",
        )
    out.print(t)
    errors, warnings = report["errors"], report["warnings"]
    out.print(
        f"[bold red]{errors} error{'s' if errors != 1 else ''}[/], "
        f"[yellow]{warnings} warning{'s' if warnings != 1 else ''}[/] in {checked}."
    )
