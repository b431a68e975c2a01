"""The root command: global options, the one error path, and the command groups.

Only typer is imported at module level here and in the command modules; the library,
Rich and heavy packages are imported inside the commands, so ``contentops --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from .. import __version__
from ..errors import EXIT_ERROR, EXIT_INTERRUPTED, ContentOpsError

TYPER_SETTINGS: dict[str, Any] = {
    "no_args_is_help": True,
    "add_completion": False,
    "pretty_exceptions_enable": False,
    "rich_markup_mode": "rich",
    "context_settings": {"help_option_names": ["-h", "--help"]},
}


class ContentOpsGroup(TyperGroup):
    """Turns library errors into ``Error:``/``Hint:`` lines and exit codes (DESIGN section 3)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (ContentOpsError, OSError) as exc:
            if (ctx.obj or {}).get("debug"):
                raise
            from .common import err_console, esc

            if isinstance(exc, ContentOpsError):
                message, hint, code = exc.message, exc.hint, exc.exit_code
            else:  # the file system said no: permissions, a full disk, a missing folder
                where = f": {exc.filename}" if exc.filename else ""
                message, hint, code = f"{exc.strerror or exc}{where}", None, EXIT_ERROR
            out = err_console()
            out.print(f"[bold red]Error:[/] {esc(message)}", soft_wrap=True)
            if hint:
                out.print(f"[yellow]Hint:[/] {esc(hint)}", soft_wrap=True)
            ctx.exit(code)
        except KeyboardInterrupt:
            from .common import err_console

            err_console().print("[yellow]Interrupted[/]: nothing more was changed.")
            ctx.exit(EXIT_INTERRUPTED)


app = typer.Typer(
    cls=ContentOpsGroup,
    help="Plan, produce and measure a brand's TikTok content: calendar, clips, covers and metrics.",
    epilog="Start with [bold]contentops demo[/], or [bold]contentops init DIR[/] for a new workspace.",
    **TYPER_SETTINGS,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"contentops {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    workspace: Annotated[
        str | None,
        typer.Option(
            "--workspace",
            "-w",
            help="Workspace folder (default: $CONTENTOPS_HOME, else the nearest folder up with contentops.toml).",
            show_default=False,
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks for errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    ctx.obj = {"workspace": workspace, "debug": debug}


def _register() -> None:
    from . import bulk, cal, campaign, post, slot, tags, template, workspace_cmds

    app.add_typer(post.app, name="post", help="Add, edit, review and publish posts.")
    app.add_typer(campaign.app, name="campaign", help="Campaigns: dates, hashtags and goals.")
    app.add_typer(cal.app, name="cal", help="Calendar views: agenda, week and month.")
    app.add_typer(slot.app, name="slot", help="Weekly posting slots and filling them with approved posts.")
    app.add_typer(bulk.app, name="bulk", help="Change many posts at once: shift, status, hashtags.")
    app.add_typer(tags.app, name="tags", help="Named hashtag sets.")
    app.add_typer(template.app, name="template", help="Caption templates with placeholders.")
    workspace_cmds.register(app)


_register()


def main() -> None:
    app(prog_name="contentops")
