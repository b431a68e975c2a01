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
