"""Running the command line in tests: Typer's CliRunner with the clock pinned.

Each test module makes one ``Cli`` with its own clock and binds the methods it uses::

    CLI = Cli(NOW)
    run, ok, run_json, refused = CLI.run, CLI.ok, CLI.run_json, CLI.refused

``CLI.at(other)`` runs a command at another time. A refused command is checked for its exit
code, one ``Error:`` line and at most one ``Hint:`` line on stderr, nothing on stdout, no
traceback, and a byte-identical ``calendar/calendar.json``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from typer.testing import CliRunner, Result

from contentops.cli.app import app
from contentops.workspace import Workspace

Env = dict[str, str | None]
runner = CliRunner()


def snapshot(ws: Workspace) -> bytes:
    """The calendar database as bytes (refused commands must leave it byte-identical)."""
    return ws.calendar_db.read_bytes()


@dataclass(frozen=True)
class Cli:
    """The command line with the clock pinned to ``now`` (``CONTENTOPS_NOW``; None leaves the clock alone).

    ``require_hint``: every failure checked by ``assert_error`` and ``refused`` must have its ``Hint:`` line."""

    now: str | None
    require_hint: bool = False

    def at(self, now: str | None) -> Cli:
        """The same command line with the clock pinned to ``now`` instead."""
        return replace(self, now=now)

    def invoke(self, *args: str, env: Env | None = None) -> Result:
        """Run ``contentops ARGS`` (no workspace given), with ``env`` on top of the pinned clock."""
        full_env: Env = {"CONTENTOPS_NOW": self.now} if self.now else {}
        full_env.update(env or {})
        return runner.invoke(app, list(args), env=full_env)

    def run(self, ws: Workspace, *args: str) -> Result:
        return self.invoke("--workspace", str(ws.root), *args)

    def ok(self, ws: Workspace, *args: str) -> Result:
        result = self.run(ws, *args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}"
        return result

    def run_json(self, ws: Workspace, *args: str) -> Any:
        return json.loads(self.ok(ws, *args, "--json").stdout)

    def add(self, ws: Workspace, title: str, *args: str) -> int:
        """``post add TITLE ARGS``; the new post's id."""
        out = self.ok(ws, "post", "add", title, *args).stdout.strip()
        assert out.isdigit(), out
        return int(out)

    def assert_error(self, result: Result, code: int, *needles: str) -> None:
        """A user-facing failure: the exit code, one ``Error:`` line and at most one ``Hint:`` line on
        stderr (exactly one with ``require_hint``), nothing on stdout, no traceback, and each needle on stderr."""
        assert result.exit_code == code, f"expected exit {code}, got {result.exit_code}\n{result.output}"
        assert result.stderr.startswith("Error: "), result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert (len(lines) == 2) if self.require_hint else (len(lines) <= 2), result.stderr
        if len(lines) == 2:
            assert lines[1].startswith("Hint: "), result.stderr
        assert "Traceback" not in result.output
        assert result.stdout == ""
        for needle in needles:
            assert needle in result.stderr, f"{needle!r} not in {result.stderr!r}"

    def refused(self, ws: Workspace, code: int, *args: str, needles: tuple[str, ...] = ()) -> Result:
        """Run a command that must fail with ``code`` (see ``assert_error``) and change nothing on disk."""
        before = snapshot(ws)
        result = self.run(ws, *args)
        self.assert_error(result, code, *needles)
        assert snapshot(ws) == before, f"{args} changed calendar.json"
        return result
