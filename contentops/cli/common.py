"""Shared CLI plumbing: the workspace, the clock, JSON and Rich output, option types."""

from __future__ import annotations

import json
import os
import sys
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

    from ..workspace import Workspace

STATUS_STYLE = {
    "idea": "dim",
    "draft": "white",
    "in-review": "yellow",
    "changes-requested": "magenta",
    "approved": "cyan",
    "scheduled": "blue",
    "published": "green",
    "cancelled": "dim strike",
}

JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON (stable keys, no colour) instead of a table.")]
ByOpt = Annotated[
    str | None, typer.Option("--by", help="Who does this (default: $CONTENTOPS_USER or your login name).")
]
LogoOpt = Annotated[bool, typer.Option("--logo/--no-logo", help="Put the brand kit's logo in its corner.")]
TzOpt = Annotated[
    str | None,
    typer.Option(
        "--tz", help="IANA zone the time is given in, e.g. Australia/Perth (default: the workspace's home zone)."
    ),
]


def state(ctx: typer.Context) -> dict[str, Any]:
    root = ctx.find_root()
    if root.obj is None:
        root.obj = {}
    return root.obj


def workspace(ctx: typer.Context) -> Workspace:
    from ..workspace import find_workspace

    st = state(ctx)
    if "ws" not in st:
        st["ws"] = find_workspace(st.get("workspace"))
    return st["ws"]


def now() -> datetime:
    """The clock. ``CONTENTOPS_NOW`` (ISO-8601 with offset) pins it for scripts and tests."""
    from ..errors import UsageError
    from ..timeutil import UTC, now_utc

    pinned = os.environ.get("CONTENTOPS_NOW")
    if not pinned:
        return now_utc()
    try:
        moment = datetime.fromisoformat(pinned)
    except ValueError:
        raise UsageError(
            f"CONTENTOPS_NOW={pinned!r} is not an ISO-8601 time", hint="e.g. 2026-11-22T09:00:00+11:00"
        ) from None
    if moment.tzinfo is None:
        raise UsageError("CONTENTOPS_NOW needs a UTC offset", hint="e.g. 2026-11-22T09:00:00+11:00")
    return moment.astimezone(UTC)


def today(ws: Workspace) -> date:
    from ..timeutil import get_zone

    return now().astimezone(get_zone(ws.config.zone)).date()


def day_arg(text: str | None, ws: Workspace) -> date | None:
    from ..timeutil import parse_day

    return None if text is None else parse_day(text, today(ws))


def console() -> Console:
    """Standard output as Rich sees it now (width, NO_COLOR and terminal are read each time)."""
    from rich.console import Console

    return Console(highlight=False, emoji=False)


def err_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, emoji=False)


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def status_text(status: str) -> str:
    return f"[{STATUS_STYLE.get(status, 'white')}]{status}[/]"


def when_text(iso: str | None, with_zone: bool = True) -> str:
    """``2026-12-04T18:00:00+11:00`` -> ``Fri 04 Dec 2026 18:00 (+11:00)``; ``-`` when unscheduled."""
    if not iso:
        return "[dim]unscheduled[/]"
    moment = datetime.fromisoformat(iso)
    text = moment.strftime("%a %d %b %Y %H:%M")
    if with_zone:
        text += f" [dim]{moment.strftime('%z')[:3]}:{moment.strftime('%z')[3:]}[/]"
    return text


def short_when(iso: str | None, zone: str | None = None, home: str | None = None) -> str:
    """``2026-12-04T18:00:00+11:00`` -> ``Fri 04/12 18:00`` for tables; the zone's city is added
    when the time is in another zone than the home one (``Fri 04/12 18:00 Perth``)."""
    if not iso:
        return "[dim]unscheduled[/]"
    text = datetime.fromisoformat(iso).strftime("%a %d/%m %H:%M")
    if zone and home and zone != home:
        text += f" [dim]{zone.rsplit('/', 1)[-1].replace('_', ' ')}[/]"
    return text


def wide() -> bool:
    """Room for the optional columns of a table (narrow terminals get the essential ones)."""
    return console().width >= 110


def esc(text: Any) -> str:
    from rich.markup import escape

    return escape("" if text is None else str(text))


def done(message: str) -> None:
    console().print(message)


class _NoProgress:
    """What ``progress_bar`` gives off a terminal: the calls of a Rich ``Progress`` that do nothing (and
    ``rich.progress``, about 40 ms to import, is not loaded)."""

    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> int:
        return 0

    def update(self, *args: Any, **kwargs: Any) -> None:
        return None

    def remove_task(self, *args: Any, **kwargs: Any) -> None:
        return None


def progress_bar(label: str = "{task.description}") -> Progress:
    """A progress bar on stderr, shown only on a terminal (no bar, nor its blank line, in logs and pipes)."""
    errors = err_console()
    if not errors.is_terminal:
        return _NoProgress()  # type: ignore[return-value]
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(label), BarColumn(), TaskProgressColumn(), TimeElapsedColumn(), console=errors, transient=True
    )


def optional_workspace(ctx: typer.Context) -> Workspace | None:
    """The workspace when one is given (--workspace, $CONTENTOPS_HOME) or found upwards from here, else None."""
    import os
    from pathlib import Path

    from ..workspace import CONFIG_NAME, ENV_HOME

    here = Path.cwd().resolve()
    if state(ctx).get("workspace") or os.environ.get(ENV_HOME):
        return workspace(ctx)
    if any((folder / CONFIG_NAME).is_file() for folder in (here, *here.parents)):
        return workspace(ctx)
    return None
