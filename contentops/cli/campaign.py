"""``contentops campaign ...``: add, list and show campaigns."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, short_when, status_text, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)


def _goals(goals: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in goals.items())


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name, e.g. 'Summer Drop'.", show_default=False)],
    start: Annotated[str, typer.Option("--start", help="First day (2026-12-01 or 1/12).", show_default=False)],
    end: Annotated[str, typer.Option("--end", help="Last day, included.", show_default=False)],
    hashtag: Annotated[list[str] | None, typer.Option("--hashtag", "-t", help="Campaign hashtag (repeat).")] = None,
    goal: Annotated[
        list[str] | None, typer.Option("--goal", "-g", help="A target as METRIC=NUMBER, e.g. views=100000 (repeat).")
    ] = None,
    by: ByOpt = None,
) -> None:
    """Add a campaign with its dates, hashtags and goals."""
    from ..calendar_ops import add_campaign, parse_goals
    from .common import day_arg

    ws = workspace(ctx)
    campaign = add_campaign(
        ws,
        name,
        day_arg(start, ws),
        day_arg(end, ws),
        hashtags=hashtag or [],
        goals=parse_goals(goal or []),
        now=now(),
        actor=by,
    )
    console().print(f"Added campaign '{esc(campaign['name'])}' ({campaign['start']} to {campaign['end']}).")


@app.command("list")
def list_(ctx: typer.Context, json_: JsonOpt = False) -> None:
    """List campaigns with their post counts."""
    from rich.table import Table

    from ..calendar_ops import list_campaigns

    campaigns = list_campaigns(workspace(ctx))
    if json_:
        print_json(campaigns)
        return
    t = Table(header_style="bold")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("Name", overflow="fold", ratio=1, min_width=12)
    for col in ("Start", "End"):
        t.add_column(col, no_wrap=True)
    t.add_column("Hashtags", overflow="fold", ratio=1)
    t.add_column("Goals", overflow="fold", ratio=1)
    t.add_column("Posts", justify="right", no_wrap=True)
    for c in campaigns:
        t.add_row(
            str(c["id"]),
            esc(c["name"]),
            c["start"],
            c["end"],
            esc(" ".join(c["hashtags"])),
            _goals(c["goals"]),
            str(c["posts"]["total"]),
        )
    console().print(t)


@app.command("show")
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Campaign name or id.", show_default=False)],
    json_: JsonOpt = False,
) -> None:
    """Show a campaign, its posts and its results against its goals.

    Results add up the latest figures of the campaign's published posts:
    goals on views, likes, comments, shares, saves, reach, engagement,
    engagement_rate, followers (new followers from the posts) and posts (how
    many went out). Unknown figures show as ? and never count as 0.

    Example: contentops campaign show "Summer Sounds"
    """
    from rich.table import Table

    from ..report import campaign_report, count_text, rate_text

    campaign, posts, results = campaign_report(workspace(ctx), name, now=now())
    if json_:
        print_json({**campaign, "post_list": posts, "results": results})
        return
    out = console()
    out.print(f"[bold]{esc(campaign['name'])}[/]  {campaign['start']} to {campaign['end']}")
    if campaign["hashtags"]:
        out.print(f"Hashtags: {esc(' '.join(campaign['hashtags']))}")
    if campaign["goals"]:
        out.print(f"Goals: {_goals(campaign['goals'])}")
    by_status: dict[str, Any] = campaign["posts"]["by_status"]
    out.print(
        f"Posts: {campaign['posts']['total']}  " + "  ".join(f"{status_text(s)} {n}" for s, n in by_status.items())
    )
    figures = {row["id"]: row for row in results["posts"]}
    if posts:
        t = Table(header_style="bold")
        for col in ("ID", "When", "Status"):
            t.add_column(col, no_wrap=True, justify="right" if col == "ID" else "left")
        t.add_column("Title", overflow="fold", ratio=1, min_width=16)
        for col in ("Views", "Eng. rate"):
            t.add_column(col, no_wrap=True, justify="right")
        for p in posts:
            row = figures.get(p["id"])
            shown = (count_text(row["views"]), rate_text(row["engagement_rate"])) if row else ("", "")
            t.add_row(str(p["id"]), short_when(p["at"]), status_text(p["status"]), esc(p["title"]), *shown)
        out.print(t)
    totals = results["totals"]
    out.print(
        f"Results as of {short_when(results['as_of'])}: {totals['posts']} published, "
        f"views {count_text(totals['views'])}, engagement {count_text(totals['engagement'])}, "
        f"engagement rate {rate_text(totals['engagement_rate'])}"
    )
    if results["goals"]:
        g = Table(header_style="bold", title="Goals", title_justify="left")
        g.add_column("Goal", no_wrap=True)
        for col in ("Target", "Now", "Reached"):
            g.add_column(col, no_wrap=True, justify="right")
        for goal in results["goals"]:
            if not goal["measured"]:
                g.add_row(esc(goal["metric"]), f"{goal['goal']:,}", "[dim]not measured[/]", "")
                continue
            now_text = (
                rate_text(goal["current"]) if goal["metric"] == "engagement_rate" else count_text(goal["current"])
            )
            reached = (
                "?" if goal["percent"] is None else f"{goal['percent']:.0f}%" + (" reached" if goal["reached"] else "")
            )
            g.add_row(esc(goal["metric"]), f"{goal['goal']:,}", now_text, reached)
        out.print(g)
