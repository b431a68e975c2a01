"""Crash-safe file writing: temp file in the same folder, fsync, ``os.replace``, fsync the folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

TEMP_SUFFIX = ".tmp"


class NotSyncedError(OSError):
    """The new content replaced the old, but the folder could not be synced to disk."""


def temp_prefix(path: Path) -> str:
    """Temp files for ``path`` are ``.<name>.<random>.tmp`` next to it (so cleanup can find them)."""
    return f".{path.name}."


def fsync_dir(folder: Path) -> None:
    if os.name != "posix":  # pragma: no cover - Windows has no directory fsync
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, before_replace=None) -> None:
    """Write ``data`` to ``path`` so that readers and crashes see the old or the new file, never a mix.

    ``before_replace`` runs after the new content is safely on disk and just before it
    replaces the old file (the store uses it to keep the old file as a backup).
    """
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, default_file_mode())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        fsync_dir(folder)
    except OSError as exc:
        raise NotSyncedError(exc.errno, exc.strerror, str(folder)) from exc


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def stray_temp_files(path: Path) -> list[Path]:
    """Temp files a killed writer of ``path`` may have left behind."""
    prefix = temp_prefix(path)
    try:
        return [p for p in path.parent.iterdir() if p.name.startswith(prefix) and p.name.endswith(TEMP_SUFFIX)]
    except (FileNotFoundError, NotADirectoryError):  # no folder, so nothing left in it
        return []


def size_text(n: float) -> str:
    """A file or disk size for people: ``512 bytes``, ``3.4 kB``, ``28.0 MB``, ``77.5 GB`` (units of 1024)."""
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("kB", 1024)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n:.0f} bytes"


def default_file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (``mkstemp`` gives 0600, unreadable to teammates)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
