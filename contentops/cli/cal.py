"""``contentops cal ...``: agenda, week and month views with holidays, key dates and several time zones."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import JsonOpt, console, day_arg, esc, print_json, status_text, today, workspace

if TYPE_CHECKING:
    from rich.table import Table

    from ..workspace import Workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

MAX_PER_CELL = 4
HOLIDAY_STYLE = "bold red"
KEY_DATE_STYLE = "bold dark_orange"
MIN_TITLE_WIDTH = 20

ZonesOpt = Annotated[
    str | None,
    typer.Option(
        "--zones",
        help="Extra zones to show times in, comma-separated IANA names "
        "(default: time.display_zones in contentops.toml; '' for none).",
        show_default=False,
    ),
]
HomeOnlyOpt = Annotated[bool, typer.Option("--home-only", help="Show times in the home zone only.")]


def _zones(zones: str | None, home_only: bool) -> list[str] | None:
    """The extra zones asked for: None means the workspace's display zones, [] the home zone only."""
    if home_only and zones:
        from ..errors import UsageError

        raise UsageError("--home-only and --zones ask for different zones", hint="give one of them")
    if home_only:
        return []
    return None if zones is None else [z.strip() for z in zones.split(",") if z.strip()]


def _city(zone: str) -> str:
    """``Australia/Perth`` -> ``Perth``, ``America/Los_Angeles`` -> ``Los Angeles``."""
    return zone.rsplit("/", 1)[-1].replace("_", " ")


def _codes(zones: list[str]) -> dict[str, str]:
    """Short labels for narrow cells: the city's first three letters (PER, BRI, ADE, AUC), more where two clash."""
    for n in range(3, 9):
        codes = {z: _city(z).replace(" ", "")[:n].upper() for z in zones}
        if len(set(codes.values())) == len(codes):
            return codes
    return {z: z for z in zones}


def _labels(zones: list[str], width: int) -> dict[str, str]:
    """City names ("Perth 15:00") when each fits on a line of ``width``, else short codes ("PER 15:00")."""
    if all(len(_city(z)) + 9 <= width for z in zones):
        return {z: _city(z) for z in zones}
    return _codes(zones)


def _codes_legend(labels: dict[str, str]) -> None:
    """Explain short labels (``PER Australia/Perth``), never splitting one across lines."""
    if any(label != _city(z) for z, label in labels.items()):
        lines = _pack([f"{label} {z}" for z, label in labels.items()], console().width - 9)
        for n, line in enumerate(lines):
            console().print(f"[dim]{'Also in:' if n == 0 else '':9}{esc(line)}[/]")


def _shift(iso: str, home_day: str) -> str:
    """``+1d``/``-1d`` when a time falls on another calendar day in its zone than in the home zone."""
    days = (date.fromisoformat(iso[:10]) - date.fromisoformat(home_day)).days
    return f"{days:+d}d" if days else ""


def _zone_times(post: dict[str, Any], labels: dict[str, str], home_day: str) -> list[str]:
    """``['PER 15:00', 'AUC 01:00+1d']``: the post's time in each extra zone, compactly."""
    return [f"{label} {post['times'][z][11:16]}{_shift(post['times'][z], home_day)}" for z, label in labels.items()]


def _pack(items: list[str], width: int) -> list[str]:
    """Join items with ' · ' into lines of at most ``width`` characters (an item is never split)."""
    lines: list[str] = []
    for item in items:
        if lines and len(lines[-1]) + 3 + len(item) <= width:
            lines[-1] += " · " + item
        else:
            lines.append(item)
    return lines


def _special(item: dict[str, Any]) -> str:
    """``ANZAC Day (AU-NSW, AU-VIC, NZ)`` for a holiday, ``Click Frenzy (sales)`` for a key date."""
    style = HOLIDAY_STYLE if item["kind"] == "holiday" else KEY_DATE_STYLE
    where = ", ".join(item["regions"]) or item["kind"]
    return f"[{style}]{esc(item['name'])} ({esc(where)})[/]"


def _day_label(day: dict[str, Any]) -> str:
    return f"{day['weekday']} {day['date'][8:]}/{day['date'][5:7]}"


@app.command("agenda")
def agenda(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", "-d", min=1, max=366, help="How many days to show.")] = 7,
    from_: Annotated[str | None, typer.Option("--from", help="First day (default: today).", show_default=False)] = None,
    zones: ZonesOpt = None,
    home_only: HomeOnlyOpt = False,
    json_: JsonOpt = False,
) -> None:
    """Upcoming posts day by day, with public holidays, key dates and times in the home and display zones.

    Example: [bold]contentops cal agenda --days 14 --zones Australia/Perth,Pacific/Auckland[/]
    """
    from ..views import days_view

    ws = workspace(ctx)
    data = days_view(ws, day_arg(from_, ws) or today(ws), days, _zones(zones, home_only))
    if json_:
        print_json(data)
        return
    table, labels = _agenda_table(data)
    console().print(table)
    _codes_legend(labels)
    _footer(data)


def _agenda_table(data: dict[str, Any]) -> tuple[Table, dict[str, str]]:
    """One row per holiday, key date and post. The extra zones share one column (one Rich column per zone
    would cost about 6 ms per zone for a busy week): side by side under their city names when the terminal
    is wide enough, else one short label per line. Returns the table and the zones' labels."""
    from rich.table import Table

    home, extra = data["zones"][0], data["zones"][1:]
    rows: list[tuple[dict[str, Any], dict[str, Any] | None, str]] = []  # (day, post or None, title markup)
    for day in data["days"]:
        rows += [(day, None, _special(s)) for s in day["special"]]
        rows += [(day, p, esc(p["title"])) for p in day["posts"]]
    posts = [(day["date"], p) for day, p, _ in rows if p is not None]

    def wide_time(post: dict[str, Any], zone: str, day: str) -> str:
        shift = _shift(post["times"][zone], day)
        return post["times"][zone][11:16] + (f" ({shift})" if shift else "")

    zone_widths = {z: max([len(_city(z)), *(len(wide_time(p, z, d)) for d, p in posts)]) for z in extra}
    widths = [
        9,
        max(len(_city(home)), 5),
        sum(zone_widths.values()) + 2 * len(extra),
        max([2, *(len(str(p["id"])) for _, p in posts)]),
        max([6, *(len(p["status"]) for _, p in posts)]),
        MIN_TITLE_WIDTH,
    ]
    wide = sum(widths) + 3 * len(widths) + 1 <= console().width

    def side_by_side(texts: list[str]) -> str:
        return "  ".join(f"{text:<{width}}" for text, width in zip(texts, zone_widths.values(), strict=True)).rstrip()

    t = Table(header_style="bold", title=f"Agenda {data['start']} to {data['end']}", title_justify="left")
    t.add_column("Day", no_wrap=True)
    t.add_column(_city(home), no_wrap=True)
    if extra:
        t.add_column(side_by_side([_city(z) for z in extra]) if wide else "Elsewhere", no_wrap=True, style="dim")
    t.add_column("ID", justify="right")
    t.add_column("Status")
    t.add_column("Title", overflow="fold", ratio=1)
    for i, (day, post, title) in enumerate(rows):
        first = i == 0 or rows[i - 1][0] is not day
        last = i == len(rows) - 1 or rows[i + 1][0] is not day
        if post is None:
            cells = ["", *([""] if extra else []), "", ""]
        else:
            if wide:
                elsewhere = side_by_side([wide_time(post, z, day["date"]) for z in extra])
            else:
                elsewhere = "\n".join(_zone_times(post, _codes(extra), day["date"]))
            cells = [post["local_time"], *([elsewhere] if extra else []), str(post["id"]), status_text(post["status"])]
        t.add_row(_day_label(day) if first else "", *cells, title, end_section=last)
    return t, {z: _city(z) for z in extra} if wide else _codes(extra)


def _footer(data: dict[str, Any]) -> None:
    total = sum(len(d["posts"]) for d in data["days"])
    msg = f"[dim]{total} post{'s' if total != 1 else ''} in view"
    if data["unscheduled"]:
        n = data["unscheduled"]
        msg += f"; {n} open post{'s' if n != 1 else ''} without a time ('contentops post list')"
    console().print(msg + "[/]")


def _cell(
    day: dict[str, Any], heading: str, limit: int = MAX_PER_CELL, labels: dict[str, str] | None = None, width: int = 0
) -> str:
    """A grid cell: the heading, the day's holidays and key dates, then its posts, each followed by its
    times in the zones of ``labels`` packed into lines of ``width``."""
    lines = [heading] if heading else []
    lines += [_special(s) for s in day["special"]]
    for p in day["posts"][:limit]:
        lines.append(
            f"{status_text(p['status']).replace(p['status'], p['local_time'])} {esc(p['title'])} [dim]#{p['id']}[/]"
        )
        lines += [f"[dim]{line}[/]" for line in _pack(_zone_times(p, labels or {}, day["date"]), width)]
    if len(day["posts"]) > limit:
        lines.append(f"[dim]+{len(day['posts']) - limit} more[/]")
    return "\n".join(lines)


@app.command("week")
def week(
    ctx: typer.Context,
    day: Annotated[
        str | None, typer.Argument(help="Any day of the week to show (default: this week).", show_default=False)
    ] = None,
    zones: ZonesOpt = None,
    home_only: HomeOnlyOpt = False,
    json_: JsonOpt = False,
) -> None:
    """A 7-day grid (Monday to Sunday): holidays, key dates, and posts coloured by status with
    their times in the display zones.

    Example: [bold]contentops cal week 4/12 --zones Australia/Perth[/]
    """
    ws = workspace(ctx)
    if json_:
        from ..views import week_view

        print_json(week_view(ws, day_arg(day, ws) or today(ws), _zones(zones, home_only)))
        return
    render_week(ws, day_arg(day, ws), _zones(zones, home_only))


def render_week(ws: Workspace, day: date | None, zones: list[str] | None = None) -> None:
    """Print the week holding ``day`` (default: this week); ``zones`` as for ``views.days_view``."""
    from rich.table import Table

    from ..views import week_view

    now_day = today(ws)
    data = week_view(ws, day or now_day, zones)
    t = Table(title=f"Week of {data['start']} ({data['zone']})", title_justify="left", show_lines=True, expand=True)
    for d in data["days"]:
        style = "bold reverse" if d["date"] == now_day.isoformat() else "bold"
        t.add_column(f"[{style}]{_day_label(d)}[/]", overflow="fold", ratio=1)
    width = (console().width - 8 - 7 * 2) // 7  # 8 borders, 1 space of padding either side of each cell
    labels = _labels(data["zones"][1:], width)
    t.add_row(*[_cell(d, "", limit=12, labels=labels, width=width) for d in data["days"]])
    console().print(t)
    _codes_legend(labels)
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
    """A month grid, one row per week: holidays, key dates and posts coloured by status (home zone times).

    Example: [bold]contentops cal month 2026-12[/]
    """
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

    items = [*STATUS_STYLE.items(), ("holiday", HOLIDAY_STYLE), ("key date", KEY_DATE_STYLE)]
    console().print("  ".join(f"[{style}]{name}[/]" for name, style in items))


from . import check as _check  # noqa: E402

app.command("check")(_check.check)

from . import exchange as _exchange  # noqa: E402

app.command("export")(_exchange.export)
app.command("import")(_exchange.import_)
