"""``contentops post ...``: add, list, show, edit, move, remove, and the review workflow."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import (
    ByOpt,
    JsonOpt,
    TzOpt,
    console,
    day_arg,
    esc,
    now,
    print_json,
    short_when,
    status_text,
    when_text,
    wide,
    workspace,
)

app = typer.Typer(no_args_is_help=True, add_completion=False)

IdArg = Annotated[str, typer.Argument(help="Post id (from 'contentops post list').", show_default=False)]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When to post: '2026-12-04 18:00', 'fri 6pm', 'tomorrow 9:30', 'next monday 18:00', "
        "'4/12 6pm' (day first).",
        show_default=False,
    ),
]
HashtagOpt = Annotated[
    list[str] | None,
    typer.Option("--hashtag", "-t", help="A hashtag (repeat, or separate with commas).", show_default=False),
]
NoteOpt = Annotated[str | None, typer.Option("--note", "-n", help="A note kept in the post's log.", show_default=False)]


def _show(post: dict[str, Any]) -> None:
    from rich.table import Table

    t = Table(show_header=False, box=None, pad_edge=False)
    t.add_column(style="bold")
    t.add_column(overflow="fold")
    t.add_row("Post", f"{post['id']}  {esc(post['title'])}")
    t.add_row("Status", status_text(post["status"]))
    t.add_row("When", f"{when_text(post['at'])}  [dim]{post['tz']}[/]")
    for label, key in (
        ("Pillar", "pillar"),
        ("Campaign", "campaign"),
        ("Owner", "owner"),
        ("Video", "video"),
        ("Cover", "cover"),
        ("URL", "url"),
    ):
        if post.get(key):
            t.add_row(label, esc(post[key]))
    if post["caption"]:
        t.add_row("Caption", esc(post["caption"]))
    if post["hashtags"]:
        t.add_row("Hashtags", esc(" ".join(post["hashtags"])))
    if post["assets"]:
        t.add_row("Assets", ", ".join(map(str, post["assets"])) + "  [dim](contentops asset show ID)[/]")
    if post["approved_by"]:
        t.add_row("Approved", f"by {esc(post['approved_by'])}, {when_text(post['approved_at'])}")
    for entry in post["log"]:
        note = f" - {esc(entry['note'])}" if entry.get("note") else ""
        t.add_row(
            "[dim]log[/]", f"[dim]{when_text(entry['at'], False)} {esc(entry['by'])}: {esc(entry['action'])}[/]{note}"
        )
    console().print(t)


def _table(posts: list[dict[str, Any]], home: str) -> None:
    from rich.table import Table

    extra = wide()  # pillar, campaign and owner only where there is room; 'post show' has them all
    t = Table(header_style="bold")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("When", no_wrap=True)
    t.add_column("Status", no_wrap=True)
    t.add_column("Title", overflow="fold", ratio=1, min_width=16)
    for name in ("Pillar", "Campaign", "Owner") if extra else ():
        t.add_column(name, overflow="fold")
    for p in posts:
        cells = [str(p["id"]), short_when(p["at"], p["tz"], home), status_text(p["status"]), esc(p["title"])]
        if extra:
            cells += [esc(p["pillar"] or ""), esc(p["campaign"] or ""), esc(p["owner"] or "")]
        t.add_row(*cells)
    console().print(t)
    console().print(f"[dim]{len(posts)} post{'s' if len(posts) != 1 else ''} (times in {home} unless marked)[/]")


@app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="Working title of the post.", show_default=False)],
    at: AtOpt = None,
    tz: TzOpt = None,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="Content pillar (see contentops.toml).")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", "-c", help="Campaign name.")] = None,
    caption: Annotated[str, typer.Option("--caption", help="Caption text.")] = "",
    hashtag: HashtagOpt = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="Who makes this post.")] = None,
    video: Annotated[str | None, typer.Option("--video", help="Path of the video file.")] = None,
    idea: Annotated[bool, typer.Option("--idea", help="Start as an idea instead of a draft.")] = False,
    tags: Annotated[
        str | None, typer.Option("--tags", help="Add the hashtags of this set ('contentops tags list').")
    ] = None,
    template: Annotated[
        str | None, typer.Option("--template", help="Fill the caption from this template ('contentops template list').")
    ] = None,
    var: Annotated[
        list[str] | None, typer.Option("--var", help="A template variable as NAME=VALUE (repeat).", show_default=False)
    ] = None,
    by: ByOpt = None,
) -> None:
    """Add a post; prints its id. Without --at it is unscheduled.

    Example: contentops post add "Summer drop teaser" --at "fri 6pm" -p announcement -t SummerDrop

    Example: contentops post add "Gig night" --at "sat 7pm" --tags summer --template promo --var offer="2 for 1"
    """
    from ..calendar_ops import add_post
    from ..reuse import parse_vars

    post = add_post(
        workspace(ctx),
        title,
        now=now(),
        at=at,
        tz=tz,
        pillar=pillar,
        campaign=campaign,
        caption=caption,
        hashtags=hashtag or [],
        owner=owner,
        video=video,
        idea=idea,
        actor=by,
        tags=tags,
        template=template,
        variables=parse_vars(var or []),
    )
    typer.echo(post["id"])


@app.command("list")
def list_(
    ctx: typer.Context,
    from_: Annotated[str | None, typer.Option("--from", help="First day (2026-12-01, today, fri, 1/12).")] = None,
    to: Annotated[str | None, typer.Option("--to", help="Last day, included.")] = None,
    status: Annotated[str | None, typer.Option("--status", "-s", help="Only this status.")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", "-c", help="Only this campaign.")] = None,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="Only this pillar.")] = None,
    json_: JsonOpt = False,
) -> None:
    """List posts by time (unscheduled last). With --from/--to only scheduled ones in that range."""
    from ..calendar_ops import list_posts

    ws = workspace(ctx)
    posts = list_posts(
        ws, start=day_arg(from_, ws), end=day_arg(to, ws), status=status, campaign=campaign, pillar=pillar
    )
    if json_:
        print_json(posts)
    else:
        _table(posts, ws.config.zone)


@app.command("show")
def show(ctx: typer.Context, post_id: IdArg, json_: JsonOpt = False) -> None:
    """Show one post with its log of changes and reviews."""
    from ..calendar_ops import parse_post_id, show_post

    post = show_post(workspace(ctx), parse_post_id(post_id))
    if json_:
        print_json(post)
    else:
        _show(post)


@app.command("edit")
def edit(
    ctx: typer.Context,
    post_id: IdArg,
    title: Annotated[str | None, typer.Option("--title", help="New title.")] = None,
    caption: Annotated[str | None, typer.Option("--caption", help="New caption.")] = None,
    hashtag: Annotated[list[str] | None, typer.Option("--hashtag", "-t", help="Replace all hashtags (repeat).")] = None,
    add_hashtag: Annotated[list[str] | None, typer.Option("--add-hashtag", help="Add a hashtag.")] = None,
    remove_hashtag: Annotated[list[str] | None, typer.Option("--remove-hashtag", help="Remove a hashtag.")] = None,
    pillar: Annotated[str | None, typer.Option("--pillar", "-p", help="New pillar ('' clears it).")] = None,
    campaign: Annotated[str | None, typer.Option("--campaign", "-c", help="New campaign ('' clears it).")] = None,
    owner: Annotated[str | None, typer.Option("--owner", "-o", help="New owner ('' clears it).")] = None,
    video: Annotated[str | None, typer.Option("--video", help="New video path ('' clears it).")] = None,
    at: AtOpt = None,
    tz: TzOpt = None,
    unschedule: Annotated[bool, typer.Option("--unschedule", help="Remove the post's time.")] = False,
    asset: Annotated[
        list[str] | None, typer.Option("--asset", help="Link an asset ('contentops asset list'; repeat).")
    ] = None,
    no_asset: Annotated[list[str] | None, typer.Option("--no-asset", help="Unlink an asset (repeat).")] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Change a post. Editing the title, caption, hashtags or video of an approved or
    scheduled post sends it back to review; linking assets does not.

    Example: contentops post edit 12 --asset 3 --asset 4 --no-asset 2
    """
    from ..assets import parse_asset_id
    from ..calendar_ops import edit_post, parse_post_id

    post, notes = edit_post(
        workspace(ctx),
        parse_post_id(post_id),
        now=now(),
        title=title,
        caption=caption,
        hashtags=hashtag,
        add_hashtags=add_hashtag or [],
        remove_hashtags=remove_hashtag or [],
        pillar=pillar,
        campaign=campaign,
        owner=owner,
        video=video,
        at=at,
        tz=tz,
        unschedule=unschedule,
        add_assets=[parse_asset_id(a) for a in asset or []],
        remove_assets=[parse_asset_id(a) for a in no_asset or []],
        actor=by,
    )
    if json_:
        print_json(post)
        return
    for note in notes:
        console().print(f"[yellow]{esc(note)}[/]")
    _show(post)


@app.command("move")
def move(
    ctx: typer.Context,
    post_id: IdArg,
    at: Annotated[
        str, typer.Option("--at", help="New time, e.g. 'fri 6pm' or '2026-12-04 18:00'.", show_default=False)
    ],
    tz: TzOpt = None,
    by: ByOpt = None,
) -> None:
    """Move a post to another time (its status stays)."""
    from ..calendar_ops import move_post, parse_post_id

    post = move_post(workspace(ctx), parse_post_id(post_id), at, now=now(), tz=tz, actor=by)
    console().print(f"Moved post {post['id']} to {when_text(post['at'])}")


@app.command("rm")
def rm(ctx: typer.Context, post_id: IdArg, by: ByOpt = None) -> None:
    """Remove a post ('contentops undo' brings it back)."""
    from ..calendar_ops import parse_post_id, remove_post

    post = remove_post(workspace(ctx), parse_post_id(post_id), now=now(), actor=by)
    console().print(f"Removed post {post['id']} '{esc(post['title'])}'. [dim]'contentops undo' brings it back.[/]")


def _workflow(action: str, doc: str, extra: bool = False) -> None:
    def command(ctx: typer.Context, post_id: IdArg, by: ByOpt = None, note: NoteOpt = None) -> None:
        from ..calendar_ops import parse_post_id, transition

        post = transition(workspace(ctx), parse_post_id(post_id), action, now=now(), by=by, note=note)
        console().print(f"Post {post['id']} is now {status_text(post['status'])}.")

    command.__doc__ = doc
    app.command(action)(command)


_workflow("submit", "Send an idea, draft or changed post for review.")
_workflow("approve", "Approve a post in review (records who and when).")
_workflow("request-changes", "Send a post back to its maker; say what to change with --note.")
_workflow("cancel", "Cancel a post that is not yet published.")


@app.command("schedule")
def schedule(
    ctx: typer.Context,
    post_id: IdArg,
    at: AtOpt = None,
    tz: TzOpt = None,
    by: ByOpt = None,
    note: NoteOpt = None,
) -> None:
    """Mark an approved post as scheduled; it needs a time in the future (give or change it with --at)."""
    from ..calendar_ops import parse_post_id, transition

    post = transition(workspace(ctx), parse_post_id(post_id), "schedule", now=now(), by=by, note=note, at=at, tz=tz)
    console().print(f"Post {post['id']} is now {status_text(post['status'])} for {when_text(post['at'])}.")


@app.command("publish")
def publish(
    ctx: typer.Context,
    post_id: IdArg,
    url: Annotated[
        str | None, typer.Option("--url", help="The TikTok video URL (required).", show_default=False)
    ] = None,
    by: ByOpt = None,
    note: NoteOpt = None,
) -> None:
    """Mark an approved or scheduled post as published, with its TikTok URL."""
    from ..calendar_ops import parse_post_id, transition

    post = transition(workspace(ctx), parse_post_id(post_id), "publish", now=now(), by=by, note=note, url=url)
    console().print(f"Post {post['id']} is now {status_text(post['status'])}: {esc(post['url'])}")
