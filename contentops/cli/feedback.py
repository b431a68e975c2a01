"""``contentops feedback ...``: community feedback: log and import comments, list them, flag what needs acting on."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, short_when, wide, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

IdArg = Annotated[str, typer.Argument(help="Feedback id (from 'contentops feedback list').", show_default=False)]
SENTIMENT_STYLE = {"positive": "green", "neutral": "white", "negative": "red"}


@app.callback()
def feedback() -> None:
    """Community feedback: what people said about posts, by sentiment and topic.

    Comments live in calendar/calendar.json (table feedback); each command is
    one change that 'contentops undo' reverts. The weekly report ('contentops
    metrics report') sums up the feedback dated in its week.
    """


def _render(items: list[dict[str, Any]], home: str) -> None:
    from rich.table import Table

    roomy = wide()  # a narrow terminal gets the post id, the sentiment and the comment
    t = Table(header_style="bold")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("When", no_wrap=True)
    t.add_column("Post", overflow="fold", max_width=28 if roomy else 5)
    if roomy:
        t.add_column("Author", overflow="fold", max_width=20)
    t.add_column("Sentiment", no_wrap=True)
    if roomy:
        t.add_column("Tags", overflow="fold", max_width=24)
    t.add_column("Comment", overflow="fold", ratio=1, min_width=20)
    for f in items:
        style = SENTIMENT_STYLE[f["sentiment"]]
        flag = "[bold red]flagged[/] " if f["flagged"] else ""
        post = f"{f['post']} {esc(f['post_title'] or '(removed)')}" if roomy else str(f["post"])
        cells = [str(f["id"]), short_when(f["at"]), post]
        cells += [esc(f["author"] or "-")] if roomy else []
        cells += [f"[{style}]{f['sentiment']}[/]"]
        cells += [esc(", ".join(f["tags"]))] if roomy else []
        t.add_row(*cells, flag + esc(f["text"]))
    console().print(t)
    flagged = sum(f["flagged"] for f in items)
    console().print(
        f"[dim]{len(items)} comment{'s' if len(items) != 1 else ''}, {flagged} flagged (times in {home})[/]"
    )


@app.command("add")
def add(
    ctx: typer.Context,
    post_id: Annotated[str, typer.Argument(help="The post the comment is about.", show_default=False)],
    text: Annotated[str, typer.Option("--text", help="What was said.", show_default=False)],
    sentiment: Annotated[
        str | None,
        typer.Option("--sentiment", "-s", help="positive, neutral or negative (default: neutral).", show_default=False),
    ] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", "-t", help="A topic, e.g. price (repeat, or separate with ; or ,).", show_default=False),
    ] = None,
    flag: Annotated[bool, typer.Option("--flag", help="Someone has to act on it (reply, fix, report).")] = False,
    author: Annotated[
        str | None, typer.Option("--author", help="Who said it, e.g. @sam.k.", show_default=False)
    ] = None,
    at: Annotated[
        str | None,
        typer.Option("--at", help="When it was said (default: now), e.g. 'yesterday 9pm'.", show_default=False),
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Log a comment on a post; prints its id.

    Tags are lower-cased ('Customer Service' becomes customer-service).
    A comment without --sentiment counts as neutral.

    Example: contentops feedback add 12 --text "Sold out in 5 minutes :(" -s negative -t tickets --flag --author @sam.k
    """
    from ..calendar_ops import parse_post_id
    from ..feedback import add_feedback

    item = add_feedback(
        workspace(ctx), parse_post_id(post_id), text, now=now(), sentiment=sentiment, tags=tag or [], flag=flag,
        author=author, at=at, actor=by,
    )  # fmt: skip
    if json_:
        print_json(item)
    else:
        typer.echo(item["id"])


@app.command("import")
def import_(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A .csv (or .json) file of comments.", show_default=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", "-n", help="Show what would be imported; write nothing.")
    ] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Import comments from a CSV file.

    Columns: post (id) or url (the TikTok link of the post's video), text,
    and optionally author, time (ISO, '21/11/2026 6pm' or 'yesterday 9pm',
    in the home zone unless it has an offset; default now), sentiment
    (positive, neutral or negative; default neutral), tags (separated by ;
    or |) and flag (yes/no, true/false, 1/0).

    Every row is checked first: one bad cell (an unknown post or url, an
    empty text, a bad sentiment or time) stops the import with its row and
    column, and nothing changes. Comments imported before (same post,
    author, time and text) are skipped, so importing a file again adds
    nothing. The file is one change, which 'contentops undo' reverts.

    Example: contentops feedback import comments.csv --dry-run
    """
    from pathlib import Path

    from ..feedback import import_feedback

    report = import_feedback(workspace(ctx), Path(file), now=now(), dry_run=dry_run, actor=by)
    if json_:
        print_json(report)
        return
    added, already = report["added"], report["already_imported"]
    if added:
        _render(added, workspace(ctx).config.zone)
    others = f"{already} already imported" if already else "none imported before"
    if report["dry_run"]:
        console().print(f"Dry run: would import {len(added)} of {report['rows']} rows ({others}). Nothing was written.")
    elif report["applied"]:
        console().print(
            f"Imported {len(added)} comment{'s' if len(added) != 1 else ''} ({others}). "
            "[dim]'contentops undo' reverts this import.[/]"
        )
    else:
        console().print(f"Nothing new to import: {others}.")


@app.command("list")
def list_(
    ctx: typer.Context,
    flagged: Annotated[bool, typer.Option("--flagged", help="Only flagged comments.")] = False,
    post: Annotated[str | None, typer.Option("--post", "-p", help="Only comments on this post.")] = None,
    sentiment: Annotated[
        str | None, typer.Option("--sentiment", "-s", help="Only positive, neutral or negative ones.")
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", "-t", help="Only comments with this tag.")] = None,
    json_: JsonOpt = False,
) -> None:
    """List comments, newest first.

    Example: contentops feedback list --flagged --sentiment negative
    """
    from ..calendar_ops import parse_post_id
    from ..feedback import list_feedback

    ws = workspace(ctx)
    items = list_feedback(
        ws, flagged=flagged, post_id=parse_post_id(post) if post is not None else None, sentiment=sentiment, tag=tag
    )
    if json_:
        print_json(items)
    else:
        _render(items, ws.config.zone)


def _flag(ctx: typer.Context, feedback_id: str, flagged: bool, by: str | None, json_: bool) -> None:
    from ..feedback import parse_feedback_id, set_flag

    item, changed = set_flag(workspace(ctx), parse_feedback_id(feedback_id), flagged, now=now(), actor=by)
    if json_:
        print_json(item)
        return
    state = "flagged" if flagged else "not flagged"
    console().print(f"Feedback {item['id']} on post {item['post']} is {state}" + ("." if changed else " already."))


@app.command("flag")
def flag(
    ctx: typer.Context,
    feedback_id: IdArg,
    off: Annotated[bool, typer.Option("--off", help="Take the flag off (the same as 'feedback unflag').")] = False,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Flag a comment: someone has to act on it.

    Example: contentops feedback flag 7
    """
    _flag(ctx, feedback_id, not off, by, json_)


@app.command("unflag")
def unflag(ctx: typer.Context, feedback_id: IdArg, by: ByOpt = None, json_: JsonOpt = False) -> None:
    """Take the flag off a comment once it has been dealt with.

    Example: contentops feedback unflag 7
    """
    _flag(ctx, feedback_id, False, by, json_)
