"""The one error family of contentops.

The library raises these; the CLI turns them into ``Error: ...`` / ``Hint: ...`` on
stderr and the exit code carried by the class (see DESIGN section 3).
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_FINDINGS = 3
EXIT_CONFLICT = 4
EXIT_INTERRUPTED = 130


class ContentOpsError(Exception):
    """Base class: a message for the user and an optional hint on how to fix it."""

    exit_code = EXIT_ERROR

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message} (hint: {self.hint})"


class UsageError(ContentOpsError):
    """The user asked for something malformed: a bad time, an unknown zone, a bad value."""

    exit_code = EXIT_USAGE


class NotFoundError(ContentOpsError):
    """A post, campaign or file that does not exist."""


class ValidationError(ContentOpsError):
    """Input that is well-formed but not acceptable (findings, rule violations)."""

    exit_code = EXIT_FINDINGS


class ConflictError(ContentOpsError):
    """The request conflicts with the current state (a refused transition, a duplicate)."""

    exit_code = EXIT_CONFLICT


class TransitionError(ConflictError):
    """A status change the workflow does not allow."""


class LockedError(ConflictError):
    """Another process holds the workspace lock for too long."""


class WorkspaceError(ContentOpsError):
    """No workspace, or a workspace whose settings are invalid."""


class StoreError(ContentOpsError):
    """The database file cannot be read or written safely."""


class CorruptStoreError(StoreError):
    """The database file is empty or not valid; it is left untouched."""


class SchemaError(StoreError):
    """The database file was written by a newer contentops."""


class MediaError(ContentOpsError):
    """A media file that cannot be used (missing, not a video, truncated) or an ffmpeg run that failed."""
