"""``contentops doctor``: is everything contentops needs here, and is the workspace healthy?

Each check has a name, a status (``ok``, ``warning``, ``error``), a one-line detail and, when it is not
ok, a hint on how to fix it. Checks: the Python version; ffmpeg (found, its version, the filters and
encoders contentops uses); the fonts (the brand kit's and the packaged fallbacks); and, in a workspace,
its settings, brand kit, both database files, their locks, stray temp files, backups and free disk space.

Doctor changes nothing: it reads files, runs ``ffmpeg -version``/``-filters``/``-encoders`` (once each per
process, with a time limit), and tries each database lock without waiting (an existing lock file is opened,
never created or truncated, and let go at once). It never imports moviepy; Pillow is loaded only to read
the brand kit's font and logo files, as ``brand check`` does.

Disk space: an error below ``DISK_ERROR_BYTES`` (50 MB: a change to a big calendar may not fit, nor may
one rendered clip), a warning below ``DISK_WARNING_BYTES`` (500 MB: about a batch of clips and a recap)
or below ``DISK_DB_FACTOR`` (10) times the size of the database files (every change writes a whole new
copy and keeps the old one as a backup).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ContentOpsError, MediaError, ValidationError, WorkspaceError

if TYPE_CHECKING:
    from .brand import BrandKit, Problem
    from .store import Store
    from .workspace import Workspace

OK, WARNING, ERROR = "ok", "warning", "error"
MIN_PYTHON = (3, 11)
FFMPEG_TIMEOUT = 10.0  # seconds for each ffmpeg query
# What contentops asks of ffmpeg, and for what (media/render.py, recap.py, frames.py, moviepy_engine.py).
FFMPEG_FILTERS = {
    "fps": "clips",
    "tpad": "clips",
    "scale": "clips",
    "crop": "clips",
    "pad": "--frame fit",
    "split": "--frame blur",
    "gblur": "--frame blur",
    "overlay": "the logo",
    "subtitles": "captions (libass)",
    "format": "clips",
    "setsar": "clips",
    "apad": "clips",
    "anullsrc": "clips without sound",
    "color": "recap title cards",
    "loudnorm": "recap loudness",
}
FFMPEG_ENCODERS = {
    "libx264": "H.264 video",
    "aac": "AAC audio",
    "pcm_s16le": "recaps and the moviepy engine",
    "bmp": "frames for covers and contact sheets",
}
DISK_ERROR_BYTES = 50 * 1024**2
DISK_WARNING_BYTES = 500 * 1024**2
DISK_DB_FACTOR = 10


@dataclass(frozen=True)
class Check:
    """One line of the report; ``hint`` is None when the check is ok."""

    name: str
    status: str  # OK, WARNING or ERROR
    detail: str
    hint: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "detail": self.detail, "hint": self.hint}


@dataclass(frozen=True)
class Report:
    checks: list[Check]

    @property
    def ok(self) -> bool:
        """True when no check is in error (warnings alone are fine)."""
        return all(c.status != ERROR for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"checks": [c.to_json() for c in self.checks], "ok": self.ok}


def run_doctor(explicit: str | os.PathLike[str] | None = None, *, cwd: Path | None = None) -> Report:
    """Every check, for the workspace ``explicit`` (``--workspace``), else ``$CONTENTOPS_HOME``, else the
    nearest folder up from ``cwd`` with ``contentops.toml``; outside a workspace its checks are skipped."""
    from .history import stores as workspace_stores
    from .workspace import CONFIG_NAME, ENV_HOME, Config, Workspace, find_root, load_config

    machine = [check_python(), check_ffmpeg()]
    try:
        root = find_root(explicit, cwd)
    except WorkspaceError as exc:
        given = explicit or os.environ.get(ENV_HOME)  # a folder named on purpose must be a workspace
        where = Check("workspace", ERROR if given else WARNING, f"{exc.message}: its checks were skipped", exc.hint)
        return Report([*machine, *kit_checks(None), where])
    try:
        ws = Workspace(root, load_config(root / CONFIG_NAME))
        settings = Check("settings", OK, f"{CONFIG_NAME}: {ws.config.handle}, home zone {ws.config.zone}")
    except (WorkspaceError, OSError) as exc:
        ws = Workspace(root, Config())
        settings = _failed("settings", exc, more=" (the checks below use the default settings)")
    fonts, *brand = kit_checks(ws)
    stores = workspace_stores(ws)
    databases = {name: check_database(name, store) for name, store in stores.items()}
    revisions = {name: revision for name, (_, revision) in databases.items()}
    return Report(
        [
            *machine,
            fonts,
            Check("workspace", OK, str(ws.root)),
            settings,
            *brand,
            *(check for check, _ in databases.values()),
            _safely("lock", check_locks, stores),
            _safely("temp files", check_temp_files, stores),
            _safely("backups", check_backups, stores, revisions, ws),
            _safely("disk space", check_disk, ws.root, [store.path for store in stores.values()]),
        ]
    )


def raise_for_errors(report: Report) -> None:
    """A ``ValidationError`` (exit 3) when a check is in error."""
    errors = [c.name for c in report.checks if c.status == ERROR]
    if errors:
        raise ValidationError(
            f"{len(errors)} check{'s' if len(errors) != 1 else ''} failed: {', '.join(errors)}",
            hint="follow the hints above, then run 'contentops doctor' again",
        )


def _failed(name: str, exc: ContentOpsError | OSError, *, more: str = "") -> Check:
    """An error check from a library error (its message and hint) or from the file system refusing to read
    something (a folder where a file should be, a missing permission)."""
    if isinstance(exc, OSError):
        what = f"cannot read{f' {exc.filename}' if exc.filename else ''}: {exc.strerror or exc}"
        return Check(name, ERROR, what + more, "check that path and its permissions")
    return Check(name, ERROR, exc.message + more, exc.hint or "see the detail")


def _safely(name: str, check: Callable[..., Check], *args: Any) -> Check:
    """``check(*args)``, or an error check when the file system refuses what it reads."""
    try:
        return check(*args)
    except OSError as exc:
        return _failed(name, exc)


# --- the machine ---------------------------------------------------------------------------------


def check_python() -> Check:
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] < MIN_PYTHON:
        return Check(
            "python",
            ERROR,
            f"Python {version} at {sys.executable}; contentops needs {'.'.join(map(str, MIN_PYTHON))} or newer",
            "install Python 3.11 or newer and reinstall contentops with it",
        )
    return Check("python", OK, f"Python {version} at {sys.executable}")


@cache
def _ffmpeg_output(exe: str, option: str) -> str:
    """What ``ffmpeg -hide_banner OPTION`` prints (once per executable and option in a process)."""
    try:
        result = subprocess.run(
            [exe, "-hide_banner", option],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=FFMPEG_TIMEOUT,
            text=True,
            encoding="utf-8",
            errors="replace",
        )
    except subprocess.TimeoutExpired:
        raise MediaError(f"{exe} {option} did not answer within {FFMPEG_TIMEOUT:g} s") from None
    except OSError as exc:
        raise MediaError(f"{exe} cannot be run: {exc.strerror or exc}") from None
    if result.returncode != 0:
        raise MediaError(f"{exe} {option} failed (exit code {result.returncode})")
    return result.stdout


def _listed(output: str) -> set[str]:
    """The names in ffmpeg's ``-filters``/``-encoders`` table: the second column of each row below ``------``."""
    _, _, table = output.partition("------")
    return {line.split()[1] for line in table.splitlines() if len(line.split()) >= 2}


def check_ffmpeg() -> Check:
    from .media.ffmpeg import ffmpeg_exe

    env = os.environ.get("IMAGEIO_FFMPEG_EXE")
    fix = (
        "point IMAGEIO_FFMPEG_EXE at a working ffmpeg, or unset it to use the one bundled with contentops"
        if env
        else "reinstall contentops (pip install --force-reinstall imageio-ffmpeg), or set IMAGEIO_FFMPEG_EXE"
    )
    source = "$IMAGEIO_FFMPEG_EXE" if env else "bundled"
    try:
        exe = ffmpeg_exe()
        banner = _ffmpeg_output(exe, "-version")
        filters = _listed(_ffmpeg_output(exe, "-filters"))
        encoders = _listed(_ffmpeg_output(exe, "-encoders"))
    except MediaError as exc:
        return Check("ffmpeg", ERROR, f"{exc.message} ({source})", fix)
    words = banner.split()
    version = words[2] if words[:2] == ["ffmpeg", "version"] and len(words) > 2 else "of an unknown version"
    missing = [f"the {name} filter ({use})" for name, use in FFMPEG_FILTERS.items() if name not in filters]
    missing += [f"the {name} encoder ({use})" for name, use in FFMPEG_ENCODERS.items() if name not in encoders]
    if missing:
        return Check(
            "ffmpeg",
            ERROR,
            f"ffmpeg {version} at {exe} ({source}) lacks {', '.join(missing)}",
            "use the ffmpeg bundled with contentops (unset IMAGEIO_FFMPEG_EXE), or a build with libass and libx264",
        )
    used = f"the {len(FFMPEG_FILTERS)} filters and {len(FFMPEG_ENCODERS)} encoders contentops uses"
    where = f"at {exe} ($IMAGEIO_FFMPEG_EXE)" if env else "(bundled with contentops)"
    return Check("ffmpeg", OK, f"ffmpeg {version} {where}, with {used}")


# --- fonts and the brand kit -----------------------------------------------------------------------


def kit_checks(ws: Workspace | None) -> list[Check]:
    """The fonts check and, in a workspace, the brand kit check: ``brand check``'s problems (the kit's keys
    and the files it names), those of its font files under fonts, the others under brand kit."""
    from .media.kit import check_kit

    try:
        kit, problems = check_kit(ws)
    except (ContentOpsError, OSError) as exc:  # brand.toml cannot be read: its fonts are unknown
        return [check_fonts(None, []), _failed("brand kit", exc)]
    fonts = check_fonts(kit, [p for p in problems if p.key.startswith("fonts.")])
    if ws is None:
        return [fonts]
    others = [p for p in problems if not p.key.startswith("fonts.")]
    if not others:
        return [fonts, Check("brand kit", OK, f"{kit.source}: every key and file is fine")]
    more = f" (and {len(others) - 1} more: run 'contentops brand check')" if len(others) > 1 else ""
    return [fonts, Check("brand kit", ERROR, f"{kit.source}: {others[0]}{more}", others[0].hint)]


def check_fonts(kit: BrandKit | None, problems: list[Problem]) -> Check:
    """The brand kit's fonts (``problems``: those ``check_kit`` found with them; ``kit`` None: unknown), then
    the packaged Noto fonts text falls back to."""
    from .media.cover import FALLBACK_FILES
    from .media.fonts import EMOJI_FILE, default_font, emoji_font

    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        return Check("fonts", ERROR, f"{problems[0].message}{more}", problems[0].hint)
    try:
        folder = default_font().parent
    except ContentOpsError as exc:
        return _failed("fonts", exc)
    missing = [name for name in FALLBACK_FILES if not (folder / name).is_file()]
    if emoji_font() is None:
        missing.insert(0, EMOJI_FILE)
    if missing:
        return Check(
            "fonts",
            WARNING,
            f"fallback fonts missing from {folder}: {', '.join(missing)} (text needing them shows as boxes)",
            "reinstall the fonts: pip install --force-reinstall manimgx-fonts",
        )
    fallbacks = f"fallbacks Noto Emoji and {len(FALLBACK_FILES)} more"
    if kit is None:
        return Check("fonts", OK, f"Noto Sans, {fallbacks}")
    heading = kit.heading_font.name if kit.heading_font else "Noto Sans Bold (built in)"
    body = kit.body_font.name if kit.body_font else "Noto Sans (built in)"
    return Check("fonts", OK, f"heading {heading}, body {body}; {fallbacks}")


# --- the workspace's data --------------------------------------------------------------------------


def check_database(name: str, store: Store) -> tuple[Check, int | None]:
    """Whether ``store``'s file reads and is of a known schema; with its revision (None: unreadable)."""
    try:
        view = store.read()
    except ContentOpsError as exc:
        return _failed(name, exc), None
    if not store.path.exists():
        return Check(name, OK, f"{store.path.name}: not created yet (the first change creates it)"), 0
    schema = view.meta.get("schema_version")
    return Check(name, OK, f"{store.path.name}: revision {view.revision}, schema {schema}"), view.revision


def lock_held(store: Store) -> bool:
    """True if a command holds ``store``'s lock now: one try that does not wait. A missing lock file is
    free (it is never created here); an existing one is opened without truncating and let go at once."""
    if not store.lock_path.exists():
        return False
    from filelock import FileLock, Timeout

    lock = FileLock(str(store.lock_path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        return True
    lock.release()
    return False


def check_locks(stores: dict[str, Store]) -> Check:
    held, stale = [], []
    for store in stores.values():
        if lock_held(store):
            held.append(f"{store.path.name} by {store._describe_holder()}")
        elif store.holder() is not None:
            stale.append(f"{store.path.name}: {store._describe_holder()}")
    if held:
        return Check(
            "lock",
            WARNING,
            f"held: {'; '.join(held)}",
            "wait for that command to finish; if it hangs, stop that process (other commands wait for it)",
        )
    if stale:
        return Check(
            "lock",
            WARNING,
            f"free, with the note of a command stopped before it finished ({'; '.join(stale)})",
            "its change was not saved (see 'contentops history'); the next change removes the note",
        )
    return Check("lock", OK, "free")


def check_temp_files(stores: dict[str, Store]) -> Check:
    from .fsutil import stray_temp_files

    strays = [p.name for store in stores.values() for p in stray_temp_files(store.path)]
    if strays:
        return Check(
            "temp files",
            WARNING,
            f"{len(strays)} left by a stopped command in calendar/: {', '.join(strays)}",
            "harmless: the next command that changes that file removes them (e.g. 'contentops post add')",
        )
    return Check("temp files", OK, "none left behind")


def check_backups(stores: dict[str, Store], revisions: dict[str, int | None], ws: Workspace) -> Check:
    """A file changed at least twice should have a backup (the first change has nothing to keep). An unreadable
    file is left to its own check, whose hint names its newest backup or says there is none."""
    found, lacking = [], []
    for name, store in stores.items():
        backups = store.backups()
        revision = revisions[name]
        if backups:
            count = f"{len(backups)} backup{'s' if len(backups) != 1 else ''}"
            found.append(f"{store.path.name}: {count}, newest {backups[-1].name}")
        elif revision is not None and revision >= 2:
            lacking.append(store.path.name)
    if lacking:
        storage = ws.config.storage
        off = not storage["backups_recent"] and not storage["backups_daily"]
        return Check(
            "backups",
            WARNING,
            f"none of {', '.join(lacking)} in {ws.calendar_dir / 'backups'}",
            f"set storage.backups_recent in {ws.config_path} above 0"
            if off
            else "the next change keeps one; meanwhile copy calendar/ somewhere safe",
        )
    return Check("backups", OK, "; ".join(found) or "none needed yet (nothing has changed twice)")


def check_disk(root: Path, databases: list[Path]) -> Check:
    from .fsutil import size_text

    usage = shutil.disk_usage(root)
    size = sum(p.stat().st_size for p in databases if p.is_file())
    free, total = size_text(usage.free), size_text(usage.total)
    detail = f"{free} free of {total} where the workspace is (databases: {size_text(size)})"
    if usage.free < DISK_ERROR_BYTES:
        return Check(
            "disk space",
            ERROR,
            detail,
            f"free space on that disk now: below {size_text(DISK_ERROR_BYTES)} changes may not be saved",
        )
    if usage.free < max(DISK_WARNING_BYTES, DISK_DB_FACTOR * size):
        return Check(
            "disk space",
            WARNING,
            detail,
            f"free space soon: clips, recaps and backups need room (keep at least {size_text(DISK_WARNING_BYTES)}"
            f" and {DISK_DB_FACTOR}x the databases)",
        )
    return Check("disk space", OK, detail)
