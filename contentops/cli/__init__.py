"""The command line (Typer). ``main`` is the console script."""

from __future__ import annotations


def main() -> None:
    """Run ``contentops``. A Ctrl-C while it is still starting (importing, parsing the command line) exits
    130 quietly, like one during a command (which the root group handles: see app.py)."""
    import sys

    try:
        from .app import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted.\n")
        raise SystemExit(130) from None
