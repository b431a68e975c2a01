"""The root command: global options, the one error path, and the command groups.

Only typer is imported at module level here and in the command modules; the library,
Rich and heavy packages are imported inside the commands, so ``contentops --help`` stays fast.
"""

from __future__ import annotations

from collections.abc import Callable
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


# Command groups, loaded only when used: building Typer's click commands for every group costs
# more than the rest of start-up (bench/startup.py). name -> (module in contentops.cli, help).
GROUPS: dict[str, tuple[str, str]] = {
    "post": ("post", "Add, edit, review and publish posts."),
    "campaign": ("campaign", "Campaigns: dates, hashtags and goals."),
    "cal": ("cal", "Calendar: agenda, week and month views, checks, export and import."),
    "slot": ("slot", "Weekly posting slots and filling them with approved posts."),
    "bulk": ("bulk", "Change many posts at once: shift, status, hashtags."),
    "tags": ("tags", "Named hashtag sets."),
    "template": ("template", "Caption templates with placeholders."),
    "clip": ("clip", "Video: probe sources, cut 9:16 clips with captions and logo, batch them, make recaps."),
    "thumb": ("thumb", "Branded cover thumbnails, for posts and in batches; contact sheets of videos."),
    "brand": ("brand", "The brand kit: show it, check it."),
    "metrics": ("metrics", "Post performance: log and import figures, weekly reports, best posting times."),
    "asset": ("asset", "Campaign material: register files, creator consent, link them to posts."),
    "trend": ("trend", "The trend log: sounds, hashtags, formats and challenges, and the posts that used them."),
    "feedback": ("feedback", "Community feedback: comments by post, sentiment, tags and flags."),
    "backup": ("backup", "The backups kept at every change; 'contentops restore' puts one back."),
}


class ContentOpsGroup(TyperGroup):
    """The root group: loads command groups lazily, and turns library errors into
    ``Error:``/``Hint:`` lines and exit codes (DESIGN section 3)."""

    _listing_only = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*GROUPS, *super().list_commands(ctx)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in GROUPS:
            return super().get_command(ctx, cmd_name)
        module, help_text = GROUPS[cmd_name]
        if self._listing_only:  # the root's --help needs only the name and help of each group
            return TyperGroup(name=cmd_name, help=help_text)
        if cmd_name not in self.commands:
            from importlib import import_module

            group = typer.main.get_command(import_module(f"contentops.cli.{module}").app)
            group.name, group.help = cmd_name, help_text
            self.commands[cmd_name] = group
        return self.commands[cmd_name]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing_only = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing_only = False

    def invoke(self, ctx: Any) -> Any:
        restore = _ctrl_c_once()
        try:
            return super().invoke(ctx)
        except BrokenPipeError:  # output piped into 'head' and the like: stop quietly
            import os
            import sys

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(EXIT_ERROR)
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
        finally:
            restore()


def _ctrl_c_once() -> Callable[[], None]:
    """Make Ctrl-C raise ``KeyboardInterrupt`` once, and ignore it from then on: a second Ctrl-C must not cut
    short the clean-up the first one started (ffmpeg killed, workers stopped, temp files removed, a batch's
    finished work saved) nor kill the process as it exits. Returns what puts the handler back when the
    command ends without a Ctrl-C (tests run many commands in one process). A process started with Ctrl-C
    ignored (a background job of a script) keeps ignoring it."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        return lambda: None

    def interrupt(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, interrupt)

    def restore() -> None:
        if signal.getsignal(signal.SIGINT) is interrupt:
            signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)

    return restore


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
    from . import workspace_cmds

    workspace_cmds.register(app)


_register()


def main() -> None:
    app(prog_name="contentops")
