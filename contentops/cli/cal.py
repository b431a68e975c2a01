"""``contentops cal ...``: agenda, week and month views."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import JsonOpt, console, day_arg, esc, print_json, status_text, today, workspace

if TYPE_CHECKING:
    from ..workspace import Workspace

app = typer.Typer(no_args_is_help=True)

MAX_PER_CELL = 4


def _zone_list(text: str | None) -> list[str]:
    return [z.strip() for z in (text or "").split(",") if z.strip()]


def _short_zone(zone: str) -> str:
    return zone.rsplit("/", 1)[-1].replace("_", " ")


@app.command("agenda")
def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=366, help="How many days to show.")] = 7,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: today).", show_default=False)] = None,
    zones: Annotated[
        str | None,
        typer.Option(
            "--zones", help="Extra zones to show times in, e.g. Australia/Perth,Pacific/Auckland.", show_default=False
        ),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Upcoming posts day by day, with times in the home zone and any extra zones."""
    from rich.table import Table

    from ..views import days_view

    ws = workspace(ctx)
    data = days_view(ws, day_arg(from_, ws) or today(ws), days, _zone_list(zones))
    if json_:
        print_json(data)
        return
    t = Table(header_style="bold", title=f"Agenda {data['start']} to {data['end']}", title_justify="left")
    t.add_column("Day", no_wrap=True)
    t.add_column(_short_zone(data["zone"]), no_wrap=True)
    for z in data["zones"][1:]:
        t.add_column(_short_zone(z), no_wrap=True, style="dim")
    t.add_column("ID", justify="right")
    t.add_column("Status")
    t.add_column("Title", overflow="fold", ratio=1)
    for day in data["days"]:
        for i, p in enumerate(day["posts"]):
            extra = [p["times"][z][11:16] + _day_shift(p["times"][z], day["date"]) for z in data["zones"][1:]]
            t.add_row(
                f"{day['weekday']} {day['date'][8:]}/{day['date'][5:7]}" if i == 0 else "",
                p["local_time"],
                *extra,
                str(p["id"]),
                status_text(p["status"]),
                esc(p["title"]),
                end_section=i == len(day["posts"]) - 1,
            )
    console().print(t)
    _footer(data)


def _day_shift(iso: str, home_day: str) -> str:
    """Mark a time that falls on another calendar day in that zone."""
    day = iso[:10]
    return "" if day == home_day else (" (+1d)" if day > home_day else " (-1d)")


def _footer(data: dict[str, Any]) -> None:
    total = sum(len(d["posts"]) for d in data["days"])
    msg = f"[dim]{total} post{'s' if total != 1 else ''} in view"
    if data["unscheduled"]:
        n = data["unscheduled"]
        msg += f"; {n} open post{'s' if n != 1 else ''} without a time ('contentops post list')"
    console().print(msg + "[/]")


def _cell(day: dict[str, Any], heading: str, limit: int = MAX_PER_CELL) -> str:
    lines = [heading]
    for p in day["posts"][:limit]:
        lines.append(
            f"{status_text(p['status']).replace(p['status'], p['local_time'])} {esc(p['title'])} [dim]#{p['id']}[/]"
        )
    if len(day["posts"]) > limit:
        lines.append(f"[dim]+{len(day['posts']) - limit} more[/]")
    return "\n".join(lines)


@app.command("week")
def week(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Argument(help="Any day of the week to show (default: this week).", show_default=False)
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """A 7-day grid (Monday to Sunday), posts coloured by status."""
    ws = workspace(ctx)
    if json_:
        from ..views import week_view

        print_json(week_view(ws, day_arg(day, ws) or today(ws)))
        return
    render_week(ws, day_arg(day, ws))


def render_week(ws: Workspace, day: date | None) -> None:
    from rich.table import Table

    from ..views import week_view

    now_day = today(ws)
    data = week_view(ws, day or now_day)
    t = Table(title=f"Week of {data['start']} ({data['zone']})", title_justify="left", show_lines=True, expand=True)
    for d in data["days"]:
        style = "bold reverse" if d["date"] == now_day.isoformat() else "bold"
        t.add_column(f"[{style}]{d['weekday']} {d['date'][8:]}/{d['date'][5:7]}[/]", overflow="fold", ratio=1)
    t.add_row(*[_cell(d, "", limit=12).lstrip("\n") for d in data["days"]])
    console().print(t)
    _legend()
    _footer(data)


@app.command("month")
def month(
    ctx: typer.Context,
    which: Annotated[
        str | None, typer.Argument(help="Month as YYYY-MM (default: this month).", show_default=False)
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """A month grid, one row per week, posts coloured by status."""
    from rich.table import Table

    from ..timeutil import parse_month
    from ..views import month_view

    ws = workspace(ctx)
    first = parse_month(which) if which else today(ws).replace(day=1)
    data = month_view(ws, first)
    if json_:
        print_json(data)
        return
    t = Table(title=f"{first:%B %Y} ({data['zone']})", title_justify="left", show_lines=True, expand=True)
    for name in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"):
        t.add_column(name, overflow="fold", ratio=1)
    now_day = today(ws).isoformat()
    days = data["days"]
    for w in range(0, len(days), 7):
        row = []
        for d in days[w : w + 7]:
            num = str(int(d["date"][8:]))
            head = (
                f"[bold reverse]{num}[/]"
                if d["date"] == now_day
                else (f"[bold]{num}[/]" if d["in_month"] else f"[dim]{num}[/]")
            )
            row.append(_cell(d, head, limit=3))
        t.add_row(*row)
    console().print(t)
    _legend()
    _footer(data)


def _legend() -> None:
    from .common import STATUS_STYLE

    console().print("  ".join(f"[{style}]{name}[/]" for name, style in STATUS_STYLE.items()))
