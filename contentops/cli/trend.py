"""``contentops trend ...``: the trend log: sounds, hashtags, formats and challenges, and the posts that used them."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from .common import ByOpt, JsonOpt, console, esc, now, print_json, wide, workspace

app = typer.Typer(no_args_is_help=True, add_completion=False)

IdArg = Annotated[str, typer.Argument(help="Trend id (from 'contentops trend list').", show_default=False)]
PostArg = Annotated[str, typer.Argument(help="Post id (from 'contentops post list').", show_default=False)]
STATUS_STYLE = {"spotted": "cyan", "trying": "yellow", "used": "green", "expired": "dim"}
LOG_TEXT = {
    "spotted": "spotted",
    "status": "set to {status}",
    "use": "post {post_id} uses it ({status})",
    "unuse": "post {post_id} unlinked ({status})",
}


def _status(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


def _when(iso: str | None) -> str:
    from datetime import datetime

    return "-" if iso is None else datetime.fromisoformat(iso).strftime("%a %d/%m/%Y %H:%M")


def _posts_text(ids: list[int]) -> str:
    return " ".join(f"#{i}" for i in ids) or "-"


@app.callback()
def trend() -> None:
    """The trend log: sounds, hashtags, formats and challenges worth jumping on.

    Log a trend when you spot it, mark it trying while you make something
    with it, link the posts that use it (which marks it used), and expire it
    when it is over. The weekly report (contentops metrics report) lists the
    trends spotted and used that week with the figures of their posts.
    """


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The sound, hashtag, format or challenge.", show_default=False)],
    kind: Annotated[str, typer.Option("--kind", "-k", help="sound, hashtag, format or challenge.", show_default=False)],
    url: Annotated[
        str | None, typer.Option("--url", help="A link to it (http or https), e.g. the sound's page.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", "-r", help="Where it is trending: AU, NZ or ANZ.", show_default=False)
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help="Why it matters, how to use it.", show_default=False)
    ] = None,
    by: ByOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Log a trend, spotted now.

    A hashtag is kept as #Tag. A trend of the same kind and name that is not
    expired is refused: update that one instead.

    Example: contentops trend add SummerSounds --kind hashtag --region AU --note "Melbourne creators"
    """
    from ..trends import add_trend

    doc = add_trend(workspace(ctx), name, kind, now=now(), url=url, region=region, note=note, actor=by)
    if json_:
        print_json(doc)
        return
    console().print(f"Logged trend {doc['id']}: {esc(doc['name'])} ({doc['kind']}, {_status(doc['status'])}).")


@app.command("list")
def list_(
    ctx: typer.Context,
    active: Annotated[bool, typer.Option("--active", help="Only trends that are not expired.")] = False,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", help="Only this kind: sound, hashtag, format or challenge.")
    ] = None,
    json_: JsonOpt = False,
) -> None:
    """List the trends, newest first.

    Example: contentops trend list --active --kind sound
    """
    from rich.table import Table

    from ..trends import list_trends

    trends = list_trends(workspace(ctx), active=active, kind=kind)
    if json_:
        print_json(trends)
        return
    if not trends:
        console().print("No trends logged. [dim]Log one: contentops trend add SummerSounds --kind hashtag[/]")
        return
    roomy = wide()  # a narrow terminal gets the essential columns
    t = Table(header_style="bold")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("Trend", overflow="fold", ratio=1, min_width=16)
    for col in ("Kind", "Region", "Status", *(("Spotted",) if roomy else ()), "Posts"):
        t.add_column(col, no_wrap=col != "Posts", overflow="fold")
    if roomy:
        t.add_column("Note", overflow="fold", ratio=1)
    for d in trends:
        cells = [str(d["id"]), esc(d["name"]), d["kind"], d["region"] or "-", _status(d["status"])]
        cells += [_when(d["spotted_at"])] if roomy else []
        cells += [_posts_text(d["posts"])] + ([esc(d["note"] or "")] if roomy else [])
        t.add_row(*cells)
    console().print(t)


@app.command("show")
def show(ctx: typer.Context, trend_id: IdArg, json_: JsonOpt = False) -> None:
    """Show a trend, its log, and the posts that used it with their latest figures.

    Example: contentops trend show 3
    """
    from ..trends import parse_trend_id, show_trend

    doc = show_trend(workspace(ctx), parse_trend_id(trend_id))
    if json_:
        print_json(doc)
        return
    _print_trend(doc)


def _print_trend(doc: dict[str, Any]) -> None:
    from rich.table import Table

    from ..report import count_text, rate_text

    out = console()
    info = Table(show_header=False, box=None, pad_edge=False)
    info.add_column(style="bold")
    info.add_column(overflow="fold")
    info.add_row("Trend", f"{doc['id']}  {esc(doc['name'])}")
    info.add_row("Kind", doc["kind"])
    info.add_row("Status", _status(doc["status"]))
    info.add_row("Spotted", _when(doc["spotted_at"]))
    for label, key in (("Region", "region"), ("URL", "url"), ("Note", "note")):
        if doc[key]:
            info.add_row(label, esc(doc[key]))
    for e in doc["log"]:
        what = LOG_TEXT[e["action"]].format(**e)
        note = f" - {esc(e['note'])}" if e.get("note") else ""
        info.add_row("[dim]log[/]", f"[dim]{_when(e['at'])} {esc(e['by'])}: {esc(what)}[/]{note}")
    out.print(info)
    if not doc["post_list"]:
        out.print(f"No post uses it yet. [dim]Link one: contentops trend use {doc['id']} POST_ID[/]")
        return
    t = Table(header_style="bold", title="Posts that used it (latest figures)", title_justify="left")
    t.add_column("ID", justify="right", no_wrap=True)
    t.add_column("Title", overflow="fold", ratio=1, min_width=16)
    t.add_column("Status", no_wrap=True)
    t.add_column("Published", no_wrap=True)
    for col in ("Views", "Engagement", "Eng. rate"):
        t.add_column(col, justify="right", no_wrap=True)
    for p in doc["post_list"]:
        t.add_row(str(p["id"]), esc(p["title"] or "(removed)"), p["status"], _when(p["published_at"]),
                  count_text(p["views"]), count_text(p["engagement"]), rate_text(p["engagement_rate"]))  # fmt: skip
    totals = doc["totals"]
    t.add_row("", "[bold]All posts[/]", "", "", count_text(totals["views"]), count_text(totals["engagement"]),
              rate_text(totals["engagement_rate"]))  # fmt: skip
    out.print(t)
    out.print("[dim]Engagement = likes + comments + shares + saves; rate = engagement / views; ? = unknown.[/]")


@app.command("status")
def status(
    ctx: typer.Context,
    trend_id: IdArg,
    new_status: Annotated[str, typer.Argument(help="spotted, trying, used or expired.", show_default=False)],
    note: Annotated[str | None, typer.Option("--note", "-n", help="A note kept in the trend's log.")] = None,
    by: ByOpt = None,
) -> None:
    """Set a trend's status: spotted, trying, used or expired.

    Any order is allowed (a trend can come back). An expired trend takes no
    new posts.

    Example: contentops trend status 3 trying --note "Priya is drafting a duet"
    """
    from ..trends import parse_trend_id, set_status

    doc, old = set_status(workspace(ctx), parse_trend_id(trend_id), new_status, now=now(), note=note, actor=by)
    console().print(f"Trend {doc['id']} {esc(doc['name'])}: {_status(old)} -> {_status(doc['status'])}.")


@app.command("use")
def use(ctx: typer.Context, trend_id: IdArg, post_id: PostArg, by: ByOpt = None) -> None:
    """Link a post that uses the trend; the trend becomes used.

    Example: contentops trend use 3 12
    """
    from ..calendar_ops import parse_post_id
    from ..trends import parse_trend_id, use_trend

    doc, post = use_trend(workspace(ctx), parse_trend_id(trend_id), parse_post_id(post_id), now=now(), actor=by)
    console().print(f"Post {post['id']} '{esc(post['title'])}' uses trend {doc['id']} {esc(doc['name'])} "
                    f"(now {_status(doc['status'])}).")  # fmt: skip


@app.command("unuse")
def unuse(ctx: typer.Context, trend_id: IdArg, post_id: PostArg, by: ByOpt = None) -> None:
    """Unlink a post from a trend; a used trend left without posts goes back to trying.

    Example: contentops trend unuse 3 12
    """
    from ..calendar_ops import parse_post_id
    from ..trends import parse_trend_id, unuse_trend

    pid = parse_post_id(post_id)
    doc = unuse_trend(workspace(ctx), parse_trend_id(trend_id), pid, now=now(), actor=by)
    console().print(f"Post {pid} no longer uses trend {doc['id']} {esc(doc['name'])} "
                    f"(now {_status(doc['status'])}; posts: {_posts_text(doc['posts'])}).")  # fmt: skip
