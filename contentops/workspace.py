"""Workspaces: a folder with ``contentops.toml``, ``calendar/`` (data) and ``assets/`` (brand kit).

Discovery order: an explicit folder (``--workspace``), else ``$CONTENTOPS_HOME``, else the
nearest parent of the current folder that holds ``contentops.toml``.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ContentOpsError, UsageError, WorkspaceError
from .fsutil import atomic_write_bytes, atomic_write_text
from .timeutil import get_zone

CONFIG_NAME = "contentops.toml"
ENV_HOME = "CONTENTOPS_HOME"
DEFAULT_ZONE = "Australia/Sydney"
DEFAULT_DISPLAY_ZONES = ["Australia/Perth", "Australia/Brisbane", "Australia/Adelaide", "Pacific/Auckland"]
DEFAULT_PILLARS = [
    "campaign-highlight",
    "creator-showcase",
    "educational",
    "event-recap",
    "trend",
    "announcement",
]
DEFAULT_RULES: dict[str, int] = {
    "min_spacing_hours": 3,
    "max_per_day": 3,
    "max_hashtags": 5,
    "approval_lead_hours": 24,
    "max_caption_utf16": 2200,
}
# Public holidays shown in views and checked by 'cal check': AU, AU-<state>, NZ, NZ-<region>.
DEFAULT_REGIONS = ["AU-NSW", "AU-VIC", "NZ"]
_REGION_RE = re.compile(r"^(AU|NZ)(-[A-Z]{2,3})?$")
DEFAULT_STORAGE: dict[str, float] = {
    "lock_timeout_seconds": 10,
    "backups_recent": 10,
    "backups_daily": 14,
    "journal_keep": 200,
}
_HANDLE_RE = re.compile(r"^@[A-Za-z0-9._]{2,24}$")
MAX_SETTINGS_BYTES = 1_048_576  # contentops.toml, assets/brand.toml, calendar/key-dates.toml: a few KB each
MAX_SETTING = 1_000_000  # the largest number of [rules] and [storage]
MAX_NAME = 100  # characters of account.name and of each pillar, zone and region


@dataclass(frozen=True)
class Config:
    handle: str = "@yourbrand"
    name: str = ""
    zone: str = DEFAULT_ZONE
    display_zones: list[str] = field(default_factory=lambda: list(DEFAULT_DISPLAY_ZONES))
    pillars: list[str] = field(default_factory=lambda: list(DEFAULT_PILLARS))
    rules: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_RULES))
    storage: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_STORAGE))
    regions: list[str] = field(default_factory=lambda: list(DEFAULT_REGIONS))
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Workspace:
    root: Path
    config: Config

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def calendar_dir(self) -> Path:
        return self.root / "calendar"

    @property
    def assets_dir(self) -> Path:
        return self.root / "assets"

    @property
    def calendar_db(self) -> Path:
        return self.calendar_dir / "calendar.json"

    @property
    def metrics_db(self) -> Path:
        return self.calendar_dir / "metrics.json"

    def store(self, actor: str | None = None):  # -> Store (import kept lazy)
        """The calendar: posts, campaigns, slots, sets, templates (``calendar/calendar.json``)."""
        return self._store(self.calendar_db, actor)

    def metrics_store(self, actor: str | None = None):  # -> Store
        """Metric snapshots and account figures (``calendar/metrics.json``), apart from the plan so heavy
        metric churn does not rewrite it; its old journal entries go to ``calendar/history/metrics/``, and it is
        written one document per line (much faster to write than indented JSON at tens of thousands)."""
        return self._store(self.metrics_db, actor, self.calendar_dir / "history" / "metrics", compact=True)

    def _store(self, path: Path, actor: str | None, archive_dir: Path | None = None, compact: bool = False):  # -> Store
        from .store import Store

        s = self.config.storage
        return Store(
            path,
            lock_timeout=float(s["lock_timeout_seconds"]),
            backups_recent=int(s["backups_recent"]),
            backups_daily=int(s["backups_daily"]),
            journal_keep=int(s["journal_keep"]),
            actor=actor,
            archive_dir=archive_dir,
            line_per_document=compact,
        )


def validate_handle(handle: str) -> str:
    handle = handle.strip()
    if not handle.startswith("@"):
        handle = "@" + handle
    if not _HANDLE_RE.match(handle):
        raise UsageError(
            f"{handle!r} is not a TikTok handle",
            hint="use 2-24 letters, digits, '.' or '_', e.g. @brand.anz",
        )
    return handle


def config_error(path: Path, message: str) -> WorkspaceError:
    """The error for a bad setting in the settings file ``path``, with a hint on where to fix it."""
    return WorkspaceError(f"{path}: {message}", hint=f"fix the setting in {path} (see the README's 'Settings' section)")


def read_toml(path: Path, error: Callable[[str], ContentOpsError]) -> dict[str, Any] | None:
    """The settings file ``path`` parsed (None when there is none). A file over ``MAX_SETTINGS_BYTES`` (not
    read into memory), not UTF-8 or not TOML raises ``error(message)``."""
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_SETTINGS_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise error(f"cannot be read ({exc.strerror})") from None
    if len(data) > MAX_SETTINGS_BYTES:
        raise error(f"is larger than {MAX_SETTINGS_BYTES // 1024:,} KB, too large for a settings file")
    try:
        text = data.decode("utf-8")
        return tomllib.loads(text)
    except UnicodeDecodeError as exc:
        raise error(f"is not UTF-8 text (byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"not valid TOML: {exc}") from None
    except ValueError:  # an integer longer than Python reads (4,300 digits)
        digits = sys.get_int_max_str_digits()
        line = next((n for n, ln in enumerate(text.splitlines(), 1) if re.search(rf"[0-9_]{{{digits},}}", ln)), "?")
        raise error(f"not valid TOML: line {line} holds a number of more than {digits:,} digits") from None
    except RecursionError:
        raise error("not valid TOML: arrays or tables nested too deeply") from None


def load_config(path: Path) -> Config:
    """Read and validate ``contentops.toml``; unknown keys are kept but ignored."""
    data = read_toml(path, lambda message: config_error(path, message))
    if data is None:
        raise WorkspaceError(f"{path} does not exist", hint="run 'contentops init DIR' to create a workspace")

    def section(name: str) -> dict[str, Any]:
        value = data.get(name, {})
        if not isinstance(value, dict):
            raise config_error(path, f"[{name}] must be a table")
        return value

    def string_list(value: Any, key: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(v, str) and 0 < len(v.strip()) <= MAX_NAME for v in value):
            raise config_error(path, f"{key} must be a list of non-empty strings (of at most {MAX_NAME} characters)")
        return [v.strip() for v in value]

    def string(table: str, key: str, default: str) -> str:
        value = section(table).get(key, default)
        if not isinstance(value, str) or len(value) > MAX_NAME:
            raise config_error(path, f"{table}.{key} must be a string of at most {MAX_NAME} characters")
        return value

    tz, content = section("time"), section("content")
    handle = string("account", "handle", Config.handle)
    account_name = string("account", "name", "")
    zone = string("time", "zone", DEFAULT_ZONE)
    display = string_list(tz.get("display_zones", DEFAULT_DISPLAY_ZONES), "time.display_zones")
    for name in [zone, *display]:
        try:
            get_zone(name)
        except UsageError:
            raise config_error(
                path, f"unknown time zone {name!r} (use an IANA name such as Australia/Sydney)"
            ) from None
    pillars = string_list(content.get("pillars", DEFAULT_PILLARS), "content.pillars")
    regions = [r.upper() for r in string_list(section("calendar").get("regions", DEFAULT_REGIONS), "calendar.regions")]
    for region in regions:
        if not _REGION_RE.match(region):
            raise config_error(path, f"calendar.regions: {region!r} is not a region (use AU, AU-NSW, NZ, NZ-AUK, ...)")

    def numbers(name: str, defaults: dict[str, Any]) -> dict[str, Any]:
        merged = dict(defaults)
        for key, value in section(name).items():
            if key in defaults:
                if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= MAX_SETTING:
                    raise config_error(path, f"{name}.{key} must be a number from 0 to {MAX_SETTING:,}")
                merged[key] = value
        return merged

    return Config(
        handle=handle,
        name=account_name,
        zone=zone,
        display_zones=display,
        pillars=pillars,
        rules=numbers("rules", DEFAULT_RULES),
        storage=numbers("storage", DEFAULT_STORAGE),
        regions=regions,
        raw=data,
    )


def find_root(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Path:
    """The workspace folder (see module docstring for the order), without reading its settings."""
    if explicit:
        root = Path(explicit).expanduser()
        source = "--workspace"
    elif os.environ.get(ENV_HOME):
        root = Path(os.environ[ENV_HOME]).expanduser()
        source = f"${ENV_HOME}"
    else:
        here = (cwd or Path.cwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / CONFIG_NAME).is_file():
                return candidate
        raise WorkspaceError(
            "no contentops workspace here (no contentops.toml in this folder or its parents)",
            hint=f"run 'contentops init DIR', cd into a workspace, or pass --workspace DIR (or set {ENV_HOME})",
        )
    if not (root / CONFIG_NAME).is_file():
        raise WorkspaceError(
            f"{root} is not a contentops workspace (given by {source}; it has no {CONFIG_NAME})",
            hint=f"run 'contentops init {root}' first, or point {source} at a workspace",
        )
    return root.resolve()


def find_workspace(explicit: str | os.PathLike[str] | None = None, cwd: Path | None = None) -> Workspace:
    """Locate and load the workspace (see module docstring for the order)."""
    root = find_root(explicit, cwd)
    return Workspace(root, load_config(root / CONFIG_NAME))


def _toml_str(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _toml_list(values: list[str]) -> str:
    return "[" + ", ".join(_toml_str(v) for v in values) + "]"


def config_text(handle: str, zone: str, name: str = "", display_zones: list[str] | None = None) -> str:
    display = display_zones if display_zones is not None else DEFAULT_DISPLAY_ZONES
    rules = "\n".join(f"{k} = {v}" for k, v in DEFAULT_RULES.items())
    storage = "\n".join(f"{k} = {v}" for k, v in DEFAULT_STORAGE.items())
    return f"""# contentops workspace settings. Data lives in calendar/, the brand kit in assets/.

[account]
handle = {_toml_str(handle)}
name = {_toml_str(name)}

[time]
# Home zone: posts are planned in it and recurring slots keep its wall-clock time.
zone = {_toml_str(zone)}
# Extra zones views can show next to the home zone.
display_zones = {_toml_list(display)}

[content]
pillars = {_toml_list(DEFAULT_PILLARS)}

[calendar]
# Public holidays to show and check: AU, AU-NSW, AU-VIC, AU-QLD, AU-WA, AU-SA, AU-TAS, AU-ACT,
# AU-NT, NZ, or a New Zealand region such as NZ-AUK. Key dates of your own go in calendar/key-dates.toml.
regions = {_toml_list(DEFAULT_REGIONS)}

[rules]
# Posting rules used by 'contentops cal check'.
{rules}
# To change how a check counts, or turn it off, add below these rules:
# [rules.severity]
# missing-cover = "off"      # or "warning" / "error"

[storage]
# How long a command waits for another one to finish with the calendar, and how
# many backups of calendar/calendar.json are kept (recent ones, plus one per day).
{storage}
"""


def init_workspace(
    directory: str | os.PathLike[str],
    *,
    handle: str = "@yourbrand",
    zone: str = DEFAULT_ZONE,
    name: str = "",
) -> Workspace:
    """Create a workspace in ``directory`` (created if needed). Existing files are never overwritten."""
    root = Path(directory).expanduser()
    handle = validate_handle(handle)
    get_zone(zone)
    if (root / CONFIG_NAME).exists():
        raise WorkspaceError(
            f"{root} is already a workspace ({CONFIG_NAME} exists)",
            hint="use it as it is, or choose another folder",
        )
    if root.exists() and not root.is_dir():
        raise WorkspaceError(f"{root} exists and is not a folder", hint="choose another path")
    root.mkdir(parents=True, exist_ok=True)
    (root / "calendar").mkdir(exist_ok=True)
    (root / "assets").mkdir(exist_ok=True)
    from .brand import BRAND_FILE, LOGO_FILE, default_kit_dir, kit_template

    brand = root / "assets" / BRAND_FILE
    if not brand.exists():  # a complete kit to make their own: the packaged one, with its logo
        atomic_write_text(brand, kit_template(name or handle, handle))
        logo = root / "assets" / LOGO_FILE
        if not logo.exists():
            atomic_write_bytes(logo, (default_kit_dir() / LOGO_FILE).read_bytes())
    # Written last: a folder is a workspace only once everything else is in place.
    atomic_write_text(root / CONFIG_NAME, config_text(handle, zone, name))
    return Workspace(root.resolve(), load_config(root / CONFIG_NAME))
