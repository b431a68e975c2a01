"""``contentops bulk ...``: shift, change the status of, or retag many posts at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, day_arg, esc, now, print_json, short_when, status_text, workspace

if TYPE_CHECKING:
    from ..bulk import Selection

app = typer.Typer(no_args_is_help=True, add_completion=False)
tag_app = typer.Typer(no_args_is_help=True, add_completion=False)
app.add_typer(tag_app, name="tag", help="Add or remove hashtags on many posts.")

CampaignOpt = Annotated[str | None, typer.Option("--campaign", "-c", help="Posts of this campaign.")]
PillarOpt = Annotated[str | None, typer.Option("--pillar", "-p", help="Posts of this pillar.")]
StatusOpt = Annotated[str | None, typer.Option("--status", "-s", help="Posts with this status.")]
FromOpt = Annotated[str | None, typer.Option("--from", help="Posts on or after this day (2026-12-01, 1/12, fri).")]
ToOpt = Annotated[str | None, typer.Option("--to", help="Posts on or before this day.")]
AllOpt = Annotated[bool, typer.Option("--all", help="Every post (when no filter is given).")]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Show what would change; change nothing.")]
TagsArg = Annotated[list[str], typer.Argument(help="Hashtags, with or without '#'.", show_default=False)]
FILTERS_HELP = (
    "Pick posts with --campaign, --pillar, --status and --from/--to (all must match), or --all. "
    "The whole change is one entry in 'contentops history'; 'contentops undo' reverts all of it."
)


def _selection(
    ctx: typer.Context,
    campaign: str | None,
    pillar: str | None,
    status: str | None,
    from_: str | None,
    to: str | None,
    all_: bool,
) -> Selection:
    from ..bulk import Selection

    ws = workspace(ctx)
    return Selection(campaign, pillar, status, day_arg(from_, ws), day_arg(to, ws), all_)


def _value(field: str, value: Any) -> str:
    if field == "at":
        return short_when(value)
    if field == "status":
        return status_text(value)
    return esc(" ".join(value)) or "[dim]none[/]"


def _render(result: dict[str, Any], json_: bool) -> None:
    from rich.table import Table

    if json_:
        print_json(result)
        return
    out = console()
    if not result["matched"]:
        out.print("No posts match these filters; nothing changed.")
        return
    changed, skipped = result["changed"], result["skipped"]
    if changed:
        t = Table(
            header_style="bold",
            title=("Would change" if result["dry_run"] else "Changed") + f": {esc(result['operation'])}",
            title_justify="left",
        )
        t.add_column("ID", justify="right", no_wrap=True)
        t.add_column("Title", overflow="fold", ratio=1, min_width=14)
        for col in ("Before", "", "After", "Status"):
            t.add_column(col, overflow="fold", min_width=3 if not col else 9)
        for c in changed:
            status = status_text(c["status_after"])
            if c["status_after"] != c["status_before"] and c["field"] != "status":
                status = f"{status_text(c['status_before'])} -> {status}"
            t.add_row(str(c["id"]), esc(c["title"]), _value(c["field"], c["before"]), "->",
                      _value(c["field"], c["after"]), status)  # fmt: skip
        out.print(t)
    if skipped:
        t = Table(header_style="bold", title="Skipped (left as they are)", title_justify="left")
        t.add_column("ID", justify="right", no_wrap=True)
        t.add_column("Title", overflow="fold", ratio=1, min_width=14)
        t.add_column("Status", min_width=9)
        t.add_column("Why", overflow="fold", ratio=1)
        for s in skipped:
            t.add_row(str(s["id"]), esc(s["title"]), status_text(s["status"]), esc(s["reason"]))
        out.print(t)
    n = len(changed)
    posts = f"{n} post{'s' if n != 1 else ''}"
    if result["dry_run"]:
        out.print(f"[dim]Dry run: {posts} would change; nothing was changed. Run it again without --dry-run.[/]")
    elif n:
        out.print(f"Changed {posts} as one change. [dim]'contentops undo' reverts all of it.[/]")
    else:
        out.print("Nothing changed.")


@app.command(
    "shift",
    # '-3h' is an offset, not options: unknown short options stay arguments, and -h is not help here.
    context_settings={"ignore_unknown_options": True, "help_option_names": ["--help"]},
    epilog=FILTERS_HELP,
)
def shift(
    ctx: typer.Context,
    offset: Annotated[
        str, typer.Argument(help="+2d, -3h, +30m or +1w (weeks, days, hours, minutes).", show_default=False)
    ],
    campaign: CampaignOpt = None,
    pillar: PillarOpt = None,
    status: StatusOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    all_: AllOpt = False,
    dry_run: DryRunOpt = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Move many posts by an offset. Day and week shifts keep each post's local time (18:00
    stays 18:00 across daylight saving); hour and minute shifts move the instant. Unscheduled,
    published and cancelled posts are skipped; a scheduled post may not move into the past.

    Example: contentops bulk shift +2d --campaign "Summer Sounds" --dry-run
    """
    from ..bulk import shift_posts

    where = _selection(ctx, campaign, pillar, status, from_, to, all_)
    _render(shift_posts(workspace(ctx), offset, where, now=now(), dry_run=dry_run, actor=by), json_)


@app.command("status", epilog=FILTERS_HELP)
def status_(
    ctx: typer.Context,
    action: Annotated[
        str, typer.Argument(help="submit, approve, request-changes, schedule or cancel.", show_default=False)
    ],
    campaign: CampaignOpt = None,
    pillar: PillarOpt = None,
    status: StatusOpt = None,
    from_: FromOpt = None,
    to: ToOpt = None,
    all_: AllOpt = False,
    note: Annotated[str | None, typer.Option("--note", help="A note kept in each post's log.")] = None,
    dry_run: DryRunOpt = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Apply a review step to many posts. Posts where it is not allowed are skipped and left
    alone. Publishing needs each post's URL, so it is done one at a time ('post publish').

    Example: contentops bulk status approve --status in-review --campaign "Summer Sounds" --by Priya
    """
    from ..bulk import bulk_transition

    where = _selection(ctx, campaign, pillar, status, from_, to, all_)
    result = bulk_transition(workspace(ctx), action, where, now=now(), note=note, dry_run=dry_run, actor=by)
    _render(result, json_)


def _tag_command(remove: bool, doc: str) -> None:
    def command(
        ctx: typer.Context,
        tags: TagsArg,
        campaign: CampaignOpt = None,
        pillar: PillarOpt = None,
        status: StatusOpt = None,
        from_: FromOpt = None,
        to: ToOpt = None,
        all_: AllOpt = False,
        dry_run: DryRunOpt = False,
        by: ByOpt = None,
        json_: JsonOpt = False,
    ) -> None:
        from ..bulk import bulk_hashtags

        where = _selection(ctx, campaign, pillar, status, from_, to, all_)
        result = bulk_hashtags(workspace(ctx), tags, where, now=now(), remove=remove, dry_run=dry_run, actor=by)
        _render(result, json_)

    command.__doc__ = doc
    tag_app.command("rm" if remove else "add", epilog=FILTERS_HELP)(command)


_tag_command(
    False,
    """Add hashtags to many posts. Approved or scheduled posts whose hashtags change go back to
    review, as with 'post edit'; published and cancelled posts are skipped.

    Example: contentops bulk tag add SummerSounds NewMusic --campaign "Summer Sounds"
    """,
)
_tag_command(
    True,
    """Remove hashtags from many posts. Approved or scheduled posts whose hashtags change go back
    to review, as with 'post edit'; published and cancelled posts are skipped.

    Example: contentops bulk tag rm fyp --from 2026-12-01 --to 2026-12-31
    """,
)
