"""``contentops metrics ...``: post performance: log, import, weekly reports, best posting times."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)


def _count(flag: str, text: str) -> Any:
    return typer.Option(flag, help=text, show_default=False)


@app.callback()
def metrics() -> None:
    """Post performance: log or import figures, weekly reports, best posting times.

    Figures live in calendar/metrics.json, apart from the plan.
    """


@app.command("log")
def log(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(help="The published post.", show_default=False)],
    views: Annotated[int | None, _count("--views", "Views so far.")] = None,
    likes: Annotated[int | None, _count("--likes", "Likes so far.")] = None,
    comments: Annotated[int | None, _count("--comments", "Comments so far.")] = None,
    shares: Annotated[int | None, _count("--shares", "Shares so far.")] = None,
    saves: Annotated[int | None, _count("--saves", "Saves (favourites) so far.")] = None,
    watch_time: Annotated[float | None, _count("--watch-time", "Average watch time, seconds.")] = None,
    full_watch: Annotated[float | None, _count("--full-watch", "Watched to the end, percent of views.")] = None,
    reach: Annotated[int | None, _count("--reach", "Accounts reached so far.")] = None,
    followers: Annotated[int | None, _count("--followers", "New followers from this post so far.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When the figures were read (default: now), e.g. 'yesterday 9am'.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Accept a count lower than an earlier one.")] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Log a published post's figures as TikTok shows them (totals so far).

    Counts only grow: a count lower than the one logged before is refused
    unless --force. Figures you leave out stay unknown (not zero).

    Example: contentops metrics log 12 --views 15200 --likes 1300 --comments 41 --shares 88 --saves 120
    """
    from ..calendar_ops import parse_post_id
    from ..metrics import FIELDS, log_metrics

    given = {"views": views, "likes": likes, "comments": comments, "shares": shares, "saves": saves,
             "reach": reach, "followers": followers, "watch_time": watch_time, "full_watch": full_watch}  # fmt: skip
    snap = log_metrics(workspace(ctx), parse_post_id(post_id), given, now=now(), at=at, force=force, actor=by)
    if json_:
        print_json(snap)
        return
    shown = ", ".join(f"{k.replace('_', ' ')} {v:,g}" for k, v in snap.items() if k in FIELDS and v is not None)
    console().print(f"Logged post {snap['post']} at {esc(snap['at'])}: {esc(shown)}")


@app.command("import")
def import_(
    ctx: typer.Context,
    files: Annotated[
        list[str],
        typer.Argument(help="CSV files, or the .zip files TikTok Studio downloads.", show_default=False),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be imported; write nothing.")
    ] = False,
    year: Annotated[
        int | None,
        typer.Option(
            "--year",
            help="Put dates written without a year in this year (default: the latest year that keeps them "
            "on or before the export day).",
            show_default=False,
        ),
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When the files were exported (default: now), e.g. '2027-01-03 09:00'."),
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Import TikTok Studio analytics exports, or contentops' own metrics CSV.

    Reads Overview.csv and FollowerHistory.csv (account figures per day),
    FollowerActivity.csv (active followers per hour), Content.csv (a snapshot
    per video whose link matches a published post's url, taken at the export
    time --at) and contentops' own CSV (post or url, at, views, likes, ...),
    alone or in their zip files. 'undefined' means unknown, never zero.

    Dates without a year ('August 9') take the latest year that does not put
    them after the export: give --at for an export made earlier than now.

    Every row is checked first: a bad cell stops the import with its file,
    row and column, and nothing is written. Importing a file again adds
    nothing. Rows of videos with no post are listed, and do not stop it.

    Example: contentops metrics import ~/Downloads/Content_brand.anz.zip --at 'today 9am' --dry-run
    """
    from pathlib import Path

    from ..metrics_import import import_metrics

    report = import_metrics(
        workspace(ctx), [Path(f) for f in files], now=now(), at=at, year=year, dry_run=dry_run, actor=by
    )
    if json_:
        print_json(report)
        return
    _render_import(report)


def _render_import(report: dict[str, Any]) -> None:
    from rich.table import Table

    from ..metrics_import import written_text
    from .common import when_text

    out = console()
    files = Table(header_style="bold", title=f"Export of {when_text(report['at'])}", title_justify="left")
    for name, justify in (("File", "left"), ("Kind", "left"), ("Rows", "right"), ("New", "right"),
                          ("Already imported", "right"), ("Unmatched", "right")):  # fmt: skip
        files.add_column(name, justify=justify, overflow="fold")  # type: ignore[arg-type]
    for f in report["files"]:
        files.add_row(esc(f["file"]), f"{f['kind']} -> {f['table']}", str(f["rows"]), str(f["new"]),
                      str(f["already_imported"]), str(len(f["unmatched"])))  # fmt: skip
    out.print(files)
    unmatched = [(f["file"], u) for f in report["files"] for u in f["unmatched"]]
    if unmatched:
        table = Table(header_style="bold", title="Unmatched rows (not imported)", title_justify="left")
        for name in ("File", "Row", "Video id", "Title", "Why"):
            table.add_column(name, overflow="fold", justify="right" if name == "Row" else "left")
        for file, u in unmatched:
            table.add_row(esc(file), str(u["row"]), esc(u["video_id"] or "-"), esc(u["title"] or "-"), esc(u["reason"]))
        out.print(table)
    for f in report["files"]:
        for note in f["notes"]:
            out.print(f"[dim]{esc(f['file'])}: {esc(note)}[/]")
    for s in report["skipped"]:
        out.print(f"[dim]{esc(s['file'])}: skipped, {esc(s['reason'])}[/]")
    counts = written_text(report["written"])
    already = report["already_imported"]
    others = f"{already} row{'s' if already != 1 else ''} already imported, {report['unmatched']} unmatched"
    if report["dry_run"]:
        out.print(f"Dry run: would import {counts} ({others}). Nothing was written.")
    elif report["applied"]:
        out.print(f"Imported {counts} ({others}). [dim]'contentops undo' reverts this import.[/]")
    else:
        out.print(f"Nothing new to import: {others}.")


@app.command("report")
def report(
    ctx: typer.Context,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            "-w",
            help="ISO week (2026-W48) or a day in it (default: last week).",
            show_default=False,
        ),
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="First day, instead of a week (2026-11-01, 1/11).", show_default=False)
    ] = None,
    to: Annotated[
        str | None, typer.Option("--to", help="Last day, included (default: today).", show_default=False)
    ] = None,
    by: Annotated[str, typer.Option("--by", help="Group the results table by pillar or campaign.")] = "pillar",
    format_: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, md, csv, html or json (default: table; with -o, the file's extension).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        str | None, typer.Option("--out", "-o", help="Write the report to this file (atomically).", show_default=False)
    ] = None,
    chart: Annotated[
        str | None,
        typer.Option("--chart", help="Also write a PNG chart of daily views and engagement.", show_default=False),
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """Weekly report: totals against the week before, the posts, top posts,
    results by pillar or campaign, plan adherence and the best posting hours.

    A week runs Monday to Sunday in the home zone; the default is last week
    (a Monday meeting looks back). A week's gains count every post, older ones
    too; the posts that went out show their figures as of the week's end.
    Engagement = likes + comments + shares + saves; engagement rate =
    engagement / views (per follower: / the account's followers). Unknown
    figures show as ? and never count as 0. A post is on time when it went out
    at most 15 minutes from its planned time.

    [bold]md[/] pastes into a chat or a doc; [bold]csv[/] is the posts table for Excel;
    [bold]html[/] is one file with the chart inside, to send as it is; [bold]json[/]
    (or --json) has stable keys for scripts, and both group tables.

    Example: contentops metrics report --week 2026-W47 -o week47.html --chart week47.png
    """
    import sys
    from pathlib import Path

    from ..errors import UsageError
    from ..report import metrics_report

    if json_:
        if format_ not in (None, "json"):
            raise UsageError(f"--json and --format {format_} disagree", hint="give one of them")
        format_ = "json"
    result = metrics_report(
        workspace(ctx), now=now(), week=week, date_from=from_, date_to=to, by=by, fmt=format_,
        out=Path(out) if out else None, chart=Path(chart) if chart else None,
    )  # fmt: skip
    if result.format == "table":
        print_sections(result.sections)
    elif out is None and result.data is not None:
        sys.stdout.flush()
        sys.stdout.buffer.write(result.data)
        sys.stdout.buffer.flush()
    from .common import err_console

    notes = console() if out is not None or result.format == "table" else err_console()
    for path in result.written:
        notes.print(f"Wrote {esc(path)}")


def print_sections(sections: list[Any]) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    hidden = ("" if out.width >= 150 else "d") + ("" if out.width >= 110 else "o")  # the other formats have them
    for i, section in enumerate(sections):
        out.print(f"[bold]{esc(section.title)}[/]" if i else f"[bold reverse] {esc(section.title)} [/]")
        for note in section.notes:
            out.print(esc(note))
        if section.columns:
            shown = [k for k, kind in enumerate(section.kinds) if kind not in hidden]
            table = Table(header_style="bold", box=box.SIMPLE_HEAD, pad_edge=False)
            for k in shown:
                kind = section.kinds[k]
                table.add_column(esc(section.columns[k]), justify="right" if kind in "nd" else "left",
                                 no_wrap=kind != "t", min_width=24 if kind == "t" else None)  # fmt: skip
            for row in section.rows:
                table.add_row(*(esc(row[k]) for k in shown))
            out.print(table)
        out.print()


@app.command("best-times")
def best_times(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option("--weeks", help="How many weeks back to look.")] = 12,
    json_: JsonOpt = False,
) -> None:
    """When the account's own posts do best: an hour-of-week heatmap.

    Each cell is the mean engagement rate (%) of the posts that went out in
    that hour of that weekday (home zone) in the last --weeks weeks; . = no
    post. The top slots show how many posts each rests on: fewer than 3 is a
    hint, not a finding. When FollowerActivity exports have been imported,
    the hours with the most followers online are shown too.

    Example: contentops metrics best-times --weeks 8
    """
    from ..report import best_times as best_times_data

    data = best_times_data(workspace(ctx), now=now(), weeks=weeks)
    if json_:
        print_json(data)
        return
    _print_best_times(data)


HEAT = ("on grey23", "on dark_green", "on green4", "black on green3")  # low to high; NO_COLOR leaves the numbers


def _print_best_times(data: dict[str, Any]) -> None:
    from rich.table import Table

    from ..report import count_text, rate_text

    out = console()
    out.print(f"[bold]Engagement rate by the hour posts went out[/] ({esc(data['zone'])}, last {data['weeks']} weeks, "
              f"{data['posts']} posts)")  # fmt: skip
    rates = [c["engagement_rate"] for day in data["grid"] for c in day["hours"] if c["posts"]]
    high = max(rates, default=0) or 1
    grid = Table(box=None, padding=(0, 0), pad_edge=False, header_style="bold")
    grid.add_column("", no_wrap=True, min_width=4)
    for hour in range(24):
        grid.add_column(f"{hour:02d}", justify="right", width=3, no_wrap=True)
    for day in data["grid"]:
        cells = []
        for c in day["hours"]:
            if not c["posts"]:
                cells.append("[dim].[/]")
                continue
            level = HEAT[min(len(HEAT) - 1, int(c["engagement_rate"] / high * len(HEAT)))]
            cells.append(f"[{level}]{min(99, round(c['engagement_rate'])):>3}[/]")
        grid.add_row(day["weekday"], *cells)
    out.print(grid)
    out.print("[dim]Cells: mean engagement rate (%) of the posts that went out in that hour; . = no post.[/]")
    if data["top"]:
        top = Table(header_style="bold", title="Top slots", title_justify="left")
        for name in ("Slot", "Posts", "Eng. rate", "Avg views", ""):
            top.add_column(name, justify="left" if name in ("Slot", "") else "right", no_wrap=True)
        for s in data["top"]:
            top.add_row(f"{s['weekday']} {s['hour']:02d}:00", str(s["posts"]), rate_text(s["engagement_rate"]),
                        count_text(s["views"]), "few posts" if s["few"] else "")  # fmt: skip
        out.print(top)
    for note in data["notes"]:
        out.print(esc(note))
    if data["activity"]:
        busiest = sorted(data["activity"], key=lambda a: -a["active_followers"])[:5]
        hours = ", ".join(f"{a['hour']:02d}:00 ({count_text(a['active_followers'])})" for a in busiest)
        out.print(f"Followers online most (mean over the imported days): {hours}")
