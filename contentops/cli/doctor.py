"""``contentops doctor``: check that contentops can work here, and that the workspace is healthy."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from .common import JsonOpt, console, esc, print_json, state

if TYPE_CHECKING:
    from ..doctor import Report

STATUS = {"ok": ("green", "✓", "ok"), "warning": ("yellow", "!", "warning"), "error": ("bold red", "✗", "error")}


def doctor(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """Check Python, ffmpeg, fonts and the workspace; changes nothing.

    Checks the Python version, ffmpeg (found, version, the filters and
    encoders contentops uses), the brand kit's and the fallback fonts, and in
    a workspace: contentops.toml, the brand kit, calendar.json and
    metrics.json (readable, known schema), their locks, stray temp files,
    backups and free disk space. Each check is ok, warning or error, with a
    hint on how to fix it. Exits 3 when a check is in error, else 0.

    Example: contentops doctor --json
    """
    from ..doctor import raise_for_errors, run_doctor

    report = run_doctor(state(ctx).get("workspace"))
    if json_:
        print_json(report.to_json())
    else:
        _render(report)
    raise_for_errors(report)


def _render(report: Report) -> None:
    from rich.table import Table

    out = console()
    t = Table(header_style="bold")
    t.add_column("", no_wrap=True)
    t.add_column("Check", no_wrap=True)
    t.add_column("Detail", overflow="fold")
    for check in report.checks:
        style, symbol, word = STATUS[check.status]
        t.add_row(f"[{style}]{symbol} {word}[/]", esc(check.name), esc(check.detail))
    out.print(t)
    hints = [c for c in report.checks if c.hint]
    for check in hints:
        style = STATUS[check.status][0]
        out.print(f"[{style}]{esc(check.name)}[/]: {esc(check.hint)}", soft_wrap=False)
    if not hints:
        out.print("[green]Everything contentops needs is in order.[/]")
